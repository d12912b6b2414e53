// console_input.h — characters typed on the serial line, buffered by the UART's receive
// interrupt until someone reads them (kernel/dev/console_input.c).
#ifndef KEEL_CONSOLE_INPUT_H
#define KEEL_CONSOLE_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLE_INPUT_SIZE 256

// Enables the UART's receive interrupt; from now on input arrives through it.
void console_input_init(void);
// Whether the buffer can take another character.
bool console_input_has_room(void);
// From the UART interrupt: stores one received character (dropped, and counted, if there
// is no room: the driver checks console_input_has_room first).
void console_input_push(char c);
// Waits, asleep, until a character is there, and returns it.
int console_input_wait(void);
// Characters received and dropped since boot.
uint64_t console_input_received(void);
uint64_t console_input_dropped(void);
// The last character received (0 if none yet).
char console_input_last(void);

#if LAB >= 4
// Takes up to `max` buffered characters without waiting; returns how many.
size_t console_input_take(char *buf, size_t max);
// Tasks waiting for input sleep on this channel; the receive interrupt wakes them.
extern const char console_input_channel;
#endif

#endif
