/* Formatted printing into a buffer, shared by the hypervisor and the guest kernel.
 * Supports %d %i %u %x %X %p %s %c %% with flags '-' '0', a width, a precision for %s,
 * and the length modifiers h, l, ll and z. No floating point. */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Like C99: returns the length the whole output would have; writes at most size bytes
 * including the terminating NUL (nothing when size is 0). */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* 64-bit division by a 32-bit divisor without libgcc (32-bit code has no __udivdi3 here). */
uint64_t udiv64(uint64_t n, uint32_t d, uint32_t *rem);

#endif
