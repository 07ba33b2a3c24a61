/* mount(2), umount(2) and umount2(2) for tmpfs and proc, and the table /proc/mounts shows.
 *
 * The tree is one tree of inodes; a mount covers a directory (the mount point) with the root of
 * what is mounted: the mount point's `mounted` names that root, and a path walk that steps onto
 * the mount point goes on at the root (path.c, step). A tmpfs mount's root is a new empty
 * directory (mode 1777, as Linux's) whose ".." is the mount point's parent and whose `covers`
 * names the mount point, so getcwd finds its name. A proc mount shows the one /proc: its root
 * is /proc's own directory, so ".." and getcwd inside it follow /proc's place, not the mount's.
 *
 * umount refuses (-EBUSY) a tmpfs mount that anything still holds: a working directory, an
 * open file or directory, a file opened in one of its directories (the open file keeps a
 * reference to it, see procfs_fd.c), or a mount inside it; otherwise its whole tree is freed.
 * A proc mount is never busy (its inodes are /proc's). Every process runs as root, so the
 * EPERM of a non-root caller cannot arise. Not done: stacking mounts (a mount point already
 * covered is -EBUSY; Linux stacks a new tmpfs), bind, move and remount (-EINVAL), lazy umount
 * (MNT_DETACH umounts now or is -EBUSY), renaming a mount point away. */
#include <arch/x86/uaccess.h>
#include <kernel/mm/kmem.h>
#include <kernel/syscalls.h>
#include <lib/string.h>
#include "fs_impl.h"

#define MOUNT_MAX 16
#define MS_REMOUNT 32
#define MS_BIND 4096
#define MS_MOVE 8192
#define MNT_FORCE 1
#define MNT_DETACH 2
#define MNT_EXPIRE 4
#define UMOUNT_NOFOLLOW 8
#define TYPE_MAX 32

struct mount {
    struct inode *point; /* counted; NULL: a free slot */
    struct inode *root;  /* counted */
    int proc;            /* proc, else tmpfs */
};

static struct mount mounts[MOUNT_MAX];

static struct mount *mount_of_root(const struct inode *root)
{
    for (unsigned i = 0; i < MOUNT_MAX; i++)
        if (mounts[i].point && mounts[i].root == root)
            return &mounts[i];
    return NULL;
}

static struct inode *tmpfs_root_new(struct inode *point)
{
    struct inode *root = inode_new(&tmpfs_sb, S_IFDIR | 01777);

    if (!root)
        return NULL;
    root->nlink = 2;
    root->u.dir.parent = point->u.dir.parent;
    root->covers = point;
    return root;
}

/* Anything holds the tree under dir (dir itself: beyond `own` references)? */
static int tree_busy(const struct inode *dir, uint32_t own)
{
    if (dir->refs > own || dir->mounted)
        return 1;
    for (const struct dentry *d = dir->u.dir.head; d; d = d->next) {
        const struct inode *ino = d->inode;

        if (S_ISDIR(ino->mode) ? tree_busy(ino, 0) : ino->refs > 0)
            return 1;
    }
    return 0;
}

static void tree_free(struct inode *dir)
{
    while (dir->u.dir.head) {
        struct dentry *d = dir->u.dir.head;

        if (S_ISDIR(d->inode->mode))
            tree_free(d->inode);
        dir_unlink(dir, d);
    }
}

static long mount_type(uint32_t utype, int *proc)
{
    char type[TYPE_MAX];
    long n;

    if (!utype)
        return -EINVAL;
    n = strncpy_from_user(type, utype, sizeof(type));
    if (n < 0)
        return n == -ENAMETOOLONG ? -ENODEV : n;
    if (strcmp(type, "tmpfs") == 0)
        *proc = 0;
    else if (strcmp(type, "proc") == 0)
        *proc = 1;
    else
        return -ENODEV;
    return 0;
}

