/* Batching: page-table requests queued and sent as one mmu_update, hypercalls queued and
 * sent as one multicall. Callers flush before a queue fills; overflow is a guest bug. */
#include <pv/console.h>
#include <kernel/kstats.h>
#include <pv/mmu.h>

struct mmu_queue mmu_q;
static multicall_entry_t calls[MMU_BATCH_MAX];
static unsigned nr_calls, last_calls;

void mmu_queue_ext(uint32_t cmd, uint32_t mfn)
{
    mmu_queue(mfn << 12 | MMU_EXTENDED_COMMAND, cmd);
}

int mmu_flush(uint32_t *done)
{
    int rc = mmu_q.n ? HYPERVISOR_mmu_update(mmu_q.req, mmu_q.n, done) : 0;

    if (mmu_q.n) {
        kstats.mmu_batches++;
        kstats.mmu_batched_updates += mmu_q.n;
    }
    mmu_q.n = 0;
    if (mmu_q.err) {
        rc = mmu_q.err;
        mmu_q.err = 0;
    }
    return rc;
}

void mc_queue(uint32_t op, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4)
{
    if (nr_calls == MMU_BATCH_MAX)
        mc_flush();
    multicall_entry_t *e = &calls[nr_calls++];
    e->op = op;
    e->args[0] = a1, e->args[1] = a2, e->args[2] = a3, e->args[3] = a4, e->args[4] = 0;
    e->args[MULTICALL_RESULT_ARG] = 0xdeadbeef;
}

int mc_flush(void)
{
    int rc = nr_calls ? HYPERVISOR_multicall(calls, nr_calls) : 0;

    if (nr_calls) {
        kstats.mmu_batches++;
        kstats.mmu_batched_updates += nr_calls;
    }
    last_calls = nr_calls;
    nr_calls = 0;
    for (unsigned i = 0; i < last_calls && rc == 0; i++)
        if ((int32_t)calls[i].args[MULTICALL_RESULT_ARG] < 0)
            rc = (int32_t)calls[i].args[MULTICALL_RESULT_ARG];
    return rc;
}

int32_t mc_result(unsigned i)
{
    return i < last_calls ? (int32_t)calls[i].args[MULTICALL_RESULT_ARG] : 0;
}
