/*
 * The Linux system-call entry (int $0x80 from ring 3, through the fast trap or bounced) and the
 * way back to ring 3. The frame is a struct trap_frame (arch/x86/traps.h) with the system-call
 * number in the vector slot; the handler gets copies of EBX..EBP as its six arguments (so it
 * may clobber them), and its result goes into the EAX slot. Before the iret, pending work
 * (a reschedule, a signal) is done in C on the frame.
 */
#include <linux/unistd.h>
#include "frame.inc"

#include <asm-offsets.h> /* GDT_KERNEL_DS, FRAME_EAX, SYSCALL_FRAME_MARK, TASK_WORK */

    .text
    .globl linux_syscall_entry
    .align 16
linux_syscall_entry:
    pushl $SYSCALL_FRAME_MARK   /* error code: marks a system call's frame (arch/x86/traps.h) */
    pushl $0                    /* CR2 */
    pushl %eax                  /* vector slot: the number, as Linux's orig_eax */
    SAVE_FRAME_REGS
    pushl %ebp                  /* the six arguments */
    pushl %edi
    pushl %esi
    pushl %edx
    pushl %ecx
    pushl %ebx
    movl $GDT_KERNEL_DS, %edx
    movl %edx, %ds
    movl %edx, %es
    incl kstats                 /* kstats.syscalls */
    cmpl $NR_SYSCALLS, %eax
    jae 2f
    call *syscall_table(, %eax, 4)
1:  addl $24, %esp
    movl %eax, FRAME_EAX(%esp)
    .globl syscall_exit
syscall_exit:
    cmpl $0, sched_need_resched
    jne 3f
    movl current, %ecx
    cmpl $0, TASK_WORK(%ecx)
    jne 3f
    .globl frame_restore
frame_restore:
    popl %ebx
    popl %ecx
    popl %edx
    popl %esi
    popl %edi
    popl %ebp
    popl %eax
4:  popl %ds
5:  popl %es
    addl $12, %esp              /* vector, CR2, error */
8:  iret
2:  call sys_ni_syscall
    jmp 1b
3:  pushl %esp
    call user_return_work
    addl $4, %esp
    jmp frame_restore

/* A data segment that went bad while we were in the kernel (its descriptor changed): return
 * with a null one instead, as Linux does. */
6:  movl $0, (%esp)
    jmp 4b
7:  movl $0, (%esp)
    jmp 5b
    .section __ex_table, "a"
    .long 4b, 6b
    .long 5b, 7b
    .long 8b, iret_fault
    .previous

/* An iret to ring 3 faulted (here, in entry.S's event exit or in the failsafe callback; see
 * arch/x86/user_frame.c). We arrive with the process's registers and its iret frame at %esp, just
 * as if it had entered the kernel: make that a frame again and leave through the usual exit,
 * which delivers the signal user_frame_bad_iret raises. */
    .globl iret_fault
iret_fault:
    pushl $0                    /* error, CR2, vector: user_frame_bad_iret fills them in */
    pushl $0
    pushl $-1
    SAVE_FRAME_REGS
    movl $GDT_KERNEL_DS, %edx
    movl %edx, %ds
    movl %edx, %es
    cld
    pushl %esp
    call user_frame_bad_iret
    addl $4, %esp
    jmp syscall_exit

/* void enter_user(struct trap_frame *f): leave the kernel through f (the first process). */
    .globl enter_user
enter_user:
    movl 4(%esp), %esp
    jmp syscall_exit

/* First run of a forked child: switch_to "returns" here, on a copy of the parent's frame. */
    .globl ret_from_fork
ret_from_fork:
    call sched_first_run
    jmp syscall_exit

    .section .note.GNU-stack, "", @progbits
