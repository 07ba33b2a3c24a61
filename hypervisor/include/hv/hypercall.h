/* Hypercall dispatch and the handlers (do_x, after Xen's names), one per ABI number. */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include <stdint.h>
#include "hv/regs.h"

void hypercall_dispatch(struct cpu_regs *r);
/* Log a refused request (call, argument, reason) and return err, which is negative. */
long hv_refuse(const char *call, uint32_t arg, long err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const char *errno_name(long err);

long do_console_io(uint32_t cmd, uint32_t count, uint32_t buffer);
long do_sched_op(uint32_t op);
long do_xen_version(uint32_t cmd);
long do_update_va_mapping(uint32_t page_nr, uint32_t val, uint32_t flags);

#endif
