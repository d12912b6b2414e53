// bench.c — counts instructions (PMU INST_RETIRED; boot with QEMU's -icount shift=0) of a
// null system call and of a switch between two tasks that yield to each other.
#include "ulib.h"

#define RUNS 50

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "partner") == 0) {
        for (;;) // the other task of the yield ping-pong
            yield();
    }
    uint64_t t0 = instructions(), t1 = instructions();
    uint64_t overhead = t1 - t0, best = ~0UL;
    if (overhead == 0) {
        printf("bench: the PMU counts nothing; boot with QEMUEXTRA='-icount shift=0'\n");
        return 1;
    }
    for (int i = 0; i < RUNS; i++) { // getppid: a call that does nothing but return
        uint64_t start = instructions();
        syscall6(SYS_getppid, 0, 0, 0, 0, 0, 0);
        uint64_t n = instructions() - start;
        best = n < best ? n : best;
    }
    printf("bench: null system call round trip: %lu instructions\n", best - overhead);

    char *partner_argv[] = {"bench", "partner", NULL};
    if (spawn("bench", partner_argv) < 0)
        return 1;
    yield(); // let the partner start
    best = ~0UL;
    for (int i = 0; i < RUNS; i++) { // yield -> partner's yield returns -> partner yields -> back
        uint64_t start = instructions();
        yield();
        uint64_t n = instructions() - start;
        best = n < best ? n : best;
    }
    printf("bench: yield to yield between two tasks: %lu instructions per switch\n",
           (best - overhead) / 2);
    return 0;
}
