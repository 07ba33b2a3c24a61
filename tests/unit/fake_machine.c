/* The fake machine behind test_page_type: frame table, memory and the arch hooks it needs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_machine.h"
#include "hv/arch.h"
#include "hv/l1e_fast.h"
#include "hv/page_type.h"

static struct frame_info fake_table[FAKE_FRAMES];
struct frame_info *frame_table = fake_table;
uint32_t max_mfn = FAKE_MAX_MFN;

uint32_t fake_mem[FAKE_FRAMES][1024];
static uint32_t fake_scratch[1024]; /* handed out for a bad mfn so the caller does not crash */
static unsigned fake_mapped[FAKE_FRAMES];
unsigned fake_map_calls, fake_unmap_calls, fake_copy_hv_calls, fake_ldt_calls;
int fake_ldt_result;
const char *fake_error;

static void fake_misuse(const char *what)
{
    if (!fake_error)
        fake_error = what;
}

void fake_machine_reset(void)
{
    memset(fake_table, 0, sizeof(fake_table));
    memset(fake_mem, 0, sizeof(fake_mem));
    memset(fake_mapped, 0, sizeof(fake_mapped));
    for (unsigned i = 0; i < FAKE_FRAMES; i++) {
        fake_table[i].owner = FAKE_DOM;
        fake_table[i].flags = FF_RAM;
    }
    frame_table = fake_table;
    max_mfn = FAKE_MAX_MFN;
    fake_map_calls = fake_unmap_calls = fake_copy_hv_calls = fake_ldt_calls = 0;
    fake_ldt_result = 0;
    fake_error = 0;
    fake_flushes = 0;
    fake_loaded_l2 = ~0u;
    fake_linear_invalidations = 0;
    fake_linear_last_l2 = fake_linear_last_slot = ~0u;
    tlbflush_clock = 1000;
    fake_panic_jump = 0;
    fake_panic_msg[0] = 0;
}

unsigned fake_maps_live(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < FAKE_FRAMES; i++)
        n += fake_mapped[i];
    return n;
}

#if defined(__i386__)
/* hv/arch.h's inline window cache (i386 builds): never a hit here, every frame goes through
 * arch_map_frame below. */
uint32_t arch_mapwin_l1[ARCH_MAPWIN_CACHED], arch_mapwin_cached_mfn[ARCH_MAPWIN_CACHED];
uint8_t arch_mapwin_users[ARCH_MAPWIN_CACHED];
#endif

HV_FASTCALL void *arch_map_frame(uint32_t mfn)
{
    fake_map_calls++;
    if (mfn >= max_mfn) {
        fake_misuse("arch_map_frame of a frame past max_mfn");
        return fake_scratch;
    }
    fake_mapped[mfn]++;
    return fake_mem[mfn];
}

HV_FASTCALL void arch_unmap_frame(void *va)
{
    fake_unmap_calls++;
    uintptr_t off = (uintptr_t)va - (uintptr_t)fake_mem;
    if (va == fake_scratch)
        return;
    if ((uintptr_t)va < (uintptr_t)fake_mem || off >= sizeof(fake_mem) ||
        off % sizeof(fake_mem[0])) {
        fake_misuse("arch_unmap_frame of an address that is no frame");
        return;
    }
    unsigned mfn = (unsigned)(off / sizeof(fake_mem[0]));
    if (fake_mapped[mfn] == 0) {
        fake_misuse("arch_unmap_frame of a frame not mapped");
        return;
    }
    fake_mapped[mfn]--;
}

void arch_copy_hv_slots(uint32_t *l2, uint32_t l2_mfn)
{
    fake_copy_hv_calls++;
    for (unsigned i = 1008; i < 1024; i++)
        l2[i] = FAKE_HV_PDE(i);
    l2[ARCH_LINEAR_SLOT] = FAKE_LINEAR_PDE(l2_mfn);
}

uint32_t fake_loaded_l2 = ~0u;
unsigned fake_linear_invalidations;
uint32_t fake_linear_last_l2, fake_linear_last_slot;

void arch_l2e_changed(uint32_t l2_mfn, unsigned slot)
{
    fake_linear_last_l2 = l2_mfn;
    fake_linear_last_slot = slot;
    if (l2_mfn == fake_loaded_l2)
        fake_linear_invalidations++;
}

int arch_validate_ldt_frame(uint32_t mfn, const char **why)
{
    (void)mfn;
    fake_ldt_calls++;
    if (fake_ldt_result)
        *why = "fake: LDT refused";
    return fake_ldt_result;
}

uint32_t tlbflush_clock;
unsigned fake_flushes;

void arch_flush_tlb(void)
{
    fake_flushes++;
    tlbflush_clock++;
}

/* page_type.c is built with DEBUG here: a failed ASSERT lands in fake_panic_jump when a test
 * has armed it, and ends the program otherwise. */
jmp_buf *fake_panic_jump;
char fake_panic_msg[256];

void panic_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(fake_panic_msg, sizeof(fake_panic_msg), "%s:%d: ", file, line);
    va_start(ap, fmt);
    vsnprintf(fake_panic_msg + n, sizeof(fake_panic_msg) - (size_t)n, fmt, ap);
    va_end(ap);
    if (fake_panic_jump)
        longjmp(*fake_panic_jump, 1);
    fprintf(stderr, "FAIL: panic: %s\n", fake_panic_msg);
    abort();
}

unsigned fake_irq_windows;

void arch_irq_window(void)
{
    fake_irq_windows++;
}

/* An L1 run's common cases: the C definition, l1_run_ref. The i386 builds of the tests
 * (FAKE_L1_RUN_ASM) link the hypervisor's own, arch/x86/l1_run.S, instead. */
#ifndef FAKE_L1_RUN_ASM
HV_FASTCALL const mmu_update_t *arch_l1_run(const mmu_update_t *r, uint32_t *l1)
{
    return l1_run_ref(r, l1, &l1_run_env);
}
#endif
