/* Ring-1 loops for bench=syscall: n null hypercalls (xen_version), and the same loop without the
 * hypercall so its cost can be subtracted. uint32_t k_bench_hypercall(uint32_t n, uint32_t want)
 * returns how many calls did not return want; k_bench_empty(n, want) runs the same instructions
 * with EAX = want in place of the call (pass want = 17, the call number), so both loops differ
 * by the int $0x82 alone. */
#include <public/xen.h> /* __HYPERVISOR_xen_version, HYPERCALL_VECTOR */

    .text
    .globl k_bench_hypercall
k_bench_hypercall:
    pushl %ebx
    pushl %esi
    pushl %edi
    movl 16(%esp), %ecx
    movl 20(%esp), %esi
    xorl %ebx, %ebx
    xorl %edi, %edi
1:  movl $__HYPERVISOR_xen_version, %eax
    int $HYPERCALL_VECTOR
    cmpl %esi, %eax
    je 2f
    incl %edi
2:  decl %ecx
    jnz 1b
    movl %edi, %eax
    popl %edi
    popl %esi
    popl %ebx
    ret

    .globl k_bench_empty
k_bench_empty:
    pushl %ebx
    pushl %esi
    pushl %edi
    movl 16(%esp), %ecx
    movl 20(%esp), %esi
    xorl %ebx, %ebx
    xorl %edi, %edi
1:  movl $__HYPERVISOR_xen_version, %eax
    cmpl %esi, %eax
    je 2f
    incl %edi
2:  decl %ecx
    jnz 1b
    movl %edi, %eax
    popl %edi
    popl %esi
    popl %ebx
    ret

    .section .note.GNU-stack, "", @progbits
