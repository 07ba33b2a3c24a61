/* Console input: VIRQ_CONSOLE fills a ring buffer with console_io reads; readers block. */
#ifndef GUEST_CONSOLE_IN_H
#define GUEST_CONSOLE_IN_H

#include <stddef.h>

int console_in_init(void); /* binds VIRQ_CONSOLE; the port or -errno */
int console_getc(void);    /* blocks the calling task until a byte arrives */
/* Reads up to len bytes ending at a newline (dropped) or len; returns the length. */
size_t console_readline(char *buf, size_t len);

#endif
