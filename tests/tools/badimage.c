/* Mutations that turn a good guest ELF into one the hypervisor must refuse, one check each.
 * Host code: it uses the system <elf.h>, which also cross-checks the parser's own ELF layouts.
 * Fields are read and written with memcpy because a file image gives no alignment promise. */
#include <elf.h>
#include <string.h>

#include "badimage.h"

static int get_ehdr(const uint8_t *img, size_t len, Elf32_Ehdr *eh)
{
    if (len < sizeof(*eh))
        return -1;
    memcpy(eh, img, sizeof(*eh));
    return 0;
}

static void put_ehdr(uint8_t *img, const Elf32_Ehdr *eh)
{
    memcpy(img, eh, sizeof(*eh));
}

/* Offset of program header i, or 0 when it is not inside the file. */
static size_t phdr_at(const Elf32_Ehdr *eh, unsigned i, size_t len)
{
    size_t off = (size_t)eh->e_phoff + (size_t)i * sizeof(Elf32_Phdr);
    return eh->e_phoff != 0 && off + sizeof(Elf32_Phdr) <= len ? off : 0;
}

/* Call fn on each PT_LOAD header until it returns nonzero; returns that, or -1 if none matched. */
static int each_load(uint8_t *img, size_t len, int (*fn)(Elf32_Phdr *ph, void *ctx), void *ctx)
{
    Elf32_Ehdr eh;
    if (get_ehdr(img, len, &eh))
        return -1;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        size_t off = phdr_at(&eh, i, len);
        Elf32_Phdr ph;
        if (!off)
            return -1;
        memcpy(&ph, img + off, sizeof(ph));
        if (ph.p_type != PT_LOAD)
            continue;
        int rc = fn(&ph, ctx);
        memcpy(img + off, &ph, sizeof(ph));
        if (rc)
            return rc > 0 ? 0 : rc;
    }
    return -1;
}

/* Locate __xen_guest: its section header (by value) and the offset of its name in the file. */
static int find_xen_guest(const uint8_t *img, size_t len, Elf32_Shdr *out, size_t *name_off)
{
    Elf32_Ehdr eh;
    Elf32_Shdr strtab, sh;
    if (get_ehdr(img, len, &eh) || eh.e_shoff == 0 || eh.e_shstrndx >= eh.e_shnum ||
        (size_t)eh.e_shoff + (size_t)eh.e_shnum * sizeof(sh) > len)
        return -1;
    memcpy(&strtab, img + eh.e_shoff + (size_t)eh.e_shstrndx * sizeof(sh), sizeof(sh));
    for (unsigned i = 1; i < eh.e_shnum; i++) {
        memcpy(&sh, img + eh.e_shoff + (size_t)i * sizeof(sh), sizeof(sh));
        size_t n = (size_t)strtab.sh_offset + sh.sh_name;
        if (sh.sh_name + sizeof("__xen_guest") > strtab.sh_size || n + sizeof("__xen_guest") > len)
            continue;
        if (memcmp(img + n, "__xen_guest", sizeof("__xen_guest")) != 0)
            continue;
        if ((size_t)sh.sh_offset + sh.sh_size > len)
            return -1;
        *out = sh;
        *name_off = n;
        return 0;
    }
    return -1;
}

/* Replace every `from` inside the __xen_guest bytes by `to` (same length). */
static int rewrite_info(uint8_t *img, size_t len, const char *from, const char *to)
{
    Elf32_Shdr sh;
    size_t name_off, n = strlen(from), hits = 0;
    if (find_xen_guest(img, len, &sh, &name_off))
        return -1;
    for (size_t i = 0; i + n <= sh.sh_size; i++) {
        if (memcmp(img + sh.sh_offset + i, from, n) == 0) {
            memcpy(img + sh.sh_offset + i, to, n);
            hits++;
        }
    }
    return hits ? 0 : -1;
}

