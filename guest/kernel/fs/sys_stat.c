/* stat64, lstat64, fstat64, fstatat64, statx, access/faccessat/faccessat2, readlink/readlinkat:
 * the calls that look at an inode without opening it. Everyone is root here: access() refuses
 * only writes to read-only file systems and execution without an x bit. */
#include <kernel/syscalls.h>
#include <arch/x86/uaccess.h>
#include <lib/string.h>
#include "fs_impl.h"

#define STAT_FLAGS (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT)

static long stat_out(struct inode *ino, u32 buf)
{
    struct linux_stat64 st;

    fs_stat(ino, &st);
    inode_put(ino);
    return copy_to_user(buf, &st, sizeof(st));
}

long sys_fstatat64(u32 dirfd, u32 path, u32 buf, u32 flags)
{
    struct inode *ino;
    long rc;

    if (flags & ~(u32)STAT_FLAGS)
        return -EINVAL;
    rc = at_inode(dirfd, path, flags, &ino);
    return rc ? rc : stat_out(ino, buf);
}

long sys_stat64(u32 path, u32 buf)
{
    return sys_fstatat64((u32)AT_FDCWD, path, buf, 0);
}

long sys_lstat64(u32 path, u32 buf)
{
    return sys_fstatat64((u32)AT_FDCWD, path, buf, AT_SYMLINK_NOFOLLOW);
}

long sys_fstat64(u32 fd, u32 buf)
{
    struct file *f = fd_get(fd);
    struct inode *ino;

    if (!f)
        return -EBADF;
    ino = inode_get(f->inode);
    file_put(f);
    return stat_out(ino, buf);
}

long sys_statx(u32 dirfd, u32 path, u32 flags, u32 mask, u32 buf)
{
    struct linux_statx sx;
    struct linux_stat64 st;
    struct inode *ino;
    long rc;

    if ((flags & ~(u32)(STAT_FLAGS | AT_STATX_SYNC_TYPE)) ||
        (flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE || (mask & STATX__RESERVED))
        return -EINVAL;
    rc = at_inode(dirfd, path, flags, &ino);
    if (rc)
        return rc;
    fs_stat(ino, &st);
    memset(&sx, 0, sizeof(sx));
    sx.stx_mask = STATX_BASIC_STATS; /* all of them, whatever was asked (as Linux may) */
    sx.stx_blksize = st.st_blksize;
    sx.stx_nlink = st.st_nlink;
    sx.stx_mode = (uint16_t)st.st_mode;
    sx.stx_ino = st.st_ino;
    sx.stx_size = (uint64_t)st.st_size;
    sx.stx_blocks = st.st_blocks;
    sx.stx_uid = st.st_uid;
    sx.stx_gid = st.st_gid;
    sx.stx_atime.tv_sec = st.st_atime;
    sx.stx_mtime.tv_sec = st.st_mtime;
    sx.stx_ctime.tv_sec = st.st_ctime;
    sx.stx_rdev_major = ino->rdev_major;
    sx.stx_rdev_minor = ino->rdev_minor;
    sx.stx_dev_major = ino->sb->dev_major;
    sx.stx_dev_minor = ino->sb->dev_minor;
    inode_put(ino);
    return copy_to_user(buf, &sx, sizeof(sx));
}

long sys_faccessat2(u32 dirfd, u32 path, u32 mode, u32 flags)
{
    struct inode *ino;
    long rc;

    if (mode & ~(u32)(R_OK | W_OK | X_OK))
        return -EINVAL;
    if (flags & ~(u32)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    rc = at_inode(dirfd, path, flags & ~(u32)AT_EACCESS, &ino);
    if (rc)
        return rc;
    if ((mode & W_OK) && ino->sb->readonly &&
        (S_ISREG(ino->mode) || S_ISDIR(ino->mode) || S_ISLNK(ino->mode)))
        rc = -EROFS;
    else if ((mode & X_OK) && !S_ISDIR(ino->mode) && !(ino->mode & 0111))
        rc = -EACCES;
    inode_put(ino);
    return rc;
}

long sys_faccessat(u32 dirfd, u32 path, u32 mode)
{
    return sys_faccessat2(dirfd, path, mode, 0);
}

long sys_access(u32 path, u32 mode)
{
    return sys_faccessat2((u32)AT_FDCWD, path, mode, 0);
}

long sys_readlinkat(u32 dirfd, u32 upath, u32 buf, u32 size)
{
    struct inode *ino;
    const char *s;
    size_t n;
    long rc;

    if ((int32_t)size <= 0)
        return -EINVAL;
    rc = at_inode(dirfd, upath, AT_SYMLINK_NOFOLLOW, &ino);
    if (rc)
        return rc;
    if (!S_ISLNK(ino->mode)) {
        rc = -EINVAL;
    } else if (symlink_target(ino, &s, &n) == 0) {
        if (n > size)
            n = size;
        rc = copy_to_user(buf, s, n) ? -EFAULT : (long)n;
    }
    inode_put(ino);
    return rc;
}

long sys_readlink(u32 path, u32 buf, u32 size)
{
    return sys_readlinkat((u32)AT_FDCWD, path, buf, size);
}
