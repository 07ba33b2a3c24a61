/* CPU feature set-up and the legacy interrupt controller (remapped, every line masked). */
#include "hv/arch.h"
#include "hv/console.h"
#include "internal.h"
#include "layout.h"
#include "x86.h"

#define CPUID_7_EBX_SMEP (1u << 7)

static void pic_init(void)
{
    outb(0x20, 0x11); /* ICW1: edge, cascade, ICW4 follows */
    outb(0xa0, 0x11);
    outb(0x21, IRQ_VECTOR_BASE); /* ICW2: vector bases */
    outb(0xa1, IRQ_VECTOR_BASE + 8);
    outb(0x21, 0x04); /* ICW3: slave on IRQ2 */
    outb(0xa1, 0x02);
    outb(0x21, 0x01); /* ICW4: 8086 mode */
    outb(0xa1, 0x01);
    /* Unmask only what has a driver: the timer and COM1. */
    outb(0x21, (uint8_t) ~((1u << IRQ_TIMER) | (1u << IRQ_COM1)));
    outb(0xa1, 0xff);
}

int x86_pic_in_service(unsigned irq)
{
    uint16_t port = irq < 8 ? 0x20 : 0xa0;
    outb(port, 0x0b); /* OCW3: read the in-service register */
    return (inb(port) >> (irq & 7)) & 1;
}

void x86_load_debugreg(unsigned reg, uint32_t v)
{
    switch (reg) {
    case 0:
        __asm__ volatile("mov %0, %%dr0" ::"r"(v));
        break;
    case 1:
        __asm__ volatile("mov %0, %%dr1" ::"r"(v));
        break;
    case 2:
        __asm__ volatile("mov %0, %%dr2" ::"r"(v));
        break;
    case 3:
        __asm__ volatile("mov %0, %%dr3" ::"r"(v));
        break;
    case 6:
        __asm__ volatile("mov %0, %%dr6" ::"r"(v));
        break;
    case 7:
        __asm__ volatile("mov %0, %%dr7" ::"r"(v));
        break;
    }
}

#define CPUID_1_EDX_SEP (1u << 11)
#define CPUID_X1_EDX_EFER (1u << 11 | 1u << 20 | 1u << 29) /* SYSCALL, NX, LM: EFER exists */

/* SYSENTER and SYSCALL enter ring 0 at addresses the firmware may have left in their MSRs;
 * this hypervisor uses neither, so both are closed: SYSENTER_CS = 0 makes sysenter #GP, and
 * EFER.SCE = 0 makes syscall #UD, from any ring. */
static void fast_system_calls_off(void)
{
    uint32_t a, b, c, d;
    cpuid(1, &a, &b, &c, &d);
    if (d & CPUID_1_EDX_SEP) {
        wrmsr(MSR_SYSENTER_CS, 0);
        wrmsr(MSR_SYSENTER_ESP, 0);
        wrmsr(MSR_SYSENTER_EIP, 0);
    }
    cpuid(0x80000000u, &a, &b, &c, &d);
    if (a >= 0x80000001u && a < 0x8000ffffu) {
        cpuid(0x80000001u, &a, &b, &c, &d);
        if (d & CPUID_X1_EDX_EFER)
            wrmsr(MSR_EFER, rdmsr(MSR_EFER) & ~(uint64_t)EFER_SCE);
    }
}

void arch_cpu_init(void)
{
    uint32_t a, b, c, d;
    cpuid(0, &a, &b, &c, &d);
    if (a >= 7) {
        cpuid(7, &a, &b, &c, &d);
        if (b & CPUID_7_EBX_SMEP) {
            /* Ring 0 and ring 1 never execute user pages. (SMAP stays off: ring 1 cannot
             * use STAC/CLAC.) */
            write_cr4(read_cr4() | X86_CR4_SMEP);
            printk("SMEP enabled\n");
        }
    }
    /* FXSAVE/FXRSTOR and SSE for the guest: it saves and restores the state itself (lazy FPU,
     * ABI §8 fpu_taskswitch); the hypervisor never touches the FPU. */
    cpuid(1, &a, &b, &c, &d);
    if (d & (1u << 24)) {
        write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
        printk("FXSR and SSE enabled for the guest\n");
    }
    /* WP: read-only pages bind ring 0 too. AM: ring-3 code with EFLAGS.AC gets #AC. */
    write_cr0((read_cr0() | X86_CR0_WP | X86_CR0_AM | X86_CR0_NE | X86_CR0_MP) & ~X86_CR0_EM);
    __asm__ volatile("fninit");
    fast_system_calls_off();
    pic_init();
}
