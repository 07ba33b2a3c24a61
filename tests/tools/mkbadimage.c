/* mkbadimage: copy a real guest ELF and break it in one named way, for the bad-image scenarios.
 *   mkbadimage <good.elf> <variant> <out.elf>   mkbadimage --list   mkbadimage --selfcheck
 * <good.elf>
 * --selfcheck runs the real guest_image_parse on every variant and prints PASS:/FAIL: lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "badimage.h"
#include "hv/guest_image.h"

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long n;

    if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
        goto fail;
    buf = malloc(n ? (size_t)n : 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        goto fail;
    fclose(f);
    *len = (size_t)n;
    return buf;
fail:
    fprintf(stderr, "mkbadimage: cannot read %s\n", path);
    free(buf);
    if (f)
        fclose(f);
    return NULL;
}

static int write_file(const char *path, const uint8_t *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "mkbadimage: cannot write %s\n", path);
        return -1;
    }
    return 0;
}

/* Parse with the hypervisor's own checker; returns the reason, or NULL when accepted. */
static const char *parse_reason(const uint8_t *img, size_t len)
{
    static struct guest_image gi;
    const char *why = NULL;
    return guest_image_parse(img, len, &gi, &why) == 0 ? NULL : why;
}

static int selfcheck(const char *good)
{
    size_t len;
    uint8_t *orig = read_file(good, &len), *img;
    const char *why;
    int failed = 0;

    if (!orig)
        return 1;
    if ((why = parse_reason(orig, len)) != NULL) {
        printf("FAIL: unit mkbadimage/good-image: %s refused: %s\n", good, why);
        free(orig);
        return 1;
    }
    printf("PASS: unit mkbadimage/good-image\n");
    img = malloc(len);
    for (unsigned i = 0; img && i < badimage_nr_variants; i++) {
        const struct badimage_variant *v = &badimage_variants[i];
        size_t n = len;
        memcpy(img, orig, len);
        if (v->apply(img, &n) != 0) {
            printf("SKIP: unit mkbadimage/%s: the image lacks what this variant breaks\n", v->name);
            continue;
        }
        why = parse_reason(img, n);
        if (why && strstr(why, v->reason)) {
            printf("PASS: unit mkbadimage/%s\n", v->name);
        } else {
            printf("FAIL: unit mkbadimage/%s: expected \"%s\", got \"%s\"\n", v->name, v->reason,
                   why ? why : "(accepted)");
            failed = 1;
        }
    }
    free(img);
    free(orig);
    return failed;
}

static int usage(void)
{
    fprintf(stderr, "usage: mkbadimage <good.elf> <variant> <out.elf>\n"
                    "       mkbadimage --list\n"
                    "       mkbadimage --selfcheck <good.elf>\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (unsigned i = 0; i < badimage_nr_variants; i++)
            printf("%s\t%s\n", badimage_variants[i].name, badimage_variants[i].reason);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "--selfcheck") == 0)
        return selfcheck(argv[2]);
    if (argc != 4)
        return usage();

    const struct badimage_variant *v = badimage_find(argv[2]);
    if (!v) {
        fprintf(stderr, "mkbadimage: unknown variant %s (see --list)\n", argv[2]);
        return 2;
    }
    size_t len;
    uint8_t *img = read_file(argv[1], &len);
    if (!img)
        return 1;
    if (v->apply(img, &len) != 0) {
        fprintf(stderr, "mkbadimage: %s: %s lacks what this variant breaks\n", v->name, argv[1]);
        free(img);
        return 1;
    }
    int rc = write_file(argv[3], img, len) ? 1 : 0;
    free(img);
    return rc;
}
