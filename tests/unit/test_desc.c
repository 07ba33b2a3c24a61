/* Unit tests for arch/x86/desc.c: the six reserved GDT rows of ABI §1, decoding, and every
 * refusal and fix-up desc_check_guest applies to guest-supplied descriptors. */
#include <stdint.h>

#include "desc.h"
#include "harness.h"
#include "public/xen.h"

#define CODE_RX (DESC_S | DESC_TYPE_CODE_RX)
#define DATA_RW (DESC_S | DESC_TYPE_DATA_RW)
#define FLAT (DESC_FLAG_G | DESC_FLAG_DB)

static uint64_t as_u64(struct desc d)
{
    return ((uint64_t)d.hi << 32) | d.lo;
}

static struct desc from_u64(uint64_t v)
{
    return (struct desc){.lo = (uint32_t)v, .hi = (uint32_t)(v >> 32)};
}

TEST(make_sanity)
{
    struct desc d = desc_make(0, 0xfc3ff, DESC_P | DESC_DPL(1) | CODE_RX, FLAT);
    CHECK_EQ(d.lo, 0x0000c3ffu);
    CHECK_EQ(d.hi, 0x00cfba00u);
}

TEST(six_gdt_rows)
{
    CHECK_EQ(as_u64(desc_make(0, 0xfffff, DESC_P | DESC_DPL(0) | CODE_RX, FLAT)),
             0x00cf9a000000ffffull);
    CHECK_EQ(as_u64(desc_make(0, 0xfffff, DESC_P | DESC_DPL(0) | DATA_RW, FLAT)),
             0x00cf92000000ffffull);
    CHECK_EQ(as_u64(desc_make(0, 0xfc3ff, DESC_P | DESC_DPL(1) | CODE_RX, FLAT)),
             0x00cfba000000c3ffull);
    CHECK_EQ(as_u64(desc_make(0, 0xfc3ff, DESC_P | DESC_DPL(1) | DATA_RW, FLAT)),
             0x00cfb2000000c3ffull);
    CHECK_EQ(as_u64(desc_make(0, 0xfc3ff, DESC_P | DESC_DPL(3) | CODE_RX, FLAT)),
             0x00cffa000000c3ffull);
    CHECK_EQ(as_u64(desc_make(0, 0xfc3ff, DESC_P | DESC_DPL(3) | DATA_RW, FLAT)),
             0x00cff2000000c3ffull);
}

TEST(guest_rows_pass_unchanged)
{
    static const uint64_t rows[] = {0x00cfba000000c3ffull, 0x00cfb2000000c3ffull,
                                    0x00cffa000000c3ffull, 0x00cff2000000c3ffull};
    for (unsigned i = 0; i < 4; i++) {
        struct desc d = from_u64(rows[i]);
        const char *why = NULL;
        CHECK_EQ(desc_check_guest(&d, &why), 0);
        CHECK_EQ(as_u64(d), rows[i]);
    }
}

TEST(base_and_limit_decode)
{
    struct desc d = desc_make(0x12345678, 0xabcde, DESC_P | DESC_DPL(1) | DATA_RW, DESC_FLAG_DB);
    CHECK_EQ(desc_base(d), 0x12345678u);
    CHECK_EQ(desc_limit_bytes(d), 0xabcdeu);
    d = desc_make(0, 0xfffff, DESC_P | DATA_RW, FLAT);
    CHECK_EQ(desc_limit_bytes(d), 0xffffffffu);
    CHECK_EQ(desc_limit_bytes(from_u64(0x00cfb2000000c3ffull)), 0xfc3fffffu);
}

TEST(not_present_accepted_as_is)
{
    /* Garbage, DPL 0, even a TSS type: the CPU never loads a not-present descriptor. */
    struct desc d = {.lo = 0xdeadbeef, .hi = 0xff007f00u & ~0x8000u};
    const char *why = NULL;
    CHECK_EQ(desc_check_guest(&d, &why), 0);
    CHECK_EQ(d.lo, 0xdeadbeefu);
    CHECK_EQ(d.hi, 0xff007f00u & ~0x8000u);
}

TEST(dpl0_refused)
{
    struct desc d = desc_make(0, 0xfc3ff, DESC_P | DESC_DPL(0) | CODE_RX, FLAT);
    const char *why = NULL;
    CHECK_EQ(desc_check_guest(&d, &why), -XEN_EPERM);
    CHECK_STR(why, "descriptor with DPL 0");
}

