// init.c — the first program (pid 1): starts the shell, restarts it when it exits, and
// reaps every task whose parent died (they become init's children).
//
// From lab 5 init holds the console capability without a badge (the kernel gave it so) and
// gives each shell it starts a copy with a badge of its own, so the console server can tell
// one session from another: a badge, once set, cannot be changed by whoever holds it.
#include "ulib.h"

// Starts a shell; from lab 5 with a console capability badged `session`.
static int start_shell(unsigned long session)
{
    char *sh_argv[] = {"sh", NULL};
#if LAB >= 5
    int console = cap_mint(SLOT_CONSOLE, RIGHT_SEND, session);
    if (console < 0)
        return console;
    long caps[] = {console};
    int pid = spawn_caps("sh", sh_argv, caps, 1);
    cap_delete(console); // the shell has its copy; init keeps only its own
    return pid;
#else
    (void)session;
    return spawn("sh", sh_argv);
#endif
}

int main(int argc, char **argv)
{
    for (unsigned long session = 1;; session++) {
        int sh = start_shell(session);
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
