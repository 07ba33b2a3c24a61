/*
 * Guest memory is not a pointer: the hypervisor reaches guest virtual addresses only through
 * these helpers. They check the range against the guest's segment limit (reads may reach the
 * read-only M2P, writes stop at HYPERVISOR_VIRT_START) and catch any page fault on the way,
 * returning -XEN_EFAULT instead of faulting the hypervisor.
 */
#ifndef HV_UACCESS_H
#define HV_UACCESS_H

#include <stddef.h>
#include <stdint.h>
#include <asm/uaccess.h> /* __get_guest_u32, __put_guest_u32: unchecked, for hot loops */
#include "hv/fastcall.h"
#include <public/xen.h>

typedef uint32_t guest_va_t;

HV_FASTCALL int copy_from_guest(void *dst, guest_va_t src, size_t n);
HV_FASTCALL int copy_to_guest(guest_va_t dst, const void *src, size_t n);

/* Range checks alone (no access): 1 if [va, va+n) may be read / written by the guest. Reads
 * may reach the read-only M2P (the guest segments end at GUEST_SEGMENT_END); writes stop at
 * HYPERVISOR_VIRT_START. No wrap-around. */
static inline int guest_range_below(guest_va_t va, size_t n, uint32_t limit)
{
    return n <= limit && va <= limit - n;
}
static inline int guest_range_readable(guest_va_t va, size_t n)
{
    return guest_range_below(va, n, GUEST_SEGMENT_END);
}
static inline int guest_range_writable(guest_va_t va, size_t n)
{
    return guest_range_below(va, n, HYPERVISOR_VIRT_START);
}
/* 1 if every page of [va, va+n) is inside the guest and mapped in the current address space
 * with the rights asked for (write = 1: writable). Walks the page tables; no access. */
int guest_range_mapped(guest_va_t va, size_t n, int write);

#endif
