/* Unit tests for tests/tools/badimage.c: each mkbadimage variant, applied to a good image built
 * in memory, is refused by the real guest_image_parse with the reason the tool advertises. */
#include <stdint.h>
#include <string.h>

#include "badimage.h"
#include "elf_builder.h"
#include "harness.h"

/* Every mkbadimage variant, applied to the in-memory good image, gives its advertised reason. */
TEST(badimage_variants)
{
    for (unsigned i = 0; i < badimage_nr_variants; i++) {
        const struct badimage_variant *v = &badimage_variants[i];
        build_good();
        size_t len = img_len;
        CHECK_EQ(v->apply(img, &len), 0);
        CHECK(len <= img_len);
        CHECK_EQ(parse_len(len), -XEN_EINVAL);
        if (why == NULL || strstr(why, v->reason) == NULL) {
            harness_fail("%s:%d variant %s: expected \"%s\", got \"%s\"", __FILE__, __LINE__,
                         v->name, v->reason, why ? why : "(null)");
            return;
        }
    }
    CHECK(badimage_find("truncated") != NULL);
    CHECK(badimage_find("nonsense") == NULL);
}

TEST(badimage_virt_base_without_token)
{
    struct img_spec s = good_spec();
    s.info = "GUEST_OS=linux,XEN_VER=2.0";
    s.info_size = 64; /* room for the replacement string */
    build(&s);
    CHECK_EQ(parse_len(img_len), 0);
    size_t len = img_len;
    CHECK_EQ(badimage_find("bad-virt-base")->apply(img, &len), 0);
    REFUSED("bad VIRT_BASE (not page aligned)");
}

TEST(every_variant_is_distinct)
{
    for (unsigned i = 0; i < badimage_nr_variants; i++) {
        CHECK(badimage_find(badimage_variants[i].name) == &badimage_variants[i]);
        CHECK(badimage_variants[i].reason[0] != '\0');
    }
}

/* A file without what a variant needs is reported, not silently left good. */
TEST(missing_parts_reported)
{
    struct img_spec s = good_spec();
    s.info = NULL;
    build(&s);
    size_t len = img_len;
    CHECK_EQ(badimage_find("no-xen-guest")->apply(img, &len), -1);
    CHECK_EQ(badimage_find("no-xen-ver")->apply(img, &len), -1);
    s = good_spec();
    s.nseg = 1;
    build(&s);
    len = img_len;
    CHECK_EQ(badimage_find("overlap")->apply(img, &len), -1);
    len = 10;
    CHECK_EQ(badimage_find("truncated-header")->apply(img, &len), -1);
}

RUN_TESTS(T(badimage_variants), T(badimage_virt_base_without_token), T(every_variant_is_distinct),
          T(missing_parts_reported))
