/* Guest kernel image checks (ABI §9): is this an ELF32 i386 executable we can load, and what does
 * its
 * __xen_guest string say? Every field is treated as hostile: offsets and sizes are checked against
 * the image length with arithmetic that cannot wrap, so nothing outside img[0, len) is ever read.
 */
#include <stddef.h>
#include <stdint.h>

#include "hv/guest_image.h"
#include "lib/elf32.h"
#include "lib/string.h"
#include "public/xen.h"

static const char xen_guest_name[] = "__xen_guest"; /* compared with its NUL */

/* Does [off, off + size) lie inside a buffer of len bytes? Never wraps. */
static int in_file(uint64_t off, uint64_t size, size_t len)
{
    return off <= len && size <= len - off;
}

static int fail(const char **why, const char *reason)
{
    *why = reason;
    return -XEN_EINVAL;
}

static int check_header(const uint8_t *img, size_t len, struct elf32_ehdr *eh, const char **why)
{
    if (len < sizeof(*eh))
        return fail(why, "truncated: file shorter than the ELF header");
    memcpy(eh, img, sizeof(*eh));
    if (eh->ident[0] != 0x7f || eh->ident[1] != 'E' || eh->ident[2] != 'L' || eh->ident[3] != 'F')
        return fail(why, "not an ELF file (bad magic)");
    if (eh->ident[EI_CLASS] != ELFCLASS32)
        return fail(why, "not a 32-bit ELF (class)");
    if (eh->ident[EI_DATA] != ELFDATA2LSB)
        return fail(why, "not little-endian");
    if (eh->machine != EM_386)
        return fail(why, "not an i386 ELF (machine)");
    if (eh->type != ET_EXEC)
        return fail(why, "not an executable (ET_EXEC)");
    return 0;
}

static int check_one_segment(const struct elf32_phdr *ph, size_t len, const char **why)
{
    if (ph->filesz > ph->memsz)
        return fail(why, "segment file size larger than memory size");
    if ((uint64_t)ph->vaddr + ph->memsz > HYPERVISOR_VIRT_START)
        return fail(why, "segment reaches the hypervisor hole (>= 0xFC000000)");
    if (!in_file(ph->offset, ph->filesz, len))
        return fail(why, "truncated: segment data beyond end of file");
    return 0;
}

/* Collect the PT_LOAD segments, then check them as a set: no overlap, entry inside one. */
static int check_segments(const uint8_t *img, size_t len, const struct elf32_ehdr *eh,
                          struct guest_image *out, const char **why)
{
    if (eh->phnum != 0 && eh->phentsize != sizeof(struct elf32_phdr))
        return fail(why, "bad program header entry size");
    if (!in_file(eh->phoff, (uint64_t)eh->phnum * sizeof(struct elf32_phdr), len))
        return fail(why, "truncated: program headers beyond end of file");

    out->nr_segs = 0;
    for (unsigned i = 0; i < eh->phnum; i++) {
        struct elf32_phdr ph;
        memcpy(&ph, img + eh->phoff + (size_t)i * sizeof(ph), sizeof(ph));
        if (ph.type != PT_LOAD)
            continue;
        if (out->nr_segs == GUEST_IMAGE_MAX_SEGS)
            return fail(why, "too many PT_LOAD segments");
        int rc = check_one_segment(&ph, len, why);
        if (rc)
            return rc;
        out->segs[out->nr_segs++] = (struct guest_seg){
            .vaddr = ph.vaddr, .memsz = ph.memsz, .filesz = ph.filesz, .offset = ph.offset};
    }
    if (out->nr_segs == 0)
        return fail(why, "no PT_LOAD segment");

    /* At most 8 segments: the quadratic check is cheaper than sorting. Ends cannot wrap (checked).
     */
    int entry_ok = 0;
    for (unsigned i = 0; i < out->nr_segs; i++) {
        const struct guest_seg *a = &out->segs[i];
        for (unsigned j = i + 1; j < out->nr_segs; j++) {
            const struct guest_seg *b = &out->segs[j];
            if (a->vaddr < b->vaddr + b->memsz && b->vaddr < a->vaddr + a->memsz)
                return fail(why, "overlapping PT_LOAD segments");
        }
        if (eh->entry >= a->vaddr && eh->entry - a->vaddr < a->memsz)
            entry_ok = 1;
    }
    if (!entry_ok)
        return fail(why, "entry point outside every PT_LOAD segment");
    return 0;
}

/* Find __xen_guest by name and copy its string (at most GUEST_INFO_MAX-1 bytes) into out->info. */
static int find_xen_guest(const uint8_t *img, size_t len, const struct elf32_ehdr *eh,
                          struct guest_image *out, const char **why)
{
    const size_t shsz = sizeof(struct elf32_shdr);

    if (eh->shnum == 0)
        return fail(why, "no __xen_guest section");
    if (eh->shentsize != shsz)
        return fail(why, "bad section header entry size");
    if (!in_file(eh->shoff, (uint64_t)eh->shnum * shsz, len))
        return fail(why, "truncated: section headers beyond end of file");
    if (eh->shstrndx == 0 || eh->shstrndx >= eh->shnum)
        return fail(why, "bad section name table index");

    struct elf32_shdr strtab, sh;
    memcpy(&strtab, img + eh->shoff + (size_t)eh->shstrndx * shsz, shsz);
    if (!in_file(strtab.offset, strtab.size, len))
        return fail(why, "truncated: section name table beyond end of file");

