/* The hypercall self-test (test=hypercalls) and its register-preservation probe. */
#ifndef SELFTEST_HYPERCALLS_H
#define SELFTEST_HYPERCALLS_H

/* Patterns loaded before the probe hypercall; distinct in every byte. Shared with regprobe.S. */
#define REGPROBE_EBX 0x1b2b3b4b
#define REGPROBE_ECX 0x1c2c3c4c
#define REGPROBE_EDX 0x1d2d3d4d
#define REGPROBE_ESI 0x15253545
#define REGPROBE_EDI 0x1e2e3e4e
#define REGPROBE_EBP 0x1f2f3f4f

#ifndef __ASSEMBLY__
#include <stdint.h>
#include <public/xen.h>

int hypercall_reg_probe(uint32_t out[6]);

/* Run every check, print one line each and a summary; returns the number of failures.
 * shared_va is the page where shared_info is mapped: the update_va_mapping checks borrow
 * it and map shared_info back before returning. */
unsigned selftest_hypercalls(const start_info_t *si, void *shared_va);
#endif

#endif
