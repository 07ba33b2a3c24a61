/*
 * Pipes: a 64 KB ring of 16 pages between a read end and a write end (two struct files on one
 * anonymous inode). Readers block while it is empty and a writer remains; writers block while it
 * is full, and writes of at most PIPE_BUF bytes go in whole or not at all. Writing with no reader
 * left is -EPIPE plus SIGPIPE. Every change wakes the other side, and the pollers of poll_wq that
 * watch this pipe (a poller of a pipe sleeps through the sockets' and other pipes' traffic).
 *
 * Pages come when data does: a write takes the pages its bytes need (as any allocation for ring
 * 3, only above the kernel's reserve), and when the pipe runs empty its positions go back to the
 * start and every page but the first is given back. So an idle pipe costs no page, a busy one
 * no more than it holds, and a write that finds no memory waits like a write to a full pipe (or
 * fails with -ENOMEM when the pipe is empty and not even one page can be had, as in Linux).
 *
 * Named pipes (FIFOs, made by mknod) are tmpfs inodes whose pipe is made at the first open and
 * lives with the inode. Opening one for reading waits for a writer, for writing waits for a
 * reader (without O_NONBLOCK: a reader's open returns at once, a writer's fails with -ENXIO),
 * O_RDWR never waits; when the last end closes, what is left in it is dropped, as in Linux.
 */
#include <kernel/mm/kmem.h>
#include <kernel/proc.h>
#include <arch/x86/uaccess.h>
#include <kernel/wait.h>
#include "fs_impl.h"

struct pipe {
    char *page[PIPE_PAGES];
    uint32_t head, tail; /* free-running byte counts: head - tail are buffered */
    uint32_t readers, writers;
    uint32_t reader_opens, writer_opens; /* FIFOs: opens so far, so a waiting open sees one */
    uint32_t pages;                      /* of page[] allocated */
    struct waitq rwait, wwait;
};
_Static_assert((PIPE_SIZE & (PIPE_SIZE - 1)) == 0, "the ring index wraps with a mask");

static size_t used(const struct pipe *p)
{
    return p->head - p->tail;
}

/* The pipe ran empty: back to the start, keeping only the first page. */
static void drained(struct pipe *p)
{
    p->head = p->tail = 0;
    for (int i = 1; i < PIPE_PAGES && p->pages > 1; i++) {
        if (p->page[i]) {
            page_free(p->page[i]);
            p->page[i] = NULL;
            p->pages--;
        }
    }
}

/* Of the n bytes a write wants to put at head, how many have (or now get) their pages. */
static size_t pages_for(struct pipe *p, size_t n)
{
    size_t ok = 0;

    while (ok < n) {
        uint32_t idx = (p->head + (uint32_t)ok) & (PIPE_SIZE - 1);
        char **page = &p->page[idx / PAGE_SIZE];

        if (!*page) {
            if (!(*page = page_alloc()))
                break;
            p->pages++;
        }
        ok += PAGE_SIZE - idx % PAGE_SIZE;
    }
    return ok < n ? ok : n;
}

static void wake(struct pipe *p)
{
    wq_wake_all(&p->rwait);
    wq_wake_all(&p->wwait);
    wq_wake_obj(&poll_wq, p);
}

/* Copy n bytes between ring position at and b + off; returns the bytes moved before a fault. */
static size_t ring_copy(struct pipe *p, uint32_t at, const struct iobuf *b, size_t off, size_t n,
                        int to_ring)
{
    size_t done = 0;

    while (done < n) {
        uint32_t idx = (at + (uint32_t)done) & (PIPE_SIZE - 1);
        char *src = p->page[idx / PAGE_SIZE] + idx % PAGE_SIZE;
        size_t chunk = PAGE_SIZE - idx % PAGE_SIZE;
        int rc;

        if (chunk > n - done)
            chunk = n - done;
        rc = to_ring ? iob_get(src, b, off + done, chunk) : iob_put(b, off + done, src, chunk);
        if (rc)
            break;
        done += chunk;
    }
    return done;
}

