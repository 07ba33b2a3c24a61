/*
 * Guest exceptions, software interrupts, event upcalls and the failsafe callback (ABI §4, §6).
 *
 * An exception from ring 1 or 3 goes to the handler the guest registered in its virtual IDT.
 * "INT n" arrives as #GP with error code (n << 3) | 2 (every gate but 3, 4, 0x82 and the fast
 * trap is DPL 0): when traps[n] allows the caller's ring it is delivered as vector n, after
 * EIP, with no error code ("bounced"); otherwise the guest gets the #GP. Before every return
 * to the guest a pending, unmasked event becomes an upcall.
 */
#include "hv/arch.h"
#include "hv/console.h"
#include "hv/domain.h"
#include "hv/uaccess.h"
#include "bounce.h"
#include "desc.h"
#include "gp_insn.h"
#include "layout.h"
#include "lib/format.h"
#include "lib/x86_names.h"
#include "x86.h"
#include <public/xen.h>

#define GP_IDT_REF 2u /* error-code bit: the selector is an IDT vector */

static int pushes_error(unsigned v)
{
    return v == TRAP_double_fault || (v >= TRAP_invalid_tss && v <= TRAP_page_fault) ||
           v == TRAP_alignment_check;
}

/* Deliver vector v through ti, which has a handler. */
static inline __attribute__((always_inline)) void
bounce_through(struct domain *d, struct cpu_regs *r, const trap_info_t *ti, unsigned v,
               const uint32_t *extra, unsigned nr_extra)
{
    x86_bounce_frame(d, r, extra, nr_extra, v);
    r->cs = ti->cs;
    r->eip = ti->address;
    if (TI_GET_IF(ti))
        d->shared_info->evtchn_upcall_mask = 1;
    d->bounces[v]++;
}

static void deliver(struct domain *d, struct cpu_regs *r, unsigned v, const uint32_t *extra,
                    unsigned nr_extra)
{
    const trap_info_t *ti = &d->arch.traps[v];
    if (ti->address == 0) {
        if (v == TRAP_page_fault)
            domain_crash(d, r, "page fault at %#x (error %#x) with no trap handler", extra[0],
                         extra[1]);
        domain_crash(d, r, "%s (vector %u) with no trap handler", x86_exception_name(v), v);
    }
    bounce_through(d, r, ti, v, extra, nr_extra);
}

/*
 * Every #GP forwarded to the guest is a refusal (a privileged or I/O instruction, an INT n the
 * guest may not raise, a bad selector) and gets a log line; but a ring-3 program can raise
 * them in a loop, so only the first few of each kind are logged, then a count now and then.
 */
#define LOG_INT_HYPERCALL NR_GP_KINDS  /* int $0x82 from ring 2/3 */
#define LOG_INT (NR_GP_KINDS + 1)      /* another INT n with no gate open to the caller */
#define LOG_SELECTOR (NR_GP_KINDS + 2) /* a #GP with a selector for error code */
#define LOG_FAILSAFE (NR_GP_KINDS + 3) /* + FAILSAFE_*: the return path faulted */
#define TRAP_LOG_FIRST 8               /* lines per kind and domain */
#define TRAP_LOG_EVERY 1000            /* then one per so many, with the count */
_Static_assert(LOG_FAILSAFE + FAILSAFE_IRET < sizeof(dom0.trap_refusals) / sizeof(uint32_t),
               "kinds");

/* 1 when this one of its kind is to be logged; otherwise now and then a count line. */
static int log_allowed(struct domain *d, unsigned kind, const char *what)
{
    uint32_t n = ++d->trap_refusals[kind];
    if (n <= TRAP_LOG_FIRST)
        return 1;
    if (n == TRAP_LOG_FIRST + 1 || n % TRAP_LOG_EVERY == 0)
        printk("d%u %s: %u so far, %u not logged\n", d->id, what, n, n - TRAP_LOG_FIRST);
    return 0;
}

static void log_refusal(struct domain *d, const struct cpu_regs *r, unsigned kind, const char *what)
{
    char label[80];
    snprintf(label, sizeof(label), "#GP (%s)", what);
    if (log_allowed(d, kind, label))
        printk("d%u #GP from ring %u at %#x (%s) forwarded to the guest\n", d->id, REGS_RING(r),
               r->eip, what);
}

/* The base of segment sel, read from the descriptor tables the CPU is using (the guest's own
 * GDT frames or LDT when it has them); -1 when sel is outside them. */
