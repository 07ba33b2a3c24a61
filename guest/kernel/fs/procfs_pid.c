/* /proc/<pid>/: a directory per process, made when its pid is given out and removed when the
 * process is freed (zombies keep theirs, as in Linux), holding one inode per entry of the table
 * the kernel gives (kernel/proc_pid.c), each remembering its pid. Their contents are made when
 * opened; symlinks (exe, cwd, /proc/self) make their target each time it is asked for. A target
 * is kept on the inode until the next one differs, so a path walk that follows it holds valid
 * bytes (walks do not sleep: no other process can ask in between).
 *
 * The entries are made lazily: fork makes only the empty directory, marked PROC_PID_UNFILLED,
 * and procfs_pid_fill makes its entries (and fd/) the first time anything looks at it -- a path
 * walk that reaches it (path.c's step, so stat, open, chdir and every lookup inside it see it
 * whole) or getdents on it. A process nobody looks for in /proc costs one inode and one entry
 * (about 4,500 instructions of fork's 55,000 went to the other eleven). Listing /proc itself
 * needs nothing inside. */
#include <kernel/mm/kmem.h>
#include <lib/format.h>
#include <lib/string.h>
#include "fs_impl.h"

static const struct procfs_entry *pid_tab;
static unsigned pid_tab_n;

void procfs_pid_files(const struct procfs_entry *tab, unsigned n)
{
    pid_tab = tab;
    pid_tab_n = n;
}

static size_t pid_name(int pid, char *buf, size_t size)
{
    return (size_t)snprintf(buf, size, "%d", pid);
}

/* Out of memory, the process is not made (fork fails): one that ran without its directory was
 * out of reach of everything that finds processes through /proc (sysfuzz's supervisor could not
 * kill such a worker's child, which kept its memory for good). */
int procfs_pid_add(int pid)
{
    char name[16];
    size_t len = pid_name(pid, name, sizeof(name));
    struct inode *dir;
    long err = 0;

    if (!procfs_dir || dir_find(procfs_dir, name, len))
        return 0;
    dir = dir_mkdir(procfs_dir, &procfs_sb, name, len, 0555, &err);
    if (!dir)
        return -ENOMEM;
    dir->pid = pid;
    dir->nlink = 3; /* ".", its entry, and fd/'s ".." once filled: stat says the same before */
    dir->proc_fd = PROC_PID_UNFILLED;
    return 0;
}

void procfs_pid_fill(struct inode *dir)
{
    if (dir->proc_fd != PROC_PID_UNFILLED)
        return;
    dir->proc_fd = 0;
    if (dir->nlink == 0)
        return; /* removed meanwhile: nothing to show */
    for (unsigned i = 0; i < pid_tab_n; i++) {
        struct inode *ino = procfs_inode(&pid_tab[i], dir->pid);

        if (ino && dir_link(dir, pid_tab[i].name, strlen(pid_tab[i].name), ino))
            inode_maybe_free(ino);
    }
    dir->nlink--;                     /* fd/ adds its ".." back */
    procfs_fd_dir_new(dir, dir->pid); /* out of memory: no fd/, as above */
}

void procfs_pid_remove(int pid)
{
    char name[16];
    size_t len = pid_name(pid, name, sizeof(name));
    struct dentry *d = procfs_dir ? dir_find(procfs_dir, name, len) : NULL;
    struct inode *dir;

    if (!d || !S_ISDIR(d->inode->mode))
        return;
    dir = d->inode;
    while (dir->u.dir.head) {
        if (dir->u.dir.head->inode->proc_fd == PROC_FD_DIR)
            procfs_fd_clear(dir->u.dir.head->inode);
        dir_unlink(dir, dir->u.dir.head);
    }
    dir_unlink(procfs_dir, d);
}

int procfs_link_target(struct inode *link, const char **s, size_t *n)
{
    const struct procfs_entry *e = link->u.proc;
    char *buf = kmalloc(LINUX_PATH_MAX);
    int len;

    if (!buf)
        return -ENOMEM;
    if (link->proc_fd)
        len = procfs_fd_link_text(link, buf, LINUX_PATH_MAX);
    else
        len = e && e->link_pid ? e->link_pid(link->pid, buf, LINUX_PATH_MAX) : -ENOENT;
    if (len <= 0 || len >= LINUX_PATH_MAX) {
        kfree(buf);
        return len < 0 ? len : -ENOENT;
    }
    if (!link->proc_link || strcmp(link->proc_link, buf) != 0) {
        char *keep = kmalloc((size_t)len + 1);

        if (!keep) {
            kfree(buf);
            return -ENOMEM;
        }
        memcpy(keep, buf, (size_t)len + 1);
        kfree(link->proc_link);
        link->proc_link = keep;
    }
    kfree(buf);
    *s = link->proc_link;
    *n = (size_t)len;
    return 0;
}
