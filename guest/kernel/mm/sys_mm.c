/* Memory system calls: brk (the heap region after the program), mmap2 of anonymous memory
 * (private, or shared through a shmem object with every fork) and of files (read in, private),
 * munmap, mprotect, mremap (moving a private region by copy, a shared one by naming its object
 * again). Pages arrive on demand: a mapping costs only its region (and a shared one its object). */
#include <linux/errno.h>
#include <kernel/fs/fs.h>
#include <kernel/mm/kmem.h>
#include <kernel/mm/pgtable.h>
#include <kernel/mm/shmem.h>
#include <kernel/procs.h>
#include <kernel/syscalls.h>
#include <kernel/mm/vm.h>
#include <lib/string.h>

static struct mm *mm_now(void)
{
    return current_proc()->mm;
}

/* Bytes of regions in [start, end). */
static uint32_t mapped_in(struct mm *mm, uint32_t start, uint32_t end)
{
    uint32_t n = 0;

    for (struct vma *v = mm->vmas; v && v->start < end; v = v->next)
        if (v->end > start)
            n += (v->end < end ? v->end : end) - (v->start > start ? v->start : start);
    return n;
}

/* RLIMIT_AS: may the regions grow by add bytes while freed bytes of them go? The stack region
 * (8 MB, filled on demand) does not count: Linux counts only what its stack has grown to. */
static int as_allows(struct mm *mm, uint32_t add, uint32_t freed)
{
    uint64_t limit = rlimit_cur(RLIMIT_AS), total = 0;

    if (limit == RLIM64_INFINITY)
        return 1;
    for (struct vma *v = mm->vmas; v; v = v->next)
        if (!(v->flags & VMA_STACK))
            total += v->end - v->start;
    return total - freed + add <= limit;
}

long sys_brk(u32 addr)
{
    struct mm *mm = mm_now();
    uint32_t old_end = PAGE_ALIGN(mm->brk), new_end = PAGE_ALIGN(addr);

    if (addr < mm->brk_start || addr >= USER_MMAP_TOP)
        return (long)mm->brk;
    if (new_end > old_end) {
        struct vma *heap = old_end > mm->brk_start ? vma_find(mm, old_end - 1) : 0;
        /* The new part must not run into another mapping, nor past RLIMIT_AS. */
        if (vm_overlaps(mm, old_end, new_end) || !as_allows(mm, new_end - old_end, 0))
            return (long)mm->brk;
        if (heap && (heap->flags & VMA_HEAP) && heap->end == old_end)
            heap->end = new_end;
        else if (vma_add(mm, old_end, new_end, PROT_READ | PROT_WRITE | VMA_HEAP))
            return (long)mm->brk;
    } else if (new_end < old_end) {
        vm_unmap(mm, new_end, old_end);
    }
    mm->brk = addr;
    return (long)addr;
}

/* Read a file's bytes into freshly mapped private pages (no page cache to share). */
static long map_file(struct mm *mm, uint32_t start, uint32_t len, uint32_t flags, struct inode *ino,
                     uint64_t off)
{
    for (uint32_t a = start; a < start + len; a += PAGE_SIZE) {
        uint8_t *kva = vm_populate(mm, a, flags);
        if (!kva)
            return -ENOMEM;
        long n = inode_pread(ino, kva, PAGE_SIZE, off + (a - start));
        if (n < 0)
            return n;
    }
    return mmu_flush(0) ? -ENOMEM : 0;
}

