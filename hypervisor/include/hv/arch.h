/* Hooks the architecture code provides to the core (hypervisor/arch/x86 implements them). */
#ifndef HV_ARCH_H
#define HV_ARCH_H

#include <stddef.h>
#include <stdint.h>
#include "hv/fastcall.h"
#include "hv/frame.h"
#include "hv/regs.h"

struct domain;

void arch_desc_tables_init(void);
void arch_cpu_init(void);    /* CR0/CR4 features (WP, SMEP where present), PIC masked */
void arch_paging_init(void); /* drops the boot identity map, fills hypervisor L2 slots */
void arch_set_guest_stack(uint16_t ss, uint32_t esp); /* TSS ss1/esp1 */

/* Machine memory access. */
struct mem_range arch_hv_image(void);           /* machine range of the hypervisor image */
HV_FASTCALL void *arch_map_frame(uint32_t mfn); /* one frame through the mapping window */
HV_FASTCALL void arch_unmap_frame(void *va);
void *arch_vmap(uint32_t maddr, uint32_t len); /* contiguous machine range, boot modules */
void arch_vunmap(void *va, uint32_t len);
int arch_is_directmapped(uint32_t mfn);
void *arch_directmap(uint32_t mfn);        /* only for frames below the direct-map limit */
uint32_t arch_virt_to_mfn(const void *va); /* for hypervisor image/heap addresses */
void arch_m2p_set(uint32_t mfn, uint32_t pfn);
uint32_t arch_m2p_get(uint32_t mfn);
void arch_m2p_init(uint32_t max_mfn);

/* Domains. */
int arch_build_domain(struct domain *d, const char **why);
void arch_copy_hv_slots(uint32_t *l2);
void arch_enter_guest(struct domain *d) __attribute__((noreturn));
void arch_enter_frame(struct cpu_regs *frame) __attribute__((noreturn));

/* The guest's virtual CPU. */
void arch_idt_set_trap_gate(unsigned vec, uint16_t cs, uint32_t eip, unsigned dpl);
void arch_idt_reset_gate(unsigned vec);
void arch_fast_trap_reset(struct domain *d);
void arch_fast_trap_refresh(struct domain *d); /* the gate follows traps[fast_trap] */
void arch_load_debugreg(unsigned reg, uint32_t value);

/* Guest MMU. */
/* Advances with every full TLB flush (every CR3 load); wraps, which costs at most an extra
 * flush. The TLB rule in core/page_type.c compares frame stamps with it. */
extern uint32_t tlbflush_clock;
void arch_flush_tlb(void);
void arch_invlpg(uint32_t va);
void arch_load_base(uint32_t l2_mfn); /* CR3 */
uint32_t arch_read_l2e(uint32_t l2_mfn, unsigned slot);
int arch_set_ldt(struct domain *d, uint32_t va, uint32_t entries, const char **why);
void arch_irq_window(void);
int arch_pic_in_service(
    unsigned irq); /* let pending interrupts in, in the middle of a long batch */

/* Power and debug exit. */
void arch_debug_exit(uint32_t code); /* isa-debug-exit on port 0xf4: QEMU exits (code<<1)|1 */
void arch_poweroff(void);
void arch_reboot(void);
void arch_halt(void) __attribute__((noreturn));
void arch_idle(void); /* halt until the next interrupt */
/* "(hv)   backtrace: EIP ret ret ...", walking saved frame pointers from ebp. */
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

#endif
