// sh.c — a minimal shell: runs programs from the boot archive by name.
//
//   $ hello                 run a program and wait for it
//   $ args one two          ... with arguments
//   $ spin &                run it in the background
//   $ help / exit           built in
//
// From lab 7 it also redirects and pipes, and knows where it is:
//
//   $ ls -l > list          stdout to a file (created or emptied); >> appends
//   $ wc < list             stdin from a file
//   $ cat list | wc -l      a pipeline, of any length
//   $ cd DIR / pwd          built in (cd alone goes to /)
//
// It reads the terminal one character at a time and echoes what it reads, because the
// kernel passes input on raw (no line editing in the kernel).
#include "ulib.h"

#if LAB >= 7
#define LINE_MAX 256
#define MAX_WORDS 64
#define MAX_STAGES 16
#else
#define LINE_MAX 128
#define MAX_WORDS 16
#endif

// Reads a line with echo and backspace; returns its length, or -1 at end of input.
static int read_line(char *line, int size)
{
    int n = 0;
    for (;;) {
        char c;
        if (read(0, &c, 1) != 1)
            return -1;
        if (c == '\r' || c == '\n') {
            write(1, "\n", 1);
            line[n] = '\0';
            return n;
        }
        if ((c == 0x7f || c == '\b') && n > 0) {
            n--;
            write(1, "\b \b", 3);
        } else if (c >= ' ' && c < 0x7f && n < size - 1) {
            line[n++] = c;
            write(1, &c, 1);
        }
    }
}

// Says how a finished child ended, unless it simply succeeded.
static void report(const char *name, int pid, int status)
{
    if (WIFSIGNALED(status))
        printf("sh: %s (pid %d) killed by signal %d\n", name, pid, WTERMSIG(status));
    else if (WEXITSTATUS(status) != 0)
        printf("sh: %s (pid %d) exited with status %d\n", name, pid, WEXITSTATUS(status));
}

// Reaps background children that have finished, without waiting.
static void reap_background(void)
{
    int status, pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
        report("background task", pid, status);
}

// Says why `name` did not start (`err` is what spawn returned).
static void report_spawn_failure(const char *name, int err)
{
    if (err == -ENOENT)
        printf("sh: %s: not found\n", name);
    else
        printf("sh: %s: cannot run: %s\n", name, errno_name(err));
}

// Waits for a child that runs in the foreground; announces one in the background.
static void finish(const char *name, int pid, int background)
{
    if (background) {
        printf("[%d] %s\n", pid, name);
        return;
    }
    int status;
    if (waitpid(pid, &status, 0) == pid)
        report(name, pid, status);
}

#if LAB >= 7
// --- Redirection and pipelines (lab 7) ------------------------------------------------------
// There is no fork: a child is spawned with a copy of the shell's fds (but for those marked
// O_CLOEXEC), so to give a child another fd 0 or 1 the shell itself points its 0 or 1 there
// for the moment of the spawn, and then takes its own back.

// One command of a pipeline: "wc -l < in > out".
struct stage {
    char **argv;        // the program and its arguments, ending with NULL
    const char *input;  // "< FILE": FILE, or NULL (the pipe, or the shell's own stdin)
    const char *output; // "> FILE" or ">> FILE": FILE, or NULL
    int append;         // 1 for ">>"
};

// Where the shell keeps its own stdin and stdout while a child's are wired: close-on-exec,
// so no child ever inherits them.
#define SAVED_STDIN (FD_MAX - 1)
#define SAVED_STDOUT (FD_MAX - 2)

static int is_operator(char c)
{
    return c == '|' || c == '<' || c == '>' || c == '&';
}

