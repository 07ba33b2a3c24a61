/* Exception entry (ABI §4) and the event and failsafe callbacks (§6): the hypervisor (or, for
 * the fast trap, the CPU) leaves [CR2][error][EIP][CS][EFLAGS]([ESP][SS]) on the ring-1 stack;
 * the stubs even it out to struct trap_frame (arch/x86/traps.h), C decides, plain iret returns. */
#include "frame.inc"

#include <asm-offsets.h> /* SHARED_INFO_UPCALL_PENDING, SHARED_INFO_UPCALL_MASK */
#include <public/xen.h>   /* FLAT_RING3_DS */

    .text
TRAP_STUBS trap_, trap_common
TRAP_COMMON trap_common, trap_handler

/* Event upcall: [EIP][CS][EFLAGS]([ESP][SS]), upcall_mask already set by the hypervisor.
 * The exit path and its critical region are explained at the top of pv/events.c. */
#define UPCALL_PENDING shared_info_page + SHARED_INFO_UPCALL_PENDING
#define UPCALL_MASK shared_info_page + SHARED_INFO_UPCALL_MASK
    .globl event_callback
event_callback:
    cmpl $evt_crit_start, (%esp)   /* (%esp) is SS-relative: DS may be ring 3's */
    jb 1f
    cmpl $evt_crit_end, (%esp)
    jae 1f
    addl $12, %esp              /* nested in the exit window: fold into the older frame */
    incl %ss:evt_fixups
1:  pushl $0                    /* error, CR2, vector: the frame is a struct trap_frame */
    pushl $0
    pushl $-1
    SAVE_FRAME_REGS
    movl %ss, %eax
    movl %eax, %ds
    movl %eax, %es
    cld
    pushl %esp
    call evtchn_do_upcall
    addl $4, %esp
    RESTORE_FRAME_REGS
    addl $12, %esp
    /* Only the iret frame is left: from here on an upcall may be folded into it. */
    .globl evt_crit_start, evt_crit_end
evt_crit_start:
    movb $0, %ss:UPCALL_MASK
    testb $0xff, %ss:UPCALL_PENDING
    jnz 2f
3:  iret
2:  movb $1, %ss:UPCALL_MASK
    incl %ss:evt_exit_rechecks
    jmp 1b
evt_crit_end:
    .section __ex_table, "a"
    .long 3b, iret_fault        /* linux_entry.S: a faulting iret to ring 3 */
    .previous

    .bss
    .align 4
    .globl evt_fixups, evt_exit_rechecks
evt_fixups:
    .skip 4
evt_exit_rechecks:
    .skip 4
    .text

/* Failsafe: [DS][ES][FS][GS][EIP][CS][EFLAGS]([ESP][SS]) with DS..GS null. Reload DS/ES first
 * (from SS: we are on a ring-1 stack), note what we got, drop the four selectors, iret. */
    .globl failsafe_callback
failsafe_callback:
    pushl %eax
    movl %ss, %eax
    movl %eax, %ds
    movl %eax, %es
    movzwl 4(%esp), %eax
    movl %eax, failsafe_segs
    movzwl 8(%esp), %eax
    movl %eax, failsafe_segs + 4
    movzwl 12(%esp), %eax
    movl %eax, failsafe_segs + 8
    movzwl 16(%esp), %eax
    movl %eax, failsafe_segs + 12
    incl failsafe_count
    testb $2, 24(%esp)          /* back to ring 3? then its data segment, not ours */
    jz 1f
    movl $FLAT_RING3_DS, %eax
    movl %eax, %ds
    movl %eax, %es
1:  popl %eax
    addl $16, %esp
2:  iret
    .section __ex_table, "a"
    .long 2b, iret_fault
    .previous

    .section .note.GNU-stack, "", @progbits
