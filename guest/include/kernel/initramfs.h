/* Reading the initramfs module: a cpio archive in the "newc" format. */
#ifndef GUEST_INITRAMFS_H
#define GUEST_INITRAMFS_H

#include <stddef.h>
#include <stdint.h>

struct cpio_entry {
    const char *name; /* NUL-terminated, inside the archive */
    uint32_t mode;
    const void *data;
    uint32_t size;
    uint32_t mtime; /* seconds since 1970 */
};

/* Nonzero when the buffer starts with the newc magic "070701". */
int cpio_is_newc(const void *base, size_t len);

/* Call fn for every entry before "TRAILER!!!". Returns the number of entries, or -1 when the
 * archive is corrupt or truncated (*bad_off, if given, says where); never reads outside
 * [base, base + len). A nonzero return from fn stops the walk early (the count so far). */
int cpio_walk(const void *base, size_t len, int (*fn)(const struct cpio_entry *, void *), void *arg,
              size_t *bad_off);

#endif
