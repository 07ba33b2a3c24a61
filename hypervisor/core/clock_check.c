/*
 * clockcheck=N: is the calibrated TSC rate right? Measured inside the machine, against the RTC.
 *
 * The guest's clock is the TSC scaled by the rate the hypervisor calibrated at boot (ABI §10), so
 * a wrong calibration makes every sleep and timestamp wrong by the same factor. Checking that from
 * the host (when do two log lines appear?) fails on a loaded machine: the host notices lines late,
 * by any amount. Here both ends are read by the emulated CPU itself: the RTC's seconds register,
 * which the emulator derives from the host's clock at the moment of each read, and the TSC.
 *
 * An RTC second begins at a moment we bracket with two TSC readings (the read that still saw the
 * old second, the read that saw the new). If the emulator is descheduled inside a bracket, the
 * bracket is wide, but still true: the edge lies inside it. So N seconds of RTC lie between
 * (last.before - first.after) and (last.after - first.before) TSC ticks, and that range must meet
 * N * rate * (1 +- 2%). A range wider than the tolerance band proves nothing; it is measured again
 * (up to TRIES times). When every try was too wide (two CPU-bound processes beside the emulator
 * on 2 cores made brackets of 93-180 ms), the narrowest range is still judged as far as it can
 * be: wholly outside the band is FAILED (the rate is wrong whatever the host did), otherwise the
 * check is "inconclusive", which is not a failure: a busy host must not fail a test.
 */
#include "hv/console.h"
#include "hv/time.h"
#include "lib/format.h"

#define TOLERANCE_PPM 20000 /* 2%: a broken calibration is off by far more (65% seen) */
#define TRIES 5

struct edge {
    uint64_t before, after;
};

static int edge(struct edge *e)
{
    return arch_rtc_second_edge(&e->before, &e->after);
}

/* TSC ticks to microseconds at the calibrated rate. */
static uint64_t ticks_us(uint64_t ticks, uint32_t hz)
{
    uint32_t rem;
    return udiv64(ticks * 1000000u, hz, &rem);
}

void clock_check(unsigned seconds)
{
    uint32_t hz = arch_tsc_hz(), rem;
    int64_t expect_us = (int64_t)seconds * 1000000, slack_us = (int64_t)seconds * TOLERANCE_PPM;

    int64_t best_lo = 0, best_hi = -1;
    for (unsigned attempt = 1; attempt <= TRIES; attempt++) {
        struct edge first, last;
        if (!edge(&first)) {
            printk("clock check: the RTC's seconds do not advance: FAILED\n");
            return;
        }
        for (unsigned s = 0; s < seconds; s++)
            if (!edge(&last)) {
                printk("clock check: the RTC's seconds stopped: FAILED\n");
                return;
            }
        /* The N seconds, by the TSC at the calibrated rate, lie in lo..hi microseconds. */
        int64_t lo = (int64_t)ticks_us(last.before - first.after, hz);
        int64_t hi = (int64_t)ticks_us(last.after - first.before, hz);
        if (best_hi < 0 || hi - lo < best_hi - best_lo)
            best_lo = lo, best_hi = hi;
        if (hi - lo > slack_us) {
            printk("clock check: try %u: an edge bracketed by %u us, too wide to judge; "
                   "again\n",
                   attempt, (uint32_t)(hi - lo));
            continue;
        }
        int ok = hi >= expect_us - slack_us && lo <= expect_us + slack_us;
        int64_t off = lo + (hi - lo) / 2 - expect_us;
        uint32_t ppm = (uint32_t)udiv64((uint64_t)(off < 0 ? -off : off), seconds, &rem);
        printk("clock check: %u RTC seconds = %u..%u us by the TSC at %u Hz (%c%u ppm, "
               "tolerance %u): %s\n",
               seconds, (uint32_t)lo, (uint32_t)hi, hz, off < 0 ? '-' : '+', ppm, TOLERANCE_PPM,
               ok ? "ok" : "FAILED");
        return;
    }
    int outside = best_lo > expect_us + slack_us || best_hi < expect_us - slack_us;
    printk("clock check: %u RTC seconds = %u..%u us by the TSC at %u Hz, the narrowest of %u "
           "tries, all wider than the tolerance %u: %s\n",
           seconds, (uint32_t)best_lo, (uint32_t)best_hi, hz, TRIES, TOLERANCE_PPM,
           outside ? "FAILED" : "inconclusive (a busy host), not failed");
}