    for (unsigned i = 1; i < eh->shnum; i++) {
        memcpy(&sh, img + eh->shoff + (size_t)i * shsz, shsz);
        if (sh.name > strtab.size || strtab.size - sh.name < sizeof(xen_guest_name))
            continue;
        if (memcmp(img + strtab.offset + sh.name, xen_guest_name, sizeof(xen_guest_name)) != 0)
            continue;
        if (sh.type == SHT_NOBITS)
            return fail(why, "__xen_guest section has no file data");
        if (!in_file(sh.offset, sh.size, len))
            return fail(why, "truncated: __xen_guest section beyond end of file");
        /* The string need not be NUL-terminated inside the section. */
        size_t n = 0;
        while (n < sh.size && n < GUEST_INFO_MAX - 1 && img[sh.offset + n] != '\0') {
            out->info[n] = (char)img[sh.offset + n];
            n++;
        }
        out->info[n] = '\0';
        return 0;
    }
    return fail(why, "no __xen_guest section");
}

/* The optional .ksyms section (lib/ksyms.h): where it is in the file, or nothing. Called after
 * find_xen_guest has checked the section headers and their name table. */
static void find_ksyms(const uint8_t *img, size_t len, const struct elf32_ehdr *eh,
                       struct guest_image *out)
{
    static const char name[] = ".ksyms";
    const size_t shsz = sizeof(struct elf32_shdr);
    struct elf32_shdr strtab, sh;

    memcpy(&strtab, img + eh->shoff + (size_t)eh->shstrndx * shsz, shsz);
    for (unsigned i = 1; i < eh->shnum; i++) {
        memcpy(&sh, img + eh->shoff + (size_t)i * shsz, shsz);
        if (sh.name > strtab.size || strtab.size - sh.name < sizeof(name) ||
            memcmp(img + strtab.offset + sh.name, name, sizeof(name)) != 0)
            continue;
        if (sh.type != SHT_NOBITS && in_file(sh.offset, sh.size, len)) {
            out->ksyms_off = sh.offset;
            out->ksyms_len = sh.size;
        }
        return;
    }
}

int guest_image_parse(const uint8_t *img, size_t len, struct guest_image *out, const char **why)
{
    struct elf32_ehdr eh;
    uint32_t virt_base;
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = check_header(img, len, &eh, why)) != 0)
        return rc;
    if ((rc = check_segments(img, len, &eh, out, why)) != 0)
        return rc;
    if ((rc = find_xen_guest(img, len, &eh, out, why)) != 0)
        return rc;
    if ((rc = xen_guest_info_parse(out->info, &virt_base, why)) != 0)
        return rc;
    find_ksyms(img, len, &eh, out);

    uint32_t lowest = 0xFFFFFFFFu, kend = 0;
    for (unsigned i = 0; i < out->nr_segs; i++) {
        const struct guest_seg *s = &out->segs[i];
        if (s->vaddr < lowest)
            lowest = s->vaddr;
        if (s->vaddr + s->memsz > kend)
            kend = s->vaddr + s->memsz;
    }
    if (virt_base > lowest)
        return fail(why, "VIRT_BASE above the lowest segment");
    out->entry = eh.entry;
    out->v_start = virt_base ? virt_base : (lowest & ~(XEN_PAGE_SIZE - 1));
    out->v_kend = kend;
    return 0;
}

/* ---- The __xen_guest string: comma-separated KEY=VALUE tokens ---------------------------- */

/* Is the token [tok, tok+n) exactly "key=value"? */
static int token_is(const char *tok, size_t n, const char *kv)
{
    size_t kvlen = strlen(kv);
    return n == kvlen && memcmp(tok, kv, n) == 0;
}

/* VIRT_BASE=0x<hex>: page aligned and below the hypervisor hole. */
static int parse_virt_base(const char *v, size_t n, uint32_t *out, const char **why)
{
    uint32_t val = 0;

    if (n < 3 || v[0] != '0' || (v[1] != 'x' && v[1] != 'X'))
        return fail(why, "bad VIRT_BASE (not 0x-prefixed hex)");
    for (size_t i = 2; i < n; i++) {
        char c = v[i];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (uint32_t)(c - 'A' + 10);
        else
            return fail(why, "bad VIRT_BASE (not 0x-prefixed hex)");
        if (val > 0x0FFFFFFFu)
            return fail(why, "bad VIRT_BASE (more than 32 bits)");
        val = (val << 4) | d;
    }
    if (val & (XEN_PAGE_SIZE - 1))
        return fail(why, "bad VIRT_BASE (not page aligned)");
    if (val >= HYPERVISOR_VIRT_START)
        return fail(why, "bad VIRT_BASE (in the hypervisor hole)");
    *out = val;
    return 0;
}

int xen_guest_info_parse(const char *info, uint32_t *virt_base, const char **why)
{
    static const char vb_key[] = "VIRT_BASE=";
    const size_t vb_len = sizeof(vb_key) - 1;
    int have_ver = 0, have_loader = 0;
    const char *vb = NULL;
    size_t vb_n = 0;

    *virt_base = 0;
    for (const char *p = info; *p != '\0';) {
        size_t n = 0;
        while (p[n] != '\0' && p[n] != ',')
            n++;
        if (token_is(p, n, "XEN_VER=2.0"))
            have_ver = 1;
        else if (token_is(p, n, "LOADER=generic") || token_is(p, n, "GUEST_OS=linux"))
            have_loader = 1;
        else if (n >= vb_len && memcmp(p, vb_key, vb_len) == 0) {
            vb = p + vb_len;
            vb_n = n - vb_len;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    /* The mandatory tokens first: they say whether this is a Xen 2.0 guest at all. */
    if (!have_ver)
        return fail(why, "__xen_guest lacks XEN_VER=2.0");
    if (!have_loader)
        return fail(why, "__xen_guest lacks LOADER=generic or GUEST_OS=linux");
    if (vb != NULL)
        return parse_virt_base(vb, vb_n, virt_base, why);
    return 0;
}
