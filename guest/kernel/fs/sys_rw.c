/* read, write, readv, writev, pread64, pwrite64, lseek, _llseek. Counts are clamped to Linux's
 * MAX_RW_COUNT; a fault part-way returns what was transferred, a fault before anything -EFAULT. */
#include <kernel/syscalls.h>
#include <arch/x86/uaccess.h>
#include "fs_impl.h"

#define MAX_RW_COUNT 0x7ffff000u

typedef long rw_fn(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos);

static long rw(u32 fd, u32 buf, u32 count, rw_fn *op)
{
    struct file *f = fd_get(fd);
    struct iobuf b = {buf, NULL};
    long r;

    if (!f)
        return -EBADF;
    r = op(f, &b, count < MAX_RW_COUNT ? count : MAX_RW_COUNT, &f->pos);
    file_put(f);
    return r;
}

long sys_read(u32 fd, u32 buf, u32 count)
{
    return rw(fd, buf, count, fs_read);
}

long sys_write(u32 fd, u32 buf, u32 count)
{
    return rw(fd, buf, count, fs_write);
}

/* Check the whole vector first (lengths, total), as Linux does before any transfer. */
static long iov_check(u32 iov, u32 iovcnt)
{
    uint32_t total = 0;

    if (iovcnt > LINUX_UIO_MAXIOV)
        return -EINVAL;
    for (u32 i = 0; i < iovcnt; i++) {
        struct linux_iovec v;

        if (copy_from_user(&v, iov + i * sizeof(v), sizeof(v)))
            return -EFAULT;
        if (v.len > 0x7fffffffu || v.len > 0x7fffffffu - total)
            return -EINVAL;
        total += v.len;
    }
    return 0;
}

static long do_iov(u32 fd, u32 iov, u32 iovcnt, int write)
{
    struct file *f = fd_get(fd);
    uint32_t keep;
    long total = 0, rc;

    if (!f)
        return -EBADF;
    rc = iov_check(iov, iovcnt);
    if (rc == 0 && !(write ? file_writable(f) : file_readable(f)))
        rc = -EBADF;
    keep = f->flags;
    for (u32 i = 0; rc == 0 && i < iovcnt && (uint32_t)total < MAX_RW_COUNT; i++) {
        struct linux_iovec v;
        struct iobuf b;
        long r;

        if (copy_from_user(&v, iov + i * sizeof(v), sizeof(v)))
            break;
        if (v.len > MAX_RW_COUNT - (uint32_t)total)
            v.len = MAX_RW_COUNT - (uint32_t)total;
        b.uaddr = v.base;
        b.kaddr = NULL;
        r = write ? fs_write(f, &b, v.len, &f->pos) : fs_read(f, &b, v.len, &f->pos);
        if (r < 0) {
            if (total == 0)
                rc = r;
            break;
        }
        total += r;
        if ((uint32_t)r < v.len)
            break;
        /* Once data has come, a later element must not wait for more (one pipe read). */
        if (!write && total)
            f->flags |= O_NONBLOCK;
    }
    f->flags = (f->flags & ~O_NONBLOCK) | (keep & O_NONBLOCK);
    file_put(f);
    return rc ? rc : total;
}

long sys_readv(u32 fd, u32 iov, u32 iovcnt)
{
    return do_iov(fd, iov, iovcnt, 0);
}

long sys_writev(u32 fd, u32 iov, u32 iovcnt)
{
    return do_iov(fd, iov, iovcnt, 1);
}

static long do_pio(u32 fd, u32 buf, u32 count, u32 off_lo, u32 off_hi, int write)
{
    struct file *f = fd_get(fd);
    uint64_t pos = (uint64_t)off_hi << 32 | off_lo;
    struct iobuf b = {buf, NULL};
    long r;

    if (!f)
        return -EBADF;
    if (count > MAX_RW_COUNT)
        count = MAX_RW_COUNT;
    if (!f->ops->seekable)
        r = -ESPIPE;
    else if ((int64_t)pos < 0)
        r = -EINVAL;
    else
        r = write ? fs_write(f, &b, count, &pos) : fs_read(f, &b, count, &pos);
    file_put(f);
    return r;
}

long sys_pread64(u32 fd, u32 buf, u32 count, u32 off_lo, u32 off_hi)
{
    return do_pio(fd, buf, count, off_lo, off_hi, 0);
}

long sys_pwrite64(u32 fd, u32 buf, u32 count, u32 off_lo, u32 off_hi)
{
    return do_pio(fd, buf, count, off_lo, off_hi, 1);
}

/* The new offset, or -errno; the file keeps it only on success. */
static int64_t do_seek(struct file *f, int64_t off, u32 whence)
{
    int64_t base;

    if (!f->ops->seekable)
        return -ESPIPE;
    switch (whence) {
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = (int64_t)f->pos;
        break;
    case SEEK_END:
        base = (int64_t)f->inode->size;
        break;
    default:
        return -EINVAL;
    }
    if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
        return -EINVAL;
    f->pos = (uint64_t)(base + off);
    return base + off;
}

long sys_lseek(u32 fd, u32 off, u32 whence)
{
    struct file *f = fd_get(fd);
    uint64_t old;
    int64_t r;

    if (!f)
        return -EBADF;
    old = f->pos;
    r = do_seek(f, (int32_t)off, whence);
    if (r > 0x7fffffff) {
        f->pos = old;
        r = -EOVERFLOW;
    }
    file_put(f);
    return (long)r;
}

long sys__llseek(u32 fd, u32 off_hi, u32 off_lo, u32 result, u32 whence)
{
    struct file *f = fd_get(fd);
    uint64_t old;
    int64_t r;

    if (!f)
        return -EBADF;
    old = f->pos;
    r = do_seek(f, (int64_t)((uint64_t)off_hi << 32 | off_lo), whence);
    if (r >= 0 && copy_to_user(result, &r, sizeof(r))) {
        f->pos = old;
        r = -EFAULT;
    }
    file_put(f);
    return r < 0 ? (long)r : 0;
}
