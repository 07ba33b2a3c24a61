/* bench=syscall: guest instructions per null system call round trip (ring 3 -> ring 1 -> ring 3)
 * through the fast trap and through the hypervisor's bounce, and per null hypercall. Under
 * QEMU's -icount shift=0 rdtsc counts instructions; an identical empty loop is subtracted.
 * Every call's result is checked (the loops count or OR them, in both halves of each pair); a
 * figure whose calls failed, or that comes out at zero, is not printed: "bench=syscall: error:
 * ..." says why, and the driver (tests/bench/) fails on it. */
#include <pv/console.h>
#include <selftest/trap_tests.h>
#include <selftest/ring3.h>
#include <lib/format.h>
#include <public/xen.h>
#include <kernel/selftest_table.h>

#define N 10000

extern user_fn u_bench_null, u_bench_empty;
uint32_t k_bench_hypercall(uint32_t n, uint32_t want);
uint32_t k_bench_empty(uint32_t n, uint32_t want);

static int failed;

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static void error(const char *what, uint32_t value)
{
    printk("bench=syscall: error: %s (%#x)\n", what, value);
    failed = 1;
}

/* One run of a ring-3 loop; its exit code is the OR of its calls' results. */
static uint64_t time_user(user_fn *fn)
{
    uint64_t t;
    uint32_t code;

    user_arg = N;
    t = rdtsc();
    code = run_user(fn);
    t = rdtsc() - t;
    if (code)
        error("a null system call from ring 3 failed", code);
    return t;
}

static uint64_t time_kernel(uint32_t (*fn)(uint32_t, uint32_t), uint32_t want)
{
    uint64_t t = rdtsc();
    uint32_t wrong = fn(N, want);
    t = rdtsc() - t;
    if (wrong)
        error("null hypercalls with a wrong result", wrong);
    return t;
}

static uint32_t per_call(const char *key, uint64_t total, uint64_t empty)
{
    uint32_t rem;
    if (total <= empty) {
        error(key, (uint32_t)total);
        return 0;
    }
    return (uint32_t)udiv64(total - empty + N / 2, N, &rem); /* rounded */
}

static void print(const char *key, uint32_t v)
{
    if (v)
        printk("BENCH %s %u insns\n", key, v);
    else
        printk("bench=syscall: error: %s: no figure\n", key);
}

void bench_syscall(void)
{
    const uint32_t version = XEN_VERSION_CODE, nr = 17; /* k_bench_empty leaves EAX = nr */
    uint64_t empty_user, empty_kernel;
    uint32_t fast = 0, bounce = 0, hcall, tenths;

    time_user(u_bench_empty); /* warm up QEMU's translation cache */
    empty_user = time_user(u_bench_empty);
    if (user_fast_trap(1) == 0) {
        time_user(u_bench_null);
        fast = per_call("syscall_fast_insns: not more than the empty loop", time_user(u_bench_null),
                        empty_user);
    } else {
        error("set_fast_trap(0x80) failed", 0);
    }
    if (user_fast_trap(0) == 0) {
        time_user(u_bench_null);
        bounce = per_call("syscall_bounce_insns: not more than the empty loop",
                          time_user(u_bench_null), empty_user);
    } else {
        error("set_fast_trap(0) failed", 0);
    }
    if (user_fast_trap(1))
        error("set_fast_trap(0x80) failed", 0);
    time_kernel(k_bench_empty, nr);
    empty_kernel = time_kernel(k_bench_empty, nr);
    time_kernel(k_bench_hypercall, version);
    hcall = per_call("hypercall_null_insns: not more than the empty loop",
                     time_kernel(k_bench_hypercall, version), empty_kernel);

    print("syscall_fast_insns", failed ? 0 : fast);
    print("syscall_bounce_insns", failed ? 0 : bounce);
    print("hypercall_null_insns", failed ? 0 : hcall);
    if (!failed && fast) {
        tenths = (bounce * 10 + fast / 2) / fast;
        printk("BENCH syscall_bounce_over_fast_ratio %u.%u ratio\n", tenths / 10, tenths % 10);
    }
}

static void run_bench_syscall(const struct selftest_env *env)
{
    (void)env;
    bench_syscall();
}
SELFTEST(bench_syscall, "bench=syscall", run_bench_syscall, SELFTEST_TRAPS);
