// boot_servers.c — the console server, started by the kernel before pid 1 runs (given code).
//
// Why the kernel and not init: pid 1 may be any program (BOOTARGS="-- NAME ARGS"), such
// as a lab-4 test that knows nothing of servers, yet its first printf must work.  So the
// kernel creates pid 1, then starts the console server as pid 2, with no parent (nobody
// reaps it; task_alloc_slot does), and gives it what a UART driver needs: the endpoint its
// clients call, the UART's registers and its interrupt line.  pid 1 gets a send capability
// without a badge, from which it mints badged ones for the programs it starts.
#include <stddef.h>
#include "debug/printf.h"
#include "ipc/boot_servers.h"
#include "ipc/cap.h"
#include "ipc/devmem.h"
#include "ipc/endpoint.h"
#include "arch/aarch64/sysreg.h"
#include "dev/irq.h"
#include "ipc/fastpath.h"
#include "ipc/irq_line.h"
#include "dev/console_client.h"
#include "mm/memlayout.h"
#include "platform/virt/board.h"
#include "platform/virt/power.h"
#include "task/task.h"
#include "uapi/errno.h"
#if LAB >= 7
#include "fd/vfs_client.h"
#endif
#if LAB >= 8
#include "dev/ramdisk.h"
#include "proto/blk.h"
#include "shm/region.h"
#endif

static void give(struct task *t, long slot, struct kobject *o, unsigned rights, bool original)
{
    if (o == NULL) {
        printf("keel: out of kernel objects or memory while starting the console server; "
               "powering off\n");
        power_exit(1);
    }
    struct cap c = {.object = o, .badge = 0, .rights = (uint8_t)rights, .original = original};
    t->caps.slot[slot] = c;
    t->caps.used++;
    cap_referenced(o);
}

// The console server runs alone, up to its first recv, before pid 1 runs at all: pid 1 then
// starts on a system whose memory no longer changes under it (a test that counts free frames
// from its first line must not see the server map its UART), and a tick that preempts the
// server while it starts cannot let pid 1 in.  Runs on the boot (idle) task, like idle_loop.
static void run_until_serving(struct task *first, struct task *server)
{
    sched_remove(first);
    while (server->state != TASK_BLOCKED && server->state != TASK_ZOMBIE) {
        irq_disable();
        if (sched_has_runnable()) {
            schedule();
            continue;
        }
        wfi(); // the server sleeps (nothing it does at start should), so wait for a tick
        irq_enable();
    }
    sched_enqueue(first);
}

#if LAB >= 8
// The block server (lab 8), pid 4, if boot argument disk= gave a disk: the disk's region
// (kernel/dev/ramdisk.c) and its endpoint, and for the VFS server (pid 3) a capability to
// call it in VFS_SLOT_BLK.  Without a disk no block server runs, and the VFS has no /disk.
static void start_blk(struct task *first, struct task *vfs)
{
    struct region *disk = ramdisk_region();
    if (disk == NULL)
        return;
    static char *argv[] = {"blk", NULL};
    int pid = task_spawn("blk", 1, argv, NULL);
    if (pid < 0) {
        printf("keel: cannot start the block server (error %d); no /disk\n", pid);
        return;
    }
    struct task *blk = task_by_pid(pid);
    struct endpoint *ep = endpoint_create();
    give(blk, BLK_SLOT_ENDPOINT, ep ? &ep->obj : NULL, RIGHT_SEND | RIGHT_RECV | RIGHT_GRANT, true);
    give(blk, BLK_SLOT_DISK, &disk->obj, RIGHT_MAP_READ | RIGHT_MAP_WRITE, false);
    give(blk, SLOT_CONSOLE, first->caps.slot[SLOT_CONSOLE].object, RIGHT_SEND, false);
    give(vfs, VFS_SLOT_BLK, &ep->obj, RIGHT_SEND, false);
    run_until_serving(first, blk);
}
#endif

#if LAB >= 7
// The VFS server (lab 7), pid 3, once the console serves: it prints as it seeds its ramfs
// from the boot archive.  kernel/fd/vfs_client.c gives it what it needs.
static void start_vfs(struct task *first)
{
    static char *argv[] = {"vfs", NULL};
    int pid = task_spawn("vfs", 1, argv, NULL);
    if (pid == -ENOENT) {
        printf("keel: no VFS server in the boot archive; file calls fail with EIO\n");
        return;
    }
    if (pid < 0) {
        printf("keel: cannot start the VFS server (error %d); powering off\n", pid);
        power_exit(1);
    }
    struct task *vfs = task_by_pid(pid);
    if (vfs_client_start(vfs, first) != 0) {
        printf("keel: out of memory while starting the VFS server; powering off\n");
        power_exit(1);
    }
#if LAB >= 8
    // The VFS mounts /disk as it starts: its block server runs first, alone (the VFS waits
    // out of the run queue, as pid 1 does), so that the two never print in a different
    // order from one boot to the next.
    sched_remove(vfs);
    start_blk(first, vfs);
    sched_enqueue(vfs);
#endif
    run_until_serving(first, vfs);
}
#endif

void boot_servers_start(struct task *first)
{
    static char *argv[] = {"console", NULL};
    int pid = task_spawn("console", 1, argv, NULL);
    if (pid < 0) {
        printf("keel: cannot start the console server (error %d); powering off\n", pid);
        power_exit(1);
    }
    struct task *console = task_by_pid(pid);
    ipc_fastpath_init();
    struct endpoint *ep = endpoint_create();
    struct devmem *uart = devmem_create(UART0_PA, PAGE_SIZE);
    struct irq_line *uart_irq = irq_line_create(IRQ_UART0);
    give(console, CONSOLE_SLOT_ENDPOINT, ep ? &ep->obj : NULL,
         RIGHT_SEND | RIGHT_RECV | RIGHT_GRANT, true);
    give(console, CONSOLE_SLOT_UART, uart ? &uart->obj : NULL, RIGHT_MAP_READ | RIGHT_MAP_WRITE,
         true);
    give(console, CONSOLE_SLOT_IRQ, uart_irq ? &uart_irq->obj : NULL, RIGHT_RECV, true);
    give(first, SLOT_CONSOLE, &ep->obj, RIGHT_SEND | RIGHT_GRANT, false);
    console_client_set_server(ep->obj.id);
#if LAB >= 6
    // The region the kernel copies console output into (lab 6): the server maps it.
    struct cap buffer = {.object = NULL};
    console_client_create_buffer(&buffer);
    give(console, CONSOLE_SLOT_BUFFER, buffer.object, buffer.rights, false);
#endif
    run_until_serving(first, console);
#if LAB >= 7
    start_vfs(first);
#endif
}
