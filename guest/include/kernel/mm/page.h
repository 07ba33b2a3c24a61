/* Frames by number (kernel/mm/page_alloc.c): the allocator under kmem.h's pages, and the
 * reference counts of frames mapped into address spaces (shared by fork's copy-on-write). */
#ifndef GUEST_PAGE_H
#define GUEST_PAGE_H

#include <stdint.h>

void page_alloc_init(void); /* after physmap_init */
/* A free frame, refs 0 (the kernel's own use); 0 when none may be taken now (the reserve). */
uint32_t pfn_alloc_kernel(void);
/* The same for a frame mapped into ring 3: refs 1. */
uint32_t pfn_alloc_user(void);
void pfn_release(uint32_t pfn); /* back to the free pool, whatever its count */
void pfn_put(uint32_t pfn);     /* drop one reference; freed at 0 */

/* gfaults= (kernel/gfault.h): may this allocation fail now, and does it? Only for a process
 * other than init, outside event handlers, while gfault_hold is 0 (no page fault being resolved);
 * or the one a process armed through /proc/<pid>/fail-nth (init too).
 */
enum gfault_point;
int gfault_alloc_fails(enum gfault_point p);
extern unsigned gfault_hold;

extern uint16_t *page_refs; /* per pfn: mappings of a ring-3 frame; blocks used of a kmalloc page */
extern uint16_t *page_meta; /* per pfn: kmalloc's size class of a kernel page */
extern uint16_t *pt_used; /* per pfn of a process's L1: its chunks that hold entries (pgtable.h) */

static inline void pfn_get(uint32_t pfn)
{
    page_refs[pfn]++;
}

#endif
