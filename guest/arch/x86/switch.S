/* Context switch between kernel stacks (callee-saved registers only: everything else is
 * already saved by the C caller), and the first entry of a task into ring 3. */
/* Not from <public/xen.h>: that header is C only. Keep in step with it. */
#define FLAT_RING3_CS 0x082b
#define FLAT_RING3_DS 0x0833

    .text
/* void switch_to(uint32_t *save_esp, uint32_t new_esp). FS and GS are a process's own (TLS):
 * they are switched here, after context_switch has put the next process's TLS descriptors
 * into the GDT. A selector that no longer loads becomes null. */
    .globl switch_to
switch_to:
    movl 4(%esp), %eax
    movl 8(%esp), %edx
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %fs, %ecx
    pushl %ecx
    movl %gs, %ecx
    pushl %ecx
    movl %esp, (%eax)
    movl %edx, %esp
    popl %ecx
1:  movl %ecx, %gs
    popl %ecx
2:  movl %ecx, %fs
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret
3:  xorl %ecx, %ecx
    jmp 1b
4:  xorl %ecx, %ecx
    jmp 2b
    .section __ex_table, "a"
    .long 1b, 3b
    .long 2b, 4b
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
