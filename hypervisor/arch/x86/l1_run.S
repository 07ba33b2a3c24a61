/*
 * arch_l1_run: the common cases of a run of one L1's entries, mmu_update's bulk (fork, exec,
 * mmap). What it does is defined in C, l1_run_ref in hv/l1e_fast.h, with the rules of
 * core/page_type.c; this is the same, written out because the compiler keeps ten values live in
 * six registers and reloads some for every entry (docs/performance.md, "An L1 run in
 * assembly"). tests/unit/test_l1_run.c runs this file against l1_run_ref on random states.
 *
 * HV_FASTCALL const mmu_update_t *arch_l1_run(const mmu_update_t *r, uint32_t *l1)
 *     (regparm(3): r in EAX, l1 in EDX; the rest is l1_run_env, mm_update_run's)
 *
 * From r on, while a request is a plain update of an entry of the L1 mapped at l1 (ptr ^ run
 * has no RUN_KEY bit: its frame number is the run's and its command bits 0, and then it is the
 * entry's byte offset in the L1) and its new entry one of l1e_try_get's common cases (or
 * l1e_try_reuse's), the entry is applied: the new entry's references, the store, the old
 * entry's references given back as l1e_try_put does (and l1_run_env.replaced set when it was
 * present). Returns the first request not applied, with nothing changed for it (a count taken
 * speculatively is given back first): mm_update_run takes that one through l1e_get, which
 * refuses it with its reason or does the rare case. The requests are the hypervisor's own copy
 * (core/mmu_update.c's chunk) and end with a marker that is no plain update, so every run stops.
 *
 * Why each check is enough -- for a new entry, in l1e_try_get's order:
 *   - P set and none of L1_REFUSED_BITS (PAT, G, PCD, PWT): one test of val - 1. With P set,
 *     val - 1 is val without P; with P clear the borrow sets bit 0, so the test fails too, and
 *     the not-present case (nothing to take) is sorted out off the hot path.
 *   - the frame number below max_mfn: val below env.limit (val_limit(): max_mfn << 12, or
 *     0xffffffff with 2^20 frames, which has refused bits set anyway).
 *   - read-only: the frame's tag (owner, type, flags as one word) masked with TAG_MASK_RO is
 *     the guest's RAM.
 *   - writable: masked with TAG_MASK_RW, the guest's RAM of type NONE with no FF_TLB_L1 or
 *     FF_TLB_L2 leftover and a type count of 0 (the first writable mapping: type WRITABLE, type
 *     count 1, FF_TLB_WRITABLE cleared as get_page_type's tlb_before_type does); or the guest's
 *     RAM of type WRITABLE with a type count (one more); or (l1e_try_reuse) the guest's RAM of
 *     type NONE, no type count, with a TLB_L1/TLB_L2 leftover whose stamp is not tlbflush_clock
 *     (a full flush since: tlb_before_type would not flush; all three marks cleared). Anything
 *     else -- a table, a descriptor table, type NONE with a type count, a leftover that calls
 *     for a flush -- is no common case.
 *   - the count below FRAME_COUNT_MAX: incremented, and a wrap to 0 undone (decl) before the
 *     exit. The type count needs no test: it is at most the count, which was below the limit.
 * For the old entry (a validated L1's, so its frame was checked on the way in): read-only, the
 * count down (a count at 0 is an invariant broken: l1e_put, whose ASSERT says so); writable,
 * both counts down, and the last writable mapping gives the frame back to type NONE with the
 * TLB rule's FF_TLB_WRITABLE and stamp (tlb_note_release).
 *
 * Registers: ESI the request, EDI the L1, EBP the frame table, EAX the new entry, ECX the
 * entry's offset, EDX the frame's offset in the table (then the old entry), EBX the tag. The
 * environment's other words are memory operands (a global: one instruction each, as a register
 * would be, and no argument to push per run). EBP holds no frame pointer here; a call out
 * (l1e_put) first points it at the caller's saved one, so a backtrace from there is whole.
 */
#include <asm-offsets.h>
#include <public/xen.h> /* PTE_P, PTE_RW */

/* A word of l1_run_env (hv/l1e_fast.h). */
#define ENV(field) l1_run_env + L1_RUN_ENV_##field
/* A frame's field: EBP the table, EDX the frame's byte offset in it. */
#define F(field) FI_##field(%ebp,%edx)

    .text
    .globl arch_l1_run
    .type arch_l1_run, @function
    .align 16
