/*
 * A TCP pcb allocated before lwIP's tcp_alloc asks for one, so that lwIP never meets a failed
 * pcb allocation.
 *
 * When tcp_alloc cannot allocate a pcb it makes room by force before each of four more tries:
 * it sends the FINs still pending, ends the oldest TIME-WAIT connection, then abandons the oldest
 * connection in LAST-ACK and the oldest in CLOSING without a word to their peers ("no data is
 * lost", says lwIP, but both may still hold data and a FIN the peer has not acknowledged: the
 * peer's next segment meets a reset), then the oldest of a lower priority. That is a policy for a
 * fixed pool that is full. Ours come from the heap (MEMP_MEM_MALLOC), where a failure says
 * nothing about the pcbs in use (a heap a peer has filled, or gfaults=lwip): two failures in a
 * row ended another connection. Linux drops the SYN (or fails socket()) and leaves every other
 * connection alone.
 *
 * So the two places where pcbs are made, a SYN reaching a listener (tcp_synretry.c) and socket()
 * (tcp_sock.c), allocate one here first, where a failure has a clean answer (the SYN kept for its
 * replay; ENOBUFS). lwIP's tcp.c is compiled with memp_malloc renamed (guest/guest.mk), and its
 * tcp_alloc takes the reserved pcb. The bound on pcbs in use (MEMP_NUM_TCP_PCB) is
 * tcp_timewait.c's.
 */
#include <lwip/memp.h>
#include "tcp_retry.h"

void *tcp_memp_malloc(memp_t type);

static void *reserved;

int tcp_pcb_reserve(void)
{
    if (!reserved)
        reserved = memp_malloc(MEMP_TCP_PCB);
    return reserved ? 0 : -1;
}

void tcp_pcb_unreserve(void)
{
    if (reserved) {
        memp_free(MEMP_TCP_PCB, reserved);
        reserved = NULL;
    }
}

void *tcp_memp_malloc(memp_t type)
{
    void *p = reserved;

    if (type != MEMP_TCP_PCB || !p)
        return memp_malloc(type);
    reserved = NULL;
    return p;
}
