/*
 * The hypervisor's own mappings: the direct map of machine 0-32 MB (from boot), the M2P,
 * the vmap area for boot modules, and a one-frame mapping window for everything else
 * (guest page tables, guest frames). Fifteen of the 16 hypervisor L2 slots get their L1 here,
 * once; every guest L2 copies them, so these L1s are shared by all address spaces.
 *
 * The sixteenth, slot 1017, is the linear page table, and it is every L2's own: validation
 * (arch_copy_hv_slots) points it at the L2 itself, present, writable, supervisor-only. Through
 * it the L2 is the L1 of 0xFE400000-0xFE7FFFFF, so in the loaded address space the L1 entry of
 * va is the word at LINEAR_PT_VIRT_START + (va >> 12) * 4 and the L2 entry of va the word at
 * LINEAR_L2_VIRT_START + (va >> 22) * 4 (hv/arch.h: arch_linear_l1e, arch_linear_l2e), with no
 * mapping window to set up or tear down. What makes that safe:
 *   - Only the hypervisor ever holds the entry. A guest L2 update of slots 1008-1023 is
 *     refused (core/page_type.c), validation overwrites all sixteen whatever the frame held
 *     (a copied or forged value never survives a pin) and devalidation clears them. The area
 *     is above every guest segment's limit and has no U bit.
 *   - A translation of the linear area is cached from an L2 entry (the page of the area that
 *     shows that entry's L1) and is stale once the entry changes. Whenever the hypervisor
 *     stores an entry of the L2 loaded in CR3 it calls arch_l2e_changed, which invalidates
 *     that page at once (not deferred: the next update_va_mapping, maybe in the same
 *     multicall, writes through it). A CR3 load drops everything (no global pages), and the
 *     loaded L2 is never devalidated (it holds a type reference), so that is every change.
 *   - A write through the area also needs RW in the guest's L2 entry (CR0.WP): the caller
 *     takes the mapping window for an entry without it. The CPU sets A, and D on the first
 *     store, in the guest L2 entries it walks as PTEs of the area: meaningless bits in a
 *     non-PSE L2 entry, and the type code compares frame numbers only.
 */
#include <stdint.h>
#include "hv/arch.h"
#include "hv/console.h"
#include "hv/frame.h"
#include "hv/panic.h"
#include "lib/string.h"
#include "internal.h"
#include "layout.h"
#include "x86.h"

extern uint32_t idle_l2[1024];
extern uint32_t boot_directmap_l1[DIRECTMAP_L1_COUNT * 1024];

#define VMAP_L1_COUNT ((VMAP_AREA_END - VMAP_VIRT_START) >> 22)

static uint32_t m2p_l1[1024] __attribute__((aligned(4096)));
static uint32_t vmap_l1[VMAP_L1_COUNT * 1024] __attribute__((aligned(4096)));
uint32_t arch_mapwin_l1[1024] __attribute__((aligned(4096))); /* hv/arch.h reads it */
static uint32_t *m2p_page[1024]; /* writable view of each M2P page, through the direct map */
static uint32_t m2p_max_mfn;
static uint32_t vmap_next = VMAP_VIRT_START;
static uint32_t mapwin_hint;
uint32_t tlbflush_clock;

#define HV_L2_PROT (PTE_P | PTE_RW | PTE_A | PTE_D)

static uint32_t virt_to_mfn(const void *va)
{
    uint32_t a = (uint32_t)va;
    ASSERT(a >= DIRECTMAP_VIRT_START && a < DIRECTMAP_VIRT_START + DIRECTMAP_SIZE);
    return HV_PHYS(a) >> 12;
}

struct mem_range arch_hv_image(void)
{
    extern char _end[];
    return (struct mem_range){HV_LOAD_PHYS, HV_PHYS((uint32_t)_end)};
}

int arch_is_directmapped(uint32_t mfn)
{
    return mfn < (DIRECTMAP_SIZE >> 12);
}

void *arch_directmap(uint32_t mfn)
{
    ASSERT(arch_is_directmapped(mfn));
    return (void *)HV_VIRT(mfn << 12);
}

