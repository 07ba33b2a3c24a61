/* Running one deliberate exception (selftest/x86/triggers.S) in ring 1 or ring 3 and checking what
 * the guest's handler got: vector, error code, saved CS ring, saved EIP, CR2. */
#ifndef SELFTEST_PROBE_H
#define SELFTEST_PROBE_H

#include <stdint.h>
#include <arch/x86/traps.h>

#define TRAP_BOUNCED 0x81 /* a DPL-3 software interrupt the hypervisor bounces, for the tests */

/* A test arms the probe, causes the exception, and reads what arrived. The handler records
 * the next exception whatever its vector, disarms, and continues at resume (0: retry the
 * same instruction). An exception with no armed probe is fatal (trap_handler). */
struct trap_probe {
    volatile int armed;
    uint32_t resume;
    volatile unsigned hits;
    uint32_t vector, error, cr2, eip, cs;
};
extern struct trap_probe trap_probe;

/* The self-tests' trap table: vectors 0-19 to the probe, the test system calls at 0x80 and the
 * bounced vector 0x81. */
void probe_traps_install(void);
void probe_trap(struct trap_frame *f);

#define PROBE_NONE 0xffffffffu /* vector: no exception may arrive */

struct probe_case {
    const char *name;
    unsigned ring;      /* 1: call fn; 3: run_user(fn) */
    void (*fn)(void);   /* k_NAME or u_NAME */
    const char *eip;    /* NAME_eip */
    const char *resume; /* NAME_resume, or 0 to retry the instruction */
    uint32_t vector, error;
    uint32_t arg; /* trig_arg (the address for page faults, also the expected CR2) */
};

/* Runs the case, prints one check line; returns 1 when it passed. */
int probe_run(const struct probe_case *c);
/* The two halves: run it (returns the exceptions seen), then check and print. */
unsigned probe_fire(const struct probe_case *c);
int probe_check(const struct probe_case *c);

extern volatile uint32_t trig_arg, trig_result;

/* Trigger symbols: TRIG_K(div) declares k_div, k_div_eip, k_div_resume; TRIG_U likewise. */
#define TRIG_K(n)            \
    extern void k_##n(void); \
    extern const char k_##n##_eip[], k_##n##_resume[]
#define TRIG_U(n)            \
    extern void u_##n(void); \
    extern const char u_##n##_eip[], u_##n##_resume[]
#define KCASE(title, n, v, err, a)                                    \
    {                                                                 \
        title, 1, k_##n, k_##n##_eip, k_##n##_resume, (v), (err), (a) \
    }
#define UCASE(title, n, v, err, a)                                    \
    {                                                                 \
        title, 3, u_##n, u_##n##_eip, u_##n##_resume, (v), (err), (a) \
    }

#endif
