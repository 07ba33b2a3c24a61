/* test=exceptions: every exception the hypervisor forwards (ABI §4), caused on purpose from ring
 * 1 and from ring 3, and checked for vector, error code, saved CS ring, saved EIP and CR2; and
 * the debug registers (§8): values read back, hardware breakpoints delivered as #DB. */
#include <selftest/check.h>
#include <pv/console.h>
#include <pv/mmu.h>
#include <selftest/probe.h>
#include <selftest/trap_tests.h>
#include <arch/x86/traps.h>
#include <selftest/ring3.h>
#include <kernel/selftest_table.h>

TRIG_K(div);
TRIG_U(div);
TRIG_K(int3);
TRIG_U(int3);
TRIG_K(into);
TRIG_U(into);
TRIG_K(bound);
TRIG_U(bound);
TRIG_K(ud2);
TRIG_U(ud2);
TRIG_K(sel);
TRIG_U(sel);
TRIG_K(cli);
TRIG_U(cli);
TRIG_K(pf_read);
TRIG_U(pf_read);
TRIG_K(pf_write);
TRIG_U(pf_write);
TRIG_K(nm);
TRIG_U(nm);
TRIG_K(ac);
TRIG_U(ac);
TRIG_K(bounced);
TRIG_U(bounced);
TRIG_K(nogate);
TRIG_U(nogate);
TRIG_K(dbw);
TRIG_U(dbw);
TRIG_K(dbx);
extern volatile uint32_t dbg_data;

#define UNMAPPED 0x40000000u /* its L2 entry is not present */
#define EFLAGS_IF 0x200u
#define EFLAGS_AC 0x40000u
#define PF_P 1u
#define PF_W 2u
#define PF_U 4u
#define SEL_HV_DS 0x0810u         /* DPL 0: no guest ring may load it */
#define GP_IDT(n) ((n) << 3 | 2u) /* #GP error for a refused INT n */

static void run_cases(const struct probe_case *c, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (c[i].fn == k_nm || c[i].fn == u_nm)
            HYPERVISOR_fpu_taskswitch(); /* the next FPU instruction raises #NM */
        probe_run(&c[i]);
    }
}

/* #AC needs CR0.AM (the hypervisor's), EFLAGS.AC and CPL 3. QEMU's TCG does not emulate
 * alignment checking at all: when AC was set and nothing arrived, say so instead of failing. */
static void check_alignment(void)
{
    const struct probe_case c = UCASE("#AC misaligned load with EFLAGS.AC", ac, 17, 0, 0);

    trig_result = 0;
    if (probe_fire(&c) == 0 && (trig_result & EFLAGS_AC)) {
        printk("check ring3 %s: skipped, EFLAGS %#x has AC but this CPU raised no #AC "
               "(QEMU TCG does not emulate alignment checks)\n",
               c.name, trig_result);
        return;
    }
    probe_check(&c);
}

#define DR7_L0 0x1u
#define DR7_L1 0x4u
#define DR7_W0_4 (1u << 16 | 3u << 18) /* DR0: data writes, 4 bytes */
#define DR6_B0 0x1u
#define DR6_B1 0x2u
#define DR6_BMASK 0xfu

/* set_debugreg / get_debugreg (ABI §8) accept what the refusal tests do not: values come back as
 * set, and a real breakpoint reaches the guest's trap 1 with DR6 saying which one hit. */
static void debug_registers(void)
{
    static const uint32_t values[5] = {0x12345678u, 0x00400000u, 0xc0000000u, 0xfc3ffffcu,
                                       0x33330000u /* R/W and LEN bits, nothing enabled */};
    static const unsigned regs[5] = {0, 1, 2, 3, 7};
    const struct probe_case data1 =
        KCASE("#DB data breakpoint (DR0 write)", dbw, 1, 0, (uint32_t)&dbg_data);
    const struct probe_case exec1 = KCASE("#DB instruction breakpoint (DR1)", dbx, 1, 0, 0);
    const struct probe_case data3 =
        UCASE("#DB data breakpoint (DR0 write)", dbw, 1, 0, (uint32_t)&dbg_data);
    int ok = 1;

    for (unsigned i = 0; i < 5; i++)
        ok &= HYPERVISOR_set_debugreg(regs[i], values[i]) == 0;
    for (unsigned i = 0; i < 5; i++)
        ok &= (uint32_t)HYPERVISOR_get_debugreg(regs[i]) == values[i];
    check_true("DR0-DR3, DR7 read back as set", ok, "DR0 %#x DR1 %#x DR2 %#x DR3 %#x DR7 %#x",
               HYPERVISOR_get_debugreg(0), HYPERVISOR_get_debugreg(1), HYPERVISOR_get_debugreg(2),
               HYPERVISOR_get_debugreg(3), HYPERVISOR_get_debugreg(7));
    HYPERVISOR_set_debugreg(7, 0);
    HYPERVISOR_set_debugreg(6, 0);

    HYPERVISOR_set_debugreg(0, (uint32_t)&dbg_data);
    HYPERVISOR_set_debugreg(7, DR7_L0 | DR7_W0_4);
    probe_run(&data1);
    check_eq("ring1 DR6 after the data breakpoint: B0",
             HYPERVISOR_get_debugreg(6) & (int32_t)DR6_BMASK, DR6_B0);
    check_eq("set_debugreg(6, 0) clears it", HYPERVISOR_set_debugreg(6, 0), 0);
    check_eq("DR6 reads 0", HYPERVISOR_get_debugreg(6) & (int32_t)DR6_BMASK, 0);

    HYPERVISOR_set_debugreg(1, (uint32_t)k_dbx_eip);
    HYPERVISOR_set_debugreg(7, DR7_L1);
    probe_run(&exec1);
    check_eq("ring1 DR6 after the instruction breakpoint: B1",
             HYPERVISOR_get_debugreg(6) & (int32_t)DR6_BMASK, DR6_B1);
    HYPERVISOR_set_debugreg(6, 0);

    HYPERVISOR_set_debugreg(7, DR7_L0 | DR7_W0_4);
    probe_run(&data3);
    check_eq("ring3 DR6 after the data breakpoint: B0",
             HYPERVISOR_get_debugreg(6) & (int32_t)DR6_BMASK, DR6_B0);

    /* The hypervisor writing the watched word on the guest's behalf is not the guest's #DB. */
    static hv_stats_t stats;
    HYPERVISOR_set_debugreg(0, (uint32_t)&stats.size);
    trap_probe.hits = 0;
    trap_probe.armed = 1;
    int rc = HYPERVISOR_hv_stats(&stats);
    trap_probe.armed = 0;
    check_true("hypervisor's own write to a watched word: no #DB for the guest",
               rc > 0 && trap_probe.hits == 0, "hv_op %d, %u exception(s)", rc, trap_probe.hits);

    for (unsigned i = 0; i < 5; i++)
        HYPERVISOR_set_debugreg(regs[4 - i], 0); /* DR7 first: nothing armed while clearing */
    HYPERVISOR_set_debugreg(6, 0);
    trig_result = dbg_data = 0;
    probe_run(&(const struct probe_case)KCASE("no #DB once DR7 is clear", dbw, PROBE_NONE, 0,
                                              (uint32_t)&dbg_data));
}

