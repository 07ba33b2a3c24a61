/*
 * The domain builder (ABI §9). With the image already checked (core/guest_image.c): computes
 * the layout, allocates the guest's frames and zeroes its boot region, copies kernel and module
 * in, writes the P2M list, builds the bootstrap page tables (every page from v_start to the stack
 * mapped, page tables read-only, the L2 pinned), fills start_info, and records every frame's
 * type and references.
 *
 * What the guest finds in its frames. The boot region (kernel with its bss, module, P2M, page
 * tables, start_info, stack) is zeroed before anything is written into it, so each of its bytes
 * is loaded or zero. The frames beyond it are handed over as the machine left them (scrub=boot,
 * the default), as Xen does for domain 0: Xen scrubs only the RAM still free once domain 0 is
 * built, the RAM that may go to an unprivileged domain. Here the guest is the only domain, the
 * hypervisor has written nothing of its own into those frames, and the guest kernel zeroes each
 * page before ring 3 sees it (it reuses freed pages anyway, so it can never count on a zeroed
 * page). Zeroing them all (scrub=all) touches every frame of the machine: under QEMU's TCG, 117 MB
 * cost 0.2 to 1 s of wall time, most of the appliance's boot (docs/benchmarks.md). scrub=poison
 * fills them with 0xa5 instead: the tests' stand-in for real hardware's leftovers, under which a
 * guest that read such a page before writing it would go wrong.
 */
#include "hv/arch.h"
#include "hv/domain.h"
#include "hv/frame.h"
#include "hv/page_type.h"
#include "lib/string.h"
#include "internal.h"
#include "x86.h"
#include <public/xen.h>

#define L2_PROT (PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D)
#define L1_PROT (PTE_P | PTE_RW | PTE_A | PTE_D)
#define L1_PROT_RO (PTE_P | PTE_A)

/* Copy len bytes (or zeroes when src is 0) to guest virtual va of the domain being built. */
static void put(struct domain *d, uint32_t va, const void *src, uint32_t len)
{
    const uint8_t *s = src;
    while (len > 0) {
        uint32_t pfn = (va - d->layout.v_start) >> 12, off = va & 0xfff;
        uint32_t n = 4096 - off < len ? 4096 - off : len;
        uint8_t *p = arch_map_frame(d->p2m[pfn]);
        if (s)
            memcpy(p + off, s, n), s += n;
        else
            memset(p + off, 0, n);
        arch_unmap_frame(p);
        va += n, len -= n;
    }
}

#define SCRUB_POISON_BYTE 0xa5

static int alloc_memory(struct domain *d, enum scrub_mode scrub, const char **why)
{
    uint32_t p2m_frames = (d->nr_pages * 4 + 4095) / 4096;
    uint32_t first = frame_alloc_hv_contig(p2m_frames);
    if (first == 0) {
        *why = "no hypervisor memory for the P2M table";
        return -XEN_ENOMEM;
    }
    d->p2m = arch_directmap(first);
    for (uint32_t pfn = 0; pfn < d->nr_pages; pfn++) {
        uint32_t mfn = frame_alloc_domain(d->id);
        if (mfn == 0) {
            *why = "out of memory for the guest's pages";
            return -XEN_ENOMEM;
        }
        if (pfn < d->layout.nr_boot_pages || scrub != SCRUB_BOOT) {
            int boot = pfn < d->layout.nr_boot_pages || scrub == SCRUB_ALL;
            void *p = arch_map_frame(mfn);
            memset(p, boot ? 0 : SCRUB_POISON_BYTE, 4096);
            arch_unmap_frame(p);
        }
        d->p2m[pfn] = mfn;
        arch_m2p_set(mfn, pfn);
    }
    return 0;
}

static void load_image(struct domain *d)
{
    for (unsigned i = 0; i < d->img.nr_segs; i++) {
        const struct guest_seg *s = &d->img.segs[i];
        put(d, s->vaddr, d->image + s->offset, s->filesz); /* the rest is zero already */
    }
    if (d->module_len)
        put(d, d->layout.mod_start, d->module, d->module_len);
    put(d, d->layout.p2m_start, d->p2m, d->nr_pages * 4);
}

static uint32_t pfn_of(const struct domain *d, uint32_t va)
{
    return (va - d->layout.v_start) >> 12;
}

