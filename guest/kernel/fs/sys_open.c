/* open, openat, creat, close: resolving (and with O_CREAT making) the file, the checks Linux
 * makes in its order, then one struct file in the lowest free descriptor. */
#include <kernel/mm/kmem.h>
#include <kernel/proc.h>
#include <kernel/syscalls.h>
#include <lib/string.h>
#include "fs_impl.h"

/* Status flags a file keeps (F_GETFL); the rest only steer the open itself. */
#define OPEN_ONLY (O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW)

/* O_PATH descriptors and files without operations: every read or write is refused. */
static const struct file_ops path_fops;

static uint32_t cur_umask(void)
{
    return current_proc() ? current_proc()->umask : 022;
}

/* O_CREAT: find the last component (through symlinks unless O_EXCL/O_NOFOLLOW), or make it. */
static int open_create(struct inode *base, const char *path, uint32_t flags, uint32_t mode,
                       struct inode **out, int *created, struct walk *wout)
{
    struct walk w;
    int rc = path_parent(base, path, &w);

    *wout = w;

    while (rc == 0) {
        struct inode *ino;

        if (w.last_len == 0 || name_is_dot(w.last, w.last_len))
            return -EISDIR;
        ino = walk_last(&w);
        if (ino && (flags & O_EXCL))
            return -EEXIST;
        if (ino && S_ISDIR(ino->mode))
            return -EISDIR;
        if (ino && S_ISLNK(ino->mode) && !(flags & O_NOFOLLOW)) {
            rc = walk_into_symlink(&w, ino);
            continue;
        }
        if (ino) {
            *wout = w;
            *out = inode_get(ino);
            return 0;
        }
        if (w.dir->nlink == 0)
            return -ENOENT;
        if (w.trailing_slash)
            return -EISDIR;
        if (w.dir->sb->readonly)
            return -EROFS;
        ino = inode_new(&tmpfs_sb, S_IFREG | (mode & 07777 & ~cur_umask()));
        if (!ino)
            return -ENOSPC;
        ino->fops = &tmpfs_fops;
        rc = dir_link(w.dir, w.last, w.last_len, ino);
        if (rc) {
            inode_free(ino);
            return rc;
        }
        *created = 1;
        *wout = w;
        *out = inode_get(ino);
        return 0;
    }
    return rc;
}

static int open_check(struct inode *ino, uint32_t flags)
{
    uint32_t acc = flags & O_ACCMODE;
    int writes = acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC);

    if (flags & O_PATH)
        return (flags & O_DIRECTORY) && !S_ISDIR(ino->mode) ? -ENOTDIR : 0;
    if (S_ISLNK(ino->mode))
        return -ELOOP; /* O_NOFOLLOW met a symlink */
    if ((flags & O_DIRECTORY) && !S_ISDIR(ino->mode))
        return -ENOTDIR;
    if (S_ISDIR(ino->mode) && writes)
        return -EISDIR;
    if (writes && ino->sb == &procfs_sb && (!(ino->mode & 0222) || (flags & O_TRUNC)))
        return -EACCES; /* only /proc control files take writes, and never truncate */
    if (writes && ino->sb->readonly && S_ISREG(ino->mode) && ino->sb != &procfs_sb)
        return -EROFS;
    return 0;
}

/* Remember where f was found (for /proc/<pid>/fd): directories are named from their own
 * parent links instead. Out of memory, the file just has no path to show. */
static void remember_origin(struct file *f, const struct walk *w)
{
    if (S_ISDIR(f->inode->mode) || w->last_len == 0 || w->last_len > LINUX_NAME_MAX)
        return;
    f->origin_name = kmalloc(w->last_len + 1);
    if (!f->origin_name)
        return;
    memcpy(f->origin_name, w->last, w->last_len);
    f->origin_name[w->last_len] = 0;
    f->origin_dir = inode_get(w->dir);
}

long fs_open(struct inode *base, const char *path, uint32_t flags, uint32_t mode, struct file **out)
{
    struct walk w = {0};
    struct inode *ino;
    int created = 0;
    long rc;

    if (flags & O_PATH)
        flags &= O_PATH | O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW;
    if ((flags & O_CREAT) && !(flags & O_PATH))
        rc = open_create(base, path, flags, mode, &ino, &created, &w);
    else
        rc = path_lookup_walk(base, path, (flags & O_NOFOLLOW) ? 0 : WALK_FOLLOW, &ino, &w);
    if (rc)
        return rc;
    rc = open_check(ino, flags);
    if (rc == 0 && (flags & O_TRUNC) && !created && S_ISREG(ino->mode) && ino->sb == &tmpfs_sb)
        rc = tmpfs_truncate(ino, 0);
    if (rc) {
        inode_put(ino);
        return rc;
    }
    if (flags & O_PATH)
        flags |= O_ACCMODE; /* neither readable nor writable */
    *out = file_open(ino, (flags & O_PATH) || !ino->fops ? &path_fops : ino->fops,
                     flags & ~OPEN_ONLY, &rc);
    if (*out)
        remember_origin(*out, &w);
    return *out ? 0 : rc;
}

static long do_openat(uint32_t dirfd, uint32_t upath, uint32_t flags, uint32_t mode)
{
    struct inode *base;
    struct file *f;
    char *path;
    long rc = path_from_user(upath, &path, 0);

    if (rc)
        return rc;
    rc = fd_check_free();
    if (rc == 0)
        rc = at_base(dirfd, path, &base);
    if (rc == 0) {
        rc = fs_open(base, path, flags, mode, &f);
        inode_put(base);
    }
    path_free(path);
    if (rc)
        return rc;
    return fd_install(f, 0, (flags & O_CLOEXEC) != 0);
}

long sys_open(u32 path, u32 flags, u32 mode)
{
    return do_openat((u32)AT_FDCWD, path, flags, mode);
}

long sys_openat(u32 dirfd, u32 path, u32 flags, u32 mode)
{
    return do_openat(dirfd, path, flags, mode);
}

long sys_creat(u32 path, u32 mode)
{
    return do_openat((u32)AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

long sys_close(u32 fd)
{
    return fd_close(fd);
}
