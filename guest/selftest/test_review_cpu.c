/*
 * test=mmu-review, CPU state a guest leaves behind when it enters the hypervisor: DF set (a
 * hypervisor memcpy would run backwards), NT set (its iret would become a task return), data
 * breakpoints on the very bytes the hypervisor reads or writes for the guest, a breakpoint held
 * back by "mov ss" into the hypercall gate, an x87 error pending and every SSE exception
 * unmasked, and the guest's own FPU/SSE registers, which no hypercall or interrupt may change.
 * Then I/O ports from rings 1 and 3, and the fast-trap vectors 0x20-0x2f against the
 * hypervisor's own interrupts.
 */
#include <selftest/check.h>
#include <pv/console.h>
#include <pv/events.h>
#include <pv/mmu.h>
#include <selftest/frames.h>
#include <selftest/probe.h>
#include <selftest/review.h>
#include <pv/time.h>
#include <arch/x86/traps.h>
#include <selftest/ring3.h>
#include <lib/format.h>
#include <lib/string.h>

TRIG_K(inb_arg);
TRIG_U(inb_arg);
TRIG_K(outb_arg);
TRIG_U(outb_arg);
TRIG_K(df_pf);
TRIG_K(nt_iret);
TRIG_U(bounced);
TRIG_U(int2b);
extern char probe_trap_0x81[], probe_trap_1[];

#define DR7_L0 0x1u
#define DR7_RW0(x) ((x) << 16)  /* 1 write, 3 read or write */
#define DR7_LEN0(x) ((x) << 18) /* 0 one byte, 1 two, 3 four */
#define SPIN 3000000u           /* loop iterations: a few ms of guest time */
#define WAIT_NS (20 * NSEC_PER_MSEC)

static volatile shared_info_t *const shinfo = HYPERVISOR_shared_info;

/* VIRQ_TIMER on a port of our own, masked in shared_info terms by upcall_mask = 1: its pending
 * bit shows that the hypervisor took its timer interrupt. */
static uint32_t timer_virq_port(void)
{
    evtchn_op_t o = {.cmd = EVTCHNOP_bind_virq, .u.bind_virq.virq = VIRQ_TIMER};
    return HYPERVISOR_event_channel_op(&o) == 0 ? o.u.bind_virq.port : 0;
}

static int pending(uint32_t port)
{
    return (shinfo->evtchn_pending[port / 32] >> (port % 32)) & 1;
}

static void clear_pending(uint32_t port)
{
    __atomic_and_fetch(&shinfo->evtchn_pending[port / 32], ~(1u << (port % 32)), __ATOMIC_SEQ_CST);
}

/* Arm the timer and spin (no hypercall) until its port is pending or the guest's clock says
 * enough; 1 when the hypervisor raised it. */
static int timer_fires_while_spinning(uint32_t port, int with_df)
{
    clear_pending(port);
    HYPERVISOR_set_timer_op(clock_now() + NSEC_PER_MSEC);
    uint64_t end = clock_now_raw() + WAIT_NS;
    while (!pending(port) && clock_now_raw() < end)
        if (with_df)
            rv_spin_df(SPIN / 100);
    return pending(port);
}

static void probe_arm(void)
{
    trap_probe.hits = 0;
    trap_probe.vector = trap_probe.eip = 0;
    trap_probe.resume = 0;
    trap_probe.armed = 1;
}

