/* Wait queues (kernel/wait.h) over the scheduler's block/wake, with an optional deadline
 * from the timer queue. Entries live on the sleeper's stack. */
#include <linux/errno.h>
#include <pv/events.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <pv/time.h>
#include <kernel/wait.h>

struct waitq poll_wq;

static void unlink_entry(struct waitq *q, struct wq_entry *e)
{
    for (struct wq_entry **pp = &q->head; *pp; pp = &(*pp)->next) {
        if (*pp == e) {
            *pp = e->next;
            return;
        }
    }
}

struct sleep_timer {
    struct timer t; /* first: the callback gets &t */
    int fired;
};

static void deadline_passed(struct timer *t)
{
    struct sleep_timer *st = (struct sleep_timer *)t;

    st->fired = 1;
    sched_wake(t->arg);
}

long wq_wait(struct waitq *q, uint64_t deadline)
{
    return wq_wait_watch(q, deadline, 0);
}

long wq_wait_watch(struct waitq *q, uint64_t deadline, const struct wq_watch *w)
{
    uint8_t old = evt_disable();
    struct wq_entry e = {current, q->head, w};
    struct sleep_timer st = {{.fn = deadline_passed, .arg = current}, 0};
    long rc = 0;

    if (current->proc && signal_pending()) {
        evt_restore(old);
        return -EINTR;
    }
    if (deadline && deadline <= clock_now()) {
        evt_restore(old);
        return -ETIMEDOUT;
    }
    q->head = &e; /* cppcheck-suppress autoVariables ; unlinked again before we return */
    if (deadline)
        timer_add(&st.t, deadline);
    sched_block();
    unlink_entry(q, &e);
    if (deadline) {
        timer_cancel(&st.t);
        if (st.fired)
            rc = -ETIMEDOUT;
    }
    if (rc == 0 && current->proc && signal_pending())
        rc = -EINTR;
    evt_restore(old);
    return rc;
}

void wq_wake_all(struct waitq *q)
{
    uint8_t old = evt_disable();

    for (struct wq_entry *e = q->head; e; e = e->next)
        sched_wake(e->task);
    evt_restore(old);
}

void wq_watch_add(struct wq_watch *w, const void *obj)
{
    if (!obj) {
        w->keys = WQ_KEYS_ALL;
        w->nobjs = WQ_OBJS + 1;
        return;
    }
    w->keys |= wq_key(obj);
    for (uint32_t i = 0; i < w->nobjs && i < WQ_OBJS; i++)
        if (w->objs[i] == obj)
            return;
    if (w->nobjs < WQ_OBJS)
        w->objs[w->nobjs++] = obj;
    else
        w->nobjs = WQ_OBJS + 1;
}

static int watches(const struct wq_watch *w, const void *obj)
{
    if (!w)
        return 1;
    if (w->nobjs > WQ_OBJS)
        return (w->keys & wq_key(obj)) != 0;
    for (uint32_t i = 0; i < w->nobjs; i++)
        if (w->objs[i] == obj)
            return 1;
    return 0;
}

void wq_wake_obj(struct waitq *q, const void *obj)
{
    uint8_t old = evt_disable();

    for (struct wq_entry *e = q->head; e; e = e->next)
        if (watches(e->watch, obj))
            sched_wake(e->task);
    evt_restore(old);
}

void wq_sleep(struct waitq *q)
{
    uint8_t old = evt_disable();
    struct wq_entry e = {current, q->head, 0};

    q->head = &e; /* cppcheck-suppress autoVariables ; unlinked again before we return */
    sched_block();
    unlink_entry(q, &e);
    evt_restore(old);
}
