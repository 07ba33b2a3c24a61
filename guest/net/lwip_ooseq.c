/* When lwIP throws away out-of-order TCP data for want of memory.
 *
 * lwIP's answer to a failed pbuf allocation from its pool (PBUF_POOL_FREE_OOSEQ, on by default)
 * is to free the whole out-of-order queue of the first connection that has one, at the next
 * sys_check_timeouts. Its pools are small fixed arrays, where that is the memory there is. Ours
 * all come from one 6 MB heap (MEMP_MEM_MALLOC, lwipopts.h), so one failed allocation -- a
 * received frame copied (netfront.c) while the heap is nearly all free, or an injected one
 * (gfaults=lwip) -- threw away up to a window of data the peer had delivered: everything after
 * the hole had to come again, and a BSD-style sender (QEMU's user network) resends that only on
 * its retransmission timer (1.5 s a time). At 1% a 4 MB upload took a minute (net-faults' sink,
 * "30 s without progress"). A single frame lost costs one fast retransmit; a queue lost costs a
 * timeout and every segment behind the hole.
 *
 * Linux prunes a socket's out-of-order queue only under memory pressure (over its receive
 * buffer, or TCP's global limit), never because one allocation failed. So do we: lwIP's
 * pbuf_free_ooseq is compiled under another name (guest/guest.mk) and this one, which
 * sys_check_timeouts calls when an allocation failed, lets it prune only while the heap is
 * really short (less than an eighth of it free); otherwise the failure cost the frame, no more.
 */
#include <lwip/opt.h>
#include <lwip/pbuf.h>
#include <lwip/stats.h>

void lwip_pbuf_free_ooseq(void);

#define SHORT_BELOW (MEM_SIZE / 8) /* bytes free in lwIP's heap under which it is short */

void pbuf_free_ooseq(void)
{
    mem_size_t used = lwip_stats.mem.used, avail = lwip_stats.mem.avail;

    if (avail - used < SHORT_BELOW || used > avail) {
        lwip_pbuf_free_ooseq(); /* lwIP's: one connection's queue, and the request cleared */
        return;
    }
    pbuf_free_ooseq_pending = 0;
}
