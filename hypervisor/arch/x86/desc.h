/* x86 segment descriptors: encoding and the guest-descriptor checks of ABI §1. Pure logic. */
#ifndef X86_DESC_H
#define X86_DESC_H

#include <stdint.h>

/* Descriptor as two little-endian words: lo = bytes 0-3, hi = bytes 4-7. */
struct desc {
    uint32_t lo, hi;
};

/* Access byte pieces (bits 8-15 of hi). */
#define DESC_TYPE_DATA_RW 0x2u
#define DESC_TYPE_CODE_RX 0xau
#define DESC_S 0x10u /* code/data (not system) */
#define DESC_P 0x80u
#define DESC_DPL(n) (((n)&3u) << 5)
/* Flags nibble (bits 20-23 of hi). */
#define DESC_FLAG_DB 0x4u /* 32-bit */
#define DESC_FLAG_G 0x8u  /* 4 KB granularity */

/* Build a code/data or system descriptor: base, 20-bit limit, access byte, flags nibble. */
struct desc desc_make(uint32_t base, uint32_t limit20, uint8_t access, uint8_t flags);
uint32_t desc_base(struct desc d);
/* Limit in bytes minus one, granularity applied (0xFFFFFFFF for a full 4 GB segment). */
uint32_t desc_limit_bytes(struct desc d);

/* A valid guest code selector (ABI §1): RPL 1 and FLAT_RING1_CS, a GDT selector outside
 * entries 256-295, or an LDT selector. */
int sel_is_guest_code(uint16_t sel);

/*
 * Check (and fix up) a descriptor a guest supplies through set_gdt, update_descriptor or an
 * LDT. Not-present: accepted as is. DPL 0: refused. System descriptors: refused except a
 * 32-bit call gate (type 0xc) whose target selector is a valid guest code selector and whose
 * DPL is not 0. Code/data: base must be below 0xFC3FF000; the limit is truncated so the
 * segment ends at or below 0xFC400000 (expand-down data segments refused).
 * Returns 0 (with *d possibly rewritten) or -XEN_EPERM, with *why set.
 */
int desc_check_guest(struct desc *d, const char **why);

#endif
