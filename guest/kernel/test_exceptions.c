/* test=exceptions: every exception the hypervisor forwards (ABI §4), caused on purpose from ring
 * 1 and from ring 3, and checked for vector, error code, saved CS ring, saved EIP and CR2. */
#include <guest/check.h>
#include <guest/console.h>
#include <guest/probe.h>
#include <guest/trap_tests.h>
#include <guest/traps.h>
#include <guest/user.h>

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
    check_summary("exceptions");
}
