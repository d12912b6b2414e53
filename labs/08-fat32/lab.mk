# Lab 8 — FAT32: a block server for a RAM disk (user/servers/blk/), a block cache and FAT32 in
# the VFS server, mounted at /disk; sync and a clean power-off that leaves the image on the
# host as the guest left it.

USER_HDRS += \
	user/include/proto/blk.h \
	user/servers/vfs/cache.h \
	user/servers/vfs/fat32.h

# FAT32 in the VFS server (lab 7's folder program user/servers/vfs/, which compiles every
# .c in it): named here, these files are lab 8's, and the Makefile leaves them out of the
# builds of earlier labs.  (user/servers/vfs/fat32.h says what each one does.)
FOLDER_SRCS += \
	user/servers/vfs/fat32_bpb.c \
	user/servers/vfs/fat32_fat.c \
	user/servers/vfs/fat32_dir.c \
	user/servers/vfs/fat32_file.c \
	user/servers/vfs/fat32_node.c \
	user/servers/vfs/fat32_ops.c

LAB_DOCS +=
