/*
 * Shared anonymous memory (kernel/mm/shmem.c): the frames of one MAP_SHARED anonymous mapping,
 * held by an object that every region made from it names (fork's copies, the pieces munmap and
 * mprotect cut, mremap's moves). A fault in any of them maps the object's frame for that page,
 * so a page first touched after a fork is still one page for parent and child.
 */
#ifndef GUEST_SHMEM_H
#define GUEST_SHMEM_H

#include <stdint.h>

struct shmem;

/* An object of npages pages, none allocated yet, one reference; NULL when out of memory. */
struct shmem *shmem_create(uint32_t npages);
void shmem_get(struct shmem *s);
/* Drop a reference; the last one frees the object and every frame it holds. */
void shmem_put(struct shmem *s);
uint32_t shmem_pages(const struct shmem *s); /* its size: a page past it is SIGBUS */
/* The frame of page i (< shmem_pages), zero-filled on first use; the object keeps one reference
 * of page_refs on it, a mapping takes its own. 0 when out of memory. */
uint32_t shmem_frame(struct shmem *s, uint32_t i);

#endif
