# Lab 8 — FAT32: a block server for a RAM disk (user/servers/blk/), a block cache and FAT32 in
# the VFS server, mounted at /disk; sync and a clean power-off that leaves the image on the
# host as the guest left it.

USER_HDRS += \
	user/include/proto/blk.h \
	user/servers/vfs/cache.h

LAB_DOCS +=
