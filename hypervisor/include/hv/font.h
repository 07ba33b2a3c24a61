/* The framebuffer console's font: printable ASCII in an 8 x 13 cell (X11's misc-fixed 8x13,
 * public domain, converted at build time by image/pcf2font). The colours are here too, so the
 * host tool that checks a screen (tests/tools/fbrender) draws exactly what the console does. */
#ifndef HV_FONT_H
#define HV_FONT_H

#include <stdint.h>

#define FONT_W 8
#define FONT_H 13
#define FONT_FIRST 32     /* ' ' */
#define FONT_COUNT 95     /* ' ' to '~'; anything else is drawn as '?' */
#define FONT_FG 0xc0c0c0u /* light grey, 0xRRGGBB */
#define FONT_BG 0x000000u

/* One byte per row, top to bottom; bit 7 is the leftmost pixel. */
extern const uint8_t font_bitmap[FONT_COUNT][FONT_H];

static inline const uint8_t *font_glyph(char c)
{
    unsigned u = (unsigned char)c;
    return font_bitmap[(u >= FONT_FIRST && u < FONT_FIRST + FONT_COUNT ? u : '?') - FONT_FIRST];
}

#endif