static int set_ident(uint8_t *img, size_t *len, unsigned idx, uint8_t val)
{
    if (*len < EI_NIDENT)
        return -1;
    img[idx] = val;
    return 0;
}

static int v_bad_magic(uint8_t *img, size_t *len)
{
    return set_ident(img, len, EI_MAG3, 'G');
}
static int v_elf64_class(uint8_t *img, size_t *len)
{
    return set_ident(img, len, EI_CLASS, ELFCLASS64);
}
static int v_big_endian(uint8_t *img, size_t *len)
{
    return set_ident(img, len, EI_DATA, ELFDATA2MSB);
}

static int v_wrong_machine(uint8_t *img, size_t *len)
{
    Elf32_Ehdr eh;
    if (get_ehdr(img, *len, &eh))
        return -1;
    eh.e_machine = EM_X86_64;
    put_ehdr(img, &eh);
    return 0;
}

static int v_not_exec(uint8_t *img, size_t *len)
{
    Elf32_Ehdr eh;
    if (get_ehdr(img, *len, &eh))
        return -1;
    eh.e_type = ET_DYN;
    put_ehdr(img, &eh);
    return 0;
}

static int unload(Elf32_Phdr *ph, void *ctx)
{
    unsigned *n = ctx;
    ph->p_type = PT_NULL;
    (*n)++;
    return 0; /* keep going: every PT_LOAD goes */
}

static int v_no_load(uint8_t *img, size_t *len)
{
    unsigned n = 0;
    each_load(img, *len, unload, &n);
    return n ? 0 : -1;
}

static int into_hole(Elf32_Phdr *ph, void *ctx)
{
    (void)ctx;
    if (ph->p_memsz == 0)
        return 0;
    ph->p_vaddr = 0xFC000000u;
    return 1;
}

static int v_load_in_hole(uint8_t *img, size_t *len)
{
    return each_load(img, *len, into_hole, NULL);
}

static int grow_filesz(Elf32_Phdr *ph, void *ctx)
{
    (void)ctx;
    ph->p_filesz = ph->p_memsz + 1;
    return 1;
}

static int v_filesz_gt_memsz(uint8_t *img, size_t *len)
{
    return each_load(img, *len, grow_filesz, NULL);
}

static int note_end(Elf32_Phdr *ph, void *ctx)
{
    uint32_t *end = ctx;
    if (ph->p_vaddr + ph->p_memsz > *end)
        *end = ph->p_vaddr + ph->p_memsz;
    return 0;
}

static int v_entry_outside(uint8_t *img, size_t *len)
{
    Elf32_Ehdr eh;
    uint32_t end = 0;
    each_load(img, *len, note_end, &end);
    if (end == 0 || get_ehdr(img, *len, &eh))
        return -1;
    eh.e_entry = end; /* one past the highest segment: inside none of them */
    put_ehdr(img, &eh);
    return 0;
}

struct first_two {
    unsigned n;
    uint32_t vaddr;
};

static int overlap_second(Elf32_Phdr *ph, void *ctx)
{
    struct first_two *f = ctx;
    if (f->n++ == 0) {
        f->vaddr = ph->p_vaddr;
        return 0;
    }
    ph->p_vaddr = f->vaddr;
    return 1;
}

static int v_overlap(uint8_t *img, size_t *len)
{
    struct first_two f = {0, 0};
    return each_load(img, *len, overlap_second, &f);
}

static int v_no_xen_guest(uint8_t *img, size_t *len)
{
    Elf32_Shdr sh;
    size_t name_off;
    if (find_xen_guest(img, *len, &sh, &name_off))
        return -1;
    img[name_off + strlen("__xen_gues")] = 'x'; /* "__xen_guesx" */
    return 0;
}

static int v_no_xen_ver(uint8_t *img, size_t *len)
{
    return rewrite_info(img, *len, "XEN_VER=", "XEN_VEX=");
}

