/*
 * What lwIP asks of its platform with NO_SYS=1: the time in milliseconds (sys_now), random
 * numbers (TCP's initial sequence numbers and ports, DHCP's transaction ids), diagnostics and
 * assertions. Nothing else: there are no threads, semaphores or mailboxes in this port.
 */
#include <stdarg.h>
#include <pv/console.h>
#include <pv/hypercall.h>
#include <kernel/random.h>
#include <pv/time.h>
#include <lib/format.h>
#include <lwip/arch.h>
#include <lwip/sys.h>

u32_t sys_now(void)
{
    return (u32_t)ns_div(clock_now(), (uint32_t)NSEC_PER_MSEC);
}

uint32_t lwip_port_rand(void)
{
    uint32_t r;

    random_bytes(&r, sizeof(r));
    return r;
}

void lwip_port_diag(const char *fmt, ...)
{
    char buf[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk("lwip: %s", buf);
}

void lwip_port_assert(const char *msg, const char *file, int line)
{
    printk("lwip: assertion \"%s\" failed at %s:%d\n", msg, file, line);
    HYPERVISOR_shutdown(SHUTDOWN_crash);
    for (;;)
        ;
}
