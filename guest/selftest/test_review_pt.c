/*
 * test=mmu-review, page tables apart from the TLB: linear (L2-as-L1) references and the leaks
 * they invite, changes of flags only on an entry that keeps its frame, reference counts near a
 * 16-bit limit, plain stores (NORMAL_PT_UPDATE) into descriptor tables, frames the guest does
 * not own (shared_info, device memory), hypervisor writes into the read-only M2P, and what a
 * huge request list costs when its first request already fails.
 */
#include <selftest/check.h>
#include <pv/console.h>
#include <pv/events.h>
#include <arch/x86/gdt.h>
#include <pv/mmu.h>
#include <selftest/frames.h>
#include <selftest/review.h>
#include <selftest/probe.h>
#include <pv/time.h>
#include <selftest/ring3.h>
#include <lib/format.h>
#include <lib/string.h>

TRIG_K(read_arg);

#define M2P ((const volatile uint32_t *)HYPERVISOR_VIRT_START)
#define SCR 12 /* scratch slot for mappings that must be refused */

static uint32_t mfn(uint32_t pfn)
{
    return pfn_to_mfn(pfn);
}

static int pin(uint32_t m, uint32_t cmd)
{
    return rv_mmu1(m << 12 | EXT, cmd);
}

static int unpin(uint32_t m)
{
    return rv_mmu1(m << 12 | EXT, MMUEXT_UNPIN_TABLE);
}

/* A mapping that must be refused; undone at once if it was not. */
static int uvm_refused(uint32_t pte)
{
    int rc = rv_uvm(scratch_va(SCR), pte);
    if (rc == 0)
        rv_uvm(scratch_va(SCR), 0);
    return rc;
}

/* ABI §7 allows a read-only L2 entry to another validated L2; the implementation may keep
 * linear tables self-only. Either way, while referenced, the other L2 must stay an L2. */
static void linear_other_l2(void)
{
    struct addrspace b;
    as_create(&b, 0);
    uint32_t bm = mfn(b.l2_pfn);
    unsigned s = rv_free_slots(1);

    check_true("linear: writable L2 entry to another pinned L2 refused",
               rv_mmu1(rv_l2e(s), bm << 12 | PTE_P | PTE_RW | PTE_A) < 0, "accepted");
    rv_mmu1(rv_l2e(s), 0);
    int rc = rv_mmu1(rv_l2e(s), bm << 12 | PTE_P | PTE_A);
    if (rc != 0) {
        check_eq("linear: read-only L2 entry to another L2 (self-only here)", rc, -XEN_EINVAL);
        as_destroy(&b);
        return;
    }
    check_eq("linear: the other L2 unpinned while referenced", unpin(bm), 0);
    check_eq("linear: ... is still an L2 (no writable mapping)",
             uvm_refused(bm << 12 | PTE_P | PTE_RW | PTE_A | PTE_D), -XEN_EPERM);
    rv_mmu1(rv_l2e(s), 0);
    check_eq("linear: ... and plain memory once unreferenced",
             uvm_refused(bm << 12 | PTE_P | PTE_RW | PTE_A | PTE_D), 0);
    test_frame_free(b.l2_pfn);
}

/* A self-map in an L2 that is not the current one, then the L2 unpinned: a self-reference that
 * held a type count would keep the frame an L2 forever (a leak the guest cannot undo). */
static void linear_self_leak(void)
{
    struct addrspace b;
    as_create(&b, 0);
    uint32_t bm = mfn(b.l2_pfn);

    check_eq("linear: self-map in a pinned L2 that is not current",
             rv_mmu1(bm << 12 | 5 * 4, bm << 12 | PTE_P | PTE_A), 0);
    check_eq("linear: that L2 unpinned", as_destroy(&b), 0);
    check_eq("linear: its frame is plain memory again (no circular reference)",
             uvm_refused(bm << 12 | PTE_P | PTE_RW | PTE_A | PTE_D), 0);
}

/* Through a self-map, every L2 entry is read as a PTE, the hypervisor's slots 1008-1023 too: an
 * entry there that maps a 4 MB page (PSE) would show the first 4 KB of it to ring 1, and its L1s
 * show where the hypervisor keeps what. The M2P's L1 (slot 1008) is fair game (ABI §1). */
