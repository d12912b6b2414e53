// hello.c — the first user program: prints a line from EL0 and exits.
#include "ulib.h"

int main(int argc, char **argv)
{
    printf("hello, world: pid %d, running at EL0\n", getpid());
    return 0;
}
