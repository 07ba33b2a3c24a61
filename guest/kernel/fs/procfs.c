/* /proc: files whose content a generator writes into a page when the file is opened (so one
 * open sees one consistent snapshot). Files come from a registration table; other subsystems
 * add theirs with procfs_register, in subdirectories too. A file registered with a write hook
 * and write bits in its mode (a control file such as /proc/sys/ringvisor/fasttrap) takes each
 * write(2) whole, as Linux's sysctl files do: the offset plays no part. */
#include <stdarg.h>
#include <pv/console.h>
#include <kernel/mm/kmem.h>
#include <lib/format.h>
#include <lib/string.h>
#include "fs_impl.h"
#include <lib/errno_names.h>

struct procbuf {
    uint32_t len;
    char data[PAGE_SIZE - sizeof(uint32_t)];
};

struct inode *procfs_dir;

static const struct procfs_entry builtin[] = {
    {.name = "meminfo", .gen = procfs_gen_meminfo, .write = NULL, .mode = 0},
    {.name = "uptime", .gen = procfs_gen_uptime, .write = NULL, .mode = 0},
    {.name = "stats", .gen = procfs_gen_stats, .write = NULL, .mode = 0},
    {.name = "version", .gen = procfs_gen_version, .write = NULL, .mode = 0},
    {.name = "hypervisor", .gen = procfs_gen_hypervisor, .write = NULL, .mode = 0},
    {.name = "mounts", .gen = procfs_gen_mounts},
    {.name = "filesystems", .gen = procfs_gen_filesystems},
};

#define PROC_WRITE_MAX 64

void pf_printf(struct pfout *o, const char *fmt, ...)
{
    size_t at = o->len < o->size ? o->len : o->size;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(o->buf + at, o->size - at, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += (size_t)n;
}

static int proc_open(struct file *f)
{
    struct procbuf *pb = kmalloc(sizeof(*pb));
    int n;

    if (!pb)
        return -ENOMEM;
    if (f->inode->u.proc->gen_pid) {
        n = f->inode->u.proc->gen_pid(f->inode->pid, pb->data, sizeof(pb->data));
        if (n < 0) {
            kfree(pb);
            return n; /* the process has gone */
        }
    } else {
        n = f->inode->u.proc->gen(pb->data, sizeof(pb->data));
    }
    if (n < 0)
        n = 0;
    pb->len = (uint32_t)n < sizeof(pb->data) ? (uint32_t)n : sizeof(pb->data);
    f->priv = pb;
    return 0;
}

static long proc_read(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos)
{
    const struct procbuf *pb = f->priv;

    if (*pos >= pb->len)
        return 0;
    if (n > pb->len - *pos)
        n = (size_t)(pb->len - *pos);
    if (iob_put(b, 0, pb->data + (size_t)*pos, n))
        return -EFAULT;
    *pos += n;
    return (long)n;
}

static long proc_write(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos)
{
    const struct procfs_entry *e = f->inode->u.proc;
    char text[PROC_WRITE_MAX + 1];
    int rc;

    (void)pos;
    if (!e->write && !e->write_pid)
        return -EINVAL;
    if (n > PROC_WRITE_MAX)
        return -EINVAL;
    if (iob_get(text, b, 0, n))
        return -EFAULT;
    text[n] = 0;
    rc = e->write_pid ? e->write_pid(f->inode->pid, text, n) : e->write(text, n);
    return rc ? rc : (long)n;
}

static void proc_release(struct file *f)
{
    kfree(f->priv);
}

const struct file_ops procfs_fops = {
    .read = proc_read,
    .write = proc_write,
    .open = proc_open,
    .release = proc_release,
    .seekable = 1,
};

/* The directory that holds path's last component (made where missing); *last is that name. */
static struct inode *parent_dir(const char *path, const char **last, long *err)
{
    struct inode *dir = procfs_dir;
    const char *p = path, *slash;

    while ((slash = strchr(p, '/'))) {
        struct dentry *d = dir_find(dir, p, (size_t)(slash - p));

        if (d && !S_ISDIR(d->inode->mode)) {
            *err = -ENOTDIR;
            return NULL;
        }
        dir = d ? d->inode : dir_mkdir(dir, &procfs_sb, p, (size_t)(slash - p), 0555, err);
        if (!dir)
            return NULL;
        p = slash + 1;
    }
    *last = p;
    return dir;
}

struct inode *procfs_inode(const struct procfs_entry *e, int pid)
{
    uint32_t mode = e->mode ? e->mode & 0777 : 0444;
    struct inode *ino;

    if (!e->write && !e->write_pid)
        mode &= 0444u;
    ino = inode_new(&procfs_sb, e->link_pid ? S_IFLNK | 0777 : S_IFREG | mode);
    if (!ino)
        return NULL;
    ino->u.proc = e;
    ino->pid = pid;
    ino->fops = e->link_pid ? NULL : &procfs_fops;
    return ino;
}

int procfs_register(const struct procfs_entry *e)
{
    const char *name;
    struct inode *ino, *dir;
    long err = -ENOMEM;
    size_t len;

    if (!procfs_dir)
        return -ENOENT;
    dir = parent_dir(e->name, &name, &err);
    if (!dir)
        return (int)err;
    len = strlen(name);
    if (dir_find(dir, name, len))
        return -EEXIST;
    ino = procfs_inode(e, 0);
    if (!ino)
        return -ENOMEM;
    if (dir_link(dir, name, len, ino)) {
        inode_maybe_free(ino);
        return -ENOMEM;
    }
    return 0;
}

void procfs_init(struct inode *dir)
{
    procfs_dir = dir;
    for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
        int rc = procfs_register(&builtin[i]);

        if (rc && rc != -EEXIST)
            printk("fs: cannot add /proc/%s: %s\n", builtin[i].name, errno_name(rc));
    }
}
