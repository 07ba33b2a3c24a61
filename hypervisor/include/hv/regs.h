/* The register frame every entry into the hypervisor saves (arch/x86/entry.S builds it). */
#ifndef HV_REGS_H
#define HV_REGS_H

#include <stdint.h>

struct cpu_regs {
    uint32_t ebx, ecx, edx, esi, edi, ebp, eax;
    uint32_t ds, es, fs, gs; /* low 16 bits meaningful */
    uint32_t vector, error_code;
    uint32_t eip, cs, eflags;
    uint32_t esp, ss; /* present only when the CPU came from ring 1-3 */
};

#define REGS_RING(r) ((r)->cs & 3u)
#define REGS_FROM_GUEST(r) (REGS_RING(r) != 0)

_Static_assert(__builtin_offsetof(struct cpu_regs, vector) == 44, "entry.S frame layout");
_Static_assert(__builtin_offsetof(struct cpu_regs, eip) == 52, "entry.S frame layout");
_Static_assert(sizeof(struct cpu_regs) == 72, "entry.S frame layout");

#endif
