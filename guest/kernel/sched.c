/* A round-robin scheduler: kernel threads switch cooperatively (sleep, block, yield); ring-3
 * programs are also preempted when a 10 ms VIRQ_TIMER slice ends while they run, and on their
 * way back from a system call. Every switch happens inside schedule() with upcalls masked, and
 * sets TSS esp1 (stack_switch), with the rest of a process's context (context_switch). */
#include <pv/console.h>
#include <pv/events.h>
#include <kernel/proc.h>
#include <kernel/procs.h>
#include <kernel/sched.h>
#include <pv/time.h>
#include <arch/x86/traps.h>
#include <arch/x86/user.h>
#include <lib/string.h>

static struct task tasks[MAX_TASKS];
static uint8_t stacks[MAX_TASKS][TASK_STACK_SIZE] __attribute__((aligned(16)));
static struct task *runq_head, *runq_tail;
static struct timer slice;
volatile int sched_need_resched;
struct task *current;
uint32_t sched_preemptions;

static void enqueue(struct task *t)
{
    t->next = 0;
    if (runq_tail)
        runq_tail->next = t;
    else
        runq_head = t;
    runq_tail = t;
    if (!slice.armed)
        timer_add(&slice, clock_now() + SCHED_SLICE_NS);
}

/* A task that slept goes first: it has used little CPU, and interactive work stays prompt. */
static void enqueue_front(struct task *t)
{
    t->next = runq_head;
    runq_head = t;
    if (!runq_tail)
        runq_tail = t;
    if (!slice.armed)
        timer_add(&slice, clock_now() + SCHED_SLICE_NS);
}

static struct task *dequeue(void)
{
    struct task *t = runq_head;

    if (t) {
        runq_head = t->next;
        if (!runq_head)
            runq_tail = 0;
    }
    return t;
}

/* Take t out of the run queue wherever it stands; 1 if it was there. */
static int runq_remove(struct task *t)
{
    for (struct task **pp = &runq_head; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            runq_tail = runq_head;
            while (runq_tail && runq_tail->next)
                runq_tail = runq_tail->next;
            return 1;
        }
    }
    return 0;
}

/* Slice over: ask for a switch; keep ticking only while somebody is waiting. */
static void slice_end(struct timer *t)
{
    sched_need_resched = 1;
    if (runq_head)
        timer_add(t, clock_now() + SCHED_SLICE_NS);
}

/* Upcall exit: preempt ring 3 only (kernel threads are cooperative); a process also gets
 * its signals here. */
static void preempt_hook(struct event_frame *f)
{
    if ((f->cs & 3) != 3)
        return;
    if (sched_need_resched)
        sched_preemptions++;
    if (sched_need_resched || current->work)
        user_return_work((struct trap_frame *)f);
}

void schedule(void)
{
    struct task *prev = current, *next;

    sched_need_resched = 0;
    if (prev->state == TASK_RUNNABLE)
        enqueue(prev);
    while (!(next = dequeue())) {
        /* Idle: block clears upcall_mask; the upcall runs here and may wake someone. */
        HYPERVISOR_sched_op(SCHEDOP_block);
        HYPERVISOR_shared_info->evtchn_upcall_mask = 1;
    }
    if (next == prev)
        return;
    prev->upcall_depth = evtchn_stats.depth;
    evtchn_stats.depth = next->upcall_depth;
    next->switches++;
    if (prev->state == TASK_BLOCKED)
        prev->voluntary++;
    else if (prev->state == TASK_RUNNABLE)
        prev->involuntary++;
    current = next;
    if (prev->proc || next->proc)
        context_switch(prev, next);
    else if (next->user_eip) /* a kernel thread that enters ring 3 needs its entry stack */
        user_set_entry_stack(next->kstack_top);
    switch_to(&prev->esp, next->esp);
    /* Back in this task (now current again). */
    if (current->proc)
        load_fs_gs(current->fs, current->gs);
}

void sched_yield(void)
{
    uint8_t old = evt_disable();

    schedule();
    evt_restore(old);
}

void sched_block(void)
{
    current->state = TASK_BLOCKED;
    schedule();
}

void sched_wake(struct task *t)
{
    if (t->state != TASK_BLOCKED)
        return;
    t->state = TASK_RUNNABLE;
    enqueue_front(t);
    sched_need_resched = 1;
}

