/* statfs64 and fstatfs64 (musl's statvfs and fstatvfs), and the older statfs and fstatfs with
 * 32-bit fields (-EOVERFLOW when a count does not fit): which kind of file system a file is on,
 * and for tmpfs its size limit and what is used of it (kernel/fs/tmpfs.c), as Linux reports
 * them: 4 KB blocks, inodes. The other kinds report no blocks, as Linux's ramfs and proc do. */
#include <kernel/syscalls.h>
#include <arch/x86/uaccess.h>
#include <lib/string.h>
#include "fs_impl.h"

static void fill_statfs(const struct inode *ino, struct linux_statfs64 *out)
{
    struct linux_statfs64 st;

    memset(&st, 0, sizeof(st));
    st.f_type = ino->sb->magic;
    st.f_bsize = st.f_frsize = LINUX_PAGE_SIZE;
    st.f_namelen = LINUX_NAME_MAX;
    st.f_fsid[0] = ino->sb->dev_minor;
    st.f_flags = ST_VALID | (ino->sb->readonly ? ST_RDONLY : 0);
    if (ino->sb == &tmpfs_sb) {
        struct tmpfs_usage u;
        tmpfs_usage(&u);
        st.f_blocks = u.max_bytes / LINUX_PAGE_SIZE;
        st.f_bfree = st.f_bavail = (u.max_bytes - u.bytes) / LINUX_PAGE_SIZE;
        st.f_files = u.max_inodes;
        st.f_ffree = u.max_inodes - u.inodes;
    }
    *out = st;
}

static long put_statfs(const struct inode *ino, u32 size, u32 buf)
{
    struct linux_statfs64 st;

    if (size != sizeof(st))
        return -EINVAL;
    fill_statfs(ino, &st);
    return copy_to_user(buf, &st, sizeof(st)) ? -EFAULT : 0;
}

/* struct statfs of the 32-bit calls: the same fields, counts in 32 bits. */
static long put_statfs32(const struct inode *ino, u32 buf)
{
    struct linux_statfs64 st;
    uint32_t s[16] = {0};

    fill_statfs(ino, &st);
    if ((st.f_blocks | st.f_bfree | st.f_bavail | st.f_files | st.f_ffree) >> 32)
        return -EOVERFLOW;
    s[0] = st.f_type, s[1] = st.f_bsize, s[2] = (uint32_t)st.f_blocks;
    s[3] = (uint32_t)st.f_bfree, s[4] = (uint32_t)st.f_bavail, s[5] = (uint32_t)st.f_files;
    s[6] = (uint32_t)st.f_ffree, s[7] = st.f_fsid[0], s[8] = st.f_fsid[1];
    s[9] = st.f_namelen, s[10] = st.f_frsize, s[11] = st.f_flags;
    return copy_to_user(buf, s, sizeof(s)) ? -EFAULT : 0;
}

long sys_statfs(u32 upath, u32 buf)
{
    struct inode *ino;
    long rc = lookup_user_path(upath, WALK_FOLLOW, &ino);

    if (rc)
        return rc;
    rc = put_statfs32(ino, buf);
    inode_put(ino);
    return rc;
}

long sys_fstatfs(u32 fd, u32 buf)
{
    struct file *f = fd_get(fd);
    long rc;

    if (!f)
        return -EBADF;
    rc = put_statfs32(f->inode, buf);
    file_put(f);
    return rc;
}

long sys_statfs64(u32 upath, u32 size, u32 buf)
{
    struct inode *ino;
    long rc = lookup_user_path(upath, WALK_FOLLOW, &ino);

    if (rc)
        return rc;
    rc = put_statfs(ino, size, buf);
    inode_put(ino);
    return rc;
}

long sys_fstatfs64(u32 fd, u32 size, u32 buf)
{
    struct file *f = fd_get(fd);
    long rc;

    if (!f)
        return -EBADF;
    rc = put_statfs(f->inode, size, buf);
    file_put(f);
    return rc;
}
