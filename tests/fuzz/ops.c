/*
 * The fuzzer's operations: each builds one request (a hypercall number and its arguments),
 * says whether the ABI's rules demand a refusal, and how the model follows a success. A step
 * issues one request directly or several in one multicall; mmu_update requests come one or
 * several to a batch, pins and unpins between the updates.
 *
 * Arguments are biased to what breaks hypervisors: the fuzzer's own frames and its page-table
 * frames, the boot L2 and kernel L1, another's frame, the hypervisor's addresses and the M2P, page
 * ends, huge counts, every command number. Pointers handed to the hypervisor are never the
 * fuzzer's own writable memory (but for the junk page): a random hypercall must not scribble on
 * its code or its model.
 */
#include <pv/console.h>
#include <pv/hypercall.h>
#include <pv/mmu.h>
#include "frames.h"
#include "hcfuzz.h"

#define MAX_BATCH 8 /* mmu_update requests in one call */
#define MAX_MC 12   /* entries in one multicall */

enum req_kind { R_MMU, R_UVM, R_GDT, R_DESC, R_RANDOM, R_NESTED };

struct mmu_req {
    int f; /* pool frame whose word e it writes, or -1 */
    unsigned e;
    int slot; /* boot L2 fuzz slot it writes, or -1 */
    int pin;  /* pool frame it pins (level in pin_level) or unpins (0), or -1 */
    unsigned pin_level;
    int must_fail;
};

struct req {
    enum req_kind kind;
    uint32_t op, a[5];
    int must_fail; /* the ABI demands a refusal */
    /* R_MMU */
    unsigned n;
    mmu_update_t u[MAX_BATCH];
    struct mmu_req m[MAX_BATCH];
    uint32_t done;
    /* R_UVM, R_DESC: the pool frame and word it writes */
    int f;
    unsigned e;
    uint32_t val, val2;
    /* R_GDT */
    uint32_t gdt[2];
    unsigned gdt_n;
    int bad; /* R_MMU: a request list the hypervisor cannot read */
};

static struct req reqs[MAX_MC];
static multicall_entry_t mc[MAX_MC + 1];

/* ---- Values ---- */

/* An address the guest cannot read: the hypervisor's own, above the M2P (which it can). */
static uint32_t unreadable(void)
{
    return GUEST_SEGMENT_END + rnd_below(0xFFFFF000u - GUEST_SEGMENT_END);
}

static uint32_t any_mfn(void)
{
    switch (rnd_below(12)) {
    case 0:
        return W.l2_mfn;
    case 1:
        return W.kernel_l1_mfn;
    case 2:
        return W.junk_mfn; /* writable already: a mapping does not change its type */
    case 3:
        return W.foreign_mfn;
    case 4:
        return W.max_mfn + rnd_below(3);
    case 5:
        return rnd_below(2) ? 0 : 0xfffff;
    case 6:
        return W.shared_mfn;
    default:
        return W.pool_mfn[rnd_below(NPOOL)];
    }
}

static int foreign(uint32_t mfn)
{
    return mfn == W.foreign_mfn || mfn >= W.max_mfn || mfn == 0 || mfn == 0xfffff;
}

static uint32_t pte_flags(void)
{
    static const uint32_t bits[] = {
        PTE_P,         PTE_RW,        PTE_US,         PTE_A,
        PTE_D,         0x8 /* PWT */, 0x10 /* PCD */, 0x80 /* PAT/PSE */,
        0x100 /* G */, 0xe00};
    uint32_t v = PTE_P | (chance(60) ? PTE_RW : 0) | (chance(50) ? PTE_US : 0) | PTE_A;
    if (chance(10))
        v |= bits[rnd_below(sizeof(bits) / sizeof(bits[0]))];
    if (chance(5))
        v &= ~PTE_P;
    return v;
}

static uint32_t pte_value(void)
{
    if (chance(15))
        return 0;
    if (chance(3)) /* any flags; any frame would be one the model does not know */
        return any_mfn() << 12 | (rnd() & 0xfff);
    return any_mfn() << 12 | pte_flags();
}

/* An entry that must be refused wherever it is written: another's frame, or refused bits. */
static int pte_refused(uint32_t v)
{
    return (v & PTE_P) && foreign(v >> 12);
}

