/*
 * Every way into the hypervisor: exceptions 0-31, hardware interrupts 0x30-0x3f and the
 * hypercall gate 0x82. Each stub pushes an error code (a zero where the CPU pushes none) and
 * its vector, then the common path saves the guest's registers as a struct cpu_regs and calls
 * do_trap(regs). The return path restores them and irets, to the guest or to ring 0.
 */
#include "layout.h"
#include <asm-offsets.h> /* REGS_*, SHARED_INFO_UPCALL_PENDING */
#include <public/xen.h>   /* HYPERCALL_VECTOR, NR_HYPERCALLS, TRAP_* */

    .text

.macro STUB_NOERR vec
    .align 8
    push $0
    push $\vec
    jmp common_entry
.endm

.macro STUB_ERR vec
    .align 8
    push $\vec
    .if \vec == TRAP_gp_fault
    jmp gp_entry
    .else
    jmp common_entry
    .endif
.endm

/* Stubs are 8-byte aligned and at most 8 bytes long with short jumps out of range, so
 * keep a table of their addresses instead of relying on a fixed size. */
    .globl trap_stubs
    .section .rodata
    .align 4
trap_stubs:
    .text

.macro ENTRY_STUB vec
    .if (\vec == TRAP_double_fault) || (\vec == TRAP_invalid_tss) || (\vec == TRAP_no_segment) || (\vec == TRAP_stack_error) || (\vec == TRAP_gp_fault) || (\vec == TRAP_page_fault) || (\vec == TRAP_alignment_check) || (\vec == TRAP_control_protection)
99: STUB_ERR \vec
    .else
99: STUB_NOERR \vec
    .endif
    .section .rodata
    .long 99b
    .text
.endm

    .set vec, 0
    .rept NR_EXCEPTION_VECTORS
    ENTRY_STUB vec
    .set vec, vec + 1
    .endr
    .set vec, IRQ_VECTOR_BASE
    .rept NR_IRQ_VECTORS
    ENTRY_STUB vec
    .set vec, vec + 1
    .endr

    .globl spurious_stub
    .align 8
spurious_stub:
    push $0
    push $0xff
    jmp common_entry

/* Save the general registers (completing a struct cpu_regs) and load the hypervisor's data
 * segments. FS/GS are nulled: the hypervisor does not use them, and a guest selector left in
 * them would be saved again by a fault on the return path's "pop %fs" and refault without end. */
.macro SAVE_GPRS_LOAD_HV_SEGS
    push %eax
    push %ebp
    push %edi
    push %esi
    push %edx
    push %ecx
    push %ebx
    cld
    mov $HV_DS, %eax
    mov %eax, %ds
    mov %eax, %es
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
.endm

/* fn(struct cpu_regs *frame), the frame being at the stack pointer. */
.macro CALL_WITH_FRAME fn
    mov %esp, %eax
    push %eax
    call \fn
    add $4, %esp
.endm

common_entry:
    push %gs
    push %fs
    push %es
    push %ds
    SAVE_GPRS_LOAD_HV_SEGS
    CALL_WITH_FRAME do_trap
    jmp restore_all

/* #GP has a path of its own: the bounced system call ("int $0x80" with the fast trap off)
 * arrives as one, and do_general_protection (guest_traps.c, register argument) delivers it
 * without the generic dispatch; everything else it hands to do_trap. */
gp_entry:
    push %gs
    push %fs
    push %es
    push %ds
    SAVE_GPRS_LOAD_HV_SEGS
    mov %esp, %eax
    call do_general_protection
    /* falls through to restore_all */

/*
 * Return path. Loading the guest's data segments or the final iret can fault (the guest may
 * have changed a descriptor under a loaded selector). Each of those instructions has a fixup:
 * the nested fault's handler resumes at it with the general registers restored, but the
 * popped part of this frame overwritten by the nested frame, so the fixup pushes back what
 * was already popped and hands the rebuilt frame to do_failsafe (ABI §6). Each fixup notes in
 * failsafe_reload which instruction faulted (through SS: the data segments may be the guest's).
 */
/* The return path is a macro, so that the hypercall path has its own copy (one jump less). */
.macro RESTORE_ALL_IRET
    pop %ebx
    pop %ecx
    pop %edx
    pop %esi
    pop %edi
    pop %ebp
    pop %eax
1:  pop %ds
2:  pop %es
3:  pop %fs
4:  pop %gs
    add $8, %esp            /* vector, error code */
5:  iret
    .pushsection __ex_table, "a"
    .long 1b, fix_ds, 2b, fix_es, 3b, fix_fs, 4b, fix_gs, 5b, fix_iret
    .popsection
.endm

    .globl restore_all
restore_all:
    RESTORE_ALL_IRET

/*
 * The hypercall gate (ABI §2), its own path: it can only be a hypercall from ring 1, so no
 * do_trap dispatch. The frame is the same struct cpu_regs; the segment registers are loaded as
 * on every entry (the return path's fixups depend on it). Then: the number modulo 32, its
 * counter (hv_op statistics), the handler straight from hypercall_table (which has one for
 * every number: the unimplemented ones log and return -ENOSYS) with the five argument
 * registers pushed as cdecl arguments (a copy: a handler may write its argument slots, the
 * guest's registers must survive), the result into the frame's EAX, and the test for a pending
 * event inline; a pending event is delivered by hypercall_event below.
 * dom0_hypercalls and dom0_shared_info are the addresses of dom0's fields (core/domain.c
 * defines them).
 */
    .globl hypercall_stub
    .align 16
