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
.Lhypercall_out:
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

/*
 * multicall (ABI §3), hypercall_table's entry for number 13: a batch of hypercalls in one trap.
 * It has to cost less than the traps it saves, even for two entries, so it is a loop of its
 * own here rather than a C function: hypercall_stub has saved every register and restores them
 * all, so the loop keeps its state in EBX (the list's end) and ESI (the entry, as a negative
 * offset from the end) with no frame and nothing saved, and leaves through the stub's exit.
 * Entered from hypercall_stub only: the list and the count are still in the guest's EBX and
 * ECX, as the stub found them; the stub's copies are its arguments at 4(%esp) and 8(%esp).
 *
 * Once per batch: the count (1 to MC_MAX_ENTRIES; 0 is a no-op for a list that fits) and the
 * list's range [list, list + 32 n), which must not wrap and must end below the hypervisor (the
 * results are written); the entries counted; the invalidations the entries ask for deferred to
 * the end (mmu_deferred, hv/hypercall.h: list and span set here, span back to ~0 at the end, and
 * mmu_deferred_flush when any is owed). Refusals go to core/multicall.c, which logs them.
 *
 * Per entry, about 10 instructions and the handler's arguments: the op's low byte picks one of
 * 32 entry routines (mc_thunks repeats them for every byte: the number modulo 32 without a
 * mask). Each counts its number (hv_op's per-number counters), pushes the arguments its handler
 * takes straight from guest memory (multicall_args_checked in core/multicall.c pins each
 * handler's type to the count pushed here), calls it through hypercall_table, stores the result
 * in args[5] and goes on to the next entry's routine. Number 13's routine is the refusal of a
 * nested multicall (-EINVAL in its result, not counted), so no entry tests for it. A routine
 * whose handler takes fewer than five arguments reads the last byte of args[4] first, so an
 * entry is refused unreadable exactly when bytes 0-23 (op and args[0..4]) cannot all be read,
 * as ever. Every access to the list has its fixup: a fault reading an entry or writing a result
 * ends the batch with -EFAULT (core/multicall.c: multicall_fault logs it, does the deferred
 * invalidations and uncounts the batch), after the entries before it ran. Every 16 entries
 * before the last, an interrupt window: the offset's bits 5-8 are then 0, the same test that
 * finds the end.
 *
 * A crash inside a handler backtraces to the entry's routine here (inside do_multicall); there
 * is no frame of its own (EBP stays the stub's 0), so the walk ends there: its caller is always
 * hypercall_stub.
 */
/* Where the frame is while a hypercall runs (every entry from the guest lands at the top of
 * hv_stack: the TSS's ESP0, desc_tables.c), and ESP at do_multicall's start, below the stub's
 * return address and its five arguments. The handlers' arguments are not popped after each
 * call but left until the next interrupt window or the end, where ESP is set back to
 * MC_STACK: at most 16 entries of 20 bytes. */
#define MC_FRAME (hv_stack + HV_STACK_SIZE - REGS_SIZE)
#define MC_STACK (MC_FRAME - 24)

.macro MC_FIXUP insn, fixup
    .pushsection __ex_table, "a"
    .long \insn, \fixup
    .popsection
.endm

/* The next entry: its number's routine, through the table of 256. */
.macro MC_DISPATCH
99: movzbl (%ebx,%esi), %eax
    MC_FIXUP 99b, .Lmc_unreadable
    jmp *mc_thunks(,%eax,4)
.endm

/* push args[off / 4 - 1] of the entry (a fault: .Lmc_unreadable resets the stack). */
.macro MC_PUSH off
98: pushl \off(%ebx,%esi)
    MC_FIXUP 98b, .Lmc_unreadable
.endm

/* The result into args[5], then the next entry; past the last, or every 16 entries, out. */
.macro MC_NEXT
96: mov %eax, MC_RESULT(%ebx,%esi)
    MC_FIXUP 96b, .Lmc_unwritable
    add $MC_ENTRY_SIZE, %esi
    test $(15 * MC_ENTRY_SIZE), %esi
    jz .Lmc_window_or_end
    MC_DISPATCH
.endm

/* The routine of number nr, whose handler takes nargs arguments (0-3 or 5). */
.macro MC_THUNK nr, nargs
.Lmc_thunk_\nr:
    incl dom0_hypercalls + 4 * \nr
    .if \nargs < 5
95: cmpb $0, MC_RESULT - 1(%ebx,%esi)
    MC_FIXUP 95b, .Lmc_unreadable
    .else
    MC_PUSH 20
    MC_PUSH 16
    .endif
    .if \nargs >= 3
    MC_PUSH 12
    .endif
    .if \nargs >= 2
    MC_PUSH 8
    .endif
    .if \nargs >= 1
    MC_PUSH 4
    .endif
    call *hypercall_table + 4 * \nr
    MC_NEXT
.endm

    .globl do_multicall
    .align 16