/* A value for a random argument: interesting, never the fuzzer's own writable memory. */
static uint32_t arg_value(void)
{
    static const uint32_t v[] = {0,          1,          2,          3,          4,
                                 0x7f,       0x80,       0xff,       0x100,      0xfff,
                                 0x1000,     0x1001,     0xffff,     0x10000,    0x7fffffff,
                                 0x80000000, 0xfffffffe, 0xffffffff, 0xFC000000, 0xFC3FFFFC,
                                 0xFC400000, 0xFF000000, 0xFFFFF000, 0x3ffffff,  0x40000000};
    switch (rnd_below(8)) {
    case 0:
        return W.junk + rnd_below(4096);
    case 1:
        return W.junk + 4096 - rnd_below(16); /* runs into the unmapped page */
    case 2:
        return (uint32_t)W.boot_l2 + rnd_below(4096); /* read-only */
    case 3:
        return any_mfn() << (chance(50) ? 12 : 0);
    case 4: {
        uint32_t r = rnd();
        if ((r >= 0xC0000000u && r < 0xC0400000u) || (r >= 0x00400000u && r < 0x01400000u))
            r ^= 0x80000000u; /* not the kernel's memory nor the window */
        return r;
    }
    default:
        return v[rnd_below(sizeof(v) / sizeof(v[0]))];
    }
}

/* ---- Requests ---- */

static void add_mmu(struct req *r)
{
    unsigned i = r->n++;
    struct mmu_req *m = &r->m[i];
    mmu_update_t *u = &r->u[i];
    m->f = m->slot = m->pin = -1;
    m->must_fail = 0;
    switch (rnd_below(16)) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
    case 5: { /* a word of a pool frame */
        m->f = (int)rnd_below(NPOOL);
        m->e = rnd_below(NE);
        u->ptr = W.pool_mfn[m->f] << 12 | m->e * 4;
        u->val = pte_value();
        break;
    }
    case 6:
    case 7: { /* a fuzz slot of the boot L2: a pool frame, the L2 itself, the kernel L1 */
        m->slot = (int)rnd_below(NSLOT);
        u->ptr = W.l2_mfn << 12 | (SLOT0 + m->slot) * 4;
        u->val = chance(20) ? 0 : pte_value();
        /* Never the kernel's own L1: a later update_va_mapping there would map over the
         * fuzzer's code. Another's frame instead. */
        if ((u->val >> 12) == W.kernel_l1_mfn)
            u->val = W.foreign_mfn << 12 | (u->val & 0xfff);
        m->must_fail = pte_refused(u->val) || ((u->val >> 12) == W.l2_mfn &&
                                               (u->val & (PTE_P | PTE_RW)) == (PTE_P | PTE_RW));
        break;
    }
    case 8:
    case 9:
    case 10: { /* pin or unpin */
        int f = (int)rnd_below(NPOOL);
        uint32_t mfn = chance(90) ? W.pool_mfn[f] : W.foreign_mfn; /* not the kernel's tables */
        unsigned cmd = rnd_below(3);
        u->ptr = mfn << 12 | MMU_EXTENDED_COMMAND;
        u->val = cmd == 0   ? MMUEXT_PIN_L1_TABLE
                 : cmd == 1 ? MMUEXT_PIN_L2_TABLE
                            : MMUEXT_UNPIN_TABLE;
        int p = pool_index(mfn);
        if (p >= 0) { /* refused or not depends on the state then: follow() predicts */
            m->pin = p;
            m->pin_level = cmd == 2 ? 0 : cmd + 1;
        } else {
            m->must_fail = foreign(mfn);
        }
        break;
    }
    case 11: { /* refused targets: another's frame, the hypervisor's slots */
        if (chance(50)) {
            u->ptr = any_mfn() << 12 | rnd_below(1024) * 4;
            m->must_fail = foreign(u->ptr >> 12);
            if (!m->must_fail) { /* own frame, random word: only the harmless ones */
                u->ptr = W.foreign_mfn << 12;
                m->must_fail = 1;
            }
        } else {
            u->ptr = W.l2_mfn << 12 | (HYPERVISOR_L2_FIRST_SLOT + rnd_below(16)) * 4;
            m->must_fail = 1;
        }
        u->val = pte_value();
        break;
    }
    case 12: /* flushes */
        if (chance(50)) {
            u->ptr = MMU_EXTENDED_COMMAND;
            u->val = MMUEXT_TLB_FLUSH;
        } else {
            u->ptr = (arg_value() & ~3u) | MMU_EXTENDED_COMMAND;
            u->val = MMUEXT_INVLPG;
        }
        break;
    case 13: { /* SET_LDT: empty, in the hypervisor's space, or where nothing is mapped (an LDT
                * over the pool's frames is not in the model) */
        uint32_t ents = rnd_below(3) == 0 ? 0 : 1 + (chance(50) ? rnd_below(64) : rnd_below(8192));
        uint32_t va = ents == 0    ? arg_value()
                      : chance(50) ? HYPERVISOR_VIRT_START + rnd_below(0x4000000)
                                   : 0x02000000u + rnd_below(0x400000);
        u->ptr = (va & ~3u) | MMU_EXTENDED_COMMAND;
        u->val = MMUEXT_SET_LDT | ents << 8;
        m->must_fail = ents && (va & ~3u) >= HYPERVISOR_VIRT_START;
        break;
    }
    case 14: { /* M2P of an own frame (put back right after) or another's */
        int f = (int)rnd_below(NPOOL);
        uint32_t mfn = chance(80) ? W.pool_mfn[f] : W.foreign_mfn;
        u->ptr = mfn << 12 | MMU_MACHPHYS_UPDATE;
        u->val = mfn == W.foreign_mfn ? rnd() : W.pool_pfn[f];
        m->must_fail = mfn == W.foreign_mfn;
        break;
    }
    default: /* NEW_BASEPTR: only where it must fail, or to the L2 in use */
        if (chance(30)) {
            u->ptr = W.l2_mfn << 12 | MMU_EXTENDED_COMMAND;
        } else {
            u->ptr = (chance(50) ? W.foreign_mfn : W.junk_mfn) << 12 | MMU_EXTENDED_COMMAND;
            m->must_fail = 1;
        }
        u->val = MMUEXT_NEW_BASEPTR;
        break;
    }
    if (rnd_below(200) == 0) { /* command 1 does not exist */
        u->ptr = (u->ptr & ~3u) | 1;
        m->must_fail = 1;
        m->f = m->slot = m->pin = -1;
    }
    if (m->must_fail)
        r->must_fail = 1;
}