void arch_paging_init(void)
{
    idle_l2[0] = 0; /* the boot identity map is no longer needed */
    idle_l2[M2P_VIRT_START >> 22] = virt_to_mfn(m2p_l1) << 12 | HV_L2_PROT;
    for (unsigned i = 0; i < VMAP_L1_COUNT; i++)
        idle_l2[(VMAP_VIRT_START >> 22) + i] = virt_to_mfn(&vmap_l1[i * 1024]) << 12 | HV_L2_PROT;
    idle_l2[MAPWIN_VIRT_START >> 22] = virt_to_mfn(arch_mapwin_l1) << 12 | HV_L2_PROT;
    flush_tlb();
}

/* The hypervisor's slots of a guest L2 being validated (frame l2_mfn): the shared ones copied,
 * the linear page table's pointed at the L2 itself (supervisor-only). */
void arch_copy_hv_slots(uint32_t *l2, uint32_t l2_mfn)
{
    _Static_assert(LINEAR_PT_VIRT_START >> 22 == LINEAR_PT_SLOT &&
                       LINEAR_PT_VIRT_START == ARCH_LINEAR_VA && LINEAR_PT_SLOT == ARCH_LINEAR_SLOT,
                   "hv/arch.h's linear page table");
    memcpy(&l2[HV_L2_FIRST_SLOT], &idle_l2[HV_L2_FIRST_SLOT], HV_L2_SLOTS * sizeof(uint32_t));
    l2[LINEAR_PT_SLOT] = l2_mfn << 12 | HV_L2_PROT;
}

/* Entry `slot` of the L2 l2_mfn was just stored: if that L2 is the loaded one, the page of the
 * linear area that shows the entry's L1 may be cached from the old value. */
void arch_l2e_changed(uint32_t l2_mfn, unsigned slot)
{
    if (l2_mfn == read_cr3() >> 12)
        invlpg(LINEAR_PT_VIRT_START + (slot << 12));
}

/*
 * The first MAPWIN_CACHED slots keep their mapping after unmap: a frame mapped again soon (the
 * same L1 across a batch of updates) costs no PTE write and no invlpg. A frame hashes to one
 * of them; if that slot is busy with another frame, the others serve, mapped and unmapped
 * strictly. Only the hypervisor ever uses these addresses, so a stale mapping is harmless.
 * 512 of the 1024 (64 before): the netif backend maps a guest buffer for every frame, and the
 * guest cycles through some 400 buffer pages (256 receive, 128 transmit); with 64 nearly every
 * frame missed, and each miss's invlpg is costly under QEMU's TCG (where the window shares a
 * large-page range it may flush the whole software TLB): 15% of the vCPU's samples on e1000.
 */
#define MAPWIN_CACHED 512
_Static_assert(MAPWIN_CACHED == ARCH_MAPWIN_CACHED && MAPWIN_VIRT_START == ARCH_MAPWIN_VA,
               "hv/arch.h's inline window hit");
uint32_t arch_mapwin_cached_mfn[MAPWIN_CACHED];
uint8_t arch_mapwin_users[MAPWIN_CACHED];

static void *mapwin_set(unsigned i, uint32_t mfn)
{
    uint32_t va = MAPWIN_VIRT_START + (i << 12);
    arch_mapwin_l1[i] = mfn << 12 | PTE_P | PTE_RW | PTE_A | PTE_D;
    invlpg(va);
    return (void *)va;
}

HV_FASTCALL void *arch_map_frame(uint32_t mfn)
{
    unsigned h = mfn % MAPWIN_CACHED;
    if (arch_mapwin_users[h] == 0 || arch_mapwin_cached_mfn[h] == mfn) {
        arch_mapwin_users[h]++;
        if (arch_mapwin_cached_mfn[h] == mfn && (arch_mapwin_l1[h] & PTE_P))
            return (void *)(MAPWIN_VIRT_START + (h << 12));
        arch_mapwin_cached_mfn[h] = mfn;
        return mapwin_set(h, mfn);
    }
    for (unsigned n = 0; n < MAPWIN_SLOTS - MAPWIN_CACHED; n++) {
        unsigned i = MAPWIN_CACHED + (mapwin_hint + n) % (MAPWIN_SLOTS - MAPWIN_CACHED);
        if (!(arch_mapwin_l1[i] & PTE_P)) {
            mapwin_hint = i + 1 - MAPWIN_CACHED;
            return mapwin_set(i, mfn);
        }
    }
    panic("mapping window exhausted");
}

