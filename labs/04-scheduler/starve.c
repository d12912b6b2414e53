// starve.c — a spinning task must not stop the others: starts `spin` twice, then checks
// that it can still sleep, run a child to completion, and take turns.  Exits 0 if so (the
// spinners are left running: when pid 1 exits, Keel powers off).
#include "ulib.h"

int main(int argc, char **argv)
{
    char *spin_argv[] = {"spin", NULL};
    char *hello_argv[] = {"hello", NULL};
    for (int i = 0; i < 2; i++)
        if (spawn("spin", spin_argv) < 0)
            return 1;
    for (int i = 0; i < 3; i++) {
        sleep_ms(20);
        printf("starve: woke up %d of 3 while two tasks spin\n", i + 1);
    }
    int pid = spawn("hello", hello_argv), status = -1;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0)
        return 1;
    printf("starve: a child ran to completion while two tasks spin\n");
    return 0;
}
