/*
 * Lazy FPU (ABI §8 fpu_taskswitch). A process's FPU registers stay in the FPU after it is
 * switched out; the switch only sets CR0.TS (through the hypervisor) if the FPU was used since.
 * The next process to touch the FPU takes #NM: the hypervisor clears TS and forwards it here,
 * and the owner's state is saved before the newcomer's is loaded. Most switches between
 * processes that never use the FPU cost nothing.
 */
#include <arch/x86/context.h>
#include <arch/x86/traps.h>
#include <kernel/exec.h>
#include <lib/string.h>

static struct proc *owner; /* whose state the FPU registers hold */
/* TS is clear: the registers can be used without a trap. The hypervisor starts the guest with
 * TS clear, so the first switch sets it. */
static int live = 1;
static int have_fxsr = -1;
/* fxrstor image of a fresh FPU: control word 0x37f, MXCSR 0x1f80. */
static uint8_t clean[512] __attribute__((aligned(16)));

static int fxsr(void)
{
    if (have_fxsr < 0) {
        have_fxsr = (cpu_hwcap() >> 24) & 1; /* CPUID.1 EDX: FXSR */
        clean[0] = 0x7f, clean[1] = 0x03;
        clean[24] = 0x80, clean[25] = 0x1f;
    }
    return have_fxsr;
}

static void save(struct proc *p)
{
    if (fxsr())
        __asm__ volatile("fxsave %0" : "=m"(*(uint8_t(*)[512])p->fpu));
    else /* fnsave also resets the FPU: load the state back, it may stay in use */
        __asm__ volatile("fnsave %0; fwait; frstor %0" : "+m"(*(uint8_t(*)[108])p->fpu));
}

static void restore(const uint8_t *state)
{
    if (fxsr())
        __asm__ volatile("fxrstor %0" ::"m"(*(const uint8_t(*)[512])state));
    else
        __asm__ volatile("frstor %0" ::"m"(*(const uint8_t(*)[108])state));
}

void fpu_nm_trap(void)
{
    struct proc *p = current_proc();

    live = 1; /* the hypervisor cleared TS before forwarding #NM */
    if (owner == p)
        return;
    if (owner)
        save(owner);
    if (p && p->fpu_used) {
        restore(p->fpu);
    } else {
        __asm__ volatile("fninit");
        if (fxsr())
            restore(clean);
    }
    if (p)
        p->fpu_used = 1;
    owner = p;
}

void fpu_save_for_fork(struct proc *p)
{
    if (owner == p && p->fpu_used)
        save(p); /* may take #NM itself if TS is set: fpu_nm_trap finds p the owner */
}

void fpu_forget(struct proc *p)
{
    if (owner == p)
        owner = 0;
    p->fpu_used = 0;
}

/* exec: the old program's state goes, and the FPU must trap at the new one's first use, so that
 * #NM makes it the owner. Left clear, TS let the new program use the registers unowned: its
 * state was not saved when another process took the FPU, nor copied at fork, and it came back
 * from its next switch as a fresh FPU (t_fpuzero's fork check lost %xmm0 that way). */
void fpu_exec(struct proc *p)
{
    fpu_forget(p);
    if (live) {
        HYPERVISOR_fpu_taskswitch();
        live = 0;
    }
}

int fpu_needs_switch(void)
{
    return live;
}

void fpu_switched(void)
{
    live = 0;
}

/*
 * A page zeroed with 16-byte SSE stores while the FPU registers can be used without a trap
 * (TS clear): 256 stores and 16 loop steps instead of rep stosl's 1024 iterations, each of which
 * is one instruction (a page fault's zeroing was more than half of lat_pagefault's count; on
 * real hardware the two are about as fast). The registers may hold another process's state
 * (lazy FPU), so xmm0 is saved on the stack and put back; the kernel is not preempted in
 * between, and an event upcall does not touch the FPU. Returns 0 without touching anything
 * when it cannot (TS set: the caller zeroes with memset).
 */
