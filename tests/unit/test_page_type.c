/* Unit tests for core/page_type.c on a fake machine (fake_machine.c): every type transition,
 * every refusal of ABI §7, mm_update_entry on each kind of frame, and that a refusal, even half
 * way through validating a table, leaves the whole frame table exactly as it was. */
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include "fake_machine.h"
#include "harness.h"
#include "hv/arch.h"
#include "hv/page_type.h"
#include "public/xen.h"

#define P 0x001u
#define RW 0x002u
#define PAT 0x080u
#define PSE 0x080u
#define G 0x100u
#define E(mfn, flags) (((uint32_t)(mfn) << 12) | (flags))

static const char *why;
static struct frame_info snap_table[FAKE_FRAMES];
static uint32_t snap_mem[FAKE_FRAMES][1024];

static void start(void)
{
    fake_machine_reset();
    why = NULL;
}

static void snapshot(void)
{
    memcpy(snap_table, frame_table, sizeof(snap_table));
    memcpy(snap_mem, fake_mem, sizeof(snap_mem));
}

/* The whole frame table and all memory are as snapshot() left them, and nothing is mapped.
 * The TLB rule's marks are left out: a refusal half way through validating a table may leave
 * a frame marked stale that was typed and released inside it, which can only cost a flush. */
#define CHECK_UNCHANGED() CALL(check_unchanged(__LINE__))
static void check_unchanged(int line)
{
    for (unsigned i = 0; i < FAKE_FRAMES; i++) {
        const struct frame_info *a = &snap_table[i], *b = &frame_table[i];
        if (a->count != b->count || a->type_count != b->type_count || a->type != b->type ||
            (a->flags & ~FF_TLB_STALE) != (b->flags & ~FF_TLB_STALE) || a->owner != b->owner) {
            harness_fail("line %d: frame %u was count %u type %u/%u flags 0x%x, now count %u "
                         "type %u/%u flags 0x%x",
                         line, i, a->count, a->type, a->type_count, a->flags, b->count, b->type,
                         b->type_count, b->flags);
            return;
        }
        if (memcmp(snap_mem[i], fake_mem[i], sizeof(snap_mem[i])) != 0) {
            harness_fail("line %d: memory of frame %u changed", line, i);
            return;
        }
    }
    if (fake_maps_live() != 0 || fake_error)
        harness_fail("line %d: %u frames left mapped, fake error %s", line, fake_maps_live(),
                     fake_error ? fake_error : "none");
}

/* After a teardown: every count and type count is zero (their sums too), no type, nothing
 * validated, every map undone. */
#define CHECK_IDLE() CALL(check_idle(__LINE__))
static void check_idle(int line)
{
    unsigned long long counts = 0, type_counts = 0;
    for (unsigned i = 0; i < FAKE_FRAMES; i++) {
        counts += frame_table[i].count;
        type_counts += frame_table[i].type_count;
        if (frame_table[i].type != FT_NONE || (frame_table[i].flags & FF_VALIDATED)) {
            harness_fail("line %d: frame %u still type %u flags 0x%x", line, i, frame_table[i].type,
                         frame_table[i].flags);
            return;
        }
    }
    if (counts || type_counts) {
        harness_fail("line %d: %llu references and %llu type references left", line, counts,
                     type_counts);
        return;
    }
    if (fake_maps_live() != 0 || fake_map_calls != fake_unmap_calls || fake_error)
        harness_fail("line %d: maps %u unmaps %u live %u, fake error %s", line, fake_map_calls,
                     fake_unmap_calls, fake_maps_live(), fake_error ? fake_error : "none");
}

#define CHECK_FRAME(mfn, count, type, type_count) \
    CALL(check_frame(__LINE__, mfn, count, type, type_count))
static void check_frame(int line, uint32_t mfn, uint32_t count, enum frame_type type,
                        uint32_t type_count)
{
    const struct frame_info *f = &frame_table[mfn];
    if (f->count != count || f->type_count != type_count || (type_count && f->type != type) ||
        (!type_count && f->type != FT_NONE))
        harness_fail("line %d: frame %u is count %u type %u/%u, want count %u type %u/%u", line,
                     mfn, f->count, f->type, f->type_count, count, type, type_count);
}

#define CHECK_REFUSED(expr, err)  \
    do {                          \
        why = NULL;               \
        CHECK_EQ((expr), -(err)); \
        CHECK(why != NULL);       \
    } while (0)

/* ---- Transitions ------------------------------------------------------------------------- */

TEST(l1_pin_and_last_put)
{
    start();
    fake_mem[10][0] = E(11, P);          /* read-only */
    fake_mem[10][1] = E(12, P | RW);     /* writable */
    fake_mem[10][2] = E(12, P | RW);     /* writable again */
    fake_mem[10][3] = E(13, RW | G | 8); /* not present: anything goes */
    fake_mem[10][1023] = E(11, P);
    CHECK_EQ(get_page_and_type(10, FT_L1, FAKE_DOM, &why), 0);
    CHECK_FRAME(10, 1, FT_L1, 1);
    CHECK(frame_table[10].flags & FF_VALIDATED);
    CHECK_FRAME(11, 2, FT_NONE, 0);
    CHECK_FRAME(12, 2, FT_WRITABLE, 2);
    CHECK_FRAME(13, 0, FT_NONE, 0);
    CHECK_EQ(fake_maps_live(), 0);
    CHECK_EQ(fake_copy_hv_calls, 0); /* an L1 gets no hypervisor slots */
    /* A second reference of the same type only counts. */
    CHECK_EQ(get_page_and_type(10, FT_L1, FAKE_DOM, &why), 0);
    CHECK_FRAME(10, 2, FT_L1, 2);
    CHECK_FRAME(12, 2, FT_WRITABLE, 2);
    put_page_and_type(10);
    CHECK_FRAME(10, 1, FT_L1, 1);
    CHECK_FRAME(11, 2, FT_NONE, 0);
    put_page_and_type(10);
    CHECK_IDLE();
    CHECK_EQ(fake_mem[10][1], E(12, P | RW)); /* devalidation leaves the contents alone */
}

TEST(none_writable_none)
{
    start();
    CHECK_EQ(get_page_type(20, FT_WRITABLE, FAKE_DOM, &why), 0);
    CHECK_FRAME(20, 0, FT_WRITABLE, 1);
    CHECK_EQ(get_page_type(20, FT_WRITABLE, FAKE_DOM, &why), 0);
    CHECK_FRAME(20, 0, FT_WRITABLE, 2);
    put_page_type(20);
    CHECK_FRAME(20, 0, FT_WRITABLE, 1);
    put_page_type(20);
    CHECK_IDLE();
    /* Once NONE again it may become a table. */
    CHECK_EQ(get_page_and_type(20, FT_L1, FAKE_DOM, &why), 0);
    put_page_and_type(20);
    /* And through writable L1 entries: the last put returns it to NONE. */
    CHECK_EQ(l1e_get(E(20, P | RW), FAKE_DOM, &why), 0);
    CHECK_EQ(l1e_get(E(20, P | RW), FAKE_DOM, &why), 0);
    CHECK_FRAME(20, 2, FT_WRITABLE, 2);
    l1e_put(E(20, P | RW));
    CHECK_FRAME(20, 1, FT_WRITABLE, 1);
    l1e_put(E(20, P | RW));
    CHECK_IDLE();
}

TEST(l2_pulls_l1s_up_and_down)
{
    start();
    /* L2 30: slots 0 and 768 -> L1 31, slot 1007 -> L1 32; 31 maps 40 writable, 32 maps 41
     * read-only. */
    fake_mem[30][0] = E(31, P | RW);
    fake_mem[30][768] = E(31, P);
    fake_mem[30][1007] = E(32, P | RW | 0x60);
    fake_mem[30][1008] = E(33, P | RW | PSE); /* hypervisor slot: never looked at */
    fake_mem[31][5] = E(40, P | RW);
    fake_mem[32][6] = E(41, P);
    CHECK_EQ(get_page_and_type(30, FT_L2, FAKE_DOM, &why), 0);
    CHECK_FRAME(30, 1, FT_L2, 1);
    CHECK(frame_table[30].flags & FF_VALIDATED);
    CHECK_FRAME(31, 2, FT_L1, 2);
    CHECK(frame_table[31].flags & FF_VALIDATED);
    CHECK_FRAME(32, 1, FT_L1, 1);
    CHECK_FRAME(33, 0, FT_NONE, 0);
    CHECK_FRAME(40, 1, FT_WRITABLE, 1);
    CHECK_FRAME(41, 1, FT_NONE, 0);
    CHECK_EQ(fake_copy_hv_calls, 1);
    for (unsigned i = 1008; i < 1024; i++)
        CHECK_EQ(fake_mem[30][i], i == ARCH_LINEAR_SLOT ? FAKE_LINEAR_PDE(30) : FAKE_HV_PDE(i));
    CHECK_EQ(fake_maps_live(), 0);
    put_page_and_type(30);
    CHECK_IDLE();
}

