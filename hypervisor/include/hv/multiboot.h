/* Multiboot (version 1) boot information, as GRUB and QEMU's loader pass it. */
#ifndef HV_MULTIBOOT_H
#define HV_MULTIBOOT_H

#include <stdint.h>

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u

#define MBI_FLAG_MEM (1u << 0)
#define MBI_FLAG_CMDLINE (1u << 2)
#define MBI_FLAG_MODS (1u << 3)
#define MBI_FLAG_MMAP (1u << 6)
#define MBI_FLAG_LOADER_NAME (1u << 9)
#define MBI_FLAG_FRAMEBUFFER (1u << 12)

struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper; /* KB */
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;
    uint32_t apm_table;
    uint32_t vbe_control_info, vbe_mode_info;
    uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off, vbe_interface_len;
    uint64_t framebuffer_addr; /* offset 88 */
    uint32_t framebuffer_pitch, framebuffer_width, framebuffer_height;
    uint8_t framebuffer_bpp, framebuffer_type;
    /* Type 1 (RGB): red, green, blue field position and mask size, in bits. The specification
     * puts them at offset 110, but GRUB, the loader that sets framebuffers up, writes its own
     * unpacked struct, where they follow a 4-byte-aligned union: offset 112. */
    uint8_t pad[2];
    uint8_t color_info[6];
} __attribute__((packed));
_Static_assert(__builtin_offsetof(struct multiboot_info, framebuffer_addr) == 88, "multiboot");
_Static_assert(__builtin_offsetof(struct multiboot_info, color_info) == 112, "multiboot (GRUB)");

#define MB_FRAMEBUFFER_TYPE_RGB 1
#define MB_FRAMEBUFFER_TYPE_EGA_TEXT 2

struct multiboot_module {
    uint32_t mod_start, mod_end, string, reserved;
};

struct multiboot_mmap_entry {
    uint32_t size; /* of the rest of the entry */
    uint64_t addr, len;
    uint32_t type; /* 1 = available RAM */
} __attribute__((packed));

#endif
