/*
 * test=mmu, test=mmu-attacks, test=mmu-stress: the guest side of ABI §7 exercised, and every
 * refusal the hypervisor owes checked for its errno. Each test ends by comparing the
 * hypervisor's frame accounting with what it was before: nothing may leak.
 */
#include <pv/console.h>
#include <pv/mmu.h>
#include <selftest/frames.h>
#include <arch/x86/gdt.h>
#include <selftest/probe.h>
#include <selftest/review.h>
#include <lib/format.h>
#include <lib/string.h>
#include <kernel/selftest_table.h>

TRIG_K(pf_write);

static unsigned nr_ok, nr_failed;

static void check(const char *name, int got, int want)
{
    if (got == want) {
        nr_ok++;
        printk("check %s: ok\n", name);
    } else {
        nr_failed++;
        printk("check %s: FAILED got %d want %d\n", name, got, want);
    }
}

static hv_stats_t before;

static void snapshot(void)
{
    HYPERVISOR_hv_stats(&before);
}

static void check_accounting(const char *what)
{
    static hv_stats_t now;
    HYPERVISOR_hv_stats(&now);
    int same = now.guest_refs == before.guest_refs &&
               now.guest_type_refs == before.guest_type_refs &&
               now.guest_frames_pinned == before.guest_frames_pinned &&
               memcmp(now.guest_frames_by_type, before.guest_frames_by_type,
                      sizeof(now.guest_frames_by_type)) == 0;
    printk("accounting %s: refs %u -> %u, type refs %u -> %u, pinned %u -> %u, L1 %u -> %u, "
           "L2 %u -> %u, writable %u -> %u\n",
           what, before.guest_refs, now.guest_refs, before.guest_type_refs, now.guest_type_refs,
           before.guest_frames_pinned, now.guest_frames_pinned, before.guest_frames_by_type[1],
           now.guest_frames_by_type[1], before.guest_frames_by_type[2], now.guest_frames_by_type[2],
           before.guest_frames_by_type[5], now.guest_frames_by_type[5]);
    check(what, same, 1);
}

static uint32_t kernel_esp(void)
{
    uint32_t esp;
    __asm__ volatile("mov %%esp, %0" : "=r"(esp));
    return esp;
}

/* Build an address space, map user pages in one batch, switch to it with one multicall, check
 * the mappings through it, switch home and tear it down. */
static void test_basic(void)
{
    struct addrspace as;
    uint32_t data[8];
    snapshot();
    check("create address space (batched pins)", as_create(&as, 2), 0);
    for (unsigned i = 0; i < 8; i++) {
        data[i] = test_frame_alloc();
        uint32_t *p = scratch_map(2, data[i]);
        p[0] = 0x5a000000 | i;
        scratch_unmap(2);
        as_queue_map(&as, 0x00400000 * (i & 1) + i * XEN_PAGE_SIZE, data[i], i & 2);
    }
    uint32_t done = 0;
    check("map 8 user pages in one mmu_update", mmu_flush(&done), 0);
    check("success count", (int)done, 8);
    check("switch with one multicall", as_switch(&as, kernel_esp()), 0);
    int seen = 1;
    for (unsigned i = 0; i < 8; i++)
        seen &=
            *(volatile uint32_t *)(0x00400000 * (i & 1) + i * XEN_PAGE_SIZE) == (0x5a000000 | i);
    check("user pages read through the new address space", seen, 1);
    check("switch home", as_switch_home(kernel_esp()), 0);
    check("destroy address space (batched unpins)", as_destroy(&as), 0);
    for (unsigned i = 0; i < 8; i++)
        test_frame_free(data[i]);
    /* The same frames are ordinary pages again: mapping one writable must work. */
    check("freed table frame writable again", scratch_map(3, as.l2_pfn) != 0, 1);
    scratch_unmap(3);
    check_accounting("after build/switch/teardown");
}

static int mmu1(uint32_t ptr, uint32_t val)
{
    mmu_update_t r = {ptr, val};
    return HYPERVISOR_mmu_update(&r, 1, 0);
}

static int uvm(uint32_t va, uint32_t pte)
{
    return HYPERVISOR_update_va_mapping(va >> 12, pte, UVMF_INVLPG);
}

static int set_ldt(uint32_t va, uint32_t entries)
{
    return mmu1(va | MMU_EXTENDED_COMMAND, MMUEXT_SET_LDT | entries << MMUEXT_CMD_SHIFT);
}

