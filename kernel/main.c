// main.c — kmain, where the kernel starts after start.S: bring each subsystem up in order,
// then hand over to the monitor (or, from lab 4, to the first user program).
#include "arch/aarch64/sysreg.h"
#include "boot/bootargs.h"
#include "boot/dtb.h"
#include "debug/monitor.h"
#include "debug/printf.h"
#include "debug/selftest.h"
#include "mm/memlayout.h"
#include "platform/virt/board.h"
#include "platform/virt/power.h"
#include "platform/virt/uart.h"
#if LAB >= 2
#include "mm/frame.h"
#include "mm/kvm.h"
#endif
#if LAB >= 3
#include "arch/aarch64/timer.h"
#include "arch/aarch64/trap.h"
#include "dev/console_input.h"
#include "dev/irq.h"
#include "platform/virt/gic.h"
#endif
#if LAB >= 4
#include "boot/archive.h"
#if LAB >= 8
#include "dev/ramdisk.h"
#endif
#include "task/task.h"
#endif

// Stops with a message on a machine with less RAM than Keel needs (RAM_MIN_SIZE): better
// that than an allocation failing in some odd way later.  So far nothing has used any RAM
// but the image and the device tree, and the UART needs none.
static void refuse_too_little_ram(void)
{
    if (boot_info.ram_size >= RAM_MIN_SIZE)
        return;
    printf("Keel needs at least %lu MiB of RAM; this machine has %lu KiB (QEMU's -m). "
           "Powering off.\n",
           RAM_MIN_SIZE >> 20, boot_info.ram_size >> 10);
    power_exit(1);
}

static const char *const lab_titles[] = {
    "",    "boot & UART", "paging", "exceptions", "scheduler & user space", "IPC", "shared memory",
    "VFS", "FAT32",       "VirtIO", "fork/exec",
};

void kmain(void)
{
    uart_init();
    printf("Keel lab %d (%s) on QEMU virt, running at EL%u\n", LAB, lab_titles[LAB], current_el());
    dtb_parse(DTB_PA, &boot_info);
    bootargs_init(boot_info.bootargs);
    printf("RAM: %lu MiB at 0x%lx; boot arguments: \"%s\"\n", boot_info.ram_size >> 20,
           boot_info.ram_base, boot_info.bootargs);
    refuse_too_little_ram();
#if LAB >= 2
    frame_init();
#if LAB >= 4
    archive_init(); // before anything allocates: an extra archive's frames must stay free
#if LAB >= 8
    ramdisk_init(); // the same for the disk image's frames
#endif
#endif
    kvm_init();
#endif
#if LAB >= 3
    trap_init();
    gic_init();
    timer_init();
#if LAB >= 5
    // From lab 5 the console server owns the UART's input; only the monitor still reads it
    // in the kernel.
    if (bootarg_flag("monitor"))
        console_input_init();
#else
    console_input_init();
#endif
    irq_enable();
#endif
#if LAB >= 4
    task_init();
#endif
    selftest_run_requested();
#if LAB >= 4
    if (!bootarg_flag("monitor"))
        task_start_first(); // does not return
#endif
    monitor();
}
