/* Unit tests for core/guest_image.c: a good ELF built in memory is accepted, and one broken
 * variant per check is refused with its exact reason. Every parse runs on an exact-size heap copy,
 * so AddressSanitizer catches any read outside [img, img + len). */
#include <stdint.h>
#include <string.h>

#include "elf_builder.h"
#include "harness.h"

TEST(good_image)
{
    build_good();
    CHECK_EQ(parse_len(img_len), 0);
    CHECK_EQ(gi.entry, 0xC0000010u);
    CHECK_EQ(gi.v_start, 0xC0000000u);
    CHECK_EQ(gi.v_kend, 0xC0006000u);
    CHECK_EQ(gi.nr_segs, 2);
    CHECK_EQ(gi.segs[0].vaddr, 0xC0000000u);
    CHECK_EQ(gi.segs[0].memsz, 0x3000u);
    CHECK_EQ(gi.segs[0].filesz, 0x2000u);
    CHECK_EQ(gi.segs[0].offset, 0x200u);
    CHECK_EQ(gi.segs[1].vaddr, 0xC0004000u);
    CHECK_EQ(gi.segs[1].filesz, 0x100u);
    CHECK_EQ(img[gi.segs[1].offset], 0x91);
    CHECK_STR(gi.info, GOOD_INFO);
}

TEST(v_start_without_virt_base)
{
    struct img_spec s = good_spec();
    s.seg[0].vaddr = 0xC0000100;
    s.entry = 0xC0000100;
    s.info = "LOADER=generic,XEN_VER=2.0";
    build(&s);
    CHECK_EQ(parse_len(img_len), 0);
    CHECK_EQ(gi.v_start, 0xC0000000u);
    CHECK_EQ(gi.entry, 0xC0000100u);
}

TEST(header_checks)
{
    build_good();
    REFUSED_LEN(0, "truncated: file shorter than the ELF header");
    REFUSED_LEN(sizeof(Elf32_Ehdr) - 1, "truncated: file shorter than the ELF header");
    img[0] = 0x7e;
    REFUSED("not an ELF file (bad magic)");
    build_good();
    img[EI_CLASS] = ELFCLASS64;
    REFUSED("not a 32-bit ELF (class)");
    build_good();
    img[EI_DATA] = ELFDATA2MSB;
    REFUSED("not little-endian");
    build_good();
    Elf32_Ehdr eh = eh_get();
    eh.e_machine = EM_X86_64;
    eh_put(eh);
    REFUSED("not an i386 ELF (machine)");
    build_good();
    eh = eh_get();
    eh.e_type = ET_DYN;
    eh_put(eh);
    REFUSED("not an executable (ET_EXEC)");
}

TEST(program_header_table)
{
    build_good();
    Elf32_Ehdr eh = eh_get();
    eh.e_phentsize = 40;
    eh_put(eh);
    REFUSED("bad program header entry size");
    build_good();
    eh = eh_get();
    eh.e_phoff = (uint32_t)img_len - 40; /* the second header would run past the end */
    eh_put(eh);
    REFUSED("truncated: program headers beyond end of file");
    eh.e_phoff = 0xFFFFFFF0u; /* offset + size wraps in 32 bits */
    eh_put(eh);
    REFUSED("truncated: program headers beyond end of file");
    build_good();
    eh = eh_get();
    eh.e_phnum = 0;
    eh_put(eh);
    REFUSED("no PT_LOAD segment");
}

TEST(pt_load_count)
{
    struct img_spec s = good_spec();
    s.seg[0].type = s.seg[1].type = PT_NOTE;
    build(&s);
    REFUSED("no PT_LOAD segment");
    /* Eight segments (plus ignored non-LOAD ones) fit; a ninth PT_LOAD does not. */
    s = good_spec();
    s.nseg = 10;
    for (unsigned i = 0; i < 10; i++)
        s.seg[i] = (struct seg_spec){PT_LOAD, 0xC0000000 + i * 0x1000, 0x1000, 0x10};
    s.seg[3].type = PT_NOTE;
    s.seg[7].type = PT_GNU_STACK;
    build(&s);
    CHECK_EQ(parse_len(img_len), 0);
    CHECK_EQ(gi.nr_segs, 8);
    CHECK_EQ(gi.segs[3].vaddr, 0xC0004000u);
    s.seg[7].type = PT_LOAD;
    build(&s);
    REFUSED("too many PT_LOAD segments");
}

