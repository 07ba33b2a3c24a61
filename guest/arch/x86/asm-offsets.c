/* The constants the guest's assembly uses, from their one source: <public/xen.h> (C only) and
 * the kernel's structures. Compiled to assembly only (never linked): guest/guest.mk turns each
 * "->NAME value" line of the output into "#define NAME value" in $(BUILD)/guest/gen/asm-offsets.h,
 * which the .S files include as <asm-offsets.h>. Nothing is copied by hand. */
#include <stddef.h>
#include <public/xen.h>
#include <kernel/sched.h>

#define DEFINE(name, value) __asm__ volatile("\n.ascii \"->" #name " %c0\"" : : "i"(value))

void asm_offsets(void);

void asm_offsets(void)
{
    /* Selectors and errors (ABI §3, §2). */
    DEFINE(FLAT_RING3_CS, FLAT_RING3_CS);
    DEFINE(FLAT_RING3_DS, FLAT_RING3_DS);
    DEFINE(XEN_EFAULT, XEN_EFAULT);
    DEFINE(XEN_ENOSYS, XEN_ENOSYS);
    /* Hypercalls made from assembly (head.S, the self-tests' benchmark loops). */
    DEFINE(HYPERCALL_sched_op, __HYPERVISOR_sched_op);
    DEFINE(HYPERCALL_xen_version, __HYPERVISOR_xen_version);
    DEFINE(SCHEDOP_block, SCHEDOP_block);
    DEFINE(SCHEDOP_shutdown_crash, SCHEDOP_shutdown | SHUTDOWN_crash << SCHEDOP_reasonshift);
    /* struct task (kernel/sched.h), for the return path of linux_entry.S. */
    DEFINE(TASK_WORK, offsetof(struct task, work));
}
