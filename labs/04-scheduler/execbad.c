// execbad.c — `execbad NAME...`: tries to start each named file and prints what spawn
// returned, and how many instructions the spawn call took (0 unless QEMU runs with
// -icount shift=0, see bench.c).  The grader puts corrupted copies of a program in an extra
// archive: each must be refused, at once, and the kernel must carry on (a good program
// still runs).
#include "ulib.h"

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        char *child_argv[] = {argv[i], NULL};
        uint64_t start = instructions();
        int pid = spawn(argv[i], child_argv), status = 0;
        uint64_t cost = instructions() - start;
        if (pid > 0)
            waitpid(pid, &status, 0);
        printf("execbad: %s -> %s (%lu instructions)\n", argv[i],
               pid < 0 ? errno_name(pid) : "started", cost);
    }
    char *hello_argv[] = {"hello", NULL};
    int pid = spawn("hello", hello_argv), status = -1;
    if (pid > 0)
        waitpid(pid, &status, 0);
    printf("execbad: hello afterwards -> %s\n", pid > 0 && status == 0 ? "ran" : "failed");
    return 0;
}
