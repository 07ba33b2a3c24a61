/* Leaving: QEMU's debug-exit device, ACPI-style power-off, reset, halt, a delay before them;
 * idle and backtraces. */
#include "hv/arch.h"
#include "hv/console.h"
#include "hv/panic.h"
#include "hv/time.h"
#include "lib/ksyms.h"
#include "lib/string.h"
#include "layout.h"
#include "x86.h"

#define DEBUG_EXIT_PORT 0xf4

/* QEMU's accelerators sign CPUID leaf 0x40000000 (hypervisor bit set): TCG as "TCGTCGTCGTCG",
 * KVM as "KVMKVMKVM". Only reads; a real PC never sees a write to isa-debug-exit's port. */
int arch_under_qemu(void)
{
    uint32_t a, sig[3];
    cpuid(1, &a, &sig[0], &sig[1], &sig[2]);
    if (!(sig[1] & (1u << 31)))
        return 0;
    cpuid(0x40000000, &a, &sig[0], &sig[1], &sig[2]);
    return memcmp(sig, "TCGTCGTCGTCG", 12) == 0 || memcmp(sig, "KVMKVMKVM\0\0\0", 12) == 0;
}

/* Busy wait: on the TSC once it is calibrated, else on port 0x80 writes (about 1 us each). */
void arch_delay_ms(uint32_t ms)
{
    uint32_t hz = arch_tsc_hz();
    if (hz) {
        uint64_t end = rdtsc() + (uint64_t)(hz / 1000) * ms;
        while (rdtsc() < end)
            __asm__ volatile("pause");
        return;
    }
    for (uint64_t n = (uint64_t)ms * 1000; n > 0; n--)
        outb(0x80, 0);
}

void arch_debug_exit(uint32_t code)
{
    outl(DEBUG_EXIT_PORT, code);
    /* Only reached when the device is absent. */
}

void arch_poweroff(void)
{
    /* S5 through the PM1a control register, SLP_TYP 0 | SLP_EN, at the PM base the firmware
     * programs on QEMU's PIIX4 and ICH9 (0x600, SeaBIOS and OVMF), then older Bochs/QEMU
     * (0xb000) and VirtualBox (0x4000, SLP_TYP 5). */
    outw(0x604, 0x2000);
    outw(0xb004, 0x2000);
    outw(0x4004, 0x3400);
    /* The machine may take a moment to go; give it that before saying it did not. */
    for (unsigned spin = 0; spin < 1000000; spin++)
        __asm__ volatile("pause");
    printk("power-off did not take effect\n");
}

void arch_reboot(void)
{
    outb(0xcf9, 0x02); /* reset control register: system reset, then hard reset */
    outb(0xcf9, 0x06);
    for (unsigned spin = 0; spin < 100000 && (inb(0x64) & 0x02); spin++)
        ;
    outb(0x64, 0xfe); /* keyboard controller reset line */
    /* Last resort: a triple fault through an empty IDT. */
    struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) none = {0, 0};
    __asm__ volatile("lidt %0; int3" ::"m"(none));
}

void arch_halt(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* Cycles spent idle (halted, or polling before a halt: core/idle.c), so that hv_op can report
 * the cycles the CPU was busy: the interrupt that ends a halt closes the span as it enters
 * (arch_idle_end, from do_trap), so its handler's own cycles count as busy. Under QEMU's
 * -icount shift=0 the busy cycles are the instructions executed, hypervisor and guest together:
 * make bench's network instruction counts. */
static uint64_t idle_cycles, idle_since;

void arch_idle_begin(void)
{
    if (!idle_since)
        idle_since = rdtsc();
}

void arch_idle(void)
{
    arch_idle_begin(); /* a poll before the halt is part of the same span */
    safe_halt();
    arch_idle_end();
}

void arch_relax(void)
{
    __asm__ volatile("pause" ::: "memory");
}

void arch_idle_end(void)
{
    if (idle_since) {
        idle_cycles += rdtsc() - idle_since;
        idle_since = 0;
    }
}

uint64_t arch_busy_cycles(void)
{
    return rdtsc() - idle_cycles;
}

void arch_irq_window(void)
{
    __asm__ volatile("sti; nop; cli" ::: "memory");
}

static void frame_name(uint32_t addr)
{
    char name[64];
    ksym_format(__ksyms_start, (size_t)(__ksyms_end - __ksyms_start), addr, name, sizeof(name));
    printk(" %#x <%s>", addr, name);
}

void arch_backtrace(uint32_t eip, uint32_t ebp)
{
    extern char hv_stack[];
    uint32_t lo = (uint32_t)hv_stack, hi = lo + HV_STACK_SIZE;
    printk("  backtrace:");
    frame_name(eip);
    for (int depth = 0; depth < 16 && ebp >= lo && ebp + 8 <= hi; depth++) {
        uint32_t *frame = (uint32_t *)ebp;
        frame_name(frame[1]);
        if (frame[0] <= ebp)
            break;
        ebp = frame[0];
    }
    printk("\n");
}

void arch_panic_fill(struct panic_state *s, const struct cpu_regs *r)
{
    s->r = *r;
    if (!REGS_FROM_GUEST(r)) { /* a fault in ring 0 switches no stack: no ESP/SS pushed */
        s->r.esp = (uint32_t)&r->esp;
        s->r.ss = HV_DS;
    }
    s->cr[0] = read_cr0();
    s->cr[1] = read_cr2();
    s->cr[2] = read_cr3();
    s->cr[3] = read_cr4();
}
