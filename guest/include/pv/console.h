/* Guest console output through console_io. Every line printed starts with "(guest) ". */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <stddef.h>

/* Raw bytes to the hypervisor console, in chunks it accepts; no prefix added. */
void console_write(const char *s, size_t len);
void klog_add(const char *s, size_t len); /* printk's text into the log ring (kernel/klog.c) */
void klog_start(void); /* the kernel proper runs: log lines get their time from now on */
/* Formatted output; "(guest) " is inserted at the start of every line. */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
