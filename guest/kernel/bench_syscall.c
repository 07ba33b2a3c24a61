/* bench=syscall: guest instructions per null system call round trip (ring 3 -> ring 1 -> ring 3)
 * through the fast trap and through the hypervisor's bounce, and per null hypercall. Under
 * QEMU's -icount shift=0 rdtsc counts instructions; an identical empty loop is subtracted. */
#include <guest/console.h>
#include <guest/trap_tests.h>
#include <guest/user.h>
#include <lib/format.h>

#define N 10000

extern user_fn u_bench_null, u_bench_empty;
void k_bench_hypercall(uint32_t n);
void k_bench_empty(uint32_t n);

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static uint64_t time_user(user_fn *fn)
{
    uint64_t t;

    user_arg = N;
    t = rdtsc();
    run_user(fn);
    return rdtsc() - t;
}

static uint64_t time_kernel(void (*fn)(uint32_t))
{
    uint64_t t = rdtsc();
    fn(N);
    return rdtsc() - t;
}

static uint32_t per_call(uint64_t total, uint64_t empty)
{
    uint32_t rem;
    return total > empty ? (uint32_t)udiv64(total - empty + N / 2, N, &rem) : 0; /* rounded */
}

void bench_syscall(void)
{
    uint64_t empty_user, empty_kernel;
    uint32_t fast, bounce, hcall, tenths;

    time_user(u_bench_empty); /* warm up QEMU's translation cache */
    empty_user = time_user(u_bench_empty);
    user_fast_trap(1);
    time_user(u_bench_null);
    fast = per_call(time_user(u_bench_null), empty_user);
    user_fast_trap(0);
    time_user(u_bench_null);
    bounce = per_call(time_user(u_bench_null), empty_user);
    user_fast_trap(1);
    time_kernel(k_bench_empty);
    empty_kernel = time_kernel(k_bench_empty);
    time_kernel(k_bench_hypercall);
    hcall = per_call(time_kernel(k_bench_hypercall), empty_kernel);

    tenths = fast ? (bounce * 10 + fast / 2) / fast : 0;
    printk("BENCH syscall_fast_insns %u insns\n", fast);
    printk("BENCH syscall_bounce_insns %u insns\n", bounce);
    printk("BENCH hypercall_null_insns %u insns\n", hcall);
    printk("BENCH syscall_bounce_over_fast_ratio %u.%u ratio\n", tenths / 10, tenths % 10);
}
