/* gfaults=lwip:N% (kernel/gfault.h): lwIP's heap fails at a rate. Every lwIP allocation goes
 * through mem_malloc (MEMP_MEM_MALLOC: the pools too, lwipopts.h): lwIP's own mem.c is compiled
 * with its mem_malloc renamed lwip_heap_malloc (guest/guest.mk), and this one stands in front of
 * it. lwIP handles a NULL from every caller (a frame dropped, ERR_MEM to the socket layer), in
 * any context, so this point fires everywhere once injection is on (after the boot's setup). */
#include <kernel/gfault.h>
#include <lwip/mem.h>

void *lwip_heap_malloc(mem_size_t size);

void *mem_malloc(mem_size_t size)
{
    if (gfault_injecting() && gfault_fire(GFAULT_LWIP))
        return NULL;
    return lwip_heap_malloc(size);
}
