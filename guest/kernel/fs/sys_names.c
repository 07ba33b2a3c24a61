/* Calls that change names: mkdir(at), rmdir, unlink(at), rename(at), symlink, link(at),
 * mknod(at), and the mode changes chmod/fchmod. Each checks everything (in Linux's order of
 * errors) before it touches the tree, so a refused call changes nothing. The root (a tmpfs) is
 * writable; /dev and /proc are not. */
#include <kernel/mm/kmem.h>
#include <kernel/proc.h>
#include <kernel/syscalls.h>
#include <lib/string.h>
#include "fs_impl.h"

/* A user path resolved to its parent: w filled, *path to path_free, *base to inode_put. */
static long parent_of(u32 dirfd, u32 upath, struct walk *w, char **path, struct inode **base)
{
    long rc = path_from_user(upath, path, 0);

    *base = NULL;
    if (rc)
        return rc;
    rc = at_base(dirfd, *path, base);
    if (rc == 0)
        rc = path_parent(*base, *path, w);
    if (rc) {
        inode_put(*base);
        path_free(*path);
    }
    return rc;
}

static void parent_done(char *path, struct inode *base)
{
    inode_put(base);
    path_free(path);
}

static int is_dotty(const struct walk *w)
{
    return w->last_len == 0 || name_is_dot(w->last, w->last_len);
}

/* Room for a new name in w: 0, -EEXIST, -ENOENT (directory removed) or -EROFS. */
static long can_create(struct walk *w)
{
    if (is_dotty(w) || walk_last(w))
        return -EEXIST;
    if (w->dir->nlink == 0)
        return -ENOENT;
    return w->dir->sb->readonly ? -EROFS : 0;
}

static uint32_t cur_umask(void)
{
    return current_proc() ? current_proc()->umask : 022;
}

long sys_mkdirat(u32 dirfd, u32 upath, u32 mode)
{
    struct inode *base;
    struct walk w;
    char *path;
    long rc = parent_of(dirfd, upath, &w, &path, &base);

    if (rc)
        return rc;
    rc = can_create(&w);
    if (rc == 0 &&
        !dir_mkdir(w.dir, w.dir->sb, w.last, w.last_len, mode & 01777 & ~cur_umask(), &rc))
        rc = rc ? rc : -ENOSPC;
    parent_done(path, base);
    return rc;
}

long sys_mkdir(u32 path, u32 mode)
{
    return sys_mkdirat((u32)AT_FDCWD, path, mode);
}

/* rmdir's and unlink's checks; on success *d is the entry to remove. */
static long check_remove(struct walk *w, int rmdir, struct dentry **d)
{
    struct inode *ino;

    if (w->last_len == 0)
        return rmdir ? -EBUSY : -EISDIR;
    if (name_is_dot(w->last, w->last_len))
        return !rmdir ? -EISDIR : name_is_dot(w->last, w->last_len) == 1 ? -EINVAL : -ENOTEMPTY;
    if (w->dir->sb->readonly)
        return -EROFS;
    *d = w->dir->nlink ? dir_find(w->dir, w->last, w->last_len) : NULL;
    if (!*d)
        return -ENOENT;
    ino = (*d)->inode;
    if (rmdir && ino->mounted)
        return -EBUSY; /* a mount point */
    if (!rmdir)
        return S_ISDIR(ino->mode) ? -EISDIR : w->trailing_slash ? -ENOTDIR : 0;
    if (!S_ISDIR(ino->mode))
        return -ENOTDIR;
    if (ino->sb != w->dir->sb)
        return -EBUSY; /* /tmp, /dev, /proc: mount points */
    return dir_is_empty(ino) ? 0 : -ENOTEMPTY;
}

static long do_remove(u32 dirfd, u32 upath, int rmdir)
{
    struct inode *base;
    struct dentry *d;
    struct walk w;
    char *path;
    long rc = parent_of(dirfd, upath, &w, &path, &base);

    if (rc)
        return rc;
    rc = check_remove(&w, rmdir, &d);
    if (rc == 0)
        dir_unlink(w.dir, d);
    parent_done(path, base);
    return rc;
}

long sys_rmdir(u32 path)
{
    return do_remove((u32)AT_FDCWD, path, 1);
}

long sys_unlink(u32 path)
{
    return do_remove((u32)AT_FDCWD, path, 0);
}

long sys_unlinkat(u32 dirfd, u32 path, u32 flags)
{
    if (flags & ~(u32)AT_REMOVEDIR)
        return -EINVAL;
    return do_remove(dirfd, path, (flags & AT_REMOVEDIR) != 0);
}

