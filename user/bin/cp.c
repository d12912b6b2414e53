// cp.c — copies a file (lab 7).
//
//   $ cp SRC DST           DST is created or truncated; if DST is a directory, the copy
//                          is DST/NAME, NAME being SRC's last component
#include "ulib.h"

#define BUFFER_SIZE (64 * 1024)

static char buffer[BUFFER_SIZE];
static char target[PATH_MAX];

// SRC's last path component: "b" for "a/b" (and for "a/b/").
static const char *last_component(const char *path, size_t *len)
{
    size_t end = strlen(path);
    while (end > 1 && path[end - 1] == '/')
        end--;
    size_t start = end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    *len = end - start;
    return path + start;
}

// Where the copy goes: `dst` itself, or dst/NAME if `dst` is a directory.  Returns the
// path (in a static buffer), or NULL if it is too long.
static const char *target_path(const char *src, const char *dst)
{
    struct stat st;
    if (stat(dst, &st) < 0 || !S_ISDIR(st.st_mode))
        return dst;
    size_t name_len;
    const char *name = last_component(src, &name_len);
    size_t dst_len = strlen(dst);
    if (dst_len + 1 + name_len + 1 > sizeof(target))
        return NULL;
    memcpy(target, dst, dst_len);
    if (dst[dst_len - 1] != '/') // "dir/" needs no second slash
        target[dst_len++] = '/';
    memcpy(target + dst_len, name, name_len);
    target[dst_len + name_len] = '\0';
    return target;
}

// Writes all `len` bytes to `fd`.  Returns 0, or -errno.
static long write_all(int fd, const char *data, long len)
{
    while (len > 0) {
        long n = write(fd, data, len);
        if (n <= 0)
            return n < 0 ? n : -EIO;
        data += n;
        len -= n;
    }
    return 0;
}

// Copies `in` to `out` until end of file.  Returns 0, or -errno; *failed_fd tells which
// of the two the failed call was on.
static long copy_data(int in, int out, int *failed_fd)
{
    for (;;) {
        long n = read(in, buffer, sizeof(buffer));
        if (n <= 0) {
            *failed_fd = in;
            return n;
        }
        long err = write_all(out, buffer, n);
        if (err < 0) {
            *failed_fd = out;
            return err;
        }
    }
}

// Says what went wrong with `name` and returns cp's status for a failure.
static int fail(const char *name, long err)
{
    fprintf(2, "cp: %s: %s\n", name, errno_name(err));
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(2, "usage: cp SRC DST\n");
        return 1;
    }
    const char *src = argv[1];
    int in = open(src, O_RDONLY, 0);
    if (in < 0)
        return fail(src, in);
    struct stat src_st;
    int err = fstat(in, &src_st);
    if (err < 0)
        return fail(src, err);
    if (S_ISDIR(src_st.st_mode))
        return fail(src, -EISDIR); // copying directories (cp -r) is not done here
    const char *dst = target_path(src, argv[2]);
    if (dst == NULL)
        return fail(argv[2], -ENAMETOOLONG);
    // Opening DST with O_TRUNC when it is SRC itself would empty SRC before it is read.
    struct stat dst_st;
    if (stat(dst, &dst_st) == 0 && dst_st.st_ino != 0 && dst_st.st_ino == src_st.st_ino &&
        dst_st.st_dev == src_st.st_dev) {
        fprintf(2, "cp: %s and %s are the same file\n", src, dst);
        return 1;
    }
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, src_st.st_mode & 0777);
    if (out < 0)
        return fail(dst, out);
    int failed_fd = -1;
    long copy_err = copy_data(in, out, &failed_fd);
    close(in);
    err = close(out);
    if (copy_err < 0)
        return fail(failed_fd == in ? src : dst, copy_err);
    if (err < 0)
        return fail(dst, err); // a file server may report a failed write only at close
    return 0;
}
