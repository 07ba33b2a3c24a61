/*
 * The console as a terminal (/dev/console, /dev/tty): a small line discipline over console_in.
 * What TCGETS reports is what is applied: ICRNL; ISIG (the VINTR, VQUIT and VSUSP characters
 * flush the input unless NOFLSH, echo as ^C and send SIGINT, SIGQUIT, SIGTSTP to the foreground
 * process group: tty_job.c); ICANON (a read returns at most one line; erase, kill and
 * end-of-file characters edit it) or raw reads with Linux's VMIN/VTIME rules; ECHO/ECHOE/ECHOK/
 * ECHOCTL; TOSTOP (a background job's write gets SIGTTOU); ONLCR is the hypervisor console's
 * own "\n" -> "\r\n". Once the first process runs,
 * input is cooked as it arrives (console_in calls tty_input_arrived from its upcall), so the
 * signal characters work while nobody reads and echo appears at once; before that, typed-ahead
 * bytes wait in console_in and the hypervisor and are cooked by the first read.
 */
#include <pv/console.h>
#include <pv/console_in.h>
#include <pv/events.h>
#include <kernel/proc.h>
#include <arch/x86/uaccess.h>
#include <lib/string.h>
#include "fs_impl.h"

#define TTY_BUF 1024
#define MAX_LINES 32
#define CHUNK 256

static struct linux_termios termios;
/* A serial line does not know its size: 80x24 unless the command line says (ttysize=). */
static struct linux_winsize default_size = {.ws_row = 24, .ws_col = 80};
static struct linux_winsize winsize;
static char buf[TTY_BUF];
static size_t len;
static size_t line_end[MAX_LINES]; /* canonical: where each complete line ends */
static size_t nlines;

void tty_set_default_size(unsigned cols, unsigned rows)
{
    default_size.ws_col = (uint16_t)cols;
    default_size.ws_row = (uint16_t)rows;
    winsize = default_size;
}

void tty_reset(void)
{
    static const uint8_t cc[19] = {
        [TTY_VINTR] = 3,    [TTY_VQUIT] = 0x1c, [TTY_VERASE] = 0x7f,  [TTY_VKILL] = 0x15,
        [TTY_VEOF] = 4,     [TTY_VTIME] = 0,    [TTY_VMIN] = 1,       [TTY_VSTART] = 0x11,
        [TTY_VSTOP] = 0x13, [TTY_VSUSP] = 0x1a, [TTY_VWERASE] = 0x17,
    };

    memset(&termios, 0, sizeof(termios));
    termios.c_iflag = TTY_ICRNL;
    termios.c_oflag = TTY_OPOST | TTY_ONLCR;
    termios.c_cflag = TTY_B38400 | TTY_CS8 | TTY_CREAD | TTY_CLOCAL;
    termios.c_lflag = TTY_ISIG | TTY_ICANON | TTY_ECHO | TTY_ECHOE | TTY_ECHOK | TTY_ECHOCTL |
                      TTY_ECHOKE | TTY_IEXTEN;
    memcpy(termios.c_cc, cc, sizeof(cc));
    winsize = default_size;
    tty_job_reset();
    len = nlines = 0;
}

static int canonical(void)
{
    return (termios.c_lflag & TTY_ICANON) != 0;
}

static void echo(const char *s, size_t n)
{
    if (termios.c_lflag & TTY_ECHO)
        console_write(s, n);
}

static void end_line(void)
{
    if (nlines < MAX_LINES)
        line_end[nlines++] = len;
}

/* The start of the line being edited: nothing before it may be erased. */
static size_t edit_start(void)
{
    return nlines ? line_end[nlines - 1] : 0;
}

/* VINTR, VQUIT, VSUSP under ISIG: the signal for c, or 0. */
static int signal_char(uint8_t u)
{
    const uint8_t *cc = termios.c_cc;

    if (!(termios.c_lflag & TTY_ISIG) || u == 0 /* _POSIX_VDISABLE */)
        return 0;
    return u == cc[TTY_VINTR]   ? SIGINT
           : u == cc[TTY_VQUIT] ? SIGQUIT
           : u == cc[TTY_VSUSP] ? SIGTSTP
                                : 0;
}