static int segment_base(uint16_t sel, uint32_t *base)
{
    struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) gdtr;
    uint32_t table, limit;
    uint16_t ldt;

    __asm__ volatile("sgdt %0" : "=m"(gdtr));
    table = gdtr.base, limit = gdtr.limit;
    if (sel & 4) {
        __asm__ volatile("sldt %0" : "=r"(ldt));
        if ((ldt & ~7u) == 0 || (ldt | 7u) > limit)
            return -1;
        struct desc l = *(const struct desc *)(table + (ldt & ~7u));
        table = desc_base(l), limit = desc_limit_bytes(l);
    }
    if ((sel | 7u) > limit)
        return -1;
    *base = desc_base(*(const struct desc *)(table + (sel & ~7u)));
    return 0;
}

/* The bytes at the faulting CS:EIP: up to 15, fewer where the mapping ends. */
static unsigned read_insn(const struct cpu_regs *r, uint8_t *b)
{
    uint32_t base, at;
    if (segment_base((uint16_t)r->cs, &base))
        return 0;
    at = base + r->eip;
    unsigned n = 4096 - (at & 4095);
    n = n < 15 ? n : 15;
    if (copy_from_guest(b, at, n))
        return 0;
    if (n < 15 && copy_from_guest(b + n, at + n, 15 - n) == 0)
        n = 15;
    return n;
}

static void log_gp(struct domain *d, const struct cpu_regs *r)
{
    char what[64];
    unsigned kind;
    if ((r->error_code & 3u) == GP_IDT_REF) {
        unsigned v = r->error_code >> 3;
        kind = v == HYPERCALL_VECTOR ? LOG_INT_HYPERCALL : LOG_INT;
        if (v == HYPERCALL_VECTOR)
            snprintf(what, sizeof(what), "int $%#x: hypercalls only from ring 1", v);
        else
            snprintf(what, sizeof(what), "int $%#x: no gate open to ring %u", v, REGS_RING(r));
    } else if (r->error_code) {
        kind = LOG_SELECTOR;
        snprintf(what, sizeof(what), "error %#x", r->error_code);
    } else {
        uint8_t b[15];
        struct gp_insn g;
        x86_gp_insn(b, read_insn(r, b), &g);
        kind = g.kind;
        if (g.kind == GP_OTHER)
            snprintf(what, sizeof(what), "error 0");
        else
            snprintf(what, sizeof(what), "%s instruction %s", g.io ? "I/O" : "privileged", g.name);
    }
    log_refusal(d, r, kind, what);
}

/* The length of the "int $n" at the faulting CS:EIP, prefixes included; 0 when the bytes
 * there cannot be read back as that instruction (its page gone, or rewritten). */
static __attribute__((noinline)) unsigned int_insn_len_decoded(const struct cpu_regs *r, unsigned n)
{
    uint8_t b[15];
    return x86_int_insn_len(b, read_insn(r, b), (uint8_t)n);
}

/* The same, with the common case first: a plain CD n in a flat code segment (base 0, the
 * hypervisor's own descriptors), one 16-bit read at EIP. */
static inline __attribute__((always_inline)) unsigned int_insn_len(const struct cpu_regs *r,
                                                                   unsigned n)
{
    uint16_t cs = (uint16_t)r->cs;
    if ((cs == FLAT_RING3_CS || cs == FLAT_RING1_CS) && guest_range_readable(r->eip, 2)) {
        uint16_t opcode = (uint16_t)(0xcdu | n << 8);
        __asm__ goto("1: cmpw %w0, (%1)\n"
                     "jne %l2\n"
                     ".pushsection __ex_table, \"a\"\n.long 1b, %l2\n.popsection"
                     :
                     : "r"(opcode), "r"(r->eip)
                     : "cc"
                     : decode);
        return 2;
    }
decode:
    return int_insn_len_decoded(r, n);
}

static inline __attribute__((always_inline)) int software_interrupt(struct domain *d,
                                                                    struct cpu_regs *r)
{
    if ((r->error_code & 7u) != GP_IDT_REF)
        return 0;
    unsigned n = r->error_code >> 3;
    const trap_info_t *ti = &d->arch.traps[n];
    if (n == HYPERCALL_VECTOR || ti->address == 0 || TI_GET_DPL(ti) < REGS_RING(r))
        return 0; /* not the caller's to raise: the guest gets the #GP */
    /* Past the whole "int $n", prefixes included; an instruction that cannot be read back as
     * one (its page gone, or rewritten) gets the #GP instead. */
    unsigned len = int_insn_len(r, n);
    if (len == 0)
        return 0;
    r->eip += len;
    bounce_through(d, r, ti, n, 0, 0);
    return 1;
}

