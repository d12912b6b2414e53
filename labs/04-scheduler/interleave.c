// interleave.c — `interleave N COUNT`: starts N yielders (labels A, B, C, ...) that print
// COUNT tokens each, waits for all of them, and exits 0 if all of them succeeded.
#include "ulib.h"

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 3;
    char *count = argc > 2 ? argv[2] : "10";
    static char labels[26][2];
    int failures = 0;
    for (int i = 0; i < n && i < 26; i++) {
        labels[i][0] = (char)('A' + i);
        char *child_argv[] = {"yielder", labels[i], count, NULL};
        if (spawn("yielder", child_argv) < 0)
            failures++;
    }
    int status;
    while (waitpid(-1, &status, 0) > 0)
        failures += status != 0;
    printf("\ninterleave: done, %d failures\n", failures);
    return failures;
}
