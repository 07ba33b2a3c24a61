/* Host stand-in for pv/mmu.h in the file-system unit tests: hv_stats comes from a fake the
 * test fills in instead of the hv_op hypercall. */
#ifndef GUEST_MMU_H
#define GUEST_MMU_H

#include <stdint.h>
#include <public/hv_op.h>
#include <public/xen.h>

int fake_hv_stats(hv_stats_t *s); /* fs_host.c */

static inline int HYPERVISOR_hv_stats(hv_stats_t *s)
{
    return fake_hv_stats(s);
}

#endif
