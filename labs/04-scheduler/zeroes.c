// zeroes.c — what the loader must zero: a program's .bss, and the rest of the last page
// of its data segment, after p_memsz (docs: handouts/04-scheduler.md, Exercise 1).
//
// Memory fresh from QEMU is zero anyway, so first every free frame must hold junk: the grader
// boots with test=frames, lab 2's self-test, which allocates every free frame and frees it
// again (frame_free fills it with junk).  Then spawning `hog` (4 GiB of .bss) must be refused
// with ENOMEM and leave the free frames as they were (elf_load refuses it before allocating
// anything: no machine has the RAM).  Then `zeroes check` starts in junk frames and checks its
// .bss, the data bytes from the file next to it, and the tail of the page after _end.  Exits 0
// if all is well.
#include "ulib.h"

extern char _end[]; // user/user.ld: the end of the program's memory

static char initialised[64] = "bytes from the file: p_filesz covers these";
static char zero_filled[3 * 4096 + 123];

static unsigned long free_frames(void)
{
    struct sysinfo info;
    return sysinfo(&info) == 0 ? info.freeram : 0;
}

// Counts the bytes of [start, end) that are not zero.
static unsigned long nonzero(const char *start, const char *end)
{
    unsigned long n = 0;
    for (const char *p = start; p < end; p++)
        n += *p != 0;
    return n;
}

static int check(void)
{
    const char *page_end = (const char *)(((unsigned long)_end + 4095) & ~4095UL);
    unsigned long bss = nonzero(zero_filled, zero_filled + sizeof(zero_filled));
    unsigned long tail = nonzero(_end, page_end);
    int data_ok = strcmp(initialised, "bytes from the file: p_filesz covers these") == 0;
    printf("zeroes: .bss (%lu bytes): %lu not zero; the page after _end (%lu bytes): %lu not "
           "zero; .data %s\n",
           (unsigned long)sizeof(zero_filled), bss, (unsigned long)(page_end - _end), tail,
           data_ok ? "as in the file" : "wrong");
    return bss == 0 && tail == 0 && data_ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "check") == 0)
        return check();
    char *hog_argv[] = {"hog", NULL};
    unsigned long before = free_frames();
    int pid = spawn("hog", hog_argv);
    unsigned long after = free_frames();
    printf("zeroes: spawn(\"hog\") -> %s; free frames before %lu, after %lu\n",
           pid < 0 ? errno_name(pid) : "started", before, after);
    if (pid >= 0 || before != after)
        return 1;
    char *check_argv[] = {"zeroes", "check", NULL};
    int status = -1;
    pid = spawn("zeroes", check_argv);
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return 1;
    return status == 0 ? 0 : 1;
}