static void hypervisor_slots_through_self_map(void)
{
    char name[96];
    unsigned s = rv_free_slots(1), pse = 0, tables = 0;
    const struct probe_case rd = {"read", 1, k_read_arg, k_read_arg_eip, k_read_arg_resume,
                                  0,      0, 0};
    for (unsigned i = HYPERVISOR_L2_FIRST_SLOT; i < 1024; i++) {
        uint32_t e = boot_l2[i];
        pse += (e & PTE_P) && (e & PTE_PSE);
        tables += (e & PTE_P) && !(e & PTE_PSE);
    }
    printk("note: hypervisor L2 slots: %u map 4 MB pages, %u map L1s (slot 1009: %#x)\n", pse,
           tables, boot_l2[1009]);
    check_eq("self-map: read-only self-map", rv_mmu1(rv_l2e(s), current_l2_mfn() << 12 | PTE_P), 0);
    unsigned readable = 0;
    for (unsigned i = HYPERVISOR_L2_FIRST_SLOT + 1; i < 1024; i++) {
        uint32_t e = boot_l2[i];
        if (!(e & PTE_P))
            continue;
        trig_arg = s << 22 | i << 12;
        unsigned hits = probe_fire(&rd);
        if (!hits && (e & PTE_PSE)) {
            snprintf(name, sizeof(name), "self-map: slot %u's 4 MB page is not readable", i);
            check_true(name, 0, "read %#x", trig_result);
        }
        readable += !hits;
    }
    printk("note: through the self-map, %u of the hypervisor's private slots are readable\n",
           readable);
    rv_mmu1(rv_l2e(s), 0);
}

/* An entry that keeps its frame and changes only flags may take a shortcut past validation. */
static void flags_only_changes(void)
{
    uint32_t sva = scratch_va(SCR), l2 = current_l2_mfn(), kl1 = kernel_l1_mfn();
    uint32_t kidx = (sva >> 12) & 1023, slot = rv_free_slots(1);
    uint32_t l1 = rv_new_frame(0), y = rv_new_frame(0);
    pin(mfn(l1), MMUEXT_PIN_L1_TABLE);

    check_eq("flags: read-only mapping of a pinned L1", rv_uvm(sva, mfn(l1) << 12 | PTE_P | PTE_A),
             0);
    check_eq("flags: ... made writable by mmu_update",
             rv_mmu1(kl1 << 12 | kidx * 4, mfn(l1) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D),
             -XEN_EINVAL);
    check_eq("flags: ... made writable by update_va_mapping",
             rv_uvm(sva, mfn(l1) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D), -XEN_EPERM);
    check_eq("flags: read-only mapping of the GDT", rv_uvm(sva, gdt_frame() << 12 | PTE_P | PTE_A),
             0);
    check_eq("flags: ... made writable by mmu_update",
             rv_mmu1(kl1 << 12 | kidx * 4, gdt_frame() << 12 | PTE_P | PTE_RW | PTE_A | PTE_D),
             -XEN_EINVAL);
    check_eq("flags: writable mapping of plain memory",
             rv_uvm(sva, mfn(y) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D), 0);
    check_eq("flags: ... given PCD", rv_mmu1(kl1 << 12 | kidx * 4, mfn(y) << 12 | PTE_P | PTE_PCD),
             -XEN_EINVAL);
    check_eq("flags: ... given PAT", rv_uvm(sva, mfn(y) << 12 | PTE_P | PTE_RW | PTE_PAT),
             -XEN_EINVAL);
    check_eq("flags: ... given G", rv_uvm(sva, mfn(y) << 12 | PTE_P | PTE_RW | PTE_G), -XEN_EINVAL);
    rv_uvm(sva, 0);

    check_eq("flags: L2 self-map, read-only", rv_mmu1(rv_l2e(slot), l2 << 12 | PTE_P | PTE_A), 0);
    check_eq("flags: ... made writable", rv_mmu1(rv_l2e(slot), l2 << 12 | PTE_P | PTE_RW | PTE_A),
             -XEN_EINVAL);
    rv_mmu1(rv_l2e(slot), 0);
    check_eq("flags: L2 entry to an L1", rv_mmu1(rv_l2e(slot), mfn(l1) << 12 | PTE_P | PTE_RW), 0);
    check_eq("flags: ... given PSE", rv_mmu1(rv_l2e(slot), mfn(l1) << 12 | PTE_P | PTE_PSE),
             -XEN_EINVAL);
    check_eq("flags: ... given G", rv_mmu1(rv_l2e(slot), mfn(l1) << 12 | PTE_P | PTE_G),
             -XEN_EINVAL);
    rv_mmu1(rv_l2e(slot), 0);
    unpin(mfn(l1));
    test_frame_free(l1);
    test_frame_free(y);
}

