/* Hypercall dispatch and the handlers (do_x, after Xen's names), one per ABI number. */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include <stdint.h>
#include "hv/domain.h"
#include "hv/regs.h"

/* The handlers by number, one for every number (the unimplemented ones log and return
 * -ENOSYS). Handlers take only the arguments they use (cdecl: the extra ones are harmless).
 * The trap path (arch/x86/entry.S) and every multicall entry call through it directly, and
 * count the call in d->hypercalls. */
typedef long hypercall_fn(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);
extern hypercall_fn *const hypercall_table[NR_HYPERCALLS];
long hypercall_unimplemented(unsigned nr, uint32_t arg); /* logged, -ENOSYS */
/* Panics at boot if hypercall_table has a hole (the entry paths call through it unchecked). */
void hypercall_table_check(void);

/* Log a refused request (call, argument, reason) and return err, which is negative. */
long hv_refuse(const char *call, uint32_t arg, long err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const char *errno_name(long err);

long do_console_io(uint32_t cmd, uint32_t count, uint32_t buffer);
long do_sched_op(uint32_t op);
long do_xen_version(uint32_t cmd);
long do_update_va_mapping(uint32_t page_nr, uint32_t val, uint32_t flags);
long do_set_trap_table(uint32_t table);
long do_set_callbacks(uint32_t event_sel, uint32_t event_addr, uint32_t failsafe_sel,
                      uint32_t failsafe_addr);
long do_stack_switch(uint32_t ss, uint32_t esp);
long do_fpu_taskswitch(void);
long do_set_debugreg(uint32_t reg, uint32_t value);
long do_get_debugreg(uint32_t reg);
long do_set_fast_trap(uint32_t idx);
long do_set_gdt(uint32_t frame_list, uint32_t entries);
long do_update_descriptor(uint32_t maddr, uint32_t lo, uint32_t hi);
long do_hv_op(uint32_t cmd, uint32_t buffer, uint32_t size);
long do_mmu_update(uint32_t reqs, uint32_t count, uint32_t success);
/* Inside a multicall the invalidations its entries ask for are kept (core/mmu_update.c) until
 * its end, where mmu_deferred_flush does them (a whole flush above MMU_DEFERRED_INVLPG_MAX
 * addresses); but not those of the pages holding the list, which the multicall itself still
 * reads and writes. The multicall (arch/x86/entry.S) sets list and span as it starts and span
 * back to ~0 as it ends: an address is invalidated at once when (va | 0xfff) - list <= span,
 * which outside a multicall is every address, inside one every page of [list, list + 32 n)
 * (span = 32 n + 0xffe; the list ends below HYPERVISOR_VIRT_START, so no page below list
 * wraps into the span). */
#define MMU_DEFERRED_INVLPG_MAX 8
struct mmu_deferred {
    uint32_t list; /* of the multicall that is running */
    uint32_t span; /* ~0: no multicall, nothing is deferred */
    uint32_t nr;
    uint32_t va[MMU_DEFERRED_INVLPG_MAX];
};
extern struct mmu_deferred mmu_deferred;
void mmu_deferred_flush(void);
/* The multicall (ABI §3): arch/x86/entry.S, entered from hypercall_stub only (it takes the list
 * and the count in the guest's EBX and ECX, and leaves through the stub's exit). The slow
 * paths are core/multicall.c's, and the handlers run with the numbers of arguments
 * multicall_args_checked there pins. */
long do_multicall(uint32_t list, uint32_t n);
long multicall_refuse_list(uint32_t list, uint32_t n);
long multicall_nested(uint32_t list, uint32_t at);
long multicall_fault(uint32_t list, uint32_t n, uint32_t at, int result);
long do_event_channel_op(uint32_t uop);
long do_set_timer_op(uint32_t hi, uint32_t lo);

#endif
