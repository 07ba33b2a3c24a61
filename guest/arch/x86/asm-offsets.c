/* The structure offsets and C-only constants the guest's assembly uses, from their one source:
 * the kernel's structures and headers. Compiled to assembly only (never linked): the Makefile's
 * ASM_OFFSETS_RULE turns each "->NAME value" line of the output into "#define NAME value" in
 * $(BUILD)/guest/gen/asm-offsets.h, which the .S files include as <asm-offsets.h>. The ABI's
 * numbers come from <public/xen.h> itself (assembler-safe). Nothing is copied by hand. */
#include <stddef.h>
#include <public/xen.h>
#include <arch/x86/gdt.h>
#include <arch/x86/traps.h>
#include <kernel/sched.h>

#define DEFINE(name, value) __asm__ volatile("\n.ascii \"->" #name " %c0\"" : : "i"(value))

void asm_offsets(void);

void asm_offsets(void)
{
    /* The kernel's data selector (arch/x86/gdt.h) and the system call's frame (arch/x86/traps.h),
     * for linux_entry.S. The mark is the top bit: printed as a negative 32-bit number. */
    DEFINE(GDT_KERNEL_DS, GDT_KERNEL_DS);
    DEFINE(FRAME_EAX, offsetof(struct trap_frame, eax));
    DEFINE(SYSCALL_FRAME_MARK, (int32_t)SYSCALL_FRAME_MARK);
    /* shared_info_t (ABI §10): the event callback's exit path (entry.S). */
    DEFINE(SHARED_INFO_UPCALL_PENDING, offsetof(shared_info_t, evtchn_upcall_pending));
    DEFINE(SHARED_INFO_UPCALL_MASK, offsetof(shared_info_t, evtchn_upcall_mask));
    /* struct task (kernel/sched.h), for the return path of linux_entry.S. */
    DEFINE(TASK_WORK, offsetof(struct task, work));
}
