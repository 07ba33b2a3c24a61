/* Page tables of process address spaces (kernel/mm/pgtable.c): reading them through the direct
 * map, making new L1s, and queueing entry updates for the hypervisor. */
#ifndef GUEST_PGTABLE_H
#define GUEST_PGTABLE_H

#include <stdint.h>
#include <linux/abi.h>
#include <pv/mmu.h>
#include <kernel/mm/vm.h>
#include <lib/string.h>

#define PT_L2E_USER (PTE_P | PTE_RW | PTE_US | PTE_A) /* an L2 entry for user L1s */
/* Walking the user half of an L2 (slots 0-767), skipping empty slots in one scan. */
#define FIRST_USER_SLOT(l2) ((unsigned)scan_nonzero32((l2), 0, KERNEL_L2_FIRST))
#define NEXT_USER_SLOT(l2, s) ((unsigned)scan_nonzero32((l2), (s) + 1, KERNEL_L2_FIRST))

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
int pt_set_now(struct mm *mm, uint32_t va, uint32_t pte);    /* one update, flushed */

#endif
