/* What the hypervisor keeps of the boot loader's information (copied out of multiboot). */
#ifndef HV_BOOT_INFO_H
#define HV_BOOT_INFO_H

#include <stdint.h>
#include "hv/frame.h"

#define BOOT_MAX_RAM 32
#define BOOT_MAX_MODS 4

struct boot_module {
    uint32_t start, end; /* machine addresses */
    char name[64];
};

struct boot_info {
    char cmdline[1024];
    char loader[64];
    struct mem_range ram[BOOT_MAX_RAM];
    unsigned nr_ram;
    struct boot_module mods[BOOT_MAX_MODS];
    unsigned nr_mods;
    int text_console; /* 1 unless the loader says the display is a graphics framebuffer */
};

/* Copy out the multiboot information at machine address mbi; returns 0 or a negative errno
 * with *why describing the problem. */
int boot_info_read(uint32_t magic, uint32_t mbi, struct boot_info *bi, const char **why);

#endif
