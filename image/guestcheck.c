/* guestcheck FILE: check a guest kernel image with the hypervisor's own checker
 * (hypervisor/core/guest_image.c, compiled for the host), so that make names a bad GUEST= before
 * it builds an ISO that the hypervisor would refuse at boot. Prints one line; exit 0 when the
 * image is a Xen 2.0 x86_32 guest, 1 when it is not, 2 when the file cannot be read. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/guest_image.h"

int main(int argc, char **argv)
{
    struct guest_image img;
    const char *why;
    FILE *f;
    long n;
    uint8_t *buf;

    if (argc != 2) {
        fprintf(stderr, "usage: guestcheck FILE\n");
        return 2;
    }
    f = fopen(argv[1], "rb");
    if (!f) {
        fprintf(stderr, "guestcheck: %s: %s\n", argv[1], strerror(errno));
        return 2;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
        !(buf = malloc(n ? (size_t)n : 1)) || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "guestcheck: %s: cannot read it\n", argv[1]);
        fclose(f);
        return 2;
    }
    fclose(f);
    if (guest_image_parse(buf, (size_t)n, &img, &why)) {
        fprintf(stderr, "guestcheck: %s is not a Xen 2.0 x86_32 guest image: %s\n", argv[1], why);
        free(buf);
        return 1;
    }
    printf("guestcheck: %s: entry %#x, v_start %#x, %u segments, __xen_guest '%s'\n", argv[1],
           img.entry, img.v_start, img.nr_segs, img.info);
    free(buf);
    return 0;
}
