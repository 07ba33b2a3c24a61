/* Tasks: kernel threads and ring-3 programs, each with its own kernel stack, switched with
 * stack_switch; preempted in ring 3 by a 10 ms VIRQ_TIMER slice; idle = sched_op(block).
 * A task that runs a process switches its address space, TLS descriptors and FPU too, all in
 * one multicall (arch/x86/context.c). */
#ifndef GUEST_SCHED_H
#define GUEST_SCHED_H

#include <stdint.h>

#define TASK_STACK_SIZE 8192
#define MAX_TASKS 64
#define SCHED_SLICE_NS 10000000ull

enum task_state { TASK_FREE, TASK_RUNNABLE, TASK_BLOCKED, TASK_DEAD };

struct proc;
struct trap_frame;

struct task {
    uint32_t esp;           /* saved by switch_to */
    volatile uint32_t work; /* non-zero: something to do before returning to ring 3 */
    enum task_state state;
    const char *name;
    void (*fn)(void *);
    void *arg;
    uint32_t user_eip, user_esp; /* ring-3 programs */
    uint32_t kstack_top;         /* TSS esp1 while it runs */
    uint32_t upcall_depth;       /* evtchn_stats.depth while switched out */
    uint32_t switches;           /* times switched to */
    uint32_t voluntary;          /* times switched away from asleep (Linux's nvcsw) */
    uint32_t involuntary;        /* ... and still runnable: preempted or yielding (nivcsw) */
    struct task *next;           /* run queue */
    struct proc *proc;           /* the process it runs, NULL for a kernel thread */
    uint16_t fs, gs;             /* its ring-3 FS and GS (TLS) while switched out */
};

extern struct task *current;
extern uint32_t sched_preemptions;
extern volatile int sched_need_resched;

void sched_init(void); /* the caller becomes the first task, "main" */
struct task *task_spawn(const char *name, void (*fn)(void *), void *arg);
struct task *task_spawn_user(const char *name, void (*entry)(void), uint32_t user_esp);
/* A task for a process: a copy of frame goes to the top of its stack and it starts at start
 * (NULL: ret_from_fork, which returns to ring 3 through the frame with EAX = 0, as a forked
 * child). NULL when every task slot is taken. */
struct task *task_spawn_proc(struct proc *p, const struct trap_frame *frame, void (*start)(void));
void task_kill(struct task *t); /* it is never scheduled again */
void schedule(void);            /* with events masked */
void sched_yield(void);
void sched_block(void); /* current sleeps until sched_wake; call with events masked */
void sched_wake(struct task *t);
void sched_run_first(struct task *t); /* t (runnable) goes next, current at the next chance */
void sleep_ns(uint64_t ns);
void sched_exit(void) __attribute__((noreturn)); /* the current task ends (events masked) */
void sched_first_run(void);                      /* a new task's first instructions */

/* Switch the CPU's process context (address space, TLS, FPU, ring-1 stack) from prev to next
 * before their stacks are swapped (arch/x86/context.c). */
void context_switch(struct task *prev, struct task *next);

/* arch/x86/switch.S */
void switch_to(uint32_t *save_esp, uint32_t new_esp);
void load_fs_gs(uint32_t fs, uint32_t gs);
void user_jump(uint32_t eip, uint32_t esp) __attribute__((noreturn));

#endif
