# Keel — top-level Makefile.
#
#   make lab-N qemu      boot the system as it stands after lab N (Ctrl-a x quits QEMU)
#   make grade           grade every lab          make grade LAB=N   grade lab N
#   make help            everything else
#
# Lab N's build is everything declared by labs/01-*/lab.mk .. labs/NN-*/lab.mk, compiled with
# -DLAB=N into build/labN/. Nothing is ever written outside build/ (and DEST for a release).

.DEFAULT_GOAL := build
.SUFFIXES:
.DELETE_ON_ERROR:
SHELL := /bin/bash

# ---------------------------------------------------------------------------------------------
# Which lab.  `make lab-3 qemu` and `make qemu LAB=3` mean the same; without either, the highest.
LAB_DIRS := $(sort $(wildcard labs/[0-9][0-9]-*))
LAB_NUMS := $(foreach d,$(LAB_DIRS),$(patsubst 0%,%,$(firstword $(subst -, ,$(notdir $(d))))))
TOP_LAB := $(lastword $(LAB_NUMS))

LAB_GOAL := $(filter lab-%,$(MAKECMDGOALS))
ifneq ($(words $(LAB_GOAL)),0)
ifneq ($(words $(LAB_GOAL)),1)
$(error name one lab at a time, not '$(LAB_GOAL)')
endif
LAB := $(patsubst lab-%,%,$(LAB_GOAL))
LAB_CHOSEN := yes
else ifneq ($(filter command line environment,$(origin LAB)),)
LAB_CHOSEN := yes
endif
LAB ?= $(TOP_LAB)

ifeq ($(filter $(LAB),$(LAB_NUMS)),)
$(error unknown lab '$(LAB)'; the labs are: $(LAB_NUMS))
endif
ifneq ($(LAB_NUMS),$(wordlist 1,$(words $(LAB_NUMS)),1 2 3 4 5 6 7 8 9 10))
$(error labs/ must hold labs 1..N without gaps, found: $(LAB_NUMS))
endif

# Labs 1..LAB, in order; each lab.mk appends to the variables below.
KERNEL_SRCS :=
KERNEL_HDRS :=
KERNEL_BOOT_SRCS :=
USER_LIB_SRCS :=
USER_HDRS :=
USER_PROGS :=
USER_FILES :=
LAB_DOCS :=
LAB_QEMU_OPTS :=
# The build directory comes first: a lab.mk may name objects in it.
B := build/lab$(LAB)
FAST_SRCS :=
include $(wordlist 1,$(LAB),$(addsuffix /lab.mk,$(LAB_DIRS)))
LAB_DIR := $(word $(LAB),$(LAB_DIRS))

# ---------------------------------------------------------------------------------------------
# Tools.  `tools/setup.sh` installs what is missing (see `make setup`).
TOOLPREFIX ?= $(firstword $(foreach p,aarch64-linux-gnu- aarch64-none-elf- aarch64-elf-,\
                 $(if $(shell command -v $(p)gcc 2>/dev/null),$(p))) aarch64-linux-gnu-)
CC := $(TOOLPREFIX)gcc
LD := $(TOOLPREFIX)ld
NM := $(TOOLPREFIX)nm
OBJCOPY := $(TOOLPREFIX)objcopy
OBJDUMP := $(TOOLPREFIX)objdump
QEMU ?= qemu-system-aarch64
GDB ?= $(firstword $(foreach g,gdb-multiarch aarch64-elf-gdb aarch64-linux-gnu-gdb gdb,\
          $(if $(shell command -v $(g) 2>/dev/null),$(g))) gdb-multiarch)
# A Python that has pytest: Debian's lives in /usr/bin even when another python3 is first on PATH.
PYTHON ?= $(shell tools/find-python)

V ?= 0
ifeq ($(V),1)
Q :=
say :=
else
Q := @
say = @printf '  %-7s %s\n' $(1) $(2);
endif

