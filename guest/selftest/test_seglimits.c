/*
 * test=seglimits: the hypervisor's first line of isolation, checked where it can be seen. Paging
 * cannot keep ring 1 out of ring 0's memory (both are "supervisor"), so every guest segment ends
 * at 0xFC3FFFFF (ABI §1): reads, writes, stack accesses and jumps at 0xFC400000 must fault, from
 * ring 1 through the hypervisor's FLAT_RING1_DS, the guest's own descriptors and a 4 GB one it
 * asks for (truncated), and from ring 3. QEMU's TCG does not check segment limits, so this mode
 * runs under Bochs (tests/scenarios/bochs-seglimits.scn); under QEMU it says the limits are not
 * enforced and skips the writes, which would land in the hypervisor.
 */
#include <selftest/check.h>
#include <pv/console.h>
#include <arch/x86/gdt.h>
#include <selftest/probe.h>
#include <selftest/trap_tests.h>
#include <arch/x86/traps.h>
#include <kernel/selftest_table.h>

TRIG_K(fs_read);
TRIG_U(fs3_read);
TRIG_K(fs_write);
TRIG_K(ss_read);
TRIG_U(ss_read);
TRIG_K(jmp);
TRIG_U(jmp);
TRIG_K(pf_read);
TRIG_U(pf_read);
extern volatile uint16_t trig_far_sel;

#define HOLE 0xFC400000u      /* the first byte past every guest segment */
#define LAST_WORD 0xFC3FFFFCu /* the last word a guest segment reaches (unmapped M2P space) */
#define LINEAR_L2 0xFE7F9000u /* the current L2 inside the linear page table (slot 1017) */
#define SPARE_SEL (GDT_SPARE << 3 | 1u)

static int fire(const struct probe_case *c, uint16_t sel)
{
    trig_far_sel = sel;
    return probe_run(c);
}

void test_seglimits(void)
{
    check_begin();
    printk("test=seglimits: accesses at %#x must fault (#GP, #SS for the stack)\n", HOLE);
    /* The control: the last word below the limit passes the segment check and reaches paging
     * (the M2P is mapped only as far as there is memory): a page fault, not a #GP. */
    const struct probe_case last =
        KCASE("read of the last word below the limit: #PF, not #GP", pf_read, 14, 0, LAST_WORD);
    probe_run(&last);

    const struct probe_case first =
        KCASE("read through DS (the guest's kernel data)", pf_read, 13, 0, HOLE);
    if (!probe_run(&first) && trap_probe.hits == 0) {
        printk(
            "seglimits: not enforced here (QEMU's TCG ignores segment limits); writes skipped\n");
        check_summary("seglimits");
        return;
    }
    /* The guest asks for a 4 GB data segment: the hypervisor truncates it to end at the hole. */
    check_eq("4 GB data descriptor accepted (truncated)",
             HYPERVISOR_update_descriptor(gdt_maddr(GDT_SPARE),
                                          gdt_make(0, 0xfffff, DESC_DATA(1), DESC_G_D)),
             0);
    const struct probe_case cases[] = {
        KCASE("read through FLAT_RING1_DS", fs_read, 13, 0, HOLE),
        KCASE("write through FLAT_RING1_DS", fs_write, 13, 0, HOLE),
        KCASE("read through a truncated 4 GB descriptor", fs_read, 13, 0, HOLE + 0x1000),
        KCASE("write through a truncated 4 GB descriptor", fs_write, 13, 0, HOLE + 0x1000),
        KCASE("stack read through SS", ss_read, 12, 0, HOLE),
        KCASE("jump to the hole", jmp, 13, 0, HOLE),
        UCASE("read through DS", pf_read, 13, 0, HOLE),
        UCASE("read through FLAT_RING3_DS", fs3_read, 13, 0, HOLE),
        UCASE("stack read through SS", ss_read, 12, 0, HOLE),
        UCASE("jump to the hole", jmp, 13, 0, HOLE),
        /* The linear page table (slot 1017: the L2 at 0xFE7F9000, every L1 below it), which
         * paging alone lets ring 1 read and write (supervisor pages): only the limit stops it. */
        KCASE("read of the linear page table through DS", pf_read, 13, 0, LINEAR_L2),
        KCASE("write of the linear page table through FLAT_RING1_DS", fs_write, 13, 0, LINEAR_L2),
        UCASE("read of the linear page table through DS", pf_read, 13, 0, LINEAR_L2),
    };
    const uint16_t sels[] = {
        FLAT_RING1_DS, FLAT_RING1_DS, SPARE_SEL, SPARE_SEL, 0, 0, 0, 0, 0, 0, 0, FLAT_RING1_DS, 0};
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        fire(&cases[i], sels[i]);
    HYPERVISOR_update_descriptor(gdt_maddr(GDT_SPARE), (struct gdt_desc){0, 0});
    check_summary("seglimits");
}

static void run_seglimits(const struct selftest_env *env)
{
    (void)env;
    test_seglimits();
}
SELFTEST(seglimits, "test=seglimits", run_seglimits, SELFTEST_TRAPS);