arch_l1_run:
    push %ebp
    push %edi
    push %esi
    push %ebx
    mov %eax, %esi
    mov %edx, %edi
    mov ENV(FT), %ebp
    mov (%esi), %ecx
    xor ENV(RUN), %ecx
    test $L1_RUN_KEY, %ecx
    jnz .Lout

/* The new entry, from the hot path's point of view: a frame's first writable mapping. */
.Lentry:
    mov 4(%esi), %eax
    lea -1(%eax), %edx
    test $(L1_REFUSED | PTE_P), %edx
    jnz .Lnot_present_or_refused
    cmp ENV(LIMIT), %eax
    jae .Lout
    shr $12, %edx                       /* (val - 1) >> 12 is the frame number: P was set */
    shl $4, %edx
    mov F(TAG), %ebx
    test $PTE_RW, %al
    jz .Lread_only
    and $L1_TAG_MASK_RW, %ebx
    cmp ENV(UNTYPED), %ebx
    jne .Lwritable_typed
    cmpl $0, F(TYPE_COUNT)
    jne .Lout
    incl F(COUNT)
    jz .Lcount_wrapped
    movl $1, F(TYPE_COUNT)
    movb $L1_FT_WRITABLE, F(TYPE)
    andb $(0xff & ~L1_FF_TLB_WRITABLE), F(FLAGS)

/* The store; the old entry's references when it was present. */
.Lstore:
    mov (%edi,%ecx), %edx
    mov %eax, (%edi,%ecx)
    test $PTE_P, %dl
    jnz .Lput_old
.Lnext:
    add $8, %esi
    mov (%esi), %ecx
    xor ENV(RUN), %ecx
    test $L1_RUN_KEY, %ecx
    jz .Lentry

.Lout:
    mov %esi, %eax
    pop %ebx
    pop %esi
    pop %edi
    pop %ebp
    ret

.Lnot_present_or_refused:
    test $PTE_P, %al
    jz .Lstore                          /* not present: nothing to take */
    jmp .Lout                           /* a refused bit: l1e_get refuses it */

.Lread_only:
    and $L1_TAG_MASK_RO, %ebx
    cmp ENV(RAM), %ebx
    jne .Lout
    incl F(COUNT)
    jnz .Lstore
.Lcount_wrapped:                        /* it was FRAME_COUNT_MAX: as it was, l1e_get's */
    decl F(COUNT)
    jmp .Lout

.Lwritable_typed:
    cmp ENV(WRITABLE), %ebx
    jne .Lreused_table
    cmpl $0, F(TYPE_COUNT)
    je .Lout
    incl F(COUNT)
    jz .Lcount_wrapped
    incl F(TYPE_COUNT)
    jmp .Lstore

/* l1e_try_reuse: untyped but for a table's TLB leftover, with a flush since its stamp. */
.Lreused_table:
    and $L1_TAG_MASK_TYPE, %ebx
    cmp ENV(UNTYPED), %ebx
    jne .Lout
    cmpl $0, F(TYPE_COUNT)
    jne .Lout
    mov tlbflush_clock, %ebx
    cmp %ebx, F(STAMP)
    je .Lout                            /* a flush is owed: get_page_type's */
    incl F(COUNT)
    jz .Lcount_wrapped
    movl $1, F(TYPE_COUNT)
    movb $L1_FT_WRITABLE, F(TYPE)
    andb $(0xff & ~L1_FF_TLB_STALE), F(FLAGS)
    jmp .Lstore

/* EDX the old entry (present); the request's own work is done but for these references. */
.Lput_old:
    movl $1, ENV(REPLACED)
    mov %edx, %eax
    shr $12, %edx
    shl $4, %edx
    test $PTE_RW, %al
    jz .Lput_read_only
    decl F(COUNT)
    decl F(TYPE_COUNT)
    jnz .Lnext
    orb $L1_FF_TLB_WRITABLE, F(FLAGS)    /* its last writable mapping: tlb_note_release */
    mov tlbflush_clock, %eax
    mov %eax, F(STAMP)
    movb $L1_FT_NONE, F(TYPE)
    jmp .Lnext
.Lput_read_only:
    cmpl $0, F(COUNT)
    je .Lput_count_zero
    decl F(COUNT)
    jmp .Lnext
.Lput_count_zero:                       /* l1e_put(old): its ASSERT; EBP a frame pointer again */
    push %ebp
    lea 16(%esp), %ebp                  /* the caller's saved EBP, below our return address */
    push %eax
    call l1e_put
    add $4, %esp
    pop %ebp
    jmp .Lnext
    .size arch_l1_run, . - arch_l1_run