long sys_mmap2(u32 addr, u32 len, u32 prot, u32 flags, u32 fd, u32 pgoff)
{
    struct mm *mm = mm_now();
    uint32_t size = PAGE_ALIGN(len), type = flags & MAP_TYPE;
    struct inode *ino = NULL;

    if (!(flags & MAP_ANONYMOUS)) { /* the descriptor first, as Linux */
        long rc = fd_mmap_inode(fd, &ino);
        if (rc)
            return rc;
    }
    if (len == 0 || size < len || size > USER_MMAP_TOP || (prot & ~7u) ||
        (type != MAP_PRIVATE && type != MAP_SHARED))
        return -EINVAL;
    if (size / PAGE_SIZE > page_total_count())
        return -ENOMEM; /* more than all memory: could never be filled */
    if (!(flags & MAP_ANONYMOUS) && type == MAP_SHARED)
        return -ENODEV; /* shared file mappings need a page cache */
    uint32_t start;
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        if ((addr & (PAGE_SIZE - 1)) || addr < USER_MIN_ADDR || addr + size > USER_STACK_TOP ||
            addr + size < addr)
            return -EINVAL;
        start = addr;
        if (flags & MAP_FIXED_NOREPLACE) {
            if (vm_overlaps(mm, start, start + size))
                return -EEXIST;
        }
        if (!as_allows(mm, size, mapped_in(mm, start, start + size)))
            return -ENOMEM;
        if (!(flags & MAP_FIXED_NOREPLACE) && vm_unmap(mm, start, start + size))
            return -ENOMEM;
    } else {
        start = vm_find_free(mm, size);
        if (!start || !as_allows(mm, size, 0))
            return -ENOMEM;
    }
    uint32_t vflags = prot | (type == MAP_SHARED ? VMA_SHARED : 0);
    if (type == MAP_SHARED) { /* anonymous: file mappings were refused above */
        struct shmem *shm = shmem_create(size / PAGE_SIZE);
        int rc = shm ? vma_add_shmem(mm, start, start + size, vflags, shm, start) : -ENOMEM;
        if (shm)
            shmem_put(shm); /* the region holds it now, or nobody */
        return rc ? -ENOMEM : (long)start;
    }
    if (vma_add(mm, start, start + size, vflags))
        return -ENOMEM;
    if (!(flags & MAP_ANONYMOUS)) {
        long rc = map_file(mm, start, size, vflags, ino, (uint64_t)pgoff * PAGE_SIZE);
        if (rc) {
            vm_unmap(mm, start, start + size);
            return rc;
        }
    }
    return (long)start;
}

static int range_ok(u32 addr, u32 len, uint32_t *end)
{
    *end = addr + PAGE_ALIGN(len);
    return !(addr & (PAGE_SIZE - 1)) && *end >= addr && *end <= USER_TOP;
}

long sys_munmap(u32 addr, u32 len)
{
    uint32_t end;

    if (!range_ok(addr, len, &end) || len == 0)
        return -EINVAL;
    return vm_unmap(mm_now(), addr, end);
}

long sys_mprotect(u32 addr, u32 len, u32 prot)
{
    uint32_t end;

    if (!range_ok(addr, len, &end) || (prot & ~7u))
        return -EINVAL;
    return end == addr ? 0 : vm_protect(mm_now(), addr, end, prot);
}

/* msync: no region has a file behind it (shared file mappings are refused), so there is
 * nothing to write back; the arguments are checked as Linux checks them. */
