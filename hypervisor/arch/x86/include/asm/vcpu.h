/* The x86 virtual CPU of a domain: the state the guest sets with hypercalls (ABI §4-§6, §8)
 * and the bounce and trap paths read. struct domain holds it as d->arch; only arch/x86/ uses its
 * fields. */
#ifndef ASM_VCPU_H
#define ASM_VCPU_H

#include <stdint.h>
#include <public/xen.h>

struct arch_vcpu {
    trap_info_t traps[256];         /* set_trap_table */
    uint16_t event_cs, failsafe_cs; /* set_callbacks */
    uint32_t event_eip, failsafe_eip;
    uint16_t kernel_ss; /* stack_switch: ring-1 stack for ring-3 -> ring-1 transitions */
    uint32_t kernel_esp;
    uint8_t fast_trap; /* vector installed in the real IDT, 0 = none */
    uint32_t debugreg[8];
};

#endif
