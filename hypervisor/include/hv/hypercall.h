/* Hypercall dispatch and the handlers (do_x, after Xen's names), one per ABI number. */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include <stdint.h>
#include "hv/regs.h"

void hypercall_dispatch(struct cpu_regs *r);
/* Run hypercall op (modulo 32) with five arguments; counted like a trapped one. */
long hypercall_call(uint32_t op, const uint32_t args[5]);
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
long do_multicall(uint32_t list, uint32_t n);
long do_event_channel_op(uint32_t uop);
long do_set_timer_op(uint32_t hi, uint32_t lo);

#endif
