/*
 * Embedded symbol tables: the function names of an image, built at link time
 * (image/ksyms.sh, a second link) into a section of their own, .ksyms, so that crash and panic
 * reports name functions. The hypervisor and the guest kernel each carry one; the hypervisor
 * also finds the guest's in the guest image's section headers (for its guest crash reports).
 * Layout (little-endian, offsets from the start of the section, so it reads the same in memory
 * and in a file):
 *   u32 magic KSYMS_MAGIC; u32 count; u32 names (offset of the name strings)
 *   count x { u32 addr; u32 name (offset of a NUL-terminated string) }, sorted by addr
 *   the strings
 * Every field is checked on lookup: a guest's table is untrusted input.
 */
#ifndef LIB_KSYMS_H
#define LIB_KSYMS_H

#include <stddef.h>
#include <stdint.h>

#define KSYMS_MAGIC 0x4d59534bu /* "KSYM" */

/* The function holding addr: its name and addr's offset in it. 0, or -1 when the table is
 * malformed or addr lies before its first symbol. */
int ksym_lookup(const void *table, size_t len, uint32_t addr, const char **name, uint32_t *offset);

/* "name+0x1b" (or "?" when unknown) into buf. */
void ksym_format(const void *table, size_t len, uint32_t addr, char *buf, size_t size);

/* This image's own table, between the linker's __ksyms_start and __ksyms_end. */
extern const uint8_t __ksyms_start[], __ksyms_end[];

#endif
