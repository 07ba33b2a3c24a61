/* The hypervisor console: serial (COM1) and the screen (VGA text, or the loader's framebuffer
 * under UEFI), chosen by console= on the command line. */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <stddef.h>

struct boot_fb;
/* CONSOLE_COM1 | CONSOLE_VGA; with fb (the loader's graphics framebuffer, or 0) the screen is
 * drawn there rather than in VGA text memory. */
void console_init(unsigned console_mask, const struct boot_fb *fb);
int console_on_fb(void); /* the screen console draws on a framebuffer */
void console_write(const char *s, size_t n);
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Only with loglevel=debug: lines about normal operation that are not news to a user. */
void printk_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Take up to n bytes of pending console input (non-blocking); returns the count. */
size_t console_read(char *buf, size_t n);
/* Look at pending input without consuming it; returns the count. */
size_t console_peek(char *buf, size_t n);
void console_consume(size_t n);
struct domain;
/* COM1 interrupt: take the waiting bytes and tell the guest (VIRQ_CONSOLE). */
void console_interrupt(struct domain *d);

#endif
