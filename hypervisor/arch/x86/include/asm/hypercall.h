/* x86 assembly of hv/hypercall.h, which includes it: core code reaches it only through there. */
#ifndef ASM_HYPERCALL_H
#define ASM_HYPERCALL_H

/* result = fn(the five argument words of the multicall entry at guest address e), pushed
 * straight from guest memory (the caller has range-checked the entry); jumps to `fault`
 * without calling fn when one cannot be read (each push's fixup drops what was pushed). The
 * i386 cdecl call, a macro so that it inlines into the multicall loop. */
#define arch_hypercall_entry(result, fn, e, fault)                 \
    __asm__ goto("1: pushl 20(%1)\n"                               \
                 "2: pushl 16(%1)\n"                               \
                 "3: pushl 12(%1)\n"                               \
                 "4: pushl 8(%1)\n"                                \
                 "5: pushl 4(%1)\n"                                \
                 "call *%2\n"                                      \
                 "add $20, %%esp\n"                                \
                 ".pushsection .text.unlikely\n"                   \
                 "6: add $16, %%esp\n"                             \
                 "jmp %l3\n"                                       \
                 "7: add $12, %%esp\n"                             \
                 "jmp %l3\n"                                       \
                 "8: add $8, %%esp\n"                              \
                 "jmp %l3\n"                                       \
                 "9: add $4, %%esp\n"                              \
                 "jmp %l3\n"                                       \
                 ".popsection\n"                                   \
                 ".pushsection __ex_table, \"a\"\n"                \
                 ".long 1b, %l3, 2b, 9b, 3b, 8b, 4b, 7b, 5b, 6b\n" \
                 ".popsection"                                     \
                 : "=a"(result)                                    \
                 : "S"(e), "b"(fn)                                 \
                 : "ecx", "edx", "memory", "cc"                    \
                 : fault)

#endif