void sched_run_first(struct task *t)
{
    uint8_t old = evt_disable();

    if (runq_remove(t)) {
        enqueue_front(t);
        sched_need_resched = 1;
    }
    evt_restore(old);
}

static void wake_timer(struct timer *t)
{
    sched_wake(t->arg);
}

void sleep_ns(uint64_t ns)
{
    struct timer t = {.fn = wake_timer, .arg = current};
    uint8_t old = evt_disable();

    timer_add(&t, clock_now() + ns);
    sched_block();
    timer_cancel(&t);
    evt_restore(old);
}

void sched_first_run(void)
{
    if (current->proc)
        load_fs_gs(current->fs, current->gs);
    evt_enable();
}

void sched_exit(void)
{
    current->state = TASK_DEAD;
    schedule();
    for (;;) /* a dead task is never switched back to */
        HYPERVISOR_sched_op(SCHEDOP_block);
}

/* First run of every task: switch_to "returns" here with upcalls masked. */
static void task_start(void)
{
    sched_first_run();
    current->fn(current->arg);
    evt_disable();
    sched_exit();
}

static void user_entry(void *arg)
{
    (void)arg;
    user_jump(current->user_eip, current->user_esp);
}

/* A free slot with a stack whose top holds `top` bytes (a frame to return through), then what
 * switch_to pops: EDI ESI EBX EBP and the return address `start`. Events masked. */
static struct task *new_task(const char *name, const void *top, uint32_t top_len,
                             void (*start)(void))
{
    struct task *t = 0;

    for (unsigned i = 1; i < MAX_TASKS && !t; i++)
        if (tasks[i].state == TASK_FREE || tasks[i].state == TASK_DEAD)
            t = &tasks[i];
    if (!t)
        return 0;
    uint8_t *stack_top = stacks[t - tasks] + TASK_STACK_SIZE;
    uint32_t *sp = (uint32_t *)(stack_top - top_len);

    *t = (struct task){.name = name, .state = TASK_RUNNABLE};
    t->kstack_top = (uint32_t)stack_top;
    memcpy(sp, top, top_len);
    *--sp = (uint32_t)start; /* switch_to's ret */
    sp -= 4;                 /* EDI ESI EBX EBP */
    sp[0] = sp[1] = sp[2] = sp[3] = 0;
    t->esp = (uint32_t)sp;
    return t;
}

struct task *task_spawn(const char *name, void (*fn)(void *), void *arg)
{
    static const uint32_t no_return = 0; /* task_start's return address: never used */
    uint8_t old = evt_disable();
    struct task *t = new_task(name, &no_return, sizeof(no_return), task_start);

    if (t) {
        t->fn = fn;
        t->arg = arg;
        enqueue(t);
    }
    evt_restore(old);
    return t;
}

struct task *task_spawn_proc(struct proc *p, const struct trap_frame *frame, void (*start)(void))
{
    extern char ret_from_fork[];
    uint8_t old = evt_disable();
    uint16_t fs, gs;

    __asm__ volatile("mov %%fs, %0; mov %%gs, %1" : "=r"(fs), "=r"(gs));
    struct task *t =
        new_task(p->name, frame, sizeof(*frame), start ? start : (void (*)(void))ret_from_fork);
    if (t) {
        t->fs = fs;
        t->gs = gs;
        struct trap_frame *f = (struct trap_frame *)(t->kstack_top - sizeof(*frame));
        f->eax = 0; /* the child's fork() returns 0 */
        t->proc = p;
        p->task = t;
        enqueue(t);
    }
    evt_restore(old);
    return t;
}

struct task *task_spawn_user(const char *name, void (*entry)(void), uint32_t user_esp)
{
    struct task *t = task_spawn(name, user_entry, 0);

    if (t) {
        t->user_eip = (uint32_t)entry;
        t->user_esp = user_esp;
    }
    return t;
}

void task_kill(struct task *t)
{
    uint8_t old = evt_disable();

    if (t != current) {
        runq_remove(t);
        t->state = TASK_DEAD;
    }
    evt_restore(old);
}

void sched_init(void)
{
    slice.fn = slice_end;
    tasks[0] = (struct task){.name = "main", .state = TASK_RUNNABLE};
    tasks[0].kstack_top = user_entry_stack_top();
    current = &tasks[0];
    evtchn_exit_hook = preempt_hook;
}
