/* Inodes: allocation, reference counting, freeing when neither a name nor a reference is left,
 * and the small inode interface execve uses (kernel/fs/fs.h). */
#include <kernel/mm/kmem.h>
#include <pv/time.h>
#include <lib/string.h>
#include "fs_impl.h"

/* Device numbers as Linux gives its pseudo file systems (0:N, N small and distinct). */
struct fs_sb tmpfs_sb = {"tmpfs", 0, 2, 0, 0, 0x01021994};    /* TMPFS_MAGIC */
struct fs_sb devfs_sb = {"devtmpfs", 0, 3, 1, 0, 0x01021994}; /* a tmpfs on Linux */
struct fs_sb procfs_sb = {"proc", 0, 4, 1, 0, 0x9fa0};        /* PROC_SUPER_MAGIC */
struct fs_sb pipefs_sb = {"pipefs", 0, 5, 0, 1, 0x50495045};  /* PIPEFS_MAGIC */

struct inode *fs_root_inode;
static uint32_t next_ino = 1;

void inode_numbers_reset(void)
{
    next_ino = 1;
}

uint32_t fs_now(void)
{
    return clock_wall_sec();
}

void inode_touch(struct inode *ino)
{
    ino->mtime = ino->ctime = fs_now();
}

struct inode *inode_new(const struct fs_sb *sb, uint32_t mode)
{
    if (sb == &tmpfs_sb && tmpfs_inode_charge())
        return NULL;
    struct inode *ino = kzalloc(sizeof(*ino));

    if (!ino) {
        if (sb == &tmpfs_sb)
            tmpfs_inode_uncharge();
        return NULL;
    }
    ino->ino = next_ino++;
    ino->mode = mode;
    ino->sb = sb;
    ino->atime = ino->mtime = ino->ctime = fs_now();
    if (S_ISDIR(mode)) {
        ino->fops = &dir_fops;
        ino->u.dir.next_seq = 2; /* 0 and 1 are "." and ".." */
    }
    return ino;
}

void inode_free(struct inode *ino)
{
    if (ino->sb == &tmpfs_sb && S_ISREG(ino->mode)) {
        tmpfs_evict(ino);
    } else if (ino->sb == &tmpfs_sb && S_ISLNK(ino->mode) && ino->u.link_target) {
        kfree(ino->u.link_target);
        tmpfs_uncharge(kmalloc_size(ino->size + 1));
    } else if (ino->sb == &pipefs_sb || S_ISFIFO(ino->mode)) {
        pipe_evict(ino);
    } else if (ino->sb == &procfs_sb) {
        kfree(ino->proc_link);
    }
    if (ino->sb == &tmpfs_sb)
        tmpfs_inode_uncharge();
    kfree(ino);
}

void inode_maybe_free(struct inode *ino)
{
    if (ino->refs == 0 && (ino->nlink == 0 || ino->sb->anon) && ino != fs_root_inode)
        inode_free(ino);
}

struct inode *inode_get(struct inode *ino)
{
    if (ino)
        ino->refs++;
    return ino;
}

void inode_put(struct inode *ino)
{
    if (!ino)
        return;
    ino->refs--;
    inode_maybe_free(ino);
}

struct inode *fs_root(void)
{
    return inode_get(fs_root_inode);
}

uint64_t inode_size(const struct inode *ino)
{
    return ino->size;
}

uint32_t inode_mode(const struct inode *ino)
{
    return ino->mode;
}

long inode_pread(struct inode *ino, void *kbuf, size_t n, uint64_t off)
{
    struct iobuf b = {0, kbuf};

    if (S_ISDIR(ino->mode))
        return -EISDIR;
    if (!S_ISREG(ino->mode))
        return -EINVAL;
    if (off >= ino->size)
        return 0;
    if (n > ino->size - off)
        n = (size_t)(ino->size - off);
    if (ino->sb != &tmpfs_sb)
        return -EINVAL; /* /proc files are read through their open file */
    return tmpfs_pread(ino, &b, n, off);
}