/* Tables that map themselves (or each other) writable: validating the entries takes a writable
 * reference on the very frame that is becoming a table. Each must be refused. */
static void self_referencing_tables(void)
{
    uint32_t x = rv_new_frame(0), xm = mfn(x), rw = PTE_P | PTE_RW | PTE_A | PTE_D;
    uint32_t *p = scratch_map(SCR, x);
    p[5] = xm << 12 | rw;
    scratch_unmap(SCR);
    int rc = pin(xm, MMUEXT_PIN_L1_TABLE);
    if (rc == 0)
        unpin(xm);
    check_eq("self: an L1 mapping itself writable, pinned", rc, -XEN_EINVAL);
    unsigned slot = rv_free_slots(1);
    rc = rv_mmu1(rv_l2e(slot), xm << 12 | PTE_P | PTE_RW | PTE_A);
    if (rc == 0)
        rv_mmu1(rv_l2e(slot), 0);
    check_eq("self: ... hooked into the L2 instead", rc, -XEN_EINVAL);

    /* An L2 whose L1 maps the L2 writable; two L1s in one L2 mapping each other writable. */
    uint32_t b = rv_new_frame(0), l = rv_new_frame(0), y = rv_new_frame(0);
    p = scratch_map(SCR, l);
    p[0] = mfn(b) << 12 | rw;
    scratch_unmap(SCR);
    p = scratch_map(SCR, b);
    p[0] = mfn(l) << 12 | PTE_P | PTE_RW | PTE_A;
    scratch_unmap(SCR);
    rc = pin(mfn(b), MMUEXT_PIN_L2_TABLE);
    if (rc == 0)
        unpin(mfn(b));
    check_eq("self: an L2 whose L1 maps the L2 writable, pinned", rc, -XEN_EINVAL);
    p = scratch_map(SCR, x);
    p[5] = mfn(y) << 12 | rw;
    scratch_unmap(SCR);
    p = scratch_map(SCR, y);
    p[0] = xm << 12 | rw;
    scratch_unmap(SCR);
    p = scratch_map(SCR, b);
    p[0] = xm << 12 | PTE_P | PTE_RW | PTE_A;
    p[1] = mfn(y) << 12 | PTE_P | PTE_RW | PTE_A;
    scratch_unmap(SCR);
    rc = pin(mfn(b), MMUEXT_PIN_L2_TABLE);
    if (rc == 0)
        unpin(mfn(b));
    check_eq("self: an L2 with two L1s mapping each other writable, pinned", rc, -XEN_EINVAL);
    p = scratch_map(SCR, b);
    p[0] = xm << 12 | PTE_P | PTE_RW | PTE_A;
    p[1] = xm << 12 | PTE_P | PTE_RW | PTE_A;
    scratch_unmap(SCR);
    p = scratch_map(SCR, x);
    p[5] = mfn(b) << 12 | PTE_P | PTE_A; /* read-only: a legal alias of the L2 */
    scratch_unmap(SCR);
    rc = pin(mfn(b), MMUEXT_PIN_L2_TABLE);
    check_eq("self: an L2 with one L1 twice, mapping the L2 read-only", rc, 0);
    if (rc == 0) {
        check_eq("self: ... the L1 cannot be made writable now",
                 uvm_refused(xm << 12 | PTE_P | PTE_RW | PTE_A | PTE_D), -XEN_EPERM);
        check_eq("self: ... nor the L2", uvm_refused(mfn(b) << 12 | PTE_P | PTE_RW | PTE_A),
                 -XEN_EPERM);
        unpin(mfn(b));
    }
    check_eq("self: all of it plain memory again",
             uvm_refused(mfn(b) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D) |
                 uvm_refused(xm << 12 | PTE_P | PTE_RW | PTE_A | PTE_D) |
                 uvm_refused(mfn(y) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D),
             0);
    test_frame_free(x);
    test_frame_free(b);
    test_frame_free(l);
    test_frame_free(y);
}

