// mkdir.c — makes directories (lab 7).
//
//   $ mkdir DIR...         each one; its parent must exist
//   $ mkdir -p PATH...     also every missing parent, and no error if it exists already
#include "ulib.h"

// Makes every directory along `path` that is missing, like mkdir -p.  Returns 0 or -errno.
static int make_parents(const char *path)
{
    static char prefix[PATH_MAX];
    size_t len = strlen(path);
    if (len >= sizeof(prefix))
        return -ENAMETOOLONG;
    for (size_t i = 1; i <= len; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        memcpy(prefix, path, i);
        prefix[i] = '\0';
        int err = mkdir(prefix, 0777);
        if (err == -EEXIST) {
            // Only a directory of that name will do.
            struct stat st;
            err = stat(prefix, &st);
            if (err == 0 && !S_ISDIR(st.st_mode))
                err = -ENOTDIR;
        }
        if (err < 0)
            return err;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int parents = argc > 1 && strcmp(argv[1], "-p") == 0;
    int first = parents ? 2 : 1;
    if (first >= argc) {
        fprintf(2, "usage: mkdir [-p] DIR...\n");
        return 1;
    }
    int status = 0;
    for (int i = first; i < argc; i++) {
        int err = parents ? make_parents(argv[i]) : mkdir(argv[i], 0777);
        if (err < 0) {
            fprintf(2, "mkdir: %s: %s\n", argv[i], errno_name(err));
            status = 1;
        }
    }
    return status;
}
