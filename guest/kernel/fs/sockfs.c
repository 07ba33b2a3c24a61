/* Sockets' files (guest/net/): an anonymous S_IFSOCK inode per socket, freed with its last file,
 * so that fstat, poll, dup, fork and close treat a socket as any other descriptor. */
#include "fs_impl.h"

struct fs_sb sockfs_sb = {"sockfs", 0, 6, 0, 1, 0x534F434B}; /* SOCKFS_MAGIC */

struct file *file_open_socket(const struct file_ops *ops, uint32_t flags, void *priv, long *err)
{
    struct inode *ino = inode_new(&sockfs_sb, S_IFSOCK | 0777);
    struct file *f;

    if (!ino) {
        *err = -ENOMEM;
        return NULL;
    }
    f = file_open(inode_get(ino), ops, O_RDWR | flags, err);
    if (f)
        f->priv = priv;
    return f;
}

int file_is_socket(const struct file *f, const struct file_ops *ops)
{
    return f->inode->sb == &sockfs_sb && f->ops == ops;
}
