/*
 * Pages on demand and copy-on-write. A fault in a region either maps a fresh zeroed frame
 * (with a new L1 first if the 4 MB has none: the entry is written into the L1 before the L1
 * is hooked, so it costs one batch), or resolves a write to a frame shared by fork: the last
 * sharer just gets write access back, the others copy. A shared region maps its object's frame
 * for the page (kernel/mm/shmem.c), so every process sees the same one. fork itself copies the L1s
 * in memory (they become the child's tables when its L2 is pinned), downgrading the parent's
 * writable private pages to read-only in the same batch.
 */
#include <linux/errno.h>
#include <pv/console.h>
#include <arch/x86/context.h>
#include <kernel/mm/kmem.h>
#include <kernel/kstats.h>
#include <kernel/mm/page.h>
#include <kernel/mm/pgtable.h>
#include <kernel/mm/physmap.h>
#include <kernel/mm/shmem.h>
#include <lib/string.h>

static int region_allows(const struct vma *v, int write)
{
    if (write)
        return (v->flags & PROT_WRITE) != 0;
    return (v->flags & (PROT_READ | PROT_WRITE | PROT_EXEC)) != 0;
}

/* Map frame pfn at va; when va's 4 MB has no L1 yet, make one holding just this entry. */
static int map_frame(struct mm *mm, uint32_t va, uint32_t pte)
{
    const uint32_t *l1 = pt_l1(mm, va);

    if (l1)
        return pt_set_now(mm, l1, va, pte);
    uint32_t l1_pfn = pt_new_l1(mm, va);
    if (!l1_pfn)
        return -ENOMEM;
    /* Still writable until the batch that hooks it goes: the entry is written in place. */
    ((uint32_t *)pfn_to_virt(l1_pfn))[(va >> 12) & 1023] = pte;
    pt_note_entry(l1_pfn, (va >> 12) & 1023);
    return mmu_flush(0);
}

static int map_zeroed(struct mm *mm, uint32_t va, uint32_t flags, void **kva)
{
    uint32_t pfn = pfn_alloc_user();

    if (!pfn)
        return -ENOMEM;
    if (!fpu_zero_page(pfn_to_virt(pfn)))
        memset(pfn_to_virt(pfn), 0, PAGE_SIZE);
    if (map_frame(mm, va, pt_user_pte(pfn, flags))) {
        pfn_put(pfn);
        return -ENOMEM;
    }
    mm->pages++;
    if (kva)
        *kva = pfn_to_virt(pfn);
    return 0;
}

/* The object's frame for va, allocated on its first touch anywhere; past the object, -EIO. */
static int map_shared(struct mm *mm, const struct vma *v, uint32_t va)
{
    uint32_t page = (va - v->shm_base) / PAGE_SIZE;

    if (page >= shmem_pages(v->shm))
        return -EIO;
    uint32_t pfn = shmem_frame(v->shm, page);
    if (!pfn || map_frame(mm, va, pt_user_pte(pfn, v->flags)))
        return -ENOMEM;
    pfn_get(pfn);
    mm->pages++;
    return 0;
}

static int copy_on_write(struct mm *mm, const uint32_t *l1, uint32_t va, uint32_t pte,
                         uint32_t flags)
{
    uint32_t old = mfn_to_pfn(pte >> 12);

    if (page_refs[old] == 1)
        return pt_set_now(mm, l1, va, pt_user_pte(old, flags)) ? -ENOMEM : 0;
    uint32_t pfn = pfn_alloc_user();
    if (!pfn)
        return -ENOMEM;
    if (!fpu_copy_page(pfn_to_virt(pfn), pfn_to_virt(old)))
        memcpy(pfn_to_virt(pfn), pfn_to_virt(old), PAGE_SIZE);
    if (pt_set_now(mm, l1, va, pt_user_pte(pfn, flags))) {
        pfn_put(pfn);
        return -ENOMEM;
    }
    pfn_put(old);
    kstats.cow_copies++;
    return 0;
}