static void direction_flag(uint32_t port)
{
    static struct {
        uint32_t guard[64]; /* a copy running backwards lands here */
        hv_stats_t s;
    } g;
    static const char line[] = "review: console write with DF = 1 arrives intact\n";
    static multicall_entry_t mc[3];
    uint32_t y = rv_new_frame(0), kl1 = kernel_l1_mfn(), va = scratch_va(12);
    mmu_update_t reqs[2] = {
        {kl1 << 12 | ((va >> 12) & 1023) * 4, pfn_to_mfn(y) << 12 | PTE_P | PTE_RW | PTE_A},
        {kl1 << 12 | (((va >> 12) & 1023) * 4 + 4), pfn_to_mfn(y) << 12 | PTE_P | PTE_A},
    };
    uint32_t done = 0;

    memset(&g, 0x5a, sizeof(g));
    uint32_t r = rv_hypercall_df(__HYPERVISOR_hv_op, HVOP_get_stats, (uint32_t)&g.s, sizeof(g.s));
    check_true("df: hv_op statistics copied out with DF = 1",
               r == sizeof(g.s) && g.s.size == sizeof(g.s) && g.s.events_sent != 0x5a5a5a5au &&
                   g.guard[63] == 0x5a5a5a5au && g.guard[0] == 0x5a5a5a5au,
               "%d, size %u, guard %#x", (int32_t)r, g.s.size, g.guard[63]);
    r = rv_hypercall_df(__HYPERVISOR_console_io, CONSOLEIO_write, sizeof(line) - 1, (uint32_t)line);
    check_eq("df: console write with DF = 1", (int32_t)r, sizeof(line) - 1);
    r = rv_hypercall_df(__HYPERVISOR_mmu_update, (uint32_t)reqs, 2, (uint32_t)&done);
    check_true("df: a two-request mmu_update with DF = 1", r == 0 && done == 2, "%d, done %u",
               (int32_t)r, done);
    *(volatile uint32_t *)va = 0x600df00d;
    check_eq("df: both requests applied (one frame at two VAs)",
             (int32_t) * (volatile uint32_t *)(va + XEN_PAGE_SIZE), 0x600df00d);
    rv_uvm(va, 0);
    rv_uvm(va + XEN_PAGE_SIZE, 0);
    for (unsigned i = 0; i < 3; i++)
        mc[i] = (multicall_entry_t){__HYPERVISOR_xen_version, {0, 0, 0, 0, 0, 0xdeadbeef, 0}};
    r = rv_hypercall_df(__HYPERVISOR_multicall, (uint32_t)mc, 3, 0);
    check_true("df: a three-entry multicall with DF = 1",
               r == 0 && mc[0].args[5] == XEN_VERSION_CODE && mc[1].args[5] == XEN_VERSION_CODE &&
                   mc[2].args[5] == XEN_VERSION_CODE,
               "%d, results %#x %#x %#x", (int32_t)r, mc[0].args[5], mc[1].args[5], mc[2].args[5]);
    const struct probe_case c =
        KCASE("df: a page fault taken with DF = 1 is delivered right", df_pf, 14, 0, 0x40000000u);
    probe_run(&c);
    check_true("df: the hypervisor took its timer interrupt during a loop with DF = 1",
               timer_fires_while_spinning(port, 1), "no VIRQ_TIMER on port %u", port);
    test_frame_free(y);
}

static void nested_task_flag(void)
{
    check_eq("nt: a hypercall made with NT = 1 returns",
             (int32_t)rv_hypercall_nt(__HYPERVISOR_xen_version, 0), XEN_VERSION_CODE);
    const struct probe_case c = {"nt", 1, k_nt_iret, k_nt_iret_eip, k_nt_iret_resume, 0, 0, 0};
    trig_result = 0;
    probe_fire(&c);
    const struct trap_probe *p = &trap_probe;
    printk("nt: iret with NT = 1 from ring 1: %u exception(s), vector %u error %#x at %#x, "
           "plain return %u\n",
           p->hits, p->vector, p->error, p->eip, trig_result);
    check_true("nt: iret with NT = 1 in ring 1 faults in the guest, no task switch",
               p->hits == 1 && (p->vector == TRAP_invalid_tss || p->vector == TRAP_gp_fault) &&
                   p->eip == (uint32_t)k_nt_iret_eip && (p->cs & 3) == 1,
               "%u hit(s), vector %u at %#x cs %#x", p->hits, p->vector, p->eip, p->cs);
}

