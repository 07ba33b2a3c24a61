/* /dev: the character devices null (1:3), zero (1:5), full (1:7), random (1:8), urandom (1:9),
 * kmsg (1:11), tty (5:0) and console (5:1), with the device numbers Linux gives them so programs
 * that check st_rdev see what they expect. random and urandom are getrandom's source. */
#include <pv/console.h>
#include <kernel/random.h>
#include "fs_impl.h"

static long null_read(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos)
{
    (void)f, (void)b, (void)n, (void)pos;
    return 0;
}

static long sink_write(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos)
{
    (void)f, (void)b, (void)pos;
    return (long)n;
}

static long zero_read(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos)
{
    (void)f, (void)pos;
    return iob_zero(b, 0, n) ? -EFAULT : (long)n;
}

/* Writing to /dev/full: the disk is always full. */
static long full_write(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos)
{
    (void)f, (void)b, (void)n, (void)pos;
    return -ENOSPC;
}

static long random_read(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos)
{
    char chunk[256];
    size_t done = 0;

    (void)f, (void)pos;
    while (done < n) {
        size_t k = n - done < sizeof(chunk) ? n - done : sizeof(chunk);

        random_bytes(chunk, k);
        if (iob_put(b, done, chunk, k))
            return done ? (long)done : -EFAULT;
        done += k;
    }
    return (long)done;
}

/* Seekable as on Linux: lseek on them succeeds (and means nothing). Writing to random and
 * urandom is accepted (Linux mixes the bytes in; they are not credited, nor are they here). */
const struct file_ops null_fops = {.read = null_read, .write = sink_write, .seekable = 1};
const struct file_ops zero_fops = {.read = zero_read, .write = sink_write, .seekable = 1};
static const struct file_ops full_fops = {.read = zero_read, .write = full_write, .seekable = 1};
static const struct file_ops random_fops = {
    .read = random_read, .write = sink_write, .seekable = 1};

static const struct {
    const char *name;
    uint32_t major, minor, perm;
    const struct file_ops *fops;
} devices[] = {
    {"null", 1, 3, 0666, &null_fops},      {"zero", 1, 5, 0666, &zero_fops},
    {"full", 1, 7, 0666, &full_fops},      {"random", 1, 8, 0666, &random_fops},
    {"urandom", 1, 9, 0666, &random_fops}, {"kmsg", 1, 11, 0644, &kmsg_fops},
    {"tty", 5, 0, 0666, &devtty_fops},     {"console", 5, 1, 0600, &tty_fops},
};

static void shm_init(struct inode *devdir);

void dev_init(struct inode *devdir)
{
    tty_reset();
    for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
        const char *name = devices[i].name;
        size_t len = 0;
        struct dentry *old;
        struct inode *ino;

        while (name[len])
            len++;
        old = dir_find(devdir, name, len);
        if (old)
            dir_unlink(devdir, old); /* a device node from the archive: ours replace it */
        ino = inode_new(&devfs_sb, S_IFCHR | devices[i].perm);
        if (!ino || dir_link(devdir, name, len, ino)) {
            printk("fs: no memory for /dev/%s\n", name);
            if (ino)
                inode_maybe_free(ino);
            continue;
        }
        ino->rdev_major = devices[i].major;
        ino->rdev_minor = devices[i].minor;
        ino->fops = devices[i].fops;
    }
    shm_init(devdir);
}

/* /dev/shm: a directory of the writable tmpfs (sticky, world-writable, as Linux's tmpfs mount
 * there), inside the read-only /dev; POSIX shared memory (shm_open) keeps its files here. */
static void shm_init(struct inode *devdir)
{
    struct dentry *old = dir_find(devdir, "shm", 3);
    long err = 0;

    if (old)
        dir_unlink(devdir, old); /* an archive's /dev/shm: ours replaces it */
    if (!dir_mkdir(devdir, &tmpfs_sb, "shm", 3, 01777, &err))
        printk("fs: no /dev/shm (%ld)\n", err);
}