/* NEW_BASEPTR to an L2 nobody pinned: it is validated for CR3, and freed when CR3 leaves it. */
static void unpinned_base(void)
{
    uint32_t b = rv_new_frame(0);
    uint32_t *p = scratch_map(SCR, b);
    for (unsigned s = KERNEL_L2_FIRST; s < HYPERVISOR_L2_FIRST_SLOT; s++)
        p[s] = boot_l2[s];
    scratch_unmap(SCR);
    check_eq("base: switch to an unpinned L2", as_switch_mfn(mfn(b), user_entry_stack_top()), 0);
    check_eq("base: ... which cannot be mapped writable meanwhile",
             uvm_refused(mfn(b) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D), -XEN_EPERM);
    check_eq("base: back home", as_switch_home(user_entry_stack_top()), 0);
    check_eq("base: the unpinned L2 is plain memory again",
             uvm_refused(mfn(b) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D), 0);
    test_frame_free(b);
}

/* Counts that wrap at 16 bits would free a frame still mapped 65536 times. The writable count
 * of y and the L1 type count of x are taken to 2^16 and 2^16 + 1 (cheap: 66 frames each). */
static void count_limits(void)
{
    static uint32_t tables[70];
    unsigned n = 0;
    uint32_t y = rv_new_frame(0), ym = mfn(y);
    uint32_t rw = ym << 12 | PTE_P | PTE_RW | PTE_A | PTE_D;
    int refused = 0;

    for (; n < 64; n++) {
        tables[n] = rv_filled_frame(rw, 1024);
        refused |= pin(mfn(tables[n]), MMUEXT_PIN_L1_TABLE) != 0;
    }
    check_eq("counts: one frame mapped writable 65536 times", refused, 0);
    check_true("counts: ... cannot be pinned as an L1", pin(ym, MMUEXT_PIN_L1_TABLE) == -XEN_EINVAL,
               "accepted");
    tables[n] = rv_filled_frame(rw, 1);
    refused = pin(mfn(tables[n++]), MMUEXT_PIN_L1_TABLE);
    printk("counts: the 65537th writable mapping: %d\n", refused);
    check_true("counts: ... nor at 65537 mappings", pin(ym, MMUEXT_PIN_L1_TABLE) == -XEN_EINVAL,
               "accepted");
    static uint32_t frames[1];
    frames[0] = ym;
    check_true("counts: ... nor become a GDT", HYPERVISOR_set_gdt(frames, GDT_ENTRIES) < 0,
               "accepted");
    for (unsigned i = 0; i < n; i++) {
        unpin(mfn(tables[i]));
        test_frame_free(tables[i]);
    }
    check_eq("counts: the frame may be an L1 once unmapped", pin(ym, MMUEXT_PIN_L1_TABLE), 0);
    unpin(ym);
    test_frame_free(y);

    /* x hooked into 65 L2s at slots 0-1007 and one more at 16 slots: 65536 type references. */
    uint32_t x = rv_new_frame(0), xm = mfn(x);
    uint32_t pde = xm << 12 | PTE_P | PTE_RW | PTE_A;
    refused = 0;
    for (n = 0; n < 66; n++) {
        tables[n] = rv_filled_frame(pde, n < 65 ? HYPERVISOR_L2_FIRST_SLOT : 16);
        refused |= pin(mfn(tables[n]), MMUEXT_PIN_L2_TABLE) != 0;
    }
    check_eq("counts: one L1 hooked at 65536 L2 slots", refused, 0);
    check_eq("counts: ... cannot be mapped writable",
             uvm_refused(xm << 12 | PTE_P | PTE_RW | PTE_A | PTE_D), -XEN_EPERM);
    tables[n] = rv_filled_frame(pde, 1);
    refused = pin(mfn(tables[n++]), MMUEXT_PIN_L2_TABLE);
    printk("counts: the 65537th hook: %d\n", refused);
    check_eq("counts: ... nor at 65537 hooks",
             uvm_refused(xm << 12 | PTE_P | PTE_RW | PTE_A | PTE_D), -XEN_EPERM);
    for (unsigned i = 0; i < n; i++) {
        unpin(mfn(tables[i]));
        test_frame_free(tables[i]);
    }
    check_eq("counts: the L1 is plain memory once unhooked",
             uvm_refused(xm << 12 | PTE_P | PTE_RW | PTE_A | PTE_D), 0);
    test_frame_free(x);
}

