/*
 * Every way into the hypervisor: exceptions 0-31, hardware interrupts 0x30-0x3f and the
 * hypercall gate 0x82. Each stub pushes an error code (a zero where the CPU pushes none) and
 * its vector, then the common path saves the guest's registers as a struct cpu_regs and calls
 * do_trap(regs). The return path restores them and irets, to the guest or to ring 0.
 */
#include "layout.h"

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
    jmp common_entry
.endm

/* Stubs are 8-byte aligned and at most 8 bytes long with short jumps out of range, so
 * keep a table of their addresses instead of relying on a fixed size. */
    .globl trap_stubs
    .section .rodata
    .align 4
trap_stubs:
    .text

.macro ENTRY_STUB vec
    .if (\vec == 8) || (\vec == 10) || (\vec == 11) || (\vec == 12) || (\vec == 13) || (\vec == 14) || (\vec == 17) || (\vec == 21)
99: STUB_ERR \vec
    .else
99: STUB_NOERR \vec
    .endif
    .section .rodata
    .long 99b
    .text
.endm

    .set vec, 0
    .rept 32
    ENTRY_STUB vec
    .set vec, vec + 1
    .endr
    .set vec, IRQ_VECTOR_BASE
    .rept NR_IRQ_VECTORS
    ENTRY_STUB vec
    .set vec, vec + 1
    .endr

    .globl hypercall_stub
    .align 8
hypercall_stub:
    push $0
    push $0x82
    jmp common_entry

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
    /* fall through */

/*
 * Return path. Loading the guest's data segments or the final iret can fault (the guest may
 * have changed a descriptor under a loaded selector). Each of those instructions has a fixup:
 * the nested fault's handler resumes at it with the general registers restored, but the
 * popped part of this frame overwritten by the nested frame, so the fixup pushes back what
 * was already popped and hands the rebuilt frame to do_failsafe (ABI §6). Each fixup notes in
 * failsafe_reload which instruction faulted (through SS: the data segments may be the guest's).
 */
    .globl restore_all
restore_all:
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

/* arch_enter_frame(const struct cpu_regs *frame): copy the frame to the top of the
 * hypervisor stack, where every later entry from the guest lands, and return through it.
 * The old stack contents are abandoned: this never returns. */
    .globl arch_enter_frame
arch_enter_frame:
    mov 4(%esp), %esi
    mov $hv_stack + HV_STACK_SIZE - 72, %edi
    mov $18, %ecx
    cld
    rep movsl
    mov $hv_stack + HV_STACK_SIZE - 72, %esp
    jmp restore_all
