/* The self-test table. Every self-test and benchmark of the guest (guest/selftest/) registers
 * itself with SELFTEST(): one {name, run, needs} entry in the linker section .selftests, as
 * Solo5 registers its modules. The kernel looks a command-line word up in the table
 * (selftest_find) and hands the entry to selftest_run (guest/selftest/run.c), which prepares
 * what the entry needs, runs it, and returns; the kernel then shuts down.
 *
 * A kernel built without self-tests (make SELFTEST=0) has an empty table and no selftest_run
 * (main.c's reference is weak, 0 there, and never called since no word is found): every test=
 * and bench= word is an unknown option, and nothing of the tests (their trap probe, their
 * bounced vector 0x81, their ring-3 programs) is in it. */
#ifndef GUEST_SELFTEST_TABLE_H
#define GUEST_SELFTEST_TABLE_H

#include <stdint.h>
#include <public/xen.h>

/* What selftest_run prepares before run. */
#define SELFTEST_BARE 0u   /* nothing: no trap table even (the hypervisor sees what happens) */
#define SELFTEST_TRAPS 1u  /* trap table with the probe, GDT, ring 3, fast trap (fasttrap=) */
#define SELFTEST_EVENTS 3u /* and events, timers and tasks; upcalls disabled again after run */
/* Added to either: the kernel's memory manager first, as the kernel proper has it (the direct
 * map and the page allocator, kernel/mm/): the test takes frames with pfn_alloc_kernel and
 * reads and writes them through pfn_to_virt. Without it a test runs on the bootstrap mappings. */
#define SELFTEST_MM 4u

struct selftest_env {
    const start_info_t *si;
    const char *word; /* the command-line word, "test=NAME" or "bench=NAME" */
    int fast_trap;    /* fasttrap=on|off */
};

struct selftest {
    const char *name; /* the word; a final '*' matches any rest ("test=mmu-review-*") */
    void (*run)(const struct selftest_env *env);
    unsigned needs; /* SELFTEST_* */
};

#define SELFTEST(id, name, run, needs)               \
    static const struct selftest selftest_entry_##id \
        __attribute__((used, section(".selftests"), aligned(4))) = {(name), (run), (needs)}

/* The entry for word, or 0 (kernel/selftest_table.c). */
const struct selftest *selftest_find(const char *word);
/* Prepare what t needs and run it (guest/selftest/run.c); absent without self-tests. */
void selftest_run(const struct selftest *t, const struct selftest_env *env);

#endif
