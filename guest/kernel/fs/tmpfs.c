/*
 * tmpfs file data: whole pages in a small radix tree. depth 0 means the root is the only data
 * page (files up to 4 KB cost one page); each further level is an index page of pointers.
 * Missing pages are holes that read as zeros. Invariant: bytes past the end of the file inside
 * an allocated page are zero, so growing a file (truncate up, lseek past the end and write)
 * shows zeros without touching the pages. tmpfs leaves TMPFS_RESERVE_PAGES free pages to the
 * rest of the kernel and answers -ENOSPC instead of taking them.
 *
 * The size limit. Everything tmpfs keeps is charged here, whoever made it: data and index pages,
 * and (inode.c, dir.c) inodes, directory entries and symlink targets, each as kmalloc_size
 * counts it. The total may not pass half of the memory (Linux's default size for a tmpfs), so
 * files that outlive their makers can never take the memory processes and the kernel need.
 */
#include <kernel/mm/kmem.h>
#include <kernel/proc.h>
#include <lib/string.h>
#include "fs_impl.h"

#define SLOTS (PAGE_SIZE / sizeof(void *))
#define SLOT_SHIFT (SLOTS == 1024 ? 10 : 9)
#define MAX_DEPTH 3
_Static_assert(SLOTS == 1u << SLOT_SHIFT, "index page holds a power of two of slots");

static struct tmpfs_usage usage;

void tmpfs_usage(struct tmpfs_usage *u)
{
    if (!usage.max_bytes) {
        usage.max_bytes = (uint64_t)page_total_count() * PAGE_SIZE / 2;
        usage.max_inodes = page_total_count() / 2;
    }
    *u = usage;
}

int tmpfs_charge(size_t bytes)
{
    struct tmpfs_usage u;

    tmpfs_usage(&u);
    if (bytes > u.max_bytes - u.bytes)
        return -ENOSPC;
    usage.bytes += bytes;
    return 0;
}

void tmpfs_uncharge(size_t bytes)
{
    usage.bytes -= bytes;
}

int tmpfs_inode_charge(void)
{
    struct tmpfs_usage u;

    tmpfs_usage(&u);
    if (u.inodes >= u.max_inodes || tmpfs_charge(kmalloc_size(sizeof(struct inode))))
        return -ENOSPC;
    usage.inodes++;
    return 0;
}

void tmpfs_inode_uncharge(void)
{
    usage.inodes--;
    tmpfs_uncharge(kmalloc_size(sizeof(struct inode)));
}

int tmpfs_set_link(struct inode *ino, const char *target, size_t len)
{
    if (tmpfs_charge(kmalloc_size(len + 1)))
        return -ENOSPC;
    ino->u.link_target = kmalloc(len + 1);
    if (!ino->u.link_target) {
        tmpfs_uncharge(kmalloc_size(len + 1));
        return -ENOMEM; /* Linux's shmem_symlink: a target it cannot copy is ENOMEM */
    }
    memcpy(ino->u.link_target, target, len);
    ino->u.link_target[len] = 0;
    ino->size = len;
    return 0;
}

static void *tmpfs_page(void)
{
    void *page;

    if (page_free_count() <= TMPFS_RESERVE_PAGES || tmpfs_charge(PAGE_SIZE))
        return NULL;
    page = page_alloc_zeroed();
    if (!page)
        tmpfs_uncharge(PAGE_SIZE);
    return page;
}

static void tmpfs_page_free(void *page)
{
    page_free(page);
    tmpfs_uncharge(PAGE_SIZE);
}

/* Pages a tree of this depth can hold. */
static uint64_t capacity(uint32_t depth)
{
    return 1ull << (SLOT_SHIFT * depth);
}

/* The slot holding data page pgno, creating index pages if alloc; NULL when absent or out of
 * memory. */
static void **page_slot(struct inode *ino, uint32_t pgno, int alloc)
{
    void **slotp = &ino->u.tmp.root;

    while (pgno >= capacity(ino->u.tmp.depth)) {
        void **idx;

        if (!alloc || ino->u.tmp.depth == MAX_DEPTH)
            return NULL;
        if (ino->u.tmp.root) {
            idx = tmpfs_page();
            if (!idx)
                return NULL;
            idx[0] = ino->u.tmp.root;
            ino->u.tmp.root = idx;
        }
        ino->u.tmp.depth++;
    }
    for (uint32_t level = ino->u.tmp.depth; level > 0; level--) {
        void **idx;

        if (!*slotp) {
            if (!alloc || !(*slotp = tmpfs_page()))
                return NULL;
        }
        idx = *slotp;
        slotp = &idx[(pgno >> (SLOT_SHIFT * (level - 1))) & (SLOTS - 1)];
    }
    return slotp;
}

