/* The checked entry points of guest/uaccess.h: range first, then the fixup-protected copies of
 * arch/x86/uaccess.S. */
#include <linux/errno.h>
#include <guest/uaccess.h>

size_t __copy_user(void *dst, const void *src, size_t n);
size_t __clear_user(void *dst, size_t n);
long __strncpy_user(char *dst, const char *src, size_t size);

int copy_from_user(void *dst, uint32_t usrc, size_t n)
{
    if (!user_range_ok(usrc, n))
        return -EFAULT;
    return __copy_user(dst, (const void *)usrc, n) ? -EFAULT : 0;
}

int copy_to_user(uint32_t udst, const void *src, size_t n)
{
    if (!user_range_ok(udst, n))
        return -EFAULT;
    return __copy_user((void *)udst, src, n) ? -EFAULT : 0;
}

int clear_user(uint32_t udst, size_t n)
{
    if (!user_range_ok(udst, n))
        return -EFAULT;
    return __clear_user((void *)udst, n) ? -EFAULT : 0;
}

long strncpy_from_user(char *dst, uint32_t usrc, size_t size)
{
    if (size == 0 || usrc >= USER_TOP)
        return -EFAULT;
    if (size > USER_TOP - usrc)
        size = USER_TOP - usrc; /* stop at the kernel, not inside it */
    return __strncpy_user(dst, (const char *)usrc, size);
}
