/* Ring-3 memory from the kernel: a user address is an integer until one of these helpers has
 * checked it (below USER_TOP, no wrap-around) and touched it under the exception-fixup table,
 * so a bad pointer gives -EFAULT and never a kernel fault. Pages not yet present (demand
 * paging, copy-on-write) are faulted in on the way, as for ring 3 itself. */
#ifndef GUEST_UACCESS_H
#define GUEST_UACCESS_H

#include <stddef.h>
#include <stdint.h>

#define USER_TOP 0xC0000000u /* ring 3 owns [0, USER_TOP) */

static inline int user_range_ok(uint32_t addr, size_t n)
{
    return addr < USER_TOP && n <= USER_TOP - addr;
}

int copy_from_user(void *dst, uint32_t usrc, size_t n); /* 0 or -EFAULT */
int copy_to_user(uint32_t udst, const void *src, size_t n);
int clear_user(uint32_t udst, size_t n);
/* A NUL-terminated string of at most size-1 bytes: its length, -EFAULT, or -ENAMETOOLONG. */
long strncpy_from_user(char *dst, uint32_t usrc, size_t size);
/* The length of a string with its NUL; max + 1 when there is no NUL in the first max bytes; 0
 * when it cannot be read that far (a fault, the end of ring 3's memory, a PROT_NONE region). */
size_t strnlen_user(uint32_t usrc, size_t max);

#endif
