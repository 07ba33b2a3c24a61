/*
 * test=mmu-isolation: sequences that once let ring 1 into ring 0 or past its own memory, each
 * now refused or made harmless (docs/security.md lists the invariant each one checks):
 *   - a writable TLB entry that outlives its mapping, through the same L1 hooked at two L2
 *     slots, must not survive the frame becoming a page table;
 *   - update_va_mapping may write L1 entries only, never an L2 entry through a linear slot;
 *   - set_gdt refusals leave no type reference behind;
 *   - console_io reads check only what they copy (bounded time on a huge mapped range);
 *   - a 16-bit stack segment cannot leak the hypervisor's stack address;
 *   - guest console output cannot pass for a hypervisor line;
 *   - the fast-trap gate follows set_trap_table;
 *   - a bounced "int n" with prefixes resumes after the whole instruction.
 * Every check prints one line; the frame accounting must end where it started.
 */
#include <selftest/check.h>
#include <pv/console.h>
#include <arch/x86/gdt.h>
#include <pv/mmu.h>
#include <selftest/frames.h>
#include <selftest/probe.h>
#include <pv/time.h>
#include <arch/x86/traps.h>
#include <lib/string.h>

TRIG_K(pf_write_val);
TRIG_U(int2a);
TRIG_K(bounced_prefix);
TRIG_U(bounced_prefix);
TRIG_K(bounced_prefix2);
TRIG_U(bounced_prefix2);
extern char probe_trap_0x81[];

#define EXT MMU_EXTENDED_COMMAND
#define FAST_VECTOR 0x2a   /* a fast-trap vector the tests may play with (0x80 runs ring 3) */
#define HUGE_SLOTS 64      /* L2 slots hooked for the console_io test: 256 MB of mappings */
#define READ_BUDGET 200000 /* instructions (icount) a console read may take, whatever count */

static int mmu1(uint32_t ptr, uint32_t val)
{
    mmu_update_t r = {ptr, val};
    return HYPERVISOR_mmu_update(&r, 1, 0);
}

static int uvm(uint32_t va, uint32_t pte)
{
    return HYPERVISOR_update_va_mapping(va >> 12, pte, UVMF_INVLPG);
}

static uint32_t l2e_addr(unsigned slot)
{
    return current_l2_mfn() << 12 | slot * 4;
}

/* The first of n consecutive empty user slots of the boot L2 (0 if none). */
static unsigned free_slots(unsigned n)
{
    for (unsigned s = 16; s + n <= KERNEL_L2_FIRST; s++) {
        unsigned k = 0;
        while (k < n && boot_l2[s + k] == 0)
            k++;
        if (k == n)
            return s;
    }
    return 0;
}

/* A zeroed frame whose first word is w0: the contents of a would-be L1. */
static uint32_t new_frame(uint32_t w0)
{
    uint32_t pfn = test_frame_alloc();
    uint32_t *p = scratch_map(0, pfn);
    memset(p, 0, XEN_PAGE_SIZE);
    p[0] = w0;
    scratch_unmap(0);
    return pfn;
}

static uint32_t read_frame_word(uint32_t pfn)
{
    uvm(scratch_va(1), pfn_to_mfn(pfn) << 12 | PTE_P); /* read-only: fine for any type */
    uint32_t w = *(volatile uint32_t *)scratch_va(1);
    uvm(scratch_va(1), 0);
    return w;
}

static hv_stats_t before;

static void check_accounting(const char *what)
{
    static hv_stats_t now;
    HYPERVISOR_hv_stats(&now);
    check_true(what,
               now.guest_refs == before.guest_refs &&
                   now.guest_type_refs == before.guest_type_refs &&
                   now.guest_frames_pinned == before.guest_frames_pinned &&
                   memcmp(now.guest_frames_by_type, before.guest_frames_by_type,
                          sizeof(now.guest_frames_by_type)) == 0,
               "refs %u -> %u, type refs %u -> %u, pinned %u -> %u", before.guest_refs,
               now.guest_refs, before.guest_type_refs, now.guest_type_refs,
               before.guest_frames_pinned, now.guest_frames_pinned);
}

/*
 * One L1 hooked at slots a and b maps frame x writable. A write through a puts a writable TLB
 * entry for x in place; clearing the entry through b (update_va_mapping invalidates only the
 * address it was given) drops x's last writable reference. x is then pinned as an L1: from
 * here a write through a must fault, or ring 1 could write a page table of its own choosing.
 */
