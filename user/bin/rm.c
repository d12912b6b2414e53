// rm.c — removes files (lab 7).
//
//   $ rm FILE...           each file (a directory is refused: EISDIR)
//   $ rm -d NAME...        ... and empty directories too
//   $ rm -f FILE...        no error for a name that does not exist
#include "ulib.h"

static int remove_dirs;    // -d
static int ignore_missing; // -f

// Removes one name.  Returns 0, or -errno.
static int remove_one(const char *path)
{
    int err = unlink(path);
    // Linux says EISDIR for a directory (POSIX allows EPERM): with -d, try it as one.
    if ((err == -EISDIR || err == -EPERM) && remove_dirs)
        err = rmdir(path);
    if (err == -ENOENT && ignore_missing)
        err = 0;
    return err;
}

// Takes the leading options; returns the index of the first name, or -1 for a bad option.
static int parse_options(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        for (const char *c = argv[i] + 1; *c; c++) {
            if (*c == 'd')
                remove_dirs = 1;
            else if (*c == 'f')
                ignore_missing = 1;
            else
                return -1;
        }
    }
    return i;
}

int main(int argc, char **argv)
{
    int first = parse_options(argc, argv);
    if (first < 0 || (first >= argc && !ignore_missing)) {
        fprintf(2, "usage: rm [-d] [-f] FILE...\n");
        return 1;
    }
    int status = 0;
    for (int i = first; i < argc; i++) {
        int err = remove_one(argv[i]);
        if (err < 0) {
            fprintf(2, "rm: %s: %s\n", argv[i], errno_name(err));
            status = 1;
        }
    }
    return status;
}
