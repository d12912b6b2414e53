// args.c — prints its arguments, one per line with its length, to show that argv arrives
// intact; exits with argc.
#include "ulib.h"

int main(int argc, char **argv)
{
    printf("args: argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("args: argv[%d]=\"%s\" (%lu bytes)\n", i, argv[i], (unsigned long)strlen(argv[i]));
    printf("args: argv[%d]=%s\n", argc, argv[argc] == NULL ? "NULL" : "not NULL");
    return argc;
}
