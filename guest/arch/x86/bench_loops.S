/* Ring-1 loops for bench=syscall: n null hypercalls (xen_version), and the same loop without the
 * hypercall so its cost can be subtracted. void k_bench_hypercall(uint32_t n), k_bench_empty. */
#define HYPERCALL_xen_version 17

    .text
    .globl k_bench_hypercall
k_bench_hypercall:
    pushl %ebx
    movl 8(%esp), %ecx
    xorl %ebx, %ebx
1:  movl $HYPERCALL_xen_version, %eax
    int $0x82
    decl %ecx
    jnz 1b
    popl %ebx
    ret

    .globl k_bench_empty
k_bench_empty:
    pushl %ebx
    movl 8(%esp), %ecx
    xorl %ebx, %ebx
1:  movl $HYPERCALL_xen_version, %eax
    decl %ecx
    jnz 1b
    popl %ebx
    ret

    .section .note.GNU-stack, "", @progbits
