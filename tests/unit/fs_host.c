/* The host side of the file-system unit tests: see fs_host.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pv/console.h>
#include <pv/console_in.h>
#include <kernel/fs/fs.h>
#include <kernel/mm/kmem.h>
#include <kernel/kstats.h>
#include <pv/mmu.h>
#include <pv/time.h>
#include <arch/x86/uaccess.h>
#include <kernel/wait.h>
#include <lib/format.h>
#include <linux/errno.h>
#include "fs_impl.h"
#include "fs_host.h"

static uint8_t *umem;
static size_t uused;
long fake_kmalloc_live, fake_pages_live;
long fake_kmalloc_fail_in = -1;
uint32_t fake_page_budget = 100000;
int fake_wq_waits, fake_wq_wakes, fake_last_signal, fake_evt_depth;
long fake_wq_result = -EINTR;
uint64_t fake_now_ns;
char fake_console_out[8192];
size_t fake_console_len;
char fake_log[8192];
static char input[4096];
static size_t input_len, input_pos;

struct kstats kstats;
uint32_t timer_deferrals, oom_kills;
struct waitq poll_wq, console_wq;
struct proc fake_proc;
static struct task fake_task = {.name = "test", .proc = &fake_proc};
struct task *current = &fake_task;

/* ---- ring 3 ---- */
uint32_t ualloc(size_t n)
{
    uint32_t ua;

    if (!umem)
        umem = calloc(1, USIZE);
    uused = (uused + 15) & ~(size_t)15;
    if (uused + n > USIZE) {
        fprintf(stderr, "fs_host: user arena exhausted\n");
        abort();
    }
    ua = UBASE + (uint32_t)uused;
    memset(umem + uused, 0, n);
    uused += n;
    return ua;
}

uint32_t ustr(const char *s)
{
    uint32_t ua = ualloc(strlen(s) + 1);

    memcpy(uptr(ua), s, strlen(s) + 1);
    return ua;
}

void *uptr(uint32_t ua)
{
    return umem + (ua - UBASE);
}

static int user_ok(uint32_t ua, size_t n)
{
    return umem && ua >= UBASE && n <= USIZE && ua - UBASE <= USIZE - n;
}

int copy_from_user(void *dst, uint32_t usrc, size_t n)
{
    if (!user_ok(usrc, n))
        return -EFAULT;
    memcpy(dst, uptr(usrc), n);
    return 0;
}

int copy_to_user(uint32_t udst, const void *src, size_t n)
{
    if (!user_ok(udst, n))
        return -EFAULT;
    memcpy(uptr(udst), src, n);
    return 0;
}

int clear_user(uint32_t udst, size_t n)
{
    if (!user_ok(udst, n))
        return -EFAULT;
    memset(uptr(udst), 0, n);
    return 0;
}

long strncpy_from_user(char *dst, uint32_t usrc, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        if (!user_ok(usrc + (uint32_t)i, 1))
            return -EFAULT;
        dst[i] = (char)umem[usrc - UBASE + i];
        if (!dst[i])
            return (long)i;
    }
    return -ENAMETOOLONG;
}

/* ---- memory ---- */
void *kmalloc(size_t n)
{
    if (fake_kmalloc_fail_in == 0) {
        fake_kmalloc_fail_in = -1;
        return NULL;
    }
    if (fake_kmalloc_fail_in > 0)
        fake_kmalloc_fail_in--;
    fake_kmalloc_live++;
    return malloc(n ? n : 1);
}

size_t kmalloc_size(size_t n)
{
    return n ? n : 1;
}

void *kzalloc(size_t n)
{
    void *p = kmalloc(n);

    if (p)
        memset(p, 0, n);
    return p;
}

void kfree(void *p)
{
    if (p)
        fake_kmalloc_live--;
    free(p);
}

void *page_alloc(void)
{
    if ((uint32_t)fake_pages_live >= fake_page_budget)
        return NULL;
    fake_pages_live++;
    return aligned_alloc(PAGE_SIZE, PAGE_SIZE);
}

void *page_alloc_zeroed(void)
{
    void *p = page_alloc();

    if (p)
        memset(p, 0, PAGE_SIZE);
    return p;
}

void page_free(void *va)
{
    fake_pages_live--;
    free(va);
}

void *pages_alloc(unsigned n)
{
    if ((uint32_t)fake_pages_live + n > fake_page_budget)
        return NULL;
    fake_pages_live += n;
    return aligned_alloc(PAGE_SIZE, (size_t)n * PAGE_SIZE);
}

void pages_free(void *va, unsigned n)
{
    fake_pages_live -= n;
    free(va);
}

uint32_t page_free_count(void)
{
    return fake_page_budget > (uint32_t)fake_pages_live
               ? fake_page_budget - (uint32_t)fake_pages_live
               : 0;
}

uint32_t page_total_count(void)
{
    return 32768;
}

uint32_t kmalloc_free_bytes(void)
{
    return 0; /* the host's malloc keeps no class pages */
}

/* ---- waits, signals, time ---- */
long wq_wait(struct waitq *q, uint64_t deadline)
{
    (void)q, (void)deadline;
    fake_wq_waits++;
    return fake_wq_result;
}