__attribute__((optimize("omit-frame-pointer"))) HV_FASTCALL void
do_general_protection(struct cpu_regs *r)
{
    struct domain *d = current_domain();
    if (REGS_FROM_GUEST(r) && software_interrupt(d, r)) {
        x86_check_events(d, r);
        return;
    }
    do_trap(r);
}

void x86_guest_exception(struct domain *d, struct cpu_regs *r)
{
    unsigned v = r->vector;
    uint32_t extra[2];

    switch (v) {
    case TRAP_nmi: /* NMIs are the hypervisor's */
        printk("NMI while the guest ran; ignored\n");
        return;
    case TRAP_double_fault:
    case TRAP_machine_check:
        domain_crash(d, r, "%s", x86_exception_name(v));
    case TRAP_debug: /* the guest's breakpoint: DR6 says which, the guest reads it with get_debugreg
                      */
        __asm__ volatile("mov %%dr6, %0" : "=r"(d->arch.debugreg[6]));
        break;
    case TRAP_no_device:
        __asm__ volatile("clts"); /* lazy FPU: the guest asked for #NM with fpu_taskswitch */
        break;
    case TRAP_gp_fault: /* not a software interrupt the guest may raise: do_general_protection tried
                         */
        log_gp(d, r);
        break;
    }
    if (v == TRAP_page_fault) {
        extra[0] = read_cr2();
        extra[1] = r->error_code;
        deliver(d, r, v, extra, 2);
    } else if (pushes_error(v)) {
        extra[0] = r->error_code;
        deliver(d, r, v, extra, 1);
    } else {
        deliver(d, r, v, 0, 0);
    }
}

void x86_event_upcall(struct domain *d, struct cpu_regs *r)
{
    shared_info_t *s = d->shared_info;
    if (!s->evtchn_upcall_pending || s->evtchn_upcall_mask || d->arch.event_eip == 0)
        return;
    s->evtchn_upcall_mask = 1;
    x86_bounce(d, r, d->arch.event_cs, d->arch.event_eip, 0, 0, BOUNCE_EVENT);
    d->event_upcalls++;
}

uint32_t failsafe_reload; /* FAILSAFE_*, set by entry.S's fixups */

static void log_failsafe(struct domain *d, const struct cpu_regs *r)
{
    static const char *const regs[4] = {"DS", "ES", "FS", "GS"};
    const uint32_t segs[4] = {r->ds, r->es, r->fs, r->gs};
    unsigned what = failsafe_reload <= FAILSAFE_IRET ? failsafe_reload : FAILSAFE_IRET;
    char label[48];

    if (what == FAILSAFE_IRET)
        snprintf(label, sizeof(label), "return by iret to %04x:%08x faulted", r->cs & 0xffff,
                 r->eip);
    else
        snprintf(label, sizeof(label), "reloading %s %04x faulted", regs[what],
                 segs[what] & 0xffff);
    if (log_allowed(d, LOG_FAILSAFE + what, label))
        printk("d%u return to the guest: %s: failsafe callback at %04x:%08x\n", d->id, label,
               d->arch.failsafe_cs, d->arch.failsafe_eip);
}

/* entry.S comes here when loading the guest's DS/ES/FS/GS or its final iret faulted; r is the
 * rebuilt frame. The guest gets the segment values it had, and runs with null ones. */
void do_failsafe(struct cpu_regs *r)
{
    struct domain *d = current_domain();
    log_failsafe(d, r);
    if (d->arch.failsafe_eip == 0 ||
        (r->eip == d->arch.failsafe_eip && (r->cs & 0xffff) == d->arch.failsafe_cs))
        domain_crash(
            d, r, "cannot return to the guest (bad segment %04x/%04x/%04x/%04x or frame) and %s",
            r->ds & 0xffff, r->es & 0xffff, r->fs & 0xffff, r->gs & 0xffff,
            d->arch.failsafe_eip ? "the failsafe callback faults too" : "no failsafe callback");
    uint32_t segs[4] = {r->ds & 0xffff, r->es & 0xffff, r->fs & 0xffff, r->gs & 0xffff};
    r->ds = r->es = r->fs = r->gs = 0;
    x86_bounce(d, r, d->arch.failsafe_cs, d->arch.failsafe_eip, segs, 4, BOUNCE_FAILSAFE);
    d->failsafe_callbacks++;
}