/* NORMAL_PT_UPDATE is a plain store only into plain memory: never into a GDT or LDT frame. */
static void plain_store_into_tables(void)
{
    const uint32_t dpl0_code_hi = 0x00cf9a00; /* present, DPL 0, code: never a guest's */
    struct gdt_desc before = gdt_read(12);

    check_eq("store: NORMAL_PT_UPDATE into the live GDT",
             rv_mmu1(gdt_frame() << 12 | (12 * 8 + 4), dpl0_code_hi), -XEN_EINVAL);
    struct gdt_desc after = gdt_read(12);
    check_true("store: the GDT entry is unchanged", after.lo == before.lo && after.hi == before.hi,
               "%#x %#x", after.lo, after.hi);

    uint32_t l = rv_new_frame(0), va = scratch_va(SCR);
    rv_uvm(va, mfn(l) << 12 | PTE_P | PTE_A);
    check_eq("store: an LDT set up", rv_mmu1(va | EXT, MMUEXT_SET_LDT | 16 << MMUEXT_CMD_SHIFT), 0);
    check_eq("store: NORMAL_PT_UPDATE into the live LDT", rv_mmu1(mfn(l) << 12 | 12, dpl0_code_hi),
             -XEN_EINVAL);
    check_eq("store: the LDT entry is unchanged", (int32_t)((volatile uint32_t *)va)[3], 0);
    rv_mmu1(0 | EXT, MMUEXT_SET_LDT);
    rv_uvm(va, 0);
    test_frame_free(l);
}

/* shared_info is written by the hypervisor at any time (event bits the guest can choose, time):
 * as a page table or descriptor table it would be one the guest writes without checks. */
static void shared_info_types(void)
{
    uint32_t sm = rv_si->shared_info >> 12, va = (uint32_t)shared_info_page;
    static uint32_t frames[1];

    check_eq("shared_info: the guest's mapping removed", rv_uvm(va, 0), 0);
    int rc = pin(sm, MMUEXT_PIN_L1_TABLE);
    if (rc == 0)
        unpin(sm);
    check_true("shared_info: cannot be pinned as an L1", rc < 0, "accepted");
    rc = pin(sm, MMUEXT_PIN_L2_TABLE);
    if (rc == 0)
        unpin(sm);
    check_true("shared_info: cannot be pinned as an L2", rc < 0, "accepted");
    frames[0] = sm;
    rc = HYPERVISOR_set_gdt(frames, 16);
    if (rc == 0)
        HYPERVISOR_set_gdt((frames[0] = gdt_frame(), frames), GDT_ENTRIES);
    check_true("shared_info: cannot become the GDT", rc < 0, "accepted");
    rv_uvm(scratch_va(SCR), rv_si->shared_info | PTE_P | PTE_A);
    rc = rv_mmu1(scratch_va(SCR) | EXT, MMUEXT_SET_LDT | 16 << MMUEXT_CMD_SHIFT);
    if (rc == 0)
        rv_mmu1(0 | EXT, MMUEXT_SET_LDT);
    check_true("shared_info: cannot become the LDT", rc < 0, "accepted");
    rv_uvm(scratch_va(SCR), 0);
    check_eq("shared_info: mapped back", rv_uvm(va, rv_si->shared_info | PTE_P | PTE_RW), 0);
}

/* Device memory and firmware: never the guest's, read-only or not. */
static void device_frames(void)
{
    static const uint32_t frames[] = {0x0,     0xa0,    0xb8,    0xc0,    0xf0,   0xfd000,
                                      0xfebf0, 0xfec00, 0xfed00, 0xfee00, 0xfffff};
    char name[96];
    uint32_t kl1 = kernel_l1_mfn(), kidx = (scratch_va(SCR) >> 12) & 1023;

    for (unsigned i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
        snprintf(name, sizeof(name), "device: frame %#x mapped read-only (uvm)", frames[i]);
        check_eq(name, uvm_refused(frames[i] << 12 | PTE_P), -XEN_EPERM);
        snprintf(name, sizeof(name), "device: frame %#x mapped writable (mmu_update)", frames[i]);
        int rc = rv_mmu1(kl1 << 12 | kidx * 4, frames[i] << 12 | PTE_P | PTE_RW);
        if (rc == 0)
            rv_uvm(scratch_va(SCR), 0);
        check_eq(name, rc, -XEN_EINVAL);
    }
}

