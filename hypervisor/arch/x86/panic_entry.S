/*
 * panic_at(file, line, fmt, ...): the entry of every panic(). It saves the registers exactly
 * as the caller had them at the call (struct panic_state, hv/panic.h) before any C code can
 * change them, then jumps to panic_report with the stack, and so the arguments, untouched.
 * Also arch_panic_test (panic=test): a panic on purpose with known register values.
 */
#include "layout.h"

#include <asm-offsets.h> /* REGS_* (struct cpu_regs), PANIC_STATE_CR: struct panic_state */

    .text
    .globl panic_at
panic_at:
    pushfl                              /* EFLAGS before the cli */
    cli
    movl %eax, %ss:panic_state + REGS_EAX
    movl $panic_state, %eax
    movl %ebx, %ss:REGS_EBX(%eax)
    movl %ecx, %ss:REGS_ECX(%eax)
    movl %edx, %ss:REGS_EDX(%eax)
    movl %esi, %ss:REGS_ESI(%eax)
    movl %edi, %ss:REGS_EDI(%eax)
    movl %ebp, %ss:REGS_EBP(%eax)
    popl %ss:REGS_EFLAGS(%eax)
    movl (%esp), %ecx                   /* the return address: where panic() was called */
    movl %ecx, %ss:REGS_EIP(%eax)
    leal 4(%esp), %ecx                  /* the caller's stack pointer at the call */
    movl %ecx, %ss:REGS_ESP(%eax)
    movl $0xffffffff, %ss:REGS_VECTOR(%eax)
    movl $0, %ss:REGS_ERROR(%eax)
    xorl %ecx, %ecx
    movw %cs, %cx
    movl %ecx, %ss:REGS_CS(%eax)
    movw %ss, %cx
    movl %ecx, %ss:REGS_SS(%eax)
    movw %ds, %cx
    movl %ecx, %ss:REGS_DS(%eax)
    movw %es, %cx
    movl %ecx, %ss:REGS_ES(%eax)
    movw %fs, %cx
    movl %ecx, %ss:REGS_FS(%eax)
    movw %gs, %cx
    movl %ecx, %ss:REGS_GS(%eax)
    movl %cr0, %ecx
    movl %ecx, %ss:PANIC_STATE_CR + 0(%eax)
    movl %cr2, %ecx
    movl %ecx, %ss:PANIC_STATE_CR + 4(%eax)
    movl %cr3, %ecx
    movl %ecx, %ss:PANIC_STATE_CR + 8(%eax)
    movl %cr4, %ecx
    movl %ecx, %ss:PANIC_STATE_CR + 12(%eax)
    movl $HV_DS, %ecx                   /* the report needs the hypervisor's data segments */
    movl %ecx, %ds
    movl %ecx, %es
    jmp panic_report

/* panic=test on the command line: panic from here, every general register but ESP and EBP
 * holding a pattern the scenario (tests/scenarios/panic-test.scn) looks for in the report. */
    .globl arch_panic_test
arch_panic_test:
    pushl %ebp
    movl %esp, %ebp
    pushl $panic_test_msg
    pushl $__LINE__
    pushl $panic_test_file
    movl $0xa1a1a1a1, %eax
    movl $0x0b0b0b0b, %ebx
    movl $0xc1c1c1c1, %ecx
    movl $0xd0d0d0d0, %edx
    movl $0x51515151, %esi
    movl $0xd1d1d1d1, %edi
    call panic_at
    ud2                                 /* not reached; keeps the return address inside */

    .section .rodata
panic_test_file:
    .asciz __FILE__
panic_test_msg:
    .asciz "test panic (panic=test on the command line)"
