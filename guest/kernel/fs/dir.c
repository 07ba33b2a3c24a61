/* Directories: a list of named entries in creation order, each with a sequence number that
 * getdents64 uses as its resumable cookie (entries removed meanwhile do not shift the others). */
#include <kernel/mm/kmem.h>
#include <lib/string.h>
#include "fs_impl.h"

struct dentry *dir_find(struct inode *dir, const char *name, size_t len)
{
    for (struct dentry *d = dir->u.dir.head; d; d = d->next) {
        if (d->len == len && memcmp(d->name, name, len) == 0)
            return d;
    }
    return NULL;
}

struct dentry *dir_find_inode(struct inode *dir, const struct inode *ino)
{
    for (struct dentry *d = dir->u.dir.head; d; d = d->next) {
        if (d->inode == ino)
            return d;
    }
    return NULL;
}

/* What an entry of dir costs tmpfs (0 elsewhere). */
static size_t charge_of(const struct inode *dir, size_t len)
{
    return dir->sb == &tmpfs_sb ? kmalloc_size(sizeof(struct dentry) + len + 1) : 0;
}

struct dentry *dentry_new(const struct inode *dir, const char *name, size_t len, long *err)
{
    size_t charge = charge_of(dir, len);

    if (charge && tmpfs_charge(charge)) {
        *err = -ENOSPC;
        return NULL;
    }
    struct dentry *d = kmalloc(sizeof(*d) + len + 1);

    if (!d) {
        tmpfs_uncharge(charge);
        *err = -ENOMEM;
        return NULL;
    }
    d->next = NULL;
    d->inode = NULL;
    d->seq = 0;
    d->len = (uint32_t)len;
    memcpy(d->name, name, len);
    d->name[len] = 0;
    return d;
}

/* Append d naming ino; a directory gets its ".." and adds one to the parent's link count. */
void dir_attach(struct inode *dir, struct dentry *d, struct inode *ino)
{
    d->inode = ino;
    d->seq = dir->u.dir.next_seq++;
    d->next = NULL;
    if (dir->u.dir.tail)
        dir->u.dir.tail->next = d;
    else
        dir->u.dir.head = d;
    dir->u.dir.tail = d;
    if (S_ISDIR(ino->mode)) {
        ino->u.dir.parent = dir;
        if (ino->nlink == 0)
            ino->nlink = 2; /* new: its entry and its "."; a moved one keeps its count */
        dir->nlink++;
    } else {
        ino->nlink++;
    }
    inode_touch(dir);
}

void dentry_free(const struct inode *dir, struct dentry *d)
{
    tmpfs_uncharge(charge_of(dir, d->len));
    kfree(d);
}

int dir_link(struct inode *dir, const char *name, size_t len, struct inode *ino)
{
    long err = 0;
    struct dentry *d = dentry_new(dir, name, len, &err);

    if (!d)
        return (int)err;
    dir_attach(dir, d, ino);
    return 0;
}

void dir_detach(struct inode *dir, struct dentry *d)
{
    struct dentry *prev = NULL;

    for (struct dentry *it = dir->u.dir.head; it; prev = it, it = it->next) {
        if (it != d)
            continue;
        if (prev)
            prev->next = d->next;
        else
            dir->u.dir.head = d->next;
        if (dir->u.dir.tail == d)
            dir->u.dir.tail = prev;
        break;
    }
    inode_touch(dir);
}

void dir_unlink(struct inode *dir, struct dentry *d)
{
    struct inode *ino = d->inode;

    dir_detach(dir, d);
    dentry_free(dir, d);
    if (S_ISDIR(ino->mode)) {
        ino->nlink = 0; /* rmdir: lookups in it now fail with -ENOENT */
        dir->nlink--;
    } else {
        ino->nlink--;
    }
    ino->ctime = fs_now();
    inode_maybe_free(ino);
}

int dir_is_empty(const struct inode *dir)
{
    return dir->u.dir.head == NULL;
}

struct dentry *dir_next(struct inode *dir, uint32_t seq)
{
    struct dentry *d = dir->u.dir.head;

    while (d && d->seq < seq)
        d = d->next;
    return d;
}

struct inode *dir_mkdir(struct inode *parent, const struct fs_sb *sb, const char *name, size_t len,
                        uint32_t perm, long *err)
{
    struct inode *ino = inode_new(sb, S_IFDIR | (perm & 07777));
    struct dentry *d = ino ? dentry_new(parent, name, len, err) : NULL;

    if (!ino) {
        *err = sb == &tmpfs_sb ? -ENOSPC : -ENOMEM;
        return NULL;
    }
    if (!d) {
        inode_free(ino);
        return NULL;
    }
    dir_attach(parent, d, ino);
    return ino;
}

/* For the kernel's own fixed paths ("/dev/console"): plain components, no symlinks. */
struct inode *dir_lookup_path(const char *path)
{
    struct inode *cur = fs_root_inode;

    while (cur && *path) {
        const char *end;
        struct dentry *d;

        while (*path == '/')
            path++;
        if (!*path)
            break;
        end = path;
        while (*end && *end != '/')
            end++;
        if (!S_ISDIR(cur->mode))
            return NULL;
        d = dir_find(cur, path, (size_t)(end - path));
        cur = d ? d->inode : NULL;
        path = end;
    }
    return cur;
}

/* Directories read through getdents64 (f->pos is its cookie); read() is -EISDIR. */
const struct file_ops dir_fops = {.seekable = 1};
