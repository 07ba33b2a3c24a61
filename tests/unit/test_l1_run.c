/* arch/x86/l1_run.S against its definition, l1_run_ref (hv/l1e_fast.h): random frame tables, L1s
 * and runs of requests, each through both on the same starting state; the returned request, the
 * "replaced" flag, the whole frame table and the L1 must come out the same. A static i386 build
 * (Debian's musl, like the appliance's programs) that links the hypervisor's own object of
 * l1_run.S and runs natively. Every case of the rules is counted and must have been met. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_machine.h"
#include "harness.h"
#include "hv/l1e_fast.h"
#include "hv/page_type.h"
#include "public/xen.h"

#define P 0x001u
#define RW 0x002u
#define E(mfn, flags) (((uint32_t)(mfn) << 12) | (flags))
#define L1_MFN 7u   /* the run's L1 (its memory is fake_mem[L1_MFN]) */
#define MAX_REQS 24 /* a run's requests, the end marker after them */

static uint32_t rng_state = 20261203u;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return (rng_state >> 8) % n;
}
static uint32_t rnd32(void)
{
    return rnd(1u << 16) << 16 | rnd(1u << 16);
}

/* ---- The state: a frame table of nframes, the L1, the requests ---------------------------- */

static const uint32_t some_counts[] = {0, 1, 2, 3, 5, 0xfffffffeu, FRAME_COUNT_MAX};

/* A frame in one of the shapes the rules tell apart, or anything at all. */
static void random_frame(struct frame_info *f)
{
    memset(f, 0, sizeof(*f));
    f->owner = rnd(8) ? FAKE_DOM : (uint16_t[]){FAKE_DOM + 1, OWNER_HV, OWNER_NONE}[rnd(3)];
    f->flags = (uint8_t)(FF_RAM | (rnd(4) ? 0 : rnd(256)));
    f->tlbflush_stamp = rnd(2) ? tlbflush_clock : rnd(3) ? rnd32() : tlbflush_clock - 1;
    f->count = rnd(8) ? 1 + rnd(4) : some_counts[rnd(7)];
    switch (rnd(10)) {
    case 0:
    case 1:
    case 2: /* untyped, maybe with a TLB leftover of any kind */
        f->type = FT_NONE;
        break;
    case 3:
    case 4: /* writable, its type references within its references */
        f->type = FT_WRITABLE;
        f->type_count = 1 + rnd(f->count ? f->count : 1);
        break;
    case 5: /* a table or descriptor table */
        f->type = (uint8_t)(FT_L1 + rnd(4));
        f->type_count = 1 + rnd(3);
        break;
    case 6: /* broken: type NONE with type references, or WRITABLE without */
        f->type = rnd(2) ? FT_NONE : FT_WRITABLE;
        f->type_count = f->type == FT_NONE ? some_counts[1 + rnd(6)] : 0;
        break;
    default: /* anything, consistent or not */
        f->type = (uint8_t)rnd(8);
        f->type_count = some_counts[rnd(7)];
        f->count = some_counts[rnd(7)];
        f->flags = (uint8_t)rnd(256);
        break;
    }
}

static uint32_t random_frame_number(uint32_t nframes)
{
    if (nframes > FAKE_FRAMES && rnd(4) == 0)
        return (uint32_t[]){0xfffffu, 0xffffeu, FAKE_FRAMES + rnd(nframes - FAKE_FRAMES)}[rnd(3)];
    return rnd(8) ? rnd(FAKE_MAX_MFN) : FAKE_MAX_MFN + rnd(FAKE_FRAMES - FAKE_MAX_MFN);
}

/* A new entry: empty, not present with junk, refused bits, far away, or a present mapping with
 * the bits a guest sets (U, A, D, the available ones). */
static uint32_t random_val(uint32_t nframes)
{
    static const uint32_t refused[] = {0x008, 0x010, 0x080, 0x100, 0x198};
    static const uint32_t harmless[] = {0, 0x004, 0x020, 0x040, 0x060, 0x200, 0xe64};
    switch (rnd(16)) {
    case 0:
    case 1:
        return 0;
    case 2:
        return rnd32() & ~P;
    case 3:
        return E(random_frame_number(nframes), P | (rnd(2) ? RW : 0) | refused[rnd(5)]);
    case 4:
        return (uint32_t[]){0xffffffffu, E(0xfffff, P | RW), E(FAKE_MAX_MFN, P)}[rnd(3)];
    default:
        return E(random_frame_number(nframes), P | (rnd(3) ? RW : 0) | harmless[rnd(7)]);
    }
}

