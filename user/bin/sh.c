// sh.c — a minimal shell: runs programs from the boot archive by name.
//
//   $ hello                 run a program and wait for it
//   $ args one two          ... with arguments
//   $ spin &                run it in the background
//   $ help / exit           built in
//
// It reads the terminal one character at a time and echoes what it reads, because the
// kernel passes input on raw (no line editing in the kernel).
#include "ulib.h"

#define LINE_MAX 128
#define MAX_WORDS 16

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

static void run(char **words, int n)
{
    int background = n > 1 && strcmp(words[n - 1], "&") == 0;
    if (background)
        words[--n] = NULL;
    int pid = spawn(words[0], words);
    if (pid == -ENOENT) {
        printf("sh: %s: not found\n", words[0]);
        return;
    }
    if (pid < 0) {
        printf("sh: %s: cannot run: %s\n", words[0], errno_name(pid));
        return;
    }
    if (background) {
        printf("[%d] %s\n", pid, words[0]);
        return;
    }
    int status;
    if (waitpid(pid, &status, 0) == pid)
        report(words[0], pid, status);
}

int main(int argc, char **argv)
{
    char line[LINE_MAX];
    char *words[MAX_WORDS + 1];
    printf("Keel shell: type a program's name to run it; 'help' for more.\n");
    for (;;) {
        reap_background();
        write(1, "$ ", 2);
        if (read_line(line, sizeof(line)) < 0)
            return 0;
        int n = split_words(line, words, MAX_WORDS);
        if (n == 0)
            continue;
        if (strcmp(words[0], "exit") == 0)
            return 0;
        if (strcmp(words[0], "help") == 0) {
            printf(
                "Built in: help, exit.  'NAME args...' runs a program from the boot archive\n"
                "(the kernel lists them at boot); 'NAME args... &' runs it in the background.\n");
            continue;
        }
        run(words, n);
    }
}
