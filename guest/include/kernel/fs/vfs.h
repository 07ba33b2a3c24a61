/*
 * Open files and descriptors (kernel/fs/file.c, fdtable.c): what any kind of file (regular, device,
 * pipe, and later sockets) plugs into. A struct file is shared after dup and fork and keeps
 * the offset and status flags; the descriptor table maps numbers to files per process.
 */
#ifndef GUEST_VFS_H
#define GUEST_VFS_H

#include <stddef.h>
#include <stdint.h>

struct inode;
struct file;

/* Where a read puts its bytes or a write takes them: ring-3 memory (kaddr NULL, uaddr checked
 * by uaccess.h on every copy) or a kernel buffer (inode_pread for execve). */
struct iobuf {
    uint32_t uaddr;
    char *kaddr;
};
int iob_put(const struct iobuf *b, size_t off, const void *src, size_t n); /* 0 or -EFAULT */
int iob_get(void *dst, const struct iobuf *b, size_t off, size_t n);
int iob_zero(const struct iobuf *b, size_t off, size_t n);

/* Every operation may be NULL: read/write then fail with -EINVAL, poll reports "always ready",
 * ioctl answers -ENOTTY. read and write return bytes or -errno and move *pos (for pread and
 * pwrite a copy of the offset, for the others &f->pos) when the file is seekable. */
struct file_ops {
    long (*read)(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos);
    long (*write)(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos);
    unsigned (*poll)(struct file *f); /* POLLIN, POLLOUT, POLLHUP, POLLERR now */
    /* The object its changes wake poll_wq's sleepers with (wq_wake_obj); NULL: any (the file's
     * changes wake every poller with wq_wake_all). */
    const void *(*poll_obj)(struct file *f);
    long (*ioctl)(struct file *f, uint32_t cmd, uint32_t arg);
    int (*open)(struct file *f);     /* at open: 0 or -errno (the file is then dropped) */
    void (*release)(struct file *f); /* the last reference is gone */
    int seekable;                    /* lseek, pread and pwrite apply */
};

struct file {
    uint32_t refs;
    uint32_t flags; /* O_ACCMODE and the status flags (O_APPEND, O_NONBLOCK, ...) */
    uint64_t pos;
    struct inode *inode; /* a counted reference */
    const struct file_ops *ops;
    void *priv; /* the kind's own state (pipe end, /proc buffer) */
    /* Where open() found a file that is not a directory: a counted reference to the directory
     * and a kmalloc'd copy of the name (NULL for pipes, sockets and the first console), so that
     * /proc/<pid>/fd/N can say its path (kernel/fs/procfs_fd.c). Bounded: one name, at most
     * 255 bytes, per open file description. */
    struct inode *origin_dir;
    char *origin_name;
};

static inline int file_readable(const struct file *f)
{
    return (f->flags & 3) == 0 || (f->flags & 3) == 2;
}
static inline int file_writable(const struct file *f)
{
    return (f->flags & 3) == 1 || (f->flags & 3) == 2;
}

/* A new file on ino (taking over the caller's reference to it), with one reference; NULL when
 * memory is out (the inode reference is then dropped). Runs ops->open. */
struct file *file_open(struct inode *ino, const struct file_ops *ops, uint32_t flags, long *err);
struct file *file_get(struct file *f);
void file_put(struct file *f);

/* The current process's descriptors. fd_get returns a counted reference (file_put it) or NULL
 * for a descriptor that is not open. fd_install takes over the caller's reference and returns
 * the lowest free descriptor >= min, or -EMFILE. */
struct file *fd_get(uint32_t fd);
int fd_install(struct file *f, uint32_t min, int cloexec);
int fd_check_free(void); /* 0 when fd_install(f, 0, ..) will succeed, else -EMFILE/-ENOMEM */

/* A socket's file (kernel/fs/sockfs.c): a new anonymous S_IFSOCK inode, O_RDWR plus flags,
 * priv set; NULL and *err when memory is out. file_is_socket: f is one made with ops. */
struct file *file_open_socket(const struct file_ops *ops, uint32_t flags, void *priv, long *err);
int file_is_socket(const struct file *f, const struct file_ops *ops);

#endif
