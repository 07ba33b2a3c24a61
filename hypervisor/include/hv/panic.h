/* panic() for the hypervisor's own broken invariants; never for guest misbehaviour. */
#ifndef HV_PANIC_H
#define HV_PANIC_H

#include "hv/regs.h"

void panic_at(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));
void panic_regs(const struct cpu_regs *r, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));
#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)

#ifdef DEBUG
#define ASSERT(c) ((c) ? (void)0 : panic("assertion failed: %s", #c))
#else
#define ASSERT(c) ((void)0)
#endif

#endif
