/* Descriptor calls: dup, dup2, dup3, fcntl64, ioctl (the generic part: FIONBIO, FIOCLEX,
 * FIONCLEX, FIONREAD on regular files; the rest goes to the file's kind), pipe, pipe2, fsync,
 * sync. */
#include <kernel/proc.h>
#include <kernel/syscalls.h>
#include <arch/x86/uaccess.h>
#include "fs_impl.h"

/* fcntl F_SETFL may change these; the access mode and the rest stay as opened. */
#define SETFL_MASK (O_APPEND | O_NONBLOCK)

long sys_dup(u32 fd)
{
    struct file *f = fd_get(fd);

    if (!f)
        return -EBADF;
    return fd_install(f, 0, 0);
}

long sys_dup2(u32 oldfd, u32 newfd)
{
    if (oldfd == newfd)
        return fd_get_cloexec(oldfd) < 0 ? -EBADF : (long)newfd;
    return fd_dup_to(oldfd, newfd, 0);
}

long sys_dup3(u32 oldfd, u32 newfd, u32 flags)
{
    if (flags & ~(u32)O_CLOEXEC)
        return -EINVAL;
    if (oldfd == newfd)
        return -EINVAL;
    return fd_dup_to(oldfd, newfd, (flags & O_CLOEXEC) != 0);
}

static long fcntl_file(struct file *f, u32 fd, u32 cmd, u32 arg)
{
    int16_t unlocked = F_UNLCK;

    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        if (arg >= LINUX_NOFILE || arg >= rlimit_cur(RLIMIT_NOFILE))
            return -EINVAL;
        return fd_install(file_get(f), arg, cmd == F_DUPFD_CLOEXEC);
    case F_GETFD:
        return fd_get_cloexec(fd) > 0 ? FD_CLOEXEC : 0;
    case F_SETFD:
        return fd_set_cloexec(fd, (arg & FD_CLOEXEC) != 0);
    case F_GETFL:
        return (long)f->flags;
    case F_SETFL:
        f->flags = (f->flags & ~(u32)SETFL_MASK) | (arg & SETFL_MASK);
        return 0;
    case F_GETLK:
    case F_GETLK64:
        /* No locks are ever held, so whatever is asked about is unlocked. */
        return copy_to_user(arg, &unlocked, sizeof(unlocked));
    case F_SETLK:
    case F_SETLKW:
    case F_SETLK64:
    case F_SETLKW64:
    case F_SETOWN:
        return 0;
    case F_GETOWN:
        return 0;
    case F_GETPIPE_SZ:
    case F_SETPIPE_SZ:
        return f->inode->sb == &pipefs_sb ? (long)PIPE_SIZE : -EBADF;
    default:
        return -EINVAL;
    }
}

long sys_fcntl64(u32 fd, u32 cmd, u32 arg)
{
    struct file *f = fd_get(fd);
    long r;

    if (!f)
        return -EBADF;
    r = fcntl_file(f, fd, cmd, arg);
    file_put(f);
    return r;
}

static long ioctl_file(struct file *f, u32 fd, u32 cmd, u32 arg)
{
    int32_t v;

    switch (cmd) {
    case FIONBIO:
        if (copy_from_user(&v, arg, sizeof(v)))
            return -EFAULT;
        f->flags = v ? f->flags | O_NONBLOCK : f->flags & ~(u32)O_NONBLOCK;
        return 0;
    case FIOCLEX:
    case FIONCLEX:
        return fd_set_cloexec(fd, cmd == FIOCLEX);
    case FIONREAD:
        if (S_ISREG(f->inode->mode) && f->inode->sb != &procfs_sb) {
            uint64_t left = f->pos < f->inode->size ? f->inode->size - f->pos : 0;

            v = left > 0x7fffffff ? 0x7fffffff : (int32_t)left;
            return copy_to_user(arg, &v, sizeof(v));
        }
        break;
    }
    return f->ops->ioctl ? f->ops->ioctl(f, cmd, arg) : -ENOTTY;
}

long sys_ioctl(u32 fd, u32 cmd, u32 arg)
{
    struct file *f = fd_get(fd);
    long r;

    if (!f)
        return -EBADF;
    r = ioctl_file(f, fd, cmd, arg);
    file_put(f);
    return r;
}

long sys_pipe2(u32 fds, u32 flags)
{
    struct file *rd, *wr;
    int32_t pair[2];
    long rc;

    if (flags & ~(u32)(O_CLOEXEC | O_NONBLOCK))
        return -EINVAL;
    rc = pipe_create(&rd, &wr, flags);
    if (rc)
        return rc;
    pair[0] = fd_install(rd, 0, (flags & O_CLOEXEC) != 0);
    if (pair[0] < 0) {
        file_put(wr);
        return pair[0];
    }
    pair[1] = fd_install(wr, 0, (flags & O_CLOEXEC) != 0);
    if (pair[1] < 0) {
        fd_close((u32)pair[0]);
        return pair[1];
    }
    if (copy_to_user(fds, pair, sizeof(pair))) {
        fd_close((u32)pair[0]);
        fd_close((u32)pair[1]);
        return -EFAULT;
    }
    return 0;
}

long sys_pipe(u32 fds)
{
    return sys_pipe2(fds, 0);
}

long sys_fsync(u32 fd)
{
    struct file *f = fd_get(fd);
    long r;

    if (!f)
        return -EBADF;
    /* Everything is in memory already; only files and directories take the call at all. */
    r = S_ISREG(f->inode->mode) || S_ISDIR(f->inode->mode) ? 0 : -EINVAL;
    file_put(f);
    return r;
}

long sys_sync(void)
{
    return 0;
}
