/* kmalloc_trace (DEBUG=1 builds only): who owns each live kmalloc block. Every block kmalloc
 * hands out is entered with the address its caller returns to and a sequence number, in an
 * open-addressed table beside the allocator (kmalloc keeps no headers, and a header would change
 * the size classes under test); kfree takes it out. /proc/kmalloc_sites lists the blocks still
 * live that were made after the last "mark" written to it, grouped by call site, symbolized
 * through the kernel's own ksyms (the raw address is for addr2line on guest.elf). A leak checker
 * (sysfuzz, failnth) writes "mark" at its baseline and prints the file when memory is not back.
 * Without DEBUG this file is empty and kmalloc's path has no extra instruction. */
#ifdef DEBUG
#include <kernel/fs/fs.h>
#include <kernel/mm/kmalloc_trace.h>
#include <linux/errno.h>
#include <lib/format.h>
#include <lib/ksyms.h>
#include <lib/string.h>

#define SLOTS 65536u /* a power of two; 1 MB of bss */
#define MAX_SITES 96 /* listed per read: a page of text */

struct slot {
    uint32_t addr, site, seq, size;
};
static struct slot slots[SLOTS];
static uint32_t next_seq, mark_seq, live, untracked;

static uint32_t home(uint32_t addr)
{
    return ((addr >> 4) * 2654435761u) >> 16;
}

void kmalloc_trace_alloc(const void *p, size_t size, const void *site)
{
    uint32_t a = (uint32_t)p, i = home(a);

    if (live >= SLOTS - SLOTS / 8) { /* keep probes short: count what is left out */
        untracked++;
        return;
    }
    while (slots[i].addr)
        i = (i + 1) & (SLOTS - 1);
    slots[i] = (struct slot){a, (uint32_t)site, ++next_seq, (uint32_t)size};
    live++;
}

/* Linear probing's deletion: later entries of the run move back into the hole, so that every
 * entry stays reachable from its home slot without tombstones. */
void kmalloc_trace_free(const void *p)
{
    uint32_t a = (uint32_t)p, i = home(a);

    while (slots[i].addr != a) {
        if (!slots[i].addr)
            return; /* made while the table was full */
        i = (i + 1) & (SLOTS - 1);
    }
    live--;
    for (uint32_t j = (i + 1) & (SLOTS - 1); slots[j].addr; j = (j + 1) & (SLOTS - 1)) {
        uint32_t h = home(slots[j].addr);
        /* j's entry may fill the hole at i unless its home lies cyclically in (i, j] */
        if (i <= j ? (h > i && h <= j) : (h > i || h <= j))
            continue;
        slots[i] = slots[j];
        i = j;
    }
    slots[i].addr = 0;
}

struct site_sum {
    uint32_t site, blocks, bytes, first_seq;
};

static int gen_sites(char *buf, size_t size)
{
    static struct site_sum sum[MAX_SITES]; /* one reader at a time: the kernel is not preempted */
    uint32_t nsites = 0, blocks = 0, bytes = 0, other = 0;
    size_t len;
    char name[64];

    for (uint32_t i = 0; i < SLOTS; i++) {
        const struct slot *s = &slots[i];
        uint32_t k = 0;
        if (!s->addr || s->seq <= mark_seq)
            continue;
        blocks++;
        bytes += s->size;
        while (k < nsites && sum[k].site != s->site)
            k++;
        if (k == nsites) {
            if (nsites == MAX_SITES) {
                other++;
                continue;
            }
            sum[nsites++] = (struct site_sum){s->site, 0, 0, s->seq};
        }
        sum[k].blocks++;
        sum[k].bytes += s->size;
        if (s->seq < sum[k].first_seq)
            sum[k].first_seq = s->seq;
    }
    len = (size_t)snprintf(buf, size,
                           "live %u blocks, %u since mark %u (%u bytes), seq %u, "
                           "untracked %u\n",
                           live, blocks, mark_seq, bytes, next_seq, untracked);
    for (uint32_t k = 0; k < nsites; k++) {
        ksym_format(__ksyms_start, (size_t)(__ksyms_end - __ksyms_start), sum[k].site, name,
                    sizeof(name));
        len += (size_t)snprintf(buf + (len < size ? len : size), len < size ? size - len : 0,
                                "%#x %s: %u blocks, %u bytes, first seq %u\n", sum[k].site, name,
                                sum[k].blocks, sum[k].bytes, sum[k].first_seq);
    }
    if (other)
        len += (size_t)snprintf(buf + (len < size ? len : size), len < size ? size - len : 0,
                                "(%u blocks at sites past the first %u)\n", other, MAX_SITES);
    return (int)(len < size ? len : size);
}

/* "mark": list only what is made from now on; "all": every live block again. */
static int write_sites(const char *buf, size_t n)
{
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
        n--;
    if (n == 4 && !memcmp(buf, "mark", 4))
        mark_seq = next_seq;
    else if (n == 3 && !memcmp(buf, "all", 3))
        mark_seq = 0;
    else
        return -EINVAL;
    return 0;
}

void kmalloc_trace_init(void)
{
    static const struct procfs_entry entry = {
        .name = "kmalloc_sites", .gen = gen_sites, .write = write_sites, .mode = 0644};

    procfs_register(&entry);
}
#endif
