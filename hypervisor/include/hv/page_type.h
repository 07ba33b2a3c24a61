/* Page types and reference counts (ABI §7); the invariants are in core/page_type.c. */
#ifndef HV_PAGE_TYPE_H
#define HV_PAGE_TYPE_H

#include <stdint.h>
#include "hv/frame.h"

/* Each returns 0 or a negative XEN_E* with *why; a refusal takes no reference. */
int get_page(uint32_t mfn, uint16_t dom, const char **why);
void put_page(uint32_t mfn);
int get_page_type(uint32_t mfn, enum frame_type t, uint16_t dom, const char **why);
void put_page_type(uint32_t mfn);
int get_page_and_type(uint32_t mfn, enum frame_type t, uint16_t dom, const char **why);
void put_page_and_type(uint32_t mfn);

/* References held by one entry of a validated L1 / L2 (self_mfn: the L2 itself). */
int l1e_get(uint32_t pte, uint16_t dom, const char **why);
void l1e_put(uint32_t pte);
int l2e_get(uint32_t pde, uint32_t self_mfn, uint16_t dom, const char **why);
void l2e_put(uint32_t pde, uint32_t self_mfn);

/* Write entry idx of a guest frame, checked by the frame's current type (L1 or L2 entry rules,
 * or a plain store into an ordinary page); *old_out gets the value replaced. */
int mm_update_entry(uint32_t table_mfn, unsigned idx, uint32_t val, uint16_t dom, uint32_t *old_out,
                    const char **why);

/* Arch hook: check all descriptors of a would-be LDT frame. */
int arch_validate_ldt_frame(uint32_t mfn, const char **why);

#endif
