/* Tasks: kernel threads and ring-3 programs, each with its own kernel stack, switched with
 * stack_switch; preempted in ring 3 by a 10 ms VIRQ_TIMER slice; idle = sched_op(block). */
#ifndef GUEST_SCHED_H
#define GUEST_SCHED_H

#include <stdint.h>

#define TASK_STACK_SIZE 8192
#define MAX_TASKS 8
#define SCHED_SLICE_NS 10000000ull

enum task_state { TASK_FREE, TASK_RUNNABLE, TASK_BLOCKED, TASK_DEAD };

struct task {
    uint32_t esp; /* saved by switch_to */
    enum task_state state;
    const char *name;
    void (*fn)(void *);
    void *arg;
    uint32_t user_eip, user_esp; /* ring-3 programs */
    uint32_t kstack_top;         /* TSS esp1 while it runs */
    uint32_t upcall_depth;       /* evtchn_stats.depth while switched out */
    uint32_t switches;
    struct task *next; /* run queue */
    struct proc *proc; /* the process it runs, NULL for a kernel thread */
};

extern struct task *current;
extern uint32_t sched_preemptions;

void sched_init(void); /* the caller becomes the first task, "main" */
struct task *task_spawn(const char *name, void (*fn)(void *), void *arg);
struct task *task_spawn_user(const char *name, void (*entry)(void), uint32_t user_esp);
void task_kill(struct task *t); /* it is never scheduled again */
void schedule(void);            /* with events masked */
void sched_yield(void);
void sched_block(void); /* current sleeps until sched_wake; call with events masked */
void sched_wake(struct task *t);
void sleep_ns(uint64_t ns);

/* arch/x86/switch.S */
void switch_to(uint32_t *save_esp, uint32_t new_esp);
void user_jump(uint32_t eip, uint32_t esp) __attribute__((noreturn));

#endif
