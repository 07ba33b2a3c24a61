/* truncate and ftruncate (and their 64-bit-length forms, which musl uses): only tmpfs files can
 * change size; the initramfs is -EROFS, directories -EISDIR, anything else -EINVAL. */
#include <kernel/syscalls.h>
#include "fs_impl.h"

static long truncate_inode(struct inode *ino, int64_t len)
{
    if (len < 0)
        return -EINVAL;
    if (S_ISDIR(ino->mode))
        return -EISDIR;
    if (!S_ISREG(ino->mode))
        return -EINVAL;
    if (ino->sb->readonly)
        return -EROFS;
    if (ino->sb != &tmpfs_sb)
        return -EINVAL;
    return tmpfs_truncate(ino, (uint64_t)len);
}

static long truncate_path(u32 upath, int64_t len)
{
    struct inode *ino;
    long rc = lookup_user_path(upath, WALK_FOLLOW, &ino);

    if (rc)
        return rc;
    rc = truncate_inode(ino, len);
    inode_put(ino);
    return rc;
}

static long truncate_fd(u32 fd, int64_t len)
{
    struct file *f = fd_get(fd);
    long rc;

    if (!f)
        return -EBADF;
    rc = file_writable(f) && f->inode ? truncate_inode(f->inode, len) : -EINVAL;
    file_put(f);
    return rc;
}

long sys_truncate(u32 path, u32 len)
{
    return truncate_path(path, (int32_t)len);
}

long sys_truncate64(u32 path, u32 len_lo, u32 len_hi)
{
    return truncate_path(path, (int64_t)((uint64_t)len_hi << 32 | len_lo));
}

long sys_ftruncate(u32 fd, u32 len)
{
    return truncate_fd(fd, (int32_t)len);
}

long sys_ftruncate64(u32 fd, u32 len_lo, u32 len_hi)
{
    return truncate_fd(fd, (int64_t)((uint64_t)len_hi << 32 | len_lo));
}
