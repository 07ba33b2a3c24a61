/* Exceptions while processes run (arch/x86/fault.c). */
#ifndef GUEST_FAULT_H
#define GUEST_FAULT_H

struct trap_frame;
extern int procs_running; /* set once the first process starts: traps go to proc_trap */
void proc_trap(struct trap_frame *f);

#endif
