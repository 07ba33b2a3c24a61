/*
 * The connection slots, and the memory httpd touches once at start-up so that serving a
 * request touches nothing it has not touched before.
 *
 * Every connection's record, input and output buffers (struct conn, about 45 kB) live in one
 * array of --max-conns slots mapped at start-up (an anonymous mapping: a page is in use only once
 * written); a connection takes a free slot and gives it
 * back, with no malloc or free per connection or per request. The free slots are a stack (the
 * slot given back last is taken first), so a slot never used before is taken only when every
 * used one is busy: the slots in use so far are always the first `slots_touched`, as many as
 * the most connections ever open at once. A slot is written whole the first time it is taken,
 * so its pages are all in use from then on, whatever its requests were.
 *
 * Hence httpd's memory depends only on that peak (reported in /api/stats as
 * httpd.slots_touched, with httpd.slot_bytes): an idle server's memory is the same figure after
 * any load that did not open more connections at once than before, which the soak checks to the
 * byte (tests/net/soak.sh). With musl's malloc per connection, freed connection buffers were
 * kept or given back depending on how often their size class had "bounced", and the idle
 * server's heap moved between two figures by when it was looked at.
 *
 * prefault() rewrites one byte per page of a buffer (its own value: the content is kept): calloc's
 * memory (and .bss, and a stack not yet grown) is mapped on first touch, and a buffer filled only
 * as far as its longest content so far would grow with that content (a /proc file one digit longer
 * crossing a page).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "httpd.h"

#define PAGE 4096

static struct conn *slots;
static struct conn **free_slots; /* a stack: the slot given back last is taken first */
static int nfree;
int slots_touched;

void prefault(void *p, size_t n)
{
    volatile char *c = p;

    for (size_t i = 0; i < n; i += PAGE)
        c[i] |= 0; /* written, its value kept */
    if (n)
        c[n - 1] |= 0;
}

/* The stack's deepest frames (a file read into a 16 kB array, the /proc parsing) touched now. */
__attribute__((noinline)) static void prefault_stack(void)
{
    char deep[PREFAULT_STACK];

    prefault(deep, sizeof(deep));
    __asm__ volatile("" : : "r"(deep) : "memory");
}

int slots_init(int max)
{
    /* A mapping of its own, not calloc: musl may take a large calloc from the heap and clear it
     * all (every slot in use from the start), where fresh anonymous pages come in on use. */
    void *m = mmap(NULL, (size_t)max * sizeof(*slots), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    free_slots = calloc((size_t)max, sizeof(*free_slots));
    if (m == MAP_FAILED || !free_slots)
        return -1;
    slots = m;
    for (int i = 0; i < max; i++)
        free_slots[i] = &slots[max - 1 - i];
    nfree = max;
    prefault(free_slots, (size_t)max * sizeof(*free_slots));
    prefault_stack();
    return 0;
}

struct conn *slot_take(void)
{
    struct conn *c;

    if (nfree == 0)
        return NULL;
    c = free_slots[--nfree];
    if (c - slots >= slots_touched) { /* the first use: slots[slots_touched], by the stack */
        prefault(c, sizeof(*c));
        slots_touched = (int)(c - slots) + 1;
    }
    return c;
}

void slot_give(struct conn *c)
{
    free_slots[nfree++] = c;
}
