/*
 * Copies to and from ring-3 memory. Each instruction that touches a user address has an entry
 * in __ex_table: a fault there that vm_fault cannot resolve (no region, no permission) resumes
 * at the fixup, which returns what was left undone. A fault it can resolve (demand paging,
 * copy-on-write) simply restarts the instruction: rep movs picks up where it stopped.
 */
#include <linux/errno.h> /* EFAULT, ENAMETOOLONG */

    .text
/* size_t __copy_user(void *dst, const void *src, size_t n): bytes not copied. */
    .globl __copy_user
__copy_user:
    pushl %esi
    pushl %edi
    movl 12(%esp), %edi
    movl 16(%esp), %esi
    movl 20(%esp), %ecx
    movl %ecx, %edx
    shrl $2, %ecx
    cld
1:  rep movsl
    movl %edx, %ecx
    andl $3, %ecx
2:  rep movsb
    xorl %eax, %eax
3:  popl %edi
    popl %esi
    ret
4:  andl $3, %edx               /* stopped in the words: what is left of them, and the tail */
    leal (%edx, %ecx, 4), %eax
    jmp 3b
5:  movl %ecx, %eax
    jmp 3b

/* size_t __clear_user(void *dst, size_t n): bytes not cleared. */
    .globl __clear_user
__clear_user:
    pushl %edi
    movl 8(%esp), %edi
    movl 12(%esp), %ecx
    xorl %eax, %eax
    cld
6:  rep stosb
7:  movl %ecx, %eax
    popl %edi
    ret

/* long __strncpy_user(char *dst, const char *src, size_t size): the length (without NUL),
 * -EFAULT, or -ENAMETOOLONG when no NUL comes within size bytes. size > 0. */
    .globl __strncpy_user
__strncpy_user:
    pushl %esi
    pushl %edi
    movl 12(%esp), %edi
    movl 16(%esp), %esi
    movl 20(%esp), %ecx
    xorl %edx, %edx
8:  movb (%esi, %edx), %al
    movb %al, (%edi, %edx)
    testb %al, %al
    jz 9f
    incl %edx
    cmpl %ecx, %edx
    jb 8b
    movl $-ENAMETOOLONG, %eax
    jmp 10f
9:  movl %edx, %eax
10: popl %edi
    popl %esi
    ret
11: movl $-EFAULT, %eax
    jmp 10b

/* size_t __strnlen_user(const char *src, size_t max): the length with its NUL, max + 1 when
 * there is no NUL in the first max bytes, 0 on a fault. It reads no byte past src + max - 1:
 * the caller's max stops it at the end of what ring 3 may read. */
    .globl __strnlen_user
__strnlen_user:
    movl 4(%esp), %edx
    movl 8(%esp), %ecx
    xorl %eax, %eax
12: cmpl %ecx, %eax
    jae 14f
16: cmpb $0, (%edx, %eax)
    je 14f
    incl %eax
    jmp 12b
14: incl %eax
    ret
15: xorl %eax, %eax
    ret

    .section __ex_table, "a"
    .long 16b, 15b
    .long 1b, 4b
    .long 2b, 5b
    .long 6b, 7b
    .long 8b, 11b
    .previous

    .section .note.GNU-stack, "", @progbits