static void stale_alias(void)
{
    unsigned a = free_slots(2), b = a + 1;
    uint32_t x = new_frame(0x22222220), l1 = new_frame(0), xm = pfn_to_mfn(x);
    volatile uint32_t *va = (volatile uint32_t *)(a << 22), *vb = (volatile uint32_t *)(b << 22);

    uint32_t *p = scratch_map(0, l1);
    p[0] = xm << 12 | PTE_P | PTE_RW | PTE_A | PTE_D;
    scratch_unmap(0);
    check_eq("alias: hook the L1 at slot a",
             mmu1(l2e_addr(a), pfn_to_mfn(l1) << 12 | PTE_P | PTE_RW | PTE_A), 0);
    check_eq("alias: hook the same L1 at slot b",
             mmu1(l2e_addr(b), pfn_to_mfn(l1) << 12 | PTE_P | PTE_RW | PTE_A), 0);
    va[1] = 0x33333330; /* a writable TLB entry for x at a */
    check_eq("alias: both slots map the same frame", (int32_t)vb[1], 0x33333330);
    check_eq("alias: unmap x through slot b only", uvm(b << 22, 0), 0);
    check_eq("alias: pin x as an L1", mmu1(xm << 12 | EXT, MMUEXT_PIN_L1_TABLE), 0);

    const struct probe_case c =
        KCASE("alias: write through slot a faults once x is an L1", pf_write_val, 14, 2, a << 22);
    trig_result = 0x00000ff0; /* not present, should it land */
    probe_run(&c);
    check_eq("alias: the pinned L1 kept its contents", (int32_t)read_frame_word(x), 0x22222220);

    check_eq("alias: unpin x", mmu1(xm << 12 | EXT, MMUEXT_UNPIN_TABLE), 0);
    check_eq("alias: unhook slot a", mmu1(l2e_addr(a), 0), 0);
    check_eq("alias: unhook slot b", mmu1(l2e_addr(b), 0), 0);
    test_frame_free(l1);
    test_frame_free(x);
}

/*
 * A read-only self-map at slot s makes every L2 entry reachable as if it were a PTE. Xen lets
 * update_va_mapping write L1 entries only: through s it must be refused, or clearing an L2
 * entry would drop an L1 (and the writable references of its entries) behind a live TLB.
 */
static void linear_uvm(void)
{
    unsigned s = free_slots(2), t = s + 1;
    uint32_t x = new_frame(0), l1 = new_frame(0);
    uint32_t *p = scratch_map(0, l1);
    p[0] = pfn_to_mfn(x) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D;
    scratch_unmap(0);

    check_eq("linear: read-only self-map", mmu1(l2e_addr(s), current_l2_mfn() << 12 | PTE_P), 0);
    check_eq("linear: hook an L1", mmu1(l2e_addr(t), pfn_to_mfn(l1) << 12 | PTE_P | PTE_RW | PTE_A),
             0);
    *(volatile uint32_t *)(t << 22) = 1;
    check_eq("linear: update_va_mapping of an L2 entry refused",
             HYPERVISOR_update_va_mapping((s << 22 | t << 12) >> 12, 0, UVMF_INVLPG), -XEN_EINVAL);
    check_true("linear: the L2 entry is still there", boot_l2[t] != 0, "L2[%u] = %#x", t,
               boot_l2[t]);
    check_eq("linear: unhook the L1", mmu1(l2e_addr(t), 0), 0);
    check_eq("linear: remove the self-map", mmu1(l2e_addr(s), 0), 0);
    test_frame_free(l1);
    test_frame_free(x);
}

/*
 * set_gdt with the live GDT frame listed twice is refused; a thousand refusals must leave no
 * type reference behind, so once the guest moves to another GDT the old frame is plain memory
 * and may be mapped writable.
 */