/* SET_LDT: the pages behind the range become LDT frames, so they must not be writable. */
static void test_ldt(void)
{
    uint32_t va = scratch_va(10), pfn = test_frame_alloc();
    struct desc8 {
        uint32_t lo, hi;
    } *ldt = scratch_map(10, pfn);
    memset(ldt, 0, XEN_PAGE_SIZE);
    ldt[1] = (struct desc8){0x0000ffff, 0x00cf9200}; /* DPL 0 data: not for a guest */
    check("SET_LDT not page aligned", set_ldt(va + 8, 16), -XEN_EINVAL);
    check("SET_LDT of 8193 entries", set_ldt(va, 8193), -XEN_EINVAL);
    check("SET_LDT on an unmapped page", set_ldt(0x40000000u, 16), -XEN_EINVAL);
    /* Mapped, but the hypervisor's: refused for where it lies (the log line says so), not for
     * whose frames they are. The last page's end wraps to 0. */
    check("SET_LDT in the hypervisor", set_ldt(HYPERVISOR_VIRT_START + 0x800000u, 16), -XEN_EINVAL);
    check("SET_LDT on the last page", set_ldt(0xfffff000u, 16), -XEN_EINVAL);
    check("SET_LDT on a page mapped writable", set_ldt(va, 16), -XEN_EINVAL);
    uvm(va, pfn_to_mfn(pfn) << 12 | PTE_P); /* read-only now */
    check("SET_LDT with a DPL-0 descriptor", set_ldt(va, 16), -XEN_EINVAL);
    scratch_map(10, pfn);
    ldt[1] = (struct desc8){0x0000ffff, 0x00cff200}; /* DPL 3 data: fine */
    uvm(va, pfn_to_mfn(pfn) << 12 | PTE_P);
    check("SET_LDT of a valid read-only page", set_ldt(va, 16), 0);
    check("LDT page cannot be mapped writable",
          uvm(scratch_va(11), pfn_to_mfn(pfn) << 12 | PTE_P | PTE_RW), -XEN_EPERM);
    check("SET_LDT of 0 entries drops it", set_ldt(0, 0), 0);
    check("page writable again", uvm(scratch_va(11), pfn_to_mfn(pfn) << 12 | PTE_P | PTE_RW), 0);
    uvm(scratch_va(11), 0);
    uvm(va, 0);
    test_frame_free(pfn);
}

#define M2P ((const volatile uint32_t *)HYPERVISOR_VIRT_START) /* read-only to the guest */
#define M2P_INVALID 0xffffffffu
#define M2P_SLOT 1008 /* the L2 slot of the M2P's L1 (ABI §1) */

/* A RAM frame nobody owns: the highest MFN below 32 MB whose M2P entry is invalid. The hypervisor
 * heap grows up from low memory and hands the guest frames above 32 MB first, so that one is
 * free; the scenario checks the refusal says "(free)". */
static uint32_t nr_pages;

static uint32_t free_frame(void)
{
    uint32_t top = 0; /* the M2P is readable up to the highest frame the guest owns, at least */
    for (uint32_t pfn = 0; pfn < nr_pages; pfn++)
        if (pfn_to_mfn(pfn) > top)
            top = pfn_to_mfn(pfn);
    for (uint32_t mfn = top < 0x2000 ? top : 0x1fff; mfn > 0x100; mfn--)
        if (M2P[mfn] == M2P_INVALID)
            return mfn;
    return 0;
}

/* The M2P's first machine frame, read through a linear page table: a read-only self-map of the
 * current L2 in a free slot makes every L2 entry readable as a page, the M2P's L1 among them. */
static uint32_t m2p_frame(uint32_t l2)
{
    unsigned slot = 0;
    for (unsigned i = 16; i < 768 && !slot; i++)
        if (boot_l2[i] == 0)
            slot = i;
    if (!slot || mmu1(l2 << 12 | slot * 4, l2 << 12 | PTE_P))
        return 0;
    const volatile uint32_t *m2p_l1 = (const volatile uint32_t *)(slot << 22 | M2P_SLOT << 12);
    uint32_t pte = m2p_l1[0];
    mmu1(l2 << 12 | slot * 4, 0);
    return (pte & PTE_P) ? pte >> 12 : 0;
}

/* Frames the guest does not own that are not the hypervisor's image: a free one (beyond the
 * guest's allocation) and the M2P's own frames, which the guest may read only through the
 * hypervisor's read-only mapping. */
