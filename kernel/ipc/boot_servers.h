// boot_servers.h — the servers the kernel starts at boot (kernel/ipc/boot_servers.c).
#ifndef KEEL_BOOT_SERVERS_H
#define KEEL_BOOT_SERVERS_H

struct task;

// Starts the console server (pid 2) for `first` (pid 1, not yet run) and gives `first` an
// unbadged send capability to it in slot 0.  Powers off with a message if it cannot.
void boot_servers_start(struct task *first);

#endif
