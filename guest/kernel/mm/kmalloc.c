/* kmalloc: power-of-two size classes from 16 to 2048 bytes, each a free list of blocks carved
 * from whole pages; larger requests take contiguous pages. page_meta says which is which, so
 * kfree needs no header. Pages of a class are not returned (the classes stay warm). */
#include <guest/console.h>
#include <guest/kmem.h>
#include <guest/page.h>
#include <guest/physmap.h>
#include <lib/string.h>

#define MIN_SHIFT 4
#define NR_CLASSES 8 /* 16 ... 2048 */
#define META_LARGE 0x8000u

struct block {
    struct block *next;
};
static struct block *free_list[NR_CLASSES];

static unsigned class_of(size_t n)
{
    unsigned c = 0;

    while (((size_t)1 << (c + MIN_SHIFT)) < n)
        c++;
    return c;
}

static int refill(unsigned c)
{
    uint8_t *page = page_alloc();
    size_t size = (size_t)1 << (c + MIN_SHIFT);

    if (!page)
        return 0;
    page_meta[virt_to_pfn(page)] = (uint16_t)(c + 1);
    for (size_t off = 0; off + size <= PAGE_SIZE; off += size) {
        struct block *b = (struct block *)(page + off);
        b->next = free_list[c];
        free_list[c] = b;
    }
    return 1;
}

void *kmalloc(size_t n)
{
    if (n == 0)
        n = 1;
    if (n > PAGE_SIZE / 2) {
        unsigned pages = (unsigned)(PAGE_ALIGN(n) / PAGE_SIZE);
        void *p = pages_alloc(pages);
        if (p)
            page_meta[virt_to_pfn(p)] = (uint16_t)(META_LARGE | pages);
        return p;
    }
    unsigned c = class_of(n);
    if (!free_list[c] && !refill(c))
        return 0;
    struct block *b = free_list[c];
    free_list[c] = b->next;
    return b;
}

void *kzalloc(size_t n)
{
    void *p = kmalloc(n);

    if (p)
        memset(p, 0, n);
    return p;
}

void kfree(void *p)
{
    if (!p)
        return;
    uint16_t meta = page_meta[virt_to_pfn(p)];
    if (meta & META_LARGE) {
        page_meta[virt_to_pfn(p)] = 0;
        pages_free(p, meta & ~META_LARGE);
    } else if (meta >= 1 && meta <= NR_CLASSES) {
        struct block *b = p;
        b->next = free_list[meta - 1];
        free_list[meta - 1] = b;
    } else {
        printk("error: kfree(%p): not a kmalloc block\n", p);
    }
}
