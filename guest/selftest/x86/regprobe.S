/* Self-test helper: does a hypercall preserve every register but EAX? ([ours], ABI §2)
 *
 * int hypercall_reg_probe(uint32_t out[6]):
 *   loads REGPROBE_EBX..REGPROBE_EBP (selftest/hypercalls.h) into EBX ECX EDX ESI EDI EBP, issues
 *   xen_version through int $0x82, stores what those registers hold afterwards in out[0..5]
 *   (same order) and returns EAX. EBP is the frame pointer, so it is saved on the stack
 *   around the call and written out from there. Written in assembly because no C
 *   constraint can hand all six registers to one asm statement. */
#include <selftest/hypercalls.h>

    .text
    .globl hypercall_reg_probe
    .type hypercall_reg_probe, @function
hypercall_reg_probe:
    pushl %ebp
    movl %esp, %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    pushl %ebp                  /* our frame pointer, swapped back below */

    movl $REGPROBE_EBX, %ebx
    movl $REGPROBE_ECX, %ecx
    movl $REGPROBE_EDX, %edx
    movl $REGPROBE_ESI, %esi
    movl $REGPROBE_EDI, %edi
    movl $REGPROBE_EBP, %ebp
    movl $17, %eax              /* __HYPERVISOR_xen_version; its result is not checked here */
    int $0x82

    xchgl %ebp, (%esp)          /* EBP = frame again; (%esp) = EBP after the call */
    pushl %edi
    movl 8(%ebp), %edi          /* out */
    movl %ebx, 0(%edi)
    movl %ecx, 4(%edi)
    movl %edx, 8(%edi)
    movl %esi, 12(%edi)
    popl %ecx
    movl %ecx, 16(%edi)
    popl %ecx
    movl %ecx, 20(%edi)

    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret
    .size hypercall_reg_probe, . - hypercall_reg_probe

    .section .note.GNU-stack, "", @progbits
