/* Console input: the VIRQ_CONSOLE handler drains console_io(read) into a ring buffer and
 * wakes the tasks waiting for it; console_getc blocks on an empty buffer, console_in_read
 * never blocks (the console device and poll use it). */
#include <pv/console.h>
#include <pv/console_in.h>
#include <pv/events.h>
#include <kernel/sched.h>

#define BUF_SIZE 256 /* a power of two */
static char ring[BUF_SIZE];
static uint32_t head, tail; /* free-running: head - tail bytes are waiting */
static struct task *waiter;
struct waitq console_wq;

static void drain(void)
{
    char chunk[64];
    int n;

    while (head - tail < BUF_SIZE - sizeof(chunk) &&
           (n = HYPERVISOR_console_io(CONSOLEIO_read, sizeof(chunk), chunk)) > 0) {
        for (int i = 0; i < n; i++)
            ring[head++ % BUF_SIZE] = chunk[i];
    }
}

static void (*listener)(void);

void console_in_set_listener(void (*fn)(void))
{
    listener = fn;
}

static void console_virq(uint32_t port, struct event_frame *f, void *arg)
{
    (void)port, (void)f, (void)arg;
    drain();
    if (head == tail)
        return;
    if (listener)
        listener(); /* the terminal cooks it now: Ctrl-C must not wait for a reader */
    if (waiter)
        sched_wake(waiter);
    wq_wake_all(&console_wq);
    wq_wake_all(&poll_wq);
}

int console_in_init(void)
{
    return evtchn_bind_virq(VIRQ_CONSOLE, console_virq, 0);
}

int console_getc(void)
{
    uint8_t old = evt_disable();
    int c;

    drain(); /* input that came before VIRQ_CONSOLE was bound raised nothing */
    while (head == tail) {
        waiter = current;
        sched_block();
        waiter = 0;
    }
    c = (unsigned char)ring[tail++ % BUF_SIZE];
    evt_restore(old);
    return c;
}

size_t console_readline(char *buf, size_t len)
{
    size_t n = 0;

    while (n < len) {
        int c = console_getc();

        if (c == '\n' || c == '\r')
            break;
        buf[n++] = (char)c;
    }
    return n;
}

size_t console_in_read(char *buf, size_t n)
{
    uint8_t old = evt_disable();
    size_t got = 0;

    drain();
    while (got < n && head != tail)
        buf[got++] = ring[tail++ % BUF_SIZE];
    evt_restore(old);
    return got;
}

int console_in_avail(void)
{
    uint8_t old = evt_disable();
    int any;

    drain();
    any = head != tail;
    evt_restore(old);
    return any;
}