int fpu_zero_page(void *page)
{
    if (!(cpu_hwcap() & (1u << 25))) /* CPUID.1 EDX: SSE */
        return 0;
    uint8_t keep[16] __attribute__((aligned(16)));
    char *p = page, *end = p + 4096;
    __asm__ volatile("movups %%xmm0, %0\n\t"
                     "xorps %%xmm0, %%xmm0\n"
                     "1:\n\t"
                     "movaps %%xmm0, 0(%1)\n\tmovaps %%xmm0, 16(%1)\n\t"
                     "movaps %%xmm0, 32(%1)\n\tmovaps %%xmm0, 48(%1)\n\t"
                     "movaps %%xmm0, 64(%1)\n\tmovaps %%xmm0, 80(%1)\n\t"
                     "movaps %%xmm0, 96(%1)\n\tmovaps %%xmm0, 112(%1)\n\t"
                     "movaps %%xmm0, 128(%1)\n\tmovaps %%xmm0, 144(%1)\n\t"
                     "movaps %%xmm0, 160(%1)\n\tmovaps %%xmm0, 176(%1)\n\t"
                     "movaps %%xmm0, 192(%1)\n\tmovaps %%xmm0, 208(%1)\n\t"
                     "movaps %%xmm0, 224(%1)\n\tmovaps %%xmm0, 240(%1)\n\t"
                     "add $256, %1\n\t"
                     "cmp %2, %1\n\t"
                     "jne 1b\n\t"
                     "movups %0, %%xmm0"
                     : "+m"(keep), "+r"(p)
                     : "r"(end)
                     : "memory", "cc");
    return 1;
}

/* A page copied in 16-byte loads and stores through xmm0 (saved and put back, as above): 512
 * moves and 16 loop steps instead of rep movsl's 1024 iterations. fork copies the parent's L1s,
 * its L2 and the stack page both processes write first. Both pages 16-byte aligned. Returns 0
 * without touching anything when there is no SSE (the caller uses memcpy). */
int fpu_copy_page(void *to, const void *from)
{
    if (!(cpu_hwcap() & (1u << 25))) /* CPUID.1 EDX: SSE */
        return 0;
    uint8_t keep[16] __attribute__((aligned(16)));
    char *d = to;
    const char *p = from, *end = p + 4096;
    __asm__ volatile("movups %%xmm0, %0\n"
                     "1:\n\t"
                     "movaps 0(%2), %%xmm0\n\tmovaps %%xmm0, 0(%1)\n\t"
                     "movaps 16(%2), %%xmm0\n\tmovaps %%xmm0, 16(%1)\n\t"
                     "movaps 32(%2), %%xmm0\n\tmovaps %%xmm0, 32(%1)\n\t"
                     "movaps 48(%2), %%xmm0\n\tmovaps %%xmm0, 48(%1)\n\t"
                     "movaps 64(%2), %%xmm0\n\tmovaps %%xmm0, 64(%1)\n\t"
                     "movaps 80(%2), %%xmm0\n\tmovaps %%xmm0, 80(%1)\n\t"
                     "movaps 96(%2), %%xmm0\n\tmovaps %%xmm0, 96(%1)\n\t"
                     "movaps 112(%2), %%xmm0\n\tmovaps %%xmm0, 112(%1)\n\t"
                     "movaps 128(%2), %%xmm0\n\tmovaps %%xmm0, 128(%1)\n\t"
                     "movaps 144(%2), %%xmm0\n\tmovaps %%xmm0, 144(%1)\n\t"
                     "movaps 160(%2), %%xmm0\n\tmovaps %%xmm0, 160(%1)\n\t"
                     "movaps 176(%2), %%xmm0\n\tmovaps %%xmm0, 176(%1)\n\t"
                     "movaps 192(%2), %%xmm0\n\tmovaps %%xmm0, 192(%1)\n\t"
                     "movaps 208(%2), %%xmm0\n\tmovaps %%xmm0, 208(%1)\n\t"
                     "movaps 224(%2), %%xmm0\n\tmovaps %%xmm0, 224(%1)\n\t"
                     "movaps 240(%2), %%xmm0\n\tmovaps %%xmm0, 240(%1)\n\t"
                     "add $256, %1\n\t"
                     "add $256, %2\n\t"
                     "cmp %3, %2\n\t"
                     "jne 1b\n\t"
                     "movups %0, %%xmm0"
                     : "+m"(keep), "+r"(d), "+r"(p)
                     : "r"(end)
                     : "memory", "cc");
    return 1;
}
