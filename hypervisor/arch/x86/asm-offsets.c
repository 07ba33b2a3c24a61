/* The structure offsets and sizes the hypervisor's assembly uses, from their C definitions.
 * Compiled to assembly only (never linked): the Makefile's ASM_OFFSETS_RULE turns each
 * "->NAME value" line of the output into "#define NAME value" in
 * $(BUILD)/hypervisor/gen/asm-offsets.h, which the .S files include as <asm-offsets.h>.
 * Constants come from their headers directly (<public/xen.h> is assembler-safe). */
#include <stddef.h>
#include <public/xen.h>
#include "hv/hypercall.h"
#include "hv/l1e_fast.h"
#include "hv/panic.h"
#include "hv/regs.h"
#include "bounce.h"

#define DEFINE(name, value) __asm__ volatile("\n.ascii \"->" #name " %c0\"" : : "i"(value))

void asm_offsets(void);

void asm_offsets(void)
{
    /* struct cpu_regs (hv/regs.h): the frame every entry saves. */
    DEFINE(REGS_EBX, offsetof(struct cpu_regs, ebx));
    DEFINE(REGS_ECX, offsetof(struct cpu_regs, ecx));
    DEFINE(REGS_EDX, offsetof(struct cpu_regs, edx));
    DEFINE(REGS_ESI, offsetof(struct cpu_regs, esi));
    DEFINE(REGS_EDI, offsetof(struct cpu_regs, edi));
    DEFINE(REGS_EBP, offsetof(struct cpu_regs, ebp));
    DEFINE(REGS_EAX, offsetof(struct cpu_regs, eax));
    DEFINE(REGS_DS, offsetof(struct cpu_regs, ds));
    DEFINE(REGS_ES, offsetof(struct cpu_regs, es));
    DEFINE(REGS_FS, offsetof(struct cpu_regs, fs));
    DEFINE(REGS_GS, offsetof(struct cpu_regs, gs));
    DEFINE(REGS_VECTOR, offsetof(struct cpu_regs, vector));
    DEFINE(REGS_ERROR, offsetof(struct cpu_regs, error_code));
    DEFINE(REGS_EIP, offsetof(struct cpu_regs, eip));
    DEFINE(REGS_CS, offsetof(struct cpu_regs, cs));
    DEFINE(REGS_EFLAGS, offsetof(struct cpu_regs, eflags));
    DEFINE(REGS_ESP, offsetof(struct cpu_regs, esp));
    DEFINE(REGS_SS, offsetof(struct cpu_regs, ss));
    DEFINE(REGS_SIZE, sizeof(struct cpu_regs));
    /* struct panic_state (hv/panic.h): the registers, then CR0, CR2, CR3, CR4. */
    DEFINE(PANIC_STATE_CR, offsetof(struct panic_state, cr));
    /* shared_info_t (ABI §10): the hypercall path's test for a pending event. */
    DEFINE(SHARED_INFO_UPCALL_PENDING, offsetof(shared_info_t, evtchn_upcall_pending));
    DEFINE(SHARED_INFO_UPCALL_MASK, offsetof(shared_info_t, evtchn_upcall_mask));
    /* bounce.h: what the hypercall path's event upcall reports if its frame cannot be written,
     * and the flags a bounce clears in the frame it returns with. */
    DEFINE(BOUNCE_WHAT_EVENT, BOUNCE_EVENT);
    DEFINE(BOUNCE_EFLAGS_CLEARED, BOUNCE_EFLAGS_CLEAR);
    /* The multicall (ABI §3): its entries, the most a list may hold below the hypervisor, and
     * the invalidations it defers (hv/hypercall.h). */
    DEFINE(MC_ENTRY_SIZE, sizeof(multicall_entry_t));
    DEFINE(MC_RESULT, offsetof(multicall_entry_t, args[MULTICALL_RESULT_ARG]));
    DEFINE(MC_MAX_ENTRIES, HYPERVISOR_VIRT_START / sizeof(multicall_entry_t));
    DEFINE(MC_LIST_END_MAX, HYPERVISOR_VIRT_START);
    DEFINE(MMU_DEFERRED_LIST, offsetof(struct mmu_deferred, list));
    DEFINE(MMU_DEFERRED_SPAN, offsetof(struct mmu_deferred, span));
    DEFINE(MMU_DEFERRED_NR, offsetof(struct mmu_deferred, nr));
    /* An L1 run's common cases (l1_run.S, hv/l1e_fast.h): the frame table's entries (16 bytes:
     * the index is shifted, not multiplied), the run's environment, the rules' constants. */
    _Static_assert(sizeof(struct frame_info) == 16, "l1_run.S shifts frame numbers by 4");
    DEFINE(FI_COUNT, offsetof(struct frame_info, count));
    DEFINE(FI_TYPE_COUNT, offsetof(struct frame_info, type_count));
    DEFINE(FI_TAG, offsetof(struct frame_info, owner));
    DEFINE(FI_TYPE, offsetof(struct frame_info, type));
    DEFINE(FI_FLAGS, offsetof(struct frame_info, flags));
    DEFINE(FI_STAMP, offsetof(struct frame_info, tlbflush_stamp));
    DEFINE(L1_RUN_ENV_RUN, offsetof(struct l1_run_env, run));
    DEFINE(L1_RUN_ENV_LIMIT, offsetof(struct l1_run_env, limit));
    DEFINE(L1_RUN_ENV_RAM, offsetof(struct l1_run_env, tags.ram));
    DEFINE(L1_RUN_ENV_UNTYPED, offsetof(struct l1_run_env, tags.untyped));
    DEFINE(L1_RUN_ENV_WRITABLE, offsetof(struct l1_run_env, tags.writable));
    DEFINE(L1_RUN_ENV_FT, offsetof(struct l1_run_env, ft));
    DEFINE(L1_RUN_ENV_REPLACED, offsetof(struct l1_run_env, replaced));
    DEFINE(L1_RUN_KEY, RUN_KEY);
    DEFINE(L1_REFUSED, L1_REFUSED_BITS);
    DEFINE(L1_TAG_MASK_RO, TAG_MASK_RO);
    DEFINE(L1_TAG_MASK_RW, TAG_MASK_RW);
    DEFINE(L1_TAG_MASK_TYPE, TAG_MASK_TYPE);
    DEFINE(L1_FT_NONE, FT_NONE);
    DEFINE(L1_FT_WRITABLE, FT_WRITABLE);
    DEFINE(L1_FF_TLB_WRITABLE, FF_TLB_WRITABLE);
    DEFINE(L1_FF_TLB_STALE, FF_TLB_STALE);
}
