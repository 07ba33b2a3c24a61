/* Context switch between kernel stacks (callee-saved registers only: everything else is
 * already saved by the C caller), and the first entry of a task into ring 3. */
#include <public/xen.h> /* FLAT_RING3_CS, FLAT_RING3_DS */

    .text
/* void switch_to(uint32_t *save_esp, uint32_t new_esp) */
    .globl switch_to
switch_to:
    movl 4(%esp), %eax
    movl 8(%esp), %edx
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, (%eax)
    movl %edx, %esp
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret

/* void load_fs_gs(uint32_t fs, uint32_t gs): a process's TLS selectors; one that no longer
 * loads (its descriptor changed) becomes null. */
    .globl load_fs_gs
load_fs_gs:
    movl 4(%esp), %eax
1:  movl %eax, %fs
2:  movl 8(%esp), %eax
3:  movl %eax, %gs
4:  ret
5:  xorl %eax, %eax
    movl %eax, %fs
    jmp 2b
6:  xorl %eax, %eax
    movl %eax, %gs
    jmp 4b
    .section __ex_table, "a"
    .long 1b, 5b
    .long 3b, 6b
    .previous

/* void user_jump(uint32_t eip, uint32_t esp): iret into ring 3, registers cleared. */
    .globl user_jump
user_jump:
    movl 4(%esp), %ecx
    movl 8(%esp), %edx
    pushl $FLAT_RING3_DS
    pushl %edx
    pushfl
    pushl $FLAT_RING3_CS
    pushl %ecx
    movl $FLAT_RING3_DS, %eax
    movl %eax, %ds
    movl %eax, %es
    xorl %eax, %eax
    xorl %ebx, %ebx
    xorl %ecx, %ecx
    xorl %edx, %edx
    xorl %esi, %esi
    xorl %edi, %edi
    xorl %ebp, %ebp
    iret

    .section .note.GNU-stack, "", @progbits