static int is_ancestor(const struct inode *a, const struct inode *dir)
{
    for (;;) {
        if (dir == a)
            return 1;
        if (dir == fs_root_inode)
            return 0;
        dir = dir->u.dir.parent;
    }
}

static long check_rename(struct walk *ow, struct walk *nw, struct inode **src, struct inode **dst)
{
    if (is_dotty(ow) || is_dotty(nw))
        return -EBUSY;
    if (ow->dir->sb != nw->dir->sb)
        return -EXDEV;
    if (ow->dir->sb->readonly)
        return -EROFS;
    *src = ow->dir->nlink ? walk_last(ow) : NULL;
    if (!*src)
        return -ENOENT;
    if (!S_ISDIR((*src)->mode) && (ow->trailing_slash || nw->trailing_slash))
        return -ENOTDIR;
    if (nw->dir->nlink == 0)
        return -ENOENT;
    /* /tmp, /dev, /proc: a mount point neither moves nor is replaced (the fuzzer, seed 1,
     * renamed /proc away, and with it every process's view of its files). */
    if ((*src)->sb != ow->dir->sb || (*src)->covers) /* covers: mount(2)'s tmpfs roots */
        return -EBUSY;
    *dst = walk_last(nw);
    if (*dst && ((*dst)->sb != nw->dir->sb || (*dst)->covers))
        return -EBUSY;
    if (*src == *dst)
        return 0;
    if (S_ISDIR((*src)->mode) && is_ancestor(*src, nw->dir))
        return -EINVAL;
    if (*dst && S_ISDIR((*src)->mode))
        return !S_ISDIR((*dst)->mode) ? -ENOTDIR : dir_is_empty(*dst) ? 0 : -ENOTEMPTY;
    if (*dst && S_ISDIR((*dst)->mode))
        return -EISDIR;
    return 0;
}

long sys_renameat(u32 olddirfd, u32 oldpath, u32 newdirfd, u32 newpath)
{
    struct inode *obase, *nbase, *src = NULL, *dst = NULL;
    struct walk ow, nw;
    char *op, *np;
    long rc = parent_of(olddirfd, oldpath, &ow, &op, &obase);

    if (rc)
        return rc;
    rc = parent_of(newdirfd, newpath, &nw, &np, &nbase);
    if (rc) {
        parent_done(op, obase);
        return rc;
    }
    rc = check_rename(&ow, &nw, &src, &dst);
    if (rc == 0 && src != dst) {
        struct dentry *nd = dentry_new(nw.dir, nw.last, nw.last_len, &rc);
        struct dentry *od = dir_find(ow.dir, ow.last, ow.last_len);

        if (nd) {
            dir_detach(ow.dir, od);
            dentry_free(ow.dir, od);
            if (S_ISDIR(src->mode))
                ow.dir->nlink--;
            else
                src->nlink--;
            if (dst)
                dir_unlink(nw.dir, dir_find(nw.dir, nw.last, nw.last_len));
            dir_attach(nw.dir, nd, src);
            src->ctime = fs_now();
        }
    }
    parent_done(np, nbase);
    parent_done(op, obase);
    return rc;
}

long sys_rename(u32 oldpath, u32 newpath)
{
    return sys_renameat((u32)AT_FDCWD, oldpath, (u32)AT_FDCWD, newpath);
}

long sys_symlink(u32 utarget, u32 linkpath)
{
    struct inode *base, *ino;
    struct walk w;
    char *target, *path;
    size_t len;
    long rc = path_from_user(utarget, &target, 0);

    if (rc)
        return rc;
    rc = parent_of((u32)AT_FDCWD, linkpath, &w, &path, &base);
    if (rc) {
        path_free(target);
        return rc;
    }
    rc = can_create(&w);
    if (rc == 0 && w.trailing_slash)
        rc = -ENOENT;
    len = strlen(target);
    ino = rc ? NULL : inode_new(&tmpfs_sb, S_IFLNK | 0777);
    if (rc == 0 && !ino)
        rc = -ENOSPC;
    if (rc == 0)
        rc = tmpfs_set_link(ino, target, len);
    if (rc == 0)
        rc = dir_link(w.dir, w.last, w.last_len, ino);
    if (rc && ino)
        inode_free(ino);
    parent_done(path, base);
    path_free(target);
    return rc;
}

static long set_mode(struct inode *ino, u32 mode)
{
    if (ino->sb->readonly)
        return -EROFS;
    ino->mode = (ino->mode & S_IFMT) | (mode & 07777);
    ino->ctime = fs_now();
    return 0;
}

