/*
 * panic_at(file, line, fmt, ...): the entry of every panic(). It saves the registers exactly
 * as the caller had them at the call (struct panic_state, hv/panic.h) before any C code can
 * change them, then jumps to panic_report with the stack, and so the arguments, untouched.
 * Also arch_panic_test (panic=test): a panic on purpose with known register values.
 */
#include "layout.h"

/* struct cpu_regs offsets (hv/regs.h), then cr[4] */
#define R_EBX 0
#define R_ECX 4
#define R_EDX 8
#define R_ESI 12
#define R_EDI 16
#define R_EBP 20
#define R_EAX 24
#define R_DS 28
#define R_ES 32
#define R_FS 36
#define R_GS 40
#define R_VECTOR 44
#define R_ERROR 48
#define R_EIP 52
#define R_CS 56
#define R_EFLAGS 60
#define R_ESP 64
#define R_SS 68
#define R_CR 72

    .text
    .globl panic_at
panic_at:
    pushfl                              /* EFLAGS before the cli */
    cli
    movl %eax, %ss:panic_state + R_EAX
    movl $panic_state, %eax
    movl %ebx, %ss:R_EBX(%eax)
    movl %ecx, %ss:R_ECX(%eax)
    movl %edx, %ss:R_EDX(%eax)
    movl %esi, %ss:R_ESI(%eax)
    movl %edi, %ss:R_EDI(%eax)
    movl %ebp, %ss:R_EBP(%eax)
    popl %ss:R_EFLAGS(%eax)
    movl (%esp), %ecx                   /* the return address: where panic() was called */
    movl %ecx, %ss:R_EIP(%eax)
    leal 4(%esp), %ecx                  /* the caller's stack pointer at the call */
    movl %ecx, %ss:R_ESP(%eax)
    movl $0xffffffff, %ss:R_VECTOR(%eax)
    movl $0, %ss:R_ERROR(%eax)
    xorl %ecx, %ecx
    movw %cs, %cx
    movl %ecx, %ss:R_CS(%eax)
    movw %ss, %cx
    movl %ecx, %ss:R_SS(%eax)
    movw %ds, %cx
    movl %ecx, %ss:R_DS(%eax)
    movw %es, %cx
    movl %ecx, %ss:R_ES(%eax)
    movw %fs, %cx
    movl %ecx, %ss:R_FS(%eax)
    movw %gs, %cx
    movl %ecx, %ss:R_GS(%eax)
    movl %cr0, %ecx
    movl %ecx, %ss:R_CR + 0(%eax)
    movl %cr2, %ecx
    movl %ecx, %ss:R_CR + 4(%eax)
    movl %cr3, %ecx
    movl %ecx, %ss:R_CR + 8(%eax)
    movl %cr4, %ecx
    movl %ecx, %ss:R_CR + 12(%eax)
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
