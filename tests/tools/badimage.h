/* Ways to break a good guest ELF image, each paired with the reason guest_image_parse must give.
 * Shared by the mkbadimage tool (real guest on disk) and the unit tests (images built in memory).
 */
#ifndef TESTS_TOOLS_BADIMAGE_H
#define TESTS_TOOLS_BADIMAGE_H

#include <stddef.h>
#include <stdint.h>

struct badimage_variant {
    const char *name;   /* e.g. "bad-magic" */
    const char *reason; /* substring of guest_image_parse's *why for the broken image */
    /* Break img in place (len may shrink). 0, or -1 when the image lacks what the variant needs. */
    int (*apply)(uint8_t *img, size_t *len);
};

extern const struct badimage_variant badimage_variants[];
extern const unsigned badimage_nr_variants;

/* The variant called name, or NULL. */
const struct badimage_variant *badimage_find(const char *name);

#endif