static void make_req(struct req *r, int in_multicall)
{
    r->kind = R_RANDOM;
    r->must_fail = 0;
    r->n = 0;
    r->f = -1;
    for (int i = 0; i < 5; i++)
        r->a[i] = 0;
    switch (rnd_below(in_multicall ? 21 : 20)) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
    case 7: { /* mmu_update */
        r->kind = R_MMU;
        r->op = __HYPERVISOR_mmu_update;
        unsigned n = chance(60) ? 1 : 1 + rnd_below(MAX_BATCH);
        for (unsigned i = 0; i < n; i++)
            add_mmu(r);
        r->done = 0xdeadbeef;
        r->a[0] = (uint32_t)r->u;
        r->a[1] = r->n;
        r->a[2] = (uint32_t)&r->done;
        r->bad = chance(3);
        if (r->bad) { /* unreadable requests, huge counts, a read-only success count */
            r->a[0] = chance(50) ? unreadable() : W.junk + 4096 - 4;
            r->a[1] = chance(50) ? 0x40000000 + rnd() : rnd();
            r->must_fail = 1;
        }
        break;
    }
    case 8:
    case 9:
    case 10: { /* update_va_mapping in the window */
        unsigned s = rnd_below(NSLOT), e = rnd_below(NE);
        r->kind = R_UVM;
        r->op = __HYPERVISOR_update_va_mapping;
        r->val = pte_value();
        r->a[0] = chance(50) ? slot_va(s, e) >> 12 : slot_va(s, e);
        r->a[1] = r->val;
        r->a[2] = rnd_below(4) | (chance(5) ? rnd() & ~3u : 0);
        r->f = (int)s; /* the slot: follow() looks at what it holds then */
        r->e = e;
        r->must_fail = pte_refused(r->val);
        if (chance(5)) { /* the hypervisor's space */
            r->a[0] = 0xFC000 + rnd_below(0x4000);
            r->f = -1;
            r->must_fail = 1;
        }
        break;
    }
    case 11:
    case 12: { /* set_gdt */
        r->kind = R_GDT;
        r->op = __HYPERVISOR_set_gdt;
        r->gdt_n = 1 + rnd_below(2);
        for (unsigned i = 0; i < r->gdt_n; i++)
            r->gdt[i] = chance(80)   ? W.pool_mfn[rnd_below(NPOOL)]
                        : chance(50) ? W.home_gdt_mfn
                                     : any_mfn();
        for (unsigned i = 0; i < r->gdt_n; i++) /* validation may rewrite its descriptors */
            if (r->gdt[i] == W.text_mfn)
                r->gdt[i] = W.foreign_mfn;
        uint32_t ents = chance(70) ? 1 + rnd_below(r->gdt_n * 512) : arg_value();
        r->a[0] = (uint32_t)r->gdt;
        r->a[1] = ents;
        r->must_fail = ents == 0 || ents > 16 * 512;
        if (chance(3)) { /* a list it cannot read */
            r->a[0] = chance(50) ? unreadable() : W.junk + 4096;
            r->must_fail = 1;
        }
        for (unsigned i = 0; i < (ents + 511) / 512 && i < r->gdt_n; i++)
            r->must_fail |= foreign(r->gdt[i]);
        break;
    }
    case 13:
    case 14: { /* update_descriptor into a pool frame (or elsewhere) */
        static const uint32_t hi[] = {0x00cfba00, 0x00cfb200, 0x00cf9a00, 0x00cff200,
                                      0x0000e500, 0x0000ec00, 0x00408900, 0};
        r->kind = R_DESC;
        r->op = __HYPERVISOR_update_descriptor;
        int f = (int)rnd_below(NPOOL);
        unsigned k = rnd_below(NE / 2);
        r->f = chance(90) ? f : -1;
        r->e = 2 * k;
        r->val = chance(70) ? 0x0000ffff : rnd();
        r->val2 = chance(80) ? hi[rnd_below(8)] : rnd();
        r->a[0] = r->f >= 0 ? W.pool_mfn[f] << 12 | k * 8 : any_mfn() << 12 | (rnd_below(512) * 8);
        if (chance(3))
            r->a[0] |= 1 + rnd_below(7), r->f = -1, r->must_fail = 1;
        r->a[1] = r->val;
        r->a[2] = r->val2;
        if (r->f < 0 && foreign(r->a[0] >> 12))
            r->must_fail = 1;
        if (r->f < 0 && !r->must_fail) /* own non-pool frame: only where refused */
            r->a[0] = W.l2_mfn << 12, r->must_fail = 1;
        break;
    }
    case 20: /* a nested multicall entry: refused in its slot */
        r->kind = R_NESTED;
        r->op = __HYPERVISOR_multicall;
        r->a[0] = arg_value();
        r->a[1] = arg_value();
        r->must_fail = 1;
        break;
    default: { /* any other call, any arguments (but the few that would end the fuzzer) */
        static const uint32_t nrs[] = {3,  5,  6,  7,  8,  9,  11, 12,  15,        16,
                                       17, 19, 20, 21, 22, 23, 31, 255, 0x80000001};
        r->op = nrs[rnd_below(sizeof(nrs) / sizeof(nrs[0]))];
        for (int i = 0; i < 5; i++)
            r->a[i] = arg_value();
        if (r->op == __HYPERVISOR_sched_op) /* yield, or a command that does not exist */
            r->a[0] = chance(50) ? SCHEDOP_yield : 3 + rnd_below(250);
        if (r->op == __HYPERVISOR_set_debugreg && r->a[0] >= 4) /* no breakpoint enabled */
            r->a[1] = chance(50) ? 0 : r->a[1] | 0x2000;
        if (r->op % NR_HYPERCALLS == __HYPERVISOR_mmu_update) {
            /* Numbers are taken modulo 32 (ABI §2): 0x80000001 is mmu_update, whose requests,
             * read from wherever a random pointer lands (the boot L2's words, say), would do
             * what the model cannot follow: seed 340116564 had the boot L2's entries read as
             * requests pin the kernel's L1. A list past the guest's segments instead: -EFAULT,
             * which also shows the modulo rule (an unknown number answers -ENOSYS). No random
             * number is drawn here, so every other step of a seed stays what it was. */
            r->a[0] = GUEST_SEGMENT_END;
            r->a[1] |= 1;
            r->must_fail = 1;
        }
        if (r->op == __HYPERVISOR_dom_mem_op) /* never give frames away */
            r->a[1] = unreadable();
        if (r->op == __HYPERVISOR_set_fast_trap && chance(50))
            r->a[0] = 0x80;
        if (r->op == __HYPERVISOR_update_va_mapping_otherdomain) /* never the fuzzer's pages */
            r->a[0] = 0xFC000 + rnd_below(0x4000);
        break;
    }
    }
}