do_multicall:
    mov %ebx, mmu_deferred + MMU_DEFERRED_LIST
    lea -1(%ecx), %eax
    cmp $MC_MAX_ENTRIES - 1, %eax
    ja .Lmc_empty_or_huge
    imul $-MC_ENTRY_SIZE, %ecx, %esi
    sub %esi, %ebx                  /* the end; no borrow: list + 32 n wrapped */
    jnc multicall_refuse_list
    cmp $MC_LIST_END_MAX, %ebx
    ja multicall_refuse_list
    add %ecx, dom0_multicall_entries
    mov $0xffe, %eax
    sub %esi, %eax
    mov %eax, mmu_deferred + MMU_DEFERRED_SPAN
    MC_DISPATCH

.Lmc_window_or_end:
    test %esi, %esi
    jnz .Lmc_window
    movl $-1, mmu_deferred + MMU_DEFERRED_SPAN
    cmpl $0, mmu_deferred + MMU_DEFERRED_NR
    jne .Lmc_flush
.Lmc_done:
    mov $MC_FRAME, %esp
    movl $0, REGS_EAX(%esp)
    mov dom0_shared_info, %eax      /* the rest of hypercall_stub's exit */
    cmpb $0, SHARED_INFO_UPCALL_PENDING(%eax)
    jne hypercall_event
    RESTORE_ALL_IRET
.Lmc_flush:
    call mmu_deferred_flush
    jmp .Lmc_done
.Lmc_window:
    mov $MC_STACK, %esp
    sti
    nop
    cli
    MC_DISPATCH

/* A count of 0 (a no-op, for a list that would fit) or above MC_MAX_ENTRIES (refused). Both
 * return to the stub, as the refusals do: multicall_refuse_list(list, n) takes the stub's
 * arguments as its own. */
.Lmc_empty_or_huge:
    test %ecx, %ecx
    jnz multicall_refuse_list
    cmp $MC_LIST_END_MAX, %ebx
    ja multicall_refuse_list
    xor %eax, %eax
    ret

/* multicall_fault(list, n, the entry, 0: unreadable / 1: its result unwritable) -> -EFAULT */
.Lmc_unwritable:
    mov $MC_STACK, %esp
    push $1
    jmp 1f
.Lmc_unreadable:
    mov $MC_STACK, %esp
    push $0
1:  lea (%ebx,%esi), %eax
    push %eax
    pushl 16(%esp)
    pushl 16(%esp)
    call multicall_fault
    add $16, %esp
    ret

/* Number 13: a nested multicall, refused in its result slot (its op's four bytes read first, as
 * ever); not counted. */
.Lmc_thunk_13:
94: cmpb $0, 3(%ebx,%esi)
    MC_FIXUP 94b, .Lmc_unreadable
    lea (%ebx,%esi), %eax
    push %eax
    pushl MC_STACK + 4
    call multicall_nested
    MC_NEXT

    MC_THUNK 0, 5   /* set_trap_table */
    MC_THUNK 1, 3   /* mmu_update */
    MC_THUNK 2, 5   /* set_gdt */
    MC_THUNK 3, 2   /* stack_switch */
    MC_THUNK 4, 5   /* set_callbacks */
    MC_THUNK 5, 0   /* fpu_taskswitch */
    MC_THUNK 6, 5   /* sched_op */
    MC_THUNK 7, 5
    MC_THUNK 8, 5   /* set_debugreg */
    MC_THUNK 9, 5   /* get_debugreg */
    MC_THUNK 10, 3  /* update_descriptor */
    MC_THUNK 11, 5  /* set_fast_trap */
    MC_THUNK 12, 5
    MC_THUNK 14, 3  /* update_va_mapping */
    MC_THUNK 15, 5  /* set_timer_op */
    MC_THUNK 16, 5  /* event_channel_op */
    MC_THUNK 17, 5  /* xen_version */
    MC_THUNK 18, 5  /* console_io */
    MC_THUNK 19, 5
    MC_THUNK 20, 5
    MC_THUNK 21, 5
    MC_THUNK 22, 5
    MC_THUNK 23, 5
    MC_THUNK 24, 5
    MC_THUNK 25, 5
    MC_THUNK 26, 5
    MC_THUNK 27, 5
    MC_THUNK 28, 5
    MC_THUNK 29, 5
    MC_THUNK 30, 5  /* netif_op */
    MC_THUNK 31, 5  /* hv_op */

    .section .rodata
    .align 4
mc_thunks:
    .rept 256 / NR_HYPERCALLS
    .long .Lmc_thunk_0, .Lmc_thunk_1, .Lmc_thunk_2, .Lmc_thunk_3, .Lmc_thunk_4, .Lmc_thunk_5
    .long .Lmc_thunk_6, .Lmc_thunk_7, .Lmc_thunk_8, .Lmc_thunk_9, .Lmc_thunk_10, .Lmc_thunk_11
    .long .Lmc_thunk_12, .Lmc_thunk_13, .Lmc_thunk_14, .Lmc_thunk_15, .Lmc_thunk_16
    .long .Lmc_thunk_17, .Lmc_thunk_18, .Lmc_thunk_19, .Lmc_thunk_20, .Lmc_thunk_21
    .long .Lmc_thunk_22, .Lmc_thunk_23, .Lmc_thunk_24, .Lmc_thunk_25, .Lmc_thunk_26
    .long .Lmc_thunk_27, .Lmc_thunk_28, .Lmc_thunk_29, .Lmc_thunk_30, .Lmc_thunk_31
    .endr
    .text

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
