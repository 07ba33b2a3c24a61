/* test=fastpath: N null system calls from ring 3, with the hypervisor's counters read before and
 * after. Fast trap on: no hypervisor code may run (no bounce, no hypercall but hv_op itself);
 * off: every int $0x80 is one bounce. The calls' results must not depend on the path. On both
 * paths, a gate the guest registered for ring 1 only stays shut to ring 3. */
#include <selftest/check.h>
#include <pv/console.h>
#include <pv/mmu.h>
#include <selftest/probe.h>
#include <selftest/trap_tests.h>
#include <arch/x86/traps.h>
#include <selftest/ring3.h>
#include <kernel/selftest_table.h>

#define N 1000
#define MSG_LEN 26 /* "(guest) hello from ring 3\n" (user_progs.S) */

extern user_fn u_null_calls, u_write;
extern char syscall_entry[];
TRIG_U(int21);
static hv_stats_t s0, s1;

#define GATE_TEST_VECTOR 0x21u
#define GP_IDT(n) ((n) << 3 | 2u) /* #GP error for a refused INT n */

/* Vector 0x21 to the system-call entry, registered with DPL dpl; with the fast trap on, made the
 * fast trap (its IDT gate must then carry that DPL, not 3). 0x80 then goes back to bouncing. */
static int gate_for(unsigned dpl, int fast)
{
    const trap_info_t t[] = {
        {GATE_TEST_VECTOR, (uint8_t)dpl, FLAT_RING1_CS, (uint32_t)syscall_entry}, {0, 0, 0, 0}};
    int rc = HYPERVISOR_set_fast_trap(0);

    if (rc == 0)
        rc = HYPERVISOR_set_trap_table(t);
    if (rc == 0 && fast)
        rc = HYPERVISOR_set_fast_trap(GATE_TEST_VECTOR);
    return rc;
}

/* int $0x21 from ring 3: a #GP with the vector in the error code and no system call while the
 * gate is for ring 1 only; the system call itself once it is open to ring 3. */
static void check_gate_dpl(int fast)
{
    const struct probe_case shut = UCASE("int $0x21 to a gate registered for ring 1 only -> #GP",
                                         int21, 13, GP_IDT(GATE_TEST_VECTOR), 0);
    const struct probe_case open =
        UCASE("int $0x21 to the same gate registered for ring 3", int21, PROBE_NONE, 0, 0);
    uint32_t calls0;

    check_eq("0x21 registered for ring 1 only", gate_for(1, fast), 0);
    calls0 = syscall_count;
    probe_run(&shut);
    /* syscall_count counts every entry, the program's closing SYS_exit included. */
    check_eq("no system call through the shut gate (only the exit)",
             (int32_t)(syscall_count - calls0), 1);
    check_eq("0x21 registered for ring 3", gate_for(3, fast), 0);
    calls0 = syscall_count;
    probe_run(&open);
    check_eq("one system call through the open gate (and the exit)",
             (int32_t)(syscall_count - calls0), 2);
    check_eq("system calls back at 0x80", user_fast_trap(fast), 0);
}

static void check_write(void)
{
    check_eq("ring3 write exit code", (int32_t)run_user(u_write), 7);
    check_eq("ring3 write", (int32_t)user_result[0], MSG_LEN);
    check_eq("ring3 write from a kernel address", (int32_t)user_result[1], -XEN_EFAULT);
    check_eq("ring3 write too long", (int32_t)user_result[2], -XEN_EINVAL);
    check_eq("ring3 unknown system call", (int32_t)user_result[3], -XEN_ENOSYS);
}

static void check_counters(int fast)
{
    unsigned bad = 32;
    uint32_t bounced = s1.bounces[TRAP_SYSCALL] - s0.bounces[TRAP_SYSCALL];

    for (unsigned i = 0; i < 32 && bad == 32; i++)
        if (i != __HYPERVISOR_hv_op && s1.hypercalls[i] != s0.hypercalls[i])
            bad = i;
    check_true("no hypercall but hv_op during the calls", bad == 32, "hypercall %u: %u -> %u", bad,
               bad < 32 ? s0.hypercalls[bad] : 0, bad < 32 ? s1.hypercalls[bad] : 0);
    check_eq("hv_op counted once",
             (int32_t)(s1.hypercalls[__HYPERVISOR_hv_op] - s0.hypercalls[__HYPERVISOR_hv_op]), 1);
    /* Besides the N null calls, ring 3 makes two more: getpid and exit. */
    if (fast)
        check_eq("bounces[0x80] unchanged (fast trap)", (int32_t)bounced, 0);
    else
        check_eq("bounces[0x80] rose by N + 2 (N null, getpid, exit)", (int32_t)bounced, N + 2);
}

void test_fastpath(int fast)
{
    uint32_t calls0, code;

    check_begin();
    printk("test=fastpath: fast trap %s, %u null system calls from ring 3\n", fast ? "on" : "off",
           N);
    /* Off: installed first, so that set_fast_trap(0) must really take the gate out again. */
    if (!fast)
        check_eq("set_fast_trap(0x80) before turning it off", user_fast_trap(1), 0);
    check_eq(fast ? "set_fast_trap(0x80)" : "set_fast_trap(0)", user_fast_trap(fast), 0);
    check_write();

    user_arg = N;
    calls0 = syscall_count;
    HYPERVISOR_hv_stats(&s0);
    code = run_user(u_null_calls);
    HYPERVISOR_hv_stats(&s1);

    check_eq("ring3 exit code", (int32_t)code, 0);
    check_eq("guest counted N + 2 system calls", (int32_t)(syscall_count - calls0), N + 2);
    check_eq("every null call returned 0", (int32_t)user_result[0], 0);
    check_eq("getpid", (int32_t)user_result[1], SYS_PID);
    check_eq("registers other than EAX kept", (int32_t)user_result[2], 0);
    check_counters(fast);
    check_gate_dpl(fast);
    check_summary("fastpath");
}

static void run_fastpath(const struct selftest_env *env)
{
    test_fastpath(env->fast_trap);
}
SELFTEST(fastpath, "test=fastpath", run_fastpath, SELFTEST_TRAPS);
