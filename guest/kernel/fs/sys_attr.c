/* Owners and times: chown, lchown, fchown, fchownat (the 32-bit-id calls and the 16-bit ones)
 * and utimensat (its 32- and 64-bit time forms). Everyone is root, so any owner may be set; as in
 * Linux, changing the owner of anything but a directory clears its set-user-ID bit, and its
 * set-group-ID bit when group execution is on. Times are kept in whole seconds. */
#include <kernel/syscalls.h>
#include <arch/x86/uaccess.h>
#include "fs_impl.h"

#define UTIME_NOW ((1l << 30) - 1)
#define UTIME_OMIT ((1l << 30) - 2)

static long set_owner(struct inode *ino, uint32_t uid, uint32_t gid)
{
    if (ino->sb->readonly)
        return -EROFS;
    if (uid != 0xffffffffu)
        ino->uid = uid;
    if (gid != 0xffffffffu)
        ino->gid = gid;
    if (!S_ISDIR(ino->mode)) {
        ino->mode &= ~(uint32_t)S_ISUID;
        if (ino->mode & 0010)
            ino->mode &= ~(uint32_t)S_ISGID;
    }
    ino->ctime = fs_now();
    return 0;
}

static long chown_at(u32 dirfd, u32 upath, u32 uid, u32 gid, u32 flags)
{
    struct inode *ino;
    long rc;

    if (flags & ~(u32)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    if (!upath && !(flags & AT_EMPTY_PATH))
        return -EFAULT;
    rc = at_inode(dirfd, upath, upath ? flags : flags | AT_EMPTY_PATH, &ino); /* NULL: dirfd */
    if (rc)
        return rc;
    rc = set_owner(ino, uid, gid);
    inode_put(ino);
    return rc;
}

/* The 16-bit calls' -1 is 0xffff. */
static uint32_t id16(u32 id)
{
    return (id & 0xffff) == 0xffff ? 0xffffffffu : id & 0xffff;
}

long sys_fchownat(u32 dirfd, u32 path, u32 uid, u32 gid, u32 flags)
{
    return chown_at(dirfd, path, uid, gid, flags);
}
long sys_chown32(u32 path, u32 uid, u32 gid)
{
    return chown_at((u32)AT_FDCWD, path, uid, gid, 0);
}
long sys_lchown32(u32 path, u32 uid, u32 gid)
{
    return chown_at((u32)AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}
long sys_chown16(u32 path, u32 uid, u32 gid)
{
    return chown_at((u32)AT_FDCWD, path, id16(uid), id16(gid), 0);
}
long sys_lchown16(u32 path, u32 uid, u32 gid)
{
    return chown_at((u32)AT_FDCWD, path, id16(uid), id16(gid), AT_SYMLINK_NOFOLLOW);
}

static long fchown_any(u32 fd, uint32_t uid, uint32_t gid)
{
    struct file *f = fd_get(fd);
    long rc;

    if (!f)
        return -EBADF;
    rc = set_owner(f->inode, uid, gid);
    file_put(f);
    return rc;
}
long sys_fchown32(u32 fd, u32 uid, u32 gid)
{
    return fchown_any(fd, uid, gid);
}
long sys_fchown16(u32 fd, u32 uid, u32 gid)
{
    return fchown_any(fd, id16(uid), id16(gid));
}

/* ---- utimensat ---- */

struct times {
    int64_t sec[2];
    long nsec[2];
};

static long set_times(u32 dirfd, u32 upath, const struct times *t, u32 flags)
{
    struct inode *ino;
    uint32_t now = fs_now();
    long rc;

    if (flags & ~(u32)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    for (int i = 0; t && i < 2; i++)
        if (t->nsec[i] != UTIME_NOW && t->nsec[i] != UTIME_OMIT &&
            (t->nsec[i] < 0 || t->nsec[i] > 999999999))
            return -EINVAL;
    if (t && t->nsec[0] == UTIME_OMIT && t->nsec[1] == UTIME_OMIT)
        return 0; /* nothing to change: Linux does not even look the path up */
    rc = at_inode(dirfd, upath, upath ? flags : flags | AT_EMPTY_PATH, &ino); /* NULL: dirfd */
    if (rc)
        return rc;
    if (ino->sb->readonly && ino->sb != &devfs_sb) {
        inode_put(ino);
        return -EROFS;
    }
    for (int i = 0; i < 2; i++) {
        uint32_t *field = i ? &ino->mtime : &ino->atime;

        if (!t || t->nsec[i] == UTIME_NOW)
            *field = now;
        else if (t->nsec[i] != UTIME_OMIT)
            *field = (uint32_t)t->sec[i];
    }
    ino->ctime = now;
    inode_put(ino);
    return 0;
}

/* A NULL path names dirfd itself (Linux's extension, which futimens uses). */
static long null_path_check(u32 dirfd, u32 upath, u32 flags)
{
    if (upath)
        return 0;
    if ((int32_t)dirfd == AT_FDCWD)
        return -EFAULT;
    return (flags & AT_SYMLINK_NOFOLLOW) ? -EINVAL : 0;
}

long sys_utimensat(u32 dirfd, u32 upath, u32 utimes, u32 flags)
{
    int32_t ts[4];
    struct times t;
    long rc = null_path_check(dirfd, upath, flags);

    if (rc)
        return rc;
    if (!utimes)
        return set_times(dirfd, upath, NULL, flags);
    if (copy_from_user(ts, utimes, sizeof(ts)))
        return -EFAULT;
    t = (struct times){{ts[0], ts[2]}, {ts[1], ts[3]}};
    return set_times(dirfd, upath, &t, flags);
}

long sys_utimensat_time64(u32 dirfd, u32 upath, u32 utimes, u32 flags)
{
    struct {
        int64_t sec;
        int32_t nsec, pad;
    } ts[2];
    struct times t;
    long rc = null_path_check(dirfd, upath, flags);

    if (rc)
        return rc;
    if (!utimes)
        return set_times(dirfd, upath, NULL, flags);
    if (copy_from_user(ts, utimes, sizeof(ts)))
        return -EFAULT;
    t = (struct times){{ts[0].sec, ts[1].sec}, {ts[0].nsec, ts[1].nsec}};
    return set_times(dirfd, upath, &t, flags);
}