long wq_wait_watch(struct waitq *q, uint64_t deadline, const struct wq_watch *w)
{
    (void)w;
    return wq_wait(q, deadline);
}

void wq_watch_add(struct wq_watch *w, const void *obj)
{
    (void)w, (void)obj;
}

void wq_wake_all(struct waitq *q)
{
    (void)q;
    fake_wq_wakes++;
}

void wq_wake_obj(struct waitq *q, const void *obj)
{
    (void)obj;
    wq_wake_all(q);
}

void signal_send(struct proc *p, int sig)
{
    (void)p;
    fake_last_signal = sig;
}

void signal_send_pgrp(int pgid, int sig)
{
    (void)pgid;
    fake_last_signal = sig;
}

/* The process table: the fake process alone. */
struct proc *procs_first(void)
{
    return &fake_proc;
}

struct proc *procs_next(struct proc *p)
{
    (void)p;
    return NULL;
}

struct proc *proc_find(int pid)
{
    return pid == fake_proc.pid ? &fake_proc : NULL;
}

int signal_pending(void)
{
    return 0;
}

uint64_t rlimit_cur(unsigned resource)
{
    (void)resource;
    return RLIM64_INFINITY;
}

uint64_t clock_now(void)
{
    return fake_now_ns;
}

void clock_wall(uint32_t *sec, uint32_t *usec)
{
    *sec = 1700000000u;
    *usec = 0;
}

uint32_t clock_wall_sec(void)
{
    return 1700000000u;
}

uint64_t udiv64(uint64_t n, uint32_t d, uint32_t *rem)
{
    if (rem)
        *rem = (uint32_t)(n % d);
    return n / d;
}

int fake_hv_stats(hv_stats_t *s)
{
    memset(s, 0, sizeof(*s));
    s->size = sizeof(*s);
    s->hypercalls[__HYPERVISOR_mmu_update] = 12;
    s->hypercalls[__HYPERVISOR_console_io] = 3;
    s->bounces[14] = 5;
    s->bounces[0x80] = 7;
    s->frames_free = 1000;
    s->guest_frames = 2000;
    s->guest_frames_by_type[1] = 4;
    s->events_sent = 9;
    return (int)sizeof(*s);
}

/* ---- console ---- */
void console_write(const char *s, size_t len)
{
    if (len > sizeof(fake_console_out) - fake_console_len)
        len = sizeof(fake_console_out) - fake_console_len;
    memcpy(fake_console_out + fake_console_len, s, len);
    fake_console_len += len;
}

const struct file_ops kmsg_fops = {0}; /* kernel/klog.c's, not compiled here */

void random_bytes(void *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ((unsigned char *)buf)[i] = (unsigned char)(rand() >> 7);
}

void printk(const char *fmt, ...)
{
    size_t at = strlen(fake_log);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(fake_log + at, sizeof(fake_log) - at, fmt, ap);
    va_end(ap);
}

void fake_console_input(const char *s)
{
    size_t n = strlen(s);

    memcpy(input + input_len, s, n);
    input_len += n;
}

size_t console_in_read(char *buf, size_t n)
{
    size_t got = 0;

    while (got < n && input_pos < input_len)
        buf[got++] = input[input_pos++];
    return got;
}

void console_in_set_listener(void (*fn)(void))
{
    (void)fn; /* the tests cook input at their reads */
}

int console_in_avail(void)
{
    return input_pos < input_len;
}

/* ---- setup ---- */
int fs_setup(const void *cpio, size_t len)
{
    int rc;

    /* Whatever a failed test left behind goes first, and does not count against this one. */
    files_put(fake_proc.files);
    fake_proc.files = NULL;
    inode_put(fake_proc.cwd);
    fake_proc.cwd = NULL;
    fs_fini();
    fake_kmalloc_live = fake_pages_live = 0;
    fake_evt_depth = 0;
    uused = 0;
    fake_wq_waits = fake_wq_wakes = fake_last_signal = 0;
    fake_wq_result = -EINTR;
    fake_kmalloc_fail_in = -1;
    fake_page_budget = 100000;
    fake_console_len = 0;
    fake_log[0] = 0;
    input_len = input_pos = 0;
    fake_now_ns = 0;
    rc = fs_init(cpio, len);
    memset(&fake_proc, 0, sizeof(fake_proc));
    fake_proc.pid = fake_proc.pgid = 1;
    fake_proc.umask = 022;
    fake_proc.files = files_new_console();
    return rc;
}

int fs_teardown(void)
{
    files_put(fake_proc.files);
    fake_proc.files = NULL;
    inode_put(fake_proc.cwd);
    fake_proc.cwd = NULL;
    fs_fini();
    struct tmpfs_usage u;
    tmpfs_usage(&u);
    if (fake_kmalloc_live || fake_pages_live || fake_evt_depth || u.bytes || u.inodes) {
        snprintf(fake_log, sizeof(fake_log),
                 "leak: %ld kmalloc, %ld pages, evt depth %d, tmpfs %llu bytes %u inodes",
                 fake_kmalloc_live, fake_pages_live, fake_evt_depth, (unsigned long long)u.bytes,
                 u.inodes);
        return -1;
    }
    return 0;
}

