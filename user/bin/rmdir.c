// rmdir.c — removes empty directories (lab 7).
//
//   $ rmdir DIR...         each one; one that is not empty is refused (ENOTEMPTY)
#include "ulib.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(2, "usage: rmdir DIR...\n");
        return 1;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        int err = rmdir(argv[i]);
        if (err < 0) {
            fprintf(2, "rmdir: %s: %s\n", argv[i], errno_name(err));
            status = 1;
        }
    }
    return status;
}
