// ls.c — lists directories (lab 7).
//
//   $ ls [-l] [-a] [NAME...]   no NAME: the current directory; a file is listed by itself
//
// Names come sorted by their bytes (as coreutils' ls sorts them with LC_ALL=C).  -l adds the
// type and permissions, the link count and the size: "-rw-r--r-- 1 1234 notes.txt".  -a also
// shows names that start with a dot.  A directory is read with getdents64 and each entry
// looked at with fstatat relative to the directory's fd, so no path is ever pasted together.
#include "ulib.h"

#define MAX_ENTRIES 512
#define NAMES_SIZE (32 * 1024)

struct entry {
    const char *name;
    struct stat st; // filled in for -l only
};

static int long_format; // -l
static int show_all;    // -a

// getdents64's records must be 8-byte aligned.
static char records[4096] __attribute__((aligned(8)));
static char names[NAMES_SIZE];
static size_t names_used;
static struct entry entries[MAX_ENTRIES];
static int entry_count;

// Keeps a copy of `name` as the next entry.  Returns 0, or -ENOMEM when ls's tables are full.
static int add_entry(const char *name)
{
    size_t len = strlen(name) + 1;
    if (entry_count == MAX_ENTRIES || names_used + len > sizeof(names))
        return -ENOMEM;
    memcpy(names + names_used, name, len);
    entries[entry_count++].name = names + names_used;
    names_used += len;
    return 0;
}

// Reads every name of the open directory `fd` into entries[].  Returns 0 or -errno.
static long read_entries(int fd)
{
    for (;;) {
        long n = getdents64(fd, records, sizeof(records));
        if (n <= 0)
            return n;
        for (long off = 0; off < n;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(records + off);
            off += d->d_reclen;
            if (d->d_name[0] == '.' && !show_all)
                continue;
            int err = add_entry(d->d_name);
            if (err < 0)
                return err;
        }
    }
}

// Sorts entries[] by name (insertion sort: a directory here has tens of names, not millions).
static void sort_entries(void)
{
    for (int i = 1; i < entry_count; i++) {
        struct entry e = entries[i];
        int j = i;
        for (; j > 0 && strcmp(entries[j - 1].name, e.name) > 0; j--)
            entries[j] = entries[j - 1];
        entries[j] = e;
    }
}

// The type and permissions as ls -l shows them: "drwxr-xr-x".
static void mode_string(unsigned mode, char out[11])
{
    char type = '?';
    switch (mode & S_IFMT) {
    case S_IFREG:
        type = '-';
        break;
    case S_IFDIR:
        type = 'd';
        break;
    case S_IFIFO:
        type = 'p';
        break;
    case S_IFCHR:
        type = 'c';
        break;
    }
    out[0] = type;
    const char *letters = "rwxrwxrwx";
    for (int i = 0; i < 9; i++)
        out[1 + i] = mode & (0400 >> i) ? letters[i] : '-';
    out[10] = '\0';
}

// The number of decimal digits of `value`.
static int digits(unsigned long value)
{
    int n = 1;
    for (; value >= 10; value /= 10)
        n++;
    return n;
}

// Prints `value` right-aligned in `width` columns, then a space.
static void print_padded(unsigned long value, int width)
{
    for (int pad = width - digits(value); pad > 0; pad--)
        printf(" ");
    printf("%lu ", value);
}

// Prints entries[], one a line; with -l the numbers are aligned in columns, as ls does.
static void print_entries(void)
{
    int links_width = 1, size_width = 1;
    for (int i = 0; i < entry_count; i++) {
        if (digits(entries[i].st.st_nlink) > links_width)
            links_width = digits(entries[i].st.st_nlink);
        if (digits(entries[i].st.st_size) > size_width)
            size_width = digits(entries[i].st.st_size);
    }
    for (int i = 0; i < entry_count; i++) {
        if (long_format) {
            char mode[11];
            mode_string(entries[i].st.st_mode, mode);
            printf("%s ", mode);
            print_padded(entries[i].st.st_nlink, links_width);
            print_padded(entries[i].st.st_size, size_width);
        }
        printf("%s\n", entries[i].name);
    }
}

// Lists the directory `path`.  Returns 0, or 1 after saying what went wrong.
static int list_directory(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY, 0);
    long err = fd;
    if (fd >= 0)
        err = read_entries(fd);
    sort_entries();
    for (int i = 0; i < entry_count && long_format && err >= 0; i++) {
        err = fstatat(fd, entries[i].name, &entries[i].st, 0);
        if (err < 0)
            path = entries[i].name;
    }
    if (fd >= 0)
        close(fd);
    if (err < 0) {
        fprintf(2, "ls: %s: %s\n", path, errno_name(err));
        return 1;
    }
    print_entries();
    return 0;
}

// Sorts the operands by name, as ls lists them.
static void sort_paths(char **paths, int n)
{
    for (int i = 1; i < n; i++) {
        char *p = paths[i];
        int j = i;
        for (; j > 0 && strcmp(paths[j - 1], p) > 0; j--)
            paths[j] = paths[j - 1];
        paths[j] = p;
    }
}

// Lists the operands that are not directories, as one sorted listing of their own names, and
// says which do not exist.  Returns 0, or 1 if some did not.
static int list_files(char **paths, int n)
{
    entry_count = 0;
    names_used = 0;
    int status = 0;
    for (int i = 0; i < n; i++) {
        struct stat st;
        int err = stat(paths[i], &st);
        if (err < 0) {
            fprintf(2, "ls: %s: %s\n", paths[i], errno_name(err));
            status = 1;
        } else if (!S_ISDIR(st.st_mode) && entry_count < MAX_ENTRIES) {
            entries[entry_count].name = paths[i];
            entries[entry_count++].st = st;
        }
    }
    sort_entries();
    print_entries();
    return status;
}

// Lists each operand that is a directory, after the files (as coreutils' ls does), with a
// "NAME:" header when there is more than one operand.  Returns 0, or 1 if one failed.
static int list_directories(char **paths, int n, int printed_files)
{
    int status = 0;
    int printed = printed_files;
    for (int i = 0; i < n; i++) {
        struct stat st;
        if (stat(paths[i], &st) < 0 || !S_ISDIR(st.st_mode))
            continue;
        if (printed++)
            printf("\n");
        if (n > 1)
            printf("%s:\n", paths[i]);
        entry_count = 0;
        names_used = 0;
        status |= list_directory(paths[i]);
    }
    return status;
}

// Takes the leading options; returns the index of the first name, or -1 for a bad option.
static int parse_options(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'l')
                long_format = 1;
            else if (*o == 'a')
                show_all = 1;
            else
                return -1;
        }
    }
    return i;
}

int main(int argc, char **argv)
{
    int first = parse_options(argc, argv);
    if (first < 0) {
        fprintf(2, "usage: ls [-l] [-a] [NAME...]\n");
        return 1;
    }
    static char *current_directory[] = {".", NULL};
    char **paths = first < argc ? argv + first : current_directory;
    int n = first < argc ? argc - first : 1;
    sort_paths(paths, n);
    int status = list_files(paths, n);
    return status | list_directories(paths, n, entry_count > 0);
}
