/* Unit tests for the idle loop itself (core/idle.c, with core/net.c's device list and poll) on a
 * simulated CPU: a TSC that moves as the code runs, interrupts taken only in an interrupt window
 * or a halt (and closing the idle span on entry, as do_trap does), a card whose receive ring
 * gets frames by DMA (with or without an interrupt) and a guest with or without receive
 * buffers. What is checked: a short block ends while polling, a long one halts, a frame in the
 * ring ends the poll before its moderated interrupt, idlepoll=0 never polls, a frame that finds
 * no guest buffer is not serviced over and over while the poll lasts, a wedged card does not
 * keep the poll going, and the idle span (busy cycles) leaves out the interrupt handlers and the
 * card's service and is closed on return. */
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "hv/arch.h"
#include "hv/domain.h"
#include "hv/idle.h"
#include "hv/net.h"
#include "hv/netif.h"
#include "hv/options.h"
#include "hv/pci.h"
#include "hv/time.h"

#define PER_US 1000u /* a 1 GHz TSC */
#define US(n) ((uint64_t)(n)*PER_US)
#define STEP 20      /* cycles per TSC read or pause */
#define HANDLER 300  /* cycles of an interrupt handler */
#define SERVICE 1000 /* cycles of a card's service */
#define SPIN_LIMIT 1000000

struct hv_options hv_opts;
static shared_info_t shared;
static struct domain dom = {.shared_info = &shared};
static jmp_buf hung;
static const char *hang_why;

/* ---- The simulated CPU ---- */
enum ev_kind { EV_TIMER, EV_NIC_IRQ, EV_OTHER_IRQ, EV_DMA };
static struct ev {
    uint64_t at;
    enum ev_kind kind;
    int done;
} evs[16];
static unsigned nevs;
static uint64_t now, handler_cycles, service_cycles, idle_cycles, idle_since;
static unsigned halts, windows, halted_with_event;

static void at(uint64_t when, enum ev_kind kind)
{
    evs[nevs++] = (struct ev){when, kind, 0};
}

static int ring_frames; /* frames the card has written to its ring (DD set) */
static void dma(void)
{
    for (unsigned i = 0; i < nevs; i++)
        if (!evs[i].done && evs[i].kind == EV_DMA && evs[i].at <= now) {
            evs[i].done = 1;
            ring_frames++;
        }
}

static void advance(uint64_t cycles)
{
    now += cycles;
    dma();
}

static struct net_dev nic;
static void take_interrupts(void)
{
    for (unsigned i = 0; i < nevs; i++) {
        if (evs[i].done || evs[i].kind == EV_DMA || evs[i].at > now)
            continue;
        evs[i].done = 1;
        arch_idle_end(); /* do_trap */
        advance(HANDLER);
        handler_cycles += HANDLER;
        if (evs[i].kind == EV_TIMER)
            shared.evtchn_upcall_pending = 1;
        else if (evs[i].kind == EV_NIC_IRQ)
            net_irq_latch(&nic);
        /* EV_OTHER_IRQ: one that wakes nothing (the serial port, another card's shared line) */
    }
}

uint32_t arch_tsc_hz(void)
{
    return 1000u * PER_US * 1000u;
}
uint64_t arch_tsc(void)
{
    advance(STEP);
    return now;
}
void arch_relax(void)
{
    advance(STEP);
}
void arch_irq_window(void)
{
    if (++windows > SPIN_LIMIT) {
        hang_why = "the poll never ends";
        longjmp(hung, 1);
    }
    take_interrupts();
}
void arch_idle_begin(void)
{
    if (!idle_since)
        idle_since = now;
}
void arch_idle_end(void)
{
    if (idle_since) {
        idle_cycles += now - idle_since;
        idle_since = 0;
    }
}
void arch_idle(void)
{
    arch_idle_begin();
    halts++;
    if (shared.evtchn_upcall_pending)
        halted_with_event++; /* a missed wake-up: the guest's event waits for another one */
    uint64_t next = UINT64_MAX;
    for (unsigned i = 0; i < nevs; i++)
        if (!evs[i].done && evs[i].kind != EV_DMA && evs[i].at < next)
            next = evs[i].at;
    if (next == UINT64_MAX) {
        hang_why = "halted with no interrupt to come";
        longjmp(hung, 1);
    }
    if (next > now)
        advance(next - now);
    take_interrupts();
    arch_idle_end();
}