long sys_chmod(u32 upath, u32 mode)
{
    struct inode *ino;
    long rc = lookup_user_path(upath, WALK_FOLLOW, &ino);

    if (rc)
        return rc;
    rc = set_mode(ino, mode);
    inode_put(ino);
    return rc;
}

long sys_fchmod(u32 fd, u32 mode)
{
    struct file *f = fd_get(fd);
    long rc;

    if (!f)
        return -EBADF;
    rc = set_mode(f->inode, mode);
    file_put(f);
    return rc;
}

long sys_linkat(u32 olddirfd, u32 oldpath, u32 newdirfd, u32 newpath, u32 flags)
{
    struct inode *obase, *nbase, *ino;
    struct walk w;
    char *op, *np;
    long rc;

    if (flags & ~(u32)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    rc = path_from_user(oldpath, &op, (flags & AT_EMPTY_PATH) != 0);
    if (rc)
        return rc;
    if (op[0] == 0) { /* AT_EMPTY_PATH: olddirfd's own file */
        struct file *f = (int32_t)olddirfd == AT_FDCWD ? NULL : fd_get(olddirfd);

        ino = f ? inode_get(f->inode) : inode_get(cwd_inode());
        rc = f || (int32_t)olddirfd == AT_FDCWD ? 0 : -EBADF;
        if (f)
            file_put(f);
        else if (rc)
            inode_put(ino);
    } else {
        rc = at_base(olddirfd, op, &obase);
        if (rc == 0)
            rc = path_lookup(obase, op, (flags & AT_SYMLINK_FOLLOW) ? WALK_FOLLOW : 0, &ino);
        inode_put(obase);
    }
    path_free(op);
    if (rc)
        return rc;
    rc = parent_of(newdirfd, newpath, &w, &np, &nbase);
    if (rc) {
        inode_put(ino);
        return rc;
    }
    rc = can_create(&w);
    if (rc == 0 && w.trailing_slash)
        rc = -ENOENT;
    if (rc == 0 && ino->sb != w.dir->sb)
        rc = -EXDEV;
    if (rc == 0 && S_ISDIR(ino->mode))
        rc = -EPERM;
    if (rc == 0 && ino->nlink == 0)
        rc = -ENOENT; /* removed meanwhile: it has no name to gain a second one */
    if (rc == 0)
        rc = dir_link(w.dir, w.last, w.last_len, ino);
    if (rc == 0)
        ino->ctime = fs_now();
    parent_done(np, nbase);
    inode_put(ino);
    return rc;
}

long sys_link(u32 oldpath, u32 newpath)
{
    return sys_linkat((u32)AT_FDCWD, oldpath, (u32)AT_FDCWD, newpath, 0);
}

/* Opening a device node nobody drives: -ENXIO, as Linux for a number without a driver. */
static int nodev_open(struct file *f)
{
    (void)f;
    return -ENXIO;
}
static const struct file_ops nodev_fops = {.open = nodev_open};

long sys_mknodat(u32 dirfd, u32 upath, u32 mode, u32 dev)
{
    struct inode *base, *ino = NULL;
    struct walk w;
    char *path;
    uint32_t type = mode & S_IFMT;
    long rc;

    if (type == S_IFDIR)
        return -EPERM;
    if (type != 0 && type != S_IFREG && type != S_IFIFO && type != S_IFCHR && type != S_IFBLK &&
        type != S_IFSOCK)
        return -EINVAL;
    rc = parent_of(dirfd, upath, &w, &path, &base);
    if (rc)
        return rc;
    rc = can_create(&w);
    if (rc == 0 && w.trailing_slash)
        rc = -ENOENT;
    if (rc == 0) {
        ino = inode_new(&tmpfs_sb, (type ? type : S_IFREG) | (mode & 07777 & ~cur_umask()));
        rc = ino ? 0 : -ENOSPC;
    }
    if (rc == 0) {
        if (S_ISREG(ino->mode))
            ino->fops = &tmpfs_fops;
        else if (S_ISFIFO(ino->mode))
            ino->fops = &fifo_fops;
        else
            ino->fops = &nodev_fops;
        if (S_ISCHR(ino->mode) || S_ISBLK(ino->mode)) { /* Linux's new_decode_dev */
            ino->rdev_major = (dev & 0xfff00) >> 8;
            ino->rdev_minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
        }
        rc = dir_link(w.dir, w.last, w.last_len, ino);
        if (rc)
            inode_free(ino);
    }
    parent_done(path, base);
    return rc;
}

long sys_mknod(u32 path, u32 mode, u32 dev)
{
    return sys_mknodat((u32)AT_FDCWD, path, mode, dev);
}
