/* t_tls: thread-local storage (__thread, through %gs and set_thread_area) and FPU/SSE registers,
 * in a parent and three children that each keep their own values across thousands of sched_yield()
 * context switches. */
#include "check.h"

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>

#define ROUNDS 3000

static __thread int tls_counter = 42;
static __thread char tls_name[32] = "initial";
static __thread long long tls_zero; /* .tbss */

static uintptr_t thread_pointer(void)
{
    uintptr_t tp;
    __asm__ volatile("movl %%gs:0, %0" : "=r"(tp));
    return tp;
}

static unsigned gs_selector(void)
{
    unsigned short gs;
    __asm__ volatile("movw %%gs, %0" : "=r"(gs));
    return gs;
}

/* sched_yield through int $0x80 with `value` held in an x87 register and in %xmm1 across the
 * call (both are call-clobbered in C, so only asm can keep them live); 0 if both came back. */
__attribute__((target("sse2"))) static int yield_in_registers(int value)
{
    int out_x87 = 0, out_sse[4] = {0, 0, 0, 0}, in_sse[4] = {value, value, value, value};
    long ret = SYS_sched_yield;
    __asm__ volatile("fildl %[in]\n\t"
                     "movdqu %[vin], %%xmm1\n\t"
                     "int $0x80\n\t"
                     "movdqu %%xmm1, %[vout]\n\t"
                     "fistpl %[out]"
                     : "+a"(ret), [out] "=m"(out_x87), [vout] "=m"(out_sse)
                     : [in] "m"(value), [vin] "m"(in_sse)
                     : "xmm1", "memory", "cc");
    return ret != 0 || out_x87 != value || memcmp(out_sse, in_sse, sizeof in_sse) != 0;
}

/* Counts in TLS and in x87 and SSE registers, yielding after every step; the number of mismatches
 * seen. Each process passes a different base. */
static int churn(int base)
{
    uintptr_t tp = thread_pointer();
    int bad = 0;
    tls_counter = base;
    snprintf(tls_name, sizeof tls_name, "process %d", base);
    for (int i = 1; i <= ROUNDS; i++) {
        tls_counter++;
        if (i % 2)
            sched_yield();
        else
            bad += yield_in_registers(base + i);
        bad += tls_counter != base + i;
        bad += thread_pointer() != tp;
    }
    char want[32];
    snprintf(want, sizeof want, "process %d", base);
    bad += strcmp(tls_name, want) != 0 || tls_zero != 0;
    return bad;
}

int main(void)
{
    check_init();
    CHECK_INT(tls_counter, 42, "initialised __thread int");
    CHECK_STR(tls_name, "initial", "initialised __thread array");
    CHECK_INT(tls_zero, 0, "zero-initialised __thread (.tbss)");
    uintptr_t tp = thread_pointer();
    CHECK(tp == (uintptr_t)pthread_self(), "%%gs:0 is the thread pointer");
    CHECK((gs_selector() & 3) == 3, "%%gs is a ring-3 selector");
    uintptr_t a = (uintptr_t)&tls_counter;
    CHECK(a < tp && tp - a < 4096, "TLS variables lie just below the thread pointer");

    tls_counter = 7;
    strcpy(tls_name, "parent");
    pid_t kids[3];
    for (int k = 0; k < 3; k++) {
        kids[k] = check_fork();
        if (kids[k] == 0) {
            /* The child starts with a copy of the parent's TLS. */
            int bad = tls_counter != 7 || strcmp(tls_name, "parent") != 0 || thread_pointer() != tp;
            bad += churn(100000 * (k + 1));
            _exit(bad > 100 ? 100 : bad);
        }
    }
    int bad = churn(5000);
    CHECK_INT(bad, 0, "parent: TLS, x87 and SSE values kept across %d yields", ROUNDS);
    for (int k = 0; k < 3; k++)
        check_status(check_wait(kids[k]), 0, 0, "child %d: its own TLS, x87 and SSE values", k);
    CHECK_INT(tls_counter, 5000 + ROUNDS, "the children did not touch the parent's TLS");
    CHECK_STR(tls_name, "process 5000", "nor its TLS array");
    return check_done();
}