static void test_foreign_frames(uint32_t sva, uint32_t kl1)
{
    uint32_t free = free_frame(), m2p = m2p_frame(current_l2_mfn());
    uint32_t own = pfn_to_mfn(0);

    check("a free RAM frame found (invalid M2P entry below 32 MB)", free != 0, 1);
    check("mapping a free frame the guest does not own", uvm(sva, free << 12 | PTE_P), -XEN_EPERM);
    check("mapping a free frame writable (mmu_update)",
          mmu1(kl1 << 12 | ((sva >> 12) & 1023) * 4, free << 12 | PTE_P | PTE_RW), -XEN_EINVAL);
    check("pinning a free frame as an L1",
          mmu1(free << 12 | MMU_EXTENDED_COMMAND, MMUEXT_PIN_L1_TABLE), -XEN_EINVAL);
    check("M2P frame read through a linear page table", m2p != 0 && m2p != own, 1);
    check("mapping an M2P frame writable (uvm)", uvm(sva, m2p << 12 | PTE_P | PTE_RW), -XEN_EPERM);
    check("mapping an M2P frame writable (mmu_update)",
          mmu1(kl1 << 12 | ((sva >> 12) & 1023) * 4, m2p << 12 | PTE_P | PTE_RW), -XEN_EINVAL);
    check("mapping an M2P frame read-only", uvm(sva, m2p << 12 | PTE_P), -XEN_EPERM);
    check("M2P still maps the guest's frame 0 to PFN 0", (int)M2P[own], 0);
}

/* ABI §3: a fault reading an entry or writing a result ends the batch with -EFAULT, after the
 * entries before it have run. */
static void test_multicall_faults(void)
{
    uint32_t pfn = test_frame_alloc(), va = scratch_va(12);
    multicall_entry_t *m = scratch_map(12, pfn);
    const multicall_entry_t version = {__HYPERVISOR_xen_version, {0, 0, 0, 0, 0, 0xdeadbeef, 0}};

    scratch_unmap(13); /* the page after it: unmapped */
    memset(m, 0, XEN_PAGE_SIZE);
    m[127] = version; /* the last entry of the page; the next one is unreadable */
    check("multicall running into an unmapped page", HYPERVISOR_multicall(&m[127], 2), -XEN_EFAULT);
    check("the entry before the fault ran", (int)m[127].args[MULTICALL_RESULT_ARG], 0x20000);
    m[0] = version;
    uvm(va, pfn_to_mfn(pfn) << 12 | PTE_P); /* read-only now */
    check("multicall whose result slot is read-only", HYPERVISOR_multicall(m, 1), -XEN_EFAULT);
    check("the read-only slot kept its value", (int)m[0].args[MULTICALL_RESULT_ARG],
          (int)0xdeadbeef);
    uvm(va, 0);
    test_frame_free(pfn);
}

/* A single NEW_BASEPTR with no success count is the context switch's fast path in the
 * hypervisor (core/mmu_update.c: two words read in place, references taken inline): whatever
 * it does not handle itself must still meet every check of the general path. */
static void test_baseptr_single(uint32_t l2, uint32_t nl2, uint32_t l1, uint32_t junk)
{
    check("NEW_BASEPTR to a pinned L1", mmu1(l1 << 12 | MMU_EXTENDED_COMMAND, MMUEXT_NEW_BASEPTR),
          -XEN_EINVAL);
    check("NEW_BASEPTR to a hypervisor frame (1 MB)",
          mmu1(0x100 << 12 | MMU_EXTENDED_COMMAND, MMUEXT_NEW_BASEPTR), -XEN_EINVAL);
    check("NEW_BASEPTR to a frame beyond memory",
          mmu1(0xFFFFF000u | MMU_EXTENDED_COMMAND, MMUEXT_NEW_BASEPTR), -XEN_EINVAL);
    check("NEW_BASEPTR to a free frame of the guest's (junk, an invalid L2)",
          mmu1(junk << 12 | MMU_EXTENDED_COMMAND, MMUEXT_NEW_BASEPTR | 0x100), -XEN_EINVAL);
    check("NEW_BASEPTR to a pinned L2 (the other address space)",
          mmu1(nl2 << 12 | MMU_EXTENDED_COMMAND, MMUEXT_NEW_BASEPTR), 0);
    check("running on it: unpinning it is refused",
          mmu1(nl2 << 12 | MMU_EXTENDED_COMMAND, MMUEXT_UNPIN_TABLE), -XEN_EINVAL);
    check("NEW_BASEPTR to itself", mmu1(nl2 << 12 | MMU_EXTENDED_COMMAND, MMUEXT_NEW_BASEPTR), 0);
    check("NEW_BASEPTR back home", mmu1(l2 << 12 | MMU_EXTENDED_COMMAND, MMUEXT_NEW_BASEPTR), 0);
    /* A request whose second word is on an unmapped page: refused, nothing switched (the
     * "destroy" check below unpins the other L2: refused if it were the base). */
    uint32_t pfn = test_frame_alloc();
    mmu_update_t *r = scratch_map(12, pfn);
    scratch_unmap(13);
    uint32_t *last = (uint32_t *)((uint32_t)r + XEN_PAGE_SIZE - 4);
    *last = nl2 << 12 | MMU_EXTENDED_COMMAND;
    check("NEW_BASEPTR request running into an unmapped page",
          HYPERVISOR_mmu_update((mmu_update_t *)last, 1, 0), -XEN_EFAULT);
    scratch_unmap(12);
    test_frame_free(pfn);
    check("NEW_BASEPTR request in the hypervisor",
          HYPERVISOR_mmu_update((void *)(0xFC400000u - 4), 1, 0), -XEN_EFAULT);
}