/* The hypervisor reads (console write) and writes (statistics) guest bytes under a data
 * breakpoint: the #DB is raised in ring 0. It must carry on, and anything it forwards must
 * point into the guest. */
static void breakpoints(void)
{
    static char text[] = "review: console write under a data breakpoint arrives intact\n";
    static hv_stats_t s;
    uint32_t len = sizeof(text) - 1;

    HYPERVISOR_set_debugreg(0, (uint32_t)text);
    HYPERVISOR_set_debugreg(7, DR7_L0 | DR7_RW0(3) | DR7_LEN0(3));
    probe_arm();
    int r = HYPERVISOR_console_io(CONSOLEIO_write, len, text);
    trap_probe.armed = 0;
    HYPERVISOR_set_debugreg(7, 0);
    check_eq("dr: console write of bytes under a read breakpoint", r, (int32_t)len);
    check_true("dr: ... any #DB forwarded points into the guest",
               !trap_probe.hits ||
                   (trap_probe.vector == TRAP_debug && trap_probe.eip < HYPERVISOR_VIRT_START),
               "vector %u at %#x", trap_probe.vector, trap_probe.eip);

    HYPERVISOR_set_debugreg(0, (uint32_t)&s.hypercalls[3]);
    HYPERVISOR_set_debugreg(7, DR7_L0 | DR7_RW0(1) | DR7_LEN0(3));
    probe_arm();
    r = HYPERVISOR_hv_stats(&s);
    trap_probe.armed = 0;
    HYPERVISOR_set_debugreg(7, 0);
    check_eq("dr: statistics written under a write breakpoint", r, sizeof(s));
    check_true("dr: ... any #DB forwarded points into the guest",
               !trap_probe.hits ||
                   (trap_probe.vector == TRAP_debug && trap_probe.eip < HYPERVISOR_VIRT_START),
               "vector %u at %#x", trap_probe.vector, trap_probe.eip);

    /* mov ss holds the breakpoint back over the next instruction: int $0x82. */
    uint32_t ss;
    __asm__ volatile("mov %%ss, %0" : "=r"(ss));
    rv_ss_word = (uint16_t)ss;
    HYPERVISOR_set_debugreg(0, (uint32_t)&rv_ss_word);
    HYPERVISOR_set_debugreg(7, DR7_L0 | DR7_RW0(3) | DR7_LEN0(1));
    probe_arm();
    r = (int)rv_hypercall_movss(__HYPERVISOR_xen_version);
    trap_probe.armed = 0;
    HYPERVISOR_set_debugreg(7, 0);
    HYPERVISOR_set_debugreg(0, 0);
    printk("dr: mov ss + int $0x82 under a breakpoint: %u #DB, at %#x\n", trap_probe.hits,
           trap_probe.eip);
    check_eq("dr: mov ss then a hypercall, the breakpoint held back into it", r, XEN_VERSION_CODE);
    check_true("dr: ... any #DB forwarded points into the guest",
               !trap_probe.hits ||
                   (trap_probe.vector == TRAP_debug && trap_probe.eip < HYPERVISOR_VIRT_START),
               "vector %u at %#x", trap_probe.vector, trap_probe.eip);
}

static int trap_table1(uint8_t vector, uint8_t flags, uint16_t cs, uint32_t addr)
{
    static trap_info_t t[2];
    t[0] = (trap_info_t){vector, flags, cs, addr};
    t[1] = (trap_info_t){0, 0, 0, 0};
    return HYPERVISOR_set_trap_table(t);
}

/* A write breakpoint on the very stack slot where the hypervisor writes a bounce frame (ring 1,
 * then ring 3 onto the entry stack), and TF set into a hypercall: #DB in ring 0 in the middle of
 * a delivery. Counting handlers take vectors 1 and 0x81, so every exception is seen. */
