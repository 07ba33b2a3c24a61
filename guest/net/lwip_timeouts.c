/* lwIP's timeouts from a pool of their own, not its heap. sys_timeout cannot fail (it returns
 * nothing; lwIP asserts on a NULL, and a cyclic timer that missed its re-arm would stop for
 * good: TCP's timers, ARP, reassembly, DHCP), but with MEMP_MEM_MALLOC its objects came from the
 * heap that a remote peer can fill and that gfaults=lwip fails. lwIP's timeouts.c is compiled with
 * memp_malloc/memp_free renamed to these (guest/guest.mk; it allocates nothing else). At most
 * MEMP_NUM_SYS_TIMEOUT are live at once (each module keeps one; a cyclic timer frees its own
 * before it re-arms): the pool holds that many and a few more; past it, the heap as before. */
#include <lwip/opt.h>
#include <netif/ppp/ppp_opts.h> /* PPP_NUM_TIMEOUTS, in MEMP_NUM_SYS_TIMEOUT */
#include <lwip/memp.h>
#include <lwip/timeouts.h>

void *lwip_timeout_alloc(memp_t type);
void lwip_timeout_free(memp_t type, void *mem);

#define POOL (MEMP_NUM_SYS_TIMEOUT + 8)

static struct sys_timeo pool[POOL];
static struct sys_timeo *free_list;
static int ready;

void *lwip_timeout_alloc(memp_t type)
{
    if (!ready) {
        for (unsigned i = 0; i < POOL; i++) {
            pool[i].next = free_list;
            free_list = &pool[i];
        }
        ready = 1;
    }
    struct sys_timeo *t = free_list;
    if (type != MEMP_SYS_TIMEOUT || !t)
        return memp_malloc(type);
    free_list = t->next;
    return t;
}

void lwip_timeout_free(memp_t type, void *mem)
{
    struct sys_timeo *t = mem;

    if (t < pool || t >= pool + POOL) {
        memp_free(type, mem);
        return;
    }
    t->next = free_list;
    free_list = t;
}
