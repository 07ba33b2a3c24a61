/* The domain's life cycle after start of day: shutdown and crash reports. */
#include <stdarg.h>
#include "hv/arch.h"
#include "hv/console.h"
#include "hv/domain.h"
#include "hv/shutdown.h"
#include "hv/uaccess.h"
#include "lib/format.h"
#include "lib/ksyms.h"

struct domain dom0;

/* The addresses of the fields the hypercall entry (arch/x86/entry.S) reaches directly, as
 * global symbols dom0_hypercalls, dom0_shared_info, for its event upcall dom0_event_cs,
 * dom0_event_eip and dom0_event_upcalls, and for the multicall dom0_multicall_entries: assembly
 * cannot see the structure's layout. They must be defined here, beside dom0 (an assembler symbol
 * equated to another file's symbol plus an offset is lost). */
static void __attribute__((used)) entry_symbols(void)
{
    __asm__(".globl dom0_hypercalls, dom0_shared_info\n"
            ".set dom0_hypercalls, %c0\n"
            ".set dom0_shared_info, %c1\n"
            ".globl dom0_event_cs, dom0_event_eip, dom0_event_upcalls\n"
            ".set dom0_event_cs, %c2\n"
            ".set dom0_event_eip, %c3\n"
            ".set dom0_event_upcalls, %c4\n"
            ".globl dom0_multicall_entries\n"
            ".set dom0_multicall_entries, %c5" ::"i"(dom0.hypercalls),
            "i"(&dom0.shared_info), "i"(&dom0.arch.event_cs), "i"(&dom0.arch.event_eip),
            "i"(&dom0.event_upcalls), "i"(&dom0.multicall_entries));
}

static const char *const reason_names[] = {"poweroff", "reboot", "suspend", "crash"};
static const enum hv_end reason_ends[] = {END_POWEROFF, END_REBOOT, END_SUSPEND, END_CRASH};

void domain_shutdown(struct domain *d, unsigned reason, unsigned status)
{
    if (reason == SHUTDOWN_crash)
        printk("domain %u crashed: it shut itself down with reason crash\n", d->id);
    else if (reason == SHUTDOWN_poweroff && status)
        printk("domain %u shut down: poweroff, exit status %u\n", d->id, status);
    else
        printk("domain %u shut down: %s\n", d->id, reason_names[reason]);
    if (reason == SHUTDOWN_suspend)
        printk("suspend is not supported: treated as a failure\n");
    hv_end(reason_ends[reason], status);
}

/* "0xc0001234 <name+0x12>", the name from the guest's own symbol table when it has one. */
static void guest_frame(const struct domain *d, uint32_t addr)
{
    char name[64];
    ksym_format(d->ksyms, d->ksyms_len, addr, name, sizeof(name));
    printk(" %#x <%s>", addr, name);
}

static void guest_backtrace(const struct domain *d, const struct cpu_regs *r)
{
    uint32_t ebp = r->ebp;
    printk("  guest backtrace:");
    guest_frame(d, r->eip);
    for (int depth = 0; depth < 8 && ebp; depth++) {
        uint32_t frame[2]; /* saved ebp, return address */
        if (copy_from_guest(frame, ebp, sizeof(frame)))
            break;
        if (frame[1])
            guest_frame(d, frame[1]);
        if (frame[0] <= ebp) /* the outermost frame (saved EBP 0), or a loop */
            break;
        ebp = frame[0];
    }
    printk("\n");
}

void domain_crash(struct domain *d, const struct cpu_regs *r, const char *fmt, ...)
{
    char why[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    printk("domain %u crashed: %s\n", d->id, why);
    if (r) {
        printk("  eip %04x:%08x eflags %08x esp %04x:%08x\n", r->cs & 0xffff, r->eip, r->eflags,
               (REGS_RING(r) ? r->ss : 0) & 0xffff, REGS_RING(r) ? r->esp : 0);
        printk("  eax %08x ebx %08x ecx %08x edx %08x esi %08x edi %08x ebp %08x\n", r->eax, r->ebx,
               r->ecx, r->edx, r->esi, r->edi, r->ebp);
        guest_backtrace(d, r);
    }
    hv_end(END_CRASH, 0);
}
