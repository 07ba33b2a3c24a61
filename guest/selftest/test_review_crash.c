/*
 * test=mmu-review-VARIANT: a frame the hypervisor must write for the guest (an exception bounce,
 * an event upcall) onto a ring-1 stack that is not the guest's: ESP past 0xFC3FFFFF, an SS whose
 * base carries ESP there, or a stack selector that is no guest's data segment. The only safe
 * outcomes are a refusal up front or the guest crashed with the reason logged; the hypervisor
 * writing its own memory, hanging or panicking is a hole. The target address lies just past the
 * hypervisor's IDT (sidt shows it), memory that is certainly mapped.
 * If the guest comes back from the attempt, it prints a FAILED line.
 */
#include <pv/console.h>
#include <pv/events.h>
#include <arch/x86/gdt.h>
#include <pv/mmu.h>
#include <selftest/frames.h>
#include <selftest/probe.h>
#include <selftest/review.h>
#include <arch/x86/traps.h>
#include <selftest/ring3.h>
#include <lib/string.h>

TRIG_U(bounced);
TRIG_U(exit_now);

#define SS_BASE 0x7c000000u
#define E_STACK 12 /* GDT entry for the based stack segment */

static uint32_t target(void)
{
    uint8_t idtr[6];
    rv_sidt(idtr);
    return *(uint32_t *)(idtr + 2) + 0x800 + 0x40;
}

static void arm(void)
{
    trap_probe.hits = 0;
    trap_probe.resume = 0;
    trap_probe.armed = 1;
}

/* A pending event on a loopback pair, unmasked: upcall_pending stays set (upcall_mask is 1). */
static void pending_event(void)
{
    evtchn_op_t o = {.cmd = EVTCHNOP_alloc_unbound, .u.alloc_unbound.dom = DOMID_SELF};
    HYPERVISOR_event_channel_op(&o);
    uint32_t b = o.u.alloc_unbound.port;
    o = (evtchn_op_t){.cmd = EVTCHNOP_bind_interdomain,
                      .u.bind_interdomain = {DOMID_SELF, DOMID_SELF, 0, b}};
    HYPERVISOR_event_channel_op(&o);
    evtchn_send(o.u.bind_interdomain.port1);
    printk("review-crash: event pending %u\n", HYPERVISOR_shared_info->evtchn_upcall_pending);
}

/*
 * The upcall written by the hypercall entry's assembly on a hypercall's way out (linreview):
 * stacks that are the guest's own memory but cannot take the 12-byte frame, and stack
 * selectors the hypercall itself makes unusable before the way out.
 */
static uint32_t upcall_stack[256] __attribute__((aligned(16)));
#define UPCALL_STACK_TOP ((uint32_t)&upcall_stack[256])
#define RO_DATA(dpl) (0x80u | (dpl) << 5 | 0x10u | 0x1u) /* read-only data, accessed */

