/* Ring 3 for the self-tests: the .user section (user-accessible code and data in the guest
 * image, mapped with the U bit by user_init), run_user, and the test system calls entered
 * through int $0x80 (fast trap or bounced; selftest/x86/syscall.S). The kernel proper runs
 * Linux programs instead (kernel/, arch/x86/linux_entry.S). */
#ifndef SELFTEST_RING3_H
#define SELFTEST_RING3_H

/* System calls: EAX = number, EBX ECX = arguments, result in EAX; other registers kept. */
#define SYS_null 0   /* returns 0 */
#define SYS_write 1  /* (buf, len) to the console: len or -EFAULT/-EINVAL */
#define SYS_exit 2   /* (code): back to the kernel, run_user returns code */
#define SYS_getpid 3 /* returns SYS_PID */
#define NR_SYSCALLS 4
#define SYS_PID 42
#define SYS_WRITE_MAX 256

#ifndef __ASSEMBLY__
#include <stdint.h>
#include <public/xen.h>
#include <arch/x86/user.h>

typedef void user_fn(void);

/* Map .user with the U bit and point the ring-1 entry stack at the kernel entry stack. */
int user_init(const start_info_t *si);
/* Enter ring 3 at fn on the user stack; returns the code fn passed to SYS_exit. */
uint32_t run_user(user_fn *fn);

/* Fast trap on (set_fast_trap(0x80)) or off (bounced through the hypervisor). */
int user_fast_trap(int on);

long test_sys_write(uint32_t buf, uint32_t len);

/* Shared with ring 3 (in .user): the argument of the current program and its results. */
extern volatile uint32_t syscall_count; /* every int $0x80 the guest took */
extern volatile uint32_t user_arg;
extern volatile uint32_t user_result[4];
extern char __user_start[], __user_end[];
#endif

#endif
