/* panic() for the hypervisor's own broken invariants; never for guest misbehaviour. */
#ifndef HV_PANIC_H
#define HV_PANIC_H

#include "hv/regs.h"

/* Report file:line, the message, the registers at the call (arch/x86/panic_entry.S saves them
 * before any C code runs), the control registers and a frame-pointer backtrace; then stop
 * (QEMU status 35 under exit=debug). */
void panic_at(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));
/* The same for a fault inside the hypervisor: r is the trap frame. */
void panic_regs(const struct cpu_regs *r, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));
#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)

/* The machine state a panic reports. panic_at's entry fills it and continues in
 * panic_report (same arguments); r.vector is PANIC_NO_VECTOR there. */
struct panic_state {
    struct cpu_regs r; /* esp/ss: the stack at the call (or at the fault) */
    uint32_t cr[4];    /* CR0, CR2, CR3, CR4 */
};
#define PANIC_NO_VECTOR 0xffffffffu
extern struct panic_state panic_state;
void panic_report(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));

#ifdef DEBUG
#define ASSERT(c) ((c) ? (void)0 : panic("assertion failed: %s", #c))
#else
#define ASSERT(c) ((void)0)
#endif

#endif
