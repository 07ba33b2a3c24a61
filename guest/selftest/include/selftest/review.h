/* test=mmu-review: the second adversarial review of issue 18, played with the public ABI only.
 * Shared helpers of selftest/test_review*.c and the triggers of selftest/x86/review_triggers.S. */
#ifndef SELFTEST_REVIEW_H
#define SELFTEST_REVIEW_H

#include <stdint.h>
#include <public/hv_op.h>
#include <public/xen.h>

#define EXT MMU_EXTENDED_COMMAND
#define HOLE 0xFC400000u /* first byte past every guest segment */

/* One request; the refusal is the return value. */
int rv_mmu1(uint32_t ptr, uint32_t val);
/* update_va_mapping of the page at va, invalidating it. */
int rv_uvm(uint32_t va, uint32_t pte);
uint32_t rv_l2e(unsigned slot); /* machine address of the current L2's entry `slot` */
/* The first of n consecutive empty user slots of the boot L2 (0 if none). */
unsigned rv_free_slots(unsigned n);
/* A zeroed frame with its first word w0 (a pfn, not mapped anywhere). */
uint32_t rv_new_frame(uint32_t w0);
/* A frame whose entries 0..n-1 all hold val (a pfn, not mapped anywhere). */
uint32_t rv_filled_frame(uint32_t val, unsigned n);
/* Word i of a frame, read through a read-only scratch mapping (fine for any type). */
uint32_t rv_frame_word(uint32_t pfn, unsigned i);
/* The hypervisor's frame accounting now vs at rv_snapshot(): one check line. */
void rv_snapshot(void);
void rv_accounting(const char *what);

/* LSL of a selector: the byte limit, or -1 when the CPU refuses it (invalid or beyond). */
int64_t rv_lsl(uint32_t sel);

/* start_info, for the parts that need it (shared_info's frame). */
extern const start_info_t *rv_si;

/* Parts of the review (selftest/test_review*.c). */
void review_page_tables(void);
void review_costs(void);
void review_tlb(void);
void review_descriptors(void);
void review_cpu(void);
void review_calls(void);
void test_review_crash(const char *variant); /* test=mmu-review-VARIANT */

/* selftest/x86/review_triggers.S */
uint32_t rv_hypercall_df(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3); /* with DF = 1 */
uint32_t rv_hypercall_nt(uint32_t nr, uint32_t a1);                           /* with NT = 1 */
uint32_t rv_hypercall_movss(uint32_t nr); /* right after "mov mem, %ss" (rv_ss_word) */
extern volatile uint16_t rv_ss_word;
/* The hypercall made with FS = fs (reloaded by the hypervisor on its way out); FS put back. */
uint32_t rv_hypercall_fs(uint32_t fs, uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3);
void rv_spin_df(uint32_t loops);       /* a busy loop with DF = 1 */
uint32_t rv_hypercall_tf(uint32_t nr); /* with TF = 1 */
/* Counting handlers for vectors 1 and 0x81: hits and the last EIP. */
extern char rv_count_db[], rv_count_81[];
extern volatile uint32_t rv_db_hits, rv_db_eip, rv_81_hits, rv_81_eip;
void rv_int81_on(uint32_t stack_top); /* int $0x81 on another ring-1 stack */
extern char rv_count_mask[];          /* a handler noting upcall_mask on entry */
extern volatile uint32_t rv_mask_seen, rv_mask_hits;
extern char rv_int81_on_eip[];
void rv_int81_ss_esp(uint32_t ss, uint32_t esp); /* int $0x81 with that SS:ESP */
void rv_upcall_on(uint32_t esp);                 /* upcalls unmasked, a hypercall with that ESP */
/* SS:ESP as given, upcalls unmasked, hypercall nr(a1, a2, a3); SS and ESP put back. */
uint32_t rv_upcall_ss_call(uint32_t ss, uint32_t esp, uint32_t nr, uint32_t a1, uint32_t a2,
                           uint32_t a3);
void rv_bounce_with_ebp(uint32_t ebp, uint32_t esp); /* int $0x81 with that EBP and ESP */
void rv_fpu_fill(const void *pattern128);            /* fninit, XMM0-7 and ST0-7 from the pattern */
void rv_fxsave(void *area512);                       /* 16-byte aligned */
void rv_fpu_arm_pending(void); /* a pending x87 #MF (ZM unmasked, 1/0), MXCSR all unmasked */
void rv_fpu_disarm(void);      /* fnclex, fninit, default MXCSR */
void rv_sgdt(void *six), rv_sidt(void *six);
uint32_t rv_str(void);

#endif