static void gdt_refusals(void)
{
    uint32_t g = gdt_frame(), frames[2] = {g, g};
    unsigned refused = 0;

    HYPERVISOR_hv_stats(&before);
    for (unsigned i = 0; i < 1000; i++)
        refused += HYPERVISOR_set_gdt(frames, 1024) == -XEN_EINVAL;
    check_eq("gdt: a frame listed twice, refused 1000 times", (int32_t)refused, 1000);
    check_accounting("gdt: no reference left behind by the refusals");

    uint32_t g2 = test_frame_alloc();
    struct gdt_desc *d = scratch_map(2, g2);
    for (unsigned e = 0; e < GDT_ENTRIES; e++)
        d[e] = e < 256 ? gdt_read(e) : (struct gdt_desc){0, 0};
    scratch_unmap(2);
    frames[0] = pfn_to_mfn(g2);
    check_eq("gdt: move to another GDT frame", HYPERVISOR_set_gdt(frames, GDT_ENTRIES), 0);
    check_eq("gdt: the old GDT frame may now be mapped writable",
             uvm(scratch_va(2), g << 12 | PTE_P | PTE_RW | PTE_A | PTE_D), 0);
    uvm(scratch_va(2), 0);
    frames[0] = g;
    check_eq("gdt: back to the first frame", HYPERVISOR_set_gdt(frames, GDT_ENTRIES), 0);
    check_eq("gdt: the second frame writable again",
             uvm(scratch_va(2), pfn_to_mfn(g2) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D), 0);
    uvm(scratch_va(2), 0);
    test_frame_free(g2);
}

/* One L1 mapping frame x 1024 times, hooked at HUGE_SLOTS slots: 256 MB of valid mappings.
 * A console read of all of it copies at most a few hundred bytes, so it must cost that much. */
static void console_read_huge(void)
{
    unsigned s = free_slots(HUGE_SLOTS);
    uint32_t x = new_frame(0), l1 = test_frame_alloc();
    uint32_t *p = scratch_map(0, l1);
    for (unsigned i = 0; i < 1024; i++)
        p[i] = pfn_to_mfn(x) << 12 | PTE_P | PTE_RW | PTE_A | PTE_D;
    scratch_unmap(0);
    for (unsigned i = 0; i < HUGE_SLOTS; i++)
        mmu_queue(l2e_addr(s + i), pfn_to_mfn(l1) << 12 | PTE_P | PTE_RW | PTE_A);
    check_eq("console: hook one L1 at 64 slots", mmu_flush(0), 0);

    uint64_t t0 = rdtsc();
    int rc = HYPERVISOR_console_io(CONSOLEIO_read, HUGE_SLOTS << 22, (void *)(s << 22));
    uint64_t t1 = rdtsc();
    printk("console: a read into 256 MB of mappings took %u instructions\n", (uint32_t)(t1 - t0));
    check_true("console: read into a 256 MB mapped buffer", rc >= 0, "returned %d", rc);
    check_true("console: the read's cost does not grow with the count", t1 - t0 < READ_BUDGET,
               "%u instructions (budget %u)", (uint32_t)(t1 - t0), READ_BUDGET);
    for (unsigned i = 0; i < HUGE_SLOTS; i++)
        mmu_queue(l2e_addr(s + i), 0);
    check_eq("console: unhook the 64 slots", mmu_flush(0), 0);
    test_frame_free(l1);
    test_frame_free(x);
}

/*
 * An iret to a 16-bit stack segment loads only SP: ESP[31:16] would keep the hypervisor's
 * stack address. The hypervisor refuses such segments (writable data, B = 0); were one
 * accepted, a hypercall made on it must leave ESP[31:16] as it was.
 */
static void stack16(void)
{
    uint32_t esp, before_esp, after_esp;
    __asm__ volatile("mov %%esp, %0" : "=r"(esp));
    struct gdt_desc d = gdt_make(esp & 0xffff0000u, 0xffff, DESC_DATA(1), 0); /* G = 0, B = 0 */
    int rc = HYPERVISOR_update_descriptor(gdt_maddr(GDT_SPARE), d);
    if (rc != 0) {
        check_eq("ss16: a 16-bit stack segment is refused", rc, -XEN_EPERM);
        return;
    }
    uint32_t sel = GDT_SPARE << 3 | 1, nr = __HYPERVISOR_xen_version;
    __asm__ volatile("mov %%esp, %%edi\n\t"
                     "mov %w[sel], %%ss\n\t"
                     "int $0x82\n\t"
                     "mov %%esp, %%edx\n\t"
                     "mov %w[kds], %%ss\n\t"
                     "mov %%edi, %%esp"
                     : "=&D"(before_esp), "=&d"(after_esp), "+a"(nr)
                     : [sel] "r"(sel), [kds] "r"((uint32_t)GDT_KERNEL_DS), "b"(0)
                     : "memory");
    check_eq("ss16: ESP[31:16] unchanged by a hypercall on a 16-bit stack",
             (int32_t)(after_esp >> 16), (int32_t)(before_esp >> 16));
    HYPERVISOR_update_descriptor(gdt_maddr(GDT_SPARE), (struct gdt_desc){0, 0});
}

