// proto/console.h — the console server's protocol (lab 5): message labels, how bytes are
// packed into a message's words, and the slots the server and its clients use.
//
// docs/protocols/console.md is the reference.  The server (user/servers/console/) and every
// client include this file; the kernel speaks the same protocol when it turns a task's
// read(0) and write(1/2) into calls on the task's slot 0.  It needs nothing but ipc.h's
// constants, so it can be included anywhere.
#ifndef KEEL_PROTO_CONSOLE_H
#define KEEL_PROTO_CONSOLE_H

#include "ipc.h"

// Requests: the low byte of a message's label.  All are calls; the reply's label is the
// result (>= 0) or -errno.
//   CONSOLE_WRITE  label 1 | (n << 8), n bytes in w0..w3    -> n written
//   CONSOLE_READ   label 2, w0 = max                        -> n >= 1 bytes in w0..w3
//   CONSOLE_STATS  label 3                                  -> 0; w0 bytes received, w1 dropped,
//                                                              w2 written, w3 readers waiting
#define CONSOLE_WRITE 1
#define CONSOLE_READ 2
#define CONSOLE_STATS 3

#define CONSOLE_MAX_BYTES (IPC_WORDS * 8) // 32: what the four words of one message hold
#define CONSOLE_MAX_READERS 8             // reads waiting for input at once; one more gets -EBUSY

// Slots.  Every task's slot 0 is a (badged) send capability to the console server.
#define SLOT_CONSOLE 0
// What the server's own table holds when it starts (its slot 0 is empty).
#define CONSOLE_SLOT_ENDPOINT 1 // the endpoint clients call (original: all rights)
#define CONSOLE_SLOT_UART 2     // the PL011's registers: device memory, 4 KiB at 0x0900_0000
#define CONSOLE_SLOT_IRQ 3      // the PL011's interrupt line, INTID 33

// A label from a request and a length (CONSOLE_WRITE carries its length in bits 8 and up).
static inline long console_label(unsigned int request, unsigned long n)
{
    return (long)(request | (n << 8));
}

// The request in a label: its low byte.
static inline unsigned int console_request(long label)
{
    return (unsigned int)((unsigned long)label & 0xff);
}

// The length in a label: every bit above the low byte (so that a huge or negative label
// shows up as a huge length, never as a small one).
static inline unsigned long console_length(long label)
{
    return (unsigned long)label >> 8;
}

// Packs n <= CONSOLE_MAX_BYTES bytes into the words: byte i goes to bits 8*(i%8) and up of
// w[i/8] (little-endian order, as a memcpy on AArch64 would place them); unused bits are 0.
static inline void console_pack(unsigned long w[IPC_WORDS], const char *bytes, unsigned long n)
{
    for (int i = 0; i < IPC_WORDS; i++)
        w[i] = 0;
    for (unsigned long i = 0; i < n && i < CONSOLE_MAX_BYTES; i++)
        w[i / 8] |= (unsigned long)(unsigned char)bytes[i] << (8 * (i % 8));
}

// Unpacks n <= CONSOLE_MAX_BYTES bytes from the words into `bytes`.
static inline void console_unpack(const unsigned long w[IPC_WORDS], char *bytes, unsigned long n)
{
    for (unsigned long i = 0; i < n && i < CONSOLE_MAX_BYTES; i++)
        bytes[i] = (char)(w[i / 8] >> (8 * (i % 8)));
}

#endif