/* Inside a multicall the invalidations of its update_va_mapping entries wait for its end
 * (core/mmu_update.c): one pass of invlpg, or one whole flush above MMU_DEFERRED_INVLPG_MAX.
 * Either way no entry an earlier one removed may still be usable by the time the guest runs
 * again: each page is written first (its translation cached), then unmapped by an entry with
 * no flush flag, and a write through it after the multicall must fault. (With the end's flush
 * left out, the writes land through the stale TLB entries: the checks fail.) */
#define DEFERRED_PAGES 10
static void test_multicall_deferred_flush(unsigned n)
{
    static multicall_entry_t m[DEFERRED_PAGES + 1];
    uint32_t pfn[DEFERRED_PAGES], base = bench_va();
    char name[96];

    int bad = 0;
    for (unsigned i = 0; i < n; i++) {
        pfn[i] = test_frame_alloc();
        bad |= uvm(base + i * XEN_PAGE_SIZE,
                   pfn_to_mfn(pfn[i]) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D);
        *(volatile uint32_t *)(base + i * XEN_PAGE_SIZE) = i; /* the TLB holds it now */
        m[i] = (multicall_entry_t){__HYPERVISOR_update_va_mapping,
                                   {(base >> 12) + i, 0, 0, 0, 0, (uint32_t)-1, 0}};
    }
    check("deferred flush: the pages mapped", bad, 0);
    m[n] = (multicall_entry_t){__HYPERVISOR_xen_version, {0, 0, 0, 0, 0, (uint32_t)-1, 0}};
    snprintf(name, sizeof(name), "multicall unmapping %u pages without a flush flag", n);
    check(name, HYPERVISOR_multicall(m, n + 1), 0);
    for (unsigned i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "deferred flush of %u: a write through page %u faults", n, i);
        const struct probe_case c = {name,
                                     1,
                                     k_pf_write,
                                     k_pf_write_eip,
                                     k_pf_write_resume,
                                     14,
                                     2,
                                     base + i * XEN_PAGE_SIZE};
        probe_run(&c) ? nr_ok++ : nr_failed++;
        test_frame_free(pfn[i]);
    }
}

/*
 * The hypervisor's linear page table (slot 1017: every validated L2 maps itself there, so
 * update_va_mapping writes the L1 entry of va at a fixed address whose translation the CPU
 * takes from the L2 entry of va). That translation must never outlive the L2 entry: an L1 A
 * hooked at a free slot has an entry written through update_va_mapping (the translation is now
 * cached), then a pinned L1 B takes A's place and another entry is written: it must land in B,
 * and A must be unchanged. Then A is unpinned, mapped writable and filled with junk entries
 * (writable mappings of a frame the counts know nothing of), and a third write must still land
 * in B and leave the junk alone: a write into A would also give back references of the junk
 * "old entry" that were never taken (check_accounting at the end of the attacks sees that).
 * The guest's own hypervisor slots, 1017 among them, refuse its updates; and a slot-1017 value
 * it forges in a page does not survive the page's pin. (With the hypervisor's invalidation and
 * the batch's end flush both left out, the write after the switch lands in A: docs/security.md
 * §3.)
 */
static uint32_t pinned_l1(uint32_t *pfn)
{
    *pfn = test_frame_alloc();
    uint32_t *t = scratch_map(8, *pfn);
    memset(t, 0, XEN_PAGE_SIZE);
    scratch_unmap(8);
    uint32_t mfn = pfn_to_mfn(*pfn);
    return mmu1(mfn << 12 | MMU_EXTENDED_COMMAND, MMUEXT_PIN_L1_TABLE) ? 0 : mfn;
}

static uint32_t table_word(uint32_t mfn, unsigned i) /* through a read-only mapping */
{
    uint32_t va = scratch_va(9);
    if (uvm(va, mfn << 12 | PTE_P))
        return 0xbad0bad0;
    uint32_t w = ((const volatile uint32_t *)va)[i];
    uvm(va, 0);
    return w & ~(uint32_t)(PTE_A | PTE_D);
}

static unsigned boot_free_slot(void) /* an empty user slot of the boot L2, or 0 */
{
    for (unsigned i = 16; i < 768; i++)
        if (boot_l2[i] == 0)
            return i;
    return 0;
}

