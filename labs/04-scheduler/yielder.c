// yielder.c — `yielder LABEL COUNT`: prints "LABEL0 LABEL1 ..." one token at a time,
// yielding the CPU after each.  Several of them side by side take turns.
#include "ulib.h"

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    int count = atoi(argv[2]);
    for (int i = 0; i < count; i++) {
        printf("%s%d ", argv[1], i);
        yield();
    }
    return 0;
}
