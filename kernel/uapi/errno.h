// errno.h — error numbers, Linux's (include/uapi/asm-generic/errno-base.h), so that results
// of Keel's system calls mean what they mean on Linux.  Kernel functions return -ENOMEM etc.
#ifndef KEEL_ERRNO_H
#define KEEL_ERRNO_H

#define EPERM 1         // operation not permitted
#define ENOENT 2        // no such file or directory
#define ESRCH 3         // no such process
#define EINTR 4         // interrupted
#define EIO 5           // input/output error
#define E2BIG 7         // argument list too long
#define ENOEXEC 8       // exec format error
#define EBADF 9         // bad file descriptor
#define ECHILD 10       // no child processes
#define EAGAIN 11       // try again
#define ENOMEM 12       // out of memory
#define EACCES 13       // permission denied
#define EFAULT 14       // bad address
#define EBUSY 16        // device or resource busy
#define EEXIST 17       // exists
#define EXDEV 18        // cross-device link (rename across file systems)
#define ENODEV 19       // no such device (lab 8: no host file to write a disk back to)
#define ENOTDIR 20      // not a directory
#define EISDIR 21       // is a directory
#define EINVAL 22       // invalid argument
#define ENFILE 23       // too many open files in the system (a server's table is full)
#define EMFILE 24       // too many open files
#define EFBIG 27        // file too large
#define ENOSPC 28       // no space left
#define ESPIPE 29       // illegal seek
#define EROFS 30        // read-only file system
#define EPIPE 32        // broken pipe
#define ERANGE 34       // result out of range
#define EDEADLK 35      // the call would wait for itself (lab 7: a server's own file call)
#define ENAMETOOLONG 36 // name too long
#define ENOSYS 38       // no such system call
#define ENOTEMPTY 39    // directory not empty
#define EIDRM 43        // identifier removed: the endpoint was destroyed (lab 5)

#endif