static long pipe_read(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos)
{
    struct pipe *p = f->inode->u.pipe;
    size_t got;

    (void)pos;
    while (used(p) == 0) {
        long rc;

        if (p->writers == 0)
            return 0;
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        rc = wq_wait(&p->rwait, 0);
        if (rc)
            return rc;
    }
    if (n > used(p))
        n = used(p);
    got = ring_copy(p, p->tail, b, 0, n, 0);
    if (got == 0)
        return -EFAULT;
    p->tail += (uint32_t)got;
    if (used(p) == 0)
        drained(p);
    wake(p);
    return (long)got;
}

static long pipe_write(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos)
{
    struct pipe *p = f->inode->u.pipe;
    size_t done = 0;

    (void)pos;
    while (done < n) {
        size_t room = PIPE_SIZE - used(p), k, put;

        if (p->readers == 0) {
            if (current_proc())
                signal_send(current_proc(), SIGPIPE);
            return done ? (long)done : -EPIPE;
        }
        k = n - done < room ? n - done : room;
        room = k ? pages_for(p, k) : 0; /* what memory allows now */
        if (room == 0 && used(p) == 0 && k)
            return done ? (long)done : -ENOMEM;
        if (room == 0 || (n <= LINUX_PIPE_BUF && room < n)) {
            long rc;

            if (f->flags & O_NONBLOCK)
                return done ? (long)done : -EAGAIN;
            rc = wq_wait(&p->wwait, 0);
            if (rc)
                return done ? (long)done : rc;
            continue;
        }
        k = room;
        put = ring_copy(p, p->head, b, done, k, 1);
        p->head += (uint32_t)put;
        done += put;
        if (put)
            wake(p);
        if (put < k)
            return done ? (long)done : -EFAULT;
    }
    return (long)done;
}

static unsigned pipe_poll_read(struct file *f)
{
    const struct pipe *p = f->inode->u.pipe;

    return (used(p) ? POLLIN | POLLRDNORM : 0) | (p->writers ? 0 : POLLHUP);
}

static unsigned pipe_poll_write(struct file *f)
{
    const struct pipe *p = f->inode->u.pipe;

    return (PIPE_SIZE - used(p) >= LINUX_PIPE_BUF ? POLLOUT | POLLWRNORM : 0) |
           (p->readers ? 0 : POLLERR);
}

/* wake()'s object: either end of one pipe is watched as the pipe itself. */
static const void *pipe_poll_obj(struct file *f)
{
    return f->inode->u.pipe;
}

static long pipe_ioctl(struct file *f, uint32_t cmd, uint32_t arg)
{
    int32_t n = (int32_t)used(f->inode->u.pipe);

    if (cmd != FIONREAD)
        return -ENOTTY;
    return copy_to_user(arg, &n, sizeof(n));
}

static void pipe_release_read(struct file *f)
{
    f->inode->u.pipe->readers--;
    wake(f->inode->u.pipe);
}

static void pipe_release_write(struct file *f)
{
    f->inode->u.pipe->writers--;
    wake(f->inode->u.pipe);
}

static void fifo_closed(struct pipe *p)
{
    if (p->readers == 0 && p->writers == 0) {
        p->tail = p->head;
        drained(p);
    }
}

static void fifo_release_read(struct file *f)
{
    pipe_release_read(f);
    fifo_closed(f->inode->u.pipe);
}

static void fifo_release_write(struct file *f)
{
    pipe_release_write(f);
    fifo_closed(f->inode->u.pipe);
}

static void fifo_release_rdwr(struct file *f)
{
    f->inode->u.pipe->readers--;
    pipe_release_write(f);
    fifo_closed(f->inode->u.pipe);
}

static unsigned fifo_poll_rdwr(struct file *f)
{
    return pipe_poll_read(f) | pipe_poll_write(f);
}

