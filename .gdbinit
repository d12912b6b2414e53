# .gdbinit — what `make gdb` runs: connects gdb-multiarch to the QEMU that
# `make lab-N qemu-gdb` started (in another terminal) and loads that lab's symbols.
#
# Start with:   make lab-1 qemu-gdb      (QEMU waits, stopped at the first instruction)
#   then:       make gdb                 (in a second terminal)
# and try:      break kmain / continue / info registers / keel-el / backtrace / stepi
#
# tools/gdb/keel.py adds Keel's own commands: keel-el, keel-sym, keel-pt, keel-tf,
# keel-tasks (`help user-defined` lists them).
set confirm off
set pagination off
set architecture aarch64
set print pretty on
source tools/gdb/keel.py
keel-attach
