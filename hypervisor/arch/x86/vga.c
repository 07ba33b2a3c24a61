/* VGA text mode (80x25 at 0xB8000), write-only mirror of the console. */
#include <stdint.h>
#include "hv/arch.h"
#include "layout.h"
#include "x86.h"

#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x0700 /* light grey on black */

static volatile uint16_t *const vga = (volatile uint16_t *)HV_VIRT(0xB8000);
static unsigned row, col;
static int enabled;

int arch_vga_init(void)
{
    for (unsigned i = 0; i < VGA_COLS * VGA_ROWS; i++)
        vga[i] = VGA_ATTR | ' ';
    row = col = 0;
    enabled = 1;
    /* Park the hardware cursor off screen. */
    outb(0x3d4, 0x0a);
    outb(0x3d5, 0x20);
    return 0;
}

static void scroll(void)
{
    for (unsigned i = 0; i < VGA_COLS * (VGA_ROWS - 1); i++)
        vga[i] = vga[i + VGA_COLS];
    for (unsigned i = 0; i < VGA_COLS; i++)
        vga[VGA_COLS * (VGA_ROWS - 1) + i] = VGA_ATTR | ' ';
    row = VGA_ROWS - 1;
}

void arch_vga_putc(char c)
{
    if (!enabled)
        return;
    if (c == '\n') {
        col = 0;
        if (++row == VGA_ROWS)
            scroll();
        return;
    }
    if (c == '\r')
        return;
    vga[row * VGA_COLS + col] = VGA_ATTR | (uint8_t)c;
    if (++col == VGA_COLS) {
        col = 0;
        if (++row == VGA_ROWS)
            scroll();
    }
}
