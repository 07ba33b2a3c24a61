/* test=refusals: what the hypervisor must refuse in traps, callbacks, fast trap, stacks,
 * descriptors, GDT frames and debug registers, each with its errno (the guest carries on);
 * what ring 1 and ring 3 may not execute; and the failsafe callback on a vanished DS
 * (test=failsafe-fs: the same under FS, ES and GS, and a final iret that faults). */
#include <selftest/check.h>
#include <pv/console.h>
#include <arch/x86/gdt.h>
#include <pv/mmu.h>
#include <kernel/mm/page.h>
#include <kernel/mm/physmap.h>
#include <selftest/probe.h>
#include <pv/time.h>
#include <selftest/trap_tests.h>
#include <arch/x86/traps.h>
#include <selftest/ring3.h>
#include <lib/format.h>
#include <lib/string.h>
#include <kernel/selftest_table.h>

TRIG_U(hypercall);
TRIG_K(cli);
TRIG_K(sti);
TRIG_K(hlt);
TRIG_K(lgdt);
TRIG_K(lidt);
TRIG_K(cr3);
TRIG_K(inb);
TRIG_K(outb);
TRIG_K(iretcs);
TRIG_K(sysenter);
TRIG_U(sysenter);
TRIG_K(syscall);
TRIG_U(syscall);
extern char trap_13[], failsafe_callback[];
extern volatile uint16_t trig_far_sel;
extern volatile uint32_t trig_desc[2];

#define EPERM (-XEN_EPERM)
#define EINVAL (-XEN_EINVAL)
#define SEL_HV_CS 0x0808u
#define SEL_RESERVED 0x0901u /* entry 288, RPL 1: the hypervisor's range */
#define SEL_HV_DS 0x0810u
#define GDT_SCRATCH_SEL (GDT_SCRATCH << 3 | 3u)
#define HOLE 0xFC400000u
#define DR7_GD (1u << 13)

static uint8_t writable_page[XEN_PAGE_SIZE] __attribute__((aligned(XEN_PAGE_SIZE)));

static int trap_table1(uint8_t vector, uint8_t flags, uint16_t cs, uint32_t addr)
{
    static trap_info_t t[2];

    t[0] = (trap_info_t){vector, flags, cs, addr};
    t[1] = (trap_info_t){0, 0, 0, 0};
    return HYPERVISOR_set_trap_table(t);
}

static void registrations(void)
{
    uint32_t h = (uint32_t)trap_13;

    check_eq("set_trap_table cs 0x0808 (ring 0)", trap_table1(0x40, 0, SEL_HV_CS, h), EPERM);
    check_eq("set_trap_table cs 0x0901 (reserved entry)", trap_table1(0x40, 0, SEL_RESERVED, h),
             EPERM);
    check_eq("set_callbacks event cs 0x0808",
             HYPERVISOR_set_callbacks(SEL_HV_CS, h, FLAT_RING1_CS, h), EPERM);
    check_eq("set_callbacks failsafe cs FLAT_RING3_CS",
             HYPERVISOR_set_callbacks(FLAT_RING1_CS, h, FLAT_RING3_CS, h), EPERM);
    check_eq("set_fast_trap(0x81)", HYPERVISOR_set_fast_trap(0x81), EINVAL);
    check_eq("set_fast_trap(0x30)", HYPERVISOR_set_fast_trap(0x30), EINVAL);
    check_eq("set_trap_table 0x21 as an interrupt gate", trap_table1(0x21, 4 | 3, FLAT_RING1_CS, h),
             0);
    check_eq("set_fast_trap(0x21) on an interrupt gate", HYPERVISOR_set_fast_trap(0x21), EINVAL);
    check_eq("set_fast_trap(0x22) with no handler", HYPERVISOR_set_fast_trap(0x22), EINVAL);
    check_eq("stack_switch(0x0810)", HYPERVISOR_stack_switch(SEL_HV_DS, user_entry_stack_top()),
             EPERM);
    check_eq("set_debugreg(0, 0xFC400000)", HYPERVISOR_set_debugreg(0, HOLE), EPERM);
    check_eq("set_debugreg(7, GD)", HYPERVISOR_set_debugreg(7, DR7_GD), EPERM);
}

static struct gdt_desc gate(uint16_t sel, uint32_t off, uint32_t dpl)
{
    struct gdt_desc d = {(uint32_t)sel << 16 | (off & 0xffffu),
                         (off & 0xffff0000u) | 0x8000u | dpl << 13 | 0x0c00u};
    return d;
}

