/*
 * Multiboot entry. Runs at machine addresses with paging off: check the CPU, load a boot GDT, clear .bss,
 * build the boot page tables (machine 0-4 MB identity, 0-32 MB at DIRECTMAP_VIRT_START),
 * turn on paging with CR0.WP, and jump to the high-linked C entry with the multiboot magic
 * and info pointer.
 */
#include "layout.h"
#include <public/arch-x86_32.h>

#define MB_MAGIC 0x1BADB002
/* Modules page aligned, memory info wanted, and video information welcome: EGA text preferred
 * (BIOS), a linear framebuffer accepted, which GRUB hands over under UEFI (no VGA text mode
 * there) or when gfxpayload asks for one; it becomes a text console beside COM1. */
#define MB_FLAGS 0x00000007
#define MB_MODE_EGA_TEXT 1

#define PTE_BOOT_FLAGS (PTE_P | PTE_RW)
#define EFLAGS_ID 0x200000
#define CPUID_1_EDX_CMOV (1 << 15)
#define COM1 0x3f8
#define PHYS(sym) ((sym) - DIRECTMAP_VIRT_START)

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
    .long 0, 0, 0, 0, 0     /* header/load/bss/entry addresses: unused (flag 16 clear, ELF) */
    .long MB_MODE_EGA_TEXT
    .long 0, 0, 0           /* width, height, depth: no preference */

    .section .boot.text, "ax"
    .code32
    .globl _start
_start:
    cli
    cld
    lgdt boot_gdt_desc
    ljmp $0x08, $1f
1:  mov $0x10, %ecx
    mov %ecx, %ds
    mov %ecx, %es
    mov %ecx, %ss
    mov %ecx, %fs
    mov %ecx, %gs
    mov %eax, %esi          /* multiboot magic */
    mov %ebx, %ebp          /* multiboot info (machine address) */

    /* The compiled code needs an i686 (it uses CMOV): CPUID must exist (EFLAGS.ID toggles) and
     * report CMOV. An older CPU would fault somewhere in C with nothing on the screen: say so
     * here, on COM1 and the VGA text screen, and halt. */
    mov $boot_stack_top, %esp
    pushfl
    pop %eax
    mov %eax, %ecx
    xor $EFLAGS_ID, %eax
    push %eax
    popfl
    pushfl
    pop %eax
    push %ecx
    popfl
    xor %ecx, %eax
    test $EFLAGS_ID, %eax
    jz cpu_too_old
    mov $1, %eax
    cpuid
    test $CPUID_1_EDX_CMOV, %edx
    jz cpu_too_old

    /* Clear .bss (page tables and stack live there). */
    mov $PHYS(_sbss), %edi
    mov $PHYS(_ebss), %ecx
    sub %edi, %ecx
    shr $2, %ecx
    xor %eax, %eax
    rep stosl

    /* Direct-map L1s: entry i maps machine page i, present + writable. */
    mov $PHYS(boot_directmap_l1), %edi
    mov $(PTE_BOOT_FLAGS), %eax
    mov $(DIRECTMAP_L1_COUNT * 1024), %ecx
2:  stosl
    add $0x1000, %eax
    loop 2b

    /* L2: slot 0 identity (first 4 MB, for the jump), slots 1009.. the direct map. */
    mov $PHYS(idle_l2), %edi
    mov $PHYS(boot_directmap_l1) + PTE_BOOT_FLAGS, %eax
    mov %eax, (%edi)
    lea (DIRECTMAP_VIRT_START >> 22) * 4(%edi), %edi
    mov $DIRECTMAP_L1_COUNT, %ecx
3:  stosl
    add $0x1000, %eax
    loop 3b

    mov $PHYS(idle_l2), %eax
    mov %eax, %cr3
    mov %cr0, %eax
    or $0x80010000, %eax    /* PG | WP */
    mov %eax, %cr0
    mov $high_entry, %eax
    jmp *%eax

/* COM1 at 115200 8N1 and the VGA text buffer, polled; then halt for good. */
cpu_too_old:
    mov $COM1 + 3, %dx
    mov $0x80, %al          /* LCR: divisor latch */
    out %al, %dx
    mov $COM1, %dx
    mov $1, %al             /* 115200 baud */
    out %al, %dx
    inc %dx
    xor %al, %al
    out %al, %dx
    mov $COM1 + 3, %dx
    mov $3, %al             /* 8N1 */
    out %al, %dx
    mov $cpu_too_old_msg, %esi
    mov $0xb8000, %edi
1:  lodsb
    test %al, %al
    jz 4f
    mov %al, %bl
    mov $COM1 + 5, %dx
    mov $100000, %ecx
2:  in %dx, %al             /* LSR: transmitter empty (no UART reads 0xff) */
    test $0x20, %al
    loopz 2b
    mov %bl, %al
    mov $COM1, %dx
    out %al, %dx
    cmp $' ', %bl           /* CR and LF are for the serial line only */
    jb 1b
    mov %bl, (%edi)
    movb $0x4f, 1(%edi)     /* white on red */
    add $2, %edi
    jmp 1b
4:  cli
    hlt
    jmp 4b

    .section .boot.data, "a"
cpu_too_old_msg:
    .asciz "(hv) unsupported CPU: ringvisor needs an i686 or later (CPUID with CMOV); halted\r\n"
    .align 16
boot_stack:
    .skip 64
boot_stack_top:
    .align 8
boot_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff    /* 0x08: flat code */
    .quad 0x00cf92000000ffff    /* 0x10: flat data */
boot_gdt_end:
boot_gdt_desc:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .text
high_entry:
    mov $hv_stack + HV_STACK_SIZE, %esp
    push %ebp               /* hv_start(magic, multiboot info machine address) */
    push %esi
    xor %ebp, %ebp          /* the frame-pointer chain ends here */
    call hv_start
1:  cli
    hlt
    jmp 1b

    .section .bss.page_aligned, "aw", @nobits
    .align 4096
    .globl idle_l2, boot_directmap_l1, hv_stack
idle_l2:
    .skip 4096
boot_directmap_l1:
    .skip 4096 * DIRECTMAP_L1_COUNT
hv_stack:
    .skip HV_STACK_SIZE
