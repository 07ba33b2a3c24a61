/* Kernel memory: whole pages from the direct map of the guest's memory (every guest frame is
 * mapped at GUEST_VIRT_START + pfn * 4 KB, writable unless it is a page table), and kmalloc
 * for small objects carved out of such pages. Every allocation made while the kernel works for
 * a process stops at the reserve that ring 3 never takes (kernel/mm/page_alloc.c). */
#ifndef GUEST_KMEM_H
#define GUEST_KMEM_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE 4096u
#define PAGE_SHIFT 12
#define PAGE_ALIGN(x) (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

/* One page, direct-mapped and writable, contents undefined; NULL when memory is out. */
void *page_alloc(void);
void *page_alloc_zeroed(void);
void page_free(void *va);
/* n physically contiguous pages (kernel stacks); NULL when no such run is free. */
void *pages_alloc(unsigned n);
void pages_free(void *va, unsigned n);
uint32_t page_free_count(void);    /* pages the allocator can still hand out */
uint32_t page_total_count(void);   /* pages it manages in all */
uint32_t page_reserve_count(void); /* free pages an allocation for ring 3 leaves alone */

/* Small objects, 8-byte aligned (sizes above 2 KB take whole pages); NULL when out. */
void *kmalloc(size_t n);
void *kzalloc(size_t n);
void kfree(void *p);           /* NULL is fine */
char *kstrdup(const char *s);  /* a kmalloc'd copy, or NULL */
size_t kmalloc_size(size_t n); /* the memory kmalloc(n) takes: its size class, or whole pages */
/* Bytes of free blocks kmalloc keeps in its class pages (memory free, but not the allocator's). */
uint32_t kmalloc_free_bytes(void);

#endif
