/* One-shot timers: a list sorted by deadline, its head programmed with set_timer_op; the
 * VIRQ_TIMER handler runs whatever is due and programs the next one. */
#include <guest/console.h>
#include <guest/events.h>
#include <guest/time.h>
#include <lib/errno_names.h>

static struct timer *queue;
uint32_t timer_virqs;
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
    (void)port, (void)f, (void)arg;
    timer_virqs++;
    for (;;) {
        uint64_t now = clock_now();
        struct timer *t = queue;

        if (!t || t->deadline > now)
            break;
        queue = t->next;
        t->armed = 0;
        t->fn(t);
    }
    program();
}

void timers_init(void)
{
    timer_port = evtchn_bind_virq(VIRQ_TIMER, timer_virq, 0);
    if (timer_port < 0)
        printk("error: cannot bind VIRQ_TIMER: %s\n", errno_name(timer_port));
}
