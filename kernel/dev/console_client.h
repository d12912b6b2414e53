// console_client.h — read(0) and write(1, 2) through the console server (lab 5;
// kernel/dev/console_client.c).
#ifndef KEEL_CONSOLE_CLIENT_H
#define KEEL_CONSOLE_CLIENT_H

#include <stddef.h>
#include <stdint.h>

// The server's protocol (docs/protocols/console.md; user/include/proto/console.h has the
// same numbers for the server's side).
#define CONSOLE_WRITE 1
#define CONSOLE_READ 2
#define CONSOLE_BYTES_PER_MESSAGE 32 // four 8-byte words

// write: all `len` bytes of user memory at `buf`, or -EFAULT (checked before any is
// written), -EBADF (no console capability), -EIO (the console server is gone).
long console_client_write(uint64_t buf, size_t len);
// read: at least one byte, at most `len` (and 32); waits for input.
long console_client_read(uint64_t buf, size_t len);
// Boot: the console server's endpoint (`id`: kernel object ids are never reused).  Only a
// write to it holds the console (and, from lab 6, goes through the shared buffer): a task
// whose slot 0 names another endpoint gets plain messages, and a server that never answers
// them keeps only that task waiting.
void console_client_set_server(uint32_t id);

#if LAB >= 6
#include "ipc/cap.h"
#define CONSOLE_BUFFER_PAGES 16 // 64 KiB per message (proto/console.h: CONSOLE_BUFFER_BYTES)
// Boot: creates the shared output buffer and fills in the capability the console server
// gets for it (read-only).  0 or -ENOMEM.
long console_client_create_buffer(struct cap *for_server);
#endif

#endif
