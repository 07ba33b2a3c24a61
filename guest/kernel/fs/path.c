/* Path resolution: absolute or relative to a base directory, "." and "..", repeated slashes,
 * symlinks (nested at most 8 deep, at most 40 in one resolution, else -ELOOP), a trailing slash
 * that demands a directory, components of at most 255 bytes. Paths are (pointer, length) pairs
 * so a symlink's target (not NUL-terminated inside the archive) is walked in place. */
#include <kernel/proc.h>
#include <lib/string.h>
#include "fs_impl.h"

#define MAX_NESTED 8
#define MAX_FOLLOWS 40

int name_is_dot(const char *s, size_t n)
{
    if (n == 1 && s[0] == '.')
        return 1;
    if (n == 2 && s[0] == '.' && s[1] == '.')
        return 2;
    return 0;
}

struct inode *cwd_inode(void)
{
    struct proc *p = current_proc();

    return p && p->cwd ? p->cwd : fs_root_inode;
}

int symlink_target(struct inode *link, const char **s, size_t *n)
{
    if (link->sb == &procfs_sb)
        return procfs_link_target(link, s, n);
    if (link->sb != &tmpfs_sb)
        return -ENOENT;
    *n = (size_t)link->size;
    *s = link->u.link_target;
    return *n ? 0 : -ENOENT;
}

/* The entry name of directory dir, or NULL. A removed directory keeps only ".". */
static struct inode *step(struct inode *dir, const char *name, size_t len)
{
    int dots = name_is_dot(name, len);
    struct dentry *d;

    if (dots == 1)
        return dir;
    if (dir->nlink == 0)
        return NULL;
    if (dots == 2)
        return dir == fs_root_inode ? dir : dir->u.dir.parent;
    procfs_fd_sync(dir);
    d = dir_find(dir, name, len);
    if (!d)
        return NULL;
    if (d->inode->proc_fd == PROC_PID_UNFILLED)
        procfs_pid_fill(d->inode); /* whatever reaches /proc/<pid>/ sees it whole */
    return d->inode->mounted ? d->inode->mounted : d->inode;
}

static int resolve(struct walk *w, struct inode *start, const char *p, size_t n, int flags,
                   int depth, struct inode **out);

static int follow_check(struct walk *w, int depth)
{
    if (depth >= MAX_NESTED || ++w->follows > MAX_FOLLOWS)
        return -ELOOP;
    return 0;
}

/* Walk p[0..n) up to its last component, starting at start (a directory). */
static int walk_parent(struct walk *w, struct inode *start, const char *p, size_t n, int depth)
{
    struct inode *cur = n && p[0] == '/' ? fs_root_inode : start;
    size_t i = 0;

    for (;;) {
        size_t j, k, len;
        struct inode *next;

        while (i < n && p[i] == '/')
            i++;
        for (j = i; j < n && p[j] != '/'; j++)
            ;
        for (k = j; k < n && p[k] == '/'; k++)
            ;
        len = j - i;
        if (len > LINUX_NAME_MAX)
            return -ENAMETOOLONG;
        if (k == n) {
            w->dir = cur;
            w->last = p + i;
            w->last_len = len;
            w->trailing_slash = j < n;
            return 0;
        }
        next = step(cur, p + i, len);
        if (!next)
            return -ENOENT;
        if (S_ISLNK(next->mode)) {
            int rc = follow_check(w, depth);
            struct walk nw = {.follows = w->follows};
            const char *s;
            size_t sn;

            if (rc == 0)
                rc = symlink_target(next, &s, &sn);
            if (rc == 0)
                rc = resolve(&nw, cur, s, sn, WALK_FOLLOW, depth + 1, &next);
            w->follows = nw.follows;
            if (rc)
                return rc;
        }
        if (!S_ISDIR(next->mode))
            return -ENOTDIR;
        cur = next;
        i = k;
    }
}

struct inode *walk_last(struct walk *w)
{
    if (w->last_len == 0)
        return w->dir;
    return step(w->dir, w->last, w->last_len);
}

int walk_into_symlink(struct walk *w, struct inode *link)
{
    int trailing = w->trailing_slash;
    const char *s;
    size_t n;
    int rc = follow_check(w, 0);

    if (rc == 0)
        rc = symlink_target(link, &s, &n);
    if (rc == 0)
        rc = walk_parent(w, w->dir, s, n, 1);
    w->trailing_slash |= trailing;
    return rc;
}

/* Resolve fully: the parent walk, then the last component, following symlinks as asked. */
static int resolve(struct walk *w, struct inode *start, const char *p, size_t n, int flags,
                   int depth, struct inode **out)
{
    int rc = walk_parent(w, start, p, n, depth);

    while (rc == 0) {
        struct inode *ino = walk_last(w);
        int trailing = w->trailing_slash;
        const char *s;
        size_t sn;

        if (!ino)
            return -ENOENT;
        if (S_ISLNK(ino->mode) && ((flags & WALK_FOLLOW) || trailing)) {
            rc = follow_check(w, depth);
            if (rc == 0)
                rc = symlink_target(ino, &s, &sn);
            if (rc == 0)
                rc = walk_parent(w, w->dir, s, sn, depth + 1);
            w->trailing_slash |= trailing;
            continue;
        }
        if ((trailing || (flags & WALK_DIRECTORY)) && !S_ISDIR(ino->mode))
            return -ENOTDIR;
        *out = ino;
        return 0;
    }
    return rc;
}

int path_lookup_walk(struct inode *base, const char *path, int flags, struct inode **out,
                     struct walk *w)
{
    struct inode *ino;
    size_t n = strnlen(path, LINUX_PATH_MAX);
    int rc;

    w->follows = 0;
    if (n == 0)
        return -ENOENT;
    if (n >= LINUX_PATH_MAX)
        return -ENAMETOOLONG;
    rc = resolve(w, base ? base : cwd_inode(), path, n, flags, 0, &ino);
    if (rc == 0)
        *out = inode_get(ino);
    return rc;
}

int path_lookup(struct inode *base, const char *path, int flags, struct inode **out)
{
    struct walk w = {0};

    return path_lookup_walk(base, path, flags, out, &w);
}

int path_parent(struct inode *base, const char *path, struct walk *w)
{
    size_t n = strnlen(path, LINUX_PATH_MAX);

    w->follows = 0;
    if (n == 0)
        return -ENOENT;
    if (n >= LINUX_PATH_MAX)
        return -ENAMETOOLONG;
    return walk_parent(w, base ? base : cwd_inode(), path, n, 0);
}

int fs_real_path(const char *path, char *buf, size_t size)
{
    struct walk w = {0};
    struct inode *ino;
    size_t n = strnlen(path, LINUX_PATH_MAX);
    int len, rc = n && n < LINUX_PATH_MAX ? resolve(&w, cwd_inode(), path, n, WALK_FOLLOW, 0, &ino)
                                          : -ENOENT;

    if (rc)
        return rc;
    if (S_ISDIR(ino->mode))
        return fs_dir_path(ino, buf, size);
    len = fs_dir_path(w.dir, buf, size);
    if (len < 0)
        return len;
    if ((size_t)len + 1 + w.last_len + 1 > size)
        return -ENAMETOOLONG;
    if (len > 1)
        buf[len++] = '/';
    memcpy(buf + len, w.last, w.last_len);
    len += (int)w.last_len;
    buf[len] = 0;
    return len;
}