static int is_pt_frame(const struct domain *d, uint32_t pfn)
{
    uint32_t first = pfn_of(d, d->layout.pt_start);
    return pfn >= first && pfn < first + d->layout.nr_pt_frames;
}

/* Write the bootstrap tables raw, then validate the L2 like any guest table: validation takes
 * every reference the mappings need, so the accounting is the one the MMU code keeps. */
static int build_page_tables(struct domain *d, const char **why)
{
    const struct dom_layout *l = &d->layout;
    uint32_t l2_pfn = pfn_of(d, l->pt_start), next_l1 = l2_pfn + 1;
    uint32_t l2_mfn = d->p2m[l2_pfn];
    uint32_t *l2 = arch_map_frame(l2_mfn);

    for (uint32_t va = l->v_start; va < l->v_end; va += 4096) {
        uint32_t slot = va >> 22;
        if (!(l2[slot] & PTE_P))
            l2[slot] = d->p2m[next_l1++] << 12 | L2_PROT;
        uint32_t pfn = pfn_of(d, va);
        uint32_t *l1 = arch_map_frame(l2[slot] >> 12);
        l1[(va >> 12) & 1023] = d->p2m[pfn] << 12 | (is_pt_frame(d, pfn) ? L1_PROT_RO : L1_PROT);
        arch_unmap_frame(l1);
    }
    arch_unmap_frame(l2);

    /* The L2 is pinned (one reference) and in use as the base pointer (another). */
    int err = get_page_and_type(l2_mfn, FT_L2, d->id, why);
    if (err || (err = get_page_and_type(l2_mfn, FT_L2, d->id, why)))
        return err;
    frame_table[l2_mfn].flags |= FF_PINNED;
    d->l2_mfn = l2_mfn;
    return 0;
}

static int make_shared_info(struct domain *d, const char **why)
{
    uint32_t mfn = frame_alloc_hv();
    if (mfn == 0) {
        *why = "no hypervisor memory for shared_info";
        return -XEN_ENOMEM;
    }
    /* Owned by the domain so it may map it; the hypervisor keeps its own reference. */
    frame_table[mfn].owner = d->id;
    frame_table[mfn].flags |= FF_HV_WRITES;
    d->shared_info_mfn = mfn;
    d->shared_info = arch_directmap(mfn);
    d->shared_info->evtchn_upcall_mask = 1;
    return 0;
}

static void write_start_info(struct domain *d)
{
    start_info_t si;
    memset(&si, 0, sizeof(si));
    si.nr_pages = d->nr_pages;
    si.shared_info = d->shared_info_mfn << 12;
    si.flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
    si.pt_base = d->layout.pt_start;
    si.nr_pt_frames = d->layout.nr_pt_frames;
    si.mfn_list = d->layout.p2m_start;
    si.mod_start = d->layout.mod_start;
    si.mod_len = d->layout.mod_len;
    strlcpy((char *)si.cmd_line, d->cmdline, sizeof(si.cmd_line));
    put(d, d->layout.si_start, &si, sizeof(si));
}

int arch_build_domain(struct domain *d, enum scrub_mode scrub, const char **why)
{
    int err = dom_layout_compute(d->img.v_start, d->img.v_kend, d->module_len, d->nr_pages,
                                 &d->layout, why);
    if (err)
        return err;
    if ((err = alloc_memory(d, scrub, why)) || (err = make_shared_info(d, why)))
        return err;
    load_image(d);
    write_start_info(d);
    return build_page_tables(d, why);
}

void arch_enter_guest(struct domain *d)
{
    static struct cpu_regs start; /* copied onto the stack top by x86_enter_frame */
    memset(&start, 0, sizeof(start));
    start.eip = d->img.entry;
    start.cs = FLAT_RING1_CS;
    start.eflags = X86_EFLAGS_IF | 0x2;
    start.esp = d->layout.si_start + 2 * 4096;
    start.ss = start.ds = start.es = start.fs = start.gs = FLAT_RING1_DS;
    start.esi = d->layout.si_start;
    x86_set_guest_stack(FLAT_RING1_DS, 0);
    write_cr3(d->l2_mfn << 12);
    x86_enter_frame(&start);
}