TEST(system_descriptors_refused)
{
    static const uint8_t types[] = {0x1, 0x2, 0x3, 0x4, 0x5, 0x9, 0xb, 0xe, 0xf};
    for (unsigned i = 0; i < sizeof(types); i++) {
        struct desc d = desc_make(0x1000, 0x67, (uint8_t)(DESC_P | DESC_DPL(1) | types[i]), 0);
        const char *why = NULL;
        CHECK_EQ(desc_check_guest(&d, &why), -XEN_EPERM);
        CHECK_STR(why, "system descriptor other than a 32-bit call gate");
    }
}

static struct desc call_gate(uint16_t sel, uint32_t offset, unsigned dpl)
{
    struct desc d;
    d.lo = ((uint32_t)sel << 16) | (offset & 0xffffu);
    d.hi = (offset & 0xffff0000u) | DESC_P << 8 | DESC_DPL(dpl) << 8 | 0xcu << 8;
    return d;
}

TEST(call_gates)
{
    const char *why = NULL;
    struct desc d = call_gate(FLAT_RING1_CS, 0xc0101234, 3);
    CHECK_EQ(desc_check_guest(&d, &why), 0);
    CHECK_EQ(as_u64(d), as_u64(call_gate(FLAT_RING1_CS, 0xc0101234, 3)));
    d = call_gate(0x0009, 0xc0101234, 1); /* GDT entry 1, RPL 1 */
    CHECK_EQ(desc_check_guest(&d, &why), 0);
    d = call_gate(0x0105, 0xc0101234, 3); /* LDT entry 32, RPL 1 */
    CHECK_EQ(desc_check_guest(&d, &why), 0);

    static const uint16_t bad[] = {0x0808, 0x0809, FLAT_RING3_CS, 0x081b, 0x0001, 0x0939, 0x0818};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        d = call_gate(bad[i], 0xc0101234, 3);
        why = NULL;
        CHECK_EQ(desc_check_guest(&d, &why), -XEN_EPERM);
        CHECK_STR(why, "call gate to a selector that is not guest code");
    }
    d = call_gate(FLAT_RING1_CS, 0xc0101234, 0);
    CHECK_EQ(desc_check_guest(&d, &why), -XEN_EPERM);
    CHECK_STR(why, "descriptor with DPL 0");
}

TEST(guest_code_selectors)
{
    CHECK(sel_is_guest_code(FLAT_RING1_CS));
    CHECK(sel_is_guest_code(0x0009));  /* GDT entry 1 */
    CHECK(sel_is_guest_code(0x07f9));  /* GDT entry 255 */
    CHECK(sel_is_guest_code(0x0941));  /* GDT entry 296 */
    CHECK(sel_is_guest_code(0x0805));  /* LDT, any index */
    CHECK(!sel_is_guest_code(0x0801)); /* GDT entry 256 */
    CHECK(!sel_is_guest_code(0x0939)); /* GDT entry 295 */
    CHECK(!sel_is_guest_code(FLAT_RING1_DS));
    CHECK(!sel_is_guest_code(0x0818)); /* RPL 0 */
    CHECK(!sel_is_guest_code(FLAT_RING3_CS));
    CHECK(!sel_is_guest_code(0x0001)); /* null */
}

TEST(expand_down_refused)
{
    struct desc d = desc_make(0, 0xfc3ff, DESC_P | DESC_DPL(1) | DESC_S | 0x6, FLAT);
    const char *why = NULL;
    CHECK_EQ(desc_check_guest(&d, &why), -XEN_EPERM);
    CHECK_STR(why, "expand-down data segment");
    /* Bit 2 on a code segment means conforming, not expand-down: allowed. */
    d = desc_make(0, 0xfc3ff, DESC_P | DESC_DPL(1) | DESC_S | 0xe, FLAT);
    CHECK_EQ(desc_check_guest(&d, &why), 0);
}

/* A 16-bit stack segment (writable data, B = 0) would leak ESP[31:16] of the hypervisor on an
 * iret: refused. Read-only 16-bit data, 16-bit code and 32-bit writable data stay fine. */
