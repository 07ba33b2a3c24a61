/* The out-of-memory killer (kernel/mm/oom.c). */
#ifndef GUEST_OOM_H
#define GUEST_OOM_H

#include <stdint.h>

struct proc;

/* p's fault found no free page: kill the biggest process but init (p itself, perhaps) or wait
 * for one already killed. 1: memory should be back, retry the access (only when may_sleep: p
 * faulted in ring 3, and waited); 0: the access fails (p was the victim, is dying, or there is
 * nobody to kill). */
int oom_kill_for(struct proc *p, int may_sleep);
extern uint32_t oom_kills; /* processes killed for memory */

#endif
