/* x86 assembly of hv/uaccess.h, which includes it: core code reaches it only through there. */
#ifndef ASM_UACCESS_H
#define ASM_UACCESS_H

/*
 * Unchecked word accesses for the hot loops (multicall reads each entry and stores its
 * result): the caller has range-checked the whole area once (guest_range_readable /
 * _writable), only the fault fixup remains. Each is one instruction listed in the
 * exception-fixup table with a C label as its fixup, so an unmapped or read-only page jumps
 * to `fault` (with v unset) instead of faulting the hypervisor: the asm-goto form of
 * copy_from_guest / copy_to_guest.
 */
#define __get_guest_u32(v, src, fault)                                        \
    __asm__ goto("1: movl (%1), %0\n"                                         \
                 ".pushsection __ex_table, \"a\"\n.long 1b, %l2\n.popsection" \
                 : "=r"(v)                                                    \
                 : "r"(src)                                                   \
                 : "memory"                                                   \
                 : fault)
#define __put_guest_u32(dst, val, fault)                                      \
    __asm__ goto("1: movl %1, (%0)\n"                                         \
                 ".pushsection __ex_table, \"a\"\n.long 1b, %l2\n.popsection" \
                 :                                                            \
                 : "r"(dst), "r"(val)                                         \
                 : "memory"                                                   \
                 : fault)

#endif