HV_FASTCALL void arch_unmap_frame(void *va)
{
    uint32_t a = (uint32_t)va & PTE_FRAME_MASK;
    unsigned i = (a - MAPWIN_VIRT_START) >> 12;
    ASSERT(a >= MAPWIN_VIRT_START);
    if (i < MAPWIN_CACHED) {
        arch_mapwin_users[i]--;
        return;
    }
    arch_mapwin_l1[i] = 0;
    invlpg(a);
}

/* Boot-time only: a bump allocator of VA; arch_vunmap just drops the PTEs. */
void *arch_vmap(uint32_t maddr, uint32_t len)
{
    uint32_t first = maddr & PTE_FRAME_MASK;
    uint64_t end = ((uint64_t)maddr + len + 0xfff) & ~0xfffull;
    uint64_t pages = (end - first) >> 12;
    if (len == 0 || end > 0x100000000ull || pages > ((VMAP_VIRT_END - vmap_next) >> 12))
        return 0;
    uint32_t va = vmap_next;
    for (uint32_t i = 0; i < pages; i++)
        vmap_l1[((va - VMAP_VIRT_START) >> 12) + i] =
            (first + (i << 12)) | PTE_P | PTE_RW | PTE_A | PTE_D;
    vmap_next += pages << 12;
    return (void *)(va + (maddr & 0xfff));
}

void arch_vunmap(void *va, uint32_t len)
{
    uint32_t first = (uint32_t)va & PTE_FRAME_MASK;
    uint32_t end = ((uint32_t)va + len + 0xfff) & PTE_FRAME_MASK;
    for (uint32_t a = first; a < end; a += 0x1000) {
        vmap_l1[(a - VMAP_VIRT_START) >> 12] = 0;
        invlpg(a);
    }
    if (end == vmap_next)
        vmap_next = first;
}

/* The M2P: guest-readable (present, read-only) pages, written by us through the direct map. */
void arch_m2p_init(uint32_t max_mfn)
{
    uint32_t pages = (max_mfn * 4 + 4095) / 4096;
    if (pages > 1024)
        pages = 1024, max_mfn = 1024 * 1024;
    for (uint32_t i = 0; i < pages; i++) {
        uint32_t mfn = frame_alloc_hv();
        if (mfn == 0)
            panic("no memory for the M2P");
        m2p_page[i] = arch_directmap(mfn);
        memset(m2p_page[i], 0xff, 4096); /* INVALID_P2M_ENTRY for frames no guest owns */
        m2p_l1[i] = mfn << 12 | PTE_P | PTE_A;
    }
    m2p_max_mfn = max_mfn;
    flush_tlb();
}

void arch_m2p_set(uint32_t mfn, uint32_t pfn)
{
    if (mfn < m2p_max_mfn)
        m2p_page[mfn >> 10][mfn & 1023] = pfn;
}

/* Map (mfn != 0) or unmap one page of the GDT/LDT windows, writable: the CPU sets accessed
 * and busy bits in descriptors. */
void x86_map_window_page(uint32_t va, uint32_t mfn)
{
    vmap_l1[(va - VMAP_VIRT_START) >> 12] = mfn ? (mfn << 12 | PTE_P | PTE_RW | PTE_A | PTE_D) : 0;
    invlpg(va);
}

void arch_flush_tlb(void)
{
    flush_tlb();
}
void arch_invlpg(uint32_t va)
{
    invlpg(va);
}
void arch_load_base(uint32_t l2_mfn)
{
    write_cr3(l2_mfn << 12);
}

uint32_t x86_read_l2e(uint32_t l2_mfn, unsigned slot)
{
    uint32_t *l2 = arch_map_frame(l2_mfn);
    uint32_t e = l2[slot];
    arch_unmap_frame(l2);
    return e;
}
