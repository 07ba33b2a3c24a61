/* In-memory ELF32 guest images for the guest_image and badimage unit tests: a spec (segments,
 * entry, __xen_guest string) becomes a real file image in img[0, img_len), which tests then break.
 * Uses the host <elf.h>, independent of the parser's own layouts. Parses run on exact-size copies.
 */
#ifndef TESTS_UNIT_ELF_BUILDER_H
#define TESTS_UNIT_ELF_BUILDER_H

#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "hv/guest_image.h"
#include "public/xen.h"

#define GOOD_INFO "GUEST_OS=linux,GUEST_VER=2.6,XEN_VER=2.0,VIRT_BASE=0xC0000000,LOADER=generic"

struct seg_spec {
    uint32_t type, vaddr, memsz, filesz;
};

struct img_spec {
    unsigned nseg;
    struct seg_spec seg[12];
    uint32_t entry;
    const char *info; /* __xen_guest bytes; NULL: no such section */
    size_t info_size; /* section size; 0: strlen(info) + 1 */
};

enum { SH_XEN_GUEST = 1, SH_STRTAB = 2 };

static uint8_t img[0x10000]; /* the image being built or broken */
static size_t img_len;
static struct guest_image gi;
static const char *why;

static inline struct img_spec good_spec(void)
{
    return (struct img_spec){
        .nseg = 2,
        .seg = {{PT_LOAD, 0xC0000000, 0x3000, 0x2000}, {PT_LOAD, 0xC0004000, 0x2000, 0x100}},
        .entry = 0xC0000010,
        .info = GOOD_INFO,
    };
}

/* ehdr | phdrs | segment data | __xen_guest | shstrtab | shdrs (null, __xen_guest, .shstrtab). */
static inline void build(const struct img_spec *s)
{
    static const char names[] = "\0__xen_guest\0.shstrtab";
    Elf32_Ehdr eh = {.e_type = ET_EXEC, .e_machine = EM_386, .e_version = EV_CURRENT};
    size_t off;

    memset(img, 0, sizeof(img));
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS32;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_entry = s->entry;
    eh.e_phoff = sizeof(eh);
    eh.e_phnum = (uint16_t)s->nseg;
    eh.e_phentsize = sizeof(Elf32_Phdr);
    eh.e_ehsize = sizeof(eh);
    off = 0x200;
    for (unsigned i = 0; i < s->nseg; i++) {
        Elf32_Phdr ph = {.p_type = s->seg[i].type,
                         .p_offset = (uint32_t)off,
                         .p_vaddr = s->seg[i].vaddr,
                         .p_paddr = s->seg[i].vaddr,
                         .p_filesz = s->seg[i].filesz,
                         .p_memsz = s->seg[i].memsz,
                         .p_flags = PF_R | PF_X,
                         .p_align = 4};
        memcpy(img + eh.e_phoff + i * sizeof(ph), &ph, sizeof(ph));
        memset(img + off, 0x90 + i, s->seg[i].filesz);
        off = (off + s->seg[i].filesz + 15) & ~(size_t)15;
    }
    Elf32_Shdr sh[3] = {{0}};
    if (s->info) {
        size_t n = s->info_size ? s->info_size : strlen(s->info) + 1;
        sh[SH_XEN_GUEST] = (Elf32_Shdr){.sh_name = 1,
                                        .sh_type = SHT_PROGBITS,
                                        .sh_offset = (uint32_t)off,
                                        .sh_size = (uint32_t)n,
                                        .sh_addralign = 1};
        memcpy(img + off, s->info, strlen(s->info) < n ? strlen(s->info) : n);
        off += n;
    }
    sh[SH_STRTAB] = (Elf32_Shdr){.sh_name = 13,
                                 .sh_type = SHT_STRTAB,
                                 .sh_offset = (uint32_t)off,
                                 .sh_size = sizeof(names),
                                 .sh_addralign = 1};
    memcpy(img + off, names, sizeof(names));
    off = (off + sizeof(names) + 3) & ~(size_t)3;
    if (!s->info)
        sh[SH_XEN_GUEST].sh_type = SHT_NULL; /* keeps the indices; nothing is named __xen_guest */
    eh.e_shoff = (uint32_t)off;
    eh.e_shnum = 3;
    eh.e_shentsize = sizeof(Elf32_Shdr);
    eh.e_shstrndx = SH_STRTAB;
    memcpy(img + off, sh, sizeof(sh));
    img_len = off + sizeof(sh);
    memcpy(img, &eh, sizeof(eh));
}

static inline void build_good(void)
{
    struct img_spec s = good_spec();
    build(&s);
}

/* Header accessors by copy: the image bytes promise no alignment. */
static inline Elf32_Ehdr eh_get(void)
{
    Elf32_Ehdr e;
    memcpy(&e, img, sizeof(e));
    return e;
}

static inline void eh_put(Elf32_Ehdr e)
{
    memcpy(img, &e, sizeof(e));
}

static inline Elf32_Phdr ph_get(unsigned i)
{
    Elf32_Phdr p;
    memcpy(&p, img + sizeof(Elf32_Ehdr) + i * sizeof(p), sizeof(p));
    return p;
}

static inline void ph_put(unsigned i, Elf32_Phdr p)
{
    memcpy(img + sizeof(Elf32_Ehdr) + i * sizeof(p), &p, sizeof(p));
}

static inline Elf32_Shdr sh_get(unsigned i)
{
    Elf32_Shdr s;
    memcpy(&s, img + eh_get().e_shoff + i * sizeof(s), sizeof(s));
    return s;
}

static inline void sh_put(unsigned i, Elf32_Shdr s)
{
    memcpy(img + eh_get().e_shoff + i * sizeof(s), &s, sizeof(s));
}

/* guest_image_parse on an exact-size heap copy of img[0, len). */
static inline int parse_len(size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, img, len);
    why = NULL;
    int rc = guest_image_parse(copy, len, &gi, &why);
    free(copy);
    return rc;
}

/* The image must be refused with exactly this reason (macros, so failures name the caller's line).
 */
#define REFUSED_LEN(len, reason)               \
    do {                                       \
        CHECK_EQ(parse_len(len), -XEN_EINVAL); \
        CHECK_STR(why, reason);                \
    } while (0)
#define REFUSED(reason) REFUSED_LEN(img_len, reason)

#endif
