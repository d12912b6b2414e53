// spawnloop.c — `spawnloop N`: starts and reaps `true` N times and compares the free
// frames before and after: every frame a task used must come back.
#include "ulib.h"

static unsigned long free_frames(void)
{
    struct sysinfo info;
    if (sysinfo(&info) != 0)
        return 0;
    return info.freeram;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 200;
    char *true_argv[] = {"true", NULL};
    // One round first: anything allocated once and kept for good is allocated now.
    int pid = spawn("true", true_argv), status;
    waitpid(pid, &status, 0);
    unsigned long before = free_frames();
    for (int i = 0; i < n; i++) {
        pid = spawn("true", true_argv);
        if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0) {
            printf("spawnloop: round %d failed (%s)\n", i, pid < 0 ? errno_name(pid) : "wait");
            return 1;
        }
    }
    unsigned long after = free_frames();
    printf("spawnloop: %d spawns; free frames before %lu, after %lu\n", n, before, after);
    return before == after && before != 0 ? 0 : 1;
}
