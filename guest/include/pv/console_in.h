/* Console input: VIRQ_CONSOLE fills a ring buffer with console_io reads; readers block. */
#ifndef GUEST_CONSOLE_IN_H
#define GUEST_CONSOLE_IN_H

#include <stddef.h>
#include <kernel/wait.h>

int console_in_init(void); /* binds VIRQ_CONSOLE; the port or -errno */
int console_getc(void);    /* blocks the calling task until a byte arrives */
/* Reads up to len bytes ending at a newline (dropped) or len; returns the length. */
size_t console_readline(char *buf, size_t len);
/* Without blocking: the bytes waiting now (at most n), and whether any are. */
size_t console_in_read(char *buf, size_t n);
int console_in_avail(void);
/* Called from the upcall (events masked) whenever input arrives, before the wake-ups. */
void console_in_set_listener(void (*fn)(void));
/* Woken (with poll_wq) whenever input arrives. */
extern struct waitq console_wq;

#endif
