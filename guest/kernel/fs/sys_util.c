/* What the system calls share: paths copied in from ring 3, the base directory of the *at
 * calls, stat's fields, and the lookups the process core uses (execve, mmap). */
#include <kernel/mm/kmem.h>
#include <arch/x86/uaccess.h>
#include <lib/string.h>
#include "fs_impl.h"

int path_from_user(uint32_t upath, char **out, int allow_empty)
{
    char *p = kmalloc(LINUX_PATH_MAX);
    long n;

    if (!p)
        return -ENOMEM;
    n = strncpy_from_user(p, upath, LINUX_PATH_MAX);
    if (n == 0 && !allow_empty)
        n = -ENOENT;
    if (n < 0) {
        kfree(p);
        return (int)n;
    }
    *out = p;
    return 0;
}

void path_free(char *p)
{
    kfree(p);
}

int lookup_user_path(uint32_t upath, int walk_flags, struct inode **out)
{
    char *path;
    int rc = path_from_user(upath, &path, 0);

    if (rc)
        return rc;
    rc = path_lookup(NULL, path, walk_flags, out);
    path_free(path);
    return rc;
}

int at_base(uint32_t dirfd, const char *path, struct inode **base)
{
    struct file *f;

    *base = NULL;
    if (path[0] == '/' || (int32_t)dirfd == AT_FDCWD)
        return 0;
    f = fd_get(dirfd);
    if (!f)
        return -EBADF;
    if (!S_ISDIR(f->inode->mode)) {
        file_put(f);
        return -ENOTDIR;
    }
    *base = inode_get(f->inode);
    file_put(f);
    return 0;
}

long at_inode(uint32_t dirfd, uint32_t upath, uint32_t flags, struct inode **out)
{
    struct inode *base;
    char *path;
    long rc;

    if (upath == 0 && (flags & AT_EMPTY_PATH)) {
        path = NULL;
    } else {
        rc = path_from_user(upath, &path, (flags & AT_EMPTY_PATH) != 0);
        if (rc)
            return rc;
    }
    if (!path || path[0] == 0) {
        struct file *f = (int32_t)dirfd == AT_FDCWD ? NULL : fd_get(dirfd);

        path_free(path);
        if ((int32_t)dirfd == AT_FDCWD) {
            *out = inode_get(cwd_inode());
            return 0;
        }
        if (!f)
            return -EBADF;
        *out = inode_get(f->inode);
        file_put(f);
        return 0;
    }
    rc = at_base(dirfd, path, &base);
    if (rc == 0) {
        rc = path_lookup(base, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW, out);
        inode_put(base);
    }
    path_free(path);
    return rc;
}

/* 512-byte blocks: the pages tmpfs really holds, or the bytes an archive file occupies. */
static uint64_t blocks(const struct inode *ino)
{
    if (ino->sb == &tmpfs_sb && S_ISREG(ino->mode))
        return (uint64_t)ino->u.tmp.npages * (PAGE_SIZE / 512);
    if (S_ISREG(ino->mode) || S_ISLNK(ino->mode))
        return (ino->size + 511) >> 9;
    return 0;
}

long fs_stat(struct inode *ino, struct linux_stat64 *st)
{
    memset(st, 0, sizeof(*st));
    st->st_dev = LINUX_MKDEV(ino->sb->dev_major, ino->sb->dev_minor);
    st->__st_ino = ino->ino;
    st->st_ino = ino->ino;
    st->st_mode = ino->mode;
    st->st_nlink = ino->nlink;
    st->st_uid = ino->uid;
    st->st_gid = ino->gid;
    st->st_rdev = LINUX_MKDEV(ino->rdev_major, ino->rdev_minor);
    st->st_size = (int64_t)(S_ISREG(ino->mode) || S_ISLNK(ino->mode) ? ino->size : 0);
    st->st_blksize = PAGE_SIZE;
    st->st_blocks = blocks(ino);
    st->st_atime = ino->atime;
    st->st_mtime = ino->mtime;
    st->st_ctime = ino->ctime;
    return 0;
}

struct inode *fs_lookup_exec(const char *path, long *err)
{
    struct inode *ino;
    int rc = path_lookup(NULL, path, WALK_FOLLOW, &ino);

    if (rc == 0 && (!S_ISREG(ino->mode) || !(ino->mode & 0111))) {
        inode_put(ino);
        rc = -EACCES;
    }
    *err = rc;
    return rc ? NULL : ino;
}

long fd_mmap_inode(uint32_t fd, struct inode **out)
{
    struct file *f = fd_get(fd);
    long rc = !f || (f->flags & O_PATH)  ? -EBADF
              : !file_readable(f)        ? -EACCES
              : !S_ISREG(f->inode->mode) ? -ENODEV
                                         : 0;

    /* Not counted: the descriptor keeps the file, and so the inode, for the caller's call. */
    *out = rc ? NULL : f->inode;
    file_put(f);
    return rc;
}
