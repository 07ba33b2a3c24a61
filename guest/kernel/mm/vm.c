/*
 * Address spaces and their regions: create (an L2 sharing the kernel half, pinned), destroy
 * (unpin, tables writable again, frames released), and the region list that munmap, mprotect
 * and mmap edit. Page-table changes are queued and sent as one batch per operation.
 */
#include <linux/errno.h>
#include <pv/console.h>
#include <kernel/mm/kmem.h>
#include <kernel/kstats.h>
#include <kernel/mm/page.h>
#include <kernel/mm/pgtable.h>
#include <kernel/mm/physmap.h>
#include <kernel/mm/shmem.h>
#include <lib/string.h>

struct mm *active_mm;

uint32_t mm_l2_mfn(const struct mm *mm)
{
    return pfn_to_mfn(mm ? mm->l2_pfn : physmap.boot_l2_pfn);
}

struct mm *mm_create(void)
{
    struct mm *mm = kzalloc(sizeof(*mm));
    uint32_t pfn = mm ? pfn_alloc_kernel() : 0;

    if (!pfn) {
        kfree(mm);
        return 0;
    }
    uint32_t *l2 = pfn_to_virt(pfn);
    const uint32_t *boot = pfn_to_virt(physmap.boot_l2_pfn);
    memset(l2, 0, KERNEL_L2_FIRST * 4);
    memcpy(l2 + KERNEL_L2_FIRST, boot + KERNEL_L2_FIRST,
           (HYPERVISOR_L2_FIRST_SLOT - KERNEL_L2_FIRST) * 4);
    memset(l2 + HYPERVISOR_L2_FIRST_SLOT, 0, (1024 - HYPERVISOR_L2_FIRST_SLOT) * 4);
    mm->l2_pfn = pfn;
    physmap_queue_protect(pfn, 0);
    mmu_queue_ext(MMUEXT_PIN_L2_TABLE, pfn_to_mfn(pfn));
    if (mmu_flush(0)) {
        printk("error: the hypervisor refused a new address space\n");
        pfn_release(pfn);
        kfree(mm);
        return 0;
    }
    return mm;
}

void mm_destroy(struct mm *mm)
{
    uint32_t *l2 = pt_l2(mm);

    mmu_queue_ext(MMUEXT_UNPIN_TABLE, pfn_to_mfn(mm->l2_pfn));
    PT_FOR_EACH_L1_SLOT (mm, s) {
        if (l2[s] & PTE_P)
            physmap_queue_protect(mfn_to_pfn(l2[s] >> 12), 1);
    }
    physmap_queue_protect(mm->l2_pfn, 1);
    if (mmu_flush(0))
        printk("error: the hypervisor refused to release an address space\n");
    PT_FOR_EACH_L1_SLOT (mm, s) {
        if (!(l2[s] & PTE_P))
            continue;
        uint32_t l1_pfn = mfn_to_pfn(l2[s] >> 12);
        const uint32_t *l1 = pfn_to_virt(l1_pfn);
        uint32_t used = pt_used[l1_pfn];
        for (unsigned i = pt_next_entry(l1, used, 0); i < 1024; i = pt_next_entry(l1, used, i + 1))
            if (l1[i] & PTE_P) {
                uint32_t pfn = mfn_to_pfn(l1[i] >> 12);
                if (page_refs[pfn] > 1) /* still shared (fork): the common case, inline */
                    page_refs[pfn]--;
                else
                    pfn_put(pfn);
            }
        pfn_release(l1_pfn);
    }
    pfn_release(mm->l2_pfn);
    for (struct vma *v = mm->vmas, *next; v; v = next) {
        next = v->next;
        vma_free(v);
    }
    kfree(mm);
}

/* ---- regions ---- */

struct vma *vma_find(struct mm *mm, uint32_t addr)
{
    for (struct vma *v = mm->vmas; v && v->start <= addr; v = v->next)
        if (addr < v->end)
            return v;
    return 0;
}

int vm_overlaps(struct mm *mm, uint32_t start, uint32_t end)
{
    for (struct vma *v = mm->vmas; v && v->start < end; v = v->next)
        if (v->end > start)
            return 1;
    return 0;
}

void vma_free(struct vma *v)
{
    if (v->shm)
        shmem_put(v->shm);
    kfree(v);
}

int vma_add(struct mm *mm, uint32_t start, uint32_t end, uint32_t flags)
{
    return vma_add_shmem(mm, start, end, flags, 0, 0);
}

int vma_add_shmem(struct mm *mm, uint32_t start, uint32_t end, uint32_t flags, struct shmem *shm,
                  uint32_t shm_base)
{
    struct vma **pp = &mm->vmas;

    while (*pp && (*pp)->end <= start)
        pp = &(*pp)->next;
    if (*pp && (*pp)->start < end)
        return -EEXIST; /* overlap */
    struct vma *v = mm->map_count < MAX_MAP_COUNT ? kmalloc(sizeof(*v)) : 0;
    if (!v)
        return -ENOMEM;
    *v = (struct vma){start, end, flags, *pp, shm, shm_base};
    if (shm)
        shmem_get(shm);
    *pp = v;
    mm->map_count++;
    return 0;
}

