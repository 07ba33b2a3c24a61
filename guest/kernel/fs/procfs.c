/* /proc: files whose content a generator writes into a page when the file is opened (so one
 * open sees one consistent snapshot). Files come from a registration table; other subsystems
 * add theirs with procfs_register, in subdirectories too. A file registered with a write hook
 * and write bits in its mode (a control file such as /proc/sys/ringvisor/fasttrap) takes each
 * write(2) whole, as Linux's sysctl files do: the offset plays no part. */
#include <stdarg.h>
#include <guest/console.h>
#include <guest/kmem.h>
#include <lib/format.h>
#include <lib/string.h>
#include "fs_impl.h"
#include <lib/errno_names.h>

struct procbuf {
    uint32_t len;
    char data[PAGE_SIZE - sizeof(uint32_t)];
};

static struct inode *procdir;

static const struct procfs_entry builtin[] = {
    {"meminfo", procfs_gen_meminfo, NULL, 0},       {"uptime", procfs_gen_uptime, NULL, 0},
    {"stats", procfs_gen_stats, NULL, 0},           {"version", procfs_gen_version, NULL, 0},
    {"hypervisor", procfs_gen_hypervisor, NULL, 0},
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
    n = f->inode->u.proc->gen(pb->data, sizeof(pb->data));
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
    if (!e->write)
        return -EINVAL;
    if (n > PROC_WRITE_MAX)
        return -EINVAL;
    if (iob_get(text, b, 0, n))
        return -EFAULT;
    text[n] = 0;
    rc = e->write(text, n);
    return rc ? rc : (long)n;
}

static void proc_release(struct file *f)
{
    kfree(f->priv);
}

static const struct file_ops procfs_fops = {
    .read = proc_read,
    .write = proc_write,
    .open = proc_open,
    .release = proc_release,
    .seekable = 1,
};

/* The directory that holds path's last component (made where missing); *last is that name. */
static struct inode *parent_dir(const char *path, const char **last, long *err)
{
    struct inode *dir = procdir;
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

int procfs_register(const struct procfs_entry *e)
{
    uint32_t mode = e->mode ? e->mode & 0777 : 0444;
    const char *name;
    struct inode *ino, *dir;
    long err = -ENOMEM;
    size_t len;

    if (!procdir)
        return -ENOENT;
    dir = parent_dir(e->name, &name, &err);
    if (!dir)
        return (int)err;
    len = strlen(name);
    if (dir_find(dir, name, len))
        return -EEXIST;
    if (!e->write)
        mode &= 0444u;
    ino = inode_new(&procfs_sb, S_IFREG | mode);
    if (!ino)
        return -ENOMEM;
    ino->u.proc = e;
    ino->fops = &procfs_fops;
    if (dir_link(dir, name, len, ino)) {
        inode_maybe_free(ino);
        return -ENOMEM;
    }
    return 0;
}

void procfs_init(struct inode *dir)
{
    procdir = dir;
    for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
        int rc = procfs_register(&builtin[i]);

        if (rc && rc != -EEXIST)
            printk("fs: cannot add /proc/%s: %s\n", builtin[i].name, errno_name(rc));
    }
}
