/* Reads the multiboot information into struct boot_info. Everything is copied out of
 * machine memory through short-lived mappings, because the loader may put it anywhere. */
#include "hv/boot_info.h"
#include "hv/arch.h"
#include "hv/multiboot.h"
#include "lib/string.h"
#include <public/xen.h>

static void copy_machine(void *dst, uint32_t maddr, uint32_t len)
{
    uint8_t *d = dst;
    while (len > 0) {
        uint32_t off = maddr & 0xfff, n = 4096 - off < len ? 4096 - off : len;
        uint8_t *p = arch_map_frame(maddr >> 12);
        memcpy(d, p + off, n);
        arch_unmap_frame(p);
        d += n, maddr += n, len -= n;
    }
}

static void copy_string(char *dst, uint32_t maddr, uint32_t size)
{
    copy_machine(dst, maddr, size - 1);
    dst[size - 1] = 0;
    dst[strnlen(dst, size)] = 0;
}

static void read_framebuffer(const struct multiboot_info *mbi, struct boot_info *bi)
{
    bi->text_console = !(mbi->flags & MBI_FLAG_FRAMEBUFFER) ||
                       mbi->framebuffer_type == MB_FRAMEBUFFER_TYPE_EGA_TEXT;
    if (!(mbi->flags & MBI_FLAG_FRAMEBUFFER) || mbi->framebuffer_type != MB_FRAMEBUFFER_TYPE_RGB)
        return;
    bi->fb =
        (struct boot_fb){mbi->framebuffer_addr,   mbi->framebuffer_pitch, mbi->framebuffer_width,
                         mbi->framebuffer_height, mbi->framebuffer_bpp,   mbi->color_info[0],
                         mbi->color_info[1],      mbi->color_info[2],     mbi->color_info[3],
                         mbi->color_info[4],      mbi->color_info[5]};
    bi->has_fb = 1;
}

int boot_info_read(uint32_t magic, uint32_t mbi_addr, struct boot_info *bi, const char **why)
{
    struct multiboot_info mbi;
    memset(bi, 0, sizeof(*bi));
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
        *why = "not started by a multiboot loader (bad magic)";
        return -XEN_EINVAL;
    }
    copy_machine(&mbi, mbi_addr, sizeof(mbi));
    if (mbi.flags & MBI_FLAG_CMDLINE)
        copy_string(bi->cmdline, mbi.cmdline, sizeof(bi->cmdline));
    if (mbi.flags & MBI_FLAG_LOADER_NAME)
        copy_string(bi->loader, mbi.boot_loader_name, sizeof(bi->loader));
    read_framebuffer(&mbi, bi);

    if (mbi.flags & MBI_FLAG_MMAP) {
        for (uint32_t off = 0; off + 4 <= mbi.mmap_length;) {
            struct multiboot_mmap_entry e;
            copy_machine(&e, mbi.mmap_addr + off, sizeof(e));
            boot_info_add_range(bi, e.addr, e.len, e.type);
            off += e.size + 4;
        }
    } else if (mbi.flags & MBI_FLAG_MEM) {
        boot_info_add_range(bi, 0, (uint64_t)mbi.mem_lower << 10, 1);
        boot_info_add_range(bi, 0x100000, (uint64_t)mbi.mem_upper << 10, 1);
    }
    if (bi->nr_ram == 0) {
        *why = bi->ram_above_4g ? "the boot loader's memory map has no RAM below 4 GB"
                                : "the boot loader gave no memory map";
        return -XEN_EINVAL;
    }

    if (mbi.flags & MBI_FLAG_MODS) {
        for (uint32_t i = 0; i < mbi.mods_count && i < BOOT_MAX_MODS; i++) {
            struct multiboot_module m;
            copy_machine(&m, mbi.mods_addr + i * sizeof(m), sizeof(m));
            if (m.mod_end < m.mod_start) {
                *why = "boot module with end before start";
                return -XEN_EINVAL;
            }
            bi->mods[i].start = m.mod_start;
            bi->mods[i].end = m.mod_end;
            if (m.string)
                copy_string(bi->mods[i].name, m.string, sizeof(bi->mods[i].name));
            bi->nr_mods++;
        }
    }
    return 0;
}
