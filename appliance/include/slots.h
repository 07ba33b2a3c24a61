/* slots.h: records taken and given back with no malloc, for the services whose memory must depend
 * only on their peak load: httpd's connections (appliance/httpd/slots.c) and echod's.
 *
 * Every record lives in one array of `max` slots mapped at start-up (an anonymous mapping: a page
 * is in use only once written). The free slots are a stack (the slot given back last is taken
 * first), so a slot never used before is taken only when every used one is busy: the slots in use
 * so far are always the first `touched`, as many as the most records ever in use at once. A slot
 * is written whole the first time it is taken, so its pages are all in use from then on,
 * whatever it was used for. An idle service's memory is then the same after any load that did
 * not hold more records at once than before, which the soak checks to the byte
 * (tests/net/soak.sh); with musl's malloc per record, freed buffers were kept or given back
 * depending on how the records had overlapped. */
#ifndef SLOTS_H
#define SLOTS_H

#include <stdlib.h>
#include <sys/mman.h>

/* Rewrite one byte per page of [p, p + n), its own value (the content is kept): memory mapped on
 * first touch (calloc's, .bss, a stack not yet grown) is in use from now on. */
static inline void prefault(void *p, size_t n)
{
    volatile char *c = p;

    for (size_t i = 0; i < n; i += 4096)
        c[i] |= 0;
    if (n)
        c[n - 1] |= 0;
}

struct slots {
    char *base;
    size_t size; /* bytes a slot */
    void **free; /* a stack: the slot given back last is taken first */
    int nfree;
    int touched; /* slots used so far: the most ever in use at once */
};

/* max slots of size bytes each: 0, or -1 when out of memory. */
static inline int slots_setup(struct slots *s, int max, size_t size)
{
    /* A mapping of its own, not calloc: musl may take a large calloc from the heap and clear it
     * all (every slot in use from the start), where fresh anonymous pages come in on use. */
    void *m =
        mmap(NULL, (size_t)max * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    s->free = calloc((size_t)max, sizeof(*s->free));
    if (m == MAP_FAILED || !s->free)
        return -1;
    s->base = m;
    s->size = size;
    for (int i = 0; i < max; i++)
        s->free[i] = s->base + (size_t)(max - 1 - i) * size;
    s->nfree = max;
    s->touched = 0;
    prefault(s->free, (size_t)max * sizeof(*s->free));
    return 0;
}

/* A free slot, or NULL when every one is taken. */
static inline void *slots_take(struct slots *s)
{
    if (s->nfree == 0)
        return NULL;
    char *c = s->free[--s->nfree];
    int index = (int)((size_t)(c - s->base) / s->size);
    if (index >= s->touched) { /* the first use: slot `touched`, by the stack */
        prefault(c, s->size);
        s->touched = index + 1;
    }
    return c;
}

static inline void slots_give(struct slots *s, void *slot)
{
    s->free[s->nfree++] = slot;
}

#endif
