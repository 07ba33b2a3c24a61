/* test=mmu-review (selftest/test_review*.c): CPU states a guest may leave behind when it enters the
 * hypervisor (DF, NT, a pending x87 error, a debug trap delayed by "mov ss"), and the exception
 * triggers of the review in the shape of selftest/x86/triggers.S: k_NAME / u_NAME, NAME_eip,
 * NAME_resume. */
#include <selftest/ring3.h>

#define EIP(P) .globl P##_eip; P##_eip:
#define RESUME(P) .globl P##_resume; P##_resume:
#define TRIGGER_K(name, body) .text; .globl k_##name; k_##name: body(k_##name); ret;
#define TRIGGER_U(name, body) \
    .section .user.text, "ax"; .globl u_##name; u_##name: body(u_##name); \
    movl $0, %ebx; movl $SYS_exit, %eax; int $0x80;

#define EFLAGS_NT 0x4000

/* in/out on the port in trig_arg: every one must raise #GP (IOPL 0, no I/O bitmap for guests). */
#define B_INB_ARG(P) movl trig_arg, %edx; movl $0x5a5a5a5a, %eax; EIP(P) inb %dx, %al; \
    RESUME(P) movl %eax, trig_result
#define B_OUTB_ARG(P) movl trig_arg, %edx; xorl %eax, %eax; EIP(P) outb %al, %dx; RESUME(P)
/* A page fault taken with DF = 1: the bounce frame must still be right. */
#define B_DF_PF(P) movl trig_arg, %ecx; std; EIP(P) movl (%ecx), %eax; RESUME(P) cld
/* iret with NT = 1 asks for a return to the task in the TSS back link: the hypervisor's TSS.
 * trig_result = 1 if the iret returned as a plain iret. */
#define B_NT_IRET(P) movl $0, trig_result; pushfl; popl %eax; andl $~EFLAGS_NT, %eax; \
    pushl %eax; pushl %cs; pushl $1f; pushfl; orl $EFLAGS_NT, (%esp); popfl; \
    EIP(P) iret; \
    1: movl $1, trig_result; jmp 2f; \
    RESUME(P) addl $12, %esp; \
    2: pushfl; andl $~EFLAGS_NT, (%esp); popfl

/* Load the selector in trig_arg into FS; trig_result = what FS then holds; FS put back. */
#define B_LOAD_FS(P) movl %fs, %edx; movl trig_arg, %eax; EIP(P) movl %eax, %fs; \
    RESUME(P) movl %fs, %eax; movl %eax, trig_result; movl %edx, %fs

TRIGGER_K(inb_arg, B_INB_ARG)
TRIGGER_U(inb_arg, B_INB_ARG)
TRIGGER_K(outb_arg, B_OUTB_ARG)
TRIGGER_U(outb_arg, B_OUTB_ARG)
TRIGGER_K(df_pf, B_DF_PF)
TRIGGER_K(nt_iret, B_NT_IRET)
TRIGGER_K(load_fs, B_LOAD_FS)
/* Ring 3 that only leaves again (its SYS_exit is an int $0x80, through the fast trap if on). */
#define B_NOTHING(P) EIP(P) RESUME(P)
TRIGGER_U(exit_now, B_NOTHING)
/* A read of the word at trig_arg into trig_result (0 if it faulted). */
#define B_READ_ARG(P) movl trig_arg, %ecx; xorl %eax, %eax; EIP(P) movl (%ecx), %eax; \
    RESUME(P) movl %eax, trig_result
TRIGGER_K(read_arg, B_READ_ARG)
#define B_INT2B(P) EIP(P) int $0x2b; RESUME(P)
TRIGGER_U(int2b, B_INT2B)

    .text
/* uint32_t rv_hypercall_df(nr, a1, a2, a3): the hypercall entered with DF = 1. */
    .globl rv_hypercall_df
rv_hypercall_df:
    pushl %ebx
    movl 8(%esp), %eax
    movl 12(%esp), %ebx
    movl 16(%esp), %ecx
    movl 20(%esp), %edx
    std
    int $0x82
    cld
    popl %ebx
    ret

/* uint32_t rv_hypercall_nt(nr, a1): the hypercall entered with NT = 1. */
    .globl rv_hypercall_nt
rv_hypercall_nt:
    pushl %ebx
    movl 8(%esp), %eax
    movl 12(%esp), %ebx
    pushfl
    orl $EFLAGS_NT, (%esp)
    popfl
    int $0x82
    pushfl
    andl $~EFLAGS_NT, (%esp)
    popfl
    popl %ebx
    ret

