// ps.c — lists the tasks (lab 5): pid, parent, capability slots in use, name, and what each
// is doing, in words ("blocked in call on object 3 (the console)").
//
// It asks the kernel about each slot of the task table with task_describe.  Objects are
// named by the number cap_describe also reports; ps marks the one its own slot 0 names,
// the console's endpoint, which is what most blocked tasks wait on.
#include "ulib.h"
#include "proto/console.h"

// The object number of the console's endpoint, as ps's own slot 0 names it; 0 if none.
static unsigned int console_object(void)
{
    struct cap_info info;
    if (cap_describe(SLOT_CONSOLE, &info) != 0 || info.type != CAP_ENDPOINT)
        return 0;
    return info.object;
}

// What a task is doing, in words, into buf: "receiving on object 5 (the console)".
static void describe_state(const struct task_info *t, unsigned int console, char *buf, size_t size)
{
    static const char *const words[] = {
        [TASK_STATE_RUNNABLE] = "ready to run",
        [TASK_STATE_RUNNING] = "running",
        [TASK_STATE_SLEEPING] = "sleeping",
        [TASK_STATE_ZOMBIE] = "exited, waiting for its parent",
        [TASK_STATE_SENDING] = "blocked in send",
        [TASK_STATE_RECEIVING] = "receiving",
        [TASK_STATE_REPLY] = "blocked in call",
        [TASK_STATE_NOTIFY] = "waiting for a notification",
    };
    const char *what = "in an unknown state";
    if (t->state < sizeof(words) / sizeof(words[0]) && words[t->state])
        what = words[t->state];
    if (t->object == 0) // not blocked on an object (or the kernel does not say which)
        snprintf(buf, size, "%s", what);
    else
        snprintf(buf, size, "%s on object %u%s", what, t->object,
                 t->object == console ? " (the console)" : "");
}

int main(int argc, char **argv)
{
    unsigned int console = console_object();
    printf("  PID  PARENT  SLOTS  NAME              STATE\n");
    for (int i = 0;; i++) {
        struct task_info t;
        int pid = task_describe(i, &t);
        if (pid == -ESRCH)
            continue; // an unused slot of the task table
        if (pid < 0)
            break; // -EINVAL: past the end of the table
        char name[sizeof(t.name) + 1];
        memcpy(name, t.name, sizeof(t.name));
        name[sizeof(t.name)] = '\0'; // the kernel need not end a 16-byte name with a NUL
        char state[64];
        describe_state(&t, console, state, sizeof(state));
        printf("%5d  %6d  %5u  %-16s  %s\n", t.pid, t.parent, t.caps, name, state);
    }
    return 0;
}
