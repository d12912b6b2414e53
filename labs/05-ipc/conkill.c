// conkill — kills the console server, then starts a program that faults: the kernel's
// report of the fault must still reach the serial line, through the kernel's own polled
// output (handout 5, "Exercise 7: the console server": the kernel keeps a polled path for
// panics and fault reports).
//
// Run as pid 1 (`-- conkill`).  It finds the server by name with task_describe, says what it
// is about to do (the last line it can print), kills it, and starts `fault null`.  After
// that it cannot print; its exit status tells the grader how it went:
//   0 the server died, the child was killed by SIGSEGV, and a write(1) returned (with an
//     error, or through some other path: either way it did not hang)
//   1 no console server found   2 kill failed   3 the server did not die
//   4 spawn of fault failed     5 the child did not die of SIGSEGV
#include "ipctest.h"

static int find_console(void)
{
    struct task_info t;
    for (int i = 0; i < 64; i++)
        if (task_describe(i, &t) > 0 && strncmp(t.name, "console", 7) == 0 &&
            t.state != TASK_STATE_ZOMBIE)
            return t.pid;
    return -1;
}

int main(int argc, char **argv)
{
    int console = find_console();
    if (console < 0) {
        printf("conkill: FAIL no task named 'console' in task_describe's list\n");
        return 1;
    }
    printf("conkill: killing the console server (pid %d); then 'fault null' runs\n", console);
    if (kill(console, SIGKILL) != 0)
        return 2;
    struct task_info t;
    for (int i = 0; i < 1000 && find_task(console, &t) == 0 && t.state != TASK_STATE_ZOMBIE; i++)
        yield();
    if (find_task(console, &t) == 0 && t.state != TASK_STATE_ZOMBIE)
        return 3;
    char *fault_argv[] = {"fault", "null", NULL};
    int pid = spawn("fault", fault_argv);
    if (pid < 0)
        return 4;
    int status = reap(pid);
    if (status < 0 || !WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV)
        return 5;
    write(1, "conkill: a write after the console server died returned\n", 56);
    return 0;
}
