/*
 * Naming the instruction behind a guest #GP with error code 0: the privileged instructions a
 * ring-1 or ring-3 guest may not execute (cli/sti with IOPL 0, hlt, descriptor-table loads,
 * control and debug registers, MSRs, cache control) and port I/O. Only the log uses it: the
 * guest gets the #GP whatever the instruction was.
 */
#include "gp_insn.h"

static int is_prefix(uint8_t b)
{
    switch (b) {
    case 0x26: /* segment overrides */
    case 0x2e:
    case 0x36:
    case 0x3e:
    case 0x64:
    case 0x65:
    case 0x66: /* operand size */
    case 0x67: /* address size */
    case 0xf0: /* lock */
    case 0xf2: /* rep */
    case 0xf3:
        return 1;
    default:
        return 0;
    }
}

/* The name is the concatenation of a and b (no libc here: the unit test builds this file). */
static void set2(struct gp_insn *o, enum gp_kind k, const char *a, const char *b)
{
    unsigned n = 0;
    o->kind = k;
    o->io = k == GP_IO;
    for (; *a && n + 1 < sizeof(o->name); a++)
        o->name[n++] = *a;
    for (; *b && n + 1 < sizeof(o->name); b++)
        o->name[n++] = *b;
    o->name[n] = 0;
}

static void set(struct gp_insn *o, enum gp_kind k, const char *name)
{
    set2(o, k, name, "");
}

/* 0F 00 /r and 0F 01 /r: the reg field of the ModRM byte picks the instruction. */
static void group(struct gp_insn *o, uint8_t op, uint8_t modrm)
{
    unsigned reg = (modrm >> 3) & 7;
    if (op == 0x00 && reg == 2)
        set(o, GP_LLDT, "lldt");
    else if (op == 0x00 && reg == 3)
        set(o, GP_LTR, "ltr");
    else if (op == 0x01 && reg == 2)
        set(o, GP_LGDT, "lgdt");
    else if (op == 0x01 && reg == 3)
        set(o, GP_LIDT, "lidt");
    else if (op == 0x01 && reg == 6)
        set(o, GP_LMSW, "lmsw");
    else if (op == 0x01 && reg == 7 && (modrm >> 6) != 3)
        set(o, GP_INVLPG, "invlpg");
}

static void two_byte(struct gp_insn *o, const uint8_t *b, unsigned n)
{
    static const char *const regs[2][8] = {
        {"cr0", "cr1", "cr2", "cr3", "cr4", "cr5", "cr6", "cr7"},
        {"dr0", "dr1", "dr2", "dr3", "dr4", "dr5", "dr6", "dr7"},
    };
    if (n < 1)
        return;
    switch (b[0]) {
    case 0x00:
    case 0x01:
        if (n >= 2)
            group(o, b[0], b[1]);
        break;
    case 0x06:
        set(o, GP_CLTS, "clts");
        break;
    case 0x08:
        set(o, GP_CACHE, "invd");
        break;
    case 0x09:
        set(o, GP_CACHE, "wbinvd");
        break;
    case 0x20:
    case 0x22:
    case 0x21:
    case 0x23:
        if (n < 2)
            break;
        set2(o, b[0] & 1 ? GP_MOV_DR : GP_MOV_CR, b[0] & 2 ? "mov to %" : "mov from %",
             regs[b[0] & 1][(b[1] >> 3) & 7]);
        break;
    case 0x30:
        set(o, GP_MSR, "wrmsr");
        break;
    case 0x32:
        set(o, GP_MSR, "rdmsr");
        break;
    }
}

void x86_gp_insn(const uint8_t *b, unsigned n, struct gp_insn *o)
{
    unsigned i = 0;
    int op16 = 0;
    set(o, GP_OTHER, "");
    for (; i < n && is_prefix(b[i]); i++)
        op16 |= b[i] == 0x66;
    if (i >= n)
        return;
    const char *size = (b[i] & 1) == 0 ? "b" : op16 ? "w" : "l";
    switch (b[i]) {
    case 0xfa:
        set(o, GP_CLI, "cli");
        break;
    case 0xfb:
        set(o, GP_STI, "sti");
        break;
    case 0xf4:
        set(o, GP_HLT, "hlt");
        break;
    case 0x0f:
        two_byte(o, b + i + 1, n - i - 1);
        break;
    case 0xe4: /* in imm8 */
    case 0xe5:
    case 0xec: /* in (%dx) */
    case 0xed:
        set2(o, GP_IO, "in", size);
        break;
    case 0xe6: /* out imm8 */
    case 0xe7:
    case 0xee: /* out (%dx) */
    case 0xef:
        set2(o, GP_IO, "out", size);
        break;
    case 0x6c:
    case 0x6d:
        set2(o, GP_IO, "ins", size);
        break;
    case 0x6e:
    case 0x6f:
        set2(o, GP_IO, "outs", size);
        break;
    }
}

unsigned x86_int_insn_len(const uint8_t *b, unsigned n, uint8_t vector)
{
    unsigned i = 0;
    while (i < n && i < 13 && is_prefix(b[i]) && b[i] != 0xf0) /* lock int: #UD, never #GP */
        i++;
    return i + 2 <= n && b[i] == 0xcd && b[i + 1] == vector ? i + 2 : 0;
}
