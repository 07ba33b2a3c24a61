/* Wait queues: a task sleeps on a queue until somebody wakes it, its deadline passes or a
 * signal arrives. The usual loop is
 *     while (!condition) { long rc = wq_wait(&q, deadline); if (rc) return rc; }
 * When the condition can change in an upcall (console input, network), mask events around the
 * test and the wait (evt_disable / evt_restore): wq_wait keeps the caller's mask state. */
#ifndef GUEST_WAIT_H
#define GUEST_WAIT_H

#include <stdint.h>

struct task;
struct wq_entry {
    struct task *task;
    struct wq_entry *next;
};
struct waitq {
    struct wq_entry *head;
};

/* deadline: absolute clock_now() time in ns, 0 = none. Returns 0 when woken, -EINTR when a
 * signal is pending for the process, -ETIMEDOUT at the deadline. */
long wq_wait(struct waitq *q, uint64_t deadline);
void wq_wake_all(struct waitq *q); /* safe from upcall handlers */
/* Sleep until woken, by the queue or by a signal sent to the process; no -EINTR: the caller
 * re-checks its condition and decides what a pending signal means (a vfork parent waits on
 * unless the signal is fatal). */
void wq_sleep(struct waitq *q);

/* Woken on every change that poll/select might care about (pipe data, pipe closed, console
 * input, sockets): pollers re-scan their descriptors after each wake-up. */
extern struct waitq poll_wq;

#endif
