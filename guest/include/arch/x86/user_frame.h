/* The way back to ring 3 (arch/x86/user_frame.c): what a process's saved frame may hold before an
 * iret takes it, and what happens when an iret to ring 3 faults anyway. */
#ifndef GUEST_USER_FRAME_H
#define GUEST_USER_FRAME_H

#include <stdint.h>

struct proc;
struct trap_frame;

#define USER_CODE_LIMIT 0xFC3FFFFFu /* the last byte the ring-3 code segments reach (ABI §1) */

/* Check f's CS, SS and EIP against what ring 3 may use (selectors it can load with their
 * descriptors as p has them now, EIP within the code segment): 0 when they are fine; otherwise
 * SIGSEGV is forced on p, as the iret or the instruction fetch would have raised it, and -1 is
 * returned. The bad values stay in the frame: the signal is delivered before any iret. */
int user_frame_vet(struct proc *p, const struct trap_frame *f);
/* 0 (framecheck=off on the command line): user_frame_vet passes everything, so that a test can
 * reach the exception-table path below from ring 3. */
extern int user_frame_checks;

/* The entry stub of arch/x86/linux_entry.S: an iret to ring 3 (or the segment loads before
 * it) faulted with vector/error. f is the ring-3 frame rebuilt on top of the kernel stack. */
void user_frame_bad_iret(struct trap_frame *f);

/* What the exception-table fixup of a faulting iret recorded (arch/x86/fault.c). */
extern uint32_t bad_iret_vector, bad_iret_error;

#endif