static void input_char(char c)
{
    uint8_t u = (uint8_t)c;
    int sig;

    if (c == '\r' && (termios.c_iflag & TTY_ICRNL))
        c = '\n';
    if ((sig = signal_char(u)) != 0) {
        char shown[2] = {'^', (char)(u ^ 0x40)};

        if (!(termios.c_lflag & TTY_NOFLSH))
            len = nlines = 0;
        if (termios.c_lflag & TTY_ECHOCTL)
            echo(shown, 2);
        tty_signal_fg(sig);
        return;
    }
    if (len == TTY_BUF)
        return; /* pump never lets it come to this; the guard keeps buf safe if it did */
    if (!canonical()) {
        buf[len++] = c;
        echo(&c, 1);
        return;
    }
    if (u == termios.c_cc[TTY_VERASE] || c == '\b' || u == termios.c_cc[TTY_VKILL]) {
        int kill = u == termios.c_cc[TTY_VKILL];

        while (len > edit_start()) {
            len--;
            if (termios.c_lflag & (kill ? TTY_ECHOK : TTY_ECHOE))
                echo("\b \b", 3);
            if (!kill)
                break;
        }
        return;
    }
    if (u == termios.c_cc[TTY_VEOF]) {
        end_line(); /* an empty line here is end-of-file for the reader */
        return;
    }
    if (nlines == MAX_LINES || (len == TTY_BUF - 1 && c != '\n'))
        return; /* full: drop it, as Linux drops input beyond its line buffer */
    buf[len++] = c;
    echo(&c, 1);
    if (c == '\n')
        end_line();
}

/* Cook whatever console_in holds (events masked by the caller). */
static void pump(void)
{
    char raw[64];
    size_t n;

    while (len < TTY_BUF &&
           (n = console_in_read(raw, sizeof(raw) < TTY_BUF - len ? sizeof(raw) : TTY_BUF - len)) >
               0) {
        for (size_t i = 0; i < n; i++)
            input_char(raw[i]);
    }
}

void tty_input_arrived(void)
{
    pump();
}

/* Enough for a read: a line (canonical), or min bytes. */
static int readable(size_t min)
{
    return canonical() ? nlines > 0 : len >= min;
}

/* Take up to n bytes a read may return: one line (canonical) or all there is. */
static size_t take(char *out, size_t n)
{
    size_t avail = canonical() ? line_end[0] : len;

    if (n > avail)
        n = avail;
    memcpy(out, buf, n);
    memmove(buf, buf + n, len - n);
    len -= n;
    if (canonical()) {
        int done = n == line_end[0];

        for (size_t i = 0; i < nlines; i++)
            line_end[i] -= n;
        if (done) {
            nlines--;
            memmove(line_end, line_end + 1, nlines * sizeof(line_end[0]));
        }
    }
    return n;
}

/*
 * Raw reads follow VMIN and VTIME (tenths of a second) as Linux does: MIN > 0, TIME 0 waits for
 * MIN bytes (or n, if fewer are asked for); MIN 0, TIME 0 returns what there is, maybe nothing;
 * MIN 0, TIME > 0 waits at most TIME for a first byte; MIN > 0, TIME > 0 waits for a first byte,
 * then returns once MIN are there or TIME passes without a new one.
 */
static long tty_read(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos)
{
    char chunk[CHUNK];
    uint64_t deadline = 0;
    size_t seen = 0;
    int timed_out = 0;

    (void)pos;
    if (n == 0)
        return 0;
    for (;;) {
        uint8_t old = evt_disable();
        size_t vmin = termios.c_cc[TTY_VMIN], vtime = termios.c_cc[TTY_VTIME];
        size_t min = vmin < n ? vmin : n;
        long rc = tty_read_allowed();

        if (rc) {
            evt_restore(old);
            return rc;
        }
        pump();
        if (readable(min ? min : 1) || (!canonical() && (timed_out || (!vmin && !vtime)))) {
            size_t got = take(chunk, n < CHUNK ? n : CHUNK);

            evt_restore(old);
            return iob_put(b, 0, chunk, got) ? -EFAULT : (long)got;
        }
        if (f->flags & O_NONBLOCK) {
            evt_restore(old);
            return -EAGAIN;
        }
        if (!canonical() && vtime && (!vmin || len > seen)) {
            if (!vmin) {
                if (!deadline)
                    deadline = clock_now() + (uint64_t)vtime * 100000000ull;
            } else { /* the inter-byte timer starts (again) at each new byte */
                deadline = clock_now() + (uint64_t)vtime * 100000000ull;
                seen = len;
            }
        }
        rc = wq_wait(&console_wq, deadline);
        evt_restore(old);
        if (rc == -ETIMEDOUT)
            timed_out = 1;
        else if (rc)
            return rc;
    }
}