TEST(segment_checks)
{
    struct img_spec s = good_spec();
    s.seg[1].vaddr = 0xFBFFF000; /* ends at 0xFC001000 */
    build(&s);
    REFUSED("segment reaches the hypervisor hole (>= 0xFC000000)");
    s.seg[1].vaddr = 0xFFFFF000; /* wraps past 4 GB */
    build(&s);
    REFUSED("segment reaches the hypervisor hole (>= 0xFC000000)");
    s.seg[1].vaddr = 0xFBFFE000; /* ends exactly at the hole: fine */
    build(&s);
    CHECK_EQ(parse_len(img_len), 0);
    CHECK_EQ(gi.v_kend, 0xFC000000u);

    s = good_spec();
    s.seg[1].filesz = s.seg[1].memsz + 1;
    build(&s);
    REFUSED("segment file size larger than memory size");

    build_good();
    Elf32_Phdr ph = ph_get(0);
    ph.p_offset = (uint32_t)img_len - 0x1000; /* 0x2000 bytes of data cannot fit */
    ph_put(0, ph);
    REFUSED("truncated: segment data beyond end of file");
    ph.p_offset = 0xFFFFF000u;
    ph_put(0, ph);
    REFUSED("truncated: segment data beyond end of file");
}

TEST(overlap_and_entry)
{
    struct img_spec s = good_spec();
    s.seg[1].vaddr = 0xC0002FFF;
    build(&s);
    REFUSED("overlapping PT_LOAD segments");
    s.seg[1].vaddr = 0xBFFFF001; /* straddles the start of segment 0 */
    build(&s);
    REFUSED("overlapping PT_LOAD segments");
    s.seg[1].vaddr = 0xC0003000; /* adjacent is fine */
    build(&s);
    CHECK_EQ(parse_len(img_len), 0);

    static const uint32_t outside[] = {0xC0003000, 0xC0006000, 0xBFFFFFFF, 0};
    for (unsigned i = 0; i < 4; i++) {
        s = good_spec();
        s.entry = outside[i];
        build(&s);
        REFUSED("entry point outside every PT_LOAD segment");
    }
    s = good_spec();
    s.entry = 0xC0005FFF; /* last byte of segment 1, in its bss */
    build(&s);
    CHECK_EQ(parse_len(img_len), 0);
}

TEST(section_checks)
{
    struct img_spec s = good_spec();
    s.info = NULL;
    build(&s);
    REFUSED("no __xen_guest section");

    build_good();
    Elf32_Ehdr eh = eh_get();
    eh.e_shnum = 0;
    eh_put(eh);
    REFUSED("no __xen_guest section");
    build_good();
    eh = eh_get();
    eh.e_shentsize = 32;
    eh_put(eh);
    REFUSED("bad section header entry size");
    build_good();
    eh = eh_get();
    eh.e_shoff += 8; /* the last header now runs past the end */
    eh_put(eh);
    REFUSED("truncated: section headers beyond end of file");
    build_good();
    eh = eh_get();
    eh.e_shstrndx = 3;
    eh_put(eh);
    REFUSED("bad section name table index");

    build_good();
    Elf32_Shdr sh = sh_get(SH_STRTAB);
    sh.sh_size = 0xFFFFFFFFu;
    sh_put(SH_STRTAB, sh);
    REFUSED("truncated: section name table beyond end of file");
    build_good();
    sh = sh_get(SH_XEN_GUEST);
    sh.sh_name = 0x7FFFFFFF; /* a name outside the table matches nothing */
    sh_put(SH_XEN_GUEST, sh);
    REFUSED("no __xen_guest section");
    build_good();
    sh = sh_get(SH_XEN_GUEST);
    sh.sh_type = SHT_NOBITS;
    sh_put(SH_XEN_GUEST, sh);
    REFUSED("__xen_guest section has no file data");
    build_good();
    sh = sh_get(SH_XEN_GUEST);
    sh.sh_offset = 0xFFFFFFF0u;
    sh_put(SH_XEN_GUEST, sh);
    REFUSED("truncated: __xen_guest section beyond end of file");
}