static void test_linear_table(uint32_t l2, uint32_t nl2)
{
    unsigned slot = boot_free_slot();
    uint32_t pa, pb, data = test_frame_alloc(), wva = scratch_va(11);
    uint32_t a = pinned_l1(&pa), b = pinned_l1(&pb), va = slot << 22;
    uint32_t pte = pfn_to_mfn(data) << 12 | PTE_P, hook = PTE_P | PTE_RW | PTE_US | PTE_A;
    check("linear: a free slot and two pinned L1s", slot && a && b, 1);
    check("linear: L1 A hooked", mmu1(l2 << 12 | slot * 4, a << 12 | hook), 0);
    check("linear: entry 3 written through update_va_mapping", uvm(va + 3 * XEN_PAGE_SIZE, pte), 0);
    check("linear: entry 3 is in A", (int)table_word(a, 3), (int)pte);
    check("linear: L1 B hooked in A's place", mmu1(l2 << 12 | slot * 4, b << 12 | hook), 0);
    check("linear: entry 5 written after the switch", uvm(va + 5 * XEN_PAGE_SIZE, pte), 0);
    check("linear: entry 5 is in B", (int)table_word(b, 5), (int)pte);
    check("linear: A's entry 5 untouched", (int)table_word(a, 5), 0);
    check("linear: A unpinned", mmu1(a << 12 | MMU_EXTENDED_COMMAND, MMUEXT_UNPIN_TABLE), 0);
    check("linear: A mapped writable", uvm(wva, a << 12 | PTE_P | PTE_RW | PTE_A | PTE_D), 0);
    volatile uint32_t *junk = (volatile uint32_t *)wva;
    for (unsigned i = 0; i < 1024; i++)
        junk[i] = pfn_to_mfn(data) << 12 | PTE_P | PTE_RW;
    check("linear: entry 7 written with A writable", uvm(va + 7 * XEN_PAGE_SIZE, pte), 0);
    check("linear: entry 7 is in B", (int)table_word(b, 7), (int)pte);
    check("linear: A's junk untouched", junk[7] == (pfn_to_mfn(data) << 12 | PTE_P | PTE_RW), 1);
    uvm(wva, 0);
    check("linear: an address whose L1 is gone is refused",
          (mmu1(l2 << 12 | slot * 4, 0), uvm(va + 7 * XEN_PAGE_SIZE, pte)), -XEN_EINVAL);
    /* The slot is the hypervisor's: no guest update reaches it, in the loaded L2 or another. */
    check("L2 entry in slot 1017 (the linear page table)",
          mmu1(l2 << 12 | 1017 * 4, b << 12 | hook), -XEN_EINVAL);
    check("L2 entry in slot 1017 of another L2 emptied", mmu1(nl2 << 12 | 1017 * 4, 0),
          -XEN_EINVAL);
    /* A page that claims a slot-1017 entry (B, user-writable) when pinned as an L2 gets its
     * own self-map there instead, supervisor-only. */
    uint32_t fpfn = test_frame_alloc(), *f = scratch_map(8, fpfn);
    memset(f, 0, XEN_PAGE_SIZE);
    for (unsigned s = KERNEL_L2_FIRST; s < HYPERVISOR_L2_FIRST_SLOT; s++)
        f[s] = boot_l2[s];
    f[1017] = b << 12 | PTE_P | PTE_RW | PTE_US;
    scratch_unmap(8);
    uint32_t fl2 = pfn_to_mfn(fpfn);
    check("linear: a page with a forged slot 1017 pinned as an L2",
          mmu1(fl2 << 12 | MMU_EXTENDED_COMMAND, MMUEXT_PIN_L2_TABLE), 0);
    check("linear: a forged slot 1017 does not survive the pin", (int)table_word(fl2, 1017),
          (int)(fl2 << 12 | PTE_P | PTE_RW));
    mmu1(fl2 << 12 | MMU_EXTENDED_COMMAND, MMUEXT_UNPIN_TABLE);
    mmu1(b << 12 | MMU_EXTENDED_COMMAND, MMUEXT_UNPIN_TABLE);
    test_frame_free(fpfn);
    test_frame_free(pa);
    test_frame_free(pb);
    test_frame_free(data);
}