static void descriptors(const start_info_t *si)
{
    const uint32_t *p2m = (const uint32_t *)si->mfn_list;
    uint32_t spare = gdt_maddr(GDT_SPARE), h = (uint32_t)trap_13;
    struct gdt_desc tss = gdt_make(0x1000, 0x67, 0x80 | 3 << 5 | 0x9, 0);
    struct gdt_desc ldt = gdt_make(0x1000, 0xff, 0x80 | 3 << 5 | 0x2, 0);
    uint32_t frames[1];

    check_eq(
        "update_descriptor DPL 0",
        HYPERVISOR_update_descriptor(spare, gdt_make(0, DESC_LIMIT_FLAT, DESC_DATA(0), DESC_G_D)),
        EPERM);
    check_eq("update_descriptor base in the hole",
             HYPERVISOR_update_descriptor(spare, gdt_make(HOLE, 0, DESC_DATA(1), DESC_G_D)), EPERM);
    check_eq("update_descriptor limit into the hole (accepted)",
             HYPERVISOR_update_descriptor(spare,
                                          gdt_make(0x10000000u, 0xfffffu, DESC_DATA(1), DESC_G_D)),
             0);
    check_eq("limit truncated to end at 0xFC400000", (int32_t)gdt_limit20(gdt_read(GDT_SPARE)),
             (int32_t)((HOLE - 0x10000000u) >> 12) - 1);
    check_eq("update_descriptor call gate to 0x0808",
             HYPERVISOR_update_descriptor(spare, gate(SEL_HV_CS, h, 3)), EPERM);
    check_eq("update_descriptor call gate to FLAT_RING1_CS (accepted)",
             HYPERVISOR_update_descriptor(spare, gate(FLAT_RING1_CS, h, 3)), 0);
    check_eq("update_descriptor TSS descriptor", HYPERVISOR_update_descriptor(spare, tss), EPERM);
    check_eq("update_descriptor LDT descriptor", HYPERVISOR_update_descriptor(spare, ldt), EPERM);
    check_eq("update_descriptor entry 259 (hypervisor's)",
             HYPERVISOR_update_descriptor(gdt_maddr(259), gdt_make(0, 0, DESC_DATA(1), DESC_G_D)),
             EPERM);
    check_eq("update_descriptor clear the spare entry",
             HYPERVISOR_update_descriptor(spare, (struct gdt_desc){0, 0}), 0);

    frames[0] = p2m[((uint32_t)writable_page - GUEST_VIRT_START) >> XEN_PAGE_SHIFT];
    writable_page[0] = 1; /* it is mapped writable, and used */
    check_eq("set_gdt with a frame mapped writable", HYPERVISOR_set_gdt(frames, GDT_ENTRIES),
             EPERM);
}

static void forbidden_instructions(void)
{
    const struct probe_case cases[] = {
        UCASE("int $0x82 -> #GP (0x82<<3)|2", hypercall, 13, 0x82u << 3 | 2u, 0),
        KCASE("cli -> #GP", cli, 13, 0, 0),
        KCASE("sti -> #GP", sti, 13, 0, 0),
        KCASE("hlt -> #GP", hlt, 13, 0, 0),
        KCASE("lgdt -> #GP", lgdt, 13, 0, 0),
        KCASE("lidt -> #GP", lidt, 13, 0, 0),
        KCASE("mov %eax,%cr3 -> #GP", cr3, 13, 0, 0),
        KCASE("inb -> #GP", inb, 13, 0, 0),
        KCASE("outb to isa-debug-exit -> #GP", outb, 13, 0, 0),
        /* The hypervisor closed both fast system-call instructions, whatever the firmware left. */
        KCASE("sysenter -> #GP", sysenter, 13, 0, 0),
        UCASE("sysenter -> #GP", sysenter, 13, 0, 0),
        KCASE("syscall -> #UD", syscall, 6, 0, 0),
        UCASE("syscall -> #UD", syscall, 6, 0, 0),
    };

    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        trig_result = 0;
        probe_run(&cases[i]);
        if (cases[i].fn == k_cli)
            check_true("cli not executed", trig_result & 0x200u, "EFLAGS %#x", trig_result);
        if (cases[i].fn == k_inb)
            check_eq("inb not executed", (int32_t)trig_result, 0x5a5a5a5a);
    }
}

