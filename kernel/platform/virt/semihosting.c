// semihosting.c — writing a host file through semihosting (IHI 0100, section 6: the
// operations SYS_OPEN 0x01, SYS_SEEK 0x0a, SYS_WRITE 0x05, SYS_CLOSE 0x02).
//
// Each operation is `hlt #0xf000` with its number in w0 and x1 pointing at a block of
// arguments; the result comes back in x0.  QEMU reads the block and the data through the
// current translation regime, so kernel (direct map) addresses are fine.
#include "boot/bootargs.h"
#include "lib/string.h"
#include "platform/virt/semihosting.h"
#include "uapi/errno.h"

#define SYS_OPEN 0x01
#define SYS_CLOSE 0x02
#define SYS_WRITE 0x05
#define SYS_SEEK 0x0a
#define OPEN_MODE_READ_WRITE_BINARY 3 // "r+b" (IHI 0100, table 6.3): no truncation

static int64_t call(uint64_t op, const uint64_t *block)
{
    register uint64_t x0 __asm__("x0") = op;
    register uint64_t x1 __asm__("x1") = (uint64_t)block;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    return (int64_t)x0;
}

bool semihosting_available(void)
{
    return bootarg_flag("semihosting");
}

long semihosting_write_file(const char *path, uint64_t offset, const void *data, size_t len)
{
    uint64_t open[3] = {(uint64_t)path, OPEN_MODE_READ_WRITE_BINARY, strlen(path)};
    int64_t handle = call(SYS_OPEN, open);
    if (handle < 0)
        return -EIO;
    uint64_t seek[2] = {(uint64_t)handle, offset};
    uint64_t write[3] = {(uint64_t)handle, (uint64_t)data, len};
    // SYS_SEEK returns 0 on success; SYS_WRITE the number of bytes NOT written.
    long err = call(SYS_SEEK, seek) == 0 && call(SYS_WRITE, write) == 0 ? 0 : -EIO;
    uint64_t close[1] = {(uint64_t)handle};
    call(SYS_CLOSE, close);
    return err;
}