# ---------------------------------------------------------------------------------------------
# Compiler flags.  Freestanding, no FP/SIMD registers (the kernel never saves them), frame
# records in every function, leaves included, for backtraces (also from a fault in a leaf),
# tail calls off so every caller keeps its frame record.
COMMON_CFLAGS := -std=gnu11 -ffreestanding -fno-builtin -nostdlib -fno-pie -fno-pic \
                 -fno-stack-protector -fno-common -fno-strict-aliasing -mgeneral-regs-only -mcpu=cortex-a72 \
                 -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-optimize-sibling-calls \
                 -fno-asynchronous-unwind-tables \
                 -Og -g -Wall -Wextra -Werror -Wno-unused-parameter -MMD -MP
# The kernel includes a server's protocol (user/include/proto/NAME.h) where it is that
# server's client (lab 7's VFS); a protocol header includes "ipc.h", hence kernel/uapi.
KCFLAGS := $(COMMON_CFLAGS) -fno-inline-functions-called-once -DLAB=$(LAB) \
           -Ikernel -Ikernel/uapi -Iuser/include
# Code that runs before the MMU is on sees all memory as Device memory, where an unaligned
# access faults (Arm ARM B2.5.2), so it must never be compiled to one.
KBOOT_CFLAGS := $(KCFLAGS) -mstrict-align -fno-tree-loop-distribute-patterns
KASFLAGS := -DLAB=$(LAB) -Ikernel -g -MMD -MP -D__ASSEMBLY__
UCFLAGS := $(COMMON_CFLAGS) -DLAB=$(LAB) -Iuser/include -Ikernel/uapi -Ikernel/lib
UASFLAGS := -DLAB=$(LAB) -g -MMD -MP -D__ASSEMBLY__

KERNEL := $(B)/kernel.elf
KOBJS := $(patsubst %,$(B)/%.o,$(basename $(KERNEL_SRCS)))
KBOOT_OBJS := $(patsubst %,$(B)/%.o,$(basename $(KERNEL_BOOT_SRCS)))
LDSCRIPT := kernel/arch/aarch64/kernel.ld
# .boot is writable and executable: it runs before there are any permissions at all.
LDFLAGS := -nostdlib --no-warn-rwx-segments -z max-page-size=4096

# ---------------------------------------------------------------------------------------------
# QEMU.  MEM, BOOTARGS and QEMUEXTRA vary the machine:  make lab-2 qemu MEM=512M BOOTARGS="..."
MEM ?= 128M
BOOTARGS ?=
QEMUEXTRA ?=
GDBPORT ?= $(shell echo $$(( $$(id -u) % 5000 + 26000 )))
# Keel refuses to run in less than RAM_MIN_SIZE (kernel/mm/memlayout.h) with a message; with
# less than about 3 MiB QEMU cannot even load the kernel (it is linked 2 MiB into RAM), and
# the machine would run nothing and say nothing.  So `make qemu` checks MEM first.  QEMU's
# -m counts in MiB unless a K, M, G or T follows.
RAM_MIN_MIB := 8
ifneq ($(filter qemu qemu-gdb,$(MAKECMDGOALS)),)
ifneq ($(shell awk -v m='$(MEM)' -v min=$(RAM_MIN_MIB) 'BEGIN { u = toupper(substr(m, length(m))); \
          f = u == "K" ? 1 / 1024 : u == "G" ? 1024 : u == "T" ? 1048576 : 1; \
          if (m + 0 > 0 && (m + 0) * f >= min) print "enough" }'),enough)
$(error MEM=$(MEM) is too little RAM: Keel needs at least $(RAM_MIN_MIB)M (RAM_MIN_SIZE in kernel/mm/memlayout.h))
endif
endif
# From lab 8 (a lab.mk sets LAB_DISK), `make qemu` boots with a disk: DISK=path.img, or an
# empty FAT32 image made in build/labN/disk.img.  QEMU's loader puts the image at the top of
# RAM, the boot arguments say where (disk=ADDRESS,SIZE) and which host file the kernel writes
# it back to (diskfile=, through semihosting: kernel/dev/ramdisk.c).  The graders give each
# test a disk of its own (grade/harness.py).
LAB_DISK ?=
DISK_BOOTARGS :=
DISK_QEMU_OPTS :=
ifeq ($(LAB_DISK),yes)
ifneq ($(filter qemu qemu-gdb,$(MAKECMDGOALS)),)
DISK ?= $(B)/disk.img
ifneq ($(words $(DISK)),1)
$(error DISK='$(DISK)': a path without spaces, please (it goes into the boot arguments))
endif
ifeq ($(wildcard $(DISK)),)
ifeq ($(DISK),$(B)/disk.img)
$(shell mkdir -p $(B) && mkfs.fat -F 32 -s 1 -n KEEL -C $(DISK) 40960 >/dev/null)
else
$(error DISK=$(DISK): no such file)
endif
endif
DISK_SIZE := $(shell stat -c %s $(DISK))
MEM_MIB := $(shell awk -v m='$(MEM)' 'BEGIN { u = toupper(substr(m, length(m))); \
             f = u == "K" ? 1 / 1024 : u == "G" ? 1024 : u == "T" ? 1048576 : 1; \
             n = int(m * f); print (n > 4096 ? 4096 : n) }')
