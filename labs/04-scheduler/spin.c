// spin.c — loops forever without ever giving up the CPU: only preemption can take it away.
#include "ulib.h"

int main(int argc, char **argv)
{
    volatile unsigned long n = 0;
    for (;;)
        n++;
}
