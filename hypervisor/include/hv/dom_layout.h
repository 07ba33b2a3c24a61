/* Domain builder layout arithmetic (ABI §9): where each bootstrap item lands. Pure logic. */
#ifndef HV_DOM_LAYOUT_H
#define HV_DOM_LAYOUT_H

#include <stdint.h>

/* All addresses are guest virtual, page-aligned, upward from v_start. */
struct dom_layout {
    uint32_t v_start;
    uint32_t kernel_end;    /* v_kend rounded up to a page */
    uint32_t mod_start;     /* 0 when there is no module */
    uint32_t mod_len;       /* bytes */
    uint32_t p2m_start;     /* u32 machine frame per guest PFN */
    uint32_t p2m_len;       /* bytes: nr_pages * 4 */
    uint32_t pt_start;      /* the L2, followed by the L1s */
    uint32_t nr_pt_frames;  /* 1 + number of L1s */
    uint32_t si_start;      /* start_info page */
    uint32_t stack_start;   /* one stack page; initial ESP = si_start + 8 KB */
    uint32_t v_end;         /* end of the bootstrap region (end of the stack page) */
    uint32_t nr_boot_pages; /* (v_end - v_start) / 4 KB */
};

/*
 * Compute the layout for a kernel spanning [v_start, v_kend), a module of mod_len bytes
 * (0 = none) and a guest of nr_pages pages. The L1 count covers every 4 MB region that
 * [v_start, v_end) touches, page tables included.
 * Returns 0, or -XEN_ENOMEM / -XEN_EINVAL with *why (e.g. the bootstrap region needs more
 * pages than the guest has, or it would reach HYPERVISOR_VIRT_START, or arithmetic wraps).
 */
int dom_layout_compute(uint32_t v_start, uint32_t v_kend, uint32_t mod_len, uint32_t nr_pages,
                       struct dom_layout *l, const char **why);

/* The smallest nr_pages whose bootstrap region (kernel, module, P2M, page tables, start_info,
 * stack) fits in the guest's own pages. 0 when v_kend < v_start. */
uint32_t dom_layout_min_pages(uint32_t v_start, uint32_t v_kend, uint32_t mod_len);

/* How many pages a guest loaded at v_start can direct-map: those between v_start and
 * HYPERVISOR_VIRT_START (a Xen guest maps its pseudo-physical memory at v_start + pfn * 4 KB). */
uint32_t dom_directmap_pages(uint32_t v_start);

/* The largest guest that fits in `free` frames once the hypervisor has taken from them what the
 * guest costs it (the P2M list, 4 bytes a page, and shared_info) and `reserve` frames for its
 * own later use. */
uint32_t dom_pages_fitting(uint32_t free, uint32_t reserve);

#endif
