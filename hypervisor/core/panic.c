/* panic(): the hypervisor's own invariant broke. Report where, the registers and a backtrace,
 * then end as oncrash= says (under QEMU: status 35 through isa-debug-exit). The registers are those
 * at the panic() call (saved by its entry, arch/x86/panic_entry.S) or at the fault. */
#include <stdarg.h>
#include "hv/arch.h"
#include "hv/console.h"
#include "hv/panic.h"
#include "hv/shutdown.h"
#include "lib/format.h"

struct panic_state panic_state;

static void stop(void) __attribute__((noreturn));
static void stop(void)
{
    hv_end(END_PANIC, 0);
}

static void report(const char *where, const char *fmt, va_list ap)
{
    const struct cpu_regs *r = &panic_state.r;
    const uint32_t *cr = panic_state.cr;
    char msg[200];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    printk("PANIC%s: %s\n", where, msg);
    printk("  eip %04x:%08x eflags %08x esp %04x:%08x ebp %08x", r->cs & 0xffff, r->eip, r->eflags,
           r->ss & 0xffff, r->esp, r->ebp);
    if (r->vector != PANIC_NO_VECTOR)
        printk(" vector %u error %#x", r->vector, r->error_code);
    printk("\n  eax %08x ebx %08x ecx %08x edx %08x esi %08x edi %08x\n", r->eax, r->ebx, r->ecx,
           r->edx, r->esi, r->edi);
    printk("  cr0 %08x cr2 %08x cr3 %08x cr4 %08x ds %04x es %04x fs %04x gs %04x\n", cr[0], cr[1],
           cr[2], cr[3], r->ds & 0xffff, r->es & 0xffff, r->fs & 0xffff, r->gs & 0xffff);
    arch_backtrace(r->eip, r->ebp);
}

/* panic_at's entry (arch) has filled panic_state and interrupts are off. */
void panic_report(const char *file, int line, const char *fmt, ...)
{
    char where[96];
    snprintf(where, sizeof(where), " at %s:%d", file, line);
    va_list ap;
    va_start(ap, fmt);
    report(where, fmt, ap);
    va_end(ap);
    stop();
}

void panic_regs(const struct cpu_regs *r, const char *fmt, ...)
{
    __asm__ volatile("cli");
    arch_panic_fill(&panic_state, r);
    va_list ap;
    va_start(ap, fmt);
    report("", fmt, ap);
    va_end(ap);
    stop();
}
