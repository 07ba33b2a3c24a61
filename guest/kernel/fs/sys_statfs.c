/* statfs64 and fstatfs64 (musl's statvfs and fstatvfs): which kind of file system a file is on,
 * and for tmpfs its size limit and what is used of it (kernel/fs/tmpfs.c), as Linux reports
 * them: 4 KB blocks, inodes. The other kinds report no blocks, as Linux's ramfs and proc do. */
#include <guest/syscalls.h>
#include <guest/uaccess.h>
#include <lib/string.h>
#include "fs_impl.h"

static long put_statfs(const struct inode *ino, u32 size, u32 buf)
{
    struct linux_statfs64 st;

    if (size != sizeof(st))
        return -EINVAL;
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
    return copy_to_user(buf, &st, sizeof(st)) ? -EFAULT : 0;
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