static void test_attacks(void)
{
    struct addrspace as;
    uint32_t sva = scratch_va(5), l2 = current_l2_mfn(), kl1 = kernel_l1_mfn();
    snapshot();
    as_create(&as, 1);
    uint32_t l1 = pfn_to_mfn(as.l1_pfn[0]), nl2 = pfn_to_mfn(as.l2_pfn);

    check("writable mapping of a pinned L1 (uvm)", uvm(sva, l1 << 12 | PTE_P | PTE_RW), -XEN_EPERM);
    check("writable mapping of a pinned L1 (mmu_update)",
          mmu1(kl1 << 12 | ((sva >> 12) & 1023) * 4, l1 << 12 | PTE_P | PTE_RW), -XEN_EINVAL);
    check("writable mapping of the current L2", uvm(sva, l2 << 12 | PTE_P | PTE_RW), -XEN_EPERM);
    check("read-only mapping of the current L2", uvm(sva, l2 << 12 | PTE_P), 0);
    uvm(sva, 0);
    check("writable mapping of the GDT frame", uvm(sva, gdt_frame() << 12 | PTE_P | PTE_RW),
          -XEN_EPERM);
    check("read-only mapping of the GDT frame", uvm(sva, gdt_frame() << 12 | PTE_P), 0);
    uvm(sva, 0);
    /* Page tables are read-only to the guest: a direct write faults (present | write). */
    const struct probe_case direct[] = {
        KCASE("direct ring-1 write to the L2 faults", pf_write, 14, 3, (uint32_t)boot_l2),
        KCASE("direct ring-1 write to a bootstrap L1 faults", pf_write, 14, 3,
              (uint32_t)boot_l2 + XEN_PAGE_SIZE),
    };
    for (unsigned i = 0; i < 2; i++) /* probe_run prints its own check line */
        probe_run(&direct[i]) ? nr_ok++ : nr_failed++;
    check("mapping a hypervisor frame (1 MB)", uvm(sva, 0x100 << 12 | PTE_P), -XEN_EPERM);
    check("mapping a frame beyond memory", uvm(sva, 0xFFFFF000u | PTE_P), -XEN_EPERM);
    test_foreign_frames(sva, kl1);
    /* The VA form ([ours]: >= 0xFC000 is a VA), so the hole check itself answers. */
    check("mapping in the hypervisor hole (M2P)",
          HYPERVISOR_update_va_mapping(0xFC000000u, l1 << 12 | PTE_P | PTE_RW, UVMF_INVLPG),
          -XEN_EINVAL);
    check("L2 entry in slot 1008 (M2P)", mmu1(nl2 << 12 | 1008 * 4, l1 << 12 | PTE_P | PTE_RW),
          -XEN_EINVAL);
    check("L2 entry in slot 1023", mmu1(nl2 << 12 | 1023 * 4, l1 << 12 | PTE_P), -XEN_EINVAL);
    uint32_t junk = test_frame_alloc();
    uint32_t *j = scratch_map(6, junk);
    for (unsigned i = 0; i < 1024; i++)
        j[i] = 0x100000 | PTE_P | PTE_RW; /* maps a hypervisor frame: never a valid L1 */
    scratch_unmap(6);
    check("L2 entry to a frame that is not a valid L1",
          mmu1(nl2 << 12 | 5 * 4, pfn_to_mfn(junk) << 12 | PTE_P | PTE_RW), -XEN_EINVAL);
    check("L2 entry to itself, writable", mmu1(nl2 << 12 | 6 * 4, nl2 << 12 | PTE_P | PTE_RW),
          -XEN_EINVAL);
    check("L2 entry to itself, read-only (linear)", mmu1(nl2 << 12 | 6 * 4, nl2 << 12 | PTE_P), 0);
    check("linear entry removed", mmu1(nl2 << 12 | 6 * 4, 0), 0);
    check("L2 entry with PSE", mmu1(nl2 << 12 | 7 * 4, l1 << 12 | PTE_P | 0x80), -XEN_EINVAL);
    check("L2 entry with global bit", mmu1(nl2 << 12 | 7 * 4, l1 << 12 | PTE_P | 0x100),
          -XEN_EINVAL);
    check("L1 entry with PAT", mmu1(l1 << 12, pfn_to_mfn(junk) << 12 | PTE_P | 0x80), -XEN_EINVAL);
    check("L1 entry with global bit", mmu1(l1 << 12, pfn_to_mfn(junk) << 12 | PTE_P | 0x100),
          -XEN_EINVAL);
    /* Guest RAM is write-back only: no second memory type for a frame (docs/security.md). */
    check("L1 entry with PCD", mmu1(l1 << 12, pfn_to_mfn(junk) << 12 | PTE_P | 0x10), -XEN_EINVAL);
    check("L1 entry with PWT (uvm)", uvm(sva, pfn_to_mfn(junk) << 12 | PTE_P | 0x08), -XEN_EINVAL);
    check("L2 entry with PCD", mmu1(nl2 << 12 | 7 * 4, l1 << 12 | PTE_P | 0x10), -XEN_EINVAL);
    check("NEW_BASEPTR to an unvalidatable frame",
          mmu1(pfn_to_mfn(junk) << 12 | MMU_EXTENDED_COMMAND, MMUEXT_NEW_BASEPTR), -XEN_EINVAL);
    test_baseptr_single(l2, nl2, l1, pfn_to_mfn(junk));
    check("unpin the current base pointer",
          mmu1(l2 << 12 | MMU_EXTENDED_COMMAND, MMUEXT_UNPIN_TABLE), -XEN_EINVAL);
    check("unpin a frame that is not pinned",
          mmu1(pfn_to_mfn(junk) << 12 | MMU_EXTENDED_COMMAND, MMUEXT_UNPIN_TABLE), -XEN_EINVAL);
    check("pin twice", mmu1(l1 << 12 | MMU_EXTENDED_COMMAND, MMUEXT_PIN_L1_TABLE), -XEN_EINVAL);
    check("MACHPHYS_UPDATE for a foreign frame", mmu1(0x100 << 12 | MMU_MACHPHYS_UPDATE, 0),
          -XEN_EINVAL);
    check("MACHPHYS_UPDATE for an own frame",
          mmu1(pfn_to_mfn(junk) << 12 | MMU_MACHPHYS_UPDATE, junk), 0);

    mmu_update_t reqs[2] = {{l1 << 12, pfn_to_mfn(junk) << 12 | PTE_P},
                            {0x100 << 12 | MMU_MACHPHYS_UPDATE, 0}};
    uint32_t done = 99;
    check("batch stops at the first refusal", HYPERVISOR_mmu_update(reqs, 2, &done), -XEN_EINVAL);
    check("success count of the stopped batch", (int)done, 1);
    mmu1(l1 << 12, 0);
    check("mmu_update list in the hypervisor", HYPERVISOR_mmu_update((void *)0xFC400000u, 1, 0),
          -XEN_EFAULT);
    check("mmu_update list unmapped", HYPERVISOR_mmu_update((void *)0x40000000u, 1, 0),
          -XEN_EFAULT);
    check("mmu_update list wrapping 4 GB", HYPERVISOR_mmu_update((void *)0xFFFFFFF8u, 2, 0),
          -XEN_EFAULT);
    check("mmu_update huge count", HYPERVISOR_mmu_update(reqs, 0x20000000u, 0), -XEN_EFAULT);
    check("mmu_update success pointer in the hypervisor",
          HYPERVISOR_mmu_update(reqs, 1, (uint32_t *)0xFC400000u), -XEN_EFAULT);
    /* The success count's page is looked up (guest_range_mapped, through the linear page
     * table) before any request runs: where no L1 maps it, or the page is read-only, the call
     * is refused and the M2P update in it never happens. */
    const mmu_update_t m2p_req = {pfn_to_mfn(junk) << 12 | MMU_MACHPHYS_UPDATE, 0x54321};
    check("success count where no L1 maps it",
          HYPERVISOR_mmu_update(&m2p_req, 1, (uint32_t *)(boot_free_slot() << 22)), -XEN_EFAULT);
    uvm(sva, pfn_to_mfn(junk) << 12 | PTE_P);
    check("success count on a read-only page", HYPERVISOR_mmu_update(&m2p_req, 1, (uint32_t *)sva),
          -XEN_EFAULT);
    uvm(sva, 0);
    check("the refused calls' M2P update did not run", (int)M2P[pfn_to_mfn(junk)], (int)junk);
    check("multicall list in the hypervisor", HYPERVISOR_multicall((void *)0xFC400000u, 1),
          -XEN_EFAULT);
    check("multicall list unmapped", HYPERVISOR_multicall((void *)0x40000000u, 1), -XEN_EFAULT);
    check("multicall list wrapping 4 GB", HYPERVISOR_multicall((void *)0xFFFFFFE0u, 2),
          -XEN_EFAULT);
    check("multicall huge count", HYPERVISOR_multicall((void *)reqs, 0x10000000u), -XEN_EFAULT);
    check("multicall of 0 entries", HYPERVISOR_multicall((void *)reqs, 0), 0);
    test_multicall_faults();
    test_linear_table(l2, nl2);
    test_multicall_deferred_flush(2);
    test_multicall_deferred_flush(DEFERRED_PAGES); /* above the threshold: one whole flush */
    mc_queue(__HYPERVISOR_xen_version, 0, 0, 0, 0);
    mc_queue(__HYPERVISOR_multicall, 0, 0, 0, 0);
    mc_queue(__HYPERVISOR_xen_version, 0, 0, 0, 0);
    check("multicall nesting a multicall", mc_flush(), -XEN_EINVAL);
    check("nested entry's result", mc_result(1), -XEN_EINVAL);
    check("entries around it still run", mc_result(0) == 0x20000 && mc_result(2) == 0x20000, 1);
    mc_queue(12, 0, 0, 0, 0);      /* dom_mem_op: not implemented */
    mc_queue(23 + 32, 0, 0, 0, 0); /* unused, numbered modulo 32 */
    mc_queue(__HYPERVISOR_xen_version, 0, 0, 0, 0);
    check("multicall with unimplemented entries", mc_flush(), -XEN_ENOSYS);
    check("their results", mc_result(0) == -XEN_ENOSYS && mc_result(1) == -XEN_ENOSYS, 1);
    check("the entry after them still runs", mc_result(2), 0x20000);

    test_ldt();
    check("destroy", as_destroy(&as), 0);
    test_frame_free(junk);
    check_accounting("after the attacks");
}