/* Split the region holding addr so that one starts exactly at addr. */
static int split_at(struct mm *mm, uint32_t addr)
{
    struct vma *v = vma_find(mm, addr);

    if (!v || v->start == addr)
        return 0;
    struct vma *tail = mm->map_count < MAX_MAP_COUNT ? kmalloc(sizeof(*tail)) : 0;
    if (!tail)
        return -ENOMEM;
    *tail = *v; /* the same object and base: page numbers do not move */
    tail->start = addr;
    if (tail->shm)
        shmem_get(tail->shm);
    v->end = addr;
    v->next = tail;
    mm->map_count++;
    return 0;
}

#define PUT_BATCH 128

/* Queue the removal of every present page in [start, end); their frames are released once
 * the batch is through (a frame must not be reused while still mapped). */
static void unmap_pages(struct mm *mm, uint32_t start, uint32_t end)
{
    uint32_t puts[PUT_BATCH];
    unsigned n = 0;

    for (uint32_t chunk = start & ~0x3fffffu; chunk < end; chunk += 0x400000) {
        const uint32_t *l1 = pt_l1(mm, chunk);
        uint32_t lo = chunk < start ? (start >> 12) & 1023 : 0;
        uint32_t hi = end - chunk >= 0x400000 ? 1024 : ((end - chunk) >> 12);
        for (uint32_t i = l1 ? scan_nonzero32(l1, lo, hi) : hi; i < hi;
             i = scan_nonzero32(l1, i + 1, hi)) {
            uint32_t pte = l1[i];
            if (!(pte & PTE_P))
                continue;
            pt_queue_set(mm, chunk + i * PAGE_SIZE, 0);
            puts[n++] = mfn_to_pfn(pte >> 12);
            mm->pages--;
            if (n == PUT_BATCH) {
                mmu_flush(0);
                while (n)
                    pfn_put(puts[--n]);
            }
        }
        if (chunk + 0x400000 < chunk)
            break;
    }
    mmu_flush(0);
    while (n)
        pfn_put(puts[--n]);
}

int vm_unmap(struct mm *mm, uint32_t start, uint32_t end)
{
    if (split_at(mm, start) || split_at(mm, end))
        return -ENOMEM;
    unmap_pages(mm, start, end);
    for (struct vma **pp = &mm->vmas; *pp;) {
        struct vma *v = *pp;
        if (v->start >= start && v->end <= end) {
            *pp = v->next;
            vma_free(v);
            mm->map_count--;
        } else {
            pp = &v->next;
        }
    }
    return 0;
}

/* Neighbours that meet in [start, end] and are alike (flags, and object and base when shared)
 * become one region again, as Linux merges them after mprotect: a region cut in pieces and put
 * back can be mremapped whole, and toggling a page's protection does not add regions. */
static void merge_alike(struct mm *mm, uint32_t start, uint32_t end)
{
    for (struct vma *v = mm->vmas; v && v->start <= end;) {
        struct vma *n = v->next;
        if (n && v->end == n->start && n->start >= start && n->start <= end &&
            v->flags == n->flags && v->shm == n->shm && v->shm_base == n->shm_base) {
            v->end = n->end;
            v->next = n->next;
            vma_free(n);
            mm->map_count--;
        } else {
            v = n;
        }
    }
}

int vm_protect(struct mm *mm, uint32_t start, uint32_t end, uint32_t prot)
{
    /* Every page of the range must belong to some region, as Linux demands. */
    for (uint32_t a = start; a < end;) {
        struct vma *v = vma_find(mm, a);
        if (!v)
            return -ENOMEM;
        a = v->end;
    }
    if (split_at(mm, start) || split_at(mm, end))
        return -ENOMEM;
    if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
        mm->prot_none = 1;
    for (struct vma *v = mm->vmas; v && v->start < end; v = v->next) {
        if (v->end <= start)
            continue;
        v->flags = (v->flags & ~0xffu) | (prot & 0xffu);
        for (uint32_t va = v->start; va < v->end; va += PAGE_SIZE) {
            const uint32_t *l1 = pt_l1(mm, va);
            uint32_t pte = l1 ? l1[(va >> 12) & 1023] : 0;
            if (!(pte & PTE_P))
                continue;
            uint32_t pfn = mfn_to_pfn(pte >> 12), flags = v->flags;
            /* A frame still shared copy-on-write stays read-only until written. */
            if (!(flags & VMA_SHARED) && page_refs[pfn] > 1)
                flags &= ~(uint32_t)PROT_WRITE;
            pt_queue_set(mm, va, pt_user_pte(pfn, flags));
        }
    }
    if (mmu_flush(0))
        return -ENOMEM;
    merge_alike(mm, start, end);
    return 0;
}

uint32_t vm_find_free(struct mm *mm, uint32_t len)
{
    uint32_t best = 0, lo = USER_MIN_ADDR;

    /* The highest gap below USER_MMAP_TOP that fits. */
    for (struct vma *v = mm->vmas;; v = v->next) {
        uint32_t hi = v ? v->start : USER_MMAP_TOP;
        if (hi > USER_MMAP_TOP)
            hi = USER_MMAP_TOP;
        if (hi > lo && hi - lo >= len)
            best = hi - len;
        if (!v || v->end >= USER_MMAP_TOP)
            break;
        if (v->end > lo)
            lo = v->end;
    }
    return best;
}
