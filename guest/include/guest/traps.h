/* The guest's virtual IDT (ABI §4), callbacks (§6) and the probe that lets a test cause an
 * exception on purpose and see exactly what the hypervisor delivered. */
#ifndef GUEST_TRAPS_H
#define GUEST_TRAPS_H

#include <stdint.h>
#include <public/xen.h>
#include <guest/hypercall.h>

#define TRAP_SYSCALL 0x80 /* the system-call vector (guest/user.h) */
#define TRAP_BOUNCED 0x81 /* a DPL-3 software interrupt the hypervisor bounces, for the tests */

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

/* A test arms the probe, causes the exception, and reads what arrived. The handler records
 * the next exception whatever its vector, disarms, and continues at resume (0: retry the
 * same instruction). An exception with no armed probe is fatal. */
struct trap_probe {
    volatile int armed;
    uint32_t resume;
    volatile unsigned hits;
    uint32_t vector, error, cr2, eip, cs;
};
extern struct trap_probe trap_probe;

/* What the failsafe callback last got (ABI §6), and how often it ran. */
extern volatile uint32_t failsafe_count;
extern volatile uint32_t failsafe_segs[4]; /* DS ES FS GS */

void traps_init(volatile shared_info_t *si);
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
