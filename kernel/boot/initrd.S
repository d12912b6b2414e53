// initrd.S — the boot archive, carried in the kernel image (given code).  The build packs
// the lab's user programs into build/labN/initrd.cpio (tools/mkcpio.py) and passes its path
// as KEEL_INITRD.
    .section .rodata
    .balign 16
    .global initrd_start, initrd_end
initrd_start:
    .incbin KEEL_INITRD
initrd_end:
