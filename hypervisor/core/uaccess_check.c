/* Range rules for guest pointers (ABI §2): inside the guest segments, no wrap-around. */
#include "hv/uaccess.h"
#include <public/xen.h>

static int range_below(guest_va_t va, size_t n, uint32_t limit)
{
    return n <= limit && va <= limit - n;
}

int guest_range_readable(guest_va_t va, size_t n)
{
    return range_below(va, n, GUEST_SEGMENT_END);
}

int guest_range_writable(guest_va_t va, size_t n)
{
    return range_below(va, n, HYPERVISOR_VIRT_START);
}
