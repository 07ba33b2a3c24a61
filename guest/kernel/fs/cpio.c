/*
 * Building the tree from the initramfs (a newc cpio archive, checked whole by cpio_walk before
 * anything is built): directories, regular files and symlinks, missing parents created. As
 * Linux unpacks its initramfs into the in-memory root, every entry becomes a tmpfs file (its
 * bytes copied, so the whole root is writable and counts against tmpfs's size). Device nodes,
 * fifos and sockets in the archive are skipped: /dev is the kernel's own. Then /tmp, /dev and
 * /proc are made if the archive lacks them.
 */
#include <pv/console.h>
#include <kernel/initramfs.h>
#include <kernel/mm/kmem.h>
#include <lib/string.h>
#include "fs_impl.h"
#include <lib/errno_names.h>

struct loader {
    int err;
    unsigned files, dirs, links, skipped;
};

/* Which kind a directory at the top of the tree belongs to. */
static const struct fs_sb *top_sb(const char *name, size_t len, const struct fs_sb *parent)
{
    if (parent != &tmpfs_sb)
        return parent;
    if (len == 3 && memcmp(name, "dev", 3) == 0)
        return &devfs_sb;
    if (len == 4 && memcmp(name, "proc", 4) == 0)
        return &procfs_sb;
    return &tmpfs_sb;
}

/* The directory name in dir, made (with perm) if absent; NULL with *err when it cannot be. */
static struct inode *ensure_dir(struct inode *dir, const char *name, size_t len, uint32_t perm,
                                long *err)
{
    struct dentry *d = dir_find(dir, name, len);
    const struct fs_sb *sb = dir == fs_root_inode ? top_sb(name, len, &tmpfs_sb) : dir->sb;

    if (d && S_ISDIR(d->inode->mode))
        return d->inode;
    if (d)
        dir_unlink(dir, d); /* a file where a directory must be: the directory wins */
    return dir_mkdir(dir, sb, name, len, perm, err);
}

static struct inode *make_file(const struct cpio_entry *e, long *err)
{
    struct inode *ino = inode_new(&tmpfs_sb, e->mode & 0177777);

    *err = -ENOMEM;
    if (!ino)
        return NULL;
    if (S_ISLNK(e->mode)) {
        *err = tmpfs_set_link(ino, e->data, e->size);
        if (*err) {
            inode_free(ino);
            return NULL;
        }
        return ino;
    }
    ino->fops = &tmpfs_fops;
    if (e->size) {
        struct iobuf b = {0, (char *)(uintptr_t)e->data};

        if (tmpfs_pwrite(ino, &b, e->size, 0) != (long)e->size) {
            inode_free(ino);
            *err = -ENOSPC;
            return NULL;
        }
    }
    return ino;
}