/* ---- The card and the netif backend ---- */
static int guest_buffers, reset_every_service;
static unsigned services, delivered, no_buffer, resets, rx_ready_calls;

static int fake_rx_ready(struct net_dev *n)
{
    (void)n;
    rx_ready_calls++;
    return ring_frames > 0;
}
static void fake_service(struct net_dev *n)
{
    services++;
    advance(SERVICE);
    service_cycles += SERVICE;
    if (reset_every_service) { /* a wedged card: it reads all ones after every reset */
        net_request_reset(n, "device reads all ones");
        return;
    }
    while (ring_frames > 0 && net_rx_deliver(n, "frame", 60))
        ring_frames--;
}
static void fake_reset(struct net_dev *n)
{
    (void)n;
    resets++;
    advance(US(100));
    service_cycles += US(100);
    ring_frames = 0;
}
static uint8_t *fake_tx_buf(struct net_dev *n, int *err)
{
    (void)n, (void)err;
    return 0;
}
static void fake_tx_queue(struct net_dev *n, uint32_t len, const struct net_csum *c)
{
    (void)n, (void)len, (void)c;
}
static void fake_commit(struct net_dev *n)
{
    (void)n;
}
static const struct net_ops fake_ops = {fake_tx_buf,  fake_tx_queue, fake_commit,
                                        fake_service, fake_reset,    fake_rx_ready};
static struct net_dev nic = {.ops = &fake_ops, .name = "fake"};

int netif_rx_frame(struct net_dev *n, const void *frame, uint32_t len)
{
    (void)n, (void)frame, (void)len;
    if (guest_buffers == 0) {
        no_buffer++; /* netif's rx drops: "frames that found no buffer" */
        return 0;
    }
    guest_buffers--;
    delivered++;
    shared.evtchn_upcall_pending = 1; /* the response crosses rsp_event: the port is raised */
    return 1;
}
void netif_flush(void)
{
}
void netif_link_event(struct net_dev *n)
{
    (void)n;
}
void printk(const char *fmt, ...)
{
    (void)fmt;
}
void pci_init(void)
{
}
unsigned pci_device_count(void)
{
    return 0;
}
struct pci_dev *pci_device(unsigned i)
{
    (void)i;
    return 0;
}
int virtio_net_probe(struct pci_dev *p)
{
    (void)p;
    return 0;
}
int e1000_probe(struct pci_dev *p)
{
    (void)p;
    return 0;
}

/* ---- Driving it ---- */
static struct block {
    uint64_t cycles, idle;
    uint32_t woken, halted;
    unsigned halts, services;
} blk;

static void setup(unsigned idle_poll_us)
{
    static int registered;
    if (!registered) {
        registered = 1;
        net_register(&nic);
        net_poll();
    }
    hv_opts.idle_poll_us = idle_poll_us;
    nevs = 0;
    ring_frames = guest_buffers = reset_every_service = 0;
    shared.evtchn_upcall_pending = 0;
}

/* One sched_op block with the events set up beforehand (times relative to now). */
static void block(void)
{
    uint64_t t0 = now, idle0 = idle_cycles;
    uint32_t w0 = idle_polls_woken, h0 = idle_polls_halted;
    unsigned halts0 = halts, services0 = services;
    windows = 0;
    hang_why = 0;
    if (setjmp(hung)) {
        harness_fail("block: %s", hang_why);
        idle_since = 0;
        return;
    }
    idle_until_event(&dom);
    blk = (struct block){
        now - t0,       idle_cycles - idle0, idle_polls_woken - w0, idle_polls_halted - h0,
        halts - halts0, services - services0};
    shared.evtchn_upcall_pending = 0; /* the guest takes its event */
    for (unsigned i = 0; i < nevs; i++)
        evs[i].done = 1;
    nevs = 0;
}

