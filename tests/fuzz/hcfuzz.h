/*
 * The hypercall fuzzer (its own guest image, build/tests/fuzz/hcfuzz.elf): shared state.
 *
 * A small world the fuzzer owns entirely: NPOOL zeroed frames that may become anything (L1,
 * L2, GDT, writable, plain), NSLOT user slots of the boot L2 where they are hooked, a junk page
 * for the hypervisor to write into, and a model of what all of it must look like. Every call's
 * result is either predicted (a refusal the rules demand) or followed (the model takes the new
 * state); then checks read the real state back through the ABI and compare.
 */
#ifndef HCFUZZ_H
#define HCFUZZ_H

#include <stdint.h>
#include <public/hv_op.h>
#include <public/xen.h>

#define NPOOL 24
#define NE 16    /* entries (words) of each pool frame the fuzzer writes: 0..NE-1 */
#define NSLOT 4  /* boot L2 user slots SLOT0.. SLOT0+NSLOT-1 */
#define SLOT0 1u /* VA 0x00400000 */
#define HOME_GDT_ENTRIES 16u

/* Frame types, in hv_stats_t.guest_frames_by_type order. */
enum { T_NONE, T_L1, T_L2, T_GDT, T_LDT, T_W, NTYPES };

struct model {
    uint32_t content[NPOOL][NE]; /* the words as last written (A and D bits ignored) */
    uint8_t kind[NPOOL][NE];     /* entries of L2-typed frames: 1 = an L1 hooked, 2 = linear */
    uint32_t slot[NSLOT];        /* the boot L2's fuzz slots */
    uint8_t slot_kind[NSLOT];
    uint8_t pin[NPOOL]; /* 0, 1 = pinned L1, 2 = pinned L2 */
    uint8_t gdt[NPOOL]; /* a frame of the current GDT */
    uint8_t home_gdt;   /* the home GDT frame is (part of) the current GDT */
};

/* What the world derives from the model: each pool frame's type and writable mappings. */
struct derived {
    uint8_t type[NPOOL];
    uint16_t rw[NPOOL];
    int conflict; /* a pool frame that would have two types: the hypervisor allowed it */
    int frame;
};

struct world {
    uint32_t seed;
    uint32_t pool_pfn[NPOOL], pool_mfn[NPOOL];
    uint32_t home_gdt_mfn;
    uint32_t l2_mfn, kernel_l1_mfn, text_mfn, junk_mfn, foreign_mfn, max_mfn, shared_mfn;
    uint32_t junk;    /* VA of a writable junk page; the next page is unmapped */
    uint32_t ro_view; /* VA where a frame is mapped read-only to be inspected */
    const uint32_t *boot_l2;
    hv_stats_t base; /* the hypervisor's accounting with the world empty */
    uint32_t op;     /* operations so far */
    uint32_t calls;  /* hypercalls issued, multicall entries included */
    uint32_t diverged;
    uint32_t trace_from, trace_to; /* ops whose calls are printed (trace=A-B) */
};

extern struct world W;
extern struct model M;

/* xorshift64*: one stream per seed, the same on every run. */
extern uint64_t rng_state;
static inline uint32_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}
static inline uint32_t rnd_below(uint32_t n)
{
    return n ? rnd() % n : 0;
}
static inline int chance(unsigned pct)
{
    return rnd_below(100) < pct;
}

/* model.c */
int pool_index(uint32_t mfn); /* -1 for a frame outside the pool */
void derive(struct derived *d);
void model_apply_pte(int f, unsigned e, uint32_t val);
void model_apply_slot(unsigned s, uint32_t val);
void model_apply_pin(int f, unsigned level); /* 0 = unpin */
int check_world(const char *when);           /* 0 or diverged */
int teardown(void);                          /* the world back to empty, checked against the base */
void diverge(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int hv_stats(hv_stats_t *s);
/* The frame mapped read-only at W.ro_view (a divergence and 0 if refused). */
const volatile uint32_t *frame_view(uint32_t mfn);

/* ops.c */
void fuzz_one(void);

static inline uint32_t slot_va(unsigned s, unsigned e)
{
    return (SLOT0 + s) << 22 | e << 12;
}

#endif
