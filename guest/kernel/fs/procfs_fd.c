/* /proc/<pid>/fd/: one symlink per open descriptor, named by its number, whose target is what
 * Linux shows: the file's absolute path (" (deleted)" once its name is gone), a directory's
 * path, "pipe:[ino]", "socket:[ino]", or "/dev/<name>" for a device opened without a path (the
 * first process's console).
 *
 * The directory is kept in step lazily: a path walk that steps into it and getdents on it call
 * procfs_fd_sync, which drops the entries of descriptors now closed and adds the missing ones.
 * An entry that stays keeps its inode, so a walk that is following one of these links (its
 * target text lives on the inode, procfs_pid.c) is never pulled from under itself: walks do not
 * sleep, and nothing else changes the descriptor table in between.
 *
 * A file remembers where open() found it (struct file's origin_dir and origin_name, set in
 * sys_open.c). Opening /proc/<pid>/fd/N follows the link's text, so it opens the file anew by
 * its path, as Linux's re-open does for a file that still has its name; for a pipe, a socket
 * or a deleted file the text names nothing and the open fails with ENOENT (Linux opens those). */
#include <kernel/mm/kmem.h>
#include <kernel/proc.h>
#include <kernel/procs.h>
#include <lib/format.h>
#include <lib/string.h>
#include "fs_impl.h"

#define FD_BITMAP_WORDS (LINUX_NOFILE / 32)

struct inode *procfs_fd_dir_new(struct inode *piddir, int pid)
{
    long err = 0;
    struct inode *dir = dir_mkdir(piddir, &procfs_sb, "fd", 2, 0500, &err);

    if (!dir)
        return NULL;
    dir->pid = pid;
    dir->proc_fd = PROC_FD_DIR;
    return dir;
}

void procfs_fd_clear(struct inode *dir)
{
    while (dir->u.dir.head)
        dir_unlink(dir, dir->u.dir.head);
}

/* The link's mode, as Linux's: the owner's bits say how the descriptor was opened. */
static uint32_t link_mode(const struct file *f)
{
    uint32_t m = S_IFLNK | 0100;

    if (file_readable(f))
        m |= 0400;
    if (file_writable(f))
        m |= 0200;
    return m;
}

static void add_link(struct inode *dir, uint32_t fd, const struct file *f)
{
    char name[12];
    int len = snprintf(name, sizeof(name), "%u", fd);
    struct inode *ino = inode_new(&procfs_sb, link_mode(f));

    if (!ino)
        return; /* out of memory: the descriptor is missing from the listing */
    ino->pid = dir->pid;
    ino->proc_fd = fd + 1;
    if (dir_link(dir, name, (size_t)len, ino))
        inode_maybe_free(ino);
}

void procfs_fd_sync(struct inode *dir)
{
    uint32_t seen[FD_BITMAP_WORDS] = {0};
    struct proc *p;
    struct files *t;
    struct dentry *d, *next;

    if (dir->proc_fd != PROC_FD_DIR || dir->nlink == 0)
        return;
    p = proc_find(dir->pid);
    t = p && !p->zombie ? p->files : NULL;
    for (d = dir->u.dir.head; d; d = next) {
        uint32_t fd = d->inode->proc_fd - 1;
        const struct file *f = files_file(t, fd);

        next = d->next;
        if (!f) {
            dir_unlink(dir, d);
            continue;
        }
        d->inode->mode = link_mode(f);
        seen[fd / 32] |= 1u << (fd % 32);
    }
    for (uint32_t fd = 0; fd < files_slots(t) && fd < LINUX_NOFILE; fd++) {
        const struct file *f = files_file(t, fd);

        if (f && !(seen[fd / 32] & (1u << (fd % 32))))
            add_link(dir, fd, f);
    }
}

/* "/dev/<name>" when ino is named in /dev, else -ENOENT. */
static int dev_name(const struct inode *ino, char *buf, size_t size)
{
    struct inode *dev = dir_lookup_path("/dev");
    const struct dentry *d = dev ? dir_find_inode(dev, ino) : NULL;

    return d ? snprintf(buf, size, "/dev/%s", d->name) : -ENOENT;
}

/* A regular (or device, FIFO) file's path from where it was opened. */
static int origin_path(const struct file *f, char *buf, size_t size)
{
    const struct dentry *d = dir_find(f->origin_dir, f->origin_name, strlen(f->origin_name));
    int len, deleted = 0;

    if (!d || d->inode != f->inode) {
        d = f->origin_dir->nlink ? dir_find_inode(f->origin_dir, f->inode) : NULL;
        deleted = d == NULL; /* renamed within the directory, or gone */
    }
    len = f->origin_dir->nlink ? fs_dir_path(f->origin_dir, buf, size) : -ENOENT;
    if (len < 0)
        return snprintf(buf, size, "/%s (deleted)", f->origin_name); /* its directory went */
    return snprintf(buf + len, size - (size_t)len, "%s%s%s", len > 1 ? "/" : "",
                    d ? d->name : f->origin_name, deleted ? " (deleted)" : "") +
           len;
}

int procfs_fd_link_text(const struct inode *link, char *buf, size_t size)
{
    struct proc *p = proc_find(link->pid);
    const struct file *f = p && !p->zombie ? files_file(p->files, link->proc_fd - 1) : NULL;
    const struct inode *ino;

    if (!f)
        return -ENOENT;
    ino = f->inode;
    if (S_ISDIR(ino->mode))
        return fs_dir_path((struct inode *)ino, buf, size);
    if (ino->sb == &pipefs_sb)
        return snprintf(buf, size, "pipe:[%u]", ino->ino);
    if ((ino->mode & S_IFMT) == S_IFSOCK)
        return snprintf(buf, size, "socket:[%u]", ino->ino);
    if (f->origin_dir)
        return origin_path(f, buf, size);
    return dev_name(ino, buf, size);
}