static const struct file_ops pipe_read_fops = {
    .read = pipe_read,
    .poll = pipe_poll_read,
    .poll_obj = pipe_poll_obj,
    .ioctl = pipe_ioctl,
    .release = pipe_release_read,
};
static const struct file_ops pipe_write_fops = {
    .write = pipe_write,
    .poll = pipe_poll_write,
    .poll_obj = pipe_poll_obj,
    .ioctl = pipe_ioctl,
    .release = pipe_release_write,
};

static const struct file_ops fifo_read_fops = {
    .read = pipe_read,
    .poll = pipe_poll_read,
    .poll_obj = pipe_poll_obj,
    .ioctl = pipe_ioctl,
    .release = fifo_release_read,
};
static const struct file_ops fifo_write_fops = {
    .write = pipe_write,
    .poll = pipe_poll_write,
    .poll_obj = pipe_poll_obj,
    .ioctl = pipe_ioctl,
    .release = fifo_release_write,
};
static const struct file_ops fifo_rdwr_fops = {
    .read = pipe_read,
    .write = pipe_write,
    .poll = fifo_poll_rdwr,
    .poll_obj = pipe_poll_obj,
    .ioctl = pipe_ioctl,
    .release = fifo_release_rdwr,
};

/* Wait until the other side has opened (count_now differs from seen or side is non-zero);
 * 0, or -EINTR with this side's count given back. */
static int fifo_wait_for(struct pipe *p, const uint32_t *side, const uint32_t *opens, uint32_t seen)
{
    while (*side == 0 && *opens == seen) {
        long rc = wq_wait(&p->rwait, 0);

        if (rc)
            return (int)rc;
    }
    return 0;
}

static int fifo_open(struct file *f)
{
    struct inode *ino = f->inode;
    struct pipe *p = ino->u.pipe;
    uint32_t acc = f->flags & 3;
    int rc = 0;

    if (!p) {
        p = ino->u.pipe = kzalloc(sizeof(*p));
        if (!p)
            return -ENOMEM;
    }
    if (acc == O_RDWR) {
        p->readers++, p->writers++, p->reader_opens++, p->writer_opens++;
        f->ops = &fifo_rdwr_fops;
    } else if (acc == O_RDONLY) {
        uint32_t seen = p->writer_opens;

        p->readers++, p->reader_opens++;
        f->ops = &fifo_read_fops;
        wake(p);
        if (!(f->flags & O_NONBLOCK))
            rc = fifo_wait_for(p, &p->writers, &p->writer_opens, seen);
        if (rc)
            p->readers--;
    } else {
        uint32_t seen = p->reader_opens;

        if ((f->flags & O_NONBLOCK) && p->readers == 0)
            return -ENXIO;
        p->writers++, p->writer_opens++;
        f->ops = &fifo_write_fops;
        wake(p);
        rc = fifo_wait_for(p, &p->readers, &p->reader_opens, seen);
        if (rc)
            p->writers--;
    }
    wake(p);
    return rc;
}

const struct file_ops fifo_fops = {.open = fifo_open};

void pipe_evict(struct inode *ino)
{
    struct pipe *p = ino->u.pipe;

    if (!p)
        return;
    for (int i = 0; i < PIPE_PAGES; i++) {
        if (p->page[i])
            page_free(p->page[i]);
    }
    kfree(p);
}

int pipe_create(struct file **rd, struct file **wr, uint32_t flags)
{
    struct pipe *p = kzalloc(sizeof(*p));
    struct inode *ino = p ? inode_new(&pipefs_sb, S_IFIFO | 0600) : NULL;
    long err = -ENOMEM;

    if (!ino) {
        kfree(p);
        return -ENOMEM;
    }
    ino->nlink = 1;
    ino->u.pipe = p;
    flags &= O_NONBLOCK;
    *rd = file_open(inode_get(ino), &pipe_read_fops, O_RDONLY | flags, &err);
    if (!*rd)
        return (int)err;
    p->readers = 1;
    *wr = file_open(inode_get(ino), &pipe_write_fops, O_WRONLY | flags, &err);
    if (!*wr) {
        file_put(*rd);
        return (int)err;
    }
    p->writers = 1;
    return 0;
}
