/* x86 assembly of hv/io.h, which includes it: drivers reach it only through there. */
#ifndef ASM_BARRIER_H
#define ASM_BARRIER_H

/* Memory barrier between filling DMA memory and telling the device (and back). */
static inline void dma_wmb(void)
{
    __asm__ volatile("lock; addl $0, (%%esp)" ::: "memory");
}
#define dma_rmb dma_wmb

#endif
