/* What the hypervisor keeps of the boot loader's information (copied out of multiboot). */
#ifndef HV_BOOT_INFO_H
#define HV_BOOT_INFO_H

#include <stdint.h>
#include "hv/frame.h"

#define BOOT_MAX_RAM 64
#define BOOT_MAX_RESERVED 64
#define BOOT_MAX_MODS 4
#define BOOT_RAM_LIMIT 0x100000000ull /* no PAE: machine memory ends at 4 GB */

struct boot_module {
    uint32_t start, end; /* machine addresses */
    char name[64];
};

/* The framebuffer the loader set up (multiboot flag 12), when it is a graphics one. */
struct boot_fb {
    uint64_t addr;
    uint32_t pitch, width, height; /* pitch in bytes, width and height in pixels */
    uint8_t bpp;
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct boot_info {
    char cmdline[1024];
    char loader[64];
    struct mem_range ram[BOOT_MAX_RAM]; /* usable RAM below 4 GB, in the loader's order */
    unsigned nr_ram;
    struct mem_range reserved[BOOT_MAX_RESERVED]; /* every other range of the memory map */
    unsigned nr_reserved;
    uint64_t ram_above_4g;   /* bytes of usable RAM above 4 GB: ignored (no PAE) */
    unsigned ranges_dropped; /* memory-map entries beyond the tables above */
    struct boot_module mods[BOOT_MAX_MODS];
    unsigned nr_mods;
    int text_console; /* 1 unless the loader says the display is a graphics framebuffer */
    int has_fb;       /* fb below is a direct-colour graphics framebuffer */
    struct boot_fb fb;
};

/* Copy out the multiboot information at machine address mbi; returns 0 or a negative errno
 * with *why describing the problem. */
int boot_info_read(uint32_t magic, uint32_t mbi, struct boot_info *bi, const char **why);

/* Add one memory-map entry (type 1 = usable RAM, anything else reserved): RAM above 4 GB is
 * counted in ram_above_4g and left out, a range crossing 4 GB is cut there. Pure logic. */
void boot_info_add_range(struct boot_info *bi, uint64_t start, uint64_t len, uint32_t type);

#endif
