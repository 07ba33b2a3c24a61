/*
 * Page frames: a bitmap of the free frames above the bootstrap region, searched from a moving
 * hint, and two small arrays per frame: a reference count for frames mapped into address
 * spaces (copy-on-write shares them; kmalloc's blocks in use for its pages) and kmalloc's note
 * of what a kernel page holds. The arrays themselves take the top frames of the managed range.
 *
 * The reserve. Whatever the kernel allocates while it works for a process (a system call, a
 * fault: user pages, page tables, file data, inodes, pipe buffers, descriptors...) is ring 3's
 * doing, and such an allocation fails once free memory is down to the reserve; init (pid 1)
 * may go down to half of it, so that it can still fork and clean up; only the kernel on its own
 * (boot, kernel threads, event handlers) takes the rest. The reserve follows Linux's
 * min_free_kbytes: sqrt(16 * memory in KB), at least 128 KB.
 *
 * Fault injection (gfaults=, kernel/gfault.h) fails the allocations that the reserve can fail:
 * those made for a process, outside event handlers; and as init may go deeper into the reserve
 * so that it can always fork and clean up, init is spared. Not the frames a page fault takes
 * either (gfault_hold): a fault without a page is the OOM killer's, for a real shortage;
 * injected, it would kill the biggest process rather than return an error (Linux's
 * fail_page_alloc leaves user pages alone by default too).
 */
#include <linux/errno.h>
#include <pv/console.h>
#include <pv/events.h>
#include <kernel/gfault.h>
#include <kernel/mm/kmem.h>
#include <kernel/mm/page.h>
#include <kernel/mm/physmap.h>
#include <kernel/proc.h>
#include <lib/string.h>

static uint32_t *free_bits;
static uint32_t lo, hi; /* managed frames [lo, hi) */
static uint32_t nr_free, nr_total, hint, reserve;
uint16_t *page_refs;
uint16_t *page_meta;
uint16_t *pt_used;

static inline int is_free(uint32_t pfn)
{
    return (free_bits[(pfn - lo) >> 5] >> ((pfn - lo) & 31)) & 1;
}
static inline void mark_free(uint32_t pfn)
{
    free_bits[(pfn - lo) >> 5] |= 1u << ((pfn - lo) & 31);
}
static inline void mark_used(uint32_t pfn)
{
    free_bits[(pfn - lo) >> 5] &= ~(1u << ((pfn - lo) & 31));
}

void page_alloc_init(void)
{
    uint32_t n = physmap.reserved_lo - physmap.first_free;
    uint32_t bytes = PAGE_ALIGN(((n + 31) / 32) * 4) + PAGE_ALIGN(physmap.nr_pages * 2) * 3;

    lo = physmap.first_free;
    hi = physmap.reserved_lo - bytes / PAGE_SIZE;
    free_bits = pfn_to_virt(hi);
    page_refs = (uint16_t *)((uint8_t *)free_bits + PAGE_ALIGN(((n + 31) / 32) * 4));
    page_meta = (uint16_t *)((uint8_t *)page_refs + PAGE_ALIGN(physmap.nr_pages * 2));
    pt_used = (uint16_t *)((uint8_t *)page_meta + PAGE_ALIGN(physmap.nr_pages * 2));
    memset(free_bits, 0, bytes);
    for (uint32_t pfn = lo; pfn < hi; pfn++)
        mark_free(pfn);
    nr_free = nr_total = hi - lo;
    hint = lo;
    uint32_t kb = nr_total * 4, root = 0;
    while ((root + 1) * (root + 1) <= kb * 16)
        root++;
    reserve = (root < 128 ? 128 : root) / 4;
    printk("memory: %u pages free for the kernel and ring 3 (%u KB), %u kept from ring 3\n",
           nr_free, nr_free * 4, reserve);
}

/* How far free memory may go down for an allocation made now (see the top). */
static uint32_t floor_now(void)
{
    const struct proc *p = current ? current->proc : 0;

    if (!p || evtchn_stats.depth)
        return 0;
    return p->pid == 1 ? reserve / 2 : reserve;
}

unsigned gfault_hold;

/* A process's own /proc/<pid>/fail-nth comes first, init's too (it asked); then the rates. */
int gfault_alloc_fails(enum gfault_point p)
{
    struct proc *q = current ? current->proc : 0;

    if (!q || evtchn_stats.depth || gfault_hold)
        return 0;
    if (q->fail_nth && --q->fail_nth == 0) {
        gfault_injected[p]++;
        return 1;
    }
    return q->pid != 1 && gfault_fire(p);
}

uint32_t page_reserve_count(void)
{
    return reserve;
}

/* Lowest free frame at or after the hint, wrapping once. */
static uint32_t find_free(void)
{
    uint32_t words = (hi - lo + 31) / 32, start = (hint - lo) >> 5;

    for (uint32_t k = 0; k < words; k++) {
        uint32_t w = (start + k) % words, bits = free_bits[w];
        if (bits) {
            uint32_t pfn = lo + w * 32 + (uint32_t)__builtin_ctz(bits);
            if (pfn < hi)
                return pfn;
        }
    }
    return 0;
}

uint32_t pfn_alloc_kernel(void)
{
    uint32_t pfn = nr_free > floor_now() ? find_free() : 0;

    if (!pfn || (gfault_injecting() && gfault_alloc_fails(GFAULT_PAGE)))
        return 0;
    mark_used(pfn);
    nr_free--;
    hint = pfn;
    page_refs[pfn] = 0;
    page_meta[pfn] = 0;
    return pfn;
}

uint32_t pfn_alloc_user(void)
{
    uint32_t pfn = pfn_alloc_kernel();
    if (pfn)
        page_refs[pfn] = 1;
    return pfn;
}

void pfn_release(uint32_t pfn)
{
    if (pfn < lo || pfn >= hi || is_free(pfn)) {
        printk("error: freeing frame %#x twice or outside the pool\n", pfn);
        return;
    }
    mark_free(pfn);
    nr_free++;
}

void pfn_put(uint32_t pfn)
{
    if (page_refs[pfn] == 0 || --page_refs[pfn] == 0)
        pfn_release(pfn);
}

void *page_alloc(void)
{
    uint32_t pfn = pfn_alloc_kernel();

    return pfn ? pfn_to_virt(pfn) : 0;
}

void *page_alloc_zeroed(void)
{
    void *p = page_alloc();

    if (p)
        memset(p, 0, PAGE_SIZE);
    return p;
}

void page_free(void *va)
{
    if (va)
        pfn_release(virt_to_pfn(va));
}

void *pages_alloc(unsigned n)
{
    uint32_t run = 0;

    if (n == 1)
        return page_alloc();
    if (nr_free < n || nr_free - n < floor_now())
        return 0;
    if (gfault_injecting() && gfault_alloc_fails(GFAULT_PAGE))
        return 0;
    for (uint32_t pfn = lo; pfn < hi; pfn++) {
        run = is_free(pfn) ? run + 1 : 0;
        if (run == n) {
            uint32_t first = pfn + 1 - n;
            for (uint32_t p = first; p <= pfn; p++) {
                mark_used(p);
                page_refs[p] = page_meta[p] = 0;
            }
            nr_free -= n;
            return pfn_to_virt(first);
        }
    }
    return 0;
}

void pages_free(void *va, unsigned n)
{
    uint32_t first = virt_to_pfn(va);

    for (uint32_t p = first; p < first + n; p++)
        pfn_release(p);
}

uint32_t page_free_count(void)
{
    return nr_free;
}

uint32_t page_total_count(void)
{
    return nr_total;
}