DISK_ADDR := $(shell printf '0x%x' $$(( 0x40000000 + $(MEM_MIB) * 1048576 - \
             ($(DISK_SIZE) + 0x1fffff) / 0x200000 * 0x200000 )))
DISK_QEMU_OPTS := -device loader,file=$(DISK),addr=$(DISK_ADDR),force-raw=on -semihosting
DISK_BOOTARGS := semihosting disk=$(DISK_ADDR),$(DISK_SIZE) diskfile=$(DISK)
endif
endif
QEMUOPTS = -M virt -cpu cortex-a72 -m $(MEM) -nographic -nic none \
           -kernel $(KERNEL) -append "$(strip $(DISK_BOOTARGS) $(BOOTARGS))" $(LAB_QEMU_OPTS) \
           $(DISK_QEMU_OPTS) $(QEMUEXTRA)

# ---------------------------------------------------------------------------------------------
.PHONY: build help setup setup-build setup-qemu setup-gdb setup-grade qemu qemu-gdb gdb replay grade release release-check clean \
        format print-lab-files transcripts check-transcripts $(LAB_GOAL)

build: $(KERNEL) $(USER_ELFS)

# Installs missing tools first (tools/setup.sh); order-only, so it never causes a rebuild.
setup-build setup-qemu setup-gdb setup-grade:
	@tools/setup.sh --need $(patsubst setup-%,%,$@)

# `make lab-N` alone builds lab N; beside another goal it only selects the lab.
$(LAB_GOAL): $(if $(filter-out $(LAB_GOAL),$(MAKECMDGOALS)),,build)
	@:

# Objects depend on the flags they were compiled with: this file changes when the flags do.
FLAGS_STAMP := $(B)/flags.stamp
FLAGS_NOW := $(CC) $(KCFLAGS) | $(KBOOT_CFLAGS) | $(KASFLAGS) | $(UCFLAGS) | $(UASFLAGS) | $(LDFLAGS) | $(FAST_SRCS)
ifneq ($(FLAGS_NOW),$(shell cat $(FLAGS_STAMP) 2>/dev/null))
$(shell mkdir -p $(B) && echo '$(FLAGS_NOW)' > $(FLAGS_STAMP))
endif

# The lab's extra QEMU options (devices, disks), for the graders: build/labN/qemu-options.
QEMU_OPTS_FILE := $(B)/qemu-options
ifneq ($(strip $(LAB_QEMU_OPTS)),$(shell cat $(QEMU_OPTS_FILE) 2>/dev/null))
$(shell mkdir -p $(B) && echo '$(strip $(LAB_QEMU_OPTS))' > $(QEMU_OPTS_FILE))
endif