/* Thousands of build/switch/teardown cycles with random mappings, checked against a model. */
static uint32_t rng = 12345;
static uint32_t rnd(void)
{
    return rng = rng * 1103515245 + 12345, rng >> 8;
}

static void test_stress(unsigned cycles)
{
    enum { POOL = 32, SLOTS = 64 };
    uint32_t pool[POOL], model[SLOTS];
    snapshot();
    for (unsigned i = 0; i < POOL; i++) {
        pool[i] = test_frame_alloc();
        uint32_t *p = scratch_map(7, pool[i]);
        p[0] = 0xA0000000 | i;
        scratch_unmap(7);
    }
    unsigned bad = 0;
    for (unsigned c = 0; c < cycles && !bad; c++) {
        struct addrspace as;
        if (as_create(&as, 2)) {
            bad = 1;
            break;
        }
        for (unsigned s = 0; s < SLOTS; s++) {
            model[s] = rnd() % (POOL + 1); /* POOL = unmapped */
            if (model[s] < POOL)
                as_queue_map(&as, (s & 1) * 0x00400000 + s * XEN_PAGE_SIZE, pool[model[s]],
                             rnd() & 1);
        }
        bad |= mmu_flush(0) != 0;
        bad |= as_switch(&as, kernel_esp()) != 0;
        for (unsigned s = 0; s < SLOTS && !bad; s++)
            if (model[s] < POOL)
                bad |= *(volatile uint32_t *)((s & 1) * 0x00400000 + s * XEN_PAGE_SIZE) !=
                       (0xA0000000 | model[s]);
        bad |= as_switch_home(kernel_esp()) != 0;
        bad |= as_destroy(&as) != 0;
        if (bad)
            printk("stress: cycle %u went wrong\n", c);
    }
    check("stress cycles match the model", bad, 0);
    for (unsigned i = 0; i < POOL; i++)
        test_frame_free(pool[i]);
    check_accounting("after the stress cycles");
}

