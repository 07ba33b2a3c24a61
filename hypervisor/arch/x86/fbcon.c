/*
 * A text console on the linear framebuffer the boot loader set up (multiboot flag 12, type
 * RGB): GRUB under UEFI, where there is no VGA text mode, or under BIOS when a menu entry asks
 * for a VBE mode. Write-only, like the VGA text console: cells of the font in hv/font.h from the
 * top left, wrapped at the right edge, scrolled by moving the pixels up one text row.
 */
#include <stdint.h>
#include "hv/arch.h"
#include "hv/boot_info.h"
#include "hv/font.h"
#include "lib/string.h"

#define FB_MAP_MAX (12u << 20) /* of the vmap area; a larger screen shows its top part */

static uint8_t *fb;
static uint32_t pitch, bytes_pp, fg, bg;
static unsigned cols, rows, row, col;

/* 0xRRGGBB in the framebuffer's own pixel layout. */
static uint32_t pack(uint32_t rgb, const struct boot_fb *f)
{
    uint32_t r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
    return (r >> (8 - f->red_size)) << f->red_pos | (g >> (8 - f->green_size)) << f->green_pos |
           (b >> (8 - f->blue_size)) << f->blue_pos;
}

static void put_pixel(uint8_t *p, uint32_t v)
{
    for (uint32_t i = 0; i < bytes_pp; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void fill_rows(unsigned first, unsigned n) /* text rows to the background */
{
    for (unsigned y = first * FONT_H; y < (first + n) * FONT_H; y++)
        for (unsigned x = 0; x < cols * FONT_W; x++)
            put_pixel(fb + y * pitch + x * bytes_pp, bg);
}

int arch_fb_init(const struct boot_fb *f)
{
    if (f->bpp != 16 && f->bpp != 24 && f->bpp != 32)
        return -1;
    if (f->red_size > 8 || f->green_size > 8 || f->blue_size > 8 || f->addr >= 0x100000000ull)
        return -1;
    uint32_t len = f->pitch * f->height;
    if (f->height == 0 || f->pitch / f->height > 0x10000 || len > FB_MAP_MAX)
        len = FB_MAP_MAX / f->pitch * f->pitch;
    fb = arch_vmap((uint32_t)f->addr, len);
    if (!fb)
        return -1;
    pitch = f->pitch;
    bytes_pp = f->bpp / 8;
    cols = f->width / FONT_W;
    if (cols * bytes_pp * FONT_W > pitch)
        cols = pitch / (bytes_pp * FONT_W);
    rows = (len / pitch) / FONT_H;
    fg = pack(FONT_FG, f);
    bg = pack(FONT_BG, f);
    row = col = 0;
    /* The whole screen, not just the text rows: what GRUB drew there goes. */
    for (uint32_t y = 0; y < len / pitch; y++)
        for (uint32_t x = 0; x < f->width && x * bytes_pp < pitch; x++)
            put_pixel(fb + y * pitch + x * bytes_pp, bg);
    return 0;
}

static void newline(void)
{
    col = 0;
    if (++row < rows)
        return;
    memmove(fb, fb + FONT_H * pitch, (size_t)(rows - 1) * FONT_H * pitch);
    fill_rows(rows - 1, 1);
    row = rows - 1;
}

void arch_fb_putc(char c)
{
    if (!fb || rows == 0 || cols == 0)
        return;
    if (c == '\n') {
        newline();
        return;
    }
    if (c == '\r')
        return;
    const uint8_t *g = font_glyph(c);
    uint8_t *cell = fb + row * FONT_H * pitch + col * FONT_W * bytes_pp;
    for (unsigned y = 0; y < FONT_H; y++)
        for (unsigned x = 0; x < FONT_W; x++)
            put_pixel(cell + y * pitch + x * bytes_pp, (g[y] & (0x80 >> x)) ? fg : bg);
    if (++col == cols)
        newline();
}
