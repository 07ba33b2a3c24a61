/* Hypercall wrappers (ABI §2): int $0x82, EAX = number, EBX ECX EDX ESI EDI = arguments 1-5,
 * result in EAX. The hypervisor preserves the other registers ([ours]), but Xen 2.0 did not
 * promise it, so every argument register is declared as clobbered (an in/out operand). */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stdint.h>
#include <public/xen.h>

static inline int hypercall5(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4,
                             uint32_t a5)
{
    int ret;

    __asm__ volatile("int $0x82"
                     : "=a"(ret), "+b"(a1), "+c"(a2), "+d"(a3), "+S"(a4), "+D"(a5)
                     : "0"(nr)
                     : "memory");
    return ret;
}

static inline int hypercall3(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3)
{
    int ret;

    __asm__ volatile("int $0x82" : "=a"(ret), "+b"(a1), "+c"(a2), "+d"(a3) : "0"(nr) : "memory");
    return ret;
}

static inline int hypercall1(uint32_t nr, uint32_t a1)
{
    int ret;

    __asm__ volatile("int $0x82" : "=a"(ret), "+b"(a1) : "0"(nr) : "memory");
    return ret;
}

static inline int HYPERVISOR_console_io(uint32_t cmd, uint32_t count, const void *buf)
{
    return hypercall3(__HYPERVISOR_console_io, cmd, count, (uint32_t)(uintptr_t)buf);
}

static inline int HYPERVISOR_xen_version(uint32_t cmd)
{
    return hypercall1(__HYPERVISOR_xen_version, cmd);
}

static inline int HYPERVISOR_sched_op(uint32_t op)
{
    return hypercall1(__HYPERVISOR_sched_op, op);
}

static inline int HYPERVISOR_shutdown(uint32_t reason)
{
    return HYPERVISOR_sched_op(SCHEDOP_shutdown | (reason << SCHEDOP_reasonshift));
}
/* [ours] poweroff with an exit status (public/xen.h, SCHEDOP_statusshift). */
static inline int HYPERVISOR_shutdown_status(uint32_t reason, uint32_t status)
{
    return HYPERVISOR_sched_op(SCHEDOP_shutdown | (reason << SCHEDOP_reasonshift) |
                               (status << SCHEDOP_statusshift));
}

/* page_nr = VA >> 12 ([ours] or the VA itself when >= UVMF_VA_THRESHOLD). */
static inline int HYPERVISOR_update_va_mapping(uint32_t page_nr, uint32_t pte, uint32_t flags)
{
    return hypercall3(__HYPERVISOR_update_va_mapping, page_nr, pte, flags);
}

#endif