static int resolve(struct mm *mm, uint32_t addr, int write)
{
    struct vma *v = vma_find(mm, addr);

    kstats.page_faults++;
    if (!v || !region_allows(v, write))
        return -EFAULT;
    uint32_t va = addr & ~(PAGE_SIZE - 1);
    const uint32_t *l1 = pt_l1(mm, va);
    uint32_t pte = l1 ? l1[(va >> 12) & 1023] : 0;
    if (!(pte & PTE_P))
        return v->shm ? map_shared(mm, v, va) : map_zeroed(mm, va, v->flags, 0);
    if (write && !(pte & PTE_RW))
        return copy_on_write(mm, l1, va, pte, v->flags);
    return 0; /* already there (a stale TLB entry, or another path mapped it) */
}

/* A fault's frames are not injected (gfaults=): their failure calls the OOM killer. */
int vm_fault(struct mm *mm, uint32_t addr, int write)
{
    gfault_hold++;
    int rc = resolve(mm, addr, write);
    gfault_hold--;
    return rc;
}

void *vm_populate(struct mm *mm, uint32_t addr, uint32_t flags)
{
    uint32_t va = addr & ~(PAGE_SIZE - 1), pfn = pfn_alloc_user();

    if (!pfn)
        return 0;
    if (!fpu_zero_page(pfn_to_virt(pfn)))
        memset(pfn_to_virt(pfn), 0, PAGE_SIZE);
    /* A new L1 must be hooked (the batch sent) before entries can be queued against it. */
    if (!pt_l1(mm, va) && (!pt_new_l1(mm, va) || mmu_flush(0))) {
        pfn_put(pfn);
        return 0;
    }
    pt_queue_set(mm, va, pt_user_pte(pfn, flags));
    mm->pages++;
    return pfn_to_virt(pfn);
}

/* ---- fork ---- */

/* Copy one parent L1 into a new child frame: private writable pages become read-only in
 * both (queued for the parent), every mapped frame gains a reference. The page at `hot` (the
 * parent's stack top) is copied at once instead: both processes write it first thing, and a
 * copy now costs less than the fault each would take. */
static uint32_t fork_l1(struct mm *parent, struct mm *child, unsigned slot, struct vma **vp,
                        uint32_t hot)
{
    uint32_t base = slot << 22, pfn = pfn_alloc_kernel();
    uint32_t src_pfn = mfn_to_pfn(pt_l2(parent)[slot] >> 12);
    const uint32_t *src = pfn_to_virt(src_pfn);

    if (!pfn)
        return 0;
    uint32_t *dst = pfn_to_virt(pfn), parent_l1 = pt_l2(parent)[slot] >> 12;
    if (!fpu_copy_page(dst, src))
        memcpy(dst, src, PAGE_SIZE);
    /* The copy holds entries where its parent does. */
    uint32_t used = pt_used[pfn] = pt_used[src_pfn];
    for (unsigned i = pt_next_entry(src, used, 0); i < 1024; i = pt_next_entry(src, used, i + 1)) {
        uint32_t pte = src[i];
        if (!(pte & PTE_P))
            continue;
        /* A read-only entry (every page after a first fork) is only shared once more: the
         * region walk is for writable ones (the cursor only moves forward, so it catches up). */
        if (pte & PTE_RW) {
            uint32_t va = base + i * PAGE_SIZE;
            while (*vp && (*vp)->end <= va)
                *vp = (*vp)->next;
            int shared = *vp && (*vp)->start <= va && ((*vp)->flags & VMA_SHARED);
            if (!shared && va == hot) {
                uint32_t copy = pfn_alloc_user();
                if (copy) {
                    void *to = pfn_to_virt(copy), *from = pfn_to_virt(mfn_to_pfn(pte >> 12));
                    if (!fpu_copy_page(to, from))
                        memcpy(to, from, PAGE_SIZE);
                    dst[i] = pfn_to_mfn(copy) << 12 | (pte & 0xfffu);
                    child->pages++;
                    continue;
                }
            }
            if (!shared) {
                dst[i] = pte & ~PTE_RW;
                mmu_queue_pte(parent_l1, i, pte & ~PTE_RW);
            }
        }
        pfn_get(mfn_to_pfn(pte >> 12));
        child->pages++;
    }
    return pfn;
}