TEST(info_string_bounds)
{
    /* No NUL inside the section: take exactly the section's bytes. */
    struct img_spec s = good_spec();
    s.info = "XEN_VER=2.0,LOADER=genericJUNK";
    s.info_size = strlen("XEN_VER=2.0,LOADER=generic");
    build(&s);
    CHECK_EQ(parse_len(img_len), 0);
    CHECK_STR(gi.info, "XEN_VER=2.0,LOADER=generic");

    /* A long string is cut at GUEST_INFO_MAX - 1 bytes. */
    static char big[600];
    memset(big, 'A', sizeof(big) - 1);
    memcpy(big, "XEN_VER=2.0,LOADER=generic,X=", 29);
    s.info = big;
    s.info_size = 0;
    build(&s);
    CHECK_EQ(parse_len(img_len), 0);
    CHECK_EQ(strlen(gi.info), GUEST_INFO_MAX - 1);
    CHECK(strncmp(gi.info, big, GUEST_INFO_MAX - 1) == 0);
}

TEST(info_string_checks)
{
    static const struct {
        const char *info, *reason;
    } bad[] = {
        {"GUEST_OS=linux,LOADER=generic", "__xen_guest lacks XEN_VER=2.0"},
        {"XEN_VER=2.0", "__xen_guest lacks LOADER=generic or GUEST_OS=linux"},
        {"XEN_VER=2.0,LOADER=generic,VIRT_BASE=C0000000", "bad VIRT_BASE (not 0x-prefixed hex)"},
        {"XEN_VER=2.0,LOADER=generic,VIRT_BASE=0xC0000800", "bad VIRT_BASE (not page aligned)"},
        {"XEN_VER=2.0,LOADER=generic,VIRT_BASE=0xC0001000", "VIRT_BASE above the lowest segment"},
        {"", "__xen_guest lacks XEN_VER=2.0"},
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct img_spec s = good_spec();
        s.info = bad[i].info;
        build(&s);
        REFUSED(bad[i].reason);
    }
    struct img_spec s = good_spec();
    s.info = "XEN_VER=2.0,LOADER=generic,VIRT_BASE=0xBFF00000";
    build(&s);
    CHECK_EQ(parse_len(img_len), 0);
    CHECK_EQ(gi.v_start, 0xBFF00000u);
}

/* Every prefix and many random corruptions: never a crash or an out-of-bounds read (ASan). */
TEST(truncation_and_corruption_are_safe)
{
    build_good();
    size_t good_len = img_len;
    for (size_t len = 0; len < good_len; len++) {
        int rc = parse_len(len);
        /* The section headers are the last bytes: any cut refuses the image. */
        CHECK_EQ(rc, -XEN_EINVAL);
        CHECK(why != NULL && why[0] != '\0');
    }
    uint32_t seed = 12345;
    for (unsigned iter = 0; iter < 20000; iter++) {
        build_good();
        size_t shoff = eh_get().e_shoff; /* read before the header itself gets corrupted */
        for (unsigned k = 0; k < 4; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % 0x80; /* headers: where the interesting fields are */
            if (k & 1)
                at = sizeof(Elf32_Ehdr) + (seed >> 8) % 64; /* program headers */
            if (k == 3)
                at = shoff + (seed >> 8) % 120; /* section headers */
            img[at] = (uint8_t)(seed >> 16);
        }
        int rc = parse_len(img_len);
        CHECK(rc == 0 || (rc == -XEN_EINVAL && why != NULL));
    }
}

RUN_TESTS(T(good_image), T(v_start_without_virt_base), T(header_checks), T(program_header_table),
          T(pt_load_count), T(segment_checks), T(overlap_and_entry), T(section_checks),
          T(info_string_bounds), T(info_string_checks), T(truncation_and_corruption_are_safe))