/* What the hypervisor stores for a descriptor it accepted: a present code or data segment that
 * would reach past GUEST_SEGMENT_END has its limit cut to end there (ABI §1, segment limits). */
static void stored_descriptor(uint32_t *lo, uint32_t *hi)
{
    if (!(*hi & 0x8000) || !(*hi & 0x1000))
        return;
    uint32_t base = *lo >> 16 | (*hi & 0xff) << 16 | (*hi & 0xff000000);
    uint64_t bytes = (*lo & 0xffff) | (*hi & 0xf0000);
    if (*hi & 0x800000)
        bytes = bytes << 12 | 0xfff;
    if ((uint64_t)base + bytes + 1 <= GUEST_SEGMENT_END)
        return;
    uint32_t room = GUEST_SEGMENT_END - base;
    uint32_t limit20 = (*hi & 0x800000) ? (room >> 12) - 1 : room - 1;
    *lo = (*lo & 0xffff0000u) | (limit20 & 0xffff);
    *hi = (*hi & ~0xf0000u) | (limit20 & 0xf0000);
}

/* The model follows request r given its result rc (and, for mmu_update, done). */
static void follow(struct req *r, int32_t rc)
{
    if (r->must_fail && rc >= 0 && r->kind != R_MMU) {
        diverge("call %u (%#x %#x %#x) succeeded; the ABI demands a refusal", r->op, r->a[0],
                r->a[1], r->a[2]);
        return;
    }
    switch (r->kind) {
    case R_MMU: {
        if (r->bad && rc >= 0) {
            diverge("mmu_update with requests at %#x, count %#x, success count at %#x returned "
                    "%d",
                    r->a[0], r->a[1], r->a[2], rc);
            return;
        }
        if (r->bad)
            return;
        uint32_t done = r->done;
        if (rc == 0)
            done = r->n;
        if (done > r->n || (rc == 0) != (done == r->n)) {
            diverge("mmu_update of %u returned %d with %u done", r->n, rc, done);
            return;
        }
        for (unsigned i = 0; i < done; i++) {
            struct mmu_req *m = &r->m[i];
            if (m->pin >= 0) /* unpin of an unpinned frame, pin of a pinned one */
                m->must_fail |= m->pin_level ? M.pin[m->pin] != 0 : M.pin[m->pin] == 0;
            if (m->must_fail) {
                diverge("mmu_update request %u (%#x, %#x) succeeded; the ABI demands a refusal", i,
                        r->u[i].ptr, r->u[i].val);
                return;
            }
            if (m->f >= 0)
                model_apply_pte(m->f, m->e, r->u[i].val);
            if (m->slot >= 0)
                model_apply_slot((unsigned)m->slot, r->u[i].val);
            if (m->pin >= 0)
                model_apply_pin(m->pin, m->pin_level);
        }
        break;
    }
    case R_UVM: {
        if (r->f < 0)
            break;
        uint32_t l2e = M.slot[r->f];
        int l1 = pool_index(l2e >> 12);
        if (!(l2e & PTE_P) && rc >= 0) {
            diverge("update_va_mapping(%#x, %#x) succeeded where no L1 is hooked", r->a[0], r->val);
            return;
        }
        if (rc == 0 && (l1 < 0 || M.slot_kind[r->f] != 1)) {
            diverge("update_va_mapping(%#x, %#x) succeeded through L2 entry %#x, not an L1's",
                    r->a[0], r->val, l2e);
            return;
        }
        if (rc == 0)
            model_apply_pte(l1, r->e, r->val);
        break;
    }
    case R_GDT:
        if (rc == 0) {
            for (int f = 0; f < NPOOL; f++)
                M.gdt[f] = 0;
            M.home_gdt = 0;
            for (unsigned i = 0; i < (r->a[1] + 511) / 512 && i < r->gdt_n; i++) {
                int f = pool_index(r->gdt[i]);
                M.home_gdt |= r->gdt[i] == W.home_gdt_mfn;
                if (f < 0)
                    continue;
                M.gdt[f] = 1;
                /* Validation stores each descriptor of the frame (all 512, not only the
                 * entries asked for) as update_descriptor would. */
                for (unsigned k = 0; k < NE / 2; k++)
                    stored_descriptor(&M.content[f][2 * k], &M.content[f][2 * k + 1]);
            }
        }
        break;
    case R_DESC:
        if (rc == 0 && r->f >= 0) {
            uint32_t lo = r->val, hi = r->val2;
            stored_descriptor(&lo, &hi);
            M.content[r->f][r->e] = lo;
            M.content[r->f][r->e + 1] = hi;
            M.kind[r->f][r->e] = M.kind[r->f][r->e + 1] = 0;
        }
        break;
    default:
        if (r->op % NR_HYPERCALLS == __HYPERVISOR_mmu_update && rc != -XEN_EFAULT)
            diverge("call %#x (mmu_update, the number taken modulo 32) with an unreadable list "
                    "returned %d, not -EFAULT",
                    r->op, rc);
        break;
    }
}

