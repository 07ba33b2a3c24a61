/*
 * Multiboot entry. Runs at machine addresses with paging off: load a boot GDT, clear .bss,
 * build the boot page tables (machine 0-4 MB identity, 0-32 MB at DIRECTMAP_VIRT_START),
 * turn on paging with CR0.WP, and jump to the high-linked C entry with the multiboot magic
 * and info pointer.
 */
#include "layout.h"

#define MB_MAGIC 0x1BADB002
/* Modules page aligned, memory info wanted, and video information welcome: EGA text preferred
 * (BIOS), a linear framebuffer accepted, which GRUB hands over under UEFI (no VGA text mode
 * there) or when gfxpayload asks for one; it becomes a text console beside COM1. */
#define MB_FLAGS 0x00000007
#define MB_MODE_EGA_TEXT 1

#define PTE_BOOT_FLAGS 0x3 /* present, writable */
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

    .section .boot.data, "a"
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
