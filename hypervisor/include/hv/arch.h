/* Hooks the architecture code provides to the core (hypervisor/arch/x86 implements them). */
#ifndef HV_ARCH_H
#define HV_ARCH_H

#include <stddef.h>
#include <stdint.h>
#include "hv/cmdline.h"
#include "hv/fastcall.h"
#include "hv/frame.h"
#include "hv/regs.h"

struct domain;

void arch_desc_tables_init(void);
void arch_cpu_init(void);    /* CR0/CR4 features (WP, SMEP where present), PIC masked */
void arch_paging_init(void); /* drops the boot identity map, fills hypervisor L2 slots */

/* Machine memory access. */
struct mem_range arch_hv_image(void);           /* machine range of the hypervisor image */
HV_FASTCALL void *arch_map_frame(uint32_t mfn); /* one frame through the mapping window */
HV_FASTCALL void arch_unmap_frame(void *va);
/* The same, with a hit in the window's cache inline (the hot page-table paths): the first
 * ARCH_MAPWIN_CACHED window slots keep their mapping after an unmap, one frame each, at the
 * slot mfn % ARCH_MAPWIN_CACHED. A frame still mapped in its slot is taken there (one more
 * user); anything else is arch_map_frame. Pairs with arch_unmap_frame_fast. Host builds (the
 * unit tests, whose fake machine maps frames its own way) call the functions. */
#define ARCH_MAPWIN_VA 0xFFC00000u
#define ARCH_MAPWIN_CACHED 512u
extern uint32_t arch_mapwin_l1[], arch_mapwin_cached_mfn[];
extern uint8_t arch_mapwin_users[];
#if defined(__i386__)
static inline void *arch_map_frame_fast(uint32_t mfn)
{
    unsigned h = mfn % ARCH_MAPWIN_CACHED;
    if (arch_mapwin_cached_mfn[h] == mfn && (arch_mapwin_l1[h] & 1u)) {
        arch_mapwin_users[h]++;
        return (void *)(ARCH_MAPWIN_VA + (h << 12));
    }
    return arch_map_frame(mfn);
}
static inline void arch_unmap_frame_fast(void *va)
{
    unsigned i = ((uint32_t)va - ARCH_MAPWIN_VA) >> 12;
    if (i < ARCH_MAPWIN_CACHED)
        arch_mapwin_users[i]--;
    else
        arch_unmap_frame(va);
}
#else
#define arch_map_frame_fast arch_map_frame
#define arch_unmap_frame_fast arch_unmap_frame
#endif
void *arch_vmap(uint32_t maddr, uint32_t len); /* contiguous machine range, boot modules */
void arch_vunmap(void *va, uint32_t len);
int arch_is_directmapped(uint32_t mfn);
void *arch_directmap(uint32_t mfn); /* only for frames below the direct-map limit */
void arch_m2p_set(uint32_t mfn, uint32_t pfn);
void arch_m2p_init(uint32_t max_mfn);

/* Domains. */
/* Build d from its checked image (d->img) and d->nr_pages, its frames beyond the boot region
 * treated as scrub says (hv/cmdline.h); 0 or -errno with *why. */
int arch_build_domain(struct domain *d, enum scrub_mode scrub, const char **why);
void arch_copy_hv_slots(uint32_t *l2, uint32_t l2_mfn); /* of an L2 being validated */
void arch_enter_guest(struct domain *d) __attribute__((noreturn));

/* The guest's virtual CPU. */

/* Guest MMU. */
/* Advances with every full TLB flush (every CR3 load); wraps, which costs at most an extra
 * flush. The TLB rule in core/page_type.c compares frame stamps with it. */
extern uint32_t tlbflush_clock;
void arch_flush_tlb(void);
void arch_invlpg(uint32_t va);
void arch_load_base(uint32_t l2_mfn); /* CR3 */
/* The linear page table (arch/x86/paging.c's essay): every validated L2 maps itself, writable
 * and supervisor-only, at slot ARCH_LINEAR_SLOT, so the loaded address space's L2 entry of va
 * and its L1 entry of va (where that L2 entry is present) are words at fixed addresses. A
 * write through arch_linear_l1e also needs RW in the L2 entry of va. */
#define ARCH_LINEAR_VA 0xFE400000u
#define ARCH_LINEAR_SLOT 1017u
#if defined(__i386__)
static inline uint32_t arch_linear_l2e(uint32_t va)
{
    return ((const uint32_t *)(ARCH_LINEAR_VA + (ARCH_LINEAR_SLOT << 12)))[va >> 22];
}
static inline uint32_t *arch_linear_l1e(uint32_t va)
{
    return (uint32_t *)ARCH_LINEAR_VA + (va >> 12);
}
/* The same by page number (va >> 12), for a caller that has it. */
static inline uint32_t arch_linear_l2e_of_page(uint32_t page)
{
    return ((const uint32_t *)(ARCH_LINEAR_VA + (ARCH_LINEAR_SLOT << 12)))[page >> 10];
}
static inline uint32_t *arch_linear_l1e_of_page(uint32_t page)
{
    return (uint32_t *)ARCH_LINEAR_VA + page;
}
#endif
/* Entry `slot` of the L2 l2_mfn was stored: its page of the linear area is invalidated at once
 * when that L2 is the loaded one (the TLB may hold the old entry's L1 there). */
void arch_l2e_changed(uint32_t l2_mfn, unsigned slot);
int arch_set_ldt(struct domain *d, uint32_t va, uint32_t entries, const char **why);
void arch_irq_window(void); /* let pending interrupts in, in the middle of a long batch */

/* Power and debug exit. */
void arch_debug_exit(uint32_t code); /* isa-debug-exit on port 0xf4: QEMU exits (code<<1)|1 */
void arch_poweroff(void);
void arch_reboot(void);
void arch_halt(void) __attribute__((noreturn));
int arch_under_qemu(void);       /* QEMU's CPUID signature (TCG or KVM) */
void arch_delay_ms(uint32_t ms); /* busy wait, interrupts as they are */
void arch_idle(void);            /* halt until the next interrupt */
void arch_idle_begin(void);      /* idle from here (a poll), unless already so */
void arch_idle_end(void);        /* an interrupt entered: a halt or poll it ended ends here */
void arch_relax(void);           /* a spin loop's pause */
uint64_t arch_busy_cycles(void); /* TSC cycles since reset not spent idle (halted or polling) */
/* "(hv)   backtrace: EIP <name+off> RET <name+off> ...", walking saved frame pointers. */
void arch_backtrace(uint32_t eip, uint32_t ebp);
struct panic_state;
/* A panic from a trap frame: the frame, the stack it was on, the control registers. */
void arch_panic_fill(struct panic_state *s, const struct cpu_regs *r);
void arch_panic_test(void) __attribute__((noreturn)); /* panic=test: panic at once */

/* Console devices. */
void arch_serial_init(void);
void arch_serial_putc(char c);
int arch_serial_getc(void); /* -1 when no byte is waiting */
int arch_vga_init(void);    /* 0 when a text-mode buffer is usable */
void arch_vga_putc(char c);
struct boot_fb;
int arch_fb_init(const struct boot_fb *fb); /* 0 when the loader's framebuffer is usable */
void arch_fb_putc(char c);

#endif