static int add_entry(const struct cpio_entry *e, void *arg)
{
    struct loader *ld = arg;
    const char *p = e->name;
    struct inode *dir = fs_root_inode, *ino;
    struct dentry *old;
    long err = 0;
    size_t len;

    for (;;) {
        const char *end;

        while (*p == '/')
            p++;
        if (p[0] == '.' && (p[1] == '/' || p[1] == 0)) {
            p++;
            continue;
        }
        for (end = p; *end && *end != '/'; end++)
            ;
        len = (size_t)(end - p);
        if (name_is_dot(p, len) == 2 || len > LINUX_NAME_MAX) {
            printk("fs: initramfs entry '%s' skipped (bad path)\n", e->name);
            ld->skipped++;
            return 0;
        }
        while (*end == '/')
            end++;
        if (len == 0 || *end == 0)
            break;
        dir = ensure_dir(dir, p, len, 0755, &err);
        if (!dir)
            goto nomem;
        p = end;
    }
    if (len == 0) { /* "." or "/": the root itself */
        fs_root_inode->mode = S_IFDIR | (e->mode & 07777);
        fs_root_inode->mtime = fs_root_inode->ctime = fs_root_inode->atime = e->mtime;
        return 0;
    }
    if (S_ISDIR(e->mode)) {
        ino = ensure_dir(dir, p, len, e->mode & 07777, &err);
        if (!ino)
            goto nomem;
        ino->mode = S_IFDIR | (e->mode & 07777);
        ld->dirs++;
    } else if (S_ISREG(e->mode) || S_ISLNK(e->mode)) {
        old = dir_find(dir, p, len);
        if (old && S_ISDIR(old->inode->mode)) {
            printk("fs: initramfs entry '%s' skipped (a directory has that name)\n", e->name);
            ld->skipped++;
            return 0;
        }
        if (dir->sb != &tmpfs_sb) {
            printk("fs: initramfs entry '%s' skipped (/dev and /proc are the kernel's)\n", e->name);
            ld->skipped++;
            return 0;
        }
        ino = make_file(e, &err);
        if (!ino)
            goto nomem;
        if (old)
            dir_unlink(dir, old); /* a later entry replaces an earlier one */
        if (dir_link(dir, p, len, ino)) {
            inode_free(ino);
            goto nomem;
        }
        if (S_ISREG(e->mode))
            ld->files++;
        else
            ld->links++;
    } else {
        ld->skipped++; /* device node, fifo or socket */
        return 0;
    }
    ino->atime = ino->mtime = ino->ctime = e->mtime;
    return 0;
nomem:
    ld->err = (int)err;
    printk("fs: initramfs entry '%s': out of memory (%ld)\n", e->name, err);
    return 1;
}

static void free_tree(struct inode *dir)
{
    struct dentry *d = dir->u.dir.head;

    while (d) {
        struct dentry *next = d->next;

        if (S_ISDIR(d->inode->mode))
            free_tree(d->inode);
        else if (--d->inode->nlink == 0)
            inode_free(d->inode);
        dentry_free(dir, d);
        d = next;
    }
    dir->u.dir.head = dir->u.dir.tail = NULL;
    inode_free(dir);
}

void fs_fini(void)
{
    if (fs_root_inode)
        free_tree(fs_root_inode);
    fs_root_inode = NULL;
    inode_numbers_reset();
}

static int make_root(void)
{
    struct inode *root = inode_new(&tmpfs_sb, S_IFDIR | 0755);

    if (!root)
        return -ENOMEM;
    root->nlink = 2;
    root->u.dir.parent = root;
    fs_root_inode = root;
    return 0;
}

int fs_init(const void *cpio, size_t len)
{
    static const struct {
        const char *name;
        uint32_t perm;
    } needed[] = {{"tmp", 01777}, {"dev", 0755}, {"proc", 0555}};
    struct loader ld = {0};
    struct inode *dirs[3];
    size_t bad = 0;
    int rc = 0;

    fs_fini();
    if (make_root())
        return -ENOMEM;
    if (!cpio || !cpio_is_newc(cpio, len)) {
        printk("fs: the initramfs is not a cpio newc archive: starting with an empty tree\n");
        rc = -EINVAL;
    } else if (cpio_walk(cpio, len, NULL, NULL, &bad) < 0) {
        printk("fs: corrupt cpio archive at offset %zu: starting with an empty tree\n", bad);
        rc = -EINVAL;
    } else {
        cpio_walk(cpio, len, add_entry, &ld, NULL);
        rc = ld.err;
    }
    for (size_t i = 0; i < 3; i++) {
        long err = 0;

        dirs[i] =
            ensure_dir(fs_root_inode, needed[i].name, strlen(needed[i].name), needed[i].perm, &err);
        if (!dirs[i]) {
            printk("fs: cannot make /%s: %s\n", needed[i].name, errno_name(err));
            return (int)err;
        }
    }
    dev_init(dirs[1]);
    procfs_init(dirs[2]);
    if (rc == 0)
        printk("fs: initramfs: %u files, %u directories, %u symlinks, %u skipped\n", ld.files,
               ld.dirs, ld.links, ld.skipped);
    return rc;
}