// Splits `line` into words at spaces and tabs, as split_words does, and also makes each of
// the operators | < > >> & a word of its own ("ls>f" is "ls", ">", "f").  The words are
// copied into `store`, which needs 2 * strlen(line) + 1 bytes (a NUL after each character at
// worst).  Quotes group words (copy_word).  words[n] is NULL.  Returns n, at most `max`.
// Copies one word from `p` to *store: up to a space, a tab or an operator, except inside
// "double" or 'single' quotes, which are taken out and keep what they enclose as it is
// (a FAT32 name with spaces, lab 8: cat "/disk/A Long Name.txt").  A quote left open runs
// to the end of the line.  Returns where the word ended.
static const char *copy_word(const char *p, char **store)
{
    while (*p != '\0' && *p != ' ' && *p != '\t' && !is_operator(*p)) {
        if (*p != '"' && *p != '\'') {
            *(*store)++ = *p++;
            continue;
        }
        char quote = *p++;
        while (*p != '\0' && *p != quote)
            *(*store)++ = *p++;
        if (*p == quote)
            p++;
    }
    return p;
}

static int split_command(const char *line, char *store, char **words, int max)
{
    int n = 0;
    for (const char *p = line; n < max;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0')
            break;
        words[n++] = store;
        if (is_operator(*p)) {
            if (p[0] == '>' && p[1] == '>')
                *store++ = *p++;
            *store++ = *p++;
        } else {
            p = copy_word(p, &store);
        }
        *store++ = '\0';
    }
    words[n] = NULL;
    return n;
}

// Takes a redirection ("<", ">" or ">>" and the word after it) out of words[*i...] into `s`.
// Returns 0, or -1 after saying what is wrong.
static int take_redirection(char **words, int n, int *i, struct stage *s)
{
    const char *op = words[*i];
    if (*i + 1 >= n || is_operator(words[*i + 1][0])) {
        printf("sh: '%s' needs a file name after it\n", op);
        return -1;
    }
    const char *file = words[++*i];
    if (op[0] == '<') {
        s->input = file;
    } else {
        s->output = file;
        s->append = op[1] == '>';
    }
    return 0;
}

// Cuts the words at each "|" into stages, taking each stage's redirections out of its
// arguments.  Rewrites words[] (each stage's argv ends with a NULL where its "|" was).
// Returns the number of stages, or -1 after saying what is wrong.
static int parse_pipeline(char **words, int n, struct stage *stages, int max)
{
    int count = 0;
    int start = 0; // where the current stage's arguments begin
    int kept = 0;  // where its next argument goes (never after the word being looked at)
    struct stage s = {&words[0], NULL, NULL, 0};
    for (int i = 0; i <= n; i++) {
        const char *w = words[i];
        if (i < n && w[0] == '&') {
            printf("sh: '&' belongs at the end of the line\n");
            return -1;
        } else if (i < n && (w[0] == '<' || w[0] == '>')) {
            if (take_redirection(words, n, &i, &s) < 0)
                return -1;
        } else if (i < n && w[0] != '|') {
            words[kept++] = words[i];
        } else { // the end of a stage: "|" or the end of the line
            if (kept == start) {
                printf("sh: a command is missing %s '|'\n", i < n ? "before" : "after");
                return -1;
            }
            if (count == max) {
                printf("sh: at most %d commands in a pipeline\n", max);
                return -1;
            }
            words[kept] = NULL;
            stages[count++] = s;
            start = kept = i + 1;
            s = (struct stage){&words[start], NULL, NULL, 0};
        }
    }
    return count;
}

// Opens the file of a redirection for a child: for input, to read; for output, to write,
// created if missing (mode 0666), emptied first unless `append` (then every write goes to
// the end).  Returns the fd, or -errno.
static int open_redirection(const char *path, int for_output, int append)
{
    // LAB 7: Your code here.
    // open() with Linux's O_* flags (fs.h).  Add O_CLOEXEC: the shell dup2s this fd into the
    // child's 0 or 1 (a dup is never close-on-exec), and no other child should inherit it.
    // BEGIN SOLUTION LAB 7
    int flags = O_CLOEXEC | O_RDONLY;
    if (for_output)
        flags = O_CLOEXEC | O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC);
    return open(path, flags, 0666);
    // STUB
    //| return -ENOSYS;
    // END SOLUTION
}
// BEGIN SOLUTION LAB 7

// Points the shell's `fd` (0 or 1) at `source`, first keeping the old one at `saved`.
// Returns 0, or -errno with nothing changed.
static int wire_fd(int fd, int source, int saved)
{
    int err = dup3(fd, saved, O_CLOEXEC);
    if (err < 0)
        return err;
    err = dup2(source, fd);
    if (err < 0) {
        close(saved);
        return err;
    }
    return 0;
}