/* A block of `us` microseconds ended by the timer. */
static void sleep_us(uint64_t us)
{
    at(now + US(us), EV_TIMER);
    block();
}

/* Brings the poll limit to the maximum: long blocks halve it to nothing, short ones grow it. */
static void limit_at_max(void)
{
    setup(200);
    for (int i = 0; i < 40; i++)
        CALL(sleep_us(1000));
    for (int i = 0; i < 8; i++)
        CALL(sleep_us(150));
}

TEST(short_block_ends_while_polling)
{
    CALL(limit_at_max());
    CALL(sleep_us(30));
    CHECK_EQ(blk.woken, 1);
    CHECK_EQ(blk.halted, 0);
    CHECK_EQ(blk.halts, 0);
    CHECK(blk.cycles >= US(30) && blk.cycles < US(35));
    CHECK_EQ(halted_with_event, 0);
}

TEST(long_block_halts_and_the_limit_decays)
{
    CALL(limit_at_max());
    CALL(sleep_us(5000));
    CHECK_EQ(blk.halted, 1);
    CHECK_EQ(blk.halts, 1);
    CHECK(blk.cycles >= US(5000));
    for (int i = 0; i < 40; i++)
        CALL(sleep_us(5000));
    CALL(sleep_us(30)); /* no poll left: even a short block halts */
    CHECK_EQ(blk.halts, 1);
    CHECK_EQ(blk.halted, 1);
    CALL(sleep_us(30));
    CALL(sleep_us(30)); /* the short ones grow it back (to 50 us) */
    CHECK_EQ(blk.woken, 1);
    CHECK_EQ(blk.halts, 0);
    CHECK_EQ(halted_with_event, 0);
}

TEST(frame_in_the_ring_ends_the_poll_before_its_interrupt)
{
    CALL(limit_at_max());
    guest_buffers = 1;
    unsigned delivered0 = delivered;
    at(now + US(20), EV_DMA);      /* the frame is in memory at 20 us */
    at(now + US(150), EV_NIC_IRQ); /* its interrupt, moderated, at 150 us */
    at(now + US(1000), EV_TIMER);
    CALL(block());
    CHECK_EQ(delivered - delivered0, 1);
    CHECK_EQ(blk.woken, 1);
    CHECK_EQ(blk.halts, 0);
    CHECK(blk.cycles < US(25));
}

TEST(idlepoll_0_never_polls)
{
    CALL(limit_at_max());
    setup(0);
    for (int i = 0; i < 4; i++) {
        CALL(sleep_us(30));
        CHECK_EQ(windows, 0);
        CHECK_EQ(blk.halts, 1);
        CHECK_EQ(blk.woken, 0);
        CHECK_EQ(blk.halted, 0);
    }
    setup(200);
}

TEST(upcall_already_pending_returns_at_once)
{
    CALL(limit_at_max());
    shared.evtchn_upcall_pending = 1;
    CALL(block());
    CHECK_EQ(blk.halts, 0);
    CHECK_EQ(blk.woken, 0);
    CHECK_EQ(blk.halted, 0);
    CHECK_EQ(blk.idle, 0);
    CHECK_EQ(windows, 0);
}

/* A frame waits in the ring for a guest buffer (the guest posted none, or used them all): the
 * poll must not service the card again and again while it lasts (each try is a register read
 * or two and one more of netif's rx drops, and it is busy time), and the frame must still go
 * up once the guest posts a buffer and kicks, and a later frame must still end a poll. */
