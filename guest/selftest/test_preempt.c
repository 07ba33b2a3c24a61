/* test=preempt: two endless ring-3 counters both make progress, and a ring-3 hog that never
 * yields does not starve a kernel thread printing to the console; switches between kernel
 * threads make no stack_switch (the entry stack serves ring 3 only). */
#include <selftest/check.h>
#include <pv/console.h>
#include <selftest/event_tests.h>
#include <pv/events.h>
#include <pv/mmu.h>
#include <kernel/sched.h>
#include <pv/time.h>
#include <kernel/selftest_table.h>

#define PRINT_PERIOD_NS (20 * NSEC_PER_MSEC)
#define MIN_LINES 15
#define HALF_DEADLINE_NS (20 * NSEC_PER_SEC)

extern void u_count0(void), u_count1(void), u_hog(void);
extern volatile uint32_t user_counters[3];
extern uint8_t user_task_stacks[3][256];

static volatile int stop;
static volatile uint32_t lines;

static void printer(void *arg)
{
    (void)arg;
    while (!stop) {
        printk("preempt: kernel thread line %u at %u ms\n", ++lines,
               (uint32_t)ns_div(clock_now(), 1000000));
        sleep_ns(PRINT_PERIOD_NS);
    }
}

#define PONGS 100
static volatile uint32_t pongs;

static void ponger(void *arg)
{
    (void)arg;
    while (pongs < PONGS) {
        pongs++;
        sched_yield();
    }
}

/* Two kernel threads yield to each other PONGS times: a switch to a task that never runs ring 3
 * leaves the entry stack (TSS esp1) as it is, so none of them calls stack_switch. */
static void kernel_switches(void)
{
    static hv_stats_t a, b;

    HYPERVISOR_hv_stats(&a);
    struct task *t = task_spawn("ponger", ponger, 0);
    uint64_t deadline = clock_now() + HALF_DEADLINE_NS;

    while (t && pongs < PONGS && clock_now() < deadline)
        sched_yield();
    HYPERVISOR_hv_stats(&b);
    uint32_t calls =
        b.hypercalls[__HYPERVISOR_stack_switch] - a.hypercalls[__HYPERVISOR_stack_switch];
    check_true("switches between kernel threads make no stack_switch",
               t && pongs == PONGS && !calls, "%u switches each way, %u stack_switch calls", pongs,
               calls);
}

void test_preempt(void)
{
    void (*progs[3])(void) = {u_count0, u_count1, u_hog};
    struct task *t[3], *p;
    uint32_t half[3], end[3];

    check_begin();
    evt_enable();
    for (int i = 0; i < 3; i++)
        t[i] = task_spawn_user(i == 2 ? "hog" : "counter", progs[i],
                               (uint32_t)user_task_stacks[i] + sizeof(user_task_stacks[i]));
    p = task_spawn("printer", printer, 0);
    check_true("spawned 3 ring-3 programs and a kernel thread", t[0] && t[1] && t[2] && p,
               "task table full");
    /* Each half ends on progress, not on time: a host that pauses the emulator stretches the
     * guest clock's intervals without running the guest, so a fixed 250 ms may see no progress.
     * The deadline only bounds a broken scheduler's wait, far beyond any pause of the host. */
    uint64_t deadline = clock_now() + HALF_DEADLINE_NS;
    while (!(lines >= MIN_LINES / 2 && user_counters[0] && user_counters[1] && user_counters[2]) &&
           clock_now() < deadline)
        sleep_ns(PRINT_PERIOD_NS);
    for (int i = 0; i < 3; i++)
        half[i] = user_counters[i];
    deadline = clock_now() + HALF_DEADLINE_NS;
    while (!(lines >= MIN_LINES && user_counters[0] > half[0] && user_counters[1] > half[1]) &&
           clock_now() < deadline)
        sleep_ns(PRINT_PERIOD_NS);
    for (int i = 0; i < 3; i++) {
        end[i] = user_counters[i];
        task_kill(t[i]);
    }
    stop = 1;
    sleep_ns(2 * PRINT_PERIOD_NS); /* the printer sees stop and ends */

    printk("preempt: counters at half time %u %u %u, at the end %u %u %u; %u preemptions; "
           "kernel thread printed %u lines\n",
           half[0], half[1], half[2], end[0], end[1], end[2], sched_preemptions, lines);
    check_true("counter 0 progressed in both halves", half[0] > 0 && end[0] > half[0], "%u then %u",
               half[0], end[0]);
    check_true("counter 1 progressed in both halves", half[1] > 0 && end[1] > half[1], "%u then %u",
               half[1], end[1]);
    check_true("the hog ran", end[2] > 0, "%u", end[2]);
    check_true("the hog did not starve the kernel thread", lines >= MIN_LINES,
               "kernel thread printed %u lines, wanted at least %u", lines, MIN_LINES);
    check_true("ring 3 was preempted", sched_preemptions > 0, "no preemption");
    kernel_switches();
    check_summary("preempt");
}

static void run_preempt(const struct selftest_env *env)
{
    (void)env;
    test_preempt();
}
SELFTEST(preempt, "test=preempt", run_preempt, SELFTEST_EVENTS);
