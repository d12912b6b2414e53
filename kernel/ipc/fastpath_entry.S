// fastpath_entry.S — where a task that blocked on the IPC fast path resumes (fastpath.c).
//
// context_switch "returns" here with SP at the task's trap frame (fastpath.c set the
// task's context so): finish the system call in C, then back to user space.
    .text
    .global ipc_resume_entry
ipc_resume_entry:
    mov     x0, sp
    bl      ipc_resume
    b       trap_return
