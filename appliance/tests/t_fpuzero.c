/* t_fpuzero: the kernel zeroes a fresh page with SSE stores through %xmm0 (arch/x86/fpu.c,
 * fpu_zero_page), whether the FPU registers hold this process's state, another's, or none yet
 * (TS set: the kernel's own #NM). Two processes each hold their own value in %xmm0 and in an
 * x87 register across page faults on fresh anonymous pages, yielding to each other between
 * rounds; every page must read back zero but for the one byte written, and both registers must
 * come back unchanged. fork copies the page tables and the stack page with 16-byte moves through
 * %xmm0 too (fpu_copy_page): across a fork both processes keep %xmm0, and the child sees the
 * parent's stack and heap bytes exactly; the copy-on-write copies of its writes leave the
 * parent's alone. */
#include "check.h"

#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>

#define ROUNDS 40
#define PAGES 16

/* Fault in PAGES fresh pages (a write of `mark` to each first byte) with `value` in %xmm0 and
 * in an x87 register throughout; 0 if both came back. */
__attribute__((target("sse2"))) static int fault_in_registers(volatile char *p, int value,
                                                              char mark)
{
    int out_x87 = 0, out_sse[4] = {0, 0, 0, 0}, in_sse[4] = {value, ~value, value, ~value};
    __asm__ volatile("fildl %[in]\n\t"
                     "movdqu %[vin], %%xmm0\n\t"
                     "mov %[n], %%ecx\n"
                     "1:\n\t"
                     "movb %[mark], (%[p])\n\t"
                     "add $4096, %[p]\n\t"
                     "dec %%ecx\n\t"
                     "jnz 1b\n\t"
                     "movdqu %%xmm0, %[vout]\n\t"
                     "fistpl %[out]"
                     : [out] "=m"(out_x87), [vout] "=m"(out_sse), [p] "+r"(p)
                     : [in] "m"(value), [vin] "m"(in_sse), [n] "i"(PAGES), [mark] "q"(mark)
                     : "ecx", "xmm0", "memory", "cc");
    return out_x87 != value || memcmp(out_sse, in_sse, sizeof in_sse) != 0;
}

/* Rounds of faults and yields; the number of registers lost and of non-zero bytes seen. */
static int churn(int base, char mark)
{
    int bad = 0;
    for (int r = 0; r < ROUNDS; r++) {
        char *p =
            mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return 1000;
        bad += fault_in_registers(p, base + r, mark);
        for (int i = 0; i < PAGES * 4096; i++)
            bad += p[i] != ((i % 4096) ? 0 : mark);
        munmap(p, PAGES * 4096);
        sched_yield();
    }
    return bad;
}

#define FORK_PAGES 6

/* fork through int $0x80 with a value in %xmm0 across it: the pid (0 in the child), and
 * whether %xmm0 came back. */
__attribute__((target("sse2"))) static int fork_keeping_xmm0(int value, int *kept)
{
    int pid, in_sse[4] = {value, ~value, value ^ 0x5a5a, ~value ^ 0x5a5a}, out_sse[4];
    __asm__ volatile("movdqu %[vin], %%xmm0\n\t"
                     "int $0x80\n\t"
                     "movdqu %%xmm0, %[vout]"
                     : "=a"(pid), [vout] "=m"(out_sse)
                     : "a"(2), [vin] "m"(in_sse)
                     : "xmm0", "memory", "cc");
    *kept = memcmp(out_sse, in_sse, sizeof in_sse) == 0;
    return pid;
}

static unsigned char pattern(unsigned i)
{
    return (unsigned char)(i * 131 + (i >> 12) * 7 + 1);
}

/* Stack and heap patterns through a fork; the child rewrites them (copy-on-write) and exits 0
 * when it saw them whole. */
static void fork_copies(void)
{
    volatile unsigned char stack[3000];
    unsigned char *heap =
        mmap(NULL, FORK_PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (heap == MAP_FAILED) {
        CHECK(0, "mmap for the fork test");
        return;
    }
    for (unsigned i = 0; i < sizeof stack; i++)
        stack[i] = pattern(i + 77);
    for (unsigned i = 0; i < FORK_PAGES * 4096; i++)
        heap[i] = pattern(i);
    int kept = 0;
    int pid = fork_keeping_xmm0(0x1234567, &kept);
    if (pid == 0) {
        int bad = !kept;
        for (unsigned i = 0; i < sizeof stack; i++)
            bad += stack[i] != pattern(i + 77);
        for (unsigned i = 0; i < FORK_PAGES * 4096; i++)
            bad += heap[i] != pattern(i);
        for (unsigned i = 0; i < FORK_PAGES * 4096; i += 512)
            heap[i] ^= 0xff;
        for (unsigned i = 0; i < sizeof stack; i++)
            stack[i] = 0;
        _exit(bad ? 1 : 0);
    }
    CHECK(pid > 0, "fork through int $0x80");
    CHECK(kept, "parent: %%xmm0 kept across fork");
    check_status(check_wait(pid), 0, 0, "child: %%xmm0 kept, stack and heap copied exactly");
    int bad = 0;
    for (unsigned i = 0; i < sizeof stack; i++)
        bad += stack[i] != pattern(i + 77);
    for (unsigned i = 0; i < FORK_PAGES * 4096; i++)
        bad += heap[i] != pattern(i);
    CHECK_INT(bad, 0, "parent: its stack and heap untouched by the child's writes");
    munmap(heap, FORK_PAGES * 4096);
}

int main(void)
{
    check_init();
    fork_copies();
    pid_t kid = check_fork();
    if (kid == 0)
        _exit(churn(700000, 'c') ? 1 : 0);
    int bad = churn(5000, 'p');
    CHECK_INT(bad, 0, "parent: x87 and SSE values kept, pages zero, across %d rounds of %d faults",
              ROUNDS, PAGES);
    check_status(check_wait(kid), 0, 0, "child: its own x87 and SSE values, pages zero");
    return check_done();
}