static int upcall_variant(const char *v)
{
    uint32_t flat_sel = E_STACK << 3 | 1;
    struct gdt_desc flat = gdt_make(0, DESC_LIMIT_FLAT, DESC_DATA(1), DESC_G_D);
    struct gdt_desc after;

    if (strncmp(v, "upcall-ro", 9) == 0 || strncmp(v, "upcall-straddle", 15) == 0) {
        /* A page of the guest's own, mapped read-only; or writable with a neighbour unmapped,
         * so that exactly one of the frame's three stores faults first: EIP (the page below
         * unmapped, ESP 8 bytes in), CS (the page above unmapped, ESP 8 bytes into it) or
         * EFLAGS (ESP 4 bytes into it). Each store has its own fixup. */
        uint32_t pfn = rv_new_frame(0), va = scratch_va(12);
        int ro = v[7] == 'r', cs = strcmp(v, "upcall-straddle-cs") == 0,
            fl = strcmp(v, "upcall-straddle-eflags") == 0;
        rv_uvm(va - 0x1000, 0);
        rv_uvm(va + 0x1000, 0);
        int rc = rv_uvm(va, pfn_to_mfn(pfn) << 12 | PTE_P | PTE_A | (ro ? 0 : PTE_RW | PTE_D));
        uint32_t esp = ro ? va + 0x800 : cs ? va + 0x1008 : fl ? va + 0x1004 : va + 8;
        printk("review-crash: stack page %#x mapped %s: %d, ESP %#x\n", va,
               ro ? "read-only" : "writable, its neighbours unmapped", rc, esp);
        pending_event();
        rv_upcall_ss_call(FLAT_RING1_DS, esp, __HYPERVISOR_xen_version, 0, 0, 0);
        return 1;
    }
    if (strcmp(v, "upcall-retyped") == 0 || strcmp(v, "upcall-retyped-mc") == 0) {
        /* The hypercall unmaps the stack page and pins its frame as an L1: a TLB entry left
         * for the old mapping would let the frame (EIP, CS, EFLAGS: chosen words) land in a
         * page table. In a multicall, the unmap's invalidation waits for its end. */
        static mmu_update_t req[2];
        static multicall_entry_t mc[2];
        uint32_t pfn = rv_new_frame(0), va = scratch_va(12), f = pfn_to_mfn(pfn);
        rv_uvm(va, f << 12 | PTE_P | PTE_RW | PTE_A | PTE_D);
        uint32_t esp = va + 0x800;
        *(volatile uint32_t *)(esp - 4) = 0; /* the TLB holds the writable entry now */
        req[0] = (mmu_update_t){kernel_l1_mfn() << 12 | ((va >> 12) & 1023) * 4, 0};
        req[1] = (mmu_update_t){f << 12 | EXT, MMUEXT_PIN_L1_TABLE};
        pending_event();
        if (v[14] == '-') {
            mc[0] = (multicall_entry_t){__HYPERVISOR_update_va_mapping, {va >> 12, 0, 0}};
            mc[1] = (multicall_entry_t){__HYPERVISOR_mmu_update, {(uint32_t)&req[1], 1, 0}};
            rv_upcall_ss_call(FLAT_RING1_DS, esp, __HYPERVISOR_multicall, (uint32_t)mc, 2, 0);
            printk("review-crash: multicall results %d %d\n", (int)mc[0].args[5],
                   (int)mc[1].args[5]);
        } else {
            int rc = (int)rv_upcall_ss_call(FLAT_RING1_DS, esp, __HYPERVISOR_mmu_update,
                                            (uint32_t)req, 2, 0);
            printk("review-crash: mmu_update %d\n", rc);
        }
        printk("review-crash: the L1's entries 509-511: %#x %#x %#x\n", rv_frame_word(pfn, 509),
               rv_frame_word(pfn, 510), rv_frame_word(pfn, 511));
        return 1;
    }
    if (strcmp(v, "upcall-m2p") == 0) {
        /* The read-only M2P, below every segment's limit: only paging (CR0.WP) stops it. */
        uint32_t esp = 0xFC000000u + 0x2000;
        printk("review-crash: M2P word at ESP-4: %#x\n", *(volatile uint32_t *)(esp - 4));
        pending_event();
        rv_upcall_ss_call(FLAT_RING1_DS, esp, __HYPERVISOR_xen_version, 0, 0, 0);
        return 1;
    }
    if (strcmp(v, "upcall-ssbase") == 0) {
        /* SS based so that SS:ESP is the target (Bochs: past the limit, a fault in ring 0). */
        struct gdt_desc d = gdt_make(SS_BASE, 0xfffff, DESC_DATA(1), DESC_G_D);
        int rc = HYPERVISOR_update_descriptor(gdt_maddr(E_STACK), d);
        printk("review-crash: SS base %#x: %d, limit %#x\n", SS_BASE, rc,
               gdt_limit20(gdt_read(E_STACK)));
        pending_event();
        rv_upcall_ss_call(flat_sel, target() - SS_BASE, __HYPERVISOR_xen_version, 0, 0, 0);
        return 1;
    }
    if (strcmp(v, "upcall-sslimit") == 0) {
        /* SS limited to 64 KB, ESP on a stack of the guest's far above (Bochs only: QEMU
         * delivers the upcall, the guest comes back). */
        struct gdt_desc d = gdt_make(0, 0xf, DESC_DATA(1), DESC_G_D);
        int rc = HYPERVISOR_update_descriptor(gdt_maddr(E_STACK), d);
        printk("review-crash: SS limit 64 KB: %d, ESP %#x\n", rc, UPCALL_STACK_TOP);
        pending_event();
        rv_upcall_ss_call(flat_sel, UPCALL_STACK_TOP, __HYPERVISOR_xen_version, 0, 0, 0);
        return 1;
    }
    if (strcmp(v, "upcall-ss-gone") == 0)
        after = (struct gdt_desc){0, 0};
    else if (strcmp(v, "upcall-ss-np") == 0) /* a data segment, not present: #NP, not #GP */
        after = gdt_make(0, DESC_LIMIT_FLAT, DESC_DATA(1) & ~0x80u, DESC_G_D);
    else if (strcmp(v, "upcall-ss-ro") == 0)
        after = gdt_make(0, DESC_LIMIT_FLAT, RO_DATA(1), DESC_G_D);
    else if (strcmp(v, "upcall-ss-code") == 0)
        after = gdt_make(0, DESC_LIMIT_FLAT, DESC_CODE(1), DESC_G_D);
    else
        return 0;
    /* SS is a flat ring-1 data segment of the guest's; the hypercall that returns with the
     * upcall pending is the update_descriptor that makes that descriptor unusable. */
    int rc = HYPERVISOR_update_descriptor(gdt_maddr(E_STACK), flat);
    printk("review-crash: SS %#x flat: %d; the hypercall rewrites it to %#x:%#x\n", flat_sel, rc,
           after.hi, after.lo);
    pending_event();
    rc = (int)rv_upcall_ss_call(flat_sel, UPCALL_STACK_TOP, __HYPERVISOR_update_descriptor,
                                gdt_maddr(E_STACK), after.lo, after.hi);
    printk("review-crash: the update_descriptor returned %d\n", rc);
    return 1;
}