void mmu_tests(const start_info_t *si, const char *mode)
{
    if (test_frames_init()) {
        printk("%s: FAILED: no test frames (selftest/frames.c)\n", mode);
        return;
    }
    nr_pages = si->nr_pages;
    nr_ok = nr_failed = 0;
    if (strcmp(mode, "mmu") == 0)
        test_basic();
    else if (strcmp(mode, "mmu-attacks") == 0)
        test_attacks();
    else if (strcmp(mode, "mmu-stress") == 0)
        test_stress(2000);
    else if (strcmp(mode, "mmu-isolation") == 0) {
        test_isolation(); /* prints its own summary */
        return;
    } else if (strcmp(mode, "mmu-review") == 0) {
        test_review(si); /* prints its own summary */
        return;
    } else if (strncmp(mode, "mmu-review-", 11) == 0) {
        test_review_crash(mode + 11); /* the hypervisor must crash the guest */
        return;
    }
    printk("%s: %u ok, %u failed\n", mode, nr_ok, nr_failed);
}

static void run_mmu_tests(const struct selftest_env *env)
{
    mmu_tests(env->si, env->word + 5); /* after "test=" */
}
SELFTEST(mmu, "test=mmu", run_mmu_tests, SELFTEST_TRAPS | SELFTEST_MM);
SELFTEST(mmu_attacks, "test=mmu-attacks", run_mmu_tests, SELFTEST_TRAPS | SELFTEST_MM);
SELFTEST(mmu_stress, "test=mmu-stress", run_mmu_tests, SELFTEST_TRAPS | SELFTEST_MM);
SELFTEST(mmu_isolation, "test=mmu-isolation", run_mmu_tests, SELFTEST_TRAPS | SELFTEST_MM);
SELFTEST(mmu_review, "test=mmu-review", run_mmu_tests, SELFTEST_TRAPS | SELFTEST_MM);
SELFTEST(mmu_review_crash, "test=mmu-review-*", run_mmu_tests, SELFTEST_TRAPS | SELFTEST_MM);