struct mm *mm_fork(struct mm *parent, uint32_t hot)
{
    struct mm *child = kzalloc(sizeof(*child));
    uint32_t l2_pfn = child ? pfn_alloc_kernel() : 0;

    if (!l2_pfn) {
        kfree(child);
        return 0;
    }
    child->l2_pfn = l2_pfn;
    child->brk_start = parent->brk_start;
    child->brk = parent->brk;
    child->arg_start = parent->arg_start, child->arg_end = parent->arg_end;
    child->env_start = parent->env_start, child->env_end = parent->env_end;
    child->prot_none = parent->prot_none;
    for (struct vma *v = parent->vmas, **tail = &child->vmas; v; v = v->next) {
        struct vma *c = kmalloc(sizeof(*c));
        if (!c)
            goto oom;
        *c = *v;
        c->next = 0;
        if (c->shm)
            shmem_get(c->shm);
        *tail = c;
        tail = &c->next;
        child->map_count++;
    }
    uint32_t *l2 = pfn_to_virt(l2_pfn);
    const uint32_t *pl2 = pt_l2(parent);
    if (!fpu_copy_page(l2, pl2)) /* the kernel half as it is; user slots replaced below */
        memcpy(l2, pl2, PAGE_SIZE);
    memset(l2 + HYPERVISOR_L2_FIRST_SLOT, 0, (1024 - HYPERVISOR_L2_FIRST_SLOT) * 4);
    struct vma *cursor = parent->vmas;
    PT_FOR_EACH_L1_SLOT (parent, s) {
        if (!(pl2[s] & PTE_P))
            continue;
        uint32_t pfn = fork_l1(parent, child, s, &cursor, hot & ~(PAGE_SIZE - 1));
        if (!pfn) {
            /* Undo the half-made child: its copies hold references; the L2 is not a table. */
            l2[s] = 0;
            for (unsigned k = FIRST_USER_SLOT(l2); k < s; k = NEXT_USER_SLOT(l2, k))
                if (l2[k] & PTE_P)
                    physmap_queue_protect(mfn_to_pfn(l2[k] >> 12), 1);
            mmu_flush(0);
            for (unsigned k = FIRST_USER_SLOT(l2); k < s; k = NEXT_USER_SLOT(l2, k)) {
                if (!(l2[k] & PTE_P))
                    continue;
                const uint32_t *l1 = pfn_to_virt(mfn_to_pfn(l2[k] >> 12));
                for (unsigned i = 0; i < 1024; i++)
                    if (l1[i] & PTE_P)
                        pfn_put(mfn_to_pfn(l1[i] >> 12));
                pfn_release(mfn_to_pfn(l2[k] >> 12));
            }
            goto oom;
        }
        l2[s] = pfn_to_mfn(pfn) << 12 | PT_L2E_USER;
        pt_note_l1(child, s);
        physmap_queue_protect(pfn, 0);
        child->l1_count++;
    }
    physmap_queue_protect(l2_pfn, 0);
    mmu_queue_ext(MMUEXT_PIN_L2_TABLE, pfn_to_mfn(l2_pfn));
    if (mmu_flush(0)) {
        printk("error: the hypervisor refused a forked address space\n");
        /* Not reached with valid tables; leak rather than free frames in unknown state. */
        return 0;
    }
    return child;
oom:
    mmu_flush(0); /* parent downgrades already queued are harmless: they fault back in */
    for (struct vma *v = child->vmas, *n; v; v = n) {
        n = v->next;
        vma_free(v);
    }
    pfn_release(l2_pfn);
    kfree(child);
    return 0;
}