void test_review_crash(const char *v)
{
    if (strncmp(v, "upcall-", 7) == 0 && strcmp(v, "upcall-hole") != 0) {
        printk("review-crash: %s\n", v);
        if (!upcall_variant(v)) {
            printk("review-crash: unknown variant %s\n", v);
            return;
        }
        printk("review-crash: %s: FAILED, the guest carried on (event pending %u, mask %u)\n", v,
               HYPERVISOR_shared_info->evtchn_upcall_pending,
               HYPERVISOR_shared_info->evtchn_upcall_mask);
        return;
    }
    uint32_t t = target();
    printk("review-crash: %s, target %#x\n", v, t);
    if (strcmp(v, "bounce-hole") == 0) {
        arm();
        rv_int81_on(t);
    } else if (strcmp(v, "bounce-ssbase") == 0) {
        struct gdt_desc d = gdt_make(SS_BASE, 0xfffff, DESC_DATA(1), DESC_G_D);
        int rc = HYPERVISOR_update_descriptor(gdt_maddr(E_STACK), d);
        struct gdt_desc got = gdt_read(E_STACK);
        printk("review-crash: SS base %#x: %d, limit %#x\n", SS_BASE, rc, gdt_limit20(got));
        arm();
        rv_int81_ss_esp(E_STACK << 3 | 1, t - SS_BASE);
    } else if (strcmp(v, "entry-hole") == 0) {
        printk("review-crash: stack_switch: %d\n", HYPERVISOR_stack_switch(FLAT_RING1_DS, t));
        user_fast_trap(0);
        arm();
        run_user(u_bounced);
    } else if (strcmp(v, "entry-sel") == 0) {
        printk("review-crash: stack_switch: %d\n",
               HYPERVISOR_stack_switch(0x0811, user_entry_stack_top()));
        user_fast_trap(0);
        arm();
        run_user(u_bounced);
    } else if (strcmp(v, "entry-sel-hole") == 0) {
        printk("review-crash: stack_switch: %d\n", HYPERVISOR_stack_switch(0x0811, t));
        user_fast_trap(0);
        arm();
        run_user(u_bounced);
    } else if (strcmp(v, "entry-sel-fast") == 0) {
        printk("review-crash: stack_switch: %d\n",
               HYPERVISOR_stack_switch(0x0811, user_entry_stack_top()));
        arm();
        run_user(u_exit_now); /* a fast-trap int $0x80: the CPU loads SS from the TSS itself */
    } else if (strcmp(v, "upcall-hole") == 0) {
        pending_event();
        rv_upcall_on(t);
    } else if (strcmp(v, "backtrace-loop") == 0) {
        /* A frame-pointer chain that points at itself; the bounce fails (ESP unmapped). */
        static uint32_t frame[2];
        frame[0] = (uint32_t)frame;
        frame[1] = 0xc0000000u;
        arm();
        rv_bounce_with_ebp((uint32_t)frame, 0x40000000u);
    } else if (strcmp(v, "backtrace-hole") == 0) {
        /* A chain into the hypervisor: the report must not print what lies there. */
        const volatile uint32_t *h = (const volatile uint32_t *)t;
        printk("review-crash: words at the target: %#x %#x\n", h[0], h[1]);
        arm();
        rv_bounce_with_ebp(t, 0x40000000u);
    } else {
        printk("review-crash: unknown variant %s\n", v);
        return;
    }
    trap_probe.armed = 0;
    printk("review-crash: %s: FAILED, the guest carried on (%u exception(s), vector %#x at "
           "%#x)\n",
           v, trap_probe.hits, trap_probe.vector, trap_probe.eip);
}
