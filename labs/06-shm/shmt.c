#include "ulib.h"
// quick smoke test of regions: child reads what parent wrote
int main(int argc, char **argv)
{
    if (argc > 1) {
        long va = region_map(1, 0, 0);
        printf("child: mapped at 0x%lx: %s\n", va, (char *)va);
        long w = region_map(1, 0, REGION_MAP_WRITE);
        printf("child: writable map: %s\n", errno_name(w));
        return 0;
    }
    struct keel_stats before, after;
    keel_stats(&before);
    int r = region_create(4);
    long va = region_map(r, 0, REGION_MAP_WRITE);
    strlcpy((char *)va, "hello through a region", 64);
    int ro = cap_mint(r, RIGHT_MAP_READ, 0);
    long caps[] = {0, ro};
    char *av[] = {"shmt", "child", NULL};
    int pid = spawn_caps("shmt", av, caps, 2);
    int st;
    waitpid(pid, &st, 0);
    // revoke test: map a copy ourselves, revoke, touch
    int copy = cap_mint(r, RIGHT_MAP_READ, 0);
    long va2 = region_map(copy, 0, 0);
    printf("parent: copy at 0x%lx reads '%c'\n", va2, *(volatile char *)va2);
    printf("revoke: %d, copy slot now: %d\n", region_revoke(r), cap_describe(copy, &(struct cap_info){0}));
    cap_delete(ro);
    region_unmap(va);
    cap_delete(r);
    keel_stats(&after);
    printf("frames %lu -> %lu, objects %u -> %u, caps %u -> %u, kmalloc %u -> %u\n", before.free_frames, after.free_frames, before.objects, after.objects, before.caps, after.caps, before.kmalloc_objects, after.kmalloc_objects);
    for (int i = 0; i < 8; i++) { struct cap_info ci; cap_describe(i, &ci); printf("slot %d: type %u rights %u obj %u orig %u\n", i, ci.type, ci.rights, ci.object, ci.original); }
    printf("now touching the revoked mapping at 0x%lx\n", va2);
    return *(volatile char *)va2;
}
