/* Domain builder layout (ABI §9): kernel, module, P2M list, L2 + L1s, start_info, stack page, each
 * page-aligned upward from v_start. Sums are done in 64 bits so a wrap past 4 GB is seen, not
 * hidden. */
#include <stdint.h>

#include "hv/dom_layout.h"
#include "public/xen.h"

#define PAGE_MASK64 ((uint64_t)XEN_PAGE_SIZE - 1)
#define L1_SPAN_SHIFT 22 /* one L1 maps 4 MB */

static uint64_t page_up(uint64_t a)
{
    return (a + PAGE_MASK64) & ~PAGE_MASK64;
}

/* Number of 4 MB regions touched by [start, end), end > start. */
static uint64_t l1_count(uint64_t start, uint64_t end)
{
    return ((end - 1) >> L1_SPAN_SHIFT) - (start >> L1_SPAN_SHIFT) + 1;
}

static int fail(const char **why, const char *reason, int err)
{
    *why = reason;
    return -err;
}

/* v_end of the bootstrap region for nr_pages pages (the L1 count settles in a step or two:
 * the page tables map themselves, so more L1s can push v_end into another 4 MB region). */
static uint64_t bootstrap_end(uint64_t pt_start, uint32_t v_start, uint64_t *nr_l1_out)
{
    uint64_t nr_l1 = 1, v_end;
    for (;;) {
        v_end = pt_start + (1 + nr_l1 + 2) * XEN_PAGE_SIZE; /* L2, L1s, start_info, stack */
        uint64_t need = l1_count(v_start, v_end);
        if (need <= nr_l1)
            break;
        nr_l1 = need;
    }
    *nr_l1_out = nr_l1;
    return v_end;
}

static uint64_t boot_pages(uint32_t v_start, uint32_t v_kend, uint32_t mod_len, uint64_t nr_pages)
{
    uint64_t nr_l1;
    uint64_t p2m_start = page_up(page_up(v_kend) + mod_len);
    uint64_t v_end = bootstrap_end(page_up(p2m_start + nr_pages * 4), v_start, &nr_l1);
    return (v_end - v_start) >> XEN_PAGE_SHIFT;
}

uint32_t dom_layout_min_pages(uint32_t v_start, uint32_t v_kend, uint32_t mod_len)
{
    if (v_kend < v_start)
        return 0;
    /* The region grows by at most a page per 1024 more pages (the P2M): a fixed point soon. */
    uint64_t n = boot_pages(v_start, v_kend, mod_len, 0);
    for (uint64_t need; (need = boot_pages(v_start, v_kend, mod_len, n)) > n;)
        n = need;
    return n > 0xFFFFFFFFull ? 0xFFFFFFFFu : (uint32_t)n;
}

uint32_t dom_directmap_pages(uint32_t v_start)
{
    return v_start < HYPERVISOR_VIRT_START ? (HYPERVISOR_VIRT_START - v_start) >> XEN_PAGE_SHIFT
                                           : 0;
}

uint32_t dom_pages_fitting(uint32_t free, uint32_t reserve)
{
    if (free <= reserve + 1)
        return 0;
    uint64_t avail = free - reserve - 1; /* shared_info */
    /* n + ceil(n / 1024) <= avail: start from the real-valued answer and step down. */
    uint64_t n = avail * 1024 / 1025 + 1;
    while (n > 0 && n + (n + 1023) / 1024 > avail)
        n--;
    return (uint32_t)n;
}

int dom_layout_compute(uint32_t v_start, uint32_t v_kend, uint32_t mod_len, uint32_t nr_pages,
                       struct dom_layout *l, const char **why)
{
    if (v_start & (XEN_PAGE_SIZE - 1))
        return fail(why, "v_start not page aligned", XEN_EINVAL);
    if (v_kend < v_start)
        return fail(why, "kernel ends below v_start", XEN_EINVAL);

    uint64_t kernel_end = page_up(v_kend);
    uint64_t mod_start = kernel_end;
    uint64_t p2m_start = page_up(mod_start + mod_len);
    uint64_t p2m_len = (uint64_t)nr_pages * 4;
    uint64_t pt_start = page_up(p2m_start + p2m_len);

    uint64_t nr_l1, v_end = bootstrap_end(pt_start, v_start, &nr_l1);

    if (v_end > 0xFFFFFFFFull)
        return fail(why, "bootstrap region wraps around the 4 GB address space", XEN_EINVAL);
    if (v_end > HYPERVISOR_VIRT_START)
        return fail(why, "bootstrap region reaches the hypervisor hole (>= 0xFC000000)",
                    XEN_EINVAL);
    if (((v_end - v_start) >> XEN_PAGE_SHIFT) > nr_pages)
        return fail(why, "guest memory too small for the bootstrap region", XEN_ENOMEM);

    l->v_start = v_start;
    l->kernel_end = (uint32_t)kernel_end;
    l->mod_start = mod_len ? (uint32_t)mod_start : 0;
    l->mod_len = mod_len;
    l->p2m_start = (uint32_t)p2m_start;
    l->p2m_len = (uint32_t)p2m_len;
    l->pt_start = (uint32_t)pt_start;
    l->nr_pt_frames = (uint32_t)(1 + nr_l1);
    l->si_start = (uint32_t)(v_end - 2 * XEN_PAGE_SIZE);
    l->stack_start = (uint32_t)(v_end - XEN_PAGE_SIZE);
    l->v_end = (uint32_t)v_end;
    l->nr_boot_pages = (uint32_t)((v_end - v_start) >> XEN_PAGE_SHIFT);
    return 0;
}