long sys_msync(u32 addr, u32 len, u32 flags)
{
    uint32_t end;

    if ((flags & ~(u32)(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
        ((flags & MS_ASYNC) && (flags & MS_SYNC)) || !range_ok(addr, len, &end))
        return -EINVAL;
    return mapped_in(mm_now(), addr, end) == end - addr ? 0 : -ENOMEM;
}

/* mlock, munlock: frames are never paged out here, so every page is locked already; as Linux,
 * the range starts at addr's page and may not hold a hole. */
static long lock_range(u32 addr, u32 len)
{
    uint32_t start = addr & ~(PAGE_SIZE - 1), end = PAGE_ALIGN(addr + len);

    if (addr + len < addr || end < start || end > USER_TOP)
        return -ENOMEM;
    return mapped_in(mm_now(), start, end) == end - start ? 0 : -ENOMEM;
}

long sys_mlock(u32 addr, u32 len)
{
    return lock_range(addr, len);
}

long sys_munlock(u32 addr, u32 len)
{
    return lock_range(addr, len);
}

/* A shared region moves without a copy: the new one names the same object at the same pages,
 * which fault back in there; its pages past the object stay SIGBUS, as Linux's. */
static long move_shared(struct mm *mm, const struct vma *v, uint32_t old_addr, uint32_t old_size,
                        uint32_t new_size)
{
    uint32_t to = vm_find_free(mm, new_size);

    if (!to || !as_allows(mm, new_size, 0) ||
        vma_add_shmem(mm, to, to + new_size, v->flags, v->shm, to - (old_addr - v->shm_base)))
        return -ENOMEM;
    if (vm_unmap(mm, old_addr, old_addr + old_size)) {
        vm_unmap(mm, to, to + new_size); /* a whole region: no split, cannot fail */
        return -ENOMEM;
    }
    return (long)to;
}

/* MREMAP_FIXED: the region moves to exactly to, replacing whatever was there (as MAP_FIXED
 * does), grown or shrunk on the way. Everything is checked before the first change; v's fields
 * are taken first, since unmapping the destination may free v when it shares v's region. */
static long move_fixed(struct mm *mm, const struct vma *v, uint32_t old_addr, uint32_t old_size,
                       uint32_t new_size, uint32_t to)
{
    uint32_t flags = v->flags, keep = old_size < new_size ? old_size : new_size;
    struct shmem *shm = v->shm;
    uint32_t base = to - (old_addr - v->shm_base);

    if ((to & (PAGE_SIZE - 1)) || to < USER_MIN_ADDR || to > USER_STACK_TOP ||
        new_size > USER_STACK_TOP - to)
        return -EINVAL;
    if (to < old_addr + old_size && old_addr < to + new_size)
        return -EINVAL; /* overlapping source and destination, as Linux */
    if (!as_allows(mm, new_size, mapped_in(mm, to, to + new_size) + old_size))
        return -ENOMEM;
    if (!shm) {
        long r = sys_mmap2(to, new_size, flags & 7u, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                           (u32)-1, 0);
        if (IS_ERR_RESULT(r))
            return r;
        if (copy_to_user(to, (const void *)old_addr, keep)) {
            vm_unmap(mm, to, to + new_size);
            return -EFAULT;
        }
    } else {
        shmem_get(shm); /* v may go with the destination's unmap */
        int rc = vm_unmap(mm, to, to + new_size);
        if (!rc)
            rc = vma_add_shmem(mm, to, to + new_size, flags, shm, base);
        shmem_put(shm);
        if (rc)
            return -ENOMEM;
    }
    vm_unmap(mm, old_addr, old_addr + old_size);
    return (long)to;
}

/* Grow or shrink in place when there is room, else move (with MREMAP_MAYMOVE) by copying;
 * MREMAP_FIXED moves to new_addr. */
long sys_mremap(u32 old_addr, u32 old_len, u32 new_len, u32 flags, u32 new_addr)
{
    struct mm *mm = mm_now();
    uint32_t old_size = PAGE_ALIGN(old_len), new_size = PAGE_ALIGN(new_len), end;
    struct vma *v = vma_find(mm, old_addr);

    if (!range_ok(old_addr, old_len, &end) || new_size == 0 ||
        (flags & ~(u32)(MREMAP_MAYMOVE | MREMAP_FIXED)) || new_size > USER_MMAP_TOP ||
        ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)))
        return -EINVAL;
    if (!v || v->start > old_addr || v->end < old_addr + old_size)
        return -EFAULT;
    if (flags & MREMAP_FIXED)
        return move_fixed(mm, v, old_addr, old_size, new_size, new_addr);
    if (new_size <= old_size) {
        if (new_size < old_size)
            vm_unmap(mm, old_addr + new_size, old_addr + old_size);
        return (long)old_addr;
    }
    if (!as_allows(mm, new_size - old_size, 0))
        return -ENOMEM;
    int room = v->end == old_addr + old_size;
    if (old_addr >= USER_MMAP_TOP || new_size > USER_MMAP_TOP - old_addr ||
        vm_overlaps(mm, old_addr + old_size, old_addr + new_size))
        room = 0; /* (the first two keep the sum from wrapping) */
    if (room) {
        v->end = old_addr + new_size;
        return (long)old_addr;
    }
    if (!(flags & MREMAP_MAYMOVE))
        return -ENOMEM;
    if (v->shm)
        return move_shared(mm, v, old_addr, old_size, new_size);
    long to = sys_mmap2(0, new_size, v->flags & 7u, MAP_PRIVATE | MAP_ANONYMOUS, (u32)-1, 0);
    if (IS_ERR_RESULT(to)) /* addresses above 2 GB are negative as a long */
        return to;
    if (copy_to_user((uint32_t)to, (const void *)old_addr, old_size)) {
        vm_unmap(mm, (uint32_t)to, (uint32_t)to + new_size);
        return -EFAULT;
    }
    vm_unmap(mm, old_addr, old_addr + old_size);
    return to;
}
