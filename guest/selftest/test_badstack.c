/* test=badstack: a ring-1 entry stack that is not mapped, then a system call from ring 3 with
 * the fast trap off: the hypervisor cannot write the bounce frame and must crash the guest. */
#include <selftest/check.h>
#include <pv/console.h>
#include <selftest/trap_tests.h>
#include <selftest/ring3.h>
#include <kernel/selftest_table.h>

#define BAD_STACK 0x40001000u /* its L2 entry is not present */

extern user_fn u_one_call;

void test_badstack(void)
{
    check_begin();
    printk("test=badstack: ring-1 entry stack at unmapped %#x, system call from ring 3\n",
           BAD_STACK);
    check_eq("set_fast_trap(0)", user_fast_trap(0), 0);
    check_eq("stack_switch to an unmapped stack", user_set_entry_stack(BAD_STACK), 0);
    run_user(u_one_call);
    check_true("the hypervisor crashed the guest", 0, "the system call returned");
    user_set_entry_stack(user_entry_stack_top());
    check_summary("badstack");
}

static void run_badstack(const struct selftest_env *env)
{
    (void)env;
    test_badstack();
}
SELFTEST(badstack, "test=badstack", run_badstack, SELFTEST_TRAPS);
