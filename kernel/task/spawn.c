// spawn.c — creating a task: a fresh address space with the program loaded into it, a
// kernel stack, and a trap frame that starts the program at its entry point with its
// arguments on the stack (given code, but for setup_user_frame).
#include <stddef.h>
#include "boot/archive.h"
#include "debug/printf.h"
#include "lib/string.h"
#include "mm/uvm.h"
#include "task/elf.h"
#include "task/kstack.h"
#include "task/task.h"
#include "uapi/errno.h"
#include "uapi/syscalls.h"
#if LAB >= 7
#include "fd/fdtable.h"
#endif

static int next_pid = 1;

extern char task_entry[]; // switch.S

// Lays the arguments out at the top of the new task's stack and fills in its trap frame,
// so that the first `eret` starts the program at `entry`.  The layout is Linux's, which
// user/lib/crt0.S reads:
//
//   USER_STACK_TOP ─► argument strings ("prog\0arg1\0...")
//                     (padding to 16 bytes)
//                     auxv: AT_NULL (0, 0)       the auxiliary vector, empty
//                     envp: NULL                 no environment
//                     argv[argc] = NULL
//                     argv[0..argc-1]            pointers to the strings above
//   sp_el0 ──────────► argc
static int setup_user_frame(struct task *t, uint64_t entry, int argc, char *const argv[])
{
    uint64_t words[1 + SPAWN_MAX_ARGS + 1 + 1 + 2];
    uint64_t sp = USER_STACK_TOP;
    if (argc > SPAWN_MAX_ARGS)
        return -E2BIG;
    // LAB 4: Your code here.
    // Copy each string (with its NUL) below sp, last argument first, into the task's memory
    // with uvm_copy_in, and note where each went.  Round sp down to 16 bytes.  Build `words`
    // (argc, the argv pointers, NULL, NULL, 0, 0), copy it below sp, and keep sp 16-byte
    // aligned (SCTLR_EL1.SA0 checks it).  Then the trap frame: all zeros but elr = entry,
    // sp_el0 = sp, spsr = 0 (EL0, using SP_EL0, no interrupts masked), x0 = argc,
    // x1 = the address of argv[0].  Return -E2BIG if the strings would not fit in
    // SPAWN_MAX_ARG_BYTES.
    // BEGIN SOLUTION LAB 4
    size_t total = 0;
    for (int i = argc - 1; i >= 0; i--) {
        size_t len = strlen(argv[i]) + 1;
        total += len;
        if (total > SPAWN_MAX_ARG_BYTES)
            return -E2BIG;
        sp -= len;
        uvm_copy_in(t->pagetable, sp, argv[i], len);
        words[1 + i] = sp;
    }
    sp &= ~15UL;
    int nwords = 0;
    words[nwords++] = (uint64_t)argc;
    nwords += argc;
    words[nwords++] = 0; // argv[argc]
    words[nwords++] = 0; // envp[0]
    words[nwords++] = 0; // auxv: AT_NULL ...
    words[nwords++] = 0; // ... and its value
    sp -= nwords * sizeof(uint64_t);
    sp &= ~15UL;
    uvm_copy_in(t->pagetable, sp, words, nwords * sizeof(uint64_t));

    memset(t->tf, 0, sizeof(*t->tf));
    t->tf->elr = entry;
    t->tf->sp_el0 = sp;
    t->tf->spsr = 0;
    t->tf->x[0] = (uint64_t)argc;
    t->tf->x[1] = sp + sizeof(uint64_t);
    return 0;
    // STUB
    //| (void)t, (void)entry, (void)argv, (void)words, (void)sp;
    //| panic("lab 4: setup_user_frame is not written yet");
    // END SOLUTION
}

// The last part of a path: the task's name.
static const char *base_name(const char *path)
{
    const char *slash = strchr(path, '/');
    while (slash != NULL) {
        path = slash + 1;
        slash = strchr(path, '/');
    }
    return path;
}

#if LAB >= 7
// The boot archive's name of program `path`: from lab 7 the VFS shows the archive's
// programs as /bin/NAME, so spawn takes "/bin/NAME" or a bare "NAME" (searched in /bin).
// Programs elsewhere (a copy in /tmp) cannot be started before lab 10's execve, which
// reads them through the VFS.  NULL if the path is not one of those.
static const char *archive_name(const char *path)
{
    if (strncmp(path, "/bin/", 5) == 0)
        path += 5;
    return strchr(path, '/') == NULL && path[0] != '\0' ? path : NULL;
}
#endif

int task_spawn(const char *name, int argc, char *const argv[], struct task *parent)
{
    struct task *t = task_alloc_slot();
    if (t == NULL)
        return -EAGAIN;
#if LAB >= 7
    if ((name = archive_name(name)) == NULL)
        return -ENOENT;
#endif
    const uint8_t *image;
    size_t size;
    if (archive_find(name, &image, &size) != 0)
        return -ENOENT;
    int slot = (int)(t - tasks);
    memset(t, 0, sizeof(*t));
    t->asid = (uint16_t)slot; // one ASID per slot; uvm_destroy forgets it on reuse
    uint64_t entry = 0;
    int err = -ENOMEM;
    if ((t->pagetable = uvm_create()) == NULL)
        goto fail;
    t->ttbr0 = uvm_ttbr0(t->pagetable, t->asid);
    if ((err = elf_load(t->pagetable, image, size, &entry)) != 0)
        goto fail;
    err = uvm_alloc(t->pagetable, USER_STACK_BOTTOM, USER_STACK_SIZE, PTE_USER_RW);
    if (err != 0)
        goto fail;
    err = -ENOMEM;
    if ((t->kstack_top = kstack_alloc(slot)) == 0)
        goto fail;
    t->tf = (struct trapframe *)(t->kstack_top - sizeof(struct trapframe));
    if ((err = setup_user_frame(t, entry, argc, argv)) != 0)
        goto fail;
        // The first context_switch to the task "returns" into task_entry, with SP at the trap
        // frame: task_entry goes straight to trap_return and from there to user space.
#if LAB >= 7
    if ((err = fds_start(t, parent)) != 0) // its fds: the parent's, or the console
        goto fail;
#endif
    t->context.x30 = (uint64_t)task_entry;
    t->context.sp = (uint64_t)t->tf;
    t->pid = next_pid++;
    t->parent = parent;
    strlcpy(t->name, base_name(name), sizeof(t->name));
    sched_enqueue(t);
    return t->pid;
fail:
    task_release_memory(t);
    if (t->kstack_top != 0)
        kstack_free(slot);
    memset(t, 0, sizeof(*t)); // TASK_UNUSED again
    return err;
}
