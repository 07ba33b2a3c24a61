/*
 * The connection slots, and the memory httpd touches once at start-up so that serving a
 * request touches nothing it has not touched before.
 *
 * Every connection's record, input and output buffers (struct conn, about 45 kB) live in one
 * array of --max-conns slots mapped at start-up (appliance/include/slots.h: a stack of free
 * slots, each written whole the first time it is taken); a connection takes a free slot and
 * gives it back, with no malloc or free per connection or per request.
 *
 * Hence httpd's memory depends only on its peak of connections open at once (reported in
 * /api/stats as httpd.slots_touched, with httpd.slot_bytes): an idle server's memory is the same
 * figure after any load that did not open more connections at once than before, which the soak
 * checks to the byte (tests/net/soak.sh). With musl's malloc per connection, freed connection
 * buffers were kept or given back depending on how often their size class had "bounced", and
 * the idle server's heap moved between two figures by when it was looked at.
 *
 * prefault() (slots.h) also touches the static buffers and the stack: a buffer filled only as far
 * as its longest content so far would grow with that content (a /proc file one digit longer
 * crossing a page).
 */
#include "httpd.h"

static struct slots conn_slots;

/* The stack's deepest frames (a file read into a 16 kB array, the /proc parsing) touched now. */
__attribute__((noinline)) static void prefault_stack(void)
{
    char deep[PREFAULT_STACK];

    prefault(deep, sizeof(deep));
    __asm__ volatile("" : : "r"(deep) : "memory");
}

int slots_init(int max)
{
    if (slots_setup(&conn_slots, max, sizeof(struct conn)))
        return -1;
    prefault_stack();
    return 0;
}

int slots_touched(void)
{
    return conn_slots.touched;
}

struct conn *slot_take(void)
{
    return slots_take(&conn_slots);
}

void slot_give(struct conn *c)
{
    slots_give(&conn_slots, c);
}
