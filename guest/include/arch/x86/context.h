/* A process's CPU context beyond its registers (arch/x86/context.c, arch/x86/fpu.c): address
 * space, TLS descriptors and FPU, switched together in one multicall. */
#ifndef GUEST_CONTEXT_H
#define GUEST_CONTEXT_H

#include <kernel/proc.h>
#include <kernel/mm/vm.h>

/* Load mm's L2 now (NULL: the kernel's own), e.g. before the old one is destroyed. */
void context_use_mm(struct mm *mm);
/* Write p's TLS descriptors into the GDT if they are not there (after set_thread_area). */
int context_load_tls(struct proc *p);

/* Lazy FPU: the state stays in the FPU until another process uses it (#NM). */
void fpu_nm_trap(void);                 /* the #NM handler */
void fpu_save_for_fork(struct proc *p); /* make p->fpu current (the child copies it) */
void fpu_forget(struct proc *p);        /* p exits: its state is dropped */
void fpu_exec(struct proc *p);          /* p execs: dropped, and TS set so its next use traps */
int fpu_needs_switch(void);             /* the FPU is live: the next switch must set TS */
void fpu_switched(void);                /* fpu_taskswitch was issued */
int fpu_zero_page(void *page);          /* 16-byte stores if TS is clear; 0: not done */
int fpu_copy_page(void *to, const void *from); /* 16-byte moves; 0: not done (no SSE) */

#endif
