/* Wait queues: a task sleeps on a queue until somebody wakes it, its deadline passes or a
 * signal arrives. The usual loop is
 *     while (!condition) { long rc = wq_wait(&q, deadline); if (rc) return rc; }
 * When the condition can change in an upcall (console input, network), mask events around the
 * test and the wait (evt_disable / evt_restore): wq_wait keeps the caller's mask state. */
#ifndef GUEST_WAIT_H
#define GUEST_WAIT_H

#include <stdint.h>

struct task;

/* What a poller watches: up to WQ_OBJS objects named exactly, and the keys of all it watches
 * (one of 32 bits per object, from its address). A change of an object wakes the pollers that
 * name it; past WQ_OBJS objects the keys decide (a collision only wakes a poller for nothing). */
#define WQ_OBJS 8
#define WQ_KEYS_ALL 0xffffffffu
struct wq_watch {
    uint32_t keys;  /* WQ_KEYS_ALL: woken by any change */
    uint32_t nobjs; /* objects in objs[]; WQ_OBJS + 1: more than fit, keys decide */
    const void *objs[WQ_OBJS];
};

struct wq_entry {
    struct task *task;
    struct wq_entry *next;
    const struct wq_watch *watch; /* NULL: woken by any change */
};

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
/* The same, woken by wq_wake_all and by wq_wake_obj for an object w watches. */
long wq_wait_watch(struct waitq *q, uint64_t deadline, const struct wq_watch *w);
void wq_wake_all(struct waitq *q);                  /* safe from upcall handlers */
void wq_wake_obj(struct waitq *q, const void *obj); /* those watching obj (or anything) */
/* Add obj to w (NULL: any change: w then watches everything). */
void wq_watch_add(struct wq_watch *w, const void *obj);
/* Sleep until woken, by the queue or by a signal sent to the process; no -EINTR: the caller
 * re-checks its condition and decides what a pending signal means (a vfork parent waits on
 * unless the signal is fatal). */
void wq_sleep(struct waitq *q);

/* Woken on every change that poll/select might care about (pipe data, pipe closed, console
 * input, sockets): pollers re-scan their descriptors after each wake-up. A socket's or a pipe's
 * change wakes only the pollers that watch it (wq_wake_obj: a poller of sockets or pipes is not
 * woken by the others' traffic); the others (the console) wake everybody. */
extern struct waitq poll_wq;

#endif