TEST(frame_without_a_guest_buffer_is_not_serviced_over_and_over)
{
    CALL(limit_at_max());
    ring_frames = 1;
    net_irq_latch(&nic); /* its interrupt came while the guest ran */
    unsigned no_buffer0 = no_buffer;
    CALL(sleep_us(150)); /* within the poll limit */
    CHECK(blk.services <= 2);
    CHECK(no_buffer - no_buffer0 <= 2);
    CHECK(blk.idle >= US(140)); /* the wait was idle */
    CHECK_EQ(blk.woken, 1);
    CHECK_EQ(ring_frames, 1);

    guest_buffers = 4; /* posted, and a kick: rx_accept latches the card's work */
    unsigned delivered0 = delivered;
    net_irq_latch(&nic);
    net_poll();
    CHECK_EQ(delivered - delivered0, 1);
    CHECK_EQ(ring_frames, 0);
    shared.evtchn_upcall_pending = 0;

    at(now + US(20), EV_DMA); /* the next frame, before its interrupt, is seen by the poll */
    at(now + US(150), EV_NIC_IRQ);
    at(now + US(1000), EV_TIMER);
    CALL(block());
    CHECK_EQ(delivered - delivered0, 2);
    CHECK(blk.cycles < US(25));
}

/* Busy cycles: the poll and the halt are idle, the interrupt handlers and the card's service are
 * not, and no span is left open when the block ends. */
TEST(idle_span_leaves_out_handlers_and_service)
{
    CALL(limit_at_max());
    guest_buffers = 0;
    at(now + US(10), EV_NIC_IRQ);   /* a transmit-done, say: service, no event */
    at(now + US(20), EV_OTHER_IRQ); /* the poll goes on, idle */
    at(now + US(40), EV_NIC_IRQ);
    at(now + US(100), EV_TIMER);
    uint64_t h0 = handler_cycles, s0 = service_cycles;
    CALL(block());
    uint64_t busy_work = handler_cycles - h0 + service_cycles - s0;
    CHECK_EQ(idle_since, 0);
    CHECK_EQ(blk.woken, 1);
    CHECK(blk.idle <= blk.cycles - busy_work);
    CHECK(blk.idle >= blk.cycles - busy_work - US(1));

    guest_buffers = 1; /* a frame seen in the ring, no interrupt: its service is busy too */
    at(now + US(30), EV_DMA);
    at(now + US(1000), EV_TIMER);
    s0 = service_cycles;
    CALL(block());
    busy_work = service_cycles - s0;
    CHECK_EQ(idle_since, 0);
    CHECK_EQ(blk.woken, 1);
    CHECK(blk.idle <= blk.cycles - busy_work);
    CHECK(blk.idle >= blk.cycles - busy_work - US(1));

    at(now + US(3000), EV_NIC_IRQ); /* the same across a halt */
    at(now + US(5000), EV_TIMER);
    h0 = handler_cycles, s0 = service_cycles;
    CALL(block());
    busy_work = handler_cycles - h0 + service_cycles - s0;
    CHECK_EQ(idle_since, 0);
    CHECK_EQ(blk.halted, 1);
    CHECK(blk.idle <= blk.cycles - busy_work);
    CHECK(blk.idle >= blk.cycles - busy_work - US(1));
}

/* A card that reads all ones asks for a reset at every service: a block resets it a few times at
 * most (the poll ends at its limit), then halts until the guest's timer. */
TEST(wedged_card_does_not_keep_the_poll_going)
{
    CALL(limit_at_max());
    reset_every_service = 1;
    net_request_reset(&nic, "device reads all ones");
    unsigned resets0 = resets;
    CALL(sleep_us(1000));
    CHECK(resets - resets0 <= 4);
    CHECK_EQ(blk.halted, 1);
    reset_every_service = 0;
    net_poll();
}

RUN_TESTS(T(short_block_ends_while_polling), T(long_block_halts_and_the_limit_decays),
          T(frame_in_the_ring_ends_the_poll_before_its_interrupt), T(idlepoll_0_never_polls),
          T(upcall_already_pending_returns_at_once),
          T(frame_without_a_guest_buffer_is_not_serviced_over_and_over),
          T(idle_span_leaves_out_handlers_and_service), T(wedged_card_does_not_keep_the_poll_going))
