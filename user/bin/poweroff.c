// poweroff — writes every file system back and powers the machine off (lab 8).  What the
// disk holds then is what the host finds in the image file: a clean power-off.
#include "ulib.h"

int main(int argc, char **argv)
{
    int err = poweroff();
    fprintf(2, "poweroff: %s\n", errno_name(err)); // only if the kernel refused
    return 1;
}