static void breakpoints_on_frames(void)
{
    static uint8_t stack[512] __attribute__((aligned(16)));
    uint32_t top = (uint32_t)stack + sizeof(stack);

    trap_table1(1, 0, FLAT_RING1_CS, (uint32_t)rv_count_db);
    trap_table1(TRAP_BOUNCED, 3, FLAT_RING1_CS, (uint32_t)rv_count_81);
    rv_db_hits = rv_81_hits = 0;
    HYPERVISOR_set_debugreg(0, top - 8);
    HYPERVISOR_set_debugreg(7, DR7_L0 | DR7_RW0(1) | DR7_LEN0(3));
    rv_int81_on(top);
    HYPERVISOR_set_debugreg(7, 0);
    printk("dr: bounce onto a watched ring-1 stack: %u delivery, %u #DB (last at %#x)\n",
           rv_81_hits, rv_db_hits, rv_db_eip);
    check_true("dr: a bounce frame written onto a watched slot arrives once, intact",
               rv_81_hits == 1 && rv_81_eip == (uint32_t)rv_int81_on_eip, "%u at %#x", rv_81_hits,
               rv_81_eip);
    check_true("dr: ... any #DB forwarded points into the guest",
               rv_db_hits == 0 || rv_db_eip < HYPERVISOR_VIRT_START, "at %#x", rv_db_eip);

    /* Without the fast trap, so that only the hypervisor writes on that stack: QEMU's TCG
     * (6.x/7.x, icount) aborts when the CPU's own interrupt push hits a watchpoint. */
    rv_db_hits = rv_81_hits = 0;
    user_fast_trap(0);
    HYPERVISOR_set_debugreg(0, user_entry_stack_top() - 12);
    HYPERVISOR_set_debugreg(7, DR7_L0 | DR7_RW0(1) | DR7_LEN0(3));
    run_user(u_bounced);
    HYPERVISOR_set_debugreg(7, 0);
    user_fast_trap(1);
    printk("dr: bounce from ring 3 onto a watched entry stack: %u delivery, %u #DB (last at "
           "%#x)\n",
           rv_81_hits, rv_db_hits, rv_db_eip);
    check_true("dr: the same from ring 3 onto the entry stack", rv_81_hits == 1, "%u deliveries",
               rv_81_hits);
    check_true("dr: ... any #DB forwarded points into the guest",
               rv_db_hits == 0 || rv_db_eip < HYPERVISOR_VIRT_START, "at %#x", rv_db_eip);

    rv_db_hits = 0;
    uint32_t r = rv_hypercall_tf(__HYPERVISOR_xen_version);
    printk("dr: hypercall with TF = 1: %u single steps, last at %#x\n", rv_db_hits, rv_db_eip);
    check_true("dr: a hypercall made with TF = 1 returns and single-steps the guest only",
               r == XEN_VERSION_CODE && rv_db_hits >= 1 && rv_db_eip < HYPERVISOR_VIRT_START,
               "%#x, %u #DB at %#x", r, rv_db_hits, rv_db_eip);
    HYPERVISOR_set_debugreg(0, 0);
    trap_table1(1, 0, FLAT_RING1_CS, (uint32_t)probe_trap_1);
    trap_table1(TRAP_BOUNCED, 3, FLAT_RING1_CS, (uint32_t)probe_trap_0x81);
}

/* The FXSAVE image's register parts: FCW FSW FTW, MXCSR, ST0-7, XMM0-7. */
static int fpu_same(const uint8_t *a, const uint8_t *b)
{
    return memcmp(a, b, 5) == 0 && memcmp(a + 24, b + 24, 4) == 0 &&
           memcmp(a + 32, b + 32, 256) == 0;
}

static void hypercalls_and_interrupts(uint32_t port)
{
    static hv_stats_t s;
    static const char line[] = "review: fpu hypercall\n";
    static multicall_entry_t mc[2] = {{__HYPERVISOR_xen_version, {0}},
                                      {__HYPERVISOR_hv_op, {HVOP_get_stats, 0, 0}}};
    mc[1].args[1] = (uint32_t)&s;
    mc[1].args[2] = sizeof(s);
    HYPERVISOR_hv_stats(&s);
    HYPERVISOR_console_io(CONSOLEIO_write, sizeof(line) - 1, line);
    HYPERVISOR_multicall(mc, 2);
    scratch_unmap(12);
    timer_fires_while_spinning(port, 0);
}

