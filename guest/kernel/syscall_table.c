/* The system-call table: Linux i386 numbers to handlers. Every slot has a handler; numbers
 * not listed go to sys_ni_syscall (-ENOSYS, logged once). arch/x86/linux_entry.S indexes it. */
#include <linux/unistd.h>
#include <guest/syscalls.h>

/* The range default below is overridden entry by entry: that is the point. */
#pragma GCC diagnostic ignored "-Woverride-init"

typedef long (*syscall_fn)(u32, u32, u32, u32, u32, u32);
long sys_ni_syscall(void);

/* Handlers take fewer arguments than six; cdecl makes the extra ones harmless. */
#define H(fn) ((syscall_fn)(void (*)(void))(fn))

const syscall_fn syscall_table[NR_SYSCALLS] = {
    [0 ... NR_SYSCALLS - 1] = H(sys_ni_syscall),
    /* processes */
    [__NR_exit] = H(sys_exit),
    [__NR_exit_group] = H(sys_exit_group),
    [__NR_fork] = H(sys_fork),
    [__NR_vfork] = H(sys_vfork),
    [__NR_clone] = H(sys_clone),
    [__NR_execve] = H(sys_execve),
    [__NR_wait4] = H(sys_wait4),
    [__NR_waitpid] = H(sys_waitpid),
    [__NR_getpid] = H(sys_getpid),
    [__NR_getppid] = H(sys_getppid),
    [__NR_gettid] = H(sys_gettid),
    [__NR_getuid] = H(sys_getuid),
    [__NR_geteuid] = H(sys_getuid),
    [__NR_getgid] = H(sys_getuid),
    [__NR_getegid] = H(sys_getuid),
    [__NR_getuid32] = H(sys_getuid),
    [__NR_geteuid32] = H(sys_getuid),
    [__NR_getgid32] = H(sys_getuid),
    [__NR_getegid32] = H(sys_getuid),
    [__NR_setpgid] = H(sys_setpgid),
    [__NR_getpgid] = H(sys_getpgid),
    [__NR_getpgrp] = H(sys_getpgrp),
    [__NR_setsid] = H(sys_setsid),
    [__NR_getsid] = H(sys_getsid),
    [__NR_set_tid_address] = H(sys_set_tid_address),
    [__NR_set_thread_area] = H(sys_set_thread_area),
    [__NR_get_thread_area] = H(sys_get_thread_area),
    [__NR_sched_yield] = H(sys_sched_yield),
    [__NR_uname] = H(sys_uname),
    [__NR_sethostname] = H(sys_sethostname),
    [__NR_reboot] = H(sys_reboot),
    [__NR_prlimit64] = H(sys_prlimit64),
    [__NR_ugetrlimit] = H(sys_ugetrlimit),
    [__NR_getrandom] = H(sys_getrandom),
    [__NR_sysinfo] = H(sys_sysinfo),
    [__NR_prctl] = H(sys_prctl),
    [__NR_futex] = H(sys_futex),
    /* memory */
    [__NR_brk] = H(sys_brk),
    [__NR_mmap2] = H(sys_mmap2),
    [__NR_munmap] = H(sys_munmap),
    [__NR_mprotect] = H(sys_mprotect),
    [__NR_mremap] = H(sys_mremap),
    [__NR_madvise] = H(sys_madvise),
    /* signals */
    [__NR_rt_sigaction] = H(sys_rt_sigaction),
    [__NR_rt_sigprocmask] = H(sys_rt_sigprocmask),
    [__NR_rt_sigpending] = H(sys_rt_sigpending),
    [__NR_rt_sigsuspend] = H(sys_rt_sigsuspend),
    [__NR_rt_sigreturn] = H(sys_rt_sigreturn),
    [__NR_sigaltstack] = H(sys_sigaltstack),
    [__NR_kill] = H(sys_kill),
    [__NR_tkill] = H(sys_tkill),
    [__NR_tgkill] = H(sys_tgkill),
    [__NR_pause] = H(sys_pause),
    [__NR_alarm] = H(sys_alarm),
    /* time */
    [__NR_time] = H(sys_time),
    [__NR_gettimeofday] = H(sys_gettimeofday),
    [__NR_clock_gettime] = H(sys_clock_gettime),
    [__NR_clock_gettime64] = H(sys_clock_gettime64),
    [__NR_clock_getres] = H(sys_clock_getres),
    [__NR_clock_getres_time64] = H(sys_clock_getres_time64),
    [__NR_nanosleep] = H(sys_nanosleep),
    [__NR_clock_nanosleep] = H(sys_clock_nanosleep),
    [__NR_clock_nanosleep_time64] = H(sys_clock_nanosleep_time64),
    [__NR_times] = H(sys_times),
/* files */
#include "syscall_table_fs.h"
};
