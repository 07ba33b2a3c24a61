/* The guest's virtual IDT (ABI §4), callbacks (§6) and the probe that lets a test cause an
 * exception on purpose and see exactly what the hypervisor delivered. */
#ifndef GUEST_TRAPS_H
#define GUEST_TRAPS_H

#include <stdint.h>
#include <public/xen.h>
#include <pv/hypercall.h>

#define TRAP_SYSCALL 0x80 /* the system-call vector (arch/x86/user.h) */
#define NR_CPU_TRAPS 20   /* vectors 0-19: the CPU's exceptions */

/* The error-code word of a system call's frame (no hardware error code has the top bit). */
#define SYSCALL_FRAME_MARK 0x80000000u

/* What entry.S saves, low to high. Exceptions without an error code get a zero one; CR2 is
 * zero except for page faults. ESP/SS exist only when CS is ring 3. */
struct trap_frame {
    uint32_t ebx, ecx, edx, esi, edi, ebp, eax;
    uint32_t ds, es; /* low 16 bits */
    uint32_t vector, cr2, error;
    uint32_t eip, cs, eflags;
    uint32_t esp, ss;
};

/* What the failsafe callback last got (ABI §6), and how often it ran. */
extern volatile uint32_t failsafe_count;
extern volatile uint32_t failsafe_segs[4]; /* DS ES FS GS */

/* Registers the trap table (vectors 0-19) and the event and failsafe callbacks. */
void traps_init(void);
/* t[0..19]: vector v to stubs[v] (a TRAP_STUBS table, arch/x86/frame.inc), DPL 3 for int3 and
 * into only. */
void traps_fill(trap_info_t *t, const uint32_t stubs[NR_CPU_TRAPS]);
/* An exception: a process's (arch/x86/fault.c) once processes run, else fatal. */
void trap_handler(struct trap_frame *f);
const char *trap_name(unsigned vector);

static inline int HYPERVISOR_set_trap_table(const trap_info_t *table)
{
    return hypercall1(__HYPERVISOR_set_trap_table, (uint32_t)table);
}
static inline int HYPERVISOR_set_callbacks(uint32_t ev_cs, uint32_t ev_eip, uint32_t fs_cs,
                                           uint32_t fs_eip)
{
    return hypercall5(__HYPERVISOR_set_callbacks, ev_cs, ev_eip, fs_cs, fs_eip, 0);
}
static inline int HYPERVISOR_set_fast_trap(uint32_t idx)
{
    return hypercall1(__HYPERVISOR_set_fast_trap, idx);
}
static inline int HYPERVISOR_fpu_taskswitch(void)
{
    return hypercall1(__HYPERVISOR_fpu_taskswitch, 0);
}
static inline int HYPERVISOR_set_debugreg(uint32_t reg, uint32_t value)
{
    return hypercall3(__HYPERVISOR_set_debugreg, reg, value, 0);
}
static inline int HYPERVISOR_get_debugreg(uint32_t reg)
{
    return hypercall1(__HYPERVISOR_get_debugreg, reg);
}

#endif