/* A ring-3 program raising #GP in a loop must not flood the console: the hypervisor logs the
 * first few of each kind, then a count now and then (the scenario checks its lines). */
static void gp_flood(void)
{
    const struct probe_case c = UCASE("int $0x82", hypercall, 13, 0x82u << 3 | 2u, 0);
    int32_t n = 0;

    for (unsigned i = 0; i < 1000; i++)
        n += probe_fire(&c) == 1 && trap_probe.vector == TRAP_gp_fault;
    check_eq("1000 ring-3 int $0x82 in a row, each a #GP", n, 1000);
}

/* The scratch segment goes into DS, ES, FS or GS; update_descriptor makes it not-present; the
 * hypervisor's return from that very call cannot reload the register and must enter the
 * failsafe callback with what it held (ABI §6). Afterwards the register is reloaded here. */
#define VANISH_UNDER(seg)                                                  \
    __asm__ volatile("mov %[sel], %%" seg "\n\t"                           \
                     "int $0x82\n\t"                                       \
                     "mov %%ss, %%ecx\n\t"                                 \
                     "mov %%ecx, %%" seg                                   \
                     : "=a"(rc), "+b"(maddr), "+c"(d.lo), "+d"(d.hi)       \
                     : "0"(__HYPERVISOR_update_descriptor), [sel] "S"(sel) \
                     : "memory")

static uint32_t vanish_under(unsigned reg, uint32_t maddr, struct gdt_desc d)
{
    uint32_t rc, sel = GDT_SCRATCH_SEL;

    if (reg == 0)
        VANISH_UNDER("ds");
    else if (reg == 1)
        VANISH_UNDER("es");
    else if (reg == 2)
        VANISH_UNDER("fs");
    else
        VANISH_UNDER("gs");
    return rc;
}

static const char *const seg_names[4] = {"DS", "ES", "FS", "GS"};

static void failsafe(unsigned reg)
{
    static hv_stats_t s0, s1;
    uint32_t maddr = gdt_maddr(GDT_SCRATCH), n0 = failsafe_count;
    struct gdt_desc seg = gdt_make(0, DESC_LIMIT_FLAT, DESC_DATA(3), DESC_G_D);
    struct gdt_desc gone = {seg.lo, seg.hi & ~0x8000u};
    char name[64];
    int rc;

    printk("failsafe: %s = %#x, then its descriptor made not-present\n", seg_names[reg],
           GDT_SCRATCH_SEL);
    HYPERVISOR_hv_stats(&s0);
    rc = (int)vanish_under(reg, maddr, gone);
    HYPERVISOR_hv_stats(&s1);
    snprintf(name, sizeof(name), "update_descriptor not-present under %s", seg_names[reg]);
    check_eq(name, rc, 0);
    snprintf(name, sizeof(name), "failsafe callback ran once (%s)", seg_names[reg]);
    check_eq(name, (int32_t)(failsafe_count - n0), 1);
    snprintf(name, sizeof(name), "failsafe got %s", seg_names[reg]);
    check_eq(name, (int32_t)failsafe_segs[reg], GDT_SCRATCH_SEL);
    snprintf(name, sizeof(name), "hv_stats failsafe_callbacks +1 (%s)", seg_names[reg]);
    check_eq(name, (int32_t)(s1.failsafe_callbacks - s0.failsafe_callbacks), 1);
    check_eq("scratch segment present again", HYPERVISOR_update_descriptor(maddr, seg), 0);
}

/* The final iret faults: the guest runs on a code segment of its own (the scratch entry as
 * ring-1 code) and has that very hypercall make it not-present, so the return CS cannot be
 * loaded. The failsafe callback gets the data segments as they were (all four reloaded before
 * the iret) and a frame whose CS is the vanished one: its own iret back there faults in turn
 * (#NP with that selector), and the probe resumes the trigger (selftest/x86/triggers.S). */