/* An old entry of the L1 (any frame the table has an entry for). */
static uint32_t random_old(void)
{
    return rnd(3) ? 0 : E(rnd(FAKE_FRAMES), P | (rnd(2) ? RW : 0) | (rnd(2) ? 0x60 : 0));
}

static unsigned random_slot(void)
{
    return rnd(2) ? rnd(8) : rnd(1024); /* often the same few: entries replaced in one run */
}

static void random_requests(mmu_update_t *req, unsigned n, uint32_t nframes)
{
    for (unsigned i = 0; i < n; i++) {
        req[i].ptr = E(L1_MFN, random_slot() << 2);
        if (rnd(24) == 0)
            req[i].ptr ^= E(1u << rnd(20), 0); /* another frame */
        if (rnd(24) == 0)
            req[i].ptr |= 1 + rnd(3); /* another command */
        req[i].val = random_val(nframes);
    }
    req[n].ptr = MMU_RUN_END_PTR;
    req[n].val = rnd32();
}

/* ---- One run both ways -------------------------------------------------------------------- */

static struct l1_run_env env_for(struct frame_info *ft, uint32_t nframes)
{
    max_mfn = nframes;
    frame_table = ft;
    return (struct l1_run_env){E(L1_MFN, 0), val_limit(), guest_tags(FAKE_DOM), ft, 0};
}

/* The cases met, for the coverage check at the end. */
enum {
    NEW_NONE,
    NEW_RO,
    NEW_RW_UNTYPED,
    NEW_RW_TYPED,
    OLD_RO,
    OLD_RO_AT_ZERO,
    OLD_RW,
    OLD_RW_LAST,
    STOP_END,
    STOP_OTHER_RUN,
    STOP_REFUSED_BITS,
    STOP_BEYOND,
    STOP_COUNT_MAX,
    STOP_NOT_GUESTS,
    STOP_TABLE,
    STOP_UNTYPED_TYPE_COUNT,
    STOP_WRITABLE_NO_TYPE_COUNT,
    STOP_FLUSH_OWED,
    NEW_RW_REUSED,
    NR_CASES
};
static const char *const case_names[NR_CASES] = {
    "new not present",
    "new read-only",
    "new first writable",
    "new writable again",
    "old read-only",
    "old read-only at count 0",
    "old writable",
    "old last writable",
    "stop at the end",
    "stop at another run or command",
    "stop at refused bits",
    "stop beyond max_mfn",
    "stop at FRAME_COUNT_MAX",
    "stop at a frame not the guest's",
    "stop at a table mapped writable",
    "stop at type NONE with a type count",
    "stop at WRITABLE without a type count",
    "stop at a TLB_L1/TLB_L2 leftover owing a flush",
    "new writable over a TLB_L1/TLB_L2 leftover (a flush since)"};
static unsigned cases[NR_CASES];

