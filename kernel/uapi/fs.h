// fs.h — Linux's file ABI as Keel implements it from lab 7: open flags, the *at calls' dirfd
// and flags, lseek's whence, struct stat and struct linux_dirent64 (AArch64 layouts), shared
// by the kernel, the VFS server and user programs.
//
// Every value is Linux's, from include/uapi/asm-generic/fcntl.h with arm64's overrides
// (arch/arm64/include/uapi/asm/fcntl.h moves O_DIRECTORY and O_NOFOLLOW), so that a program
// that uses only these behaves the same on Keel and on Linux (grade/test_lab07_vfs.py runs
// one on both).  docs/syscalls.md, "Files", is the reference.
#ifndef KEEL_FS_H
#define KEEL_FS_H

#include <stdint.h>

// openat's flags.  The low two bits are the access mode.
#define O_ACCMODE 3
#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_DIRECTORY 040000 // arm64's value (asm-generic has 0200000)
#define O_NOFOLLOW 0100000 // arm64's value
#define O_LARGEFILE 0400000
#define O_CLOEXEC 02000000

// The dirfd that means "relative to the current directory", and the *at calls' flags.
#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_EMPTY_PATH 0x1000

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

#define PATH_MAX 4096 // bytes in a path, its NUL included
#define NAME_MAX 255  // bytes in one name (a path component)

// st_mode: the type in the high bits, permissions in the low 12.
#define S_IFMT 0170000
#define S_IFIFO 0010000
#define S_IFCHR 0020000
#define S_IFDIR 0040000
#define S_IFREG 0100000
#define S_ISDIR(m) (((m)&S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m)&S_IFMT) == S_IFREG)
#define S_ISFIFO(m) (((m)&S_IFMT) == S_IFIFO)

// struct stat as arm64 Linux lays it out (asm-generic/stat.h): 128 bytes.
struct stat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint32_t st_mode;
    uint32_t st_nlink;
    uint32_t st_uid;
    uint32_t st_gid;
    uint64_t st_rdev;
    uint64_t st_pad1;
    int64_t st_size;
    int32_t st_blksize;
    int32_t st_pad2;
    int64_t st_blocks; // 512-byte units
    int64_t st_atime_sec;
    uint64_t st_atime_nsec;
    int64_t st_mtime_sec;
    uint64_t st_mtime_nsec;
    int64_t st_ctime_sec;
    uint64_t st_ctime_nsec;
    uint32_t st_unused4;
    uint32_t st_unused5;
};

// One record of getdents64: d_reclen bytes, a multiple of 8, the name NUL-terminated.
struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off; // where the next record starts (for lseek on the directory)
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];
};
#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_REG 8

// Keel's limit of descriptors per task (Linux's default soft limit is 1024).  prlimit64's
// RLIMIT_NOFILE reads it and may lower it, as on Linux.
#define FD_MAX 64
#define RLIMIT_NOFILE 7
struct rlimit64 {
    uint64_t rlim_cur;
    uint64_t rlim_max;
};

// The size of a pipe's buffer (kernel/fd/pipe.c); a write of at most PIPE_BUF bytes is
// never interleaved with another writer's, as POSIX requires.
#define PIPE_BUF 4096

#endif
