/* Open-file objects (reference counted, shared by dup and fork) and the I/O buffer helpers that
 * let one read/write implementation serve ring-3 buffers and kernel buffers alike. */
#include <kernel/mm/kmem.h>
#include <arch/x86/uaccess.h>
#include <lib/string.h>
#include "fs_impl.h"

int iob_put(const struct iobuf *b, size_t off, const void *src, size_t n)
{
    if (b->kaddr) {
        memcpy(b->kaddr + off, src, n);
        return 0;
    }
    if (off > USER_TOP)
        return -EFAULT;
    return copy_to_user(b->uaddr + (uint32_t)off, src, n);
}

int iob_get(void *dst, const struct iobuf *b, size_t off, size_t n)
{
    if (b->kaddr) {
        memcpy(dst, b->kaddr + off, n);
        return 0;
    }
    if (off > USER_TOP)
        return -EFAULT;
    return copy_from_user(dst, b->uaddr + (uint32_t)off, n);
}

int iob_zero(const struct iobuf *b, size_t off, size_t n)
{
    if (b->kaddr) {
        memset(b->kaddr + off, 0, n);
        return 0;
    }
    if (off > USER_TOP)
        return -EFAULT;
    return clear_user(b->uaddr + (uint32_t)off, n);
}

struct file *file_open(struct inode *ino, const struct file_ops *ops, uint32_t flags, long *err)
{
    struct file *f = kzalloc(sizeof(*f));
    int rc;

    if (!f) {
        inode_put(ino);
        *err = -ENOMEM;
        return NULL;
    }
    f->refs = 1;
    f->flags = flags;
    f->inode = ino;
    f->ops = ops;
    rc = ops->open ? ops->open(f) : 0;
    if (rc) {
        inode_put(ino);
        kfree(f);
        *err = rc;
        return NULL;
    }
    return f;
}

struct file *file_get(struct file *f)
{
    f->refs++;
    return f;
}

void file_put(struct file *f)
{
    if (!f || --f->refs)
        return;
    if (f->ops->release)
        f->ops->release(f);
    if (f->origin_dir)
        inode_put(f->origin_dir);
    kfree(f->origin_name);
    inode_put(f->inode);
    kfree(f);
}

long fs_read(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos)
{
    if (!file_readable(f))
        return -EBADF;
    if (S_ISDIR(f->inode->mode))
        return -EISDIR;
    if (!f->ops->read)
        return -EINVAL;
    if (n == 0)
        return 0;
    return f->ops->read(f, b, n, pos);
}

long fs_write(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos)
{
    if (!file_writable(f))
        return -EBADF;
    if (!f->ops->write)
        return -EINVAL;
    if (n == 0)
        return 0;
    return f->ops->write(f, b, n, pos);
}
