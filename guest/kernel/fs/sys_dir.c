/* getdents64 (linux_dirent64 records: "." and ".." first, d_off the cookie of the next entry),
 * getcwd, chdir, fchdir, umask. */
#include <kernel/mm/kmem.h>
#include <kernel/proc.h>
#include <kernel/syscalls.h>
#include <arch/x86/uaccess.h>
#include <lib/string.h>
#include "fs_impl.h"

#define DIRENT_NAME 19 /* offsetof(struct linux_dirent64, d_name) */

/* Build one record in rec; returns its length (8-byte aligned, NUL and padding included). */
static size_t dirent_fill(char *rec, uint64_t ino, uint64_t next, const struct inode *target,
                          const char *name, size_t len)
{
    size_t reclen = (DIRENT_NAME + len + 1 + 7) & ~(size_t)7;
    uint16_t rl = (uint16_t)reclen;
    uint8_t type = (uint8_t)((target->mode & S_IFMT) >> 12); /* DT_* is the S_IFMT nibble */

    memset(rec, 0, reclen);
    memcpy(rec, &ino, 8);
    memcpy(rec + 8, &next, 8);
    memcpy(rec + 16, &rl, 2);
    rec[18] = (char)type;
    memcpy(rec + DIRENT_NAME, name, len);
    return reclen;
}

long sys_getdents64(u32 fd, u32 dirp, u32 count)
{
    struct file *f = fd_get(fd);
    char rec[DIRENT_NAME + LINUX_NAME_MAX + 1 + 8];
    struct inode *dir;
    uint64_t pos;
    size_t done = 0;
    long rc = 0;

    if (!f)
        return -EBADF;
    dir = f->inode;
    if (!S_ISDIR(dir->mode)) {
        file_put(f);
        return -ENOTDIR;
    }
    pos = f->pos;
    procfs_pid_fill(dir);
    procfs_fd_sync(dir);
    while (dir->nlink) {
        const struct inode *t = dir;
        const char *name = ".";
        size_t len = 1, reclen;
        uint64_t next = pos + 1;

        if (pos == 1) {
            t = dir->u.dir.parent;
            name = "..";
            len = 2;
        } else if (pos > 1) {
            const struct dentry *d = pos > 0xffffffffu ? NULL : dir_next(dir, (uint32_t)pos);

            if (!d)
                break;
            t = d->inode;
            name = d->name;
            len = d->len;
            next = (uint64_t)d->seq + 1;
        }
        reclen = dirent_fill(rec, t->ino, next, t, name, len);
        if (reclen > count - done) {
            if (done == 0)
                rc = -EINVAL;
            break;
        }
        if (copy_to_user(dirp + (uint32_t)done, rec, reclen)) {
            rc = -EFAULT;
            break;
        }
        done += reclen;
        pos = next;
    }
    f->pos = pos;
    file_put(f);
    return done ? (long)done : rc;
}

/* The absolute path of directory ino, built from the end of p (LINUX_PATH_MAX bytes): 0 with
 * *at where it starts, or -ENOENT (removed), -ENAMETOOLONG. */
static long dir_path(struct inode *ino, char *p, size_t *out_at)
{
    size_t at = LINUX_PATH_MAX;
    long rc = 0;

    if (ino->nlink == 0)
        return -ENOENT; /* removed: it has no path any more */
    p[--at] = 0;
    while (ino != fs_root_inode && rc == 0) {
        struct inode *parent = ino->u.dir.parent;
        const struct dentry *d = dir_find_inode(parent, ino->covers ? ino->covers : ino);

        if (!d)
            rc = -ENOENT;
        else if (at < d->len + 1)
            rc = -ENAMETOOLONG;
        else {
            at -= d->len;
            memcpy(p + at, d->name, d->len);
            p[--at] = '/';
        }
        ino = parent;
    }
    if (rc == 0 && at == LINUX_PATH_MAX - 1)
        p[--at] = '/';
    *out_at = at;
    return rc;
}

int fs_dir_path(struct inode *dir, char *buf, size_t size)
{
    char *p = kmalloc(LINUX_PATH_MAX);
    size_t at = 0;
    long rc = p ? dir_path(dir ? dir : fs_root_inode, p, &at) : -ENOMEM;

    if (rc == 0 && LINUX_PATH_MAX - at > size)
        rc = -ENAMETOOLONG;
    if (rc == 0) {
        memcpy(buf, p + at, LINUX_PATH_MAX - at);
        rc = (long)(LINUX_PATH_MAX - at - 1);
    }
    kfree(p);
    return (int)rc;
}

long sys_getcwd(u32 buf, u32 size)
{
    char *p = kmalloc(LINUX_PATH_MAX);
    size_t at = 0, len;
    long rc;

    if (!p)
        return -ENOMEM;
    rc = dir_path(cwd_inode(), p, &at);
    len = LINUX_PATH_MAX - at;
    if (rc == 0 && size < len)
        rc = -ERANGE;
    if (rc == 0)
        rc = copy_to_user(buf, p + at, len) ? -EFAULT : (long)len;
    kfree(p);
    return rc;
}

static long set_cwd(struct inode *ino)
{
    struct proc *p = current_proc();
    struct inode *old;

    if (!p) {
        inode_put(ino);
        return -ESRCH;
    }
    old = p->cwd;
    p->cwd = ino;
    inode_put(old);
    return 0;
}

long sys_chdir(u32 upath)
{
    struct inode *ino;
    long rc = lookup_user_path(upath, WALK_FOLLOW | WALK_DIRECTORY, &ino);

    return rc ? rc : set_cwd(ino);
}

long sys_fchdir(u32 fd)
{
    struct file *f = fd_get(fd);
    struct inode *ino;

    if (!f)
        return -EBADF;
    ino = S_ISDIR(f->inode->mode) ? inode_get(f->inode) : NULL;
    file_put(f);
    return ino ? set_cwd(ino) : -ENOTDIR;
}

long sys_umask(u32 mask)
{
    struct proc *p = current_proc();
    uint32_t old;

    if (!p)
        return 022;
    old = p->umask;
    p->umask = mask & 0777;
    return (long)old;
}
