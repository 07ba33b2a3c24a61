/* Host harness for the file-system unit tests: the real kernel/fs sources run over malloc, a
 * fake ring-3 arena (addresses outside it fault, so -EFAULT paths are testable), wait queues that
 * never sleep (they count the attempt and return fake_wq_result), a fake current process and a
 * fake console. Also a builder for newc cpio archives. */
#ifndef TESTS_UNIT_FS_HOST_H
#define TESTS_UNIT_FS_HOST_H

#include <stddef.h>
#include <stdint.h>
#include <kernel/proc.h>

/* Ring 3: [UBASE, UBASE + USIZE) is mapped; anything else faults. */
#define UBASE 0x10000000u
#define USIZE (1u << 22)
uint32_t ualloc(size_t n); /* 16-byte aligned, zeroed, never freed (until fs_setup) */
uint32_t ustr(const char *s);
void *uptr(uint32_t ua);
static inline uint32_t uend(void)
{
    return UBASE + USIZE;
}

/* Memory: live counts (leak checks) and failure injection. */
extern long fake_kmalloc_live, fake_pages_live;
extern long fake_kmalloc_fail_in; /* -1: never; 0: the next kmalloc fails; n: after n more */
extern uint32_t fake_page_budget; /* page_free_count() = budget - live pages */

/* Waits and signals. */
extern int fake_wq_waits;    /* wq_wait calls (each would have slept) */
extern long fake_wq_result;  /* what wq_wait returns (default -EINTR) */
extern int fake_wq_wakes;    /* wq_wake_all calls */
extern int fake_last_signal; /* last signal_send, 0 for none */
extern int fake_evt_depth;   /* must be 0 after every call */
extern uint64_t fake_now_ns; /* clock_now() */

/* Console: what was written, and input for console_in_read. */
extern char fake_console_out[8192];
extern size_t fake_console_len;
void fake_console_input(const char *s);
extern char fake_log[8192]; /* printk output */

extern struct proc fake_proc;

/* A fresh tree from the archive (or none), fds 0-2 on the console, cwd "/", umask 022. */
int fs_setup(const void *cpio, size_t len);
/* Closes everything and frees the tree; 0 when nothing leaked, else fills fake_log. */
int fs_teardown(void);

/* newc archives */
struct cpio {
    uint8_t *buf;
    size_t len, cap;
};
#define CPIO_MTIME 946684800u
void cpio_add(struct cpio *c, const char *name, uint32_t mode, const void *data, size_t size);
void cpio_end(struct cpio *c); /* TRAILER!!! */
void cpio_free(struct cpio *c);
/* The standard test tree: /bin/sh (0755), /etc/motd, /etc/link -> motd, /lib (dir), /abs ->
 * /etc, /loop1 <-> /loop2, /dangling -> /nowhere, /tmp/seed ("seed"). */
void cpio_standard(struct cpio *c);

#endif

/* System calls with host strings and buffers (copied through the ring-3 arena). */
struct linux_stat64;
long t_open(const char *path, uint32_t flags, uint32_t mode);
long t_stat(const char *path, struct linux_stat64 *st);
long t_lstat(const char *path, struct linux_stat64 *st);
long t_write(int fd, const void *buf, size_t n);
long t_read(int fd, void *buf, size_t n); /* buf NUL-terminated after the bytes read */
long t_mkdir(const char *path, uint32_t mode);
long t_unlink(const char *path);
long t_rmdir(const char *path);
long t_rename(const char *from, const char *to);
long t_symlink(const char *target, const char *path);
long t_chdir(const char *path);
long t_getcwd(char *buf, size_t size);
/* The whole content of path (at most size-1 bytes, NUL-terminated); bytes or -errno. */
long t_slurp(const char *path, char *buf, size_t size);