/* What the request at r meets in the current state (before it is applied). */
static void note_case(const mmu_update_t *r, const struct l1_run_env *env, const uint32_t *l1)
{
    uint32_t off = r->ptr ^ env->run, val = r->val;
    if (r->ptr == MMU_RUN_END_PTR) {
        cases[STOP_END]++;
        return;
    }
    if (off & RUN_KEY) {
        cases[STOP_OTHER_RUN]++;
        return;
    }
    if (!(val & P)) {
        cases[NEW_NONE]++;
    } else if (val & L1_REFUSED_BITS) {
        cases[STOP_REFUSED_BITS]++;
        return;
    } else if (val >= env->limit) {
        cases[STOP_BEYOND]++;
        return;
    } else {
        const struct frame_info *f = &env->ft[val >> 12];
        uint32_t tag = frame_tag(f);
        if (f->count == FRAME_COUNT_MAX && (tag & TAG_MASK_RO) == env->tags.ram) {
            cases[STOP_COUNT_MAX]++;
            return;
        }
        if ((tag & TAG_MASK_RO) != env->tags.ram) {
            cases[STOP_NOT_GUESTS]++;
            return;
        }
        if (!(val & RW)) {
            cases[NEW_RO]++;
        } else if ((tag & TAG_MASK_RW) == env->tags.untyped) {
            cases[f->type_count ? STOP_UNTYPED_TYPE_COUNT : NEW_RW_UNTYPED]++;
            if (f->type_count)
                return;
        } else if ((tag & TAG_MASK_RW) == env->tags.writable) {
            cases[f->type_count ? NEW_RW_TYPED : STOP_WRITABLE_NO_TYPE_COUNT]++;
            if (!f->type_count)
                return;
        } else if ((tag & TAG_MASK_TYPE) == env->tags.untyped && !f->type_count) {
            /* (the count's limit is sorted out above) */
            int owed = f->tlbflush_stamp == tlbflush_clock;
            cases[owed ? STOP_FLUSH_OWED : NEW_RW_REUSED]++;
            if (owed)
                return;
        } else {
            cases[STOP_TABLE]++;
            return;
        }
    }
    uint32_t old = *(const uint32_t *)((const char *)l1 + off);
    if (old & P) {
        const struct frame_info *o = &env->ft[old >> 12];
        if (!(old & RW))
            cases[o->count ? OLD_RO : OLD_RO_AT_ZERO]++;
        else
            cases[o->type_count == 1 ? OLD_RW_LAST : OLD_RW]++;
    }
}

/* The frames a run can touch: the first FAKE_FRAMES (every old entry of the L1 names one of
 * them) and those its new entries name. Saved before a run, compared after both. */
static uint32_t touched[FAKE_FRAMES + MAX_REQS];
static unsigned nr_touched;
static struct frame_info saved[FAKE_FRAMES + MAX_REQS], after_asm[FAKE_FRAMES + MAX_REQS];

static void find_touched(const mmu_update_t *req, unsigned n, uint32_t nframes)
{
    nr_touched = 0;
    for (uint32_t m = 0; m < FAKE_FRAMES; m++)
        touched[nr_touched++] = m;
    for (unsigned i = 0; i < n; i++)
        if ((req[i].val >> 12) >= FAKE_FRAMES && (req[i].val >> 12) < nframes)
            touched[nr_touched++] = req[i].val >> 12; /* (a repeat is harmless) */
}

static void save(struct frame_info *to, const struct frame_info *ft)
{
    for (unsigned k = 0; k < nr_touched; k++)
        to[k] = ft[touched[k]];
}

static void restore(struct frame_info *ft, const struct frame_info *from)
{
    for (unsigned k = nr_touched; k-- > 0;)
        ft[touched[k]] = from[k];
}

/* One random run from a random state of ft (nframes frames), through arch_l1_run and through
 * l1_run_ref (and, request by request, through l1_run_ref again, which counts the cases). */
