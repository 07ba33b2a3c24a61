/*
 * Shared anonymous memory objects. The frames are found through a table of pfns one kernel page
 * per 4 MB of the object (made on the first touch in it), so an object costs its header until
 * its pages are used. The object owns one reference of page_refs per frame and every mapping
 * one more: unmapping only drops the mapping's, and the frames go with the object's last region.
 */
#include <arch/x86/context.h>
#include <kernel/mm/kmem.h>
#include <kernel/mm/page.h>
#include <kernel/mm/physmap.h>
#include <kernel/mm/shmem.h>
#include <lib/string.h>

#define PFNS_PER_CHUNK 1024u /* pfns in one table page */

struct shmem {
    uint32_t refs;      /* regions that name it */
    uint32_t npages;    /* fixed when it is made: mremap may grow a region past it */
    uint32_t *chunks[]; /* page i at chunks[i / 1024][i % 1024]; 0 = not touched yet */
};

static uint32_t nr_chunks(uint32_t npages)
{
    return (npages + PFNS_PER_CHUNK - 1) / PFNS_PER_CHUNK;
}

struct shmem *shmem_create(uint32_t npages)
{
    struct shmem *s = kzalloc(sizeof(*s) + nr_chunks(npages) * sizeof(s->chunks[0]));

    if (s) {
        s->refs = 1;
        s->npages = npages;
    }
    return s;
}

void shmem_get(struct shmem *s)
{
    s->refs++;
}

void shmem_put(struct shmem *s)
{
    if (--s->refs)
        return;
    for (uint32_t c = 0; c < nr_chunks(s->npages); c++) {
        if (!s->chunks[c])
            continue;
        for (uint32_t i = 0; i < PFNS_PER_CHUNK; i++)
            if (s->chunks[c][i])
                pfn_put(s->chunks[c][i]);
        pfn_release(virt_to_pfn(s->chunks[c]));
    }
    kfree(s);
}

uint32_t shmem_pages(const struct shmem *s)
{
    return s->npages;
}

uint32_t shmem_frame(struct shmem *s, uint32_t i)
{
    uint32_t **chunk = &s->chunks[i / PFNS_PER_CHUNK];

    if (!*chunk) {
        uint32_t pfn = pfn_alloc_kernel();
        if (!pfn)
            return 0;
        *chunk = pfn_to_virt(pfn);
        memset(*chunk, 0, PAGE_SIZE);
    }
    uint32_t *slot = &(*chunk)[i % PFNS_PER_CHUNK];
    if (!*slot) {
        uint32_t pfn = pfn_alloc_user();
        if (!pfn)
            return 0;
        if (!fpu_zero_page(pfn_to_virt(pfn)))
            memset(pfn_to_virt(pfn), 0, PAGE_SIZE);
        *slot = pfn;
    }
    return *slot;
}
