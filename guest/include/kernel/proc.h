/* Processes: ring-3 programs with their own address space (struct mm), descriptor table,
 * working directory and signal state, each running on a task (kernel/sched.h) of its own. */
#ifndef GUEST_PROC_H
#define GUEST_PROC_H

#include <stdint.h>
#include <linux/abi.h>
#include <kernel/sched.h>
#include <pv/time.h>
#include <kernel/wait.h>

struct mm;
struct files;
struct inode;
struct trap_frame;

#define PROC_NAME_MAX 16
#define PROC_GROUPS_MAX 32 /* supplementary groups kept (setgroups: -ENOMEM beyond) */
#define NR_TLS 3           /* set_thread_area slots: GDT entries GDT_TLS_FIRST.. (arch/x86/gdt.h) */
#define FPU_STATE_SIZE 512 /* fxsave area (fnsave uses the first 108 bytes) */

/* Who sent a pending signal and why, for the handler's siginfo (standard signals only: a
 * second one of the same kind merges with the first, as in Linux). */
struct sigsender {
    int32_t code;   /* SI_USER, SI_TKILL, SI_KERNEL, CLD_*, SEGV_* ... */
    int32_t pid;    /* sender (SI_USER, SI_TKILL), child (SIGCHLD) */
    int32_t status; /* SIGCHLD: exit code or signal */
    uint32_t addr;  /* faults: the address */
};
#define NSIG_STD 32

struct sigstate {
    uint64_t pending, blocked;
    struct linux_sigaction action[NSIG]; /* action[s - 1] for signal s */
    struct sigsender sender[NSIG_STD];   /* sender[s - 1] while s is pending */
};

struct proc {
    struct task *task; /* the task it runs on */
    int pid, pgid, sid;
    struct proc *parent, *children, *sibling;
    int zombie;  /* exited, waiting for wait4 */
    int stopped; /* the signal that stopped it (job control), 0 while it may run */
    int stop_unreported, cont_unreported; /* a stop / a continue wait4 has not told yet */
    int execed;      /* has called execve since its fork (setpgid by the parent: EACCES) */
    int wait_status; /* Linux encoding: exit code << 8, or the terminating signal */
    struct mm *mm;
    struct files *files;
    struct inode *cwd;
    uint32_t umask;
    struct sigstate sig;
    struct waitq child_wq;     /* wait4 sleeps here; a child's exit wakes it */
    struct proc *vfork_parent; /* vfork: woken at the child's exec or exit */
    uint32_t tls[NR_TLS][2];   /* descriptors for the TLS slots, loaded at every switch */
    uint32_t clear_child_tid;
    struct timer alarm;      /* ITIMER_REAL: SIGALRM at its deadline (kernel/itimer.c) */
    uint64_t alarm_interval; /* ns; 0: one-shot */
    struct linux_rlimit64 rlim[RLIM_NLIMITS]; /* resource limits (kernel/rlimit.c) */
    int fpu_used; /* its FPU state lives in fpu[] while another process owns the FPU */
    uint8_t fpu[FPU_STATE_SIZE] __attribute__((aligned(16)));
    char name[PROC_NAME_MAX];
    char *exe_path; /* the program's absolute path (/proc/<pid>/exe), kmalloc'd; may be NULL */
    uint32_t ngroups, groups[PROC_GROUPS_MAX]; /* supplementary groups (kernel/sys_ids.c) */
    /* /proc/<pid>/fail-nth (Linux's): the injectable allocation (gfaults=' page and kmalloc
     * points) it makes that fails, counted down from N at each one; 0: none armed. Not inherited.
     */
    uint32_t fail_nth;
};

/* The process the current task runs for (NULL in a kernel thread). */
static inline struct proc *current_proc(void)
{
    return current->proc;
}

/* Signals (kernel/signal.c). */
void signal_send(struct proc *p, int sig); /* raise sig for p, from the kernel (SI_KERNEL) */
void signal_send_from(struct proc *p, int sig, const struct sigsender *from);
int signal_pending(void); /* current has an unblocked signal pending */
/* p has a signal pending that will end it (SIGKILL, or one whose action is the default
 * "terminate"): what interrupts a killable wait. */
int signal_fatal_pending(const struct proc *p);
/* Send sig to every live process of process group pgid (the terminal's signals). */
void signal_send_pgrp(int pgid, int sig);

/* Resource limits (kernel/rlimit.c): the first process's, and the current process's soft
 * limit (RLIM64_INFINITY outside a process). */
void rlimit_defaults(struct proc *p);
uint64_t rlimit_cur(unsigned resource);

/* Start the first process: path and argv from the command line (kernel/init.c). */
void proc_start_init(const char *path, char *const argv[]);

#endif
