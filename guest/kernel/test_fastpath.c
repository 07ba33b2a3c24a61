/* test=fastpath: N null system calls from ring 3, with the hypervisor's counters read before and
 * after. Fast trap on: no hypervisor code may run (no bounce, no hypercall but hv_op itself);
 * off: every int $0x80 is one bounce. The calls' results must not depend on the path. */
#include <guest/check.h>
#include <guest/console.h>
#include <guest/mmu.h>
#include <guest/trap_tests.h>
#include <guest/traps.h>
#include <guest/user.h>

#define N 1000
#define MSG_LEN 26 /* "(guest) hello from ring 3\n" (user_progs.S) */

extern user_fn u_null_calls, u_write;
static hv_stats_t s0, s1;

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
    check_summary("fastpath");
}
