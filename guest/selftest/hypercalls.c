/* test=hypercalls: a table of probes of the hypervisor's interface (ABI §2, §7, §8), each a
 * raw hypercall with its expected result. Every check prints "(guest) check <name>: ok" or
 * "... FAILED got <x> want <y>"; a summary line ends the run. */
#include <stdint.h>
#include <pv/console.h>
#include <pv/hypercall.h>
#include <selftest/hypercalls.h>
#include <lib/string.h>
#include <kernel/selftest_table.h>
#include <pv/events.h>

#define VIRT_BASE 0xC0000000u /* as in __xen_guest (head.S) */

#define EQ 0       /* pass when result == want */
#define AT_LEAST 1 /* pass when result >= want */

struct check {
    const char *name;
    uint32_t nr;
    uint32_t arg[5];
    int32_t want;
    int cmp;
};

static unsigned nr_ok, nr_failed;

static const char raw_line[] = "(guest) console_io: raw write of one line\n";
static char big[4096]; /* 4095 bytes of one valid line, plus one more byte */
static char read_buf[16];

static void report(const char *name, int ok, int32_t got, int32_t want, int cmp)
{
    int hex = got >= 0x10000 || want >= 0x10000; /* patterns, versions */

    if (ok) {
        nr_ok++;
        printk("check %s: ok\n", name);
        return;
    }
    nr_failed++;
    if (hex)
        printk("check %s: FAILED got %#x want %s%#x\n", name, (uint32_t)got,
               cmp == AT_LEAST ? ">= " : "", (uint32_t)want);
    else
        printk("check %s: FAILED got %d want %s%d\n", name, got, cmp == AT_LEAST ? ">= " : "",
               want);
}

static void run_table(const struct check *c, unsigned n)
{
    for (; n; n--, c++) {
        int32_t got = hypercall5(c->nr, c->arg[0], c->arg[1], c->arg[2], c->arg[3], c->arg[4]);

        report(c->name, c->cmp == AT_LEAST ? got >= c->want : got == c->want, got, c->want, c->cmp);
    }
}

static void check_registers_preserved(void)
{
    static const struct {
        const char *name;
        uint32_t pattern;
    } regs[6] = {
        {"preserve ebx", REGPROBE_EBX}, {"preserve ecx", REGPROBE_ECX},
        {"preserve edx", REGPROBE_EDX}, {"preserve esi", REGPROBE_ESI},
        {"preserve edi", REGPROBE_EDI}, {"preserve ebp", REGPROBE_EBP},
    };
    uint32_t out[6];

    hypercall_reg_probe(out);
    for (unsigned i = 0; i < 6; i++)
        report(regs[i].name, out[i] == regs[i].pattern, (int32_t)out[i], (int32_t)regs[i].pattern,
               EQ);
}

/* Machine frame of the guest's own L2, through the P2M list (0 when out of range). */
static uint32_t l2_mfn(const start_info_t *si)
{
    const uint32_t *p2m = (const uint32_t *)(uintptr_t)si->mfn_list;
    uint32_t pfn = (si->pt_base - VIRT_BASE) >> XEN_PAGE_SHIFT;

    if (si->pt_base < VIRT_BASE || pfn >= si->nr_pages) {
        printk("selftest: pt_base %#x outside the guest's pages\n", si->pt_base);
        return 0;
    }
    return p2m[pfn];
}