/* ---- cpio ---- */
static void put(struct cpio *c, const void *p, size_t n)
{
    if (c->len + n > c->cap) {
        c->cap = (c->len + n) * 2 + 256;
        c->buf = realloc(c->buf, c->cap);
    }
    memcpy(c->buf + c->len, p, n);
    c->len += n;
}

static void pad4(struct cpio *c)
{
    static const char zeros[4];

    put(c, zeros, (4 - c->len % 4) % 4);
}

void cpio_add(struct cpio *c, const char *name, uint32_t mode, const void *data, size_t size)
{
    char hdr[111];

    snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 0u,
             mode, 0u, 0u, 1u, CPIO_MTIME, (unsigned)size, 0u, 0u, 0u, 0u,
             (unsigned)strlen(name) + 1, 0u);
    put(c, hdr, 110);
    put(c, name, strlen(name) + 1);
    pad4(c);
    put(c, data, size);
    pad4(c);
}

void cpio_end(struct cpio *c)
{
    cpio_add(c, "TRAILER!!!", 0, "", 0);
}

void cpio_free(struct cpio *c)
{
    free(c->buf);
    memset(c, 0, sizeof(*c));
}

void cpio_standard(struct cpio *c)
{
    cpio_add(c, ".", S_IFDIR | 0755, "", 0);
    cpio_add(c, "bin/sh", S_IFREG | 0755, "#!shell", 7); /* bin/ made on the way */
    cpio_add(c, "etc", S_IFDIR | 0755, "", 0);
    cpio_add(c, "etc/motd", S_IFREG | 0644, "hello, world\n", 13);
    cpio_add(c, "etc/link", S_IFLNK | 0777, "motd", 4);
    cpio_add(c, "lib", S_IFDIR | 0700, "", 0);
    cpio_add(c, "abs", S_IFLNK | 0777, "/etc", 4);
    cpio_add(c, "loop1", S_IFLNK | 0777, "loop2", 5);
    cpio_add(c, "loop2", S_IFLNK | 0777, "/loop1", 6);
    cpio_add(c, "dangling", S_IFLNK | 0777, "/nowhere", 8);
    cpio_add(c, "tmp", S_IFDIR | 01777, "", 0);
    cpio_add(c, "tmp/seed", S_IFREG | 0644, "seed", 4);
    cpio_add(c, "dev/console", S_IFCHR | 0600, "", 0); /* replaced by the kernel's */
    cpio_end(c);
}

/* ---- system calls with host arguments ---- */
#include <kernel/syscalls.h>

long t_open(const char *path, uint32_t flags, uint32_t mode)
{
    return sys_open(ustr(path), flags, mode);
}

long t_stat(const char *path, struct linux_stat64 *st)
{
    uint32_t b = ualloc(sizeof(*st));
    long rc = sys_stat64(ustr(path), b);

    memcpy(st, uptr(b), sizeof(*st));
    return rc;
}

long t_lstat(const char *path, struct linux_stat64 *st)
{
    uint32_t b = ualloc(sizeof(*st));
    long rc = sys_lstat64(ustr(path), b);

    memcpy(st, uptr(b), sizeof(*st));
    return rc;
}

long t_write(int fd, const void *buf, size_t n)
{
    uint32_t b = ualloc(n);

    memcpy(uptr(b), buf, n);
    return sys_write((uint32_t)fd, b, (uint32_t)n);
}

long t_read(int fd, void *buf, size_t n)
{
    uint32_t b = ualloc(n);
    long rc = sys_read((uint32_t)fd, b, (uint32_t)n);

    if (rc > 0)
        memcpy(buf, uptr(b), (size_t)rc);
    if (rc >= 0)
        ((char *)buf)[rc] = 0;
    return rc;
}

long t_mkdir(const char *path, uint32_t mode)
{
    return sys_mkdir(ustr(path), mode);
}

long t_unlink(const char *path)
{
    return sys_unlink(ustr(path));
}

long t_rmdir(const char *path)
{
    return sys_rmdir(ustr(path));
}

long t_rename(const char *from, const char *to)
{
    return sys_rename(ustr(from), ustr(to));
}

long t_symlink(const char *target, const char *path)
{
    return sys_symlink(ustr(target), ustr(path));
}

long t_chdir(const char *path)
{
    return sys_chdir(ustr(path));
}

long t_getcwd(char *buf, size_t size)
{
    uint32_t b = ualloc(size ? size : 1);
    long rc = sys_getcwd(b, (uint32_t)size);

    if (rc > 0)
        memcpy(buf, uptr(b), (size_t)rc);
    return rc;
}

long t_slurp(const char *path, char *buf, size_t size)
{
    long fd = t_open(path, O_RDONLY, 0), n, total = 0;

    if (fd < 0)
        return fd;
    while ((n = t_read((int)fd, buf + total, size - 1 - (size_t)total)) > 0)
        total += n;
    buf[total] = 0;
    sys_close((uint32_t)fd);
    return n < 0 ? n : total;
}
