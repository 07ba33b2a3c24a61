/* panic(): the hypervisor's own invariant broke. Report where, the registers and a backtrace,
 * then stop (leaving QEMU with a distinct status under exit=debug). */
#include <stdarg.h>
#include "hv/arch.h"
#include "hv/console.h"
#include "hv/options.h"
#include "hv/panic.h"
#include "lib/format.h"

static void stop(void) __attribute__((noreturn));
static void stop(void)
{
    if (hv_opts.exit_debug)
        arch_debug_exit(HV_EXIT_PANIC);
    printk("(hv) halted\n");
    arch_halt();
}

static void vreport(const char *where, const char *fmt, va_list ap)
{
    char msg[200];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    printk("(hv) PANIC%s: %s\n", where, msg);
}

void panic_at(const char *file, int line, const char *fmt, ...)
{
    char where[96];
    __asm__ volatile("cli");
    snprintf(where, sizeof(where), " at %s:%d", file, line);
    va_list ap;
    va_start(ap, fmt);
    vreport(where, fmt, ap);
    va_end(ap);
    arch_backtrace((uint32_t)__builtin_frame_address(0));
    stop();
}

void panic_regs(const struct cpu_regs *r, const char *fmt, ...)
{
    __asm__ volatile("cli");
    va_list ap;
    va_start(ap, fmt);
    vreport("", fmt, ap);
    va_end(ap);
    printk("(hv)   eip %04x:%08x eflags %08x vector %u error %#x\n", r->cs & 0xffff, r->eip,
           r->eflags, r->vector, r->error_code);
    printk("(hv)   eax %08x ebx %08x ecx %08x edx %08x esi %08x edi %08x ebp %08x\n", r->eax,
           r->ebx, r->ecx, r->edx, r->esi, r->edi, r->ebp);
    arch_backtrace(r->ebp);
    stop();
}
