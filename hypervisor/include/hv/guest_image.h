/* Guest kernel image checks (ABI §9): ELF32 i386 executable plus its __xen_guest string. Pure
 * logic. */
#ifndef HV_GUEST_IMAGE_H
#define HV_GUEST_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define GUEST_IMAGE_MAX_SEGS 8
#define GUEST_INFO_MAX 256 /* bytes kept of the __xen_guest string, NUL included */

struct guest_seg {
    uint32_t vaddr;  /* p_vaddr */
    uint32_t memsz;  /* p_memsz (>= filesz) */
    uint32_t filesz; /* p_filesz */
    uint32_t offset; /* p_offset into the image */
};

struct guest_image {
    uint32_t entry;   /* e_entry, inside one segment */
    uint32_t v_start; /* VIRT_BASE, or the lowest segment address rounded down to a page */
    uint32_t v_kend;  /* highest vaddr + memsz over all segments (not rounded) */
    unsigned nr_segs;
    struct guest_seg segs[GUEST_IMAGE_MAX_SEGS];
    char info[GUEST_INFO_MAX]; /* the __xen_guest string */
    uint32_t ksyms_off;        /* its .ksyms section (lib/ksyms.h) in the file, if any: */
    uint32_t ksyms_len;        /* 0 when there is none */
};

/*
 * Check a guest image of len bytes and describe it in *out.
 * Returns 0, or -XEN_EINVAL with *why set to a one-line, human-readable reason
 * (a string constant, e.g. "not an ELF file (bad magic)"). Never reads outside img[0, len).
 */
int guest_image_parse(const uint8_t *img, size_t len, struct guest_image *out, const char **why);

/*
 * Check a __xen_guest string (comma-separated KEY=VALUE tokens): it must hold the token
 * XEN_VER=2.0 and LOADER=generic or GUEST_OS=linux; VIRT_BASE=0x... is optional.
 * On success returns 0 and sets *virt_base (0 when absent). Else -XEN_EINVAL and *why.
 */
int xen_guest_info_parse(const char *info, uint32_t *virt_base, const char **why);

#endif