$(B)/%.o: %.c $(FLAGS_STAMP) | setup-build
	$(call say,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(KCFLAGS) -c -o $@ $<

$(B)/%.o: %.S $(FLAGS_STAMP) | setup-build
	$(call say,AS,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(KASFLAGS) -c -o $@ $<

$(KBOOT_OBJS): $(B)/%.o: %.c $(FLAGS_STAMP) | setup-build
	$(call say,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(KBOOT_CFLAGS) -c -o $@ $<

# The kernel carries its own symbol table for backtraces (kernel/debug/ksyms.c).  Link once with an
# empty table, list the symbols, link again with the table placed after everything else: no
# code or data moves, which tools/mksyms.py --check proves on every build.
$(B)/ksyms-empty.S: | setup-build
	@mkdir -p $(@D)
	$(Q)$(PYTHON) tools/mksyms.py --empty > $@

$(B)/ksyms-empty.o $(B)/ksyms.o: %.o: %.S
	$(call say,AS,$@)
	$(Q)$(CC) $(KASFLAGS) -c -o $@ $<

$(B)/kernel-pass1.elf: $(KOBJS) $(KBOOT_OBJS) $(B)/ksyms-empty.o $(LDSCRIPT)
	$(call say,LD,$@)
	$(Q)$(LD) $(LDFLAGS) -T $(LDSCRIPT) -o $@ $(KBOOT_OBJS) $(KOBJS) $(B)/ksyms-empty.o

$(B)/ksyms.S: $(B)/kernel-pass1.elf tools/mksyms.py
	$(call say,SYMS,$@)
	$(Q)$(NM) -n $< | $(PYTHON) tools/mksyms.py > $@

$(KERNEL): $(B)/kernel-pass1.elf $(B)/ksyms.o
	$(call say,LD,$@)
	$(Q)$(LD) $(LDFLAGS) -T $(LDSCRIPT) -o $@ $(KBOOT_OBJS) $(KOBJS) $(B)/ksyms.o
	$(Q)$(NM) -n $(B)/kernel-pass1.elf > $(B)/pass1.nm
	$(Q)$(NM) -n $@ | $(PYTHON) tools/mksyms.py --check $(B)/pass1.nm
	$(Q)$(OBJDUMP) -d -S $@ > $(B)/kernel.asm

# ---------------------------------------------------------------------------------------------
# User programs (from lab 4).  A program is one .c file (labs/04-scheduler/hello.c) or a
# folder of .c and .S files (user/servers/console/: a server is a folder); either way it is
# linked with the user library at 0x40_0000 by user/user.ld into build/labN/user/NAME.elf,
# which keeps its symbols (for GDB), and a stripped copy goes into the boot archive,
# build/labN/initrd.cpio, which the kernel carries (kernel/boot/initrd.S).  USER_FILES are
# data files, archived under their name without extension.
ULDSCRIPT := user/user.ld
UOBJ := $(B)/u

# FAST_SRCS (lab.mk files) are optimised (-O2), without frame records of their own: the IPC
# fast path, which calls nothing and is given code; the user library's message calls; and a
# lab's benchmark program (lab 6's shmbench), whose loops should be a real program's.
$(patsubst %,$(B)/%.o,$(basename $(filter kernel/%,$(FAST_SRCS)))): KCFLAGS += -O2 -fomit-frame-pointer
$(patsubst %,$(UOBJ)/%.o,$(basename $(filter user/% labs/%,$(FAST_SRCS)))): UCFLAGS += -O2 -fomit-frame-pointer

USER_LIB_OBJS := $(patsubst %,$(UOBJ)/%.o,$(basename $(USER_LIB_SRCS)))
# A program's name: its file's name without .c, or its folder's name.
program_name = $(notdir $(basename $(patsubst %/,%,$(1))))
# A program's sources: the file itself, or every .c and .S in the folder but those that a
# later lab's lab.mk names (outside comments): a lab may add files to an earlier lab's
# folder (lab 8 adds FAT32 to lab 7's VFS server), and lab N is what labs 1..N declare.
hash := \#
LATER_LAB_MKS := $(addsuffix /lab.mk,$(wordlist $(shell echo $$(($(LAB) + 1))),99,$(LAB_DIRS)))
LATER_SRCS := $(if $(LATER_LAB_MKS),$(shell sed 's/$(hash).*//' $(LATER_LAB_MKS) | grep -o '[A-Za-z0-9_./-]*\.[cS]\b'))
program_srcs = $(if $(filter %.c,$(1)),$(1),$(filter-out $(LATER_SRCS),$(sort $(wildcard $(patsubst %/,%,$(1))/*.c $(patsubst %/,%,$(1))/*.S))))
USER_NAMES := $(foreach p,$(USER_PROGS),$(call program_name,$(p)))
USER_ELFS := $(addprefix $(B)/user/,$(addsuffix .elf,$(USER_NAMES)))
USER_STRIPPED := $(addprefix $(B)/archive/,$(USER_NAMES))
INITRD := $(B)/initrd.cpio

$(UOBJ)/%.o: %.c $(FLAGS_STAMP) | setup-build
	$(call say,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(UCFLAGS) -c -o $@ $<

$(UOBJ)/%.o: %.S $(FLAGS_STAMP) | setup-build
	$(call say,AS,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(UASFLAGS) -c -o $@ $<

# One link rule per program: build/labN/user/NAME.elf from its sources' objects.
define USER_PROGRAM
$(B)/user/$(call program_name,$(1)).elf: $(patsubst %,$(UOBJ)/%.o,$(basename $(call program_srcs,$(1)))) $(USER_LIB_OBJS) $(ULDSCRIPT)
	$$(call say,LD,$$@)
	@mkdir -p $$(@D)
	$$(Q)$$(LD) -nostdlib -z max-page-size=4096 -T $(ULDSCRIPT) -o $$@ $(patsubst %,$(UOBJ)/%.o,$(basename $(call program_srcs,$(1)))) $(USER_LIB_OBJS)
endef
$(foreach p,$(USER_PROGS),$(eval $(call USER_PROGRAM,$(p))))

$(B)/archive/%: $(B)/user/%.elf
	@mkdir -p $(@D)
	$(Q)$(OBJCOPY) --strip-all $< $@

$(INITRD): $(USER_STRIPPED) $(USER_FILES) tools/mkcpio.py
	$(call say,CPIO,$@)
	$(Q)$(PYTHON) tools/mkcpio.py -o $@ $(USER_STRIPPED) \
	    $(foreach f,$(USER_FILES),$(basename $(notdir $(f)))=$(f))

# The kernel's copy of the archive.
$(B)/kernel/boot/initrd.o: $(INITRD)
$(B)/kernel/boot/initrd.o: KASFLAGS += -DKEEL_INITRD='"$(INITRD)"'

-include $(shell find build/lab$(LAB) -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------------------------------------
setup:
	@tools/setup.sh

# RECORD=1 records the session under QEMU's record/replay into build/labN/record/ (the guest
# clock then counts instructions, and Ctrl-C ends QEMU: see tools/replay.py's record);
# `make lab-N replay` replays it in GDB.
RECORD ?=
RECORD_DIR := $(B)/record

qemu: setup-qemu $(KERNEL)
	@echo "*** Keel lab $(LAB): QEMU is starting; quit with $(if $(filter 1,$(RECORD)),Ctrl-C,Ctrl-a x)"
	$(if $(filter 1,$(V)),,@)$(if $(filter 1,$(RECORD)),$(PYTHON) tools/replay.py record $(RECORD_DIR) --) $(QEMU) $(QEMUOPTS)

qemu-gdb: setup-qemu $(KERNEL)
	@mkdir -p build
	@printf 'lab %s\nport %s\nelf %s\n' $(LAB) $(GDBPORT) $(abspath $(KERNEL)) > build/gdb-session
	@echo "*** QEMU waits for GDB on port $(GDBPORT): run 'make gdb' in another terminal"
	$(if $(filter 1,$(V)),,@)$(QEMU) $(QEMUOPTS) -S -gdb tcp:127.0.0.1:$(GDBPORT)

gdb: setup-gdb
	@test -f build/gdb-session || { echo "make gdb: no QEMU to attach to; start 'make lab-N qemu-gdb' in another terminal first" >&2; exit 1; }
	$(GDB) -q -iex "set auto-load local-gdbinit off" -x .gdbinit

# A replay in GDB, stopped at its first instruction, running forwards and backwards:
# TEST=NAME a failed grader test's (its failure message names it), else the last
# `make lab-N qemu RECORD=1` session of lab N.
TEST ?=
replay: setup-gdb
	$(Q)$(PYTHON) tools/replay.py gdb $(if $(TEST),--test '$(TEST)',$(RECORD_DIR))

# ---------------------------------------------------------------------------------------------
# Grading.  `make grade LAB=N` runs the graders of labs 1..N on lab N's build (your lab N must
# not break what labs 1..N-1 did).  `make grade` runs every lab's grader on its own build, and
# all of them again on the highest build; UPTO=N treats lab N as the highest.
UPTO ?= $(TOP_LAB)
GRADE_LABS := $(if $(LAB_CHOSEN),$(LAB),$(wordlist 1,$(UPTO),$(LAB_NUMS)))
GRADE_ONLY ?=
GRADE_JOBS ?= $(shell echo $$(( $$(nproc) * 2 )))
PYTEST_ARGS ?=

grade: setup-grade
	$(Q)for n in $(GRADE_LABS); do $(MAKE) --no-print-directory build LAB=$$n || exit 1; done
	$(Q)$(PYTHON) -m pytest -c grade/pytest.ini grade \
	    --keel-labs="$(GRADE_LABS)" $(if $(LAB_CHOSEN),--keel-cumulative) \
	    $(if $(GRADE_ONLY),--keel-only=$(GRADE_ONLY)) \
	    $(if $(filter-out 0 1,$(GRADE_JOBS)),-n $(GRADE_JOBS)) $(PYTEST_ARGS)

# ---------------------------------------------------------------------------------------------
# Releases.  STRIP=all also strips the solutions of the labs before LAB.
DEST ?= build/release/lab$(LAB)
STRIP ?= lab

release: setup-build
	$(Q)$(PYTHON) tools/release.py write --lab $(LAB) --dest $(DEST) --strip $(STRIP)

release-check: setup-grade
	$(Q)$(PYTHON) tools/release.py check $(if $(LAB_CHOSEN),--lab $(LAB))

# ---------------------------------------------------------------------------------------------
# Handout transcripts.  Every block of output in handouts/ and solutions/ names the command that
# produced it (tools/transcripts.py explains the markers); these run the commands again.
# WHERE=handouts/02-paging.md (or FILE:LINE) limits them to some blocks.
WHERE ?=

transcripts: setup-grade setup-gdb
	$(Q)$(PYTHON) tools/transcripts.py write $(WHERE)

check-transcripts: setup-grade setup-gdb
	$(Q)$(PYTHON) tools/transcripts.py check $(WHERE)

# Lists the files each lab owns (used by tools/release.py).
print-lab-files:
	@echo "KERNEL $(KERNEL_SRCS) $(KERNEL_BOOT_SRCS) $(KERNEL_HDRS)"
	@echo "USER $(USER_LIB_SRCS) $(USER_HDRS) $(foreach p,$(USER_PROGS),$(call program_srcs,$(p))) $(USER_FILES)"
	@echo "DOCS $(LAB_DOCS)"

format:
	clang-format -i $(shell git ls-files '*.c' '*.h')

clean:
	rm -rf build

help:
	@echo "Keel — labs: $(LAB_NUMS) (the highest, $(TOP_LAB), is the default)"
	@echo
	@echo "  make lab-N             build lab N's kernel into build/labN/"
	@echo "  make lab-N qemu        boot lab N (quit QEMU with Ctrl-a x)"
	@echo "  make qemu              boot the highest lab"
	@echo "  make lab-N qemu-gdb    boot lab N stopped, waiting for GDB on port $(GDBPORT)"
	@echo "  make gdb               attach gdb-multiarch to it (see .gdbinit)"
	@echo "  make lab-N qemu RECORD=1   boot lab N, recording the session for a replay"
	@echo "  make lab-N replay      replay that session in GDB, forwards and backwards"
	@echo "  make replay TEST=NAME  replay a failed grader test in GDB (its message names it)"
	@echo "  make grade             grade every lab; prints 'Score: X/Y'"
	@echo "  make grade LAB=N       grade lab N (with labs 1..N-1 as regression tests)"
	@echo "  make release LAB=N DEST=dir [STRIP=all]   write the student tree for lab N"
	@echo "  make release-check     prove each lab's release: builds, earlier labs pass, lab N fails"
	@echo "  make transcripts       regenerate the output shown in handouts/ and solutions/"
	@echo "  make check-transcripts fail if any of it differs from what its command prints now"
	@echo "  make setup             install the toolchain (Debian/Ubuntu)"
	@echo "  make format            clang-format the C sources"
	@echo "  make clean             remove build/"
	@echo
	@echo "  Variables: MEM=128M  BOOTARGS=\"...\"  QEMUEXTRA=\"...\"  V=1 (show commands)"
	@echo "             GRADE_JOBS=N (parallel QEMUs)  PYTEST_ARGS=\"-k backtrace\""
	@echo "             KEEL_RECORD=N (failed tests recorded per grade run, default 3)"
