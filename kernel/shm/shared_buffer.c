// shared_buffer.c — a region shared by the kernel and a server (given code).
#include "lib/string.h"
#include "mm/memlayout.h"
#include "mm/uaccess.h"
#include "shm/shared_buffer.h"
#include "uapi/errno.h"

long shared_buffer_create(struct shared_buffer *b, uint64_t pages)
{
    b->region = region_create(pages);
    if (b->region == NULL)
        return -ENOMEM;
    region_get(b->region); // the kernel's own reference
    b->size = pages * PAGE_SIZE;
    return 0;
}

// Copies page by page: the region's frames are anywhere in RAM, not one after another.
static long copy(struct shared_buffer *b, uint64_t offset, uint64_t user, size_t len, bool to_user)
{
    while (len > 0) {
        uint64_t page = offset / PAGE_SIZE, in_page = offset % PAGE_SIZE;
        size_t n = PAGE_SIZE - in_page < len ? PAGE_SIZE - in_page : len;
        void *kernel = (char *)phys_to_virt(region_frame(b->region, page)) + in_page;
        int err = to_user ? copy_to_user(user, kernel, n) : copy_from_user(kernel, user, n);
        if (err != 0)
            return err;
        offset += n;
        user += n;
        len -= n;
    }
    return 0;
}

long shared_buffer_from_user(struct shared_buffer *b, uint64_t offset, uint64_t user_src,
                             size_t len)
{
    return copy(b, offset, user_src, len, false);
}

long shared_buffer_to_user(struct shared_buffer *b, uint64_t offset, uint64_t user_dst, size_t len)
{
    return copy(b, offset, user_dst, len, true);
}

// The same between the buffer and kernel memory (kernel_ptr is any kernel address).
static void copy_kernel(struct shared_buffer *b, uint64_t offset, char *kernel_ptr, size_t len,
                        bool to_kernel)
{
    while (len > 0) {
        uint64_t page = offset / PAGE_SIZE, in_page = offset % PAGE_SIZE;
        size_t n = PAGE_SIZE - in_page < len ? PAGE_SIZE - in_page : len;
        char *frame = (char *)phys_to_virt(region_frame(b->region, page)) + in_page;
        memcpy(to_kernel ? kernel_ptr : frame, to_kernel ? frame : kernel_ptr, n);
        offset += n;
        kernel_ptr += n;
        len -= n;
    }
}

void shared_buffer_from_kernel(struct shared_buffer *b, uint64_t offset, const void *src,
                               size_t len)
{
    copy_kernel(b, offset, (char *)src, len, false);
}

void shared_buffer_to_kernel(struct shared_buffer *b, uint64_t offset, void *dst, size_t len)
{
    copy_kernel(b, offset, dst, len, true);
}

struct cap shared_buffer_cap(const struct shared_buffer *b, unsigned rights)
{
    struct cap c = {
        .object = &b->region->obj, .badge = 0, .rights = (uint8_t)rights, .original = false};
    return c;
}
