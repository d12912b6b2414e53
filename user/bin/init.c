// init.c — the first program (pid 1): starts the shell, restarts it when it exits, and
// reaps every task whose parent died (they become init's children).
#include "ulib.h"

int main(int argc, char **argv)
{
    char *sh_argv[] = {"sh", NULL};
    for (;;) {
        int sh = spawn("sh", sh_argv);
        if (sh < 0) {
            printf("init: cannot start sh: %s\n", errno_name(sh));
            return 1;
        }
        int status, pid;
        while ((pid = waitpid(-1, &status, 0)) > 0 && pid != sh)
            ; // an orphan: reaped, nothing more to do
        if (pid < 0)
            return 1;
        printf("init: sh exited; starting a new one\n");
    }
}
