/* Exceptions on purpose, for test=exceptions and test=refusals: each trigger exists as k_NAME
 * (ring 1, called from C, returns) and/or u_NAME (ring 3, for run_user, ends in SYS_exit), with
 * NAME_eip = the EIP the frame must carry and NAME_resume = where the probe continues. */
#include <selftest/ring3.h>

#define EIP(P) .globl P##_eip; P##_eip:
#define RESUME(P) .globl P##_resume; P##_resume:
#define TRIGGER_K(name, body) .text; .globl k_##name; k_##name: body(k_##name); ret;
#define TRIGGER_U(name, body) \
    .section .user.text, "ax"; .globl u_##name; u_##name: body(u_##name); \
    movl $0, %ebx; movl $SYS_exit, %eax; int $0x80;
#define TRIGGER(name, body) TRIGGER_K(name, body) TRIGGER_U(name, body)

/* Bodies use EAX, ECX and EDX only: the ring-1 ones are C functions. */
#define B_DIV(P) xorl %ecx, %ecx; movl $1, %eax; xorl %edx, %edx; EIP(P) divl %ecx; RESUME(P)
#define B_INT3(P) int3; EIP(P) RESUME(P)
#define B_INTO(P) movl $0x7fffffff, %eax; addl $1, %eax; into; EIP(P) RESUME(P)
#define B_BOUND(P) movl $20, %eax; EIP(P) boundl %eax, bound_pair; RESUME(P)
#define B_UD2(P) EIP(P) ud2; RESUME(P)
#define B_SEL(P) movl $0x0810, %eax; EIP(P) movl %eax, %fs; RESUME(P)
#define B_CLI(P) EIP(P) cli; RESUME(P) pushfl; popl trig_result
#define B_PF_READ(P) movl trig_arg, %ecx; EIP(P) movl (%ecx), %eax; RESUME(P)
#define B_PF_WRITE(P) movl trig_arg, %ecx; EIP(P) movl %eax, (%ecx); RESUME(P)
#define B_NM(P) EIP(P) fninit; RESUME(P)
#define B_AC(P) pushfl; orl $0x40000, (%esp); popfl; pushfl; popl trig_result; movl $ac_buf + 1, %ecx; \
    EIP(P) movl (%ecx), %eax; RESUME(P) pushfl; andl $~0x40000, (%esp); popfl
#define B_BOUNCED(P) int $0x81; EIP(P) RESUME(P)
#define B_BOUNCED_PREFIX(P) .byte 0x66; int $0x81; EIP(P) RESUME(P)
#define B_BOUNCED_PREFIX2(P) .byte 0x3e, 0x66; int $0x81; EIP(P) RESUME(P)
/* Segment limits (test=seglimits, under Bochs): an access at trig_arg through FS loaded with
 * trig_far_sel, through SS, and a jump there. */
#define B_FS_READ(P) movl trig_arg, %ecx; movw trig_far_sel, %ax; movw %ax, %fs; \
    EIP(P) movl %fs:(%ecx), %eax; RESUME(P) xorl %eax, %eax; movw %ax, %fs
#define B_FS_WRITE(P) movl trig_arg, %ecx; movw trig_far_sel, %ax; movw %ax, %fs; \
    EIP(P) movl %eax, %fs:(%ecx); RESUME(P) xorl %eax, %eax; movw %ax, %fs
#define B_FS3_READ(P) movl trig_arg, %ecx; movw $0x833, %ax; movw %ax, %fs; \
    EIP(P) movl %fs:(%ecx), %eax; RESUME(P) xorl %eax, %eax; movw %ax, %fs
#define B_SS_READ(P) movl trig_arg, %ecx; EIP(P) movl %ss:(%ecx), %eax; RESUME(P)
#define B_JMP(P) movl trig_arg, %ecx; EIP(P) jmp *%ecx; RESUME(P)
#define B_SYSENTER(P) EIP(P) sysenter; RESUME(P)
#define B_SYSCALL(P) EIP(P) syscall; RESUME(P)
#define B_INT2A(P) EIP(P) int $0x2a; RESUME(P)
/* A write of trig_result (a chosen value) to trig_arg. */
#define B_PF_WRITE_VAL(P) movl trig_arg, %ecx; movl trig_result, %eax; EIP(P) movl %eax, (%ecx); \
    RESUME(P)
#define B_NOGATE(P) EIP(P) int $0x40; RESUME(P)
#define B_INT21(P) movl $SYS_null, %eax; EIP(P) int $0x21; RESUME(P)
#define B_HYPERCALL(P) EIP(P) int $0x82; RESUME(P)
#define B_STI(P) EIP(P) sti; RESUME(P)
#define B_HLT(P) EIP(P) hlt; RESUME(P)
#define B_LGDT(P) EIP(P) lgdt zero_dtr; RESUME(P)
#define B_LIDT(P) EIP(P) lidt zero_dtr; RESUME(P)
#define B_CR3(P) xorl %eax, %eax; EIP(P) movl %eax, %cr3; RESUME(P)
#define B_INB(P) movl $0x5a5a5a5a, %eax; movl $0x64, %edx; EIP(P) inb %dx, %al; \
    RESUME(P) movl %eax, trig_result
