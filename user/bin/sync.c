// sync — writes every file system's cache back to its disk (lab 8): Linux's sync(1).
#include "ulib.h"

int main(int argc, char **argv)
{
    sync();
    return 0;
}