// Undoes wire_fd: `fd` is again what `saved` kept, and `saved` is closed.
static void unwire_fd(int fd, int saved)
{
    dup2(saved, fd);
    close(saved);
}
// END SOLUTION

// Spawns argv[0] with its fd 0 reading `in` and its fd 1 writing `out` (-1: the shell's own
// 0 or 1).  Afterwards the shell's fds 0 and 1 are what they were.  Returns the child's pid,
// or -errno.
static int spawn_wired(char **argv, int in, int out)
{
    // LAB 7: Your code here.
    // The child gets copies of the shell's fds.  So: keep the shell's own 0 (and 1) at
    // SAVED_STDIN (SAVED_STDOUT) with dup3(..., O_CLOEXEC), dup2 `in` (`out`) into 0 (1),
    // spawn, then dup2 the saved ones back and close them, whether spawn worked or not.
    // Print nothing meanwhile: the shell's stdout may be the child's.
    // BEGIN SOLUTION LAB 7
    int err = in >= 0 ? wire_fd(0, in, SAVED_STDIN) : 0;
    if (err < 0)
        return err;
    err = out >= 0 ? wire_fd(1, out, SAVED_STDOUT) : 0;
    if (err < 0) {
        if (in >= 0)
            unwire_fd(0, SAVED_STDIN);
        return err;
    }
    int pid = spawn(argv[0], argv);
    if (out >= 0)
        unwire_fd(1, SAVED_STDOUT);
    if (in >= 0)
        unwire_fd(0, SAVED_STDIN);
    return pid;
    // STUB
    //| if (in >= 0 || out >= 0)
    //|     return -ENOSYS;
    //| return spawn(argv[0], argv);
    // END SOLUTION
}

// Starts one stage reading `in` and writing `out` (-1: the shell's own); its own "<" or ">"
// wins over the pipe (as in sh, "a | b < f" has b read f).  The caller still owns `in` and
// `out`.  Returns the pid, or -1 after saying why the stage did not start.
static int start_stage(const struct stage *s, int in, int out)
{
    int in_file = -1, out_file = -1;
    if (s->input != NULL && (in = in_file = open_redirection(s->input, 0, 0)) < 0) {
        printf("sh: %s: %s\n", s->input, errno_name(in_file));
        return -1;
    }
    if (s->output != NULL && (out = out_file = open_redirection(s->output, 1, s->append)) < 0) {
        printf("sh: %s: %s\n", s->output, errno_name(out_file));
        if (in_file >= 0)
            close(in_file);
        return -1;
    }
    int pid = spawn_wired(s->argv, in, out);
    if (in_file >= 0)
        close(in_file);
    if (out_file >= 0)
        close(out_file);
    if (pid < 0) {
        report_spawn_failure(s->argv[0], pid);
        return -1;
    }
    return pid;
}

// Starts the n stages, each one's stdout a pipe to the next one's stdin.  pids[i] is stage
// i's pid, or -1 if it did not start; the others run all the same (the stage after one that
// did not start reads end of file at once).
static void start_pipeline(const struct stage *stages, int n, int *pids)
{
    // LAB 7: Your code here.
    // Make the pipe between stages i and i+1 with pipe2(fds, O_CLOEXEC), so that its ends
    // reach only the children start_stage dup2s them into.  A reader sees end of file only
    // once every copy of the write end is closed, the shell's too: close the shell's write
    // end as soon as stage i has started, and the read end once stage i+1 has.
    // BEGIN SOLUTION LAB 7
    int in = -1; // the read end of the pipe from the stage before, for the next one
    int i = 0;
    for (; i < n; i++) {
        int fds[2] = {-1, -1};
        int err = i < n - 1 ? pipe2(fds, O_CLOEXEC) : 0;
        if (err < 0) {
            printf("sh: pipe: %s\n", errno_name(err));
            break;
        }
        pids[i] = start_stage(&stages[i], in, fds[1]);
        if (in >= 0)
            close(in);
        if (fds[1] >= 0)
            close(fds[1]);
        in = fds[0];
    }
    if (in >= 0)
        close(in);
    for (; i < n; i++)
        pids[i] = -1; // not started: the pipe could not be made
    // STUB
    //| if (n > 1)
    //|     printf("sh: pipes: not done yet (lab 7)\n");
    //| for (int i = 0; i < n; i++)
    //|     pids[i] = n == 1 ? start_stage(&stages[i], -1, -1) : -1;
    // END SOLUTION
}

