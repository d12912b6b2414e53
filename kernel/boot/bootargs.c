// bootargs.c — splitting the kernel command line into words (given code).
#include <stddef.h>
#include "boot/bootargs.h"
#include "debug/printf.h"
#include "lib/string.h"

static char line[BOOTARGS_MAX];
static char *words[BOOTARGS_MAX_WORDS + 2]; // one more than we keep, to see a longer line
static int nwords;                          // words before "--"
static char **command;                      // words after "--", NULL-terminated
static int command_words;

void bootargs_init(const char *cmdline)
{
    if (strlcpy(line, cmdline, sizeof(line)) >= sizeof(line))
        printf("bootargs: command line longer than %d bytes, cut short\n", BOOTARGS_MAX - 1);
    int n = split_words(line, words, BOOTARGS_MAX_WORDS + 1);
    if (n > BOOTARGS_MAX_WORDS) {
        printf("bootargs: more than %d words; ignoring the rest, from '%s' on\n",
               BOOTARGS_MAX_WORDS, words[BOOTARGS_MAX_WORDS]);
        n = BOOTARGS_MAX_WORDS;
        words[n] = NULL;
    }
    nwords = n;
    for (int i = 0; i < n; i++) {
        if (strcmp(words[i], "--") == 0) {
            nwords = i;
            command = &words[i + 1];
            command_words = n - i - 1;
            break;
        }
    }
}

// The word `key=...` or `key` among the words before "--", or NULL.
static const char *find_word(const char *key)
{
    size_t length = strlen(key);
    for (int i = 0; i < nwords; i++)
        if (strncmp(words[i], key, length) == 0 &&
            (words[i][length] == '=' || words[i][length] == '\0'))
            return words[i];
    return NULL;
}

const char *bootarg_value(const char *key)
{
    const char *word = find_word(key);
    if (word == NULL || word[strlen(key)] != '=')
        return NULL;
    return word + strlen(key) + 1;
}

bool bootarg_flag(const char *flag)
{
    return find_word(flag) != NULL;
}

uint64_t bootarg_number(const char *key, uint64_t fallback, uint64_t min, uint64_t max)
{
    const char *text = bootarg_value(key);
    unsigned long value;
    if (text == NULL)
        return fallback;
    if (parse_u64(text, &value) != 0) {
        printf("bootargs: %s=%s is not a number (decimal or 0x hex, below 2^64); using %lu\n", key,
               text, (unsigned long)fallback);
        return fallback;
    }
    if (value < min || value > max) {
        printf("bootargs: %s=%s is out of range (%lu to %lu); using %lu\n", key, text,
               (unsigned long)min, (unsigned long)max, (unsigned long)fallback);
        return fallback;
    }
    return value;
}

char **bootargs_command(int *argc)
{
    *argc = command_words;
    return command;
}