/* Free the data pages from page first on, under *slotp (covering pages base..). */
static void free_from(void **slotp, uint32_t level, uint64_t base, uint64_t first, uint32_t *npages)
{
    uint64_t span = capacity(level);
    void **idx = *slotp;

    if (!idx || base + span <= first)
        return;
    if (level == 0) {
        tmpfs_page_free(idx);
        *slotp = NULL;
        (*npages)--;
        return;
    }
    for (uint32_t i = 0; i < SLOTS; i++)
        free_from(&idx[i], level - 1, base + i * (span >> SLOT_SHIFT), first, npages);
    if (base >= first) {
        tmpfs_page_free(idx);
        *slotp = NULL;
    }
}

long tmpfs_pread(struct inode *ino, const struct iobuf *b, size_t n, uint64_t off)
{
    size_t done = 0;

    if (off >= ino->size)
        return 0;
    if (n > ino->size - off)
        n = (size_t)(ino->size - off);
    while (done < n) {
        uint64_t at = off + done;
        size_t in = (size_t)(at & (PAGE_SIZE - 1)), chunk = PAGE_SIZE - in;
        void **sp = page_slot(ino, (uint32_t)(at >> PAGE_SHIFT), 0);
        int rc;

        if (chunk > n - done)
            chunk = n - done;
        if (sp && *sp)
            rc = iob_put(b, done, (char *)*sp + in, chunk);
        else
            rc = iob_zero(b, done, chunk);
        if (rc)
            return done ? (long)done : -EFAULT;
        done += chunk;
    }
    return (long)done;
}

/* RLIMIT_FSIZE, as Linux applies it: a file cannot grow past the limit; trying to is SIGXFSZ
 * and -EFBIG (a write that reaches the limit is cut there first). */
static int past_fsize_limit(uint64_t end)
{
    if (end <= rlimit_cur(RLIMIT_FSIZE))
        return 0;
    if (current_proc())
        signal_send(current_proc(), SIGXFSZ);
    return 1;
}

long tmpfs_pwrite(struct inode *ino, const struct iobuf *b, size_t n, uint64_t off)
{
    size_t done = 0;
    long rc = 0;
    uint64_t limit = rlimit_cur(RLIMIT_FSIZE);

    if (off >= limit && past_fsize_limit(off + 1))
        return -EFBIG;
    if (n > limit - off)
        n = (size_t)(limit - off);
    if (off >= TMPFS_MAX_SIZE)
        return -EFBIG;
    if (n > TMPFS_MAX_SIZE - off)
        n = (size_t)(TMPFS_MAX_SIZE - off);
    while (done < n) {
        uint64_t at = off + done;
        size_t in = (size_t)(at & (PAGE_SIZE - 1)), chunk = PAGE_SIZE - in;
        void **sp = page_slot(ino, (uint32_t)(at >> PAGE_SHIFT), 1);

        if (chunk > n - done)
            chunk = n - done;
        if (sp && !*sp && (*sp = tmpfs_page()))
            ino->u.tmp.npages++;
        if (!sp || !*sp) {
            rc = -ENOSPC;
            break;
        }
        if (iob_get((char *)*sp + in, b, done, chunk)) {
            /* Keep the invariant: whatever the fault left past the end goes back to zero. */
            if (at + chunk > ino->size) {
                size_t from = at >= ino->size ? in : (size_t)(ino->size & (PAGE_SIZE - 1));
                memset((char *)*sp + from, 0, in + chunk - from);
            }
            rc = -EFAULT;
            break;
        }
        done += chunk;
    }
    if (done == 0)
        return rc;
    if (off + done > ino->size)
        ino->size = off + done;
    inode_touch(ino);
    return (long)done;
}

int tmpfs_truncate(struct inode *ino, uint64_t size)
{
    if (size > ino->size && past_fsize_limit(size))
        return -EFBIG;
    if (size > TMPFS_MAX_SIZE)
        return -EFBIG;
    if (size < ino->size) {
        size_t in = (size_t)(size & (PAGE_SIZE - 1));

        if (in) {
            void **sp = page_slot(ino, (uint32_t)(size >> PAGE_SHIFT), 0);

            if (sp && *sp)
                memset((char *)*sp + in, 0, PAGE_SIZE - in);
        }
        free_from(&ino->u.tmp.root, ino->u.tmp.depth, 0, (size + PAGE_SIZE - 1) >> PAGE_SHIFT,
                  &ino->u.tmp.npages);
    }
    ino->size = size;
    inode_touch(ino);
    return 0;
}

void tmpfs_evict(struct inode *ino)
{
    free_from(&ino->u.tmp.root, ino->u.tmp.depth, 0, 0, &ino->u.tmp.npages);
    ino->u.tmp.depth = 0;
}

static long tmpfs_read(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos)
{
    long r = tmpfs_pread(f->inode, b, n, *pos);

    if (r > 0)
        *pos += (uint64_t)r;
    return r;
}

static long tmpfs_write(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos)
{
    long r;

    if (f->flags & O_APPEND)
        *pos = f->inode->size;
    r = tmpfs_pwrite(f->inode, b, n, *pos);
    if (r > 0)
        *pos += (uint64_t)r;
    return r;
}

const struct file_ops tmpfs_fops = {.read = tmpfs_read, .write = tmpfs_write, .seekable = 1};