static void failsafe_iret(void)
{
    static hv_stats_t s0, s1;
    const struct probe_case c = {"iret", 1, k_iretcs, 0, k_iretcs_resume, 11, 0, 0};
    const uint16_t cs = GDT_SCRATCH << 3 | 1u;
    uint32_t maddr = gdt_maddr(GDT_SCRATCH), n0 = failsafe_count, segs[4];
    struct gdt_desc code = gdt_make(0, DESC_LIMIT_FLAT, DESC_CODE(1), DESC_G_D);
    struct gdt_desc data = gdt_make(0, DESC_LIMIT_FLAT, DESC_DATA(3), DESC_G_D);
    const struct trap_probe *p = &trap_probe;
    int ok = 1;

    printk("failsafe: running on CS %#x, then its descriptor made not-present\n", cs);
    __asm__ volatile("mov %%ds, %0\n\tmov %%es, %1\n\tmov %%fs, %2\n\tmov %%gs, %3"
                     : "=r"(segs[0]), "=r"(segs[1]), "=r"(segs[2]), "=r"(segs[3]));
    check_eq("scratch entry as ring-1 code", HYPERVISOR_update_descriptor(maddr, code), 0);
    trig_far_sel = cs;
    trig_arg = maddr;
    trig_desc[0] = code.lo;
    trig_desc[1] = code.hi & ~0x8000u; /* not present */
    HYPERVISOR_hv_stats(&s0);
    probe_fire(&c);
    HYPERVISOR_hv_stats(&s1);
    check_eq("iret to a vanished CS does not return normally", (int32_t)trig_result, 0);
    check_eq("failsafe callback ran once (iret)", (int32_t)(failsafe_count - n0), 1);
    for (unsigned i = 0; i < 4; i++)
        ok &= (failsafe_segs[i] & 0xffff) == (segs[i] & 0xffff);
    check_true("failsafe got DS ES FS GS as they were (iret)", ok,
               "got %#x %#x %#x %#x want %#x %#x %#x %#x", failsafe_segs[0], failsafe_segs[1],
               failsafe_segs[2], failsafe_segs[3], segs[0] & 0xffff, segs[1] & 0xffff,
               segs[2] & 0xffff, segs[3] & 0xffff);
    check_true("failsafe frame held the vanished CS (its iret: #NP with it)",
               p->hits == 1 && p->vector == TRAP_no_segment && p->error == (cs & ~3u) &&
                   p->eip >= (uint32_t)failsafe_callback &&
                   p->eip < (uint32_t)failsafe_callback + 128,
               "%u hit(s) vector %u error %#x at %#x", p->hits, p->vector, p->error, p->eip);
    check_eq("hv_stats failsafe_callbacks +1 (iret)",
             (int32_t)(s1.failsafe_callbacks - s0.failsafe_callbacks), 1);
    check_eq("scratch entry back as data", HYPERVISOR_update_descriptor(maddr, data), 0);
}

/* A GDT frame whose entry 1 is ring-0 code. The frame comes from the kernel's allocator; a GDT may
 * have no writable mapping, so its direct-map entry is read-only while it is offered: the refusal
 * is then the descriptor's, and the scenario requires that reason. */
static void gdt_with_dpl0_code(void)
{
    uint32_t pfn = pfn_alloc_kernel(), frames[1];
    struct gdt_desc *d = pfn_to_virt(pfn);

    if (!pfn) {
        printk("refusals: FAILED: no frame from the kernel's allocator\n");
        return;
    }
    memset(d, 0, XEN_PAGE_SIZE);
    d[1] = gdt_make(0, DESC_LIMIT_FLAT, DESC_CODE(0), DESC_G_D); /* DPL 0 */
    physmap_queue_protect(pfn, 0);
    mmu_flush(0);
    frames[0] = pfn_to_mfn(pfn);
    check_eq("set_gdt with a DPL-0 descriptor in the frame", HYPERVISOR_set_gdt(frames, 16), EPERM);
    physmap_queue_protect(pfn, 1);
    mmu_flush(0);
    pfn_release(pfn);
}