unsigned selftest_hypercalls(const start_info_t *si, void *shared_va)
{
    const uint32_t ver = XEN_VERSION_CODE;
    const uint32_t CIO = __HYPERVISOR_console_io, SCHED = __HYPERVISOR_sched_op;
    const uint32_t UVM = __HYPERVISOR_update_va_mapping;
    const uint32_t W = CONSOLEIO_write, R = CONSOLEIO_read;
    uint32_t rawlen = sizeof(raw_line) - 1;
    uint32_t big_va = (uint32_t)(uintptr_t)big, rd = (uint32_t)(uintptr_t)read_buf;
    uint32_t spage = (uint32_t)(uintptr_t)shared_va >> XEN_PAGE_SHIFT;
    uint32_t spte = si->shared_info | PTE_P | PTE_RW;
    uint32_t l2 = l2_mfn(si) << XEN_PAGE_SHIFT;

    const struct check checks[] = {
        {"xen_version", __HYPERVISOR_xen_version, {XENVER_version}, (int32_t)ver, EQ},
        {"nr 49 is xen_version (mod 32)", 49, {XENVER_version}, (int32_t)ver, EQ},
        {"nr 7 dom0_op", 7, {0}, -XEN_ENOSYS, EQ},
        {"nr 12 dom_mem_op", 12, {0}, -XEN_ENOSYS, EQ},
        {"nr 21 vm_assist", 21, {0}, -XEN_ENOSYS, EQ},
        {"nr 44 is dom_mem_op (mod 32)", 44, {0}, -XEN_ENOSYS, EQ},
        {"nr 19 physdev_op", 19, {0}, -XEN_ENOSYS, EQ},
        {"nr 20 grant_table_op", 20, {0}, -XEN_ENOSYS, EQ},
        {"nr 22 update_va_mapping_otherdomain", 22, {0}, -XEN_ENOSYS, EQ},
        {"nr 23 unused", 23, {0}, -XEN_ENOSYS, EQ},
        {"nr 24 unused", 24, {0}, -XEN_ENOSYS, EQ},
        {"nr 25 unused", 25, {0}, -XEN_ENOSYS, EQ},
        {"nr 26 unused", 26, {0}, -XEN_ENOSYS, EQ},
        {"nr 27 unused", 27, {0}, -XEN_ENOSYS, EQ},
        {"nr 28 unused", 28, {0}, -XEN_ENOSYS, EQ},
        {"nr 29 unused", 29, {0}, -XEN_ENOSYS, EQ},

        {"console write 0 bytes", CIO, {W, 0, big_va}, 0, EQ},
        {"console write a line",
         CIO,
         {W, rawlen, (uint32_t)(uintptr_t)raw_line},
         (int32_t)rawlen,
         EQ},
        {"console write 4096 bytes", CIO, {W, 4096, big_va}, -XEN_EINVAL, EQ},
        {"console write 4095 bytes", CIO, {W, 4095, big_va}, 4095, EQ},
        {"console write from NULL", CIO, {W, 16, 0}, -XEN_EFAULT, EQ},
        {"console write from hypervisor", CIO, {W, 16, 0xFC400000u}, -XEN_EFAULT, EQ},
        {"console write across segment end", CIO, {W, 32, 0xFC3FFFF0u}, -XEN_EFAULT, EQ},
        {"console write from top page", CIO, {W, 4095, 0xFFFFF000u}, -XEN_EFAULT, EQ},
        {"console write whose end wraps past 4 GB", CIO, {W, 32, 0xFFFFFFF0u}, -XEN_EFAULT, EQ},
        {"console write from unmapped", CIO, {W, 2, 0xBFFFFFFFu}, -XEN_EFAULT, EQ},
        {"console unknown command 7", CIO, {7, 16, rd}, -XEN_ENOSYS, EQ},
        {"console read", CIO, {R, sizeof(read_buf), rd}, 0, AT_LEAST},
        {"console read into hypervisor", CIO, {R, 16, 0xFC400000u}, -XEN_EFAULT, EQ},
        {"console read into m2p (read-only)", CIO, {R, 16, MACH2PHYS_VIRT_START}, -XEN_EFAULT, EQ},
        {"console read into page table", CIO, {R, 16, si->pt_base}, -XEN_EFAULT, EQ},

        {"sched_op yield", SCHED, {SCHEDOP_yield}, 0, EQ},
        {"sched_op unknown command 9", SCHED, {9}, -XEN_EINVAL, EQ},
        {"sched_op shutdown reason 7",
         SCHED,
         {SCHEDOP_shutdown | (7u << SCHEDOP_reasonshift)},
         -XEN_EINVAL,
         EQ},

        /* All mapping experiments use the shared_info page; the last entry maps it back. */
        {"uvm hypervisor va", UVM, {HYPERVISOR_VIRT_START, spte, UVMF_INVLPG}, -XEN_EINVAL, EQ},
        {"uvm va without l2 entry",
         UVM,
         {0x40000000u >> XEN_PAGE_SHIFT, spte, UVMF_INVLPG},
         -XEN_EINVAL,
         EQ},
        {"uvm foreign frame 0", UVM, {spage, PTE_P | PTE_RW, UVMF_INVLPG}, -XEN_EPERM, EQ},
        {"uvm own l2 writable", UVM, {spage, l2 | PTE_P | PTE_RW, UVMF_INVLPG}, -XEN_EPERM, EQ},
        {"uvm own l2 read-only", UVM, {spage, l2 | PTE_P, UVMF_INVLPG}, 0, EQ},
        {"uvm pse bit", UVM, {spage, spte | PTE_PSE, UVMF_INVLPG}, -XEN_EINVAL, EQ},
        {"uvm global bit", UVM, {spage, spte | PTE_G, UVMF_INVLPG}, -XEN_EINVAL, EQ},
        {"uvm unknown flags 4", UVM, {spage, spte, 4}, -XEN_EINVAL, EQ},
        {"uvm remap shared_info", UVM, {spage, spte, UVMF_INVLPG}, 0, EQ},
    };

    /* One valid line of exactly 4095 bytes, and a newline in the 4096th in case the
     * hypervisor wrongly accepts 4096. */
    memset(big, ' ', sizeof(big));
    memcpy(big, "(guest) console_io: 4095-byte write", 35);
    big[4094] = '\n';
    big[4095] = '\n';

    nr_ok = nr_failed = 0;
    printk("selftest: hypercalls\n");
    check_registers_preserved();
    run_table(checks, sizeof(checks) / sizeof(checks[0]));
    report("shared_info readable after remap",
           ((volatile shared_info_t *)shared_va)->evtchn_upcall_mask == 1,
           ((volatile shared_info_t *)shared_va)->evtchn_upcall_mask, 1, EQ);
    printk("selftest: %u ok, %u failed\n", nr_ok, nr_failed);
    return nr_failed;
}

static void run_hypercalls(const struct selftest_env *env)
{
    selftest_hypercalls(env->si, shared_info_page);
}
SELFTEST(hypercalls, "test=hypercalls", run_hypercalls, SELFTEST_TRAPS);
