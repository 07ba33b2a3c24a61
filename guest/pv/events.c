/*
 * Event demultiplexing (ABI §6, §11). The hypervisor enters event_callback (arch/x86/entry.S)
 * with upcall_mask = 1; we scan pending_sel and pending[] and call the handler bound to each
 * unmasked pending port, clearing its pending bit first so an event raised meanwhile is kept.
 *
 * The critical section. Handlers run with upcall_mask = 1, so they never nest. The danger is
 * the way out: the callback must clear upcall_mask before its iret (nothing else will), and an
 * event raised after the clear but before the iret makes the hypervisor bounce into
 * event_callback again, one frame deeper, on the same stack; under a steady stream of events
 * this could nest without bound. entry.S closes the hole in two ways:
 *   1. The exit path restores every register first and only then, in the region
 *      [evt_crit_start, evt_crit_end), clears the mask, re-checks upcall_pending and irets. If
 *      the re-check finds work, it sets the mask again and re-runs the demultiplexer on the
 *      same frame instead of returning (evt_exit_rechecks).
 *   2. An upcall that lands inside that region is one whose interrupted context has nothing
 *      left on the stack but the previous, still valid frame: its registers are already the
 *      ones that frame will resume with. event_callback then drops the new three-word frame
 *      (ring 1 to ring 1) and handles the events on the old one (evt_fixups).
 * So the number of live callback frames on a stack is at most one per interrupted context:
 * one for the task itself, plus none for nested windows. evtchn_stats.depth counts the frames
 * that reach C, and the events test checks that max_depth stays 1.
 *
 * Masking a port only stops upcalls for it; its pending bit stays. Unmasking re-checks the
 * bit itself (ABI §11: the hypervisor does not look again) and, if set, marks pending_sel and
 * upcall_pending and, unless upcalls are masked, forces delivery with a cheap hypercall whose
 * return path checks for events.
 */
#include <pv/console.h>
#include <pv/events.h>

struct evtchn_stats evtchn_stats;
void (*evtchn_exit_hook)(struct event_frame *f);

static struct {
    evtchn_handler_t *fn;
    void *arg;
} handlers[NR_EVENT_CHANNELS];

void evtchn_do_upcall(struct event_frame *f);

static inline void bit_set(volatile uint32_t *w, unsigned bit)
{
    __asm__ volatile("lock btsl %1, %0" : "+m"(*w) : "r"(bit) : "memory");
}
static inline void bit_clear(volatile uint32_t *w, unsigned bit)
{
    __asm__ volatile("lock btrl %1, %0" : "+m"(*w) : "r"(bit) : "memory");
}
static inline int bit_test_and_set(volatile uint32_t *w, unsigned bit)
{
    uint8_t old;

    __asm__ volatile("lock btsl %2, %0; setc %1" : "+m"(*w), "=q"(old) : "r"(bit) : "memory");
    return old;
}
static inline uint32_t xchg32(volatile uint32_t *w, uint32_t v)
{
    __asm__ volatile("xchgl %0, %1" : "+r"(v), "+m"(*w) : : "memory");
    return v;
}

void evtchn_force_callback(void)
{
    evtchn_stats.forced++;
    (void)HYPERVISOR_xen_version(XENVER_version);
}

void evt_enable(void)
{
    volatile shared_info_t *s = HYPERVISOR_shared_info;

    s->evtchn_upcall_mask = 0;
    __asm__ volatile("" ::: "memory");
    if (s->evtchn_upcall_pending)
        evtchn_force_callback();
}

int evtchn_bind(uint32_t port, evtchn_handler_t *fn, void *arg)
{
    if (port >= NR_EVENT_CHANNELS)
        return -XEN_EINVAL;
    handlers[port].arg = arg;
    handlers[port].fn = fn;
    return 0;
}

void evtchn_unbind(uint32_t port)
{
    if (port < NR_EVENT_CHANNELS)
        handlers[port].fn = 0;
}

int evtchn_bind_virq(uint32_t virq, evtchn_handler_t *fn, void *arg)
{
    evtchn_op_t op = {.cmd = EVTCHNOP_bind_virq, .u.bind_virq.virq = virq};
    int rc = HYPERVISOR_event_channel_op(&op);

    if (rc < 0)
        return rc;
    evtchn_bind(op.u.bind_virq.port, fn, arg);
    return (int)op.u.bind_virq.port;
}

void evtchn_mask(uint32_t port)
{
    bit_set(&HYPERVISOR_shared_info->evtchn_mask[port >> 5], port & 31);
}

void evtchn_unmask(uint32_t port)
{
    volatile shared_info_t *s = HYPERVISOR_shared_info;

    bit_clear(&s->evtchn_mask[port >> 5], port & 31);
    if (!((s->evtchn_pending[port >> 5] >> (port & 31)) & 1))
        return;
    bit_set(&s->evtchn_pending_sel, port >> 5);
    s->evtchn_upcall_pending = 1;
    if (!s->evtchn_upcall_mask)
        evtchn_force_callback();
}

int evtchn_is_pending(uint32_t port)
{
    return (HYPERVISOR_shared_info->evtchn_pending[port >> 5] >> (port & 31)) & 1;
}

void evtchn_clear(uint32_t port)
{
    bit_clear(&HYPERVISOR_shared_info->evtchn_pending[port >> 5], port & 31);
}

static void dispatch(uint32_t port, struct event_frame *f)
{
    if (handlers[port].fn)
        handlers[port].fn(port, f, handlers[port].arg);
}

/* Every pending, unmasked port of word i, its bit cleared before its handler runs. */
static inline void dispatch_word(volatile shared_info_t *s, unsigned i, struct event_frame *f)
{
    uint32_t bits = s->evtchn_pending[i] & ~s->evtchn_mask[i];

    while (bits) {
        unsigned b = (unsigned)__builtin_ctz(bits);

        bits &= bits - 1;
        bit_clear(&s->evtchn_pending[i], b);
        dispatch(i * 32 + b, f);
    }
}

/* Entered from event_callback with upcall_mask = 1, never nested (see the essay above). The
 * common case, only ports 0-31 pending (pending_sel is 1: the timer, the console, the devices'
 * and loopback ports are allocated from the bottom), takes a path of its own with word 0's
 * addresses constant, so that fewer values live across the handler's call. */
void evtchn_do_upcall(struct event_frame *f)
{
    volatile shared_info_t *s = HYPERVISOR_shared_info;

    evtchn_stats.upcalls++;
    if (++evtchn_stats.depth > evtchn_stats.max_depth)
        evtchn_stats.max_depth = evtchn_stats.depth;
    while (s->evtchn_upcall_pending) {
        uint32_t sel;

        s->evtchn_upcall_pending = 0;
        sel = xchg32(&s->evtchn_pending_sel, 0);
        if (sel == 1) {
            dispatch_word(s, 0, f);
            continue;
        }
        for (; sel; sel &= sel - 1)
            dispatch_word(s, (unsigned)__builtin_ctz(sel), f);
    }
    if (evtchn_exit_hook)
        evtchn_exit_hook(f);
    evtchn_stats.depth--;
}

void events_init(void)
{
    /* Port 0 (VIRQ_MISDIRECT) is always there; say so if it ever fires. */
    evtchn_stats = (struct evtchn_stats){0};
}