TEST(stack16_refused)
{
    const char *why = NULL;
    struct desc d = desc_make(0x10000, 0xffff, DESC_P | DESC_DPL(3) | DATA_RW, 0);
    CHECK_EQ(desc_check_guest(&d, &why), -XEN_EPERM);
    CHECK_STR(why, "16-bit stack segment (writable data with B = 0)");
    d = desc_make(0x10000, 0xffff, DESC_P | DESC_DPL(1) | DATA_RW, DESC_FLAG_G);
    CHECK_EQ(desc_check_guest(&d, &why), -XEN_EPERM);
    d = desc_make(0x10000, 0xffff, DESC_P | DESC_DPL(3) | DESC_S | 0x0, 0); /* read-only data */
    CHECK_EQ(desc_check_guest(&d, &why), 0);
    d = desc_make(0x10000, 0xffff, DESC_P | DESC_DPL(3) | CODE_RX, 0); /* 16-bit code */
    CHECK_EQ(desc_check_guest(&d, &why), 0);
    d = desc_make(0x10000, 0xffff, DESC_P | DESC_DPL(3) | DATA_RW, DESC_FLAG_DB);
    CHECK_EQ(desc_check_guest(&d, &why), 0);
}

TEST(base_in_hole_refused)
{
    const char *why = NULL;
    struct desc d = desc_make(0xfc3ff000, 0, DESC_P | DESC_DPL(1) | DATA_RW, FLAT);
    CHECK_EQ(desc_check_guest(&d, &why), -XEN_EPERM);
    CHECK_STR(why, "segment base in the hypervisor hole (>= 0xFC3FF000)");
    d = desc_make(0xfffff000, 0, DESC_P | DESC_DPL(3) | CODE_RX, 0);
    CHECK_EQ(desc_check_guest(&d, &why), -XEN_EPERM);
    d = desc_make(0xfc3fe000, 0, DESC_P | DESC_DPL(1) | DATA_RW, FLAT); /* last allowed page */
    CHECK_EQ(desc_check_guest(&d, &why), 0);
    CHECK_EQ(desc_limit_bytes(d), 0xfffu);
}

TEST(limit_truncated_g1)
{
    const char *why = NULL;
    /* The classic flat 4 GB segment becomes the ABI's 0xFC3FF limit. */
    struct desc d = desc_make(0, 0xfffff, DESC_P | DESC_DPL(1) | DATA_RW, FLAT);
    CHECK_EQ(desc_check_guest(&d, &why), 0);
    CHECK_EQ(as_u64(d), 0x00cfb2000000c3ffull);
    /* A based segment: end = base + (limit+1) * 4 KB must stay <= 0xFC400000. */
    d = desc_make(0x10000000, 0xfffff, DESC_P | DESC_DPL(3) | CODE_RX, FLAT);
    CHECK_EQ(desc_check_guest(&d, &why), 0);
    CHECK_EQ(desc_base(d), 0x10000000u);
    CHECK_EQ((uint64_t)desc_base(d) + desc_limit_bytes(d) + 1, 0xfc400000ull);
    /* Unaligned base: round the room down, never past the end. */
    d = desc_make(0x00000800, 0xfffff, DESC_P | DESC_DPL(1) | DATA_RW, FLAT);
    CHECK_EQ(desc_check_guest(&d, &why), 0);
    CHECK((uint64_t)desc_base(d) + desc_limit_bytes(d) + 1 <= 0xfc400000ull);
    CHECK_EQ(desc_limit_bytes(d), 0xfc3fefffu);
    /* Already inside: untouched. */
    d = desc_make(0x10000000, 0x100, DESC_P | DESC_DPL(1) | DATA_RW, FLAT);
    struct desc before = d;
    CHECK_EQ(desc_check_guest(&d, &why), 0);
    CHECK_EQ(as_u64(d), as_u64(before));
}

TEST(limit_truncated_byte_granular)
{
    const char *why = NULL;
    struct desc d = desc_make(0xfc380000, 0xfffff, DESC_P | DESC_DPL(1) | DATA_RW, DESC_FLAG_DB);
    CHECK_EQ(desc_check_guest(&d, &why), 0);
    CHECK_EQ(desc_limit_bytes(d), 0x7ffffu);
    CHECK_EQ(d.hi & 0x00f0ff00u, 0x0040b200u); /* access byte and flags kept */
    d = desc_make(0xfc3fe800, 0x2000, DESC_P | DESC_DPL(1) | DATA_RW, DESC_FLAG_DB);
    CHECK_EQ(desc_check_guest(&d, &why), 0);
    CHECK_EQ(desc_limit_bytes(d), 0x17ffu);
}

RUN_TESTS(T(make_sanity), T(six_gdt_rows), T(guest_rows_pass_unchanged), T(base_and_limit_decode),
          T(not_present_accepted_as_is), T(dpl0_refused), T(system_descriptors_refused),
          T(call_gates), T(guest_code_selectors), T(expand_down_refused), T(stack16_refused),
          T(base_in_hole_refused), T(limit_truncated_g1), T(limit_truncated_byte_granular))
