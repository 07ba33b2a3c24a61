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
    uint32_t keys; /* wq_wake_key wakes it only for these bits; WQ_KEYS_ALL: for any */
};
#define WQ_KEYS_ALL 0xffffffffu

/* An object's key: one of 32 bits, from its address (a collision only wakes a poller for
 * nothing). */
static inline uint32_t wq_key(const void *obj)
{
    return 1u << ((uint32_t)((uintptr_t)obj >> 4) * 2654435761u >> 27);
}
struct waitq {
    struct wq_entry *head;
};

/* deadline: absolute clock_now() time in ns, 0 = none. Returns 0 when woken, -EINTR when a
 * signal is pending for the process, -ETIMEDOUT at the deadline. */
long wq_wait(struct waitq *q, uint64_t deadline);
/* The same, woken by wq_wake_all and by wq_wake_key for a key among keys. */
long wq_wait_keys(struct waitq *q, uint64_t deadline, uint32_t keys);
void wq_wake_all(struct waitq *q);               /* safe from upcall handlers */
void wq_wake_key(struct waitq *q, uint32_t key); /* those waiting for key (or for any) */
/* Sleep until woken, by the queue or by a signal sent to the process; no -EINTR: the caller
 * re-checks its condition and decides what a pending signal means (a vfork parent waits on
 * unless the signal is fatal). */
void wq_sleep(struct waitq *q);

/* Woken on every change that poll/select might care about (pipe data, pipe closed, console
 * input, sockets): pollers re-scan their descriptors after each wake-up. A socket's change
 * wakes only the pollers with that socket's key among theirs (a poller of sockets alone is not
 * woken by every other socket's traffic); the others wake everybody. */
extern struct waitq poll_wq;

#endif
