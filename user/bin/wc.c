// wc.c — counts lines, words and bytes (lab 7), printed as GNU coreutils' wc prints them,
// so that its output can be compared with the host's `wc` byte for byte.
//
//   $ wc [-l] [-w] [-c] [FILE...]   no FILE (or "-"): standard input; several: a total too
//
// Like coreutils in the C locale, a word is a run of printable characters between white
// space; other bytes (control characters, bytes >= 0x80) neither make nor end a word.
#include "ulib.h"

#define BUFFER_SIZE (64 * 1024)
#define MAX_FILES 32

struct counts {
    unsigned long lines, words, bytes;
};

static char buffer[BUFFER_SIZE];
static int show_lines, show_words, show_bytes;

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int is_printable(char c)
{
    return c > ' ' && c < 0x7f;
}

// Counts what `fd` holds until end of file into *c.  Returns 0, or -errno of a failed read.
static long count_fd(int fd, struct counts *c)
{
    int in_word = 0;
    for (;;) {
        long n = read(fd, buffer, sizeof(buffer));
        if (n <= 0)
            return n;
        c->bytes += n;
        for (long i = 0; i < n; i++) {
            if (buffer[i] == '\n')
                c->lines++;
            if (is_space(buffer[i])) {
                in_word = 0;
            } else if (is_printable(buffer[i]) && !in_word) {
                in_word = 1;
                c->words++;
            }
        }
    }
}

// Appends `value` right-aligned in `width` columns (and a space before it unless it is the
// first number of the line) to buf at *used.
static void put_number(char *buf, size_t size, size_t *used, unsigned long value, int width)
{
    char digits[24];
    int len = snprintf(digits, sizeof(digits), "%lu", value);
    if (*used > 0)
        *used += snprintf(buf + *used, size - *used, " ");
    for (; len < width; width--)
        *used += snprintf(buf + *used, size - *used, " ");
    *used += snprintf(buf + *used, size - *used, "%s", digits);
}

// Prints one line of output: the chosen counts, then the name (NULL: none).
static void print_counts(const struct counts *c, int width, const char *name)
{
    char line[128];
    size_t used = 0;
    if (show_lines)
        put_number(line, sizeof(line), &used, c->lines, width);
    if (show_words)
        put_number(line, sizeof(line), &used, c->words, width);
    if (show_bytes)
        put_number(line, sizeof(line), &used, c->bytes, width);
    printf("%s%s%s\n", line, name ? " " : "", name ? name : "");
}

// The width of every number, as coreutils chooses it before reading anything: the digits
// of the regular files' total size, at least 7 if some input is not a regular file (a
// pipe's size is unknown), and 1 for a single count of a single input.
static int number_width(char **names, int n)
{
    if (n == 1 && show_lines + show_words + show_bytes == 1)
        return 1;
    unsigned long total = 0;
    int minimum = 1;
    for (int i = 0; i < n; i++) {
        struct stat st;
        int is_stdin = strcmp(names[i], "-") == 0;
        int err = is_stdin ? fstat(0, &st) : stat(names[i], &st);
        if (err < 0 && is_stdin)
            minimum = 7; // a stdin that cannot say what it is: no regular file, then
        else if (err < 0)
            continue; // counting it will fail and say why
        else if (S_ISREG(st.st_mode))
            total += st.st_size;
        else
            minimum = 7;
    }
    int width = 1;
    for (; total >= 10; total /= 10)
        width++;
    return width < minimum ? minimum : width;
}

// Counts one input ("-": standard input) into *c.  Returns 0, or 1 after saying what failed.
static int count_file(const char *name, struct counts *c)
{
    int is_stdin = strcmp(name, "-") == 0;
    int fd = is_stdin ? 0 : open(name, O_RDONLY, 0);
    long err = fd;
    if (fd >= 0) {
        err = count_fd(fd, c);
        if (!is_stdin)
            close(fd);
    }
    if (err < 0) {
        fprintf(2, "wc: %s: %s\n", name, errno_name(err));
        return 1;
    }
    return 0;
}

// Takes the leading options; returns the index of the first name, or -1 for a bad option.
static int parse_options(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'l')
                show_lines = 1;
            else if (*o == 'w')
                show_words = 1;
            else if (*o == 'c')
                show_bytes = 1;
            else
                return -1;
        }
    }
    if (!show_lines && !show_words && !show_bytes)
        show_lines = show_words = show_bytes = 1;
    return i;
}

int main(int argc, char **argv)
{
    int first = parse_options(argc, argv);
    if (first < 0 || argc - first > MAX_FILES) {
        fprintf(2, "usage: wc [-l] [-w] [-c] [FILE...] (at most %d files)\n", MAX_FILES);
        return 1;
    }
    static char *standard_input[] = {"-", NULL};
    char **names = first < argc ? argv + first : standard_input;
    int n = first < argc ? argc - first : 1;
    int width = number_width(names, n);
    struct counts total = {0, 0, 0};
    int status = 0;
    for (int i = 0; i < n; i++) {
        struct counts c = {0, 0, 0};
        if (count_file(names[i], &c) != 0) {
            status = 1;
            continue;
        }
        // Standard input is nameless only when it is the one input wc was given no name for.
        print_counts(&c, width, first < argc ? names[i] : NULL);
        total.lines += c.lines;
        total.words += c.words;
        total.bytes += c.bytes;
    }
    if (n > 1)
        print_counts(&total, width, "total");
    return status;
}
