/*
 * fbrender: draw text lines the way the hypervisor's framebuffer console does (same font, same
 * colours: hv/font.h; same wrapping and scrolling: arch/x86/fbcon.c) and compare the picture
 * with a QEMU screendump, pixel for pixel.
 *   fbrender LINES.txt SCREEN.ppm [--out EXPECTED.ppm]
 * LINES.txt holds what the console printed since it started (e.g. cut from the serial log).
 * Prints "N of M pixels differ" (and the first differing text cell); exit 0 only when none do.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/font.h"

static unsigned cols, rows, row, col;
static char *grid; /* rows x cols characters, ' ' for an empty cell */

static void newline(void)
{
    col = 0;
    if (++row < rows)
        return;
    memmove(grid, grid + cols, (size_t)(rows - 1) * cols);
    memset(grid + (size_t)(rows - 1) * cols, ' ', cols);
    row = rows - 1;
}

static void put(char c)
{
    if (c == '\n') {
        newline();
        return;
    }
    if (c == '\r')
        return;
    grid[(size_t)row * cols + col] = c;
    if (++col == cols)
        newline();
}

int main(int argc, char **argv)
{
    unsigned w, h, maxval;
    FILE *f;

    if (argc != 3 && !(argc == 5 && strcmp(argv[3], "--out") == 0)) {
        fprintf(stderr, "usage: fbrender LINES.txt SCREEN.ppm [--out EXPECTED.ppm]\n");
        return 2;
    }
    if (!(f = fopen(argv[2], "rb")) || fscanf(f, "P6 %u %u %u", &w, &h, &maxval) != 3 ||
        maxval != 255 || fgetc(f) == EOF) {
        fprintf(stderr, "fbrender: %s is not a binary PPM (P6, 8 bits)\n", argv[2]);
        return 2;
    }
    uint8_t *shot = malloc((size_t)w * h * 3), *want = malloc((size_t)w * h * 3);
    size_t got = shot ? fread(shot, 3, (size_t)w * h, f) : 0;
    fclose(f);
    cols = w / FONT_W;
    rows = h / FONT_H;
    grid = malloc((size_t)rows * cols + 1);
    f = fopen(argv[1], "r");
    if (got != (size_t)w * h || !want || !grid || !f) {
        fprintf(stderr, "fbrender: %s is truncated, or %s unreadable\n", argv[2], argv[1]);
        free(shot);
        free(want);
        free(grid);
        if (f)
            fclose(f);
        return 2;
    }
    memset(grid, ' ', (size_t)rows * cols);
    for (int c; (c = fgetc(f)) != EOF;)
        put((char)c);
    fclose(f);

    for (unsigned y = 0; y < h; y++)
        for (unsigned x = 0; x < w; x++) {
            uint32_t rgb = FONT_BG;
            if (y < rows * FONT_H && x < cols * FONT_W) {
                const uint8_t *g = font_glyph(grid[(size_t)(y / FONT_H) * cols + x / FONT_W]);
                if (g[y % FONT_H] & (0x80 >> (x % FONT_W)))
                    rgb = FONT_FG;
            }
            uint8_t *p = want + ((size_t)y * w + x) * 3;
            p[0] = (uint8_t)(rgb >> 16), p[1] = (uint8_t)(rgb >> 8), p[2] = (uint8_t)rgb;
        }
    if (argc == 5 && (f = fopen(argv[4], "wb"))) {
        fprintf(f, "P6\n%u %u\n255\n", w, h);
        fwrite(want, 3, (size_t)w * h, f);
        fclose(f);
    }

    unsigned long differ = 0, first = 0;
    for (unsigned long i = 0; i < (unsigned long)w * h; i++)
        if (memcmp(shot + i * 3, want + i * 3, 3) != 0 && differ++ == 0)
            first = i;
    printf("%ux%u screen, %ux%u text: %lu of %lu pixels differ", w, h, cols, rows, differ,
           (unsigned long)w * h);
    if (differ)
        printf(" (first in text row %lu, column %lu)", first / w / FONT_H, first % w / FONT_W);
    printf("\n");
    free(shot);
    free(want);
    free(grid);
    return differ != 0;
}
