/* gfaults=lwip:N% (kernel/gfault.h): lwIP's heap fails at a rate. Every lwIP allocation goes
 * through mem_malloc (MEMP_MEM_MALLOC: the pools too, lwipopts.h): lwIP's own mem.c is compiled
 * with its mem_malloc renamed lwip_heap_malloc (guest/guest.mk), and this one stands in front of
 * it. lwIP handles a NULL from every caller (a frame dropped, ERR_MEM to the socket layer), in
 * any context, so this point fires everywhere once injection is on (after the boot's setup).
 *
 * /proc/sys/ringvisor/lwip_fail (root's, 0644) takes the chance out for TCP's control segments:
 * "timer N" fails the next N allocations lwIP makes in TCP's timer (delayed ACKs, retransmissions),
 * "syn N" the next N made while a SYN reaches TCP (the new connection, its SYN-ACK); "SITE N K"
 * lets K allocations there succeed first. Those run in the net thread or in whichever system call
 * delivered a loopback SYN, where a process's fail-nth cannot reach. Reading it gives what is
 * left of each count ("SITE N K"). Every process runs as root here, so the file takes writes
 * only when the guest was booted with gfaults= (lwip:0% will do): otherwise -EPERM, and no
 * process can make another's connections fail. */
#include <kernel/gfault.h>
#include <kernel/fs/fs.h>
#include <lib/format.h>
#include <lib/string.h>
#include <linux/errno.h>
#include <lwip/mem.h>
#include "lwip_faults.h"

void *lwip_heap_malloc(mem_size_t size);

enum lwip_site lwip_site;
static uint32_t fail_next[LWIP_SITES], skip_next[LWIP_SITES];
static const char *const site_names[LWIP_SITES] = {"other", "timer", "syn"};

static int site_fails(void)
{
    if (!fail_next[lwip_site])
        return 0;
    if (skip_next[lwip_site]) {
        skip_next[lwip_site]--;
        return 0;
    }
    fail_next[lwip_site]--;
    gfault_injected[GFAULT_LWIP]++;
    return 1;
}

void *mem_malloc(mem_size_t size)
{
    if (gfault_injecting() && (site_fails() || gfault_fire(GFAULT_LWIP)))
        return NULL;
    return lwip_heap_malloc(size);
}

static int fail_gen(char *buf, size_t size)
{
    return snprintf(buf, size, "timer %u %u\nsyn %u %u\n", (unsigned)fail_next[LWIP_SITE_TIMER],
                    (unsigned)skip_next[LWIP_SITE_TIMER], (unsigned)fail_next[LWIP_SITE_SYN],
                    (unsigned)skip_next[LWIP_SITE_SYN]);
}

/* A decimal up to 1000000 at *i in buf[0, n), up to a space or the end: 0, or -EINVAL. */
static int number(const char *buf, size_t n, size_t *i, uint32_t *out)
{
    uint32_t v = 0;
    size_t from = *i;

    for (; *i < n && buf[*i] != ' '; (*i)++) {
        if (buf[*i] < '0' || buf[*i] > '9' || v > 100000)
            return -EINVAL;
        v = v * 10 + (uint32_t)(buf[*i] - '0');
    }
    if (*i == from || v > 1000000)
        return -EINVAL;
    *out = v;
    return 0;
}

/* "SITE N" or "SITE N K" (SITE timer or syn; N and K decimals up to 1000000; N 0 disarms), an
 * optional newline. */
static int fail_write(const char *buf, size_t n)
{
    unsigned site, len = 0;
    uint32_t v, k = 0;
    size_t i;

    if (!gfault_given)
        return -EPERM;
    if (n && buf[n - 1] == '\n')
        n--;
    for (site = LWIP_SITE_TIMER; site < LWIP_SITES; site++) {
        len = (unsigned)strlen(site_names[site]);
        if (n > len + 1 && !memcmp(buf, site_names[site], len) && buf[len] == ' ')
            break;
    }
    if (site == LWIP_SITES)
        return -EINVAL;
    i = len + 1;
    if (number(buf, n, &i, &v))
        return -EINVAL;
    if (i < n) {
        i++;
        if (number(buf, n, &i, &k) || i != n)
            return -EINVAL;
    }
    fail_next[site] = v;
    skip_next[site] = v ? k : 0;
    if (v)
        gfault_on |= GFAULT_ON_NTH;
    return 0;
}

void lwip_faults_proc(void)
{
    static const struct procfs_entry e = {
        .name = "sys/ringvisor/lwip_fail", .gen = fail_gen, .write = fail_write, .mode = 0644};

    procfs_register(&e);
}
