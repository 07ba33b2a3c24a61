/* The trap, system-call and segment tests and the system-call benchmark (guest command line
 * test=fastpath|exceptions|refusals|failsafe-fs|badstack|seglimits, bench=syscall). */
#ifndef SELFTEST_TRAP_TESTS_H
#define SELFTEST_TRAP_TESTS_H

#include <public/xen.h>

void test_fastpath(int fast_trap);
void test_exceptions(const start_info_t *si);
void test_refusals(const start_info_t *si);
void test_badstack(void);
void test_seglimits(void); /* under Bochs: QEMU's TCG ignores segment limits */
void test_failsafe_fs(void);
void bench_syscall(void);

#endif