/* The M2P is the hypervisor's, read-only to the guest: none of the hypervisor's writes on the
 * guest's behalf (statistics, success count) may go there, nor straddle into it. */
static void writes_into_m2p(void)
{
    uint32_t own = pfn_to_mfn(0);
    volatile uint32_t *slot = (volatile uint32_t *)&M2P[own];
    mmu_update_t req = {own << 12 | MMU_MACHPHYS_UPDATE, 0};

    check_eq("m2p: hv_op statistics into the M2P",
             hypercall3(__HYPERVISOR_hv_op, HVOP_get_stats, (uint32_t)slot, 8), -XEN_EFAULT);
    check_eq("m2p: ... left it alone", (int32_t)*slot, 0);
    check_eq("m2p: mmu_update success count into the M2P",
             HYPERVISOR_mmu_update(&req, 1, (uint32_t *)slot), -XEN_EFAULT);
    check_eq("m2p: ... left it alone", (int32_t)*slot, 0);

    /* A buffer that starts in guest memory and runs into the M2P. */
    unsigned s = HYPERVISOR_L2_FIRST_SLOT - 1;
    uint32_t l1 = rv_new_frame(0), page = rv_new_frame(0);
    uint32_t *p = scratch_map(SCR, l1);
    p[1023] = mfn(page) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D;
    scratch_unmap(SCR);
    int hooked = boot_l2[s] == 0 && rv_mmu1(rv_l2e(s), mfn(l1) << 12 | PTE_P | PTE_RW | PTE_A) == 0;
    check_true("m2p: a guest page mapped at 0xfbfff000", hooked, "slot %u: %#x", s, boot_l2[s]);
    if (hooked) {
        uint32_t m0 = M2P[0], m1 = M2P[1];
        check_eq("m2p: hv_op statistics from 0xfbffff00 into the M2P",
                 hypercall3(__HYPERVISOR_hv_op, HVOP_get_stats, 0xfbffff00u, sizeof(hv_stats_t)),
                 -XEN_EFAULT);
        check_true("m2p: ... left it alone", M2P[0] == m0 && M2P[1] == m1, "%#x %#x", M2P[0],
                   M2P[1]);
        rv_mmu1(rv_l2e(s), 0);
    }
    test_frame_free(l1);
    test_frame_free(page);
}

/* The M2P is the guest's to write for its own frames: a hint for the guest, never the
 * hypervisor's idea of who owns what. */
static void m2p_is_only_a_hint(void)
{
    static hv_stats_t a, b;
    uint32_t pfn = rv_new_frame(0), m = mfn(pfn);
    HYPERVISOR_hv_stats(&a);
    check_eq("m2p: the guest marks its own frame's entry invalid",
             rv_mmu1(m << 12 | MMU_MACHPHYS_UPDATE, 0xffffffffu), 0);
    HYPERVISOR_hv_stats(&b);
    check_true("m2p: ... the hypervisor's books do not follow",
               a.frames_free == b.frames_free && a.guest_frames == b.guest_frames,
               "free %u -> %u, guest %u -> %u", a.frames_free, b.frames_free, a.guest_frames,
               b.guest_frames);
    check_eq("m2p: ... and the frame is still the guest's",
             uvm_refused(m << 12 | PTE_P | PTE_RW | PTE_A | PTE_D), 0);
    rv_mmu1(m << 12 | MMU_MACHPHYS_UPDATE, pfn);
    test_frame_free(pfn);
}

void review_page_tables(void)
{
    hypervisor_slots_through_self_map();
    linear_other_l2();
    linear_self_leak();
    flags_only_changes();
    self_referencing_tables();
    unpinned_base();
    count_limits();
    plain_store_into_tables();
    shared_info_types();
    device_frames();
    writes_into_m2p();
    m2p_is_only_a_hint();
}
