// args.c — prints its arguments, one per line with its length, to show that argv arrives
// intact, and checks the rest of what the kernel hands a new program: x0 = argc, x1 = argv,
// a 16-byte aligned stack (QEMU does not check SCTLR_EL1.SA0, so a program must), and the
// empty environment and auxiliary vector after argv.  Exits with argc.
#include "ulib.h"

// The entry contract of task.c's setup_user_frame, as found; prints one line.
static void check_entry(int argc, char **argv)
{
    uint64_t x0 = crt0_entry[0], x1 = crt0_entry[1], sp = crt0_entry[2];
    char **envp = argv + argc + 1;
    uint64_t *auxv = (uint64_t *)(envp + 1);
    printf("args: entry: x0 %s, x1 %s, sp %s, envp %s, auxv %s\n",
           x0 == (uint64_t)argc ? "= argc" : "wrong", x1 == (uint64_t)argv ? "= argv" : "wrong",
           sp % 16 == 0 && sp + 8 == (uint64_t)argv ? "aligned below argv" : "wrong",
           envp[0] == NULL ? "empty" : "wrong", auxv[0] == 0 && auxv[1] == 0 ? "empty" : "wrong");
}

int main(int argc, char **argv)
{
    check_entry(argc, argv);
    printf("args: argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("args: argv[%d]=\"%s\" (%lu bytes)\n", i, argv[i], (unsigned long)strlen(argv[i]));
    printf("args: argv[%d]=%s\n", argc, argv[argc] == NULL ? "NULL" : "not NULL");
    return argc;
}