/* Debug registers: a data breakpoint traps after the write (EIP past it); an instruction
 * breakpoint faults before the instruction runs (resumed past it). */
#define B_DBW(P) movl trig_arg, %ecx; movl %eax, (%ecx); EIP(P) RESUME(P)
#define B_DBX(P) EIP(P) nop; RESUME(P)
/* isa-debug-exit: were this executed, QEMU would exit at once with status 33. */
#define B_OUTB(P) movl $0x10, %eax; movl $0xf4, %edx; EIP(P) outb %al, %dx; RESUME(P)

TRIGGER(div, B_DIV)
TRIGGER(int3, B_INT3)
TRIGGER(into, B_INTO)
TRIGGER(bound, B_BOUND)
TRIGGER(ud2, B_UD2)
TRIGGER(sel, B_SEL)
TRIGGER(cli, B_CLI)
TRIGGER(pf_read, B_PF_READ)
TRIGGER(pf_write, B_PF_WRITE)
TRIGGER(nm, B_NM)
TRIGGER(ac, B_AC)
TRIGGER(bounced, B_BOUNCED)
TRIGGER(nogate, B_NOGATE)
TRIGGER_U(int21, B_INT21)
TRIGGER(bounced_prefix, B_BOUNCED_PREFIX)
TRIGGER(bounced_prefix2, B_BOUNCED_PREFIX2)
TRIGGER_U(int2a, B_INT2A)
TRIGGER_K(fs_read, B_FS_READ)
TRIGGER_U(fs3_read, B_FS3_READ) /* FLAT_RING3_DS: trig_far_sel is not ring 3's to read */
TRIGGER_K(fs_write, B_FS_WRITE)
TRIGGER(ss_read, B_SS_READ)
TRIGGER(jmp, B_JMP)
TRIGGER(sysenter, B_SYSENTER)
TRIGGER(syscall, B_SYSCALL)
TRIGGER_K(pf_write_val, B_PF_WRITE_VAL)
TRIGGER_U(hypercall, B_HYPERCALL)
TRIGGER_K(sti, B_STI)
TRIGGER_K(hlt, B_HLT)
TRIGGER_K(lgdt, B_LGDT)
TRIGGER_K(lidt, B_LIDT)
TRIGGER_K(cr3, B_CR3)
TRIGGER_K(inb, B_INB)
TRIGGER_K(outb, B_OUTB)
TRIGGER(dbw, B_DBW)
TRIGGER_K(dbx, B_DBX)

/* k_iretcs (test=failsafe-fs): far-jump onto the code segment in trig_far_sel, and from there
 * make it not-present with update_descriptor (trig_arg = its machine address, trig_desc = the
 * new descriptor). The hypervisor's iret back to it faults and ends in the failsafe callback,
 * whose own iret to it faults again (#NP): the probe resumes at k_iretcs_resume, where the
 * three words the failsafe frame left (EIP, CS, EFLAGS) are dropped. Back on the caller's CS,
 * FS and GS restored; trig_result = 1 only if the hypercall returned normally. */
    .text
    .globl k_iretcs, k_iretcs_resume
k_iretcs:
    pushl %ebx
    movl %fs, %eax
    pushl %eax
    movl %gs, %eax
    pushl %eax
    movl %cs, %eax
    pushl %eax                  /* lret below comes back to the caller's CS */
    pushl $1f
    movl $0, trig_result
    ljmp *trig_far
2:  movl trig_arg, %ebx
    movl trig_desc, %ecx
    movl trig_desc + 4, %edx
    movl $10, %eax              /* __HYPERVISOR_update_descriptor */
    int $0x82
    movl $1, trig_result
    jmp 3f
k_iretcs_resume:
    addl $12, %esp
3:  lret
1:  popl %eax
    movl %eax, %gs
    popl %eax
    movl %eax, %fs
    popl %ebx
    ret

    .data
    .balign 4
    .globl trig_far_sel, trig_desc
trig_far:
    .long 2b
trig_far_sel:
    .word 0
    .balign 4
trig_desc:
    .long 0, 0

    .section .user.data, "aw"
    .balign 8
    .globl trig_arg, trig_result
trig_arg:
    .long 0
trig_result:
    .long 0
bound_pair:
    .long 0, 10
ac_buf:
    .long 0, 0
    .globl dbg_data
dbg_data:                       /* the data breakpoint's target, writable from ring 3 */
    .long 0

    .data
    .balign 8
zero_dtr:
    .long 0, 0

    .section .note.GNU-stack, "", @progbits