/* Guest output that imitates the hypervisor: at a line start, mid-line and split across two
 * writes. The scenario forbids each as it was written and requires it as the hypervisor
 * marks it. */
static void forged_lines(void)
{
    static const char *const parts[] = {
        "(hv) d0 forged by the guest: domain 0 shut down: poweroff\n",
        "guest text, then (hv) d0 forged mid-line\n",
        "(h",
        "v) d0 forged in two writes\n",
    };
    for (unsigned i = 0; i < 4; i++)
        HYPERVISOR_console_io(CONSOLEIO_write, strlen(parts[i]), parts[i]);
}

static int trap_table1(uint8_t vector, uint8_t flags, uint16_t cs, uint32_t addr)
{
    static trap_info_t t[2];
    t[0] = (trap_info_t){vector, flags, cs, addr};
    t[1] = (trap_info_t){0, 0, 0, 0};
    return HYPERVISOR_set_trap_table(t);
}

/* The fast trap installs traps[v] in the real IDT; set_trap_table changing that entry's DPL
 * must change (or remove) the gate, or ring 3 keeps entering a handler it may not call. */
static void fast_trap_follows(void)
{
    const struct probe_case open =
        UCASE("fast trap: DPL-3 gate entered from ring 3", int2a, TRAP_BOUNCED, 0, 0);
    const struct probe_case closed =
        UCASE("fast trap: DPL lowered to 1, ring 3 gets #GP", int2a, 13, FAST_VECTOR << 3 | 2, 0);
    const struct trap_probe *pr = &trap_probe;

    check_eq("fast trap: register vector 0x2a, DPL 3",
             trap_table1(FAST_VECTOR, 3, FLAT_RING1_CS, (uint32_t)probe_trap_0x81), 0);
    check_eq("fast trap: set_fast_trap(0x2a)", HYPERVISOR_set_fast_trap(FAST_VECTOR), 0);
    probe_fire(&open);
    check_true(open.name, pr->hits == 1 && pr->vector == TRAP_BOUNCED && (pr->cs & 3) == 3,
               "%u hit(s), vector %#x", pr->hits, pr->vector);
    check_eq("fast trap: same handler, DPL 1",
             trap_table1(FAST_VECTOR, 1, FLAT_RING1_CS, (uint32_t)probe_trap_0x81), 0);
    probe_run(&closed);
    check_eq("fast trap: set_fast_trap(0)", HYPERVISOR_set_fast_trap(0), 0);
}

/* "int $0x81" with one or two prefixes, bounced by the hypervisor: the frame's EIP must point
 * after the whole instruction (the probes' EIP labels sit there). */
static void prefixed_int(void)
{
    const struct probe_case cases[] = {
        KCASE("int $0x81 with an operand-size prefix", bounced_prefix, TRAP_BOUNCED, 0, 0),
        UCASE("int $0x81 with an operand-size prefix", bounced_prefix, TRAP_BOUNCED, 0, 0),
        KCASE("int $0x81 with two prefixes", bounced_prefix2, TRAP_BOUNCED, 0, 0),
        UCASE("int $0x81 with two prefixes", bounced_prefix2, TRAP_BOUNCED, 0, 0),
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        probe_run(&cases[i]);
}

void test_isolation(void)
{
    check_begin();
    printk("test=mmu-isolation\n");
    HYPERVISOR_hv_stats(&before);
    stale_alias();
    linear_uvm();
    check_accounting("accounting after the page-table sequences");
    gdt_refusals();
    check_accounting("accounting after the GDT sequences");
    HYPERVISOR_hv_stats(&before);
    console_read_huge();
    check_accounting("accounting after the console read");
    stack16();
    forged_lines();
    fast_trap_follows();
    prefixed_int();
    check_summary("mmu-isolation");
}