static void fpu_state(uint32_t port)
{
    static uint8_t before[512] __attribute__((aligned(16)));
    static uint8_t after[512] __attribute__((aligned(16)));
    static uint32_t pattern[32];

    for (unsigned i = 0; i < 32; i++)
        pattern[i] = 0x1000193u * (i + 7) ^ 0xa5a5a5a5u;
    probe_arm(); /* a #NM if the hypervisor left CR0.TS set: delivered, then retried */
    rv_fpu_fill(pattern);
    trap_probe.armed = 0;
    rv_fxsave(before);
    hypercalls_and_interrupts(port);
    rv_fxsave(after);
    check_true("fpu: x87 and SSE registers unchanged by hypercalls and an interrupt",
               fpu_same(before, after), "xmm0 %#x -> %#x, mxcsr %#x -> %#x",
               *(uint32_t *)(before + 160), *(uint32_t *)(after + 160), *(uint32_t *)(before + 24),
               *(uint32_t *)(after + 24));

    rv_fpu_arm_pending();
    hypercalls_and_interrupts(port);
    rv_fpu_disarm();
    check_eq("fpu: a pending x87 error and unmasked SSE exceptions do not trip the hypervisor",
             HYPERVISOR_xen_version(0), XEN_VERSION_CODE);
}

static void io_ports(void)
{
    static const uint32_t ports[] = {0x20,  0x21,  0x40,  0x43,   0x60,   0x61,  0x64,
                                     0x70,  0x71,  0x80,  0x92,   0xa0,   0xf4,  0x2f8,
                                     0x3d4, 0x3f8, 0x3fd, 0x402,  0x510,  0x511, 0x604,
                                     0xcf8, 0xcfc, 0xcf9, 0xb000, 0xb004, 0xffff};
    char name[64];
    unsigned bad = 0;

    for (unsigned i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
        snprintf(name, sizeof(name), "io: inb port %#x", ports[i]);
        const struct probe_case k = KCASE(name, inb_arg, 13, 0, ports[i]);
        const struct probe_case u = UCASE(name, inb_arg, 13, 0, ports[i]);
        trig_arg = ports[i];
        probe_run(&k);
        probe_run(&u);
    }
    trig_arg = 0x80;
    const struct probe_case ko = KCASE("io: outb port 0x80", outb_arg, 13, 0, 0x80);
    const struct probe_case uo = UCASE("io: outb port 0x80", outb_arg, 13, 0, 0x80);
    probe_run(&ko);
    probe_run(&uo);
    /* Every 61st port from ring 1: a TSS I/O bitmap would open some of them. */
    for (uint32_t port = 1; port < 0x10000; port += 61) {
        trig_arg = port;
        const struct probe_case c = KCASE("io sweep", inb_arg, 13, 0, port);
        bad += probe_fire(&c) != 1 || trap_probe.vector != TRAP_gp_fault;
    }
    check_eq("io: 1075 ports from ring 1, each a #GP", (int32_t)bad, 0);
}

/* A fast trap puts a guest gate straight into the real IDT. On a vector the hypervisor uses for
 * its own interrupts, the timer would enter ring 1 and never reach the hypervisor. */
static void fast_trap_vectors(uint32_t port)
{
    char name[96];
    for (unsigned v = 0x20; v <= 0x2f; v++) {
        trap_table1(v, 3, FLAT_RING1_CS, (uint32_t)probe_trap_0x81);
        int rc = HYPERVISOR_set_fast_trap(v);
        probe_arm();
        int fired = timer_fires_while_spinning(port, 0);
        trap_probe.armed = 0;
        unsigned hits = trap_probe.hits;
        HYPERVISOR_set_fast_trap(0);
        snprintf(name, sizeof(name), "fast trap on %#x: the hypervisor's timer still reaches it",
                 v);
        check_true(name, rc != 0 || (fired && hits == 0),
                   "set_fast_trap %d, timer %s, %u stray entries into the guest", rc,
                   fired ? "fired" : "never fired", hits);
    }
    check_true("fast trap: the timer works after all that", timer_fires_while_spinning(port, 0),
               "no VIRQ_TIMER");
}

