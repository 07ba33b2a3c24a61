/* The one guest domain: its memory, its start-of-day layout and its life cycle. */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include <stdint.h>
#include <public/xen.h>
#include <asm/vcpu.h>
#include "hv/dom_layout.h"
#include "hv/evtchn.h"
#include "hv/guest_image.h"
#include "hv/regs.h"

struct domain {
    uint16_t id;
    /* Inputs to the builder. */
    const uint8_t *image;
    uint32_t image_len;
    const uint8_t *module; /* initramfs, may be 0 */
    uint32_t module_len;
    uint32_t nr_pages;
    char cmdline[MAX_GUEST_CMDLINE];
    /* Filled by the builder. */
    struct guest_image img;
    struct dom_layout layout;
    uint32_t *p2m;     /* hypervisor's copy: machine frame of each guest PFN */
    const void *ksyms; /* a copy of the guest's symbol table (lib/ksyms.h), for crash reports */
    uint32_t ksyms_len;
    uint32_t l2_mfn; /* the address space loaded in CR3 */
    uint32_t shared_info_mfn;
    shared_info_t *shared_info;
    struct arch_vcpu arch; /* the virtual CPU, which only arch/ code touches (asm/vcpu.h) */
    struct evtchn_table evtchn;
    uint64_t timer_deadline; /* set_timer_op: system time of the next VIRQ_TIMER, 0 = none */
    /* Statistics. */
    uint32_t hypercalls[NR_HYPERCALLS];
    uint32_t bounces[256]; /* exceptions and software interrupts delivered, per vector */
    uint32_t failsafe_callbacks;
    uint32_t pt_updates;  /* page-table entries written for the guest */
    uint32_t mmu_batches; /* mmu_update calls */
    /* multicall (arch/x86/entry.S): the entries of the batches it ran, counted as each starts,
     * and the calls it refused or ended with -EFAULT (uncounted then); the batches are
     * hypercalls[__HYPERVISOR_multicall] less those (hv_op). */
    uint32_t multicall_entries;
    uint32_t multicall_refused;
    uint32_t event_upcalls;
    uint32_t events_sent;    /* ports raised that needed an upcall */
    int upcall_deferred;     /* faults=evtchn: an upcall held back until deferred_until */
    uint64_t deferred_until; /* system time (ns) */
    /* Refusals forwarded to the guest as exceptions (a #GP from a privileged instruction, ...)
     * seen per kind, so that their log lines can be rate-limited (arch/x86/guest_traps.c). */
    uint32_t trap_refusals[32];
};

extern struct domain dom0;
static inline struct domain *current_domain(void)
{
    return &dom0;
}
/* The one guest is domain 0 (core/main.c sets dom0.id to it): its id as a constant lets a hot
 * path build the words it compares frames with from immediates (update_va_mapping's, with
 * hv/l1e_fast.h's guest_tags). */
#define DOM0_ID 0
static inline uint16_t current_domain_id(void)
{
    return DOM0_ID;
}

/* Raise a port / the port bound to a VIRQ (dropped when the VIRQ is not bound). */
void evtchn_raise(struct domain *d, uint32_t port);
void send_virq(struct domain *d, unsigned virq);

/* Shut the domain down for good (SHUTDOWN_* reason; status: the exit status a poweroff
 * carries, [ours]) and end the machine as the command line says (hv/shutdown.h). */
void domain_shutdown(struct domain *d, unsigned reason, unsigned status) __attribute__((noreturn));
/* The guest did something it cannot survive: report why, with its registers, and shut it
 * down with reason crash. */
void domain_crash(struct domain *d, const struct cpu_regs *r, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));

#endif
