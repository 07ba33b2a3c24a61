/* The process table and the process life cycle (kernel/proc.c): fork, exit, wait. */
#ifndef GUEST_PROCS_H
#define GUEST_PROCS_H

#include <kernel/proc.h>

#define MAX_PROCS 256 /* live and zombie processes together */

struct proc *procs_first(void);
struct proc *procs_next(struct proc *p);
struct proc *proc_find(int pid);
int proc_last_pid(void); /* the pid most recently given out */
/* A new process with the parent's descriptor table, cwd and signal actions shared or copied,
 * not yet runnable (no task, no mm): fork and the first process start from it. */
struct proc *proc_alloc(struct proc *parent);
void proc_free(struct proc *p);
/* The current process ends with a Linux wait status: code << 8 for exit, the signal number
 * for a signal death. Never returns. */
void proc_exit(int wait_status) __attribute__((noreturn));
/* A fault's signal (code, address): it cannot be blocked or ignored. */
void signal_force(struct proc *p, int sig, int32_t code, uint32_t addr);
void user_return_work(struct trap_frame *f);
void itimer_stop(struct proc *p); /* exit: the interval timer goes */
void proc_pid_init(void);         /* /proc/<pid>/ and /proc/self (kernel/proc_pid.c) */
/* Orphaned process groups (kernel/pgrp.c): no member has a parent in another group of its
 * session. */
int pgrp_orphaned(int pgid);
/* Linux's kill_orphaned_pgrp, at an exit: if q's group, seen from parent (in another group of
 * q's session), is orphaned now and has a stopped member, SIGHUP then SIGCONT to every member. */
void pgrp_hangup_if_orphaned(const struct proc *q, const struct proc *parent);

#endif