static void one_run(struct frame_info *ft, uint32_t nframes, unsigned step)
{
    static mmu_update_t req[MAX_REQS + 1], one[2];
    static uint32_t l1_start[1024], l1_asm[1024];
    unsigned n = 1 + rnd(MAX_REQS);
    tlbflush_clock = rnd32(); /* (the frames' stamps are often this) */
    for (unsigned m = 0; m < FAKE_FRAMES; m++)
        random_frame(&ft[m]);
    random_requests(req, n, nframes);
    for (unsigned i = 0; i < n; i++)
        if ((req[i].val >> 12) >= FAKE_FRAMES && (req[i].val >> 12) < nframes)
            random_frame(&ft[req[i].val >> 12]);
    for (unsigned i = 0; i < 1024; i++)
        fake_mem[L1_MFN][i] = random_old();
    find_touched(req, n, nframes);
    const struct l1_run_env env = env_for(ft, nframes);
    save(saved, ft);
    memcpy(l1_start, fake_mem[L1_MFN], sizeof(l1_start));

    l1_run_env = env;
    const mmu_update_t *end_asm = arch_l1_run(req, fake_mem[L1_MFN]);
    uint32_t rep_asm = l1_run_env.replaced;
    l1_run_env.replaced = 0;
    if (memcmp(&l1_run_env, &env, sizeof(env)) != 0) {
        harness_fail("step %u: arch_l1_run changed l1_run_env beyond its replaced flag", step);
        return;
    }
    save(after_asm, ft);
    memcpy(l1_asm, fake_mem[L1_MFN], sizeof(l1_asm));

    restore(ft, saved);
    memcpy(fake_mem[L1_MFN], l1_start, sizeof(l1_start));
    struct l1_run_env env_ref = env, env_one = env;
    const mmu_update_t *end_ref = l1_run_ref(req, fake_mem[L1_MFN], &env_ref);
    uint32_t rep_ref = env_ref.replaced;
    if (end_asm != end_ref || rep_asm != rep_ref) {
        harness_fail("step %u (%u frames): arch_l1_run stopped at request %d of %u (replaced "
                     "%d), l1_run_ref at %d (%d)",
                     step, nframes, (int)(end_asm - req), n, rep_asm, (int)(end_ref - req),
                     rep_ref);
        return;
    }
    for (unsigned k = 0; k < nr_touched; k++)
        if (memcmp(&after_asm[k], &ft[touched[k]], sizeof(after_asm[k])) != 0) {
            const struct frame_info *a = &after_asm[k], *b = &ft[touched[k]];
            harness_fail("step %u (%u frames): frame %u: arch_l1_run left count %u type %u/%u "
                         "owner %u flags 0x%x stamp %u, l1_run_ref %u %u/%u %u 0x%x %u",
                         step, nframes, touched[k], a->count, a->type, a->type_count, a->owner,
                         a->flags, a->tlbflush_stamp, b->count, b->type, b->type_count, b->owner,
                         b->flags, b->tlbflush_stamp);
            return;
        }
    for (unsigned i = 0; i < 1024; i++)
        if (l1_asm[i] != fake_mem[L1_MFN][i]) {
            harness_fail("step %u: L1 entry %u: arch_l1_run 0x%x, l1_run_ref 0x%x", step, i,
                         l1_asm[i], fake_mem[L1_MFN][i]);
            return;
        }

    /* Request by request from the start: the same end, and the cases met on the way. */
    restore(ft, saved);
    memcpy(fake_mem[L1_MFN], l1_start, sizeof(l1_start));
    const mmu_update_t *r = req;
    for (;; r++) {
        note_case(r, &env, fake_mem[L1_MFN]);
        one[0] = *r;
        one[1] = req[n];
        if (l1_run_ref(one, fake_mem[L1_MFN], &env_one) == one)
            break;
    }
    int same = r == end_ref && env_one.replaced == rep_ref &&
               memcmp(l1_asm, fake_mem[L1_MFN], sizeof(l1_asm)) == 0;
    for (unsigned k = 0; k < nr_touched && same; k++)
        same = memcmp(&after_asm[k], &ft[touched[k]], sizeof(after_asm[k])) == 0;
    if (!same)
        harness_fail("step %u: one request at a time ended otherwise (at %d) than the run (at %d)",
                     step, (int)(r - req), (int)(end_ref - req));
}

/* The frame table of the fake machine: 64 frames, 60 of them below max_mfn. */
TEST(l1_run_matches_ref)
{
    fake_machine_reset();
    for (unsigned step = 0; step < 40000 && !HARNESS_FAILED(); step++)
        one_run(frame_table, FAKE_MAX_MFN, step);
}

/* 2^20 frames (val_limit() is then 0xffffffff: only that value, refused bits set, reaches it):
 * frame numbers up to 0xfffff. */
TEST(l1_run_matches_ref_all_frames)
{
    fake_machine_reset();
    struct frame_info *big = calloc(0x100000, sizeof(*big));
    CHECK(big != NULL);
    for (unsigned step = 0; step < 10000 && !HARNESS_FAILED(); step++)
        one_run(big, 0x100000, step);
    free(big);
    fake_machine_reset();
}

/* Every case above was met, often: a test that never reached one would prove nothing of it. */
TEST(l1_run_every_case_met)
{
    for (unsigned k = 0; k < NR_CASES; k++)
        if (cases[k] < 200) {
            harness_fail("case \"%s\" met %u times only", case_names[k], cases[k]);
            return;
        }
}

RUN_TESTS(T(l1_run_matches_ref), T(l1_run_matches_ref_all_frames), T(l1_run_every_case_met))
