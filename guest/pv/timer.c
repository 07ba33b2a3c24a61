/* One-shot timers: a list sorted by deadline, its head programmed with set_timer_op; the
 * VIRQ_TIMER handler runs what is due and programs the next one. One upcall runs at most
 * TIMER_PASS_MAX callbacks; what is still due then is put off by TIMER_DEFER_NS, so that the
 * interrupted code runs in between however many timers there are. A callback that re-arms its
 * timer at or before the time the pass started waits for the next pass. */
#include <pv/console.h>
#include <pv/events.h>
#include <pv/time.h>
#include <lib/errno_names.h>

#define TIMER_PASS_MAX 32
#define TIMER_DEFER_NS (50 * NSEC_PER_USEC)

static struct timer *queue;
uint32_t timer_virqs, timer_deferrals;
int timer_port = -1;

static void program(void)
{
    HYPERVISOR_set_timer_op(queue ? queue->deadline : 0);
}

static void unlink(struct timer *t)
{
    for (struct timer **pp = &queue; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    t->armed = 0;
}

void timer_add(struct timer *t, uint64_t deadline)
{
    uint8_t old = evt_disable();
    struct timer **pp = &queue;

    if (t->armed)
        unlink(t);
    t->deadline = deadline;
    while (*pp && (*pp)->deadline <= deadline)
        pp = &(*pp)->next;
    t->next = *pp;
    *pp = t;
    t->armed = 1;
    if (queue == t)
        program();
    evt_restore(old);
}

void timer_cancel(struct timer *t)
{
    uint8_t old = evt_disable();

    if (t->armed) {
        int was_head = queue == t;

        unlink(t);
        if (was_head)
            program();
    }
    evt_restore(old);
}

/* Upcall context (events masked): run the due timers; their callbacks may add timers. */
void timer_virq(uint32_t port, struct event_frame *f, void *arg)
{
    uint64_t now = clock_now();
    unsigned ran = 0;

    (void)port, (void)f, (void)arg;
    timer_virqs++;
    while (queue && queue->deadline <= now && ran < TIMER_PASS_MAX) {
        struct timer *t = queue;

        queue = t->next;
        t->armed = 0;
        t->fn(t);
        ran++;
    }
    if (queue && queue->deadline <= now) {
        timer_deferrals++;
        HYPERVISOR_set_timer_op(now + TIMER_DEFER_NS);
        return;
    }
    program();
}

void timers_init(void)
{
    timer_port = evtchn_bind_virq(VIRQ_TIMER, timer_virq, 0);
    if (timer_port < 0)
        printk("error: cannot bind VIRQ_TIMER: %s\n", errno_name(timer_port));
}