static int v_no_loader(uint8_t *img, size_t *len)
{
    int a = rewrite_info(img, *len, "LOADER=", "LOADEX=");
    int b = rewrite_info(img, *len, "GUEST_OS=", "GUEST_OX=");
    return a == 0 || b == 0 ? 0 : -1;
}

/* Make VIRT_BASE unaligned in place; if the string has none, replace the whole string. */
static int v_bad_virt_base(uint8_t *img, size_t *len)
{
    static const char key[] = "VIRT_BASE=0x", repl[] = "XEN_VER=2.0,LOADER=generic,VIRT_BASE=0x1";
    Elf32_Shdr sh;
    size_t name_off, k = sizeof(key) - 1;
    if (find_xen_guest(img, *len, &sh, &name_off))
        return -1;
    uint8_t *s = img + sh.sh_offset;
    for (size_t i = 0; i + k < sh.sh_size; i++) {
        if (memcmp(s + i, key, k) != 0)
            continue;
        size_t j = i + k;
        while (j + 1 < sh.sh_size && s[j + 1] != '\0' && s[j + 1] != ',')
            j++;
        s[j] = '1';
        return 0;
    }
    if (sh.sh_size < sizeof(repl))
        return -1;
    memset(s, 0, sh.sh_size);
    memcpy(s, repl, sizeof(repl));
    return 0;
}

struct last_seg {
    uint32_t offset, filesz;
};

static int note_last(Elf32_Phdr *ph, void *ctx)
{
    struct last_seg *l = ctx;
    if (ph->p_filesz >= 2 && ph->p_offset >= l->offset)
        *l = (struct last_seg){ph->p_offset, ph->p_filesz};
    return 0;
}

static int v_truncated(uint8_t *img, size_t *len)
{
    struct last_seg l = {0, 0};
    each_load(img, *len, note_last, &l);
    if (l.filesz == 0 || (size_t)l.offset + l.filesz > *len)
        return -1;
    *len = (size_t)l.offset + l.filesz / 2; /* the middle of the last segment's data */
    return 0;
}

static int v_truncated_header(uint8_t *img, size_t *len)
{
    (void)img;
    if (*len <= 20)
        return -1;
    *len = 20;
    return 0;
}

const struct badimage_variant badimage_variants[] = {
    {"bad-magic", "not an ELF file (bad magic)", v_bad_magic},
    {"elf64-class", "not a 32-bit ELF (class)", v_elf64_class},
    {"big-endian", "not little-endian", v_big_endian},
    {"wrong-machine", "not an i386 ELF (machine)", v_wrong_machine},
    {"not-exec", "not an executable (ET_EXEC)", v_not_exec},
    {"no-load", "no PT_LOAD segment", v_no_load},
    {"load-in-hole", "segment reaches the hypervisor hole (>= 0xFC000000)", v_load_in_hole},
    {"filesz-gt-memsz", "segment file size larger than memory size", v_filesz_gt_memsz},
    {"entry-outside", "entry point outside every PT_LOAD segment", v_entry_outside},
    {"overlap", "overlapping PT_LOAD segments", v_overlap},
    {"no-xen-guest", "no __xen_guest section", v_no_xen_guest},
    {"no-xen-ver", "__xen_guest lacks XEN_VER=2.0", v_no_xen_ver},
    {"no-loader", "__xen_guest lacks LOADER=generic or GUEST_OS=linux", v_no_loader},
    {"bad-virt-base", "bad VIRT_BASE", v_bad_virt_base},
    {"truncated", "truncated: segment data beyond end of file", v_truncated},
    {"truncated-header", "truncated: file shorter than the ELF header", v_truncated_header},
};
const unsigned badimage_nr_variants = sizeof(badimage_variants) / sizeof(badimage_variants[0]);

const struct badimage_variant *badimage_find(const char *name)
{
    for (unsigned i = 0; i < badimage_nr_variants; i++)
        if (strcmp(badimage_variants[i].name, name) == 0)
            return &badimage_variants[i];
    return NULL;
}
