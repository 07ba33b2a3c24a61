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

typedef uint32_t guest_va_t;

int copy_from_guest(void *dst, guest_va_t src, size_t n);
int copy_to_guest(guest_va_t dst, const void *src, size_t n);

/* Range checks alone (no access): 1 if [va, va+n) may be read / written by the guest. */
int guest_range_readable(guest_va_t va, size_t n);
int guest_range_writable(guest_va_t va, size_t n);
/* 1 if every page of [va, va+n) is inside the guest and mapped in the current address space
 * with the rights asked for (write = 1: writable). Walks the page tables; no access. */
int guest_range_mapped(guest_va_t va, size_t n, int write);

#endif
