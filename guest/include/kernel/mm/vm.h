/*
 * Process address spaces (kernel/mm/vm*.c): an L2 whose kernel half is the boot L2's, L1s made
 * on demand, and a sorted list of regions (vmas) saying what may be mapped where. Pages appear
 * on first touch (zero-filled), fork shares writable private pages copy-on-write, and every
 * change to page tables goes through the hypervisor in batches (pv/mmu.h).
 */
#ifndef GUEST_VM_H
#define GUEST_VM_H

#include <stdint.h>
#include <arch/x86/uaccess.h>
#include <pv/mmu.h> /* KERNEL_L2_FIRST */

#define USER_STACK_TOP 0xBFFFF000u /* just below the kernel (a guard page above) */
#define USER_STACK_MAX (8u << 20)  /* the stack region: 8 MB, filled on demand */
#define USER_MMAP_TOP (USER_STACK_TOP - USER_STACK_MAX - 0x100000u)
#define USER_MIN_ADDR 0x10000u /* nothing is mapped below (NULL pointer catch) */
#define MAX_MAP_COUNT 65530    /* regions per address space (Linux's vm.max_map_count) */

/* vma flags: the PROT_* bits in the low byte, then these. */
#define VMA_SHARED 0x100 /* MAP_SHARED: the pages are its shmem object's, fork shares them */
#define VMA_STACK 0x200
#define VMA_HEAP 0x400

struct shmem;

struct vma {
    uint32_t start, end; /* page-aligned, [start, end) */
    uint32_t flags;
    struct vma *next;
    /* A shared region's object (a reference of it) and the address its page 0 would have here:
     * page (va - shm_base) / PAGE_SIZE, modulo 2^32, so that a split keeps both as they are. */
    struct shmem *shm;
    uint32_t shm_base;
};

struct mm {
    uint32_t l2_pfn;
    struct vma *vmas;
    uint32_t brk_start, brk;                         /* the heap: [brk_start, PAGE_ALIGN(brk)) */
    uint32_t arg_start, arg_end, env_start, env_end; /* exec's strings (/proc/<pid>/cmdline) */
    uint32_t pages;                                  /* ring-3 frames mapped */
    uint32_t l1_count;                               /* L1 tables in use */
    uint32_t map_count;                              /* regions, at most MAX_MAP_COUNT */
    /* mprotect(PROT_NONE) was used: some present pages may be ones ring 3 cannot read, which
     * ring 1 still could, so user copies check the regions (kernel/mm/uaccess.c). */
    int prot_none;
    /* The user L2 slots that hold an L1, one bit each, and which of those words are not zero:
     * walks of the address space read only these (pgtable.h, PT_FOR_EACH_L1_SLOT). */
    uint32_t l1_slots[KERNEL_L2_FIRST / 32], l1_words;
};

struct mm *mm_create(void); /* NULL when out of memory */
struct mm *mm_fork(struct mm *parent,
                   uint32_t hot); /* copy-on-write copy, the page at hot (the stack) copied at once;
                                     NULL when out of memory */
void mm_destroy(struct mm *mm);   /* must not be the current address space */
uint32_t mm_l2_mfn(const struct mm *mm);

/* Regions. vma_add fails with -EEXIST when the range overlaps another, -ENOMEM when memory is
 * out or the address space has MAX_MAP_COUNT regions already. */
int vma_add(struct mm *mm, uint32_t start, uint32_t end, uint32_t flags);
/* The same for a region of a shmem object (taking a reference of it on success). */
int vma_add_shmem(struct mm *mm, uint32_t start, uint32_t end, uint32_t flags, struct shmem *shm,
                  uint32_t shm_base);
void vma_free(struct vma *v); /* unlinked already: its object's reference goes too */
struct vma *vma_find(struct mm *mm, uint32_t addr);           /* the region holding addr, or NULL */
int vm_overlaps(struct mm *mm, uint32_t start, uint32_t end); /* any region in [start, end)? */
/* Unmap [start, end): pages freed, regions trimmed or split. 0 or -ENOMEM (split). */
int vm_unmap(struct mm *mm, uint32_t start, uint32_t end);
int vm_protect(struct mm *mm, uint32_t start, uint32_t end, uint32_t prot);
/* A free range of len bytes at or below hint (top-down), or 0. */
uint32_t vm_find_free(struct mm *mm, uint32_t len);

/* Make addr present (and writable for a write): demand-zero, copy-on-write, a shared region's
 * object page. 0, -EFAULT (no region or no permission: the caller sends SIGSEGV), -EIO (past the
 * end of a shared region's object, which mremap grew: SIGBUS, as Linux) or -ENOMEM. */
int vm_fault(struct mm *mm, uint32_t addr, int write);
/* Map a fresh zeroed page at addr now with region flags (PROT_* bits), queued: the caller
 * flushes the batch. Returns its kernel address (writable through the direct map) or NULL.
 * exec fills segments and the first stack pages with it. */
void *vm_populate(struct mm *mm, uint32_t addr, uint32_t flags);

/* Switch the CPU to mm (NULL: the kernel's own address space). */
extern struct mm *active_mm;

#endif