static long tty_write(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos)
{
    char chunk[CHUNK];
    size_t done = 0;

    (void)f, (void)pos;
    if (termios.c_lflag & TTY_TOSTOP) { /* a background job may not write: SIGTTOU (tty_job.c) */
        long rc = tty_change_allowed();

        if (rc)
            return rc;
    }
    while (done < n) {
        size_t k = n - done < CHUNK ? n - done : CHUNK;

        if (iob_get(chunk, b, done, k))
            return done ? (long)done : -EFAULT;
        console_write(chunk, k);
        done += k;
    }
    return (long)done;
}

static unsigned tty_poll(struct file *f)
{
    uint8_t old = evt_disable();
    unsigned mask = POLLOUT | POLLWRNORM;

    (void)f;
    pump();
    if (readable(1))
        mask |= POLLIN | POLLRDNORM;
    evt_restore(old);
    return mask;
}

static long tty_ioctl(struct file *f, uint32_t cmd, uint32_t arg)
{
    struct linux_termios t;
    uint8_t old;
    int32_t v;
    long rc;

    (void)f;
    switch (cmd) { /* a change from a background job: SIGTTOU first, as Linux (tty_job.c) */
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
    case TCSBRK:
    case TCXONC:
    case TCFLSH:
        rc = tty_change_allowed();
        if (rc)
            return rc;
        break;
    default:
        break;
    }
    switch (cmd) {
    case TCGETS:
        return copy_to_user(arg, &termios, sizeof(termios));
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
        if (copy_from_user(&t, arg, sizeof(t)))
            return -EFAULT;
        old = evt_disable(); /* the input upcall cooks with these */
        if (cmd == TCSETSF)
            len = nlines = 0;
        else if ((t.c_lflag ^ termios.c_lflag) & TTY_ICANON)
            nlines = 0; /* raw reads take everything; canonical starts a fresh line */
        termios = t;
        evt_restore(old);
        return 0;
    case TIOCGWINSZ:
        return copy_to_user(arg, &winsize, sizeof(winsize));
    case TIOCSWINSZ: {
        struct linux_winsize w;

        if (copy_from_user(&w, arg, sizeof(w)))
            return -EFAULT;
        if (memcmp(&w, &winsize, sizeof(w))) {
            winsize = w;
            tty_signal_fg(SIGWINCH);
        }
        return 0;
    }
    case TCSBRK:
    case TCXONC:
        return 0; /* output is never held back: nothing to drain, stop or start */
    case TCFLSH:
        if (arg > 2)
            return -EINVAL;
        if (arg != 1) { /* TCIFLUSH, TCIOFLUSH: the input goes; output is never queued */
            old = evt_disable();
            len = nlines = 0;
            evt_restore(old);
        }
        return 0;
    case FIONREAD: {
        uint8_t old = evt_disable();

        pump();
        v = (int32_t)(canonical() ? (nlines ? line_end[0] : 0) : len);
        evt_restore(old);
        return copy_to_user(arg, &v, sizeof(v));
    }
    default:
        return tty_job_ioctl(cmd, arg);
    }
}

const struct file_ops tty_fops = {
    .read = tty_read,
    .write = tty_write,
    .poll = tty_poll,
    .ioctl = tty_ioctl,
};

/* /dev/tty is the process's controlling terminal: without one, ENXIO (as Linux). */
static int devtty_open(struct file *f)
{
    (void)f;
    return tty_has_ctty() ? 0 : -ENXIO;
}

const struct file_ops devtty_fops = {
    .read = tty_read,
    .write = tty_write,
    .poll = tty_poll,
    .ioctl = tty_ioctl,
    .open = devtty_open,
};
