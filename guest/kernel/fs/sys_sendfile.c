/* sendfile and sendfile64: copy from one open file to another in the kernel, through a page of
 * kernel memory, as Linux does with its pipe in between. With an offset pointer the input's own
 * offset stays put and the pointer moves; without, the input's offset moves. A short write moves
 * the input back to just after what was written, so nothing is lost. */
#include <kernel/mm/kmem.h>
#include <kernel/syscalls.h>
#include <arch/x86/uaccess.h>
#include "fs_impl.h"

#define MAX_RW_COUNT 0x7ffff000u

static long do_sendfile(u32 out_fd, u32 in_fd, uint64_t *off, uint32_t count)
{
    struct file *in = fd_get(in_fd), *out = fd_get(out_fd);
    uint64_t *pos;
    char *buf = NULL;
    long rc = 0, total = 0;

    if (!in || !out || !file_readable(in) || !file_writable(out))
        rc = -EBADF;
    else if (out->flags & O_APPEND)
        rc = -EINVAL; /* Linux's rule */
    else if (off && !in->ops->seekable)
        rc = -ESPIPE;
    else if (S_ISDIR(in->inode->mode))
        rc = -EINVAL;
    else if (count && !(buf = kmalloc(PAGE_SIZE)))
        rc = -ENOMEM;
    pos = off ? off : &in->pos;
    if (count > MAX_RW_COUNT)
        count = MAX_RW_COUNT;
    while (rc == 0 && (uint32_t)total < count) {
        struct iobuf kb = {0, buf};
        uint32_t n = count - (uint32_t)total < PAGE_SIZE ? count - (uint32_t)total : PAGE_SIZE;
        long r = fs_read(in, &kb, n, pos), w;

        if (r <= 0) {
            if (total == 0)
                rc = r;
            break;
        }
        w = fs_write(out, &kb, (size_t)r, &out->pos);
        if (w < r && in->ops->seekable)
            *pos -= (uint64_t)(r - (w > 0 ? w : 0));
        if (w <= 0) {
            if (total == 0)
                rc = w;
            break;
        }
        total += w;
        if (w < r)
            break;
    }
    kfree(buf);
    if (in)
        file_put(in);
    if (out)
        file_put(out);
    return total ? total : rc;
}

long sys_sendfile64(u32 out_fd, u32 in_fd, u32 uoff, u32 count)
{
    int64_t off;
    long rc;

    if (!uoff)
        return do_sendfile(out_fd, in_fd, NULL, count);
    if (copy_from_user(&off, uoff, sizeof(off)))
        return -EFAULT;
    if (off < 0)
        return -EINVAL;
    rc = do_sendfile(out_fd, in_fd, (uint64_t *)&off, count);
    if (rc >= 0 && copy_to_user(uoff, &off, sizeof(off)))
        return -EFAULT;
    return rc;
}

long sys_sendfile(u32 out_fd, u32 in_fd, u32 uoff, u32 count)
{
    int32_t off32;
    uint64_t off;
    long rc;

    if (!uoff)
        return do_sendfile(out_fd, in_fd, NULL, count);
    if (copy_from_user(&off32, uoff, sizeof(off32)))
        return -EFAULT;
    if (off32 < 0)
        return -EINVAL;
    off = (uint64_t)off32;
    rc = do_sendfile(out_fd, in_fd, &off, count);
    off32 = (int32_t)off;
    if (rc >= 0 && copy_to_user(uoff, &off32, sizeof(off32)))
        return -EFAULT;
    return rc;
}