static void trace(const char *how, const struct req *r, int32_t rc)
{
    if (W.op < W.trace_from || W.op > W.trace_to)
        return;
    printk("fuzz: op %u %s call %u (%#x %#x %#x %#x) -> %d", W.op, how, r->op, r->a[0], r->a[1],
           r->a[2], r->a[3], rc);
    for (unsigned i = 0; r->kind == R_MMU && !r->bad && i < r->n; i++)
        printk(" [%#x %#x]", r->u[i].ptr, r->u[i].val);
    for (unsigned i = 0; r->kind == R_GDT && i < r->gdt_n; i++)
        printk(" frame %#x", r->gdt[i]);
    printk(r->kind == R_MMU && !r->bad ? " done %u\n" : "\n", r->done);
}

static int32_t issue(struct req *r)
{
    W.calls++;
    return hypercall5(r->op, r->a[0], r->a[1], r->a[2], r->a[3], r->a[4]);
}

void fuzz_one(void)
{
    if (chance(75)) {
        make_req(&reqs[0], 0);
        int32_t rc = issue(&reqs[0]);
        trace("direct", &reqs[0], rc);
        follow(&reqs[0], rc);
        return;
    }
    unsigned n = rnd_below(MAX_MC + 1);
    for (unsigned i = 0; i < n; i++) {
        make_req(&reqs[i], 1);
        mc[i].op = reqs[i].op;
        for (int j = 0; j < 5; j++)
            mc[i].args[j] = reqs[i].a[j];
        mc[i].args[5] = 0xdeadbeef;
    }
    uint32_t list = (uint32_t)mc, count = n;
    int bad = chance(3);
    if (bad) { /* a list the hypervisor cannot read */
        list = chance(50) ? unreadable() : W.junk + 4096;
        count = 1 + (chance(50) ? rnd_below(16) : rnd());
    }
    W.calls += 1 + (bad ? 0 : n);
    int32_t rc = hypercall3(__HYPERVISOR_multicall, list, count, 0);
    if (bad) {
        if (rc >= 0)
            diverge("multicall of an unreadable or read-only list returned %d", rc);
        return;
    }
    if (rc != 0) {
        diverge("multicall of %u returned %d", n, rc);
        return;
    }
    for (unsigned i = 0; i < n && !W.diverged; i++) {
        trace("multicall", &reqs[i], (int32_t)mc[i].args[5]);
        follow(&reqs[i], (int32_t)mc[i].args[5]);
    }
}
