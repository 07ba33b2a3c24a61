/* Which instruction raised a guest #GP (error code 0), for the refusal log. Pure logic. */
#ifndef X86_GP_INSN_H
#define X86_GP_INSN_H

#include <stdint.h>

/* Kinds, for rate-limiting the log per kind; GP_OTHER = not recognised (or cut short). */
enum gp_kind {
    GP_OTHER,
    GP_CLI,
    GP_STI,
    GP_HLT,
    GP_LGDT,
    GP_LIDT,
    GP_LLDT,
    GP_LTR,
    GP_LMSW,
    GP_INVLPG,
    GP_CLTS,
    GP_MOV_CR,
    GP_MOV_DR,
    GP_MSR,
    GP_CACHE, /* invd, wbinvd */
    GP_IO,    /* in, out, ins, outs */
    NR_GP_KINDS
};

struct gp_insn {
    enum gp_kind kind;
    int io;        /* an I/O instruction (IOPL), not a privileged one */
    char name[16]; /* "cli", "mov to %cr3", "inb", ...; "" for GP_OTHER */
};

/* Decode the n bytes at the faulting EIP (prefixes, then the opcode). */
void x86_gp_insn(const uint8_t *b, unsigned n, struct gp_insn *out);

/* The length of the "int $vector" (CD ib, after any prefixes but lock) that the n bytes at b
 * start with; 0 when they are not that instruction. */
unsigned x86_int_insn_len(const uint8_t *b, unsigned n, uint8_t vector);

#endif
