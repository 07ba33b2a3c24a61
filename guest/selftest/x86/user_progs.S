/* Ring-3 programs for the tests and the benchmark, and the data ring 3 shares with the kernel.
 * All of it lives in .user, which user_init maps with the U bit. */
#include <selftest/ring3.h>

#define SYSCALL(n) movl $n, %eax; int $0x80
#define EXIT(code) movl $code, %ebx; SYSCALL(SYS_exit)
#define PAT_EBX 0x1b1b1b1b
#define PAT_ECX 0x1c1c1c1c
#define PAT_EDX 0x1d1d1d1d
#define PAT_EBP 0x1e1e1e1e

    .section .user.text, "ax"

/* user_arg null calls (>= 1), then getpid. result[0] = OR of the null results, [1] = getpid,
 * [2] = nonzero when a register other than EAX changed across the calls. */
    .globl u_null_calls
u_null_calls:
    movl user_arg, %esi
    xorl %edi, %edi
    movl $PAT_EBX, %ebx
    movl $PAT_ECX, %ecx
    movl $PAT_EDX, %edx
    movl $PAT_EBP, %ebp
1:  movl $SYS_null, %eax
    int $0x80
    orl %eax, %edi
    decl %esi
    jnz 1b
    movl %edi, user_result
    SYSCALL(SYS_getpid)
    movl %eax, user_result + 4
    xorl $PAT_EBX, %ebx
    xorl $PAT_ECX, %ecx
    xorl $PAT_EDX, %edx
    xorl $PAT_EBP, %ebp
    orl %ecx, %ebx
    orl %edx, %ebx
    orl %ebp, %ebx
    orl %esi, %ebx
    movl %ebx, user_result + 8
    EXIT(0)

/* The benchmark pair: the same loop with and without the null call. The program's exit code is
 * the OR of the results (SYS_null returns 0; in the empty loop EAX stays 0), so a failed call
 * shows, at one instruction per call in both loops. */
    .globl u_bench_null
u_bench_null:
    movl user_arg, %esi
    xorl %edi, %edi
1:  xorl %eax, %eax
    int $0x80
    orl %eax, %edi
    decl %esi
    jnz 1b
    movl %edi, %ebx
    SYSCALL(SYS_exit)

    .globl u_bench_empty
u_bench_empty:
    movl user_arg, %esi
    xorl %edi, %edi
1:  xorl %eax, %eax
    orl %eax, %edi
    decl %esi
    jnz 1b
    movl %edi, %ebx
    SYSCALL(SYS_exit)

/* write: a good buffer, a kernel address, an over-long one, and an unknown call number. */
    .globl u_write
u_write:
    movl $user_msg, %ebx
    movl $user_msg_len, %ecx
    SYSCALL(SYS_write)
    movl %eax, user_result
    movl $0xc0000000, %ebx
    movl $4, %ecx
    SYSCALL(SYS_write)
    movl %eax, user_result + 4
    movl $user_msg, %ebx
    movl $SYS_WRITE_MAX + 1, %ecx
    SYSCALL(SYS_write)
    movl %eax, user_result + 8
    SYSCALL(NR_SYSCALLS)
    movl %eax, user_result + 12
    EXIT(7)

/* One system call and out: what the bad-stack test runs. */
    .globl u_one_call
u_one_call:
    SYSCALL(SYS_null)
    EXIT(0)

    .section .user.data, "aw"
    .balign 16
    .globl user_arg, user_result
user_arg:
    .long 0
user_result:
    .long 0, 0, 0, 0
user_msg:
    .ascii "(guest) hello from ring 3\n"
    user_msg_len = . - user_msg
    .balign 4096
    .globl user_stack_top
user_stack:
    .skip 4096
user_stack_top:

    .section .note.GNU-stack, "", @progbits
