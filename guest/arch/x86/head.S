/* Guest entry (ABI §9): ring 1, ESI = start_info VA, ESP = the builder's temporary stack,
 * upcalls masked. Clear .bss, move to our own boot stack and enter C. */

#define BOOT_STACK_SIZE 16384
#include <public/xen.h>

    .section .text.head, "ax"
    .globl _start
    .type _start, @function
_start:
    cld
    /* The builder should hand over a zeroed .bss; do not rely on it. ESI survives. */
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb

    movl $boot_stack_top, %esp
    xorl %ebp, %ebp             /* backtraces stop here */
    pushl %esi
    call start_kernel

    /* start_kernel must not return: report a crash. */
    movl $__HYPERVISOR_sched_op, %eax
    movl $(SCHEDOP_shutdown | SHUTDOWN_crash << SCHEDOP_reasonshift), %ebx
    int $HYPERCALL_VECTOR
1:  movl $__HYPERVISOR_sched_op, %eax
    movl $SCHEDOP_block, %ebx
    int $HYPERCALL_VECTOR
    jmp 1b
    .size _start, . - _start

    /* Loader notes for the domain builder (ABI §9); not allocated, never loaded. */
    .section __xen_guest, "", @progbits
    .asciz "GUEST_OS=ringvisor,XEN_VER=2.0,VIRT_BASE=0xC0000000,LOADER=generic"

    .bss
    .balign 16
boot_stack:
    .skip BOOT_STACK_SIZE
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