/* uint32_t rv_hypercall_movss(nr): "mov rv_ss_word, %ss" then int $0x82. A data breakpoint on
 * rv_ss_word is held back by the CPU until after the next instruction: on hardware it fires
 * at the hypervisor's first instruction, in ring 0 (the "POP SS" erratum class). */
    .globl rv_hypercall_movss
rv_hypercall_movss:
    pushl %ebx
    movl 8(%esp), %eax
    xorl %ebx, %ebx
    movw rv_ss_word, %ss
    int $0x82
    popl %ebx
    ret

/* uint32_t rv_hypercall_fs(fs, nr, a1, a2, a3): the hypercall made with FS = fs, which the
 * hypervisor must reload on the way out; FS is put back afterwards. */
    .globl rv_hypercall_fs
rv_hypercall_fs:
    pushl %ebx
    movl %fs, %eax
    pushl %eax
    movl 12(%esp), %eax
    movl %eax, %fs
    movl 16(%esp), %eax
    movl 20(%esp), %ebx
    movl 24(%esp), %ecx
    movl 28(%esp), %edx
    int $0x82
    popl %ecx
    movl %ecx, %fs
    popl %ebx
    ret

/* Counting handlers for vectors 1 and 0x81 (installed by set_trap_table for a few checks that
 * expect more than one exception): each notes how often it ran and the last EIP, and irets. */
    .globl rv_count_db, rv_count_81
rv_count_db:
    incl %ss:rv_db_hits
    pushl %eax
    movl 4(%esp), %eax
    movl %eax, %ss:rv_db_eip
    popl %eax
    iret
rv_count_81:
    incl %ss:rv_81_hits
    pushl %eax
    movl 4(%esp), %eax
    movl %eax, %ss:rv_81_eip
    popl %eax
    iret

/* A handler noting upcall_mask as it finds it on entry. */
    .globl rv_count_mask
rv_count_mask:
    pushl %eax
    movzbl %ss:shared_info_page + 1, %eax
    movl %eax, %ss:rv_mask_seen
    incl %ss:rv_mask_hits
    popl %eax
    iret

/* void rv_int81_on(stack_top): int $0x81 (bounced by the hypervisor) on another ring-1 stack. */
    .globl rv_int81_on, rv_int81_on_eip
rv_int81_on:
    movl %esp, %ecx
    movl 4(%esp), %esp
    int $0x81
rv_int81_on_eip:
    movl %ecx, %esp
    ret

/* void rv_int81_ss_esp(ss, esp): int $0x81 with SS:ESP as given (test=mmu-review-*). */
    .globl rv_int81_ss_esp
rv_int81_ss_esp:
    movl %esp, rv_saved_esp
    movl %ss, %eax
    movl %eax, rv_saved_ss
    movl 4(%esp), %eax
    movl 8(%esp), %ecx
    movl %eax, %ss
    movl %ecx, %esp
    int $0x81
    movl rv_saved_ss, %eax
    movl %eax, %ss
    movl rv_saved_esp, %esp
    ret

/* void rv_upcall_on(esp): upcalls unmasked, then a hypercall with ESP as given: the pending
 * event is delivered on that stack on the way out. */
    .globl rv_upcall_on
rv_upcall_on:
    pushl %ebx
    movl %esp, rv_saved_esp
    movl 8(%esp), %esp
    movb $0, shared_info_page + 1
    movl $17, %eax
    xorl %ebx, %ebx
    int $0x82
    movl rv_saved_esp, %esp
    popl %ebx
    ret

/* uint32_t rv_upcall_ss_call(ss, esp, nr, a1, a2, a3): SS:ESP as given, upcalls unmasked, then
 * hypercall nr(a1, a2, a3): the pending event is delivered on that stack on the way out
 * (test=mmu-review-upcall-*; the call may change the very descriptor SS names). */
    .globl rv_upcall_ss_call
rv_upcall_ss_call:
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, rv_saved_esp
    movl %ss, %eax
    movl %eax, rv_saved_ss
    movl 16(%esp), %esi
    movl 20(%esp), %edi
    movl 24(%esp), %eax
    movl 28(%esp), %ebx
    movl 32(%esp), %ecx
    movl 36(%esp), %edx
    movl %esi, %ss
    movl %edi, %esp
    movb $0, shared_info_page + 1
    int $0x82
    movl rv_saved_ss, %ecx
    movl %ecx, %ss
    movl rv_saved_esp, %esp
    popl %edi
    popl %esi
    popl %ebx
    ret

