/*
 * hcfuzz.elf: a guest that fuzzes the hypervisor's hypercalls against a model (tests/fuzz/).
 * It starts like the real guest (the same head.S, console, frame list: shared through the
 * build, not copied), builds its small world, then runs seeded operations with checks.
 *
 * Command line (after the hypervisor's "--"): seed=N (default 1), calls=N (hypercalls to issue,
 * multicall entries included; default 500000), check=N (operations between two checks of the
 * whole world; 64), teardown=N (operations between two teardowns to the empty world, where the
 * accounting must be exactly the base; 20000), tracefrom=A traceto=B (print every call of
 * operations A to B with its result, to see what led to a divergence). The last lines are
 *   fuzz: seed=S ops=N calls=N hypervisor-counted=N divergences=N tsc=T
 *   fuzz: ok | fuzz: FAILED
 * and every divergence is a line "fuzz: DIVERGED seed=S op N: what", the first one ends the run.
 */
#include <pv/console.h>
#include <pv/hypercall.h>
#include <pv/mmu.h>
#include "frames.h"
#include <pv/time.h>
#include <lib/string.h>

/* The P2M pointer the frame list sets (the kernel proper defines it in kernel/mm/physmap.c,
 * which this image does not link). */
const uint32_t *guest_p2m;

/* printk also keeps its text for syslog(2) in the kernel proper (kernel/klog.c); this image has no
 * log ring, the serial console is all. */
void klog_add(const char *s, size_t len)
{
    (void)s;
    (void)len;
}
#include "hcfuzz.h"

void start_kernel(start_info_t *si);
uint64_t rng_state;

/* The guest's linker script has ring-3 segments; empty, they would load at address 0. */
__asm__(".pushsection .user.text, \"ax\"\n ret\n .popsection\n"
        ".pushsection .user.data, \"aw\"\n .long 0\n .popsection");

static uint32_t arg(const char *line, const char *key, uint32_t def)
{
    size_t n = strlen(key);
    for (const char *p = line; *p; p++) {
        if ((p == line || p[-1] == ' ') && !strncmp(p, key, n) && p[n] == '=') {
            uint32_t v = 0;
            for (p += n + 1; *p >= '0' && *p <= '9'; p++)
                v = v * 10 + (uint32_t)(*p - '0');
            return v;
        }
    }
    return def;
}

static uint32_t zeroed_frame(unsigned slot)
{
    uint32_t pfn = pfn_alloc();
    void *p = pfn ? scratch_map(slot, pfn) : 0;
    if (!p)
        return 0;
    memset(p, 0, XEN_PAGE_SIZE);
    scratch_unmap(slot);
    return pfn;
}

static uint32_t sum_calls(const hv_stats_t *s)
{
    uint32_t n = 0;
    for (int i = 0; i < 32; i++)
        n += s->hypercalls[i];
    return n;
}

static int setup(start_info_t *si)
{
    pfn_init(si);
    W.boot_l2 = (const uint32_t *)si->pt_base;
    W.l2_mfn = current_l2_mfn();
    W.kernel_l1_mfn = kernel_l1_mfn();
    W.text_mfn = pfn_to_mfn(0);
    W.shared_mfn = si->shared_info >> 12;
    W.max_mfn = 0x100000; /* 4 GB: no RAM frame is at or above it */
    uint32_t hv_slot = W.boot_l2[HYPERVISOR_L2_FIRST_SLOT];
    W.foreign_mfn = (hv_slot & PTE_P) ? hv_slot >> 12 : 0; /* a table of the hypervisor's */
    for (int i = 0; i < NPOOL; i++) {
        W.pool_pfn[i] = zeroed_frame(0);
        if (!W.pool_pfn[i])
            return -1;
        W.pool_mfn[i] = pfn_to_mfn(W.pool_pfn[i]);
    }
    uint32_t home = zeroed_frame(0);
    if (!home)
        return -1;
    W.home_gdt_mfn = pfn_to_mfn(home);
    uint32_t list[1] = {W.home_gdt_mfn};
    if (hypercall3(__HYPERVISOR_set_gdt, (uint32_t)list, HOME_GDT_ENTRIES, 0))
        return -1;
    M.home_gdt = 1;
    uint32_t junk = pfn_alloc();
    if (!junk || !scratch_map(4, junk))
        return -1;
    W.junk = scratch_va(4); /* scratch slot 5 stays unmapped */
    W.junk_mfn = pfn_to_mfn(junk);
    W.ro_view = scratch_va(6);
    /* shared_info, mapped writable for good (as the real guest does): a mapping of it the fuzzer
     * makes then never changes its type. */
    W.calls++;
    if (HYPERVISOR_update_va_mapping(
            scratch_va(7) >> 12, W.shared_mfn << 12 | PTE_P | PTE_RW | PTE_A | PTE_D, UVMF_INVLPG))
        return -1;
    for (unsigned s = 0; s < NSLOT; s++)
        if (W.boot_l2[SLOT0 + s])
            return -1;
    return hv_stats(&W.base) == (int)sizeof(W.base) ? 0 : -1;
}

void start_kernel(start_info_t *si)
{
    const char *line = (const char *)si->cmd_line;
    W.seed = arg(line, "seed", 1);
    uint32_t target = arg(line, "calls", 500000), check_every = arg(line, "check", 64);
    uint32_t teardown_every = arg(line, "teardown", 20000);
    W.trace_from = arg(line, "tracefrom", 1);
    W.trace_to = arg(line, "traceto", 0);
    rng_state = 0x9E3779B97F4A7C15ull ^ ((uint64_t)W.seed << 17 | W.seed);
    printk("fuzz: hypercall fuzzer, seed=%u calls=%u check=%u teardown=%u (replay: guest "
           "arguments \"seed=%u calls=%u\")\n",
           W.seed, target, check_every, teardown_every, W.seed, target);
    if (setup(si)) {
        printk("fuzz: setup failed\nfuzz: FAILED\n");
        HYPERVISOR_shutdown(SHUTDOWN_poweroff);
    }
    printk("fuzz: %u pool frames (mfn %#x, ...), slots %u-%u, L2 %#x, kernel L1 %#x, text %#x, "
           "home GDT %#x, another's %#x; base: %u guest frames, %u pinned\n",
           NPOOL, W.pool_mfn[0], SLOT0, SLOT0 + NSLOT - 1, W.l2_mfn, W.kernel_l1_mfn, W.text_mfn,
           W.home_gdt_mfn, W.foreign_mfn, W.base.guest_frames, W.base.guest_frames_pinned);
    uint32_t calls0 = sum_calls(&W.base);
    uint64_t t0 = rdtsc();
    check_world("start");
    while (W.calls < target && !W.diverged) {
        fuzz_one();
        W.op++;
        if (W.diverged)
            break;
        if (W.op % teardown_every == 0)
            teardown();
        else if (W.op % check_every == 0)
            check_world("check");
        if (W.op % 100000 == 0)
            printk("fuzz: %u ops, %u calls\n", W.op, W.calls);
    }
    if (!W.diverged)
        teardown();
    uint64_t tsc = rdtsc() - t0;
    hv_stats_t end;
    hv_stats(&end);
    printk("fuzz: seed=%u ops=%u calls=%u hypervisor-counted=%u divergences=%u tsc=0x%08x%08x\n",
           W.seed, W.op, W.calls, sum_calls(&end) - calls0, W.diverged, (uint32_t)(tsc >> 32),
           (uint32_t)tsc);
    printk(W.diverged ? "fuzz: FAILED\n" : "fuzz: ok\n");
    HYPERVISOR_shutdown(SHUTDOWN_poweroff);
}