hypercall_stub:
    push $0
    push $HYPERCALL_VECTOR
    push %gs
    push %fs
    push %es
    push %ds
    push %eax
    push %ebp
    push %edi
    push %esi
    push %edx
    push %ecx
    push %ebx
    cld
    mov $HV_DS, %ebp
    mov %ebp, %ds
    mov %ebp, %es
    xor %ebp, %ebp
    mov %ebp, %fs
    mov %ebp, %gs
    and $(NR_HYPERCALLS - 1), %eax
    incl dom0_hypercalls(,%eax,4)
    push %edi
    push %esi
    push %edx
    push %ecx
    push %ebx
    call *hypercall_table(,%eax,4)
    add $20, %esp
    mov %eax, REGS_EAX(%esp)
    mov dom0_shared_info, %eax
    cmpb $0, SHARED_INFO_UPCALL_PENDING(%eax)
    jne hypercall_event
    RESTORE_ALL_IRET

/*
 * A pending event on the way out of a hypercall: the upcall (x86_event_upcall's work,
 * bounce.h's frame) written out here for the one case this path can have. The gate's DPL is 1,
 * so the caller is the guest kernel in ring 1 and the frame goes on its own stack,
 * [EIP][CS][EFLAGS] below the interrupted ESP, through the interrupted SS loaded into GS (its
 * base and limit apply as they would to the CPU). Each store has its fixup: a frame that
 * cannot be written crashes the guest with x86_bounce_failed's log line, as the C bounce does.
 * Nothing else is done differently from C: masked upcalls or no callback return as they are,
 * the mask is set, the frame's EFLAGS loses TF/NT/RF/VM, CS:EIP becomes the callback's, the
 * upcall is counted. Anything but a ring-1 frame (which the gate cannot deliver) goes to C.
 * %eax holds dom0's shared_info.
 */
hypercall_event:
    cmpb $0, SHARED_INFO_UPCALL_MASK(%eax)
    jne restore_all
    mov dom0_event_eip, %ecx
    test %ecx, %ecx
    jz restore_all
    testb $2, REGS_CS(%esp)
    jnz hypercall_event_c
    movb $1, SHARED_INFO_UPCALL_MASK(%eax)
    movzwl REGS_SS(%esp), %edx
    mov REGS_ESP(%esp), %ebx
    sub $12, %ebx
6:  mov %edx, %gs
    mov REGS_EIP(%esp), %eax
7:  mov %eax, %gs:(%ebx)
    movzwl REGS_CS(%esp), %eax
8:  mov %eax, %gs:4(%ebx)
    mov REGS_EFLAGS(%esp), %eax
9:  mov %eax, %gs:8(%ebx)
    and $~BOUNCE_EFLAGS_CLEARED, %eax
    mov %eax, REGS_EFLAGS(%esp)
    mov %edx, REGS_SS(%esp)
    mov %ebx, REGS_ESP(%esp)
    movzwl dom0_event_cs, %eax
    mov %eax, REGS_CS(%esp)
    mov %ecx, REGS_EIP(%esp)
    incl dom0_event_upcalls
    .pushsection __ex_table, "a"
    .long 6b, hypercall_event_fault, 7b, hypercall_event_fault
    .long 8b, hypercall_event_fault, 9b, hypercall_event_fault
    .popsection
    RESTORE_ALL_IRET
/* x86_bounce_failed(dom0, frame, BOUNCE_EVENT, ss, the interrupted esp): never returns. */
hypercall_event_fault:
    add $12, %ebx
    push %ebx
    push %edx
    push $BOUNCE_WHAT_EVENT
    lea 12(%esp), %eax
    push %eax
    push $dom0
    call x86_bounce_failed
    ud2
hypercall_event_c:
    mov %esp, %eax
    push %eax
    push $dom0
    call x86_event_upcall
    add $8, %esp
    jmp restore_all

fix_iret:
    movl $FAILSAFE_IRET, %ss:failsafe_reload
    push $0                 /* error code and vector slots */
    push $0
    push %gs
    jmp 4f
fix_gs:
    movl $FAILSAFE_GS, %ss:failsafe_reload
4:  push %fs
    jmp 3f
fix_fs:
    movl $FAILSAFE_FS, %ss:failsafe_reload
3:  push %es
    jmp 2f
fix_es:
    movl $FAILSAFE_ES, %ss:failsafe_reload
2:  push %ds
    jmp 1f
fix_ds:
    movl $FAILSAFE_DS, %ss:failsafe_reload
1:  SAVE_GPRS_LOAD_HV_SEGS
    CALL_WITH_FRAME do_failsafe
    jmp restore_all

/* x86_enter_frame(const struct cpu_regs *frame): copy the frame to the top of the
 * hypervisor stack, where every later entry from the guest lands, and return through it.
 * The old stack contents are abandoned: this never returns. */
    .globl x86_enter_frame
x86_enter_frame:
    mov 4(%esp), %esi
    mov $hv_stack + HV_STACK_SIZE - REGS_SIZE, %edi
    mov $REGS_SIZE / 4, %ecx
    cld
    rep movsl
    mov $hv_stack + HV_STACK_SIZE - REGS_SIZE, %esp
    jmp restore_all