// Runs the words of a command line as a pipeline (one command is a pipeline of one) and
// waits for every stage that started, unless `background`.
static void run_pipeline(char **words, int n, int background)
{
    struct stage stages[MAX_STAGES];
    int count = parse_pipeline(words, n, stages, MAX_STAGES);
    if (count < 0)
        return;
    int pids[MAX_STAGES];
    start_pipeline(stages, count, pids);
    for (int i = 0; i < count; i++)
        if (pids[i] > 0)
            finish(stages[i].argv[0], pids[i], background);
}

// Says whether words[0..n-1] hold an operator (a built-in runs in the shell: no redirection).
static int has_operator(char **words, int n)
{
    for (int i = 0; i < n; i++)
        if (is_operator(words[i][0]))
            return 1;
    return 0;
}

// Runs cd or pwd.  Returns 1 if words[0] was one of them, 0 if it is a program's name.
static int run_builtin(char **words, int n)
{
    int cd = strcmp(words[0], "cd") == 0;
    if (!cd && strcmp(words[0], "pwd") != 0)
        return 0;
    if (has_operator(words, n) || n > (cd ? 2 : 1)) {
        printf("sh: %s: too many arguments (a built-in cannot be redirected)\n", words[0]);
        return 1;
    }
    if (cd) {
        const char *dir = n > 1 ? words[1] : "/";
        int err = chdir(dir);
        if (err < 0)
            printf("sh: cd: %s: %s\n", dir, errno_name(err));
        return 1;
    }
    static char cwd[PATH_MAX];
    long len = getcwd(cwd, sizeof(cwd));
    if (len < 0)
        printf("sh: pwd: %s\n", errno_name(len));
    else
        printf("%s\n", cwd);
    return 1;
}
#endif

static void run(char **words, int n)
{
    int background = n > 1 && strcmp(words[n - 1], "&") == 0;
    if (background)
        words[--n] = NULL;
#if LAB >= 7
    run_pipeline(words, n, background);
#else
    int pid = spawn(words[0], words);
    if (pid < 0)
        report_spawn_failure(words[0], pid);
    else
        finish(words[0], pid, background);
#endif
}

static void help(void)
{
    printf("Built in: help, exit.  'NAME args...' runs a program from the boot archive\n"
           "(the kernel lists them at boot); 'NAME args... &' runs it in the background.\n");
#if LAB >= 7
    printf("Also built in: 'cd [DIR]' (no DIR: /), 'pwd'.  Programs are found in /bin.\n"
           "'< FILE' reads stdin from FILE, '> FILE' writes stdout to it (emptied first),\n"
           "'>> FILE' appends; 'a | b | c' runs them at once, each one's output the next\n"
           "one's input.  Try: ls -l /bin | wc -l\n");
#endif
}

int main(int argc, char **argv)
{
    char line[LINE_MAX];
    char *words[MAX_WORDS + 1];
#if LAB >= 7
    static char store[2 * LINE_MAX]; // the words, and the NULs split_command puts after them
#endif
    printf("Keel shell: type a program's name to run it; 'help' for more.\n");
    for (;;) {
        reap_background();
        write(1, "$ ", 2);
        if (read_line(line, sizeof(line)) < 0)
            return 0;
#if LAB >= 7
        int n = split_command(line, store, words, MAX_WORDS);
#else
        int n = split_words(line, words, MAX_WORDS);
#endif
        if (n == 0)
            continue;
        if (strcmp(words[0], "exit") == 0)
            return 0;
        if (strcmp(words[0], "help") == 0) {
            help();
            continue;
        }
#if LAB >= 7
        if (run_builtin(words, n))
            continue;
#endif
        run(words, n);
    }
}
