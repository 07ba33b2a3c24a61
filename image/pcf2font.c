/*
 * pcf2font: turn a PCF bitmap font (X11's misc-fixed 8x13, public domain, from Debian's
 * xfonts-base) into the C table of hypervisor/include/hv/font.h: printable ASCII, one byte per
 * row, the leftmost pixel in the high bit, every glyph placed in the font's cell by its
 * bearings and ascent. Run at build time; the font itself is never committed.
 *   pcf2font FONT.pcf > font.c      (decompress .pcf.gz first: gzip -dc)
 * Exit 1 with a message when the font is not what the table needs (a cell of FONT_W x FONT_H).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/font.h"

#define PCF_ACCELERATORS 2
#define PCF_METRICS 4
#define PCF_BITMAPS 8
#define PCF_BDF_ENCODINGS 32
#define PCF_BDF_ACCELERATORS 256
#define PCF_COMPRESSED_METRICS 0x100
#define PCF_BYTE_MSB 4
#define PCF_BIT_MSB 8

static uint8_t *buf;
static size_t len;

static void die(const char *msg)
{
    fprintf(stderr, "pcf2font: %s\n", msg);
    exit(1);
}

static uint32_t rd(size_t at, unsigned n, int msb)
{
    uint32_t v = 0;
    if (at + n > len)
        die("truncated font");
    for (unsigned i = 0; i < n; i++)
        v |= (uint32_t)buf[at + i] << (8 * (msb ? n - 1 - i : i));
    return v;
}

/* Offset and format of a table; the format word at its start decides its byte order. */
static size_t table(uint32_t type, uint32_t *format)
{
    uint32_t n = rd(4, 4, 0);
    for (uint32_t i = 0; i < n; i++)
        if (rd(8 + i * 16, 4, 0) == type) {
            size_t off = rd(8 + i * 16 + 12, 4, 0);
            *format = rd(off, 4, 0);
            return off;
        }
    return 0;
}

struct metric {
    int lsb, rsb, width, ascent, descent;
};

static struct metric metric(size_t off, uint32_t fmt, uint32_t i)
{
    int msb = (fmt & PCF_BYTE_MSB) != 0;
    struct metric m;
    if (fmt & PCF_COMPRESSED_METRICS) {
        size_t at = off + 6 + (size_t)i * 5;
        m = (struct metric){(int)rd(at, 1, 0) - 0x80, (int)rd(at + 1, 1, 0) - 0x80,
                            (int)rd(at + 2, 1, 0) - 0x80, (int)rd(at + 3, 1, 0) - 0x80,
                            (int)rd(at + 4, 1, 0) - 0x80};
    } else {
        size_t at = off + 8 + (size_t)i * 12;
        m = (struct metric){(int16_t)rd(at, 2, msb), (int16_t)rd(at + 2, 2, msb),
                            (int16_t)rd(at + 4, 2, msb), (int16_t)rd(at + 6, 2, msb),
                            (int16_t)rd(at + 8, 2, msb)};
    }
    return m;
}

static uint8_t reverse(uint8_t b)
{
    uint8_t r = 0;
    for (int i = 0; i < 8; i++)
        r |= ((b >> i) & 1) << (7 - i);
    return r;
}

int main(int argc, char **argv)
{
    FILE *f;
    uint32_t afmt, mfmt, bfmt, efmt;
    static uint8_t glyph[FONT_COUNT][FONT_H];

    if (argc != 2 || !(f = fopen(argv[1], "rb")))
        die("usage: pcf2font FONT.pcf (uncompressed)");
    buf = malloc(1 << 22);
    len = fread(buf, 1, 1 << 22, f);
    fclose(f);
    if (len < 8 || memcmp(buf, "\1fcp", 4) != 0)
        die("not a PCF font");

    size_t acc = table(PCF_BDF_ACCELERATORS, &afmt);
    if (!acc)
        acc = table(PCF_ACCELERATORS, &afmt);
    size_t met = table(PCF_METRICS, &mfmt), bit = table(PCF_BITMAPS, &bfmt);
    size_t enc = table(PCF_BDF_ENCODINGS, &efmt);
    if (!acc || !met || !bit || !enc)
        die("a table is missing (accelerators, metrics, bitmaps or encodings)");
    int amsb = (afmt & PCF_BYTE_MSB) != 0, emsb = (efmt & PCF_BYTE_MSB) != 0;
    int ascent = (int32_t)rd(acc + 12, 4, amsb), descent = (int32_t)rd(acc + 16, 4, amsb);
    if (ascent + descent != FONT_H)
        die("the font's cell height is not FONT_H");

    int bmsb = (bfmt & PCF_BYTE_MSB) != 0, bitmsb = (bfmt & PCF_BIT_MSB) != 0;
    unsigned pad = 1u << (bfmt & 3), unit = 1u << ((bfmt >> 4) & 3);
    uint32_t nglyphs = rd(bit + 4, 4, bmsb);
    size_t data = bit + 8 + (size_t)nglyphs * 4 + 16;
    if (unit != 1 && bmsb != bitmsb)
        die("bitmaps with swapped scan units are not supported");

    uint32_t min2 = rd(enc + 4, 2, emsb), max2 = rd(enc + 6, 2, emsb);
    uint32_t min1 = rd(enc + 8, 2, emsb);
    for (uint32_t c = FONT_FIRST; c < FONT_FIRST + FONT_COUNT; c++) {
        if (min1 != 0 || c < min2 || c > max2)
            die("printable ASCII is not all in the font");
        uint32_t gi = rd(enc + 14 + (c - min2) * 2, 2, emsb);
        if (gi == 0xffff || gi >= nglyphs)
            die("a printable ASCII character has no glyph");
        struct metric m = metric(met, mfmt, gi);
        int w = m.rsb - m.lsb, h = m.ascent + m.descent, top = ascent - m.ascent;
        if (m.width != FONT_W || m.lsb < 0 || m.rsb > FONT_W || top < 0 || top + h > FONT_H)
            die("a glyph does not fit the FONT_W x FONT_H cell");
        size_t at = data + rd(bit + 8 + gi * 4, 4, bmsb),
               stride = ((size_t)(w + 7) / 8 + pad - 1) / pad * pad;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                uint8_t b = (uint8_t)rd(at + (size_t)y * stride + (size_t)x / 8, 1, 0);
                if (!bitmsb)
                    b = reverse(b);
                if (b & (0x80 >> (x % 8)))
                    glyph[c - FONT_FIRST][top + y] |= (uint8_t)(0x80 >> (m.lsb + x));
            }
    }

    printf("/* Generated by image/pcf2font from %s: do not edit. */\n", argv[1]);
    printf("#include \"hv/font.h\"\n\nconst uint8_t font_bitmap[FONT_COUNT][FONT_H] = {\n");
    for (unsigned c = 0; c < FONT_COUNT; c++) {
        printf("    {");
        for (unsigned y = 0; y < FONT_H; y++)
            printf("0x%02x%s", glyph[c][y], y + 1 < FONT_H ? ", " : "");
        printf("}, /* '%s%c' */\n", c + FONT_FIRST == '\\' || c + FONT_FIRST == '\'' ? "\\" : "",
               (char)(c + FONT_FIRST));
    }
    printf("};\n");
    free(buf);
    return 0;
}
