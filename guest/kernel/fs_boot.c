/*
 * A stand-in for the file system (guest/fs.h) while kernel/fs/ is being written: programs are
 * looked up by name in the initramfs archive, and descriptors 0-2 are the console. Replaced
 * by kernel/fs/ (and this file deleted) when that lands.
 */
#include <linux/abi.h>
#include <linux/errno.h>
#include <guest/console.h>
#include <guest/console_in.h>
#include <guest/fs.h>
#include <guest/initramfs.h>
#include <guest/kmem.h>
#include <guest/syscalls.h>
#include <guest/uaccess.h>
#include <lib/string.h>

struct inode {
    const uint8_t *data;
    uint32_t size, mode;
};
struct files {
    unsigned refs;
};

static const void *archive;
static size_t archive_len;
static struct inode found, root = {0, 0, 040755};

int fs_init(const void *cpio, size_t len)
{
    archive = cpio;
    archive_len = len;
    return 0;
}

static int match(const struct cpio_entry *e, void *arg)
{
    if (strcmp(e->name, arg) != 0)
        return 0;
    found = (struct inode){e->data, e->size, e->mode};
    return 1;
}

struct inode *fs_lookup_exec(const char *path, long *err)
{
    while (*path == '/')
        path++;
    found.data = 0;
    if (archive)
        cpio_walk(archive, archive_len, match, (void *)path, 0);
    if (!found.data) {
        *err = -ENOENT;
        return 0;
    }
    struct inode *ino = kmalloc(sizeof(*ino));
    if (ino)
        *ino = found;
    else
        *err = -ENOMEM;
    return ino;
}

long inode_pread(struct inode *ino, void *kbuf, size_t n, uint64_t off)
{
    if (off >= ino->size)
        return 0;
    if (n > ino->size - off)
        n = ino->size - (uint32_t)off;
    memcpy(kbuf, ino->data + off, n);
    return (long)n;
}

uint64_t inode_size(const struct inode *ino)
{
    return ino->size;
}

struct inode *inode_get(struct inode *ino)
{
    return ino;
}

void inode_put(struct inode *ino)
{
    if (ino != &root)
        kfree(ino);
}

struct inode *fs_root(void)
{
    return &root;
}

struct inode *fd_inode(uint32_t fd)
{
    (void)fd;
    return 0;
}

static struct files console_files = {1};

struct files *files_new_console(void)
{
    return &console_files;
}

struct files *files_dup(struct files *f)
{
    f->refs++;
    return f;
}

void files_close_on_exec(struct files *f)
{
    (void)f;
}

void files_put(struct files *f)
{
    f->refs--;
}

long sys_write(u32 fd, u32 buf, u32 count)
{
    char chunk[256];
    uint32_t done = 0;

    if (fd != 1 && fd != 2)
        return -EBADF;
    while (done < count) {
        uint32_t n = count - done < sizeof(chunk) ? count - done : sizeof(chunk);
        if (copy_from_user(chunk, buf + done, n))
            return done ? (long)done : -EFAULT;
        console_write(chunk, n);
        done += n;
    }
    return (long)done;
}

long sys_read(u32 fd, u32 buf, u32 count)
{
    (void)buf, (void)count;
    return fd == 0 ? 0 : -EBADF;
}

static long vec(u32 fd, u32 iov, u32 iovcnt, long (*op)(u32, u32, u32))
{
    long total = 0;

    for (u32 i = 0; i < iovcnt; i++) {
        struct linux_iovec v;
        if (copy_from_user(&v, iov + i * sizeof(v), sizeof(v)))
            return -EFAULT;
        long n = op(fd, v.base, v.len);
        if (n < 0)
            return total ? total : n;
        total += n;
    }
    return total;
}

long sys_writev(u32 fd, u32 iov, u32 iovcnt)
{
    return vec(fd, iov, iovcnt, sys_write);
}

long sys_readv(u32 fd, u32 iov, u32 iovcnt)
{
    return vec(fd, iov, iovcnt, sys_read);
}

long sys_open(u32 path, u32 flags, u32 mode)
{
    (void)path, (void)flags, (void)mode;
    return -ENOENT;
}

long sys_close(u32 fd)
{
    return fd <= 2 ? 0 : -EBADF;
}

long sys_ioctl(u32 fd, u32 cmd, u32 arg)
{
    if (fd > 2)
        return -EBADF;
    if (cmd == TIOCGWINSZ) {
        struct linux_winsize w = {0, 0, 0, 0};
        return copy_to_user(arg, &w, sizeof(w)) ? -EFAULT : 0;
    }
    return -ENOTTY;
}
