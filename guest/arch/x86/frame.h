/* Assembly only: saving the registers of a struct trap_frame (guest/traps.h) below the
 * vector, CR2 and error-code words and the CPU's iret frame, low to high
 * EBX ECX EDX ESI EDI EBP EAX DS ES. linux_entry.S's frame_restore undoes it. */
#ifndef GUEST_ARCH_FRAME_H
#define GUEST_ARCH_FRAME_H

.macro SAVE_FRAME_REGS
    pushl %es
    pushl %ds
    pushl %eax
    pushl %ebp
    pushl %edi
    pushl %esi
    pushl %edx
    pushl %ecx
    pushl %ebx
.endm

.macro RESTORE_FRAME_REGS
    popl %ebx
    popl %ecx
    popl %edx
    popl %esi
    popl %edi
    popl %ebp
    popl %eax
    popl %ds
    popl %es
.endm

#endif
