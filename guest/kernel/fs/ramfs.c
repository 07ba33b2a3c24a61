/* Regular files from the initramfs: read-only, their bytes left in the archive, so a read is
 * one copy from the module straight into the caller's buffer. */
#include "fs_impl.h"

static long ramfs_read(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos)
{
    const struct inode *ino = f->inode;

    if (*pos >= ino->size)
        return 0;
    if (n > ino->size - *pos)
        n = (size_t)(ino->size - *pos);
    if (iob_put(b, 0, ino->u.ro_data + (size_t)*pos, n))
        return -EFAULT;
    *pos += n;
    return (long)n;
}

const struct file_ops ramfs_fops = {.read = ramfs_read, .seekable = 1};
