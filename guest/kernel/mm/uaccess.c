/* The checked entry points of arch/x86/uaccess.h: range first, then the fixup-protected copies of
 * arch/x86/uaccess.S. Ring 1 can read any present user page, PROT_NONE ones included (their
 * entries lack only the user bit), so once a process has used PROT_NONE, reads also check the
 * regions they cross: what ring 3 cannot read, the kernel does not read for it either. */
#include <linux/errno.h>
#include <kernel/proc.h>
#include <arch/x86/uaccess.h>
#include <kernel/mm/vm.h>

size_t __copy_user(void *dst, const void *src, size_t n);
size_t __clear_user(void *dst, size_t n);
long __strncpy_user(char *dst, const char *src, size_t size);
size_t __strnlen_user(const char *src, size_t max);

/* How many of the n bytes from addr (a checked range) ring 3 may read, by the regions. */
static size_t readable(uint32_t addr, size_t n)
{
    struct proc *p = current_proc();
    struct mm *mm = p ? p->mm : NULL;
    size_t ok = 0;

    if (!mm || !mm->prot_none)
        return n;
    while (ok < n) {
        struct vma *v = vma_find(mm, addr + (uint32_t)ok);
        if (!v || !(v->flags & (PROT_READ | PROT_WRITE | PROT_EXEC)))
            break;
        ok = v->end - addr;
    }
    return ok < n ? ok : n;
}

int copy_from_user(void *dst, uint32_t usrc, size_t n)
{
    if (!user_range_ok(usrc, n) || readable(usrc, n) < n)
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

/* The bytes a string read may look at from usrc: up to size, stopping at the end of ring 3's
 * memory and at a region it cannot read. */
static size_t string_room(uint32_t usrc, size_t size)
{
    if (usrc >= USER_TOP)
        return 0;
    return readable(usrc, size < USER_TOP - usrc ? size : USER_TOP - usrc);
}

long strncpy_from_user(char *dst, uint32_t usrc, size_t size)
{
    size_t room = string_room(usrc, size);

    if (size == 0 || room == 0)
        return -EFAULT;
    long rc = __strncpy_user(dst, (const char *)usrc, room);
    /* Cut short by the end of what may be read: that is a fault, not a long name. */
    return rc == -ENAMETOOLONG && room < size ? -EFAULT : rc;
}

size_t strnlen_user(uint32_t usrc, size_t max)
{
    size_t room = string_room(usrc, max);
    size_t len = room ? __strnlen_user((const char *)usrc, room) : 0;

    return len > room && room < max ? 0 : len;
}
