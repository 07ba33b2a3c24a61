/*
 * The kernel's log ring: every printk line is kept (with its time since boot) in a ring of
 * KLOG_RECORDS records, the oldest overwritten first, for syslog(2) (busybox's dmesg) and
 * /dev/kmsg, in Linux's formats: syslog gives "<L>[seconds.micros] text" lines, /dev/kmsg one
 * record per read as "L,seq,micros,-;text". printk has no levels: its lines are level 6 (info);
 * lines written to /dev/kmsg are user-facility records (priority 12, or "<N>" at their start),
 * and are printed on the console too. Texts longer than KLOG_TEXT bytes are cut.
 */
#include <linux/errno.h>
#include <pv/console.h>
#include <kernel/mm/kmem.h>
#include <kernel/procs.h>
#include <kernel/syscalls.h>
#include <pv/time.h>
#include <arch/x86/uaccess.h>
#include <kernel/fs/vfs.h>
#include <kernel/wait.h>
#include <lib/format.h>
#include <lib/string.h>

#define KLOG_RECORDS 256
#define KLOG_TEXT 120
#define KMSG_WRITE_MAX 992 /* Linux's LOG_LINE_MAX: a longer write is -EINVAL */

struct klog_record {
    uint64_t seq, usec;
    uint8_t prio, len;
    char text[KLOG_TEXT];
};

static struct klog_record ring[KLOG_RECORDS];
static uint64_t next_seq, clear_seq, read_seq; /* records [next_seq - KLOG_RECORDS, next_seq) */
static char partial[KLOG_TEXT];
static size_t partial_len;
static struct waitq klog_wq;
/* Until the kernel proper runs, lines are kept without a time and wake nobody: the clock and the
 * wait queues need shared_info, which the self-tests remap under printk's feet. */
static int klog_live;

void klog_start(void)
{
    klog_live = 1;
}

static uint64_t first_seq(void)
{
    return next_seq > KLOG_RECORDS ? next_seq - KLOG_RECORDS : 0;
}

static void klog_store(uint8_t prio, const char *text, size_t len)
{
    struct klog_record *r = &ring[(uint32_t)next_seq % KLOG_RECORDS];

    if (len > KLOG_TEXT)
        len = KLOG_TEXT;
    r->seq = next_seq++;
    r->usec = klog_live ? ns_div(clock_now(), 1000) : 0;
    r->prio = prio;
    r->len = (uint8_t)len;
    memcpy(r->text, text, len);
    if (klog_live)
        wq_wake_all(&klog_wq);
}

void klog_add(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n') {
            klog_store(6, partial, partial_len);
            partial_len = 0;
        } else if (partial_len < sizeof(partial)) {
            partial[partial_len++] = s[i];
        }
    }
}

/* "<L>[    s.uuuuuu] text\n" into buf (size), the length it needs. */
static size_t syslog_line(const struct klog_record *r, char *buf, size_t size)
{
    uint32_t us;
    uint64_t sec = udiv64(r->usec, 1000000, &us);

    return (size_t)snprintf(buf, size, "<%u>[%5llu.%06u] %.*s\n", r->prio, (unsigned long long)sec,
                            us, (int)r->len, r->text);
}

/* The lines of records [from, next_seq), the newest that fit in len bytes (Linux's READ_ALL). */
static long syslog_read_all(uint32_t ubuf, uint32_t len, uint64_t from)
{
    char line[KLOG_TEXT + 40];
    uint64_t seq = from < first_seq() ? first_seq() : from;
    size_t total = 0, done = 0;

    for (uint64_t s = seq; s < next_seq; s++)
        total += syslog_line(&ring[(uint32_t)s % KLOG_RECORDS], line, sizeof(line));
    for (; seq < next_seq && total > len; seq++) /* drop the oldest until the rest fits */
        total -= syslog_line(&ring[(uint32_t)seq % KLOG_RECORDS], line, sizeof(line));
    for (; seq < next_seq; seq++) {
        size_t n = syslog_line(&ring[(uint32_t)seq % KLOG_RECORDS], line, sizeof(line));

        if (copy_to_user(ubuf + (uint32_t)done, line, n))
            return -EFAULT;
        done += n;
    }
    return (long)done;
}