void test_exceptions(const start_info_t *si)
{
    const struct probe_case ring1[] = {
        KCASE("divide error", div, 0, 0, 0),
        KCASE("breakpoint", int3, 3, 0, 0),
        KCASE("overflow (into)", into, 4, 0, 0),
        KCASE("bound range", bound, 5, 0, 0),
        KCASE("invalid opcode (ud2)", ud2, 6, 0, 0),
        KCASE("#GP loading a DPL-0 selector", sel, 13, SEL_HV_DS, 0),
        KCASE("#GP privileged instruction (cli)", cli, 13, 0, 0),
        KCASE("page fault read unmapped", pf_read, 14, 0, UNMAPPED),
        KCASE("page fault write unmapped", pf_write, 14, PF_W, UNMAPPED + 8),
        KCASE("page fault write read-only", pf_write, 14, PF_P | PF_W, si->pt_base),
        {"#NM after fpu_taskswitch, retried", 1, k_nm, k_nm_eip, 0, 7, 0, 0},
        KCASE("no #AC in ring 1", ac, PROBE_NONE, 0, 0),
        KCASE("bounced int $0x81", bounced, TRAP_BOUNCED, 0, 0),
        KCASE("int $0x40 with no gate -> #GP", nogate, 13, GP_IDT(0x40u), 0),
    };
    const struct probe_case ring3[] = {
        UCASE("divide error", div, 0, 0, 0),
        UCASE("breakpoint", int3, 3, 0, 0),
        UCASE("overflow (into)", into, 4, 0, 0),
        UCASE("bound range", bound, 5, 0, 0),
        UCASE("invalid opcode (ud2)", ud2, 6, 0, 0),
        UCASE("#GP loading a DPL-0 selector", sel, 13, SEL_HV_DS, 0),
        UCASE("#GP privileged instruction (cli)", cli, 13, 0, 0),
        UCASE("page fault read unmapped", pf_read, 14, PF_U, UNMAPPED),
        UCASE("page fault write unmapped", pf_write, 14, PF_U | PF_W, UNMAPPED + 8),
        UCASE("page fault read kernel page", pf_read, 14, PF_U | PF_P, (uint32_t)&trap_probe),
        {"#NM after fpu_taskswitch, retried", 3, u_nm, u_nm_eip, 0, 7, 0, 0},
        UCASE("bounced int $0x81", bounced, TRAP_BOUNCED, 0, 0),
        UCASE("int $0x40 with no gate -> #GP", nogate, 13, GP_IDT(0x40u), 0),
    };

    check_begin();
    printk("test=exceptions: %u cases from ring 1, %u from ring 3\n",
           (unsigned)(sizeof(ring1) / sizeof(ring1[0])),
           (unsigned)(sizeof(ring3) / sizeof(ring3[0])) + 1);
    run_cases(ring1, sizeof(ring1) / sizeof(ring1[0]));
    trig_result = 0;
    probe_run(&ring1[6]);
    check_true("ring1 cli was not executed", trig_result & EFLAGS_IF, "EFLAGS %#x", trig_result);
    run_cases(ring3, sizeof(ring3) / sizeof(ring3[0]));
    check_alignment();
    trig_result = 0;
    probe_run(&ring3[6]);
    check_true("ring3 cli was not executed", trig_result & EFLAGS_IF, "EFLAGS %#x", trig_result);
    debug_registers();
    check_summary("exceptions");
}

static void run_exceptions(const struct selftest_env *env)
{
    test_exceptions(env->si);
}
SELFTEST(exceptions, "test=exceptions", run_exceptions, SELFTEST_TRAPS);
