/* kmalloc_trace: each live kmalloc block's call site, listed by /proc/kmalloc_sites (DEBUG=1
 * builds only; kernel/mm/kmalloc_trace.c). Without DEBUG the hooks are empty inlines. */
#ifndef GUEST_KMALLOC_TRACE_H
#define GUEST_KMALLOC_TRACE_H

#include <stddef.h>

#ifdef DEBUG
void kmalloc_trace_alloc(const void *p, size_t size, const void *site);
void kmalloc_trace_free(const void *p);
void kmalloc_trace_init(void); /* registers /proc/kmalloc_sites (after the fs is up) */
#else
static inline void kmalloc_trace_alloc(const void *p, size_t size, const void *site)
{
    (void)p, (void)size, (void)site;
}
static inline void kmalloc_trace_free(const void *p)
{
    (void)p;
}
static inline void kmalloc_trace_init(void)
{
}
#endif

#endif