long sys_syslog(u32 type, u32 ubuf, u32 len)
{
    long rc;

    switch (type) {
    case 0: /* SYSLOG_ACTION_CLOSE */
    case 1: /* OPEN */
    case 6: /* CONSOLE_OFF */
    case 7: /* CONSOLE_ON */
        return 0;
    case 2: /* READ: what no READ took yet, destructively */
    case 3: /* READ_ALL */
    case 4: /* READ_CLEAR */
        if (!ubuf || (int32_t)len < 0)
            return -EINVAL;
        if (len == 0)
            return 0;
        if (type == 2) {
            if (read_seq < first_seq())
                read_seq = first_seq();
            rc = syslog_read_all(ubuf, len, read_seq);
            if (rc > 0)
                read_seq = next_seq;
            return rc;
        }
        rc = syslog_read_all(ubuf, len, clear_seq);
        if (rc >= 0 && type == 4)
            clear_seq = next_seq;
        return rc;
    case 5: /* CLEAR */
        clear_seq = next_seq;
        return 0;
    case 8: /* CONSOLE_LEVEL */
        return len >= 1 && len <= 8 ? 0 : -EINVAL;
    case 9: { /* SIZE_UNREAD */
        char line[KLOG_TEXT + 40];
        size_t n = 0;

        for (uint64_t s = read_seq < first_seq() ? first_seq() : read_seq; s < next_seq; s++)
            n += syslog_line(&ring[(uint32_t)s % KLOG_RECORDS], line, sizeof(line));
        return (long)n;
    }
    case 10: /* SIZE_BUFFER */
        return (long)sizeof(ring);
    default:
        return -EINVAL;
    }
}

/* ---- /dev/kmsg: each open file reads records from its own sequence number ---- */

static int kmsg_open(struct file *f)
{
    uint64_t *seq = kmalloc(sizeof(*seq));

    if (!seq)
        return -ENOMEM;
    *seq = first_seq();
    f->priv = seq;
    return 0;
}

static void kmsg_release(struct file *f)
{
    kfree(f->priv);
}

static long kmsg_read(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos)
{
    uint64_t *seq = f->priv;
    char line[KLOG_TEXT + 48];
    const struct klog_record *r;
    size_t len;

    (void)pos;
    while (*seq >= next_seq) {
        long rc;

        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        rc = wq_wait(&klog_wq, 0);
        if (rc)
            return rc;
    }
    if (*seq < first_seq()) {
        *seq = first_seq();
        return -EPIPE; /* records were overwritten before this reader got them */
    }
    r = &ring[(uint32_t)*seq % KLOG_RECORDS];
    len = (size_t)snprintf(line, sizeof(line), "%u,%llu,%llu,-;%.*s\n", r->prio,
                           (unsigned long long)r->seq, (unsigned long long)r->usec, (int)r->len,
                           r->text);
    if (len > n)
        return -EINVAL;
    if (iob_put(b, 0, line, len))
        return -EFAULT;
    (*seq)++;
    return (long)len;
}

static long kmsg_write(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos)
{
    char text[KMSG_WRITE_MAX + 1], *t = text;
    uint8_t prio = 12; /* LOG_USER | LOG_WARNING: Linux's default for user lines */

    (void)f, (void)pos;
    if (n > KMSG_WRITE_MAX)
        return -EINVAL;
    if (iob_get(text, b, 0, n))
        return -EFAULT;
    text[n] = 0;
    if (t[0] == '<' && t[1] >= '0' && t[1] <= '9') {
        unsigned v = 0;
        char *p = t + 1;

        while (*p >= '0' && *p <= '9' && v < 1024)
            v = v * 10 + (unsigned)(*p++ - '0');
        if (*p == '>') {
            prio = (uint8_t)((v & 7) | ((v >> 3) ? (v & 0xf8) : 8));
            t = p + 1;
        }
    }
    size_t len = strlen(t);
    while (len && t[len - 1] == '\n')
        len--;
    t[len] = 0;
    klog_store(prio, t, len);
    console_write(t, len);
    console_write("\n", 1);
    return (long)n;
}

static unsigned kmsg_poll(struct file *f)
{
    return *(uint64_t *)f->priv < next_seq ? 0x0001 /* POLLIN */ | 0x0004 /* POLLOUT */ : 0x0004;
}

const struct file_ops kmsg_fops = {
    .read = kmsg_read,
    .write = kmsg_write,
    .poll = kmsg_poll,
    .open = kmsg_open,
    .release = kmsg_release,
};
