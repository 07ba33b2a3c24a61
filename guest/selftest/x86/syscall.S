/* System calls (int $0x80) and the way into ring 3. syscall_entry is the fast-trap target: the
 * null call is a bounds check, an indirect jump and an iret, with no register saved at all. */
#include <selftest/ring3.h>

#include <public/xen.h> /* FLAT_RING3_CS, FLAT_RING3_DS, XEN_ENOSYS, XEN_EFAULT */

    .text
    .globl syscall_entry
    .align 16
syscall_entry:
    incl %ss:syscall_count      /* SS is ours; DS may be anything ring 3 loaded */
    cmpl $NR_SYSCALLS, %eax
    jae sys_bad
    jmp *%cs:syscall_table(, %eax, 4) /* DS is still ring 3's: read through CS */

sys_null:
    xorl %eax, %eax
    iret

sys_getpid:
    movl $SYS_PID, %eax
    iret

sys_bad:
    movl $-XEN_ENOSYS, %eax
    iret

/* write(EBX = buf, ECX = len): C does the checking; keep every register but EAX. */
sys_write_entry:
    pushl %ds
    pushl %es
    pushl %ecx
    pushl %edx
    movl %ss, %edx
    movl %edx, %ds
    movl %edx, %es
    cld
    pushl %ecx
    pushl %ebx
    call test_sys_write
    addl $8, %esp
    popl %edx
    popl %ecx
    popl %es
    popl %ds
    iret

/* exit(EBX = code): abandon the ring-3 context and return from run_user with the code. */
sys_exit:
    movl %ss, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %fs
    movl %eax, %gs
    movl %ebx, %eax
    movl user_return_esp, %esp
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret

/* uint32_t run_user(user_fn *fn): iret to ring 3 at fn, on the user stack, with clear
 * registers. Entries from ring 3 use the entry stack (stack_switch); SYS_exit comes back here. */
    .globl run_user
run_user:
    pushl %ebp
    movl %esp, %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, user_return_esp
    movl 8(%ebp), %ecx
    pushl $FLAT_RING3_DS
    pushl $user_stack_top
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

    .section .rodata
    .align 4
syscall_table:
    .long sys_null              /* SYS_null */
    .long sys_write_entry       /* SYS_write */
    .long sys_exit              /* SYS_exit */
    .long sys_getpid            /* SYS_getpid */

    .bss
    .align 4
    .globl syscall_count
syscall_count:
    .skip 4
user_return_esp:
    .skip 4

    .section .note.GNU-stack, "", @progbits