/* The argument checks of each call: bad pointers, sizes, numbers and frames. */
static void argument_checks(const start_info_t *si)
{
    static trap_info_t many[1025];
    static hv_stats_t stats;
    const uint32_t *p2m = (const uint32_t *)si->mfn_list;
    uint32_t h = (uint32_t)trap_13, gdt = gdt_frame(), frames[2] = {gdt, gdt};
    uint32_t l2 = p2m[(si->pt_base - GUEST_VIRT_START) >> XEN_PAGE_SHIFT];
    void *unmapped = (void *)0x40000000u;

    check_eq("set_trap_table unreadable", HYPERVISOR_set_trap_table(unmapped), -XEN_EFAULT);
    for (unsigned i = 0; i < 1025; i++)
        many[i] = (trap_info_t){0x40, 0, FLAT_RING1_CS, h};
    check_eq("set_trap_table of 1025 entries", HYPERVISOR_set_trap_table(many), -XEN_E2BIG);
    check_eq("set_callbacks selector above 16 bits",
             HYPERVISOR_set_callbacks(0x10000 | FLAT_RING1_CS, h, FLAT_RING1_CS, h), EPERM);
    check_eq("stack_switch to a ring-3 stack", HYPERVISOR_stack_switch(FLAT_RING3_DS, 0x1000),
             EPERM);

    check_eq("set_gdt of 0 entries", HYPERVISOR_set_gdt(frames, 0), EINVAL);
    check_eq("set_gdt of 8193 entries", HYPERVISOR_set_gdt(frames, 8193), EINVAL);
    check_eq("set_gdt frame list unreadable", HYPERVISOR_set_gdt(unmapped, 16), -XEN_EFAULT);
    frames[0] = 0x100; /* the hypervisor's image */
    check_eq("set_gdt with a frame not the guest's", HYPERVISOR_set_gdt(frames, 16), EPERM);
    frames[0] = gdt;
    check_eq("set_gdt with a frame listed twice", HYPERVISOR_set_gdt(frames, 1024), EINVAL);
    gdt_with_dpl0_code();

    check_eq("update_descriptor not 8-byte aligned",
             HYPERVISOR_update_descriptor(gdt_maddr(GDT_SPARE) + 4, (struct gdt_desc){0, 0}),
             EINVAL);
    check_eq("update_descriptor into a frame not the guest's",
             HYPERVISOR_update_descriptor(0x100000 + 8, (struct gdt_desc){0, 0}), EPERM);
    check_eq("update_descriptor into a page table",
             HYPERVISOR_update_descriptor(l2 << XEN_PAGE_SHIFT, (struct gdt_desc){0, 0}), EPERM);

    check_eq("set_debugreg(4)", HYPERVISOR_set_debugreg(4, 0), EINVAL);
    check_eq("set_debugreg(7, I/O breakpoint)", HYPERVISOR_set_debugreg(7, 0x20001), EPERM);
    check_eq("get_debugreg(5)", HYPERVISOR_get_debugreg(5), EINVAL);
    check_eq("hv_op unknown command",
             hypercall3(__HYPERVISOR_hv_op, 7, (uint32_t)&stats, sizeof(stats)), -XEN_ENOSYS);
    check_eq("hv_op into the hypervisor",
             hypercall3(__HYPERVISOR_hv_op, HVOP_get_stats, HOLE, sizeof(stats)), -XEN_EFAULT);
}

/* The refusal log has a budget per call and per second: 300 junk refusals of one call must not
 * silence another call, nor the same call a second later (the scenario requires both lines and
 * the count of what was held back). */
static void refusal_log(void)
{
    int32_t n = 0;
    for (unsigned i = 0; i < 300; i++)
        n += HYPERVISOR_get_debugreg(0x100) == EINVAL;
    check_eq("300 junk refusals of get_debugreg", n, 300);
    check_eq("console_io command 9 after them", HYPERVISOR_console_io(9, 0, 0), -XEN_ENOSYS);
    uint64_t t0 = clock_now();
    while (clock_now() - t0 < 1100 * NSEC_PER_MSEC)
        ;
    check_eq("get_debugreg(0x3ff) a second later", HYPERVISOR_get_debugreg(0x3ff), EINVAL);
}

void test_refusals(const start_info_t *si)
{
    check_begin();
    printk("test=refusals\n");
    registrations();
    descriptors(si);
    argument_checks(si);
    forbidden_instructions();
    gp_flood();
    failsafe(0);
    refusal_log();
    check_summary("refusals");
}

/* FS is what a guest really leaves behind (TLS); kept apart so that a machine-wide failure
 * here cannot hide the results above. */
void test_failsafe_fs(void)
{
    check_begin();
    printk("test=failsafe-fs\n");
    failsafe(2);
    failsafe(1);
    failsafe(3);
    failsafe_iret();
    check_summary("failsafe-fs");
}

static void run_refusals(const struct selftest_env *env)
{
    test_refusals(env->si);
}
static void run_failsafe_fs(const struct selftest_env *env)
{
    (void)env;
    test_failsafe_fs();
}
SELFTEST(refusals, "test=refusals", run_refusals, SELFTEST_TRAPS | SELFTEST_MM);
SELFTEST(failsafe_fs, "test=failsafe-fs", run_failsafe_fs, SELFTEST_TRAPS);