/* set_trap_table turning the fast-trap vector into an interrupt gate: the CPU cannot set
 * upcall_mask, so the vector must go back to the bounce path, which does. Every port is masked
 * meanwhile, so that clearing upcall_mask delivers nothing. */
static void fast_trap_becomes_interrupt_gate(void)
{
    static uint32_t saved[32];
    for (unsigned i = 0; i < 32; i++) {
        saved[i] = shinfo->evtchn_mask[i];
        shinfo->evtchn_mask[i] = ~0u;
    }
    shinfo->evtchn_upcall_pending = 0;
    trap_table1(0x2b, 3, FLAT_RING1_CS, (uint32_t)rv_count_mask);
    check_eq("fast trap 0x2b: set", HYPERVISOR_set_fast_trap(0x2b), 0);
    int rc = trap_table1(0x2b, 4 | 3, FLAT_RING1_CS, (uint32_t)rv_count_mask);
    rv_mask_hits = 0;
    rv_mask_seen = 0xff;
    shinfo->evtchn_upcall_mask = 0;
    run_user(u_int2b);
    shinfo->evtchn_upcall_mask = 1;
    printk("fast trap 0x2b made an interrupt gate: %d; handler ran %u time(s), upcall_mask %u\n",
           rc, rv_mask_hits, rv_mask_seen);
    check_true("fast trap 0x2b made an interrupt gate: entered with upcall_mask set",
               rc != 0 || (rv_mask_hits == 1 && rv_mask_seen == 1), "%u entries, mask %u",
               rv_mask_hits, rv_mask_seen);
    HYPERVISOR_set_fast_trap(0);
    for (unsigned i = 0; i < 32; i++)
        shinfo->evtchn_mask[i] = saved[i];
}

/* What the unprivileged instructions show: notes only (no UMIP on this CPU model). */
static void visible_tables(void)
{
    uint8_t gdtr[6], idtr[6];
    rv_sgdt(gdtr);
    rv_sidt(idtr);
    printk("note: sgdt base %#x limit %#x, sidt base %#x limit %#x, str %#x (ring 1)\n",
           *(uint32_t *)(gdtr + 2), *(uint16_t *)gdtr, *(uint32_t *)(idtr + 2), *(uint16_t *)idtr,
           rv_str());
}

/* stack_switch takes any selector with RPL != 0: the next ring-3 entry then loads it as SS. */
static void stack_selectors(void)
{
    static const uint32_t sels[] = {0x0811, 0x0819, 0x0021, 0x0009};
    for (unsigned i = 0; i < sizeof(sels) / sizeof(sels[0]); i++) {
        int rc = HYPERVISOR_stack_switch(sels[i], user_entry_stack_top());
        user_set_entry_stack(user_entry_stack_top());
        printk("note: stack_switch(%#x, ...) %s\n", sels[i], rc ? "refused" : "accepted");
    }
    int rc = HYPERVISOR_stack_switch(FLAT_RING1_DS, HOLE + 0x100000);
    user_set_entry_stack(user_entry_stack_top());
    printk("note: stack_switch(FLAT_RING1_DS, 0xfc500000) %s\n", rc ? "refused" : "accepted");
}

void review_cpu(void)
{
    uint32_t port = timer_virq_port();
    check_true("cpu: VIRQ_TIMER bound", port != 0, "no port");
    direction_flag(port);
    nested_task_flag();
    breakpoints();
    breakpoints_on_frames();
    fpu_state(port);
    io_ports();
    fast_trap_vectors(port);
    fast_trap_becomes_interrupt_gate();
    visible_tables();
    stack_selectors();
}
