// heap.c — the server's memory: pages for file data and for node tables (there is no malloc).
//
// Pages come from regions the server creates for itself, HEAP_CHUNK pages at a time, maps
// writable, and never gives back: a freed page goes on a free list and is the next one
// handed out, so a server that creates and deletes files for ever stops asking the kernel
// for memory once it has as much as it ever held at once.  The region's capability is
// deleted as soon as it is mapped: the mapping alone keeps the frames, and the server's 64
// slots are left for its clients' buffers.
#include "vfs.h"

#define HEAP_CHUNK 32 // pages per region_create

struct free_page {
    struct free_page *next;
};

static struct free_page *free_pages;
static unsigned long used_pages;

// One more chunk of pages on the free list.  0, or -errno (the kernel's memory ran out).
static long heap_grow(void)
{
    int slot = region_create(HEAP_CHUNK);
    if (slot < 0)
        return slot;
    long va = region_map(slot, 0, REGION_MAP_WRITE);
    cap_delete(slot); // the mapping keeps the frames alive
    if (va < 0)
        return va;
    for (int i = HEAP_CHUNK - 1; i >= 0; i--) {
        struct free_page *p = (struct free_page *)(va + (long)(i * PAGE_SIZE));
        p->next = free_pages;
        free_pages = p;
    }
    return 0;
}

// A zeroed page, or NULL when the kernel has no more memory to give.
void *page_alloc(void)
{
    if (free_pages == NULL && heap_grow() < 0)
        return NULL;
    struct free_page *p = free_pages;
    free_pages = p->next;
    used_pages++;
    memset(p, 0, PAGE_SIZE);
    return p;
}

// Fills the page with junk before it goes back, so that a use after free shows up as
// garbage in a file rather than as old data that looks right.
void page_free(void *page)
{
    if (page == NULL)
        return;
    memset(page, 0xa5, PAGE_SIZE);
    struct free_page *p = page;
    p->next = free_pages;
    free_pages = p;
    used_pages--;
}

unsigned long pages_in_use(void)
{
    return used_pages;
}

// A zeroed object of p->size bytes, or NULL.  Pages cut into objects stay in the pool.
void *pool_alloc(struct pool *p)
{
    size_t size = (p->size + 15) & ~(size_t)15;
    if (p->free == NULL) {
        uint8_t *page = page_alloc();
        if (page == NULL)
            return NULL;
        for (size_t off = 0; off + size <= PAGE_SIZE; off += size) {
            *(void **)(page + off) = p->free;
            p->free = page + off;
        }
    }
    void *obj = p->free;
    p->free = *(void **)obj;
    memset(obj, 0, size);
    p->in_use++;
    return obj;
}

void pool_free(struct pool *p, void *obj)
{
    size_t size = (p->size + 15) & ~(size_t)15;
    memset(obj, 0xa5, size);
    *(void **)obj = p->free;
    p->free = obj;
    p->in_use--;
}

// --- mapping a region whole -------------------------------------------------------------

// Maps the region in `slot` where the kernel chooses (REGION_MAP_WRITE in flags for a
// writable mapping); its size, from cap_describe, in *size.  The address, or -errno.
long region_map_sized(int slot, unsigned flags, size_t *size)
{
    struct cap_info info;
    long err = cap_describe(slot, &info);
    if (err < 0)
        return err;
    if (info.type != CAP_REGION)
        return -EINVAL;
    long va = region_map(slot, 0, flags);
    if (va >= 0)
        *size = info.size;
    return va;
}
