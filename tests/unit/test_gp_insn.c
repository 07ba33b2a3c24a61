/* Unit tests for arch/x86/gp_insn.c: naming the instruction behind a guest #GP for the log. */
#include <stdint.h>

#include "gp_insn.h"
#include "harness.h"

static struct gp_insn decode(const uint8_t *b, unsigned n)
{
    struct gp_insn g;
    x86_gp_insn(b, n, &g);
    return g;
}
#define DECODE(...) decode((const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

TEST(one_byte_privileged)
{
    struct gp_insn g = DECODE(0xfa);
    CHECK_EQ(g.kind, GP_CLI);
    CHECK_STR(g.name, "cli");
    CHECK_EQ(g.io, 0);
    CHECK_STR(DECODE(0xfb).name, "sti");
    CHECK_EQ(DECODE(0xf4).kind, GP_HLT);
    CHECK_STR(DECODE(0xf4).name, "hlt");
}

TEST(descriptor_tables)
{
    CHECK_STR(DECODE(0x0f, 0x01, 0x15, 0, 0, 0, 0).name, "lgdt"); /* lgdt disp32 */
    CHECK_EQ(DECODE(0x0f, 0x01, 0x15, 0, 0, 0, 0).kind, GP_LGDT);
    CHECK_STR(DECODE(0x0f, 0x01, 0x1d, 0, 0, 0, 0).name, "lidt");
    CHECK_STR(DECODE(0x0f, 0x01, 0x18).name, "lidt"); /* lidt (%eax) */
    CHECK_STR(DECODE(0x0f, 0x00, 0xd0).name, "lldt");
    CHECK_STR(DECODE(0x0f, 0x00, 0xd8).name, "ltr");
    CHECK_STR(DECODE(0x0f, 0x01, 0xf0).name, "lmsw");
    CHECK_STR(DECODE(0x0f, 0x01, 0x38).name, "invlpg");
    CHECK_EQ(DECODE(0x0f, 0x01, 0xf8).kind, GP_OTHER);             /* mod 11 /7 is not invlpg */
    CHECK_EQ(DECODE(0x0f, 0x01, 0x05, 0, 0, 0, 0).kind, GP_OTHER); /* sgdt is not privileged */
}

TEST(control_and_debug_registers)
{
    struct gp_insn g = DECODE(0x0f, 0x22, 0xd8); /* mov %eax, %cr3 */
    CHECK_EQ(g.kind, GP_MOV_CR);
    CHECK_STR(g.name, "mov to %cr3");
    CHECK_STR(DECODE(0x0f, 0x20, 0xc0).name, "mov from %cr0");
    CHECK_STR(DECODE(0x0f, 0x23, 0xf8).name, "mov to %dr7");
    CHECK_EQ(DECODE(0x0f, 0x21, 0xc0).kind, GP_MOV_DR);
    CHECK_STR(DECODE(0x0f, 0x06).name, "clts");
    CHECK_STR(DECODE(0x0f, 0x30).name, "wrmsr");
    CHECK_STR(DECODE(0x0f, 0x32).name, "rdmsr");
    CHECK_STR(DECODE(0x0f, 0x09).name, "wbinvd");
    CHECK_EQ(DECODE(0x0f, 0x08).kind, GP_CACHE);
}

TEST(port_io)
{
    struct gp_insn g = DECODE(0xec);
    CHECK_EQ(g.kind, GP_IO);
    CHECK_EQ(g.io, 1);
    CHECK_STR(g.name, "inb");
    CHECK_STR(DECODE(0xe4, 0x64).name, "inb");
    CHECK_STR(DECODE(0xed).name, "inl");
    CHECK_STR(DECODE(0x66, 0xed).name, "inw");
    CHECK_STR(DECODE(0xee).name, "outb");
    CHECK_STR(DECODE(0xe7, 0xf4).name, "outl");
    CHECK_STR(DECODE(0x66, 0xef).name, "outw");
    CHECK_STR(DECODE(0xf3, 0x6c).name, "insb");
    CHECK_STR(DECODE(0xf3, 0x66, 0x6f).name, "outsw");
}

TEST(prefixes_skipped)
{
    CHECK_STR(DECODE(0x2e, 0x3e, 0xfa).name, "cli");
    CHECK_STR(DECODE(0xf0, 0x0f, 0x22, 0xd8).name, "mov to %cr3");
    CHECK_STR(DECODE(0x67, 0x0f, 0x01, 0x10).name, "lgdt");
}

TEST(unknown_or_short)
{
    struct gp_insn g = DECODE(0x90);
    CHECK_EQ(g.kind, GP_OTHER);
    CHECK_STR(g.name, "");
    CHECK_EQ(decode((const uint8_t *)"", 0).kind, GP_OTHER);
    CHECK_EQ(DECODE(0x66, 0x66).kind, GP_OTHER); /* nothing but prefixes */
    CHECK_EQ(DECODE(0x0f).kind, GP_OTHER);
    CHECK_EQ(DECODE(0x0f, 0x01).kind, GP_OTHER); /* no ModRM */
    CHECK_EQ(DECODE(0x0f, 0x22).kind, GP_OTHER);
    CHECK_EQ(DECODE(0xcd, 0x80).kind, GP_OTHER); /* int n is told apart by its error code */
}

static unsigned int_len(const uint8_t *b, unsigned n, uint8_t v)
{
    return x86_int_insn_len(b, n, v);
}
#define INT_LEN(v, ...) \
    int_len((const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}), (v))

/* A bounced "int $n" resumes after the whole instruction: its length, prefixes included. */
TEST(int_instruction_length)
{
    CHECK_EQ(INT_LEN(0x81, 0xcd, 0x81), 2);
    CHECK_EQ(INT_LEN(0x81, 0x66, 0xcd, 0x81, 0x90), 3);
    CHECK_EQ(INT_LEN(0x81, 0x3e, 0x66, 0xcd, 0x81), 4);
    CHECK_EQ(INT_LEN(0x40, 0xf3, 0x26, 0x2e, 0x36, 0x64, 0x65, 0x67, 0xf2, 0xcd, 0x40), 10);
    CHECK_EQ(INT_LEN(0x81, 0xcd, 0x80), 0);       /* another vector */
    CHECK_EQ(INT_LEN(0x81, 0xf0, 0xcd, 0x81), 0); /* lock int: never a #GP */
    CHECK_EQ(INT_LEN(0x81, 0x66, 0xcd), 0);       /* cut short */
    CHECK_EQ(INT_LEN(0x81, 0x90, 0xcd, 0x81), 0); /* not at the instruction */
    CHECK_EQ(INT_LEN(0x81, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                     0x66, 0xcd, 0x81),
             15); /* 13 prefixes: the longest instruction there is */
    CHECK_EQ(INT_LEN(0x81, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                     0x66, 0x66, 0xcd, 0x81),
             0); /* 14: past 15 bytes */
}

RUN_TESTS(T(one_byte_privileged), T(descriptor_tables), T(control_and_debug_registers), T(port_io),
          T(prefixes_skipped), T(unknown_or_short), T(int_instruction_length))
