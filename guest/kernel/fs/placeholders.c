/* Link-time stand-ins for kmem.h, uaccess.h and kstats until the process and memory core
 * lands: weak, so the real definitions replace them without a conflict. Each fails safely
 * (NULL, -EFAULT) and says so once. Delete this file when the core is merged. */
#include <stddef.h>
#include <guest/console.h>
#include <guest/kmem.h>
#include <guest/kstats.h>
#include <guest/uaccess.h>
#include <linux/errno.h>

#define WEAK __attribute__((weak))

static void missing(const char *what)
{
    static int said;

    if (!said++)
        printk("fs: %s called before the memory core exists\n", what);
}

WEAK struct kstats kstats;

WEAK void *page_alloc(void)
{
    missing("page_alloc");
    return NULL;
}
WEAK void *page_alloc_zeroed(void)
{
    missing("page_alloc_zeroed");
    return NULL;
}
WEAK void page_free(void *va)
{
    (void)va;
}
WEAK void *pages_alloc(unsigned n)
{
    (void)n;
    missing("pages_alloc");
    return NULL;
}
WEAK void pages_free(void *va, unsigned n)
{
    (void)va, (void)n;
}
WEAK uint32_t page_free_count(void)
{
    return 0;
}
WEAK uint32_t page_total_count(void)
{
    return 0;
}
WEAK void *kmalloc(size_t n)
{
    (void)n;
    missing("kmalloc");
    return NULL;
}
WEAK void *kzalloc(size_t n)
{
    (void)n;
    missing("kzalloc");
    return NULL;
}
WEAK void kfree(void *p)
{
    (void)p;
}
WEAK int copy_from_user(void *dst, uint32_t usrc, size_t n)
{
    (void)dst, (void)usrc, (void)n;
    return -EFAULT;
}
WEAK int copy_to_user(uint32_t udst, const void *src, size_t n)
{
    (void)udst, (void)src, (void)n;
    return -EFAULT;
}
WEAK int clear_user(uint32_t udst, size_t n)
{
    (void)udst, (void)n;
    return -EFAULT;
}
WEAK long strncpy_from_user(char *dst, uint32_t usrc, size_t size)
{
    (void)dst, (void)usrc, (void)size;
    return -EFAULT;
}
