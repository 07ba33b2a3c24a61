/* Descriptor tables: up to 1024 descriptors per process, the lowest free one first, with a
 * close-on-exec bit each. The slot array starts small and doubles, so a process with a handful
 * of descriptors costs a few dozen bytes, and no allocation exceeds one page. */
#include <pv/console.h>
#include <kernel/mm/kmem.h>
#include <kernel/proc.h>
#include <lib/string.h>
#include "fs_impl.h"

#define FD_MAX LINUX_NOFILE
#define FD_MIN_CAP 16

struct files {
    uint32_t refs;
    uint32_t cap; /* slots in fd[] */
    struct file **fd;
    uint32_t cloexec[FD_MAX / 32];
};

static struct files *cur_files(void)
{
    struct proc *p = current_proc();

    return p ? p->files : NULL;
}

static struct files *files_alloc(uint32_t cap)
{
    struct files *t = kzalloc(sizeof(*t));

    if (!t)
        return NULL;
    t->fd = kzalloc(cap * sizeof(t->fd[0]));
    if (!t->fd) {
        kfree(t);
        return NULL;
    }
    t->refs = 1;
    t->cap = cap;
    return t;
}

/* Make slot fd exist: 0 or -ENOMEM. */
static int files_grow(struct files *t, uint32_t fd)
{
    uint32_t cap = t->cap;
    struct file **slots;

    if (fd < cap)
        return 0;
    while (cap <= fd)
        cap *= 2;
    if (cap > FD_MAX)
        cap = FD_MAX;
    slots = kzalloc(cap * sizeof(slots[0]));
    if (!slots)
        return -ENOMEM;
    memcpy(slots, t->fd, t->cap * sizeof(slots[0]));
    kfree(t->fd);
    t->fd = slots;
    t->cap = cap;
    return 0;
}

static void set_cloexec(struct files *t, uint32_t fd, int on)
{
    if (on)
        t->cloexec[fd / 32] |= 1u << (fd % 32);
    else
        t->cloexec[fd / 32] &= ~(1u << (fd % 32));
}

/* Descriptors the current process may have: RLIMIT_NOFILE, at most FD_MAX. */
static uint32_t fd_limit(void)
{
    uint64_t l = rlimit_cur(RLIMIT_NOFILE);

    return l < FD_MAX ? (uint32_t)l : FD_MAX;
}

static struct file *slot(struct files *t, uint32_t fd)
{
    return t && fd < t->cap ? t->fd[fd] : NULL;
}

struct file *fd_get(uint32_t fd)
{
    struct file *f = slot(cur_files(), fd);

    return f ? file_get(f) : NULL;
}

static int install(struct files *t, struct file *f, uint32_t min, int cloexec)
{
    for (uint32_t fd = min, limit = fd_limit(); fd < limit; fd++) {
        if (fd >= t->cap && files_grow(t, fd))
            return -ENOMEM;
        if (!t->fd[fd]) {
            t->fd[fd] = f;
            set_cloexec(t, fd, cloexec);
            return (int)fd;
        }
    }
    return -EMFILE;
}

int fd_install(struct file *f, uint32_t min, int cloexec)
{
    struct files *t = cur_files();
    int fd = t ? install(t, f, min, cloexec) : -EMFILE;

    if (fd < 0)
        file_put(f);
    return fd;
}

int fd_check_free(void)
{
    struct files *t = cur_files();

    if (!t)
        return -EMFILE;
    for (uint32_t fd = 0, limit = fd_limit(); fd < limit; fd++) {
        if (fd >= t->cap)
            return files_grow(t, fd);
        if (!t->fd[fd])
            return 0;
    }
    return -EMFILE;
}

int fd_close(uint32_t fd)
{
    struct files *t = cur_files();
    struct file *f = slot(t, fd);

    if (!f)
        return -EBADF;
    t->fd[fd] = NULL;
    set_cloexec(t, fd, 0);
    file_put(f);
    return 0;
}

int fd_dup_to(uint32_t oldfd, uint32_t newfd, int cloexec)
{
    struct files *t = cur_files();
    struct file *f = slot(t, oldfd), *old;

    if (!f || newfd >= fd_limit())
        return -EBADF;
    if (files_grow(t, newfd))
        return -ENOMEM;
    old = t->fd[newfd];
    t->fd[newfd] = file_get(f);
    set_cloexec(t, newfd, cloexec);
    if (old)
        file_put(old); /* after the slot is reused, as Linux's dup2 closes silently */
    return (int)newfd;
}

int fd_get_cloexec(uint32_t fd)
{
    struct files *t = cur_files();

    if (!slot(t, fd))
        return -EBADF;
    return (t->cloexec[fd / 32] >> (fd % 32)) & 1;
}

int fd_set_cloexec(uint32_t fd, int on)
{
    struct files *t = cur_files();

    if (!slot(t, fd))
        return -EBADF;
    set_cloexec(t, fd, on);
    return 0;
}

struct files *files_new_console(void)
{
    struct files *t = files_alloc(FD_MIN_CAP);
    struct inode *ino = dir_lookup_path("/dev/console");
    struct file *f;
    long err;

    if (!t)
        return NULL;
    if (!ino) {
        printk("fs: no /dev/console: the first process starts without descriptors\n");
        return t;
    }
    f = file_open(inode_get(ino), ino->fops, O_RDWR, &err);
    if (!f)
        return t;
    t->fd[0] = f;
    t->fd[1] = file_get(f);
    t->fd[2] = file_get(f);
    return t;
}

struct files *files_get(struct files *t)
{
    t->refs++;
    return t;
}

struct files *files_dup(struct files *src)
{
    struct files *t = files_alloc(src->cap);

    if (!t)
        return NULL;
    for (uint32_t fd = 0; fd < src->cap; fd++) {
        if (src->fd[fd])
            t->fd[fd] = file_get(src->fd[fd]);
    }
    memcpy(t->cloexec, src->cloexec, sizeof(t->cloexec));
    return t;
}

void files_close_on_exec(struct files *t)
{
    for (uint32_t fd = 0; fd < t->cap; fd++) {
        if (t->fd[fd] && (t->cloexec[fd / 32] >> (fd % 32)) & 1) {
            struct file *f = t->fd[fd];

            t->fd[fd] = NULL;
            file_put(f);
        }
    }
    memset(t->cloexec, 0, sizeof(t->cloexec));
}

void files_put(struct files *t)
{
    if (!t || --t->refs)
        return;
    for (uint32_t fd = 0; fd < t->cap; fd++) {
        struct file *f = t->fd[fd];

        t->fd[fd] = NULL;
        file_put(f);
    }
    kfree(t->fd);
    kfree(t);
}

uint32_t files_count(const struct files *t)
{
    uint32_t n = 0;

    for (uint32_t fd = 0; fd < t->cap; fd++)
        n += t->fd[fd] != NULL;
    return n;
}

uint32_t files_slots(const struct files *t)
{
    return t ? t->cap : 0;
}

struct file *files_file(const struct files *t, uint32_t fd)
{
    return t && fd < t->cap ? t->fd[fd] : NULL;
}
