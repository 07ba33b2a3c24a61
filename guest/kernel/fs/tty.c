/*
 * The console as a terminal (/dev/console, /dev/tty): a small line discipline over console_in.
 * What TCGETS reports is what is applied: ICRNL, ICANON (a read returns at most one line; erase,
 * kill and end-of-file characters edit it), ECHO/ECHOE/ECHOK; ONLCR is the hypervisor console's
 * own "\n" -> "\r\n". No ISIG (^C is an ordinary byte), VMIN/VTIME are taken as 1/0. Input is
 * cooked when a reader or poller looks (not at arrival), so echo appears then too.
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
static int32_t tty_pgrp;
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
    termios.c_lflag = TTY_ICANON | TTY_ECHO | TTY_ECHOE | TTY_ECHOK;
    memcpy(termios.c_cc, cc, sizeof(cc));
    winsize = default_size;
    tty_pgrp = 0;
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

static void input_char(char c)
{
    uint8_t u = (uint8_t)c;

    if (c == '\r' && (termios.c_iflag & TTY_ICRNL))
        c = '\n';
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

static int readable(void)
{
    return canonical() ? nlines > 0 : len > 0;
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

static long tty_read(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos)
{
    char chunk[CHUNK];

    (void)pos;
    for (;;) {
        uint8_t old = evt_disable();
        long rc;

        pump();
        if (readable()) {
            size_t got = take(chunk, n < CHUNK ? n : CHUNK);

            evt_restore(old);
            return iob_put(b, 0, chunk, got) ? -EFAULT : (long)got;
        }
        if (f->flags & O_NONBLOCK) {
            evt_restore(old);
            return -EAGAIN;
        }
        rc = wq_wait(&console_wq, 0);
        evt_restore(old);
        if (rc)
            return rc;
    }
}

static long tty_write(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos)
{
    char chunk[CHUNK];
    size_t done = 0;

    (void)f, (void)pos;
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
    if (readable())
        mask |= POLLIN | POLLRDNORM;
    evt_restore(old);
    return mask;
}

static long tty_ioctl(struct file *f, uint32_t cmd, uint32_t arg)
{
    struct linux_termios t;
    int32_t v;

    (void)f;
    switch (cmd) {
    case TCGETS:
        return copy_to_user(arg, &termios, sizeof(termios));
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
        if (copy_from_user(&t, arg, sizeof(t)))
            return -EFAULT;
        if (cmd == TCSETSF)
            len = nlines = 0;
        else if ((t.c_lflag ^ termios.c_lflag) & TTY_ICANON)
            nlines = 0; /* raw reads take everything; canonical starts a fresh line */
        termios = t;
        return 0;
    case TIOCGWINSZ:
        return copy_to_user(arg, &winsize, sizeof(winsize));
    case TIOCSWINSZ:
        return copy_from_user(&winsize, arg, sizeof(winsize));
    case TIOCGPGRP:
        v = tty_pgrp ? tty_pgrp : (current_proc() ? current_proc()->pgid : 0);
        return copy_to_user(arg, &v, sizeof(v));
    case TIOCSPGRP:
        if (copy_from_user(&v, arg, sizeof(v)))
            return -EFAULT;
        if (v < 0)
            return -EINVAL;
        tty_pgrp = v;
        return 0;
    case FIONREAD: {
        uint8_t old = evt_disable();

        pump();
        v = (int32_t)(canonical() ? (nlines ? line_end[0] : 0) : len);
        evt_restore(old);
        return copy_to_user(arg, &v, sizeof(v));
    }
    default:
        return -ENOTTY;
    }
}

const struct file_ops tty_fops = {
    .read = tty_read,
    .write = tty_write,
    .poll = tty_poll,
    .ioctl = tty_ioctl,
};
