/* Page tables of process address spaces (kernel/mm/pgtable.c): reading them through the direct
 * map, making new L1s, and queueing entry updates for the hypervisor. */
#ifndef GUEST_PGTABLE_H
#define GUEST_PGTABLE_H

#include <stdint.h>
#include <linux/abi.h>
#include <pv/mmu.h>
#include <kernel/mm/vm.h>
#include <kernel/mm/page.h>
#include <kernel/mm/physmap.h>
#include <lib/string.h>

#define PT_L2E_USER (PTE_P | PTE_RW | PTE_US | PTE_A) /* an L2 entry for user L1s */
/* Walking the user half of an L2 (slots 0-767), skipping empty slots in one scan. */
#define FIRST_USER_SLOT(l2) ((unsigned)scan_nonzero32((l2), 0, KERNEL_L2_FIRST))
#define NEXT_USER_SLOT(l2, s) ((unsigned)scan_nonzero32((l2), (s) + 1, KERNEL_L2_FIRST))

/*
 * Which parts of a process's tables hold entries, kept where entries are set, so that the walks
 * of fork and exit read only those instead of scanning every empty entry (a tiny process's
 * tables are mostly empty: the scans were ~6,800 instructions of each fork and exit).
 *   - pt_used[pfn] of an L1 frame: bit c for entries [64c, 64c + 64) when one of them may not be
 *     zero. Set by every write of an entry (pt_queue_set, pt_set_now, fork's copy, which takes
 *     its parent's bits), cleared only when the frame becomes an L1 (pt_new_l1, fork_l1).
 *   - mm->l1_slots: bit s for each user L2 slot that holds an L1, and l1_words, bit w when
 *     l1_slots[w] is not zero. Set with the slot (pt_new_l1, mm_fork); an L1 stays until the
 *     address space goes.
 * A bit may name a part that is empty again (a cleared entry): the walk reads it for nothing.
 * None may be missing: fork would leave a writable page of the parent unprotected and shared.
 */
#define PT_CHUNK_SHIFT 6 /* 64 entries per bit of pt_used */

/* pt_used as a bit string (bit 16 pfn + c is bit c of pt_used[pfn]): one bts on the page-fault
 * path. */
static inline void pt_note_entry(uint32_t l1_pfn, unsigned idx)
{
    __asm__ volatile("btsl %1, (%0)"
                     :
                     : "r"(pt_used), "r"(l1_pfn * 16 + (idx >> PT_CHUNK_SHIFT))
                     : "memory", "cc");
}
static inline void pt_note_l1(struct mm *mm, unsigned slot)
{
    mm->l1_slots[slot >> 5] |= 1u << (slot & 31);
    mm->l1_words |= 1u << (slot >> 5);
}
/* Every user L2 slot s of mm that holds an L1, ascending (s declared here, a uint32_t). Two
 * nested loops: `continue` goes to the next slot; no `break`. */
#define PT_FOR_EACH_L1_SLOT(mm, s)                                                               \
    for (uint32_t pt_words_ = (mm)->l1_words; pt_words_; pt_words_ &= pt_words_ - 1)             \
        for (uint32_t pt_bits_ = (mm)->l1_slots[__builtin_ctz(pt_words_)], s = 0;                \
             pt_bits_ &&                                                                         \
             ((s) = 32 * (uint32_t)__builtin_ctz(pt_words_) + (uint32_t)__builtin_ctz(pt_bits_), \
             1);                                                                                 \
             pt_bits_ &= pt_bits_ - 1)
/* The first index from i of the L1 table l1 whose entry is not zero, or 1024, reading only the
 * chunks named by used (its pt_used). The dense case inline, as next_nonzero32 has it (a
 * resident set's full table costs one test per entry); the rest in pgtable.c. */
unsigned pt_next_entry_scan(const uint32_t *l1, uint32_t used, unsigned i);
static inline unsigned pt_next_entry(const uint32_t *l1, uint32_t used, unsigned i)
{
    return i < 1024 && l1[i] ? i : pt_next_entry_scan(l1, used, i);
}

uint32_t *pt_l2(const struct mm *mm);              /* read-only view */
uint32_t *pt_l1(const struct mm *mm, uint32_t va); /* read-only view of va's L1, or NULL */
uint32_t pt_l1_mfn(const struct mm *mm, uint32_t va);
/* The PTE mapping frame pfn for region flags (PROT_* bits): user unless PROT_NONE. */
uint32_t pt_user_pte(uint32_t pfn, uint32_t flags);
/* A new, empty L1 for va's 4 MB, protected and hooked into the L2 by queued requests: the caller
 * flushes, and until then may still write entries into it through the direct map. Its pfn, 0
 * when out of memory. */
uint32_t pt_new_l1(struct mm *mm, uint32_t va);
void pt_queue_set(struct mm *mm, uint32_t va, uint32_t pte); /* va's L1 must exist */
/* One update, flushed; l1 is va's L1 (pt_l1, not NULL). */
int pt_set_now(struct mm *mm, const uint32_t *l1, uint32_t va, uint32_t pte);

#endif