TEST(l1_pinned_and_in_l2_outlives_the_l2)
{
    start();
    fake_mem[31][0] = E(40, P | RW);
    fake_mem[30][1] = E(31, P);
    CHECK_EQ(get_page_and_type(31, FT_L1, FAKE_DOM, &why), 0); /* the pin */
    CHECK_EQ(get_page_and_type(30, FT_L2, FAKE_DOM, &why), 0);
    CHECK_FRAME(31, 2, FT_L1, 2);
    CHECK_FRAME(40, 1, FT_WRITABLE, 1); /* validated once, not twice */
    put_page_and_type(30);
    CHECK_FRAME(30, 0, FT_NONE, 0);
    CHECK_FRAME(31, 1, FT_L1, 1);
    CHECK(frame_table[31].flags & FF_VALIDATED);
    CHECK_FRAME(40, 1, FT_WRITABLE, 1);
    put_page_and_type(31);
    CHECK_IDLE();
}

TEST(ldt_and_gdt_types)
{
    start();
    CHECK_EQ(get_page_and_type(20, FT_LDT, FAKE_DOM, &why), 0);
    CHECK_EQ(fake_ldt_calls, 1);
    CHECK_FRAME(20, 1, FT_LDT, 1);
    CHECK_EQ(get_page_and_type(21, FT_GDT, FAKE_DOM, &why), 0);
    CHECK_FRAME(21, 1, FT_GDT, 1);
    CHECK_REFUSED(l1e_get(E(20, P | RW), FAKE_DOM, &why), XEN_EPERM);
    CHECK_REFUSED(l1e_get(E(21, P | RW), FAKE_DOM, &why), XEN_EPERM);
    CHECK_EQ(l1e_get(E(21, P), FAKE_DOM, &why), 0); /* read-only is fine */
    l1e_put(E(21, P));
    put_page_and_type(20);
    put_page_and_type(21);
    CHECK_IDLE();
    fake_ldt_result = -XEN_EINVAL;
    snapshot();
    CHECK_REFUSED(get_page_and_type(20, FT_LDT, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_UNCHANGED();
}

/* ---- Refusals ----------------------------------------------------------------------------- */

TEST(writable_entry_to_table_refused)
{
    start();
    fake_mem[30][0] = E(31, P);
    CHECK_EQ(get_page_and_type(30, FT_L2, FAKE_DOM, &why), 0); /* 30 L2, 31 L1 */
    CHECK_EQ(get_page_and_type(32, FT_L1, FAKE_DOM, &why), 0); /* 32 L1 (pinned) */
    snapshot();
    CHECK_REFUSED(l1e_get(E(30, P | RW), FAKE_DOM, &why), XEN_EPERM);
    CHECK_REFUSED(l1e_get(E(31, P | RW), FAKE_DOM, &why), XEN_EPERM);
    CHECK_REFUSED(l1e_get(E(32, P | RW), FAKE_DOM, &why), XEN_EPERM);
    CHECK_UNCHANGED();
    /* The same entry inside a table being validated, after some good entries. */
    fake_mem[20][0] = E(40, P | RW);
    fake_mem[20][1] = E(41, P);
    fake_mem[20][2] = E(31, P | RW);
    snapshot();
    CHECK_REFUSED(get_page_and_type(20, FT_L1, FAKE_DOM, &why), XEN_EPERM);
    CHECK_UNCHANGED();
    /* A table may not map itself writable either (its type is claimed before validation). */
    memset(fake_mem[20], 0, sizeof(fake_mem[20]));
    fake_mem[20][9] = E(20, P | RW);
    snapshot();
    CHECK_REFUSED(get_page_and_type(20, FT_L1, FAKE_DOM, &why), XEN_EPERM);
    CHECK_UNCHANGED();
    put_page_and_type(30);
    put_page_and_type(32);
    CHECK_IDLE();
}

TEST(l1_in_l2_mapping_that_l2_writable_refused)
{
    start();
    fake_mem[30][0] = E(31, P | RW);
    fake_mem[31][0] = E(41, P | RW);
    fake_mem[31][7] = E(30, P | RW); /* the L1 would let the guest write its own L2 */
    snapshot();
    CHECK_REFUSED(get_page_and_type(30, FT_L2, FAKE_DOM, &why), XEN_EPERM);
    CHECK_UNCHANGED();
    fake_mem[31][7] = E(30, P); /* read-only: fine */
    CHECK_EQ(get_page_and_type(30, FT_L2, FAKE_DOM, &why), 0);
    CHECK_FRAME(30, 2, FT_L2, 1);
    put_page_and_type(30);
    CHECK_IDLE();
}

TEST(l1_entry_to_frame_not_owned_refused)
{
    start();
    frame_table[20].owner = OWNER_HV;
    frame_table[21].owner = OWNER_NONE;
    frame_table[22].owner = FAKE_DOM + 1;
    frame_table[23].flags = 0; /* owned, but not RAM */
    snapshot();
    uint32_t bad[] = {20, 21, 22, 23, FAKE_MAX_MFN, FAKE_FRAMES - 1, 0xfffff};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_REFUSED(l1e_get(E(bad[i], P), FAKE_DOM, &why), XEN_EPERM);
        CHECK_REFUSED(l1e_get(E(bad[i], P | RW), FAKE_DOM, &why), XEN_EPERM);
        CHECK_REFUSED(get_page(bad[i], FAKE_DOM, &why), XEN_EPERM);
    }
    CHECK_UNCHANGED();
    /* Half way through a table: the good entries before it give their references back. */
    fake_mem[10][0] = E(40, P | RW);
    fake_mem[10][1] = E(41, P);
    fake_mem[10][1023] = E(20, P);
    snapshot();
    CHECK_REFUSED(get_page_and_type(10, FT_L1, FAKE_DOM, &why), XEN_EPERM);
    CHECK_UNCHANGED();
    fake_mem[10][1023] = E(FAKE_MAX_MFN, P | RW);
    snapshot();
    CHECK_REFUSED(get_page_and_type(10, FT_L1, FAKE_DOM, &why), XEN_EPERM);
    CHECK_UNCHANGED();
    /* The table itself must be the guest's. */
    memset(fake_mem[20], 0, sizeof(fake_mem[20]));
    snapshot();
    CHECK_REFUSED(get_page_and_type(20, FT_L1, FAKE_DOM, &why), XEN_EPERM);
    CHECK_REFUSED(get_page_and_type(FAKE_MAX_MFN, FT_L1, FAKE_DOM, &why), XEN_EPERM);
    CHECK_UNCHANGED();
}

TEST(pat_and_global_in_l1_entry_refused)
{
    start();
    snapshot();
    CHECK_REFUSED(l1e_get(E(40, P | PAT), FAKE_DOM, &why), XEN_EINVAL);
    CHECK_REFUSED(l1e_get(E(40, P | RW | PAT), FAKE_DOM, &why), XEN_EINVAL);
    CHECK_REFUSED(l1e_get(E(40, P | G), FAKE_DOM, &why), XEN_EINVAL);
    CHECK_REFUSED(l1e_get(E(40, P | RW | G), FAKE_DOM, &why), XEN_EINVAL);
    CHECK_UNCHANGED();
    CHECK_EQ(l1e_get(E(40, PAT | G), FAKE_DOM, &why), 0); /* not present */
    CHECK_UNCHANGED();
    for (unsigned k = 0; k < 2; k++) {
        memset(fake_mem[10], 0, sizeof(fake_mem[10]));
        for (unsigned i = 0; i < 600; i++)
            fake_mem[10][i] = E(40 + i % 4, P | (i % 2 ? RW : 0));
        fake_mem[10][600] = E(41, P | (k ? G : PAT));
        snapshot();
        CHECK_REFUSED(get_page_and_type(10, FT_L1, FAKE_DOM, &why), XEN_EINVAL);
        CHECK_UNCHANGED();
    }
}

TEST(pse_and_global_in_l2_entry_refused)
{
    start();
    snapshot();
    CHECK_REFUSED(l2e_get(E(31, P | PSE), 30, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_REFUSED(l2e_get(E(31, P | RW | G), 30, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_REFUSED(l2e_get(E(30, P | PSE), 30, FAKE_DOM, &why), XEN_EINVAL); /* even a self-map */
    CHECK_UNCHANGED();
    fake_mem[30][0] = E(31, P | RW);
    fake_mem[30][1] = E(32, P | RW | PSE);
    fake_mem[31][0] = E(40, P | RW);
    snapshot();
    CHECK_REFUSED(get_page_and_type(30, FT_L2, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_UNCHANGED();
    fake_mem[30][1] = E(32, P | G);
    snapshot();
    CHECK_REFUSED(get_page_and_type(30, FT_L2, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_UNCHANGED();
}

TEST(l2_entry_to_bad_l1_gives_everything_back)
{
    start();
    /* 31 and 32 validate; 33 has 500 good entries then a foreign frame. */
    fake_mem[30][0] = E(31, P | RW);
    fake_mem[30][1] = E(32, P | RW);
    fake_mem[30][2] = E(31, P);
    fake_mem[30][3] = E(30, P); /* linear self-map, before the failure */
    fake_mem[30][4] = E(33, P | RW);
    fake_mem[30][5] = E(34, P | RW); /* never reached */
    fake_mem[31][0] = E(40, P | RW);
    fake_mem[32][0] = E(41, P | RW);
    fake_mem[32][1] = E(40, P | RW);
    for (unsigned i = 0; i < 500; i++)
        fake_mem[33][i] = E(42 + i % 3, P | RW);
    fake_mem[33][500] = E(FAKE_MAX_MFN + 1, P);
    fake_mem[34][0] = E(45, P | RW);
    snapshot();
    CHECK_REFUSED(get_page_and_type(30, FT_L2, FAKE_DOM, &why), XEN_EPERM);
    CHECK_UNCHANGED();
    CHECK_EQ(fake_copy_hv_calls, 0);
    /* 31 is held as L1 by a pin across the failure: it keeps exactly the pin. */
    CHECK_EQ(get_page_and_type(31, FT_L1, FAKE_DOM, &why), 0);
    snapshot();
    CHECK_REFUSED(get_page_and_type(30, FT_L2, FAKE_DOM, &why), XEN_EPERM);
    CHECK_UNCHANGED();
    CHECK_FRAME(31, 1, FT_L1, 1);
    CHECK_FRAME(40, 1, FT_WRITABLE, 1);
    put_page_and_type(31);
    CHECK_IDLE();
    /* Fixed, the same table validates, and releases cleanly. */
    fake_mem[33][500] = 0;
    CHECK_EQ(get_page_and_type(30, FT_L2, FAKE_DOM, &why), 0);
    CHECK_FRAME(30, 2, FT_L2, 1);
    CHECK_FRAME(31, 2, FT_L1, 2);
    CHECK_FRAME(40, 2, FT_WRITABLE, 2);
    CHECK_FRAME(42, 167, FT_WRITABLE, 167);
    put_page_and_type(30);
    CHECK_IDLE();
}

/* A full L1 (every entry present: a process's resident set, fork's hot case) goes through the
 * one-pass loop of l1_get_all/l1_put_all: exact counts for read-only, writable and shared
 * frames; a refusal at its very last entry, or at its first, gives everything back. */
TEST(full_l1_one_pass)
{
    start();
    for (unsigned i = 0; i < 1024; i++) /* frames 11..18: read-only, writable, shared by both */
        fake_mem[10][i] = E(11 + i % 8, (i % 8 < 4) ? P : (P | RW));
    fake_mem[10][1023] = E(20, P | RW); /* 20 is about to be an L1: refused */
    CHECK_EQ(get_page_and_type(20, FT_L1, FAKE_DOM, &why), 0);
    snapshot();
    CHECK_REFUSED(get_page_and_type(10, FT_L1, FAKE_DOM, &why), XEN_EPERM);
    CHECK_UNCHANGED();
    fake_mem[10][1023] = E(21, P | G); /* a refused bit, at the same place */
    snapshot();
    CHECK_REFUSED(get_page_and_type(10, FT_L1, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_UNCHANGED();
    uint32_t first = fake_mem[10][0];
    fake_mem[10][0] = E(FAKE_MAX_MFN + 2, P); /* refused before anything was taken */
    snapshot();
    CHECK_REFUSED(get_page_and_type(10, FT_L1, FAKE_DOM, &why), XEN_EPERM);
    CHECK_UNCHANGED();
    fake_mem[10][0] = first;
    fake_mem[10][1023] = E(18, P | RW);
    put_page_and_type(20);
    CHECK_IDLE();
    CHECK_EQ(get_page_and_type(10, FT_L1, FAKE_DOM, &why), 0);
    CHECK_FRAME(10, 1, FT_L1, 1);
    CHECK_FRAME(11, 128, FT_NONE, 0);
    CHECK_FRAME(14, 128, FT_NONE, 0);
    CHECK_FRAME(15, 128, FT_WRITABLE, 128);
    CHECK_FRAME(18, 128, FT_WRITABLE, 128);
    CHECK_EQ(fake_maps_live(), 0);
    put_page_and_type(10);
    CHECK_IDLE();
    CHECK(frame_table[18].flags & FF_TLB_WRITABLE); /* the last writable mapping left: stamped */
}

TEST(l1_and_l2_types_exclusive_while_held)
{
    start();
    CHECK_EQ(get_page_and_type(10, FT_L1, FAKE_DOM, &why), 0);
    CHECK_EQ(get_page_and_type(30, FT_L2, FAKE_DOM, &why), 0);
    snapshot();
    CHECK_REFUSED(get_page_type(10, FT_L2, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_REFUSED(get_page_and_type(10, FT_L2, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_REFUSED(get_page_type(30, FT_L1, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_REFUSED(get_page_and_type(30, FT_L1, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_REFUSED(get_page_type(10, FT_LDT, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_REFUSED(get_page_type(30, FT_GDT, FAKE_DOM, &why), XEN_EINVAL);
    /* get_page_type(WRITABLE) on a held table */
    CHECK_REFUSED(get_page_type(10, FT_WRITABLE, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_REFUSED(get_page_type(30, FT_WRITABLE, FAKE_DOM, &why), XEN_EINVAL);
    /* An L2 entry to an L2 whose type is held */
    CHECK_REFUSED(l2e_get(E(30, P), 31, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_UNCHANGED();
    put_page_and_type(10);
    put_page_and_type(30);
    CHECK_IDLE();
    /* Released, each may take the other type: devalidating the L2 cleared the hypervisor's
     * entries, which must never pass as L1 entries. */
    for (unsigned i = 1008; i < 1024; i++)
        CHECK_EQ(fake_mem[30][i], 0);
    CHECK_EQ(get_page_and_type(10, FT_L2, FAKE_DOM, &why), 0);
    CHECK_EQ(get_page_and_type(30, FT_L1, FAKE_DOM, &why), 0);
    put_page_and_type(10);
    put_page_and_type(30);
    CHECK_IDLE();
}

TEST(writable_frame_cannot_become_table)
{
    start();
    CHECK_EQ(get_page_type(20, FT_WRITABLE, FAKE_DOM, &why), 0);
    snapshot();
    CHECK_REFUSED(get_page_and_type(20, FT_L1, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_REFUSED(get_page_and_type(20, FT_L2, FAKE_DOM, &why), XEN_EINVAL);
    fake_mem[30][0] = E(20, P);
    snapshot();
    CHECK_REFUSED(get_page_and_type(30, FT_L2, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_UNCHANGED();
    put_page_type(20);
    CHECK_IDLE();
}

TEST(l2_self_map_writable_refused)
{
    start();
    fake_mem[30][0] = E(31, P | RW);
    fake_mem[31][0] = E(40, P | RW);
    fake_mem[30][767] = E(30, P | RW);
    snapshot();
    CHECK_REFUSED(get_page_and_type(30, FT_L2, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_UNCHANGED();
}

TEST(l2_linear_self_map_accepted_and_released)
{
    start();
    fake_mem[30][0] = E(31, P | RW);
    fake_mem[31][0] = E(40, P | RW);
    fake_mem[30][767] = E(30, P | 0x60);
    fake_mem[30][1000] = E(30, P);
    CHECK_EQ(get_page_and_type(30, FT_L2, FAKE_DOM, &why), 0);
    CHECK_FRAME(30, 3, FT_L2, 1); /* the pin and two self-maps; the type once */
    CHECK_FRAME(31, 1, FT_L1, 1);
    CHECK_FRAME(40, 1, FT_WRITABLE, 1);
    /* A pin and a base-pointer use: the second put only drops a count. */
    CHECK_EQ(get_page_and_type(30, FT_L2, FAKE_DOM, &why), 0);
    put_page_and_type(30);
    CHECK_FRAME(30, 3, FT_L2, 1);
    put_page_and_type(30);
    CHECK_IDLE();
}

TEST(l2_mapping_other_l2_refused)
{
    start();
    CHECK_EQ(get_page_and_type(35, FT_L2, FAKE_DOM, &why), 0);
    fake_mem[30][0] = E(31, P);
    fake_mem[30][1] = E(35, P); /* read-only to another (validated) L2 */
    snapshot();
    CHECK_REFUSED(get_page_and_type(30, FT_L2, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_UNCHANGED();
    /* Two L2s pointing at each other read-only: neither may hold the other. */
    put_page_and_type(35);
    fake_mem[35][0] = E(30, P);
    CHECK_EQ(get_page_and_type(35, FT_L2, FAKE_DOM, &why), 0); /* 30 is validated as an L1 */
    CHECK_FRAME(30, 1, FT_L1, 1);
    snapshot();
    CHECK_REFUSED(get_page_and_type(30, FT_L2, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_UNCHANGED();
    put_page_and_type(35);
    CHECK_IDLE();
}

TEST(hv_written_frame_never_a_table)
{
    start();
    frame_table[20].flags |= FF_HV_WRITES;
    snapshot();
    CHECK_REFUSED(get_page_and_type(20, FT_L1, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_REFUSED(get_page_and_type(20, FT_L2, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_REFUSED(get_page_and_type(20, FT_LDT, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_REFUSED(get_page_and_type(20, FT_GDT, FAKE_DOM, &why), XEN_EINVAL);
    fake_mem[30][0] = E(20, P);
    snapshot();
    CHECK_REFUSED(get_page_and_type(30, FT_L2, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_UNCHANGED();
    CHECK_EQ(fake_ldt_calls, 0);
    /* The guest may still map it writable (shared_info). */
    CHECK_EQ(l1e_get(E(20, P | RW), FAKE_DOM, &why), 0);
    CHECK_FRAME(20, 1, FT_WRITABLE, 1);
    l1e_put(E(20, P | RW));
    CHECK_FRAME(20, 0, FT_NONE, 0);
}

/* ---- mm_update_entry --------------------------------------------------------------------- */

TEST(update_l1_entry)
{
    start();
    fake_mem[10][3] = E(40, P | RW);
    fake_mem[10][4] = E(41, P);
    CHECK_EQ(get_page_and_type(10, FT_L1, FAKE_DOM, &why), 0);
    struct pt_cursor c = {0, 0};
    uint32_t old = 0xdead;
    /* writable 40 -> writable 42 */
    CHECK_EQ(mm_update_entry(&c, 10, 3, E(42, P | RW), FAKE_DOM, &old, &why), 0);
    CHECK_EQ(old, E(40, P | RW));
    CHECK_EQ(fake_mem[10][3], E(42, P | RW));
    CHECK_FRAME(40, 0, FT_NONE, 0);
    CHECK_FRAME(42, 1, FT_WRITABLE, 1);
    /* read-only 41 -> writable 41 (the same frame, now needing the type) */
    CHECK_EQ(mm_update_entry(&c, 10, 4, E(41, P | RW), FAKE_DOM, &old, &why), 0);
    CHECK_EQ(old, E(41, P));
    CHECK_FRAME(41, 1, FT_WRITABLE, 1);
    /* the same value again: references unchanged */
    CHECK_EQ(mm_update_entry(&c, 10, 4, E(41, P | RW), FAKE_DOM, &old, &why), 0);
    CHECK_EQ(old, E(41, P | RW));
    CHECK_FRAME(41, 1, FT_WRITABLE, 1);
    /* writable 41 -> not present */
    CHECK_EQ(mm_update_entry(&c, 10, 4, 0x12345000u, FAKE_DOM, &old, &why), 0);
    CHECK_FRAME(41, 0, FT_NONE, 0);
    CHECK_EQ(fake_maps_live(), 1); /* the cursor keeps the table mapped across a batch */
    /* refusals change nothing */
    pt_cursor_release(&c);
    snapshot();
    old = 0xdead;
    CHECK_REFUSED(mm_update_entry(&c, 10, 3, E(43, P | PAT), FAKE_DOM, &old, &why), XEN_EINVAL);
    CHECK_REFUSED(mm_update_entry(&c, 10, 3, E(10, P | RW), FAKE_DOM, &old, &why), XEN_EPERM);
    CHECK_REFUSED(mm_update_entry(&c, 10, 3, E(FAKE_MAX_MFN, P), FAKE_DOM, &old, &why), XEN_EPERM);
    CHECK_EQ(old, 0xdead);
    pt_cursor_release(&c);
    CHECK_UNCHANGED();
    /* a read-only self-map is allowed */
    CHECK_EQ(mm_update_entry(&c, 10, 5, E(10, P), FAKE_DOM, &old, &why), 0);
    CHECK_FRAME(10, 2, FT_L1, 1);
    pt_cursor_release(&c);
    put_page_and_type(10);
    CHECK_IDLE();
}

TEST(update_l2_entry)
{
    start();
    fake_mem[31][0] = E(40, P | RW);
    fake_mem[32][0] = E(41, P | RW);
    CHECK_EQ(get_page_and_type(30, FT_L2, FAKE_DOM, &why), 0);
    struct pt_cursor c = {0, 0};
    uint32_t old = 0xdead;
    snapshot();
    CHECK_REFUSED(mm_update_entry(&c, 30, 1008, 0, FAKE_DOM, &old, &why), XEN_EINVAL);
    CHECK_REFUSED(mm_update_entry(&c, 30, 1023, E(31, P), FAKE_DOM, &old, &why), XEN_EINVAL);
    CHECK_REFUSED(mm_update_entry(&c, 30, 5, E(30, P | RW), FAKE_DOM, &old, &why), XEN_EINVAL);
    CHECK_REFUSED(mm_update_entry(&c, 30, 5, E(31, P | PSE), FAKE_DOM, &old, &why), XEN_EINVAL);
    CHECK_EQ(old, 0xdead);
    pt_cursor_release(&c);
    CHECK_UNCHANGED();
    /* empty -> L1 31: validated and typed */
    CHECK_EQ(mm_update_entry(&c, 30, 5, E(31, P | RW), FAKE_DOM, &old, &why), 0);
    CHECK_EQ(old, 0u);
    CHECK_EQ(fake_mem[30][5], E(31, P | RW));
    CHECK_FRAME(31, 1, FT_L1, 1);
    CHECK_FRAME(40, 1, FT_WRITABLE, 1);
    /* 31 -> 32: 31 devalidated */
    CHECK_EQ(mm_update_entry(&c, 30, 5, E(32, P | RW), FAKE_DOM, &old, &why), 0);
    CHECK_EQ(old, E(31, P | RW));
    CHECK_FRAME(31, 0, FT_NONE, 0);
    CHECK_FRAME(40, 0, FT_NONE, 0);
    CHECK_FRAME(32, 1, FT_L1, 1);
    CHECK_FRAME(41, 1, FT_WRITABLE, 1);
    /* linear self-map, then replaced */
    CHECK_EQ(mm_update_entry(&c, 30, 6, E(30, P), FAKE_DOM, &old, &why), 0);
    CHECK_FRAME(30, 2, FT_L2, 1);
    CHECK_EQ(mm_update_entry(&c, 30, 6, 0, FAKE_DOM, &old, &why), 0);
    CHECK_EQ(old, E(30, P));
    CHECK_FRAME(30, 1, FT_L2, 1);
    /* an L1 whose validation fails leaves the slot and every count alone */
    fake_mem[33][0] = E(42, P | RW);
    fake_mem[33][1] = E(30, P | RW);
    pt_cursor_release(&c);
    snapshot();
    CHECK_REFUSED(mm_update_entry(&c, 30, 5, E(33, P), FAKE_DOM, &old, &why), XEN_EPERM);
    pt_cursor_release(&c);
    CHECK_UNCHANGED();
    put_page_and_type(30);
    CHECK_IDLE();
}

/* The linear page table: validation gives every L2 its own self-map in slot 1017, whatever
 * the frame held there (a value copied from another L2, a forged one), and devalidation takes
 * it out with the other hypervisor slots. The guest cannot write the slot. */
TEST(l2_validation_writes_its_own_self_map)
{
    start();
    fake_mem[30][ARCH_LINEAR_SLOT] = FAKE_LINEAR_PDE(31); /* copied from L2 31 */
    fake_mem[31][ARCH_LINEAR_SLOT] = E(40, P | RW | 4);   /* forged: a user-writable frame */
    CHECK_EQ(get_page_and_type(30, FT_L2, FAKE_DOM, &why), 0);
    CHECK_EQ(get_page_and_type(31, FT_L2, FAKE_DOM, &why), 0);
    CHECK_EQ(fake_mem[30][ARCH_LINEAR_SLOT], FAKE_LINEAR_PDE(30));
    CHECK_EQ(fake_mem[31][ARCH_LINEAR_SLOT], FAKE_LINEAR_PDE(31));
    CHECK_FRAME(40, 0, FT_NONE, 0); /* the forged entry took nothing */
    struct pt_cursor c = {0, 0};
    uint32_t old = 0xdead;
    snapshot();
    CHECK_REFUSED(
        mm_update_entry(&c, 30, ARCH_LINEAR_SLOT, FAKE_LINEAR_PDE(30), FAKE_DOM, &old, &why),
        XEN_EINVAL);
    CHECK_REFUSED(mm_update_entry(&c, 30, ARCH_LINEAR_SLOT, 0, FAKE_DOM, &old, &why), XEN_EINVAL);
    pt_cursor_release(&c);
    CHECK_UNCHANGED();
    CHECK_EQ(fake_mem[30][ARCH_LINEAR_SLOT], FAKE_LINEAR_PDE(30));
    put_page_and_type(30);
    put_page_and_type(31);
    CHECK_EQ(fake_mem[30][ARCH_LINEAR_SLOT], 0u); /* plain memory again: no hypervisor entries */
    CHECK_EQ(fake_mem[31][ARCH_LINEAR_SLOT], 0u);
    CHECK_IDLE();
}

/* Every store into an L2's guest slots tells the arch (arch_l2e_changed) which entry changed,
 * so the linear area's page of that entry is invalidated when the L2 is loaded: replacing,
 * emptying and filling an entry, through a single update and through a batch. A refused update
 * stores nothing and says nothing. (Without the call the invalidation count stays 0.) */
TEST(l2_entry_change_invalidates_linear)
{
    start();
    CHECK_EQ(get_page_and_type(31, FT_L1, FAKE_DOM, &why), 0);
    CHECK_EQ(get_page_and_type(32, FT_L1, FAKE_DOM, &why), 0);
    CHECK_EQ(get_page_and_type(30, FT_L2, FAKE_DOM, &why), 0);
    fake_loaded_l2 = 30;
    struct pt_cursor c = {0, 0};
    uint32_t old;
    CHECK_EQ(mm_update_entry(&c, 30, 7, E(31, P | RW), FAKE_DOM, &old, &why), 0);
    CHECK_EQ(fake_linear_invalidations, 1);
    CHECK_EQ(fake_linear_last_slot, 7);
    CHECK_EQ(mm_update_entry(&c, 30, 7, E(32, P | RW), FAKE_DOM, &old, &why), 0);
    CHECK_EQ(fake_linear_invalidations, 2);
    CHECK_REFUSED(mm_update_entry(&c, 30, 9, E(30, P | RW), FAKE_DOM, &old, &why), XEN_EINVAL);
    CHECK_EQ(fake_linear_invalidations, 2);
    const mmu_update_t req[3] = {
        {30u << 12 | 7 * 4, 0}, {30u << 12 | 8 * 4, E(31, P | RW)}, {MMU_RUN_END_PTR, 0}};
    unsigned done = 0;
    int replaced = 0;
    CHECK_EQ(mm_update_run(&c, req, 2, FAKE_DOM, &done, &replaced, &why), 0);
    CHECK_EQ(done, 2);
    CHECK_EQ(fake_linear_invalidations, 4);
    CHECK_EQ(fake_linear_last_slot, 8);
    /* An L2 that is not the loaded one: the hook is told, and nothing is invalidated. */
    fake_loaded_l2 = 29;
    CHECK_EQ(mm_update_entry(&c, 30, 8, 0, FAKE_DOM, &old, &why), 0);
    CHECK_EQ(fake_linear_last_l2, 30);
    CHECK_EQ(fake_linear_invalidations, 4);
    pt_cursor_release(&c);
    put_page_and_type(30);
    put_page_and_type(31);
    put_page_and_type(32);
    CHECK_IDLE();
}

/* update_va_mapping's linear-table path (mm_update_l1_slot) writes the slot it is given with
 * the same checks and references as the mapped-frame path. */
TEST(l1_slot_update_path)
{
    start();
    CHECK_EQ(get_page_and_type(10, FT_L1, FAKE_DOM, &why), 0);
    uint32_t old = 1;
    CHECK_EQ(mm_update_l1_slot(&fake_mem[10][5], E(31, P | RW), FAKE_DOM, &old, &why), 0);
    CHECK_EQ(old, 0u);
    CHECK_FRAME(31, 1, FT_WRITABLE, 1);
    snapshot();
    CHECK_REFUSED(mm_update_l1_slot(&fake_mem[10][6], E(10, P | RW), FAKE_DOM, &old, &why),
                  XEN_EPERM);
    CHECK_REFUSED(mm_update_l1_slot(&fake_mem[10][6], E(31, P | 0x80), FAKE_DOM, &old, &why),
                  XEN_EINVAL);
    CHECK_UNCHANGED();
    CHECK_EQ(mm_update_l1_slot(&fake_mem[10][5], 0, FAKE_DOM, &old, &why), 0);
    CHECK_EQ(old, E(31, P | RW));
    CHECK_FRAME(31, 0, FT_NONE, 0);
    put_page_and_type(10);
    CHECK_IDLE();
}

TEST(update_descriptor_table_refused)
{
    start();
    CHECK_EQ(get_page_and_type(20, FT_GDT, FAKE_DOM, &why), 0);
    CHECK_EQ(get_page_and_type(21, FT_LDT, FAKE_DOM, &why), 0);
    struct pt_cursor c = {0, 0};
    uint32_t old = 0xdead;
    snapshot();
    CHECK_REFUSED(mm_update_entry(&c, 20, 0, 0x1234, FAKE_DOM, &old, &why), XEN_EINVAL);
    CHECK_REFUSED(mm_update_entry(&c, 21, 7, 0x1234, FAKE_DOM, &old, &why), XEN_EINVAL);
    CHECK_EQ(old, 0xdead);
    pt_cursor_release(&c);
    CHECK_UNCHANGED();
    put_page_and_type(20);
    put_page_and_type(21);
    CHECK_IDLE();
}

TEST(update_plain_page)
{
    start();
    struct pt_cursor c = {0, 0};
    uint32_t old = 0;
    fake_mem[20][7] = 0x5555;
    /* Anything may be stored: it is not a table. */
    CHECK_EQ(mm_update_entry(&c, 20, 7, E(FAKE_MAX_MFN, P | RW | PAT | G), FAKE_DOM, &old, &why),
             0);
    CHECK_EQ(old, 0x5555u);
    CHECK_EQ(fake_mem[20][7], E(FAKE_MAX_MFN, P | RW | PAT | G));
    CHECK_FRAME(20, 0, FT_NONE, 0); /* the temporary writable type is gone */
    /* Already writable through a mapping: it stays so, with just that reference. */
    CHECK_EQ(l1e_get(E(21, P | RW), FAKE_DOM, &why), 0);
    CHECK_EQ(mm_update_entry(&c, 21, 1023, 0x77, FAKE_DOM, &old, &why), 0);
    CHECK_EQ(fake_mem[21][1023], 0x77u);
    CHECK_FRAME(21, 1, FT_WRITABLE, 1);
    l1e_put(E(21, P | RW));
    pt_cursor_release(&c);
    CHECK_IDLE();
    /* A frame the hypervisor writes is an ordinary page to store into. */
    frame_table[22].flags |= FF_HV_WRITES;
    CHECK_EQ(mm_update_entry(&c, 22, 0, 1, FAKE_DOM, &old, &why), 0);
    pt_cursor_release(&c);
    CHECK_FRAME(22, 0, FT_NONE, 0);
}

TEST(update_frame_not_owned_refused)
{
    start();
    frame_table[20].owner = OWNER_HV;
    frame_table[21].owner = OWNER_NONE;
    frame_table[22].owner = FAKE_DOM + 1;
    CHECK_EQ(get_page_and_type(22, FT_L1, FAKE_DOM + 1, &why), 0); /* another domain's L1 */
    struct pt_cursor c = {0, 0};
    uint32_t old = 0xdead;
    snapshot();
    uint32_t bad[] = {20, 21, 22, FAKE_MAX_MFN, FAKE_FRAMES - 1, 0xfffff};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK_REFUSED(mm_update_entry(&c, bad[i], 0, E(40, P), FAKE_DOM, &old, &why), XEN_EPERM);
    CHECK_EQ(old, 0xdead);
    pt_cursor_release(&c);
    CHECK_UNCHANGED();
}

TEST(update_run_stops_at_first_refusal)
{
    start();
    fake_mem[10][1] = E(40, P);
    CHECK_EQ(get_page_and_type(10, FT_L1, FAKE_DOM, &why), 0);
    mmu_update_t req[] = {
        {E(10, 0) | 0 << 2, E(41, P | RW)}, {E(10, 0) | 1 << 2, E(42, P)},
        {E(10, 0) | 2 << 2, E(10, P | RW)}, /* refused */
        {E(10, 0) | 3 << 2, E(43, P)},      {MMU_RUN_END_PTR, 0},
    };
    struct pt_cursor c = {0, 0};
    unsigned done = 99;
    int replaced = 0;
    CHECK_REFUSED(mm_update_run(&c, req, 4, FAKE_DOM, &done, &replaced, &why), XEN_EPERM);
    CHECK_EQ(done, 2);
    CHECK(replaced);                                /* entry 1 was present */
    CHECK_EQ(fake_map_calls - fake_unmap_calls, 1); /* one map for the whole run */
    pt_cursor_release(&c);
    CHECK_FRAME(41, 1, FT_WRITABLE, 1);
    CHECK_FRAME(40, 0, FT_NONE, 0);
    CHECK_FRAME(42, 1, FT_NONE, 0);
    CHECK_EQ(fake_mem[10][3], 0u);
    /* Stops, without error, at another command. */
    req[0].val = 0;
    req[1].ptr |= MMU_MACHPHYS_UPDATE;
    done = 99;
    replaced = 0;
    CHECK_EQ(mm_update_run(&c, req, 4, FAKE_DOM, &done, &replaced, &why), 0);
    CHECK_EQ(done, 1);
    CHECK(replaced);
    pt_cursor_release(&c);
    put_page_and_type(10);
    CHECK_IDLE();
}

/* ---- Random operations against a recount ---------------------------------------------------- */

/* Recount every reference from scratch: the holds the test took, plus what each entry of each
 * held L1 / L2 needs. The frame table must agree exactly. */
#define POOL 24u
static uint32_t hold_mfn[256];
static enum frame_type hold_type[256];
static unsigned nr_holds;

#define CHECK_RECOUNT() CALL(check_recount(__LINE__))
static void check_recount(int line)
{
    static uint32_t count[FAKE_FRAMES], type_count[FAKE_FRAMES];
    memset(count, 0, sizeof(count));
    memset(type_count, 0, sizeof(type_count));
    for (unsigned h = 0; h < nr_holds; h++) {
        count[hold_mfn[h]]++;
        type_count[hold_mfn[h]]++;
        if (frame_table[hold_mfn[h]].type != hold_type[h]) {
            harness_fail("line %d: held frame %u has type %u, not %u", line, hold_mfn[h],
                         frame_table[hold_mfn[h]].type, hold_type[h]);
            return;
        }
    }
    for (uint32_t t = 0; t < FAKE_FRAMES; t++) {
        const struct frame_info *f = &frame_table[t];
        if (!f->type_count || (f->type != FT_L1 && f->type != FT_L2))
            continue;
        if (!(f->flags & FF_VALIDATED)) {
            harness_fail("line %d: table %u held but not validated", line, t);
            return;
        }
        for (unsigned i = 0; i < (f->type == FT_L2 ? 1008u : 1024u); i++) {
            uint32_t e = fake_mem[t][i], m = e >> 12;
            if (!(e & P))
                continue;
            if (m >= FAKE_FRAMES) {
                harness_fail("line %d: table %u entry %u maps frame %u", line, t, i, m);
                return;
            }
            count[m]++;
            if (f->type == FT_L1 ? (e & RW) != 0 : m != t)
                type_count[m]++;
        }
    }
    for (uint32_t m = 0; m < FAKE_FRAMES; m++) {
        if (frame_table[m].count != count[m] || frame_table[m].type_count != type_count[m]) {
            harness_fail("line %d: frame %u is count %u type %u/%u, recount says %u/%u", line, m,
                         frame_table[m].count, frame_table[m].type, frame_table[m].type_count,
                         count[m], type_count[m]);
            return;
        }
    }
    if (fake_maps_live() != 0 || fake_error)
        harness_fail("line %d: %u maps live, fake error %s", line, fake_maps_live(),
                     fake_error ? fake_error : "none");
}

#ifndef RANDOM_SEED
#define RANDOM_SEED 12345u
#endif
static uint32_t rng_state;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return (rng_state >> 8) % n;
}

/* Frames 1-5 tend to be L2s, 6-13 L1s, 14-22 data (22 written by the hypervisor), 23 is not the
 * guest's; one choice in eight ignores the roles, so every mix is tried. */
static uint32_t random_frame(unsigned role)
{
    static const uint32_t first[] = {1, 6, 14}, n[] = {5, 8, 9};
    return rnd(8) ? first[role] + rnd(n[role]) : 1 + rnd(POOL - 1);
}

static unsigned role_of(uint32_t mfn)
{
    return mfn < 6 ? 0 : mfn < 14 ? 1 : 2;
}

static uint32_t random_entry(uint32_t table)
{
    static const uint32_t flags[] = {P, P | RW, P | RW, P | 0x60, 0,      0,   0,       P | RW,
                                     P, 0,      P,      0,        P | RW, 0x7, P | PAT, P | G};
    static const uint32_t far[] = {FAKE_MAX_MFN, 0xfffff, 23};
    unsigned role = role_of(table);
    uint32_t f = flags[rnd(16)];
    if (rnd(32) == 0)
        return E(far[rnd(3)], f);
    if (role == 0 && rnd(8) == 0)
        return E(table, P); /* linear self-map */
    return E(random_frame(role == 2 ? 2 : role + 1), f);
}

/* A batch through mm_update_run must end exactly as the same requests through mm_update_entry,
 * one at a time up to the first refusal: same memory, same frame table, same count done, same
 * error, same "a present entry was replaced". Starts from the state snapshot() saved. */
static struct frame_info run_table[FAKE_FRAMES];
static uint32_t run_mem[FAKE_FRAMES][1024];

#define CHECK_BATCH(req, n) CALL(check_batch(__LINE__, req, n))
static void check_batch(int line, const mmu_update_t *req, unsigned n)
{
    struct pt_cursor c = {0, 0};
    unsigned done_run = 99, done_one = 0;
    int rep_run = 0, rep_one = 0, err_run, err_one = 0;
    uint32_t clock0 = tlbflush_clock, clock_run;

    err_run = mm_update_run(&c, req, n, FAKE_DOM, &done_run, &rep_run, &why);
    pt_cursor_release(&c);
    clock_run = tlbflush_clock; /* the same flushes, at the same steps, one by one */
    tlbflush_clock = clock0;
    memcpy(run_table, frame_table, sizeof(run_table));
    memcpy(run_mem, fake_mem, sizeof(run_mem));
    memcpy(frame_table, snap_table, sizeof(snap_table));
    memcpy(fake_mem, snap_mem, sizeof(snap_mem));
    for (; done_one < n && (req[done_one].ptr & MMU_CMD_MASK) == MMU_NORMAL_PT_UPDATE; done_one++) {
        uint32_t old;
        err_one = mm_update_entry(&c, req[done_one].ptr >> 12, (req[done_one].ptr & 0xfff) >> 2,
                                  req[done_one].val, FAKE_DOM, &old, &why);
        if (err_one)
            break;
        rep_one |= old & P;
    }
    pt_cursor_release(&c);
    if (err_run != err_one || done_run != done_one || !rep_run != !rep_one ||
        clock_run != tlbflush_clock) {
        harness_fail("line %d: run gave %d after %u (replaced %d, clock %u), one by one %d after "
                     "%u (%d, clock %u)",
                     line, err_run, done_run, rep_run, clock_run, err_one, done_one, rep_one,
                     tlbflush_clock);
        return;
    }
    for (unsigned m = 0; m < FAKE_FRAMES; m++)
        if (memcmp(&run_table[m], &frame_table[m], sizeof(run_table[m])) != 0 ||
            memcmp(run_mem[m], fake_mem[m], sizeof(run_mem[m])) != 0) {
            harness_fail("line %d: frame %u differs between the run and one by one", line, m);
            return;
        }
}

TEST(random_operations_match_recount)
{
    static const unsigned slots[] = {0, 1, 2, 3, 767, 1007, 1008, 1023};
    start();
    frame_table[23].owner = OWNER_HV;
    frame_table[22].flags |= FF_HV_WRITES;
    nr_holds = 0;
    rng_state = RANDOM_SEED;
    /* [pin L1, pin L2, update L1, update L2, update other, batch][refused, done] */
    unsigned seen[6][2] = {{0}};
    for (unsigned step = 0; step < 20000; step++) {
        uint32_t old = 0xdead, mfn;
        unsigned op = rnd(10);
        int err;
        snapshot();
        if (op < 2 && nr_holds < 256) {
            enum frame_type t = rnd(2) ? FT_L1 : FT_L2;
            mfn = random_frame(t == FT_L2 ? 0 : 1);
            err = get_page_and_type(mfn, t, FAKE_DOM, &why);
            seen[t == FT_L2 ? 1 : 0][err == 0]++;
            if (!err) {
                hold_mfn[nr_holds] = mfn;
                hold_type[nr_holds++] = t;
            }
        } else if (op == 3) {
            /* A batch: runs on one table (mostly an L1), other tables, another command. */
            mmu_update_t req[13];
            unsigned n = 1 + rnd(12);
            mfn = random_frame(rnd(4) ? 1 : rnd(3));
            for (unsigned i = 0; i < n; i++) {
                if (rnd(4) == 0)
                    mfn = random_frame(rnd(4) ? 1 : rnd(3));
                req[i].ptr = E(mfn, 0) | slots[rnd(8)] << 2 | (rnd(24) ? 0 : MMU_MACHPHYS_UPDATE);
                req[i].val = random_entry(mfn);
            }
            req[n] = (mmu_update_t){MMU_RUN_END_PTR, 0};
            CHECK_BATCH(req, n);
            seen[5][memcmp(frame_table, snap_table, sizeof(snap_table)) != 0]++;
            err = 0;
        } else if (op == 2 && nr_holds && rnd(2)) {
            unsigned h = rnd(nr_holds);
            put_page_and_type(hold_mfn[h]);
            hold_mfn[h] = hold_mfn[--nr_holds];
            hold_type[h] = hold_type[nr_holds];
            err = 0;
        } else {
            struct pt_cursor c = {0, 0};
            unsigned idx = slots[rnd(8)];
            mfn = random_frame(rnd(3));
            unsigned kind = frame_table[mfn].type_count ? frame_table[mfn].type : FT_NONE;
            uint32_t val = random_entry(mfn);
            err = mm_update_entry(&c, mfn, idx, val, FAKE_DOM, &old, &why);
            seen[kind == FT_L1 ? 2 : kind == FT_L2 ? 3 : 4][err == 0]++;
            pt_cursor_release(&c);
            if (!err && (old != snap_mem[mfn][idx] || fake_mem[mfn][idx] != val)) {
                harness_fail("step %u: old_out 0x%x, slot held 0x%x, now 0x%x for 0x%x", step, old,
                             snap_mem[mfn][idx], fake_mem[mfn][idx], val);
                return;
            }
        }
        if (err) {
            CHECK(why != NULL);
            CHECK_UNCHANGED();
        }
        CHECK_RECOUNT();
    }
    for (unsigned k = 0; k < 6; k++) /* every path was taken, both ways */
        if (seen[k][0] < 20 || seen[k][1] < 20) {
            harness_fail("path %u ran only %u refused / %u done", k, seen[k][0], seen[k][1]);
            return;
        }
    while (nr_holds) {
        nr_holds--;
        put_page_and_type(hold_mfn[nr_holds]);
    }
    CHECK_IDLE();
}

/* ---- The TLB rule ----------------------------------------------------------------------- */

/* Frame 40 loses its last writable mapping (the entry in L1 10 is cleared): a TLB may still
 * hold it writable, so it may become a table only after a full flush -- one now, unless the
 * clock shows a flush since. */
TEST(tlb_writable_leftover_flushed_before_a_table_type)
{
    start();
    fake_mem[10][0] = E(40, P | RW);
    CHECK_EQ(get_page_and_type(10, FT_L1, FAKE_DOM, &why), 0);
    struct pt_cursor c = {0, 0};
    uint32_t old;
    CHECK_EQ(mm_update_entry(&c, 10, 0, 0, FAKE_DOM, &old, &why), 0);
    pt_cursor_release(&c);
    CHECK_FRAME(40, 0, FT_NONE, 0);
    CHECK(frame_table[40].flags & FF_TLB_WRITABLE);
    CHECK_EQ(fake_flushes, 0);
    CHECK_EQ(get_page_and_type(40, FT_L1, FAKE_DOM, &why), 0);
    CHECK_EQ(fake_flushes, 1);
    CHECK(!(frame_table[40].flags & FF_TLB_STALE));
    put_page_and_type(40);
    put_page_and_type(10);
    CHECK_IDLE();

    /* The same with a flush in between: none owed. */
    fake_mem[10][0] = E(41, P | RW);
    CHECK_EQ(get_page_and_type(10, FT_L1, FAKE_DOM, &why), 0);
    l1e_put(E(41, P | RW));
    fake_mem[10][0] = 0;
    arch_flush_tlb();
    unsigned flushes = fake_flushes;
    CHECK_EQ(get_page_and_type(41, FT_GDT, FAKE_DOM, &why), 0);
    CHECK_EQ(fake_flushes, flushes);
    put_page_and_type(41);
    put_page_and_type(10);
    CHECK_IDLE();
}

/* Writable again after writable: the leftover entries are legitimate, no flush. */
TEST(tlb_writable_after_writable_needs_no_flush)
{
    start();
    CHECK_EQ(l1e_get(E(42, P | RW), FAKE_DOM, &why), 0);
    l1e_put(E(42, P | RW));
    CHECK_EQ(l1e_get(E(42, P | RW), FAKE_DOM, &why), 0);
    CHECK_EQ(fake_flushes, 0);
    l1e_put(E(42, P | RW));
    CHECK_IDLE();
}

/* An L1 that was walked (hooked in an L2) and is dropped may still be cached as a paging
 * structure: writable (through the batch's inline path too) or an L2 only after a flush; an
 * L1 again needs none. */
TEST(tlb_table_leftover_flushed_before_another_type)
{
    start();
    fake_mem[30][0] = E(31, P | RW);
    CHECK_EQ(get_page_and_type(30, FT_L2, FAKE_DOM, &why), 0);
    put_page_and_type(30);
    CHECK(frame_table[31].flags & FF_TLB_L1);
    CHECK(frame_table[30].flags & FF_TLB_L2);
    CHECK_EQ(get_page_and_type(31, FT_L1, FAKE_DOM, &why), 0); /* an L1 again */
    CHECK_EQ(fake_flushes, 0);
    put_page_and_type(31);
    /* Mapped writable by a batch: the inline path must not skip the flush. */
    fake_mem[10][0] = 0;
    CHECK_EQ(get_page_and_type(10, FT_L1, FAKE_DOM, &why), 0);
    mmu_update_t req[2] = {{E(10, 0), E(31, P | RW)}, {MMU_RUN_END_PTR, 0}};
    struct pt_cursor c = {0, 0};
    unsigned done;
    int replaced = 0;
    CHECK_EQ(mm_update_run(&c, req, 1, FAKE_DOM, &done, &replaced, &why), 0);
    pt_cursor_release(&c);
    CHECK_EQ(done, 1);
    CHECK_EQ(fake_flushes, 1);
    CHECK_FRAME(31, 1, FT_WRITABLE, 1);
    /* The dropped L2 taken as an L1: a flush (the clock moved, so none is owed now). */
    CHECK_EQ(get_page_and_type(30, FT_L1, FAKE_DOM, &why), 0);
    CHECK_EQ(fake_flushes, 1);
    put_page_and_type(30);
    put_page_and_type(10);
    CHECK_IDLE();
}

/* update_va_mapping's one-entry path (mm_update_l1_entry) has the batch's inline checks: the
 * same refusals with nothing changed, the same TLB rule, the old entry's references dropped. */
TEST(single_l1_update_path)
{
    start();
    fake_mem[30][0] = E(31, P | RW);
    CHECK_EQ(get_page_and_type(30, FT_L2, FAKE_DOM, &why), 0);
    put_page_and_type(30); /* 31 leaves a walk as an L1 behind */
    CHECK(frame_table[31].flags & FF_TLB_L1);
    fake_mem[10][0] = 0;
    CHECK_EQ(get_page_and_type(10, FT_L1, FAKE_DOM, &why), 0);
    uint32_t old = 1;
    CHECK_EQ(mm_update_l1_entry(10, 5, E(31, P | RW), FAKE_DOM, &old, &why), 0);
    CHECK_EQ(old, 0);
    CHECK_EQ(fake_flushes, 1); /* the leftover walk flushed before the writable mapping */
    CHECK_FRAME(31, 1, FT_WRITABLE, 1);
    CHECK_EQ(fake_mem[10][5], E(31, P | RW));
    /* Refusals leave everything as it was. */
    snapshot();
    CHECK_REFUSED(mm_update_l1_entry(10, 6, E(31, P | RW | 0x10), FAKE_DOM, &old, &why),
                  XEN_EINVAL);
    CHECK_REFUSED(mm_update_l1_entry(10, 6, E(10, P | RW), FAKE_DOM, &old, &why), XEN_EPERM);
    CHECK_REFUSED(mm_update_l1_entry(10, 6, E(FAKE_FRAMES + 5, P), FAKE_DOM, &old, &why),
                  XEN_EPERM);
    frame_table[45].count = FRAME_COUNT_MAX;
    snapshot();
    CHECK_REFUSED(mm_update_l1_entry(10, 6, E(45, P), FAKE_DOM, &old, &why), XEN_EINVAL);
    CHECK_UNCHANGED();
    frame_table[45].count = 0;
    /* Replacing the writable entry drops its references. */
    CHECK_EQ(mm_update_l1_entry(10, 5, E(32, P), FAKE_DOM, &old, &why), 0);
    CHECK_EQ(old, E(31, P | RW));
    CHECK_FRAME(31, 0, FT_NONE, 0);
    CHECK_FRAME(32, 1, FT_NONE, 0);
    /* ... with the TLB rule's stamp: taken as an L1 now, the frame costs a flush. */
    CHECK(frame_table[31].flags & FF_TLB_WRITABLE);
    unsigned flushes = fake_flushes;
    CHECK_EQ(get_page_and_type(31, FT_L1, FAKE_DOM, &why), 0);
    CHECK_EQ(fake_flushes, flushes + 1);
    put_page_and_type(31);
    CHECK_EQ(mm_update_l1_entry(10, 5, 0, FAKE_DOM, &old, &why), 0);
    put_page_and_type(10);
    CHECK_IDLE();
}

/* The fast paths' frame bound is a compare of the whole entry against max_mfn << 12: frames
 * max_mfn and above (they exist in the fake, past max_mfn) are refused by all three L1 paths,
 * writable or not, with nothing changed; max_mfn - 1 is the last one taken. */
TEST(l1_entry_frame_bound)
{
    start();
    CHECK_EQ(get_page_and_type(10, FT_L1, FAKE_DOM, &why), 0);
    static const uint32_t bad[] = {FAKE_MAX_MFN, FAKE_MAX_MFN + 1, FAKE_FRAMES - 1, 0xfffffu};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        for (unsigned w = 0; w < 2; w++) {
            uint32_t val = E(bad[i], P | (w ? RW : 0)), old = 1;
            snapshot();
            CHECK(mm_update_l1_entry(10, 7, val, FAKE_DOM, &old, &why) < 0);
            CHECK_UNCHANGED();
            mmu_update_t req[2] = {{E(10, 0) | 7 << 2, val}, {MMU_RUN_END_PTR, 0}};
            struct pt_cursor c = {0, 0};
            unsigned done = 99;
            int replaced = 0;
            CHECK(mm_update_run(&c, req, 1, FAKE_DOM, &done, &replaced, &why) < 0);
            CHECK_EQ(done, 0);
            pt_cursor_release(&c);
            CHECK_UNCHANGED();
            fake_mem[11][3] = val; /* validation: l1_get_all */
            snapshot();
            CHECK(get_page_and_type(11, FT_L1, FAKE_DOM, &why) < 0);
            CHECK_UNCHANGED();
            fake_mem[11][3] = 0;
        }
    }
    uint32_t old = 1;
    CHECK_EQ(mm_update_l1_entry(10, 7, E(FAKE_MAX_MFN - 1, P | RW), FAKE_DOM, &old, &why), 0);
    CHECK_FRAME(FAKE_MAX_MFN - 1, 1, FT_WRITABLE, 1);
    CHECK_EQ(mm_update_l1_entry(10, 7, 0, FAKE_DOM, &old, &why), 0);
    put_page_and_type(10);
    CHECK_IDLE();
}

/* get_page_and_type's inline case (the frame already has the type) refuses what the general
 * path refuses: another owner, a count at its maximum, another type. */
TEST(typed_frame_fast_path_refusals)
{
    start();
    fake_mem[10][0] = 0;
    CHECK_EQ(get_page_and_type(10, FT_L1, FAKE_DOM, &why), 0);
    CHECK_EQ(get_page_and_type(10, FT_L1, FAKE_DOM, &why), 0); /* the inline case */
    CHECK_FRAME(10, 2, FT_L1, 2);
    snapshot();
    CHECK_REFUSED(get_page_and_type(10, FT_L2, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_REFUSED(get_page_and_type(10, FT_L1, FAKE_DOM + 1, &why), XEN_EPERM);
    frame_table[10].count = FRAME_COUNT_MAX;
    snapshot();
    CHECK_REFUSED(get_page_and_type(10, FT_L1, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_UNCHANGED();
    frame_table[10].count = 2;
    frame_table[10].type_count = FRAME_COUNT_MAX;
    snapshot();
    CHECK_REFUSED(get_page_and_type(10, FT_L1, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_UNCHANGED();
    frame_table[10].type_count = 2;
    put_page_and_type(10); /* the inline case */
    CHECK_FRAME(10, 1, FT_L1, 1);
    put_page_and_type(10);
    CHECK_IDLE();
}

/* An L2 whose entries validate L1s for the first time opens an interrupt window after each of
 * them (and after each L1 it devalidates for the last time); L1s already valid cost none. */
TEST(l2_validation_lets_interrupts_in)
{
    start();
    fake_mem[30][0] = E(31, P | RW);
    fake_mem[30][1] = E(32, P | RW);
    fake_mem[30][2] = E(31, P);
    CHECK_EQ(get_page_and_type(32, FT_L1, FAKE_DOM, &why), 0); /* already an L1 */
    unsigned w = fake_irq_windows;
    CHECK_EQ(get_page_and_type(30, FT_L2, FAKE_DOM, &why), 0);
    CHECK_EQ(fake_irq_windows - w, 1); /* 31 only */
    w = fake_irq_windows;
    put_page_and_type(30);
    CHECK_EQ(fake_irq_windows - w, 1); /* 31 devalidated; 32 stays an L1 */
    put_page_and_type(32);
    CHECK_IDLE();
}

/* ---- Counts never wrap ------------------------------------------------------------------ */

TEST(counts_refuse_to_pass_their_maximum)
{
    start();
    frame_table[45].count = FRAME_COUNT_MAX;
    snapshot();
    CHECK_REFUSED(l1e_get(E(45, P), FAKE_DOM, &why), XEN_EINVAL);
    CHECK_REFUSED(get_page(45, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_UNCHANGED();
    fake_mem[10][3] = E(45, P | RW);
    snapshot();
    CHECK_REFUSED(get_page_and_type(10, FT_L1, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_UNCHANGED();
    /* The batch's inline path refuses too. */
    fake_mem[10][3] = 0;
    CHECK_EQ(get_page_and_type(10, FT_L1, FAKE_DOM, &why), 0);
    snapshot();
    mmu_update_t req[2] = {{E(10, 0), E(45, P)}, {MMU_RUN_END_PTR, 0}};
    struct pt_cursor c = {0, 0};
    unsigned done;
    int replaced = 0;
    CHECK_REFUSED(mm_update_run(&c, req, 1, FAKE_DOM, &done, &replaced, &why), XEN_EINVAL);
    pt_cursor_release(&c);
    CHECK_EQ(done, 0);
    CHECK_UNCHANGED();
    put_page_and_type(10);
    frame_table[45].count = 0;
    /* The type count as well. */
    frame_table[46].count = 1;
    frame_table[46].type = FT_GDT;
    frame_table[46].type_count = FRAME_COUNT_MAX;
    snapshot();
    CHECK_REFUSED(get_page_type(46, FT_GDT, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_UNCHANGED();
}

/* DEBUG builds stop at a count that would go below zero (release builds ignore it). */
TEST(put_below_zero_asserts)
{
    start();
    jmp_buf jb;
    fake_panic_jump = &jb;
    if (setjmp(jb) == 0) {
        put_page(47);
        fake_panic_jump = 0;
        harness_fail("put_page of a frame with no reference did not assert");
        return;
    }
    CHECK(strstr(fake_panic_msg, "count > 0") != NULL);
    if (setjmp(jb) == 0) {
        put_page_type(47);
        fake_panic_jump = 0;
        harness_fail("put_page_type of a frame with no type reference did not assert");
        return;
    }
    fake_panic_jump = 0;
    CHECK(strstr(fake_panic_msg, "type_count > 0") != NULL);
}

TEST(cache_control_bits_refused)
{
    start();
    snapshot();
    CHECK_REFUSED(l1e_get(E(20, P | 0x10), FAKE_DOM, &why), XEN_EINVAL);
    CHECK_REFUSED(l1e_get(E(20, P | 0x08), FAKE_DOM, &why), XEN_EINVAL);
    fake_mem[31][0] = 0;
    CHECK_REFUSED(l2e_get(E(31, P | 0x10), 30, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_REFUSED(l2e_get(E(31, P | 0x08), 30, FAKE_DOM, &why), XEN_EINVAL);
    CHECK_UNCHANGED();
}

RUN_TESTS(T(l1_pin_and_last_put), T(none_writable_none), T(l2_pulls_l1s_up_and_down),
          T(l1_pinned_and_in_l2_outlives_the_l2), T(ldt_and_gdt_types),
          T(writable_entry_to_table_refused), T(l1_in_l2_mapping_that_l2_writable_refused),
          T(l1_entry_to_frame_not_owned_refused), T(pat_and_global_in_l1_entry_refused),
          T(pse_and_global_in_l2_entry_refused), T(l2_entry_to_bad_l1_gives_everything_back),
          T(full_l1_one_pass), T(l1_and_l2_types_exclusive_while_held),
          T(writable_frame_cannot_become_table), T(l2_self_map_writable_refused),
          T(l2_linear_self_map_accepted_and_released), T(l2_mapping_other_l2_refused),
          T(hv_written_frame_never_a_table), T(update_l1_entry), T(update_l2_entry),
          T(l2_validation_writes_its_own_self_map), T(l2_entry_change_invalidates_linear),
          T(l1_slot_update_path), T(update_descriptor_table_refused), T(update_plain_page),
          T(update_frame_not_owned_refused), T(update_run_stops_at_first_refusal),
          T(random_operations_match_recount), T(tlb_writable_leftover_flushed_before_a_table_type),
          T(tlb_writable_after_writable_needs_no_flush),
          T(tlb_table_leftover_flushed_before_another_type), T(counts_refuse_to_pass_their_maximum),
          T(put_below_zero_asserts), T(cache_control_bits_refused),
          T(l2_validation_lets_interrupts_in), T(single_l1_update_path),
          T(typed_frame_fast_path_refusals), T(l1_entry_frame_bound))