long sys_mount(u32 source, u32 target, u32 type, u32 flags, u32 data)
{
    struct inode *point, *root;
    struct mount *slot = NULL;
    int proc = 0;
    long rc;

    (void)data;
    if (source) { /* read, then ignored (as Linux's tmpfs and proc do) */
        char *src;

        rc = path_from_user(source, &src, 1);
        if (rc)
            return rc == -ENAMETOOLONG ? -EINVAL : rc;
        path_free(src);
    }
    rc = lookup_user_path(target, WALK_FOLLOW, &point);
    if (rc)
        return rc;
    if (flags & (MS_REMOUNT | MS_BIND | MS_MOVE))
        rc = -EINVAL;
    else
        rc = mount_type(type, &proc);
    if (rc == 0 && !S_ISDIR(point->mode))
        rc = -ENOTDIR;
    if (rc == 0 && point->nlink == 0)
        rc = -ENOENT; /* a removed directory (a cwd's "."): no path would reach the mount */
    if (rc == 0 && (point->mounted || point->covers || point == fs_root_inode ||
                    mount_of_root(point) || point->sb == &procfs_sb))
        rc = -EBUSY; /* already a mount point (or inside /proc) */
    for (unsigned i = 0; rc == 0 && !slot && i < MOUNT_MAX; i++)
        if (!mounts[i].point)
            slot = &mounts[i];
    if (rc == 0 && !slot)
        rc = -ENOSPC;
    if (rc) {
        inode_put(point);
        return rc;
    }
    root = proc ? procfs_dir : tmpfs_root_new(point);
    if (!root) {
        inode_put(point);
        return -ENOMEM;
    }
    slot->point = point; /* the lookup's reference */
    slot->root = inode_get(root);
    slot->proc = proc;
    point->mounted = root;
    return 0;
}

/* The mount whose mount point path names (through the mount: w says where the name was). */
static struct mount *mount_named(struct inode *root, const struct walk *w)
{
    struct dentry *d = w->last_len && !name_is_dot(w->last, w->last_len) && w->dir->nlink
                           ? dir_find(w->dir, w->last, w->last_len)
                           : NULL;

    for (unsigned i = 0; i < MOUNT_MAX; i++)
        if (mounts[i].point && mounts[i].root == root &&
            (root->covers || !d || d->inode == mounts[i].point))
            return &mounts[i];
    return NULL;
}

long sys_umount2(u32 target, u32 flags)
{
    struct walk w = {0};
    struct inode *root;
    struct mount *m = NULL;
    char *path;
    long rc;

    if (flags & ~(u32)(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
        return -EINVAL;
    rc = path_from_user(target, &path, 0);
    if (rc)
        return rc;
    rc = path_lookup_walk(NULL, path, (flags & UMOUNT_NOFOLLOW) ? 0 : WALK_FOLLOW, &root, &w);
    if (rc == 0) {
        m = mount_named(root, &w);
        if (!m)
            rc = -EINVAL;
        else if (!m->proc && tree_busy(root, 2)) /* the table's reference and the lookup's */
            rc = -EBUSY;
        inode_put(root);
    }
    path_free(path);
    if (rc)
        return rc;
    m->point->mounted = NULL;
    if (!m->proc) {
        tree_free(m->root);
        m->root->nlink = 0;
        m->root->covers = NULL;
    }
    inode_put(m->root);
    inode_put(m->point);
    m->point = m->root = NULL;
    return 0;
}

long sys_umount(u32 target)
{
    return sys_umount2(target, 0);
}

void mounts_list(struct pfout *o)
{
    char *path = kmalloc(LINUX_PATH_MAX);

    if (!path)
        return;
    for (unsigned i = 0; i < MOUNT_MAX; i++) {
        struct mount *m = &mounts[i];

        if (m->point && fs_dir_path(m->point, path, LINUX_PATH_MAX) > 0)
            pf_printf(o, m->proc ? "proc %s proc rw 0 0\n" : "tmpfs %s tmpfs rw 0 0\n", path);
    }
    kfree(path);
}
