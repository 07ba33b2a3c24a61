/* /proc: read-only files whose content a generator writes into a page when the file is opened
 * (so one open sees one consistent snapshot). Files come from a registration table; other
 * subsystems can add theirs with procfs_register. */
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
    {"meminfo", procfs_gen_meminfo},       {"uptime", procfs_gen_uptime},
    {"stats", procfs_gen_stats},           {"version", procfs_gen_version},
    {"hypervisor", procfs_gen_hypervisor},
};

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

static void proc_release(struct file *f)
{
    kfree(f->priv);
}

static const struct file_ops procfs_fops = {
    .read = proc_read,
    .open = proc_open,
    .release = proc_release,
    .seekable = 1,
};

int procfs_register(const struct procfs_entry *e)
{
    size_t len = strlen(e->name);
    struct inode *ino;

    if (!procdir)
        return -ENOENT;
    if (dir_find(procdir, e->name, len))
        return -EEXIST;
    ino = inode_new(&procfs_sb, S_IFREG | 0444);
    if (!ino)
        return -ENOMEM;
    ino->u.proc = e;
    ino->fops = &procfs_fops;
    if (dir_link(procdir, e->name, len, ino)) {
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
