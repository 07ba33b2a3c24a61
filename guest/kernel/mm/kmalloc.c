/* kmalloc: power-of-two size classes from 16 to 2048 bytes, each a doubly linked free list of
 * blocks carved from whole pages; larger requests take contiguous pages. page_meta says which
 * is which, so kfree needs no header, and page_refs counts the blocks in use in a class page.
 * A page whose blocks are all free again goes back to the page allocator, unless its class
 * would then have less than a page's worth of free blocks left (so a class that allocates and
 * frees one block in a loop does not take and give back a page each time): memory that ring 3
 * made the kernel use (inodes, names, descriptors) comes back when ring 3 lets go of it. */
#include <pv/console.h>
#include <kernel/gfault.h>
#include <kernel/mm/kmalloc_trace.h>
#include <kernel/mm/kmem.h>
#include <kernel/mm/page.h>
#include <kernel/mm/physmap.h>
#include <lib/string.h>

#define MIN_SHIFT 4
#define NR_CLASSES 8 /* 16 ... 2048 */
#define META_LARGE 0x8000u

struct block {
    struct block *next, *prev;
};
static struct block *free_list[NR_CLASSES];
static uint32_t nr_free_blocks[NR_CLASSES];

static unsigned class_of(size_t n)
{
    unsigned c = 0;

    while (((size_t)1 << (c + MIN_SHIFT)) < n)
        c++;
    return c;
}

static size_t class_size(unsigned c)
{
    return (size_t)1 << (c + MIN_SHIFT);
}

static void push(unsigned c, struct block *b)
{
    b->prev = 0;
    b->next = free_list[c];
    if (b->next)
        b->next->prev = b;
    free_list[c] = b;
    nr_free_blocks[c]++;
}

static void unlink_block(unsigned c, struct block *b)
{
    if (b->prev)
        b->prev->next = b->next;
    else
        free_list[c] = b->next;
    if (b->next)
        b->next->prev = b->prev;
    nr_free_blocks[c]--;
}

static int refill(unsigned c)
{
    uint8_t *page = page_alloc();
    size_t size = class_size(c);

    if (!page)
        return 0;
    page_meta[virt_to_pfn(page)] = (uint16_t)(c + 1);
    page_refs[virt_to_pfn(page)] = 0;
    for (size_t off = 0; off + size <= PAGE_SIZE; off += size)
        push(c, (struct block *)(page + off));
    return 1;
}

size_t kmalloc_size(size_t n)
{
    if (n > PAGE_SIZE / 2)
        return PAGE_ALIGN(n);
    return class_size(class_of(n ? n : 1));
}

/* site: where the caller returns to, for kmalloc_trace (DEBUG=1); unused otherwise. */
static inline void *kmalloc_at(size_t n, const void *site)
{
    if (n == 0)
        n = 1;
    if (gfault_injecting() && gfault_alloc_fails(GFAULT_KMALLOC))
        return 0;
    if (n > PAGE_SIZE / 2) {
        unsigned pages = (unsigned)(PAGE_ALIGN(n) / PAGE_SIZE);
        void *p = pages_alloc(pages);
        if (p) {
            page_meta[virt_to_pfn(p)] = (uint16_t)(META_LARGE | pages);
            kmalloc_trace_alloc(p, pages * PAGE_SIZE, site);
        }
        return p;
    }
    unsigned c = class_of(n);
    if (!free_list[c] && !refill(c))
        return 0;
    struct block *b = free_list[c];
    unlink_block(c, b);
    page_refs[virt_to_pfn(b)]++;
    kmalloc_trace_alloc(b, class_size(c), site);
    return b;
}

void *kmalloc(size_t n)
{
    return kmalloc_at(n, __builtin_return_address(0));
}

void *kzalloc(size_t n)
{
    void *p = kmalloc_at(n, __builtin_return_address(0));

    if (p)
        memset(p, 0, n);
    return p;
}

/* A class page with no block in use: back to the page allocator, if the class keeps enough. */
static void maybe_release(unsigned c, uint8_t *page)
{
    uint32_t per_page = (uint32_t)(PAGE_SIZE / class_size(c));

    if (nr_free_blocks[c] < 2 * per_page)
        return;
    for (size_t off = 0; off < PAGE_SIZE; off += class_size(c))
        unlink_block(c, (struct block *)(page + off));
    page_meta[virt_to_pfn(page)] = 0;
    page_free(page);
}

void kfree(void *p)
{
    if (!p)
        return;
    uint32_t pfn = virt_to_pfn(p);
    uint16_t meta = page_meta[pfn];
    kmalloc_trace_free(p);
    if (meta & META_LARGE) {
        page_meta[pfn] = 0;
        pages_free(p, meta & ~META_LARGE);
    } else if (meta >= 1 && meta <= NR_CLASSES) {
        push(meta - 1u, p);
        if (--page_refs[pfn] == 0)
            maybe_release(meta - 1u, (uint8_t *)((uint32_t)p & ~(PAGE_SIZE - 1)));
    } else {
        printk("error: kfree(%p): not a kmalloc block\n", p);
    }
}

uint32_t kmalloc_free_bytes(void)
{
    uint32_t bytes = 0;

    for (unsigned c = 0; c < NR_CLASSES; c++)
        bytes += nr_free_blocks[c] * (uint32_t)class_size(c);
    return bytes;
}

char *kstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = kmalloc_at(n, __builtin_return_address(0));

    if (p)
        memcpy(p, s, n);
    return p;
}