/* void rv_bounce_with_ebp(ebp, esp): int $0x81 with EBP and ESP as given (a crash report's
 * frame-pointer walk starts at that EBP). */
    .globl rv_bounce_with_ebp
rv_bounce_with_ebp:
    movl %esp, rv_saved_esp
    movl %ebp, rv_saved_ss
    movl 4(%esp), %ebp
    movl 8(%esp), %esp
    int $0x81
    movl rv_saved_esp, %esp
    movl rv_saved_ss, %ebp
    ret

/* uint32_t rv_hypercall_tf(nr): the hypercall entered with TF = 1 (single step). */
    .globl rv_hypercall_tf
rv_hypercall_tf:
    pushl %ebx
    movl 8(%esp), %eax
    xorl %ebx, %ebx
    pushfl
    orl $0x100, (%esp)
    popfl
    int $0x82
    pushfl
    andl $~0x100, (%esp)
    popfl
    popl %ebx
    ret

/* void rv_spin_df(loops): a busy loop with DF = 1 (interrupts taken meanwhile see it). */
    .globl rv_spin_df
rv_spin_df:
    movl 4(%esp), %ecx
    std
1:  decl %ecx
    jnz 1b
    cld
    ret

/* void rv_fpu_fill(pattern): fninit, then XMM0-7 and ST0-7 from 128 bytes of pattern. */
    .globl rv_fpu_fill
rv_fpu_fill:
    movl 4(%esp), %eax
    fninit
    movdqu 0(%eax), %xmm0
    movdqu 16(%eax), %xmm1
    movdqu 32(%eax), %xmm2
    movdqu 48(%eax), %xmm3
    movdqu 64(%eax), %xmm4
    movdqu 80(%eax), %xmm5
    movdqu 96(%eax), %xmm6
    movdqu 112(%eax), %xmm7
    fildl 0(%eax)
    fildl 8(%eax)
    fildl 16(%eax)
    fildl 24(%eax)
    fildl 32(%eax)
    fildl 40(%eax)
    fildl 48(%eax)
    fildl 56(%eax)
    ret

/* void rv_fxsave(area): the FPU/SSE state as it is now. */
    .globl rv_fxsave
rv_fxsave:
    movl 4(%esp), %eax
    fxsave (%eax)
    ret

/* void rv_fpu_arm_pending(void): ZM unmasked and 1/0 computed, so an x87 error is pending until
 * the next waiting x87 instruction; every SSE exception unmasked in MXCSR. */
    .globl rv_fpu_arm_pending
rv_fpu_arm_pending:
    subl $4, %esp
    fninit
    movw $0x037b, (%esp)
    fldcw (%esp)
    fldz
    fld1
    fdiv %st(1), %st
    movl $0, (%esp)
    ldmxcsr (%esp)
    addl $4, %esp
    ret

/* void rv_fpu_disarm(void): the pending error dropped, FPU and MXCSR back to their defaults. */
    .globl rv_fpu_disarm
rv_fpu_disarm:
    subl $4, %esp
    fnclex
    fninit
    movl $0x1f80, (%esp)
    ldmxcsr (%esp)
    addl $4, %esp
    ret

/* What an unprivileged instruction shows of the hypervisor: sgdt, sidt, str. */
    .globl rv_sgdt, rv_sidt, rv_str
rv_sgdt:
    movl 4(%esp), %eax
    sgdt (%eax)
    ret
rv_sidt:
    movl 4(%esp), %eax
    sidt (%eax)
    ret
rv_str:
    xorl %eax, %eax
    str %ax
    ret

    .data
    .balign 4
    .globl rv_ss_word, rv_db_hits, rv_db_eip, rv_81_hits, rv_81_eip
rv_ss_word:
    .word 0
    .balign 4
rv_db_hits:
    .long 0
rv_db_eip:
    .long 0
rv_81_hits:
    .long 0
rv_81_eip:
    .long 0
rv_saved_esp:
    .long 0
    .globl rv_mask_seen, rv_mask_hits
rv_mask_seen:
    .long 0
rv_mask_hits:
    .long 0
rv_saved_ss:
    .long 0

    .section .note.GNU-stack, "", @progbits
