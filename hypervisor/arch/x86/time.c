/*
 * Time hardware: the TSC (calibrated against PIT channel 2 over about 30 ms), PIT channel 0 as
 * the one-shot timer (mode 0, up to 65535 ticks of 1.193182 MHz), and the CMOS real-time clock
 * (the date, and the edges of its seconds for clockcheck=).
 */
#include "hv/time.h"
#include "lib/format.h"
#include "x86.h"

#define PIT_HZ 1193182u
#define PIT_CH0 0x40
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61 /* bit 0: channel 2 gate, bit 1: speaker, bit 5: channel 2 output */

static uint32_t tsc_hz;
static uint64_t tsc_boot;

/*
 * TSC calibration against PIT channel 2. An emulator on a busy host can be descheduled for
 * milliseconds at any instruction, so waiting for the PIT to expire and reading the TSC then
 * overshoots (seen: +65% at a load of 10 on 2 cores). Instead each end of the window is a pair
 * (TSC, PIT count) read back to back, the pair with the narrowest TSC bracket of several tries:
 * a deschedule inside a few instructions is rare, and a wide bracket is seen and dropped.
 */
struct pit_sample {
    uint64_t tsc;   /* the middle of the bracket */
    uint64_t width; /* TSC ticks the bracket took */
    uint16_t count; /* channel 2's count then */
};

static uint16_t pit2_count(void)
{
    outb(PIT_CMD, 0x80); /* latch channel 2 */
    uint8_t lo = inb(PIT_CH2);
    return (uint16_t)(lo | inb(PIT_CH2) << 8);
}

static struct pit_sample pit_sample(void)
{
    struct pit_sample best = {0, ~0ull, 0};
    for (unsigned i = 0; i < 8; i++) {
        uint64_t a = rdtsc();
        uint16_t c = pit2_count();
        uint64_t b = rdtsc();
        if (b - a < best.width)
            best = (struct pit_sample){a + (b - a) / 2, b - a, c};
    }
    return best;
}

#define WINDOW_TICKS 36000u /* about 30 ms of the PIT's 1.193182 MHz */

/* TSC ticks per second over one window, or 0 if the counter may have wrapped. */
static uint64_t calibrate_once(void)
{
    outb(PORT_B, (inb(PORT_B) & ~0x02) | 0x01);
    outb(PIT_CMD, 0xb0); /* channel 2, lobyte/hibyte, mode 0 from 0xffff: 55 ms to 0 */
    outb(PIT_CH2, 0xff);
    outb(PIT_CH2, 0xff);
    struct pit_sample s0 = pit_sample();
    while ((uint16_t)(s0.count - pit2_count()) < WINDOW_TICKS && !(inb(PORT_B) & 0x20))
        ;
    struct pit_sample s1 = pit_sample();
    uint16_t ticks = (uint16_t)(s0.count - s1.count);
    if ((inb(PORT_B) & 0x20) || ticks < WINDOW_TICKS / 2) /* reached 0: a wrap cannot be told */
        return 0;
    uint32_t rem;
    return udiv64((s1.tsc - s0.tsc) * PIT_HZ, ticks, &rem);
}

void arch_time_init(void)
{
    uint64_t hz = 0;
    for (unsigned try = 0; try < 5 && hz == 0; try++)
        hz = calibrate_once();
    tsc_hz = hz == 0 ? 1000000000u : hz > 0xffffffffull ? 0xffffffffu : (uint32_t)hz;
    tsc_boot = rdtsc();
}

uint64_t arch_tsc(void)
{
    return rdtsc();
}
uint32_t arch_tsc_hz(void)
{
    return tsc_hz;
}

/* Exactly ticks * 1e9 / tsc_hz, the scaling the guest applies to cpu_freq (ABI §10), so the
 * two clocks agree to the nanosecond and the guest's never steps back at a new stamp. */
uint64_t arch_now_ns(void)
{
    uint32_t rem, rem2;
    uint64_t secs = udiv64(rdtsc() - tsc_boot, tsc_hz, &rem);
    return secs * 1000000000u + udiv64((uint64_t)rem * 1000000000u, tsc_hz, &rem2);
}

void arch_timer_oneshot(uint64_t ns)
{
    uint32_t rem;
    uint64_t ticks = udiv64(ns * PIT_HZ, 1000000000u, &rem);
    if (ns == 0) {
        outb(PIT_CMD, 0x30); /* mode 0 with no count written: the counter waits, no interrupt */
        return;
    }
    if (ticks == 0)
        ticks = 1;
    if (ticks > 0xffff)
        ticks = 0xffff;
    outb(PIT_CMD, 0x30); /* channel 0, lobyte/hibyte, mode 0: interrupt on terminal count */
    outb(PIT_CH0, ticks & 0xff);
    outb(PIT_CH0, (ticks >> 8) & 0xff);
}

static uint8_t cmos(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static unsigned from_bcd(uint8_t v, int binary)
{
    return binary ? v : (v >> 4) * 10 + (v & 15);
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static uint32_t days_from_civil(unsigned y, unsigned m, unsigned d)
{
    y -= m <= 2;
    unsigned era = y / 400, yoe = y - era * 400;
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

uint32_t arch_rtc_seconds(void)
{
    for (unsigned spin = 0; spin < 1000000 && (cmos(0x0a) & 0x80); spin++)
        ; /* wait out an update in progress */
    uint8_t b = cmos(0x0b);
    int binary = b & 0x04, h24 = b & 0x02;
    unsigned sec = from_bcd(cmos(0x00), binary), min = from_bcd(cmos(0x02), binary);
    uint8_t hraw = cmos(0x04);
    unsigned hour = from_bcd(hraw & 0x7f, binary);
    if (!h24 && (hraw & 0x80))
        hour = (hour % 12) + 12;
    unsigned day = from_bcd(cmos(0x07), binary), mon = from_bcd(cmos(0x08), binary);
    unsigned year = 2000 + from_bcd(cmos(0x09), binary);
    if (mon < 1 || mon > 12 || day < 1 || day > 31)
        return 0;
    return days_from_civil(year, mon, day) * 86400u + hour * 3600 + min * 60 + sec;
}

/* The RTC's seconds register; an update in progress reads as the second about to end. */
static uint8_t rtc_second(void)
{
    return cmos(0x00);
}

/* Waits for the RTC's next second to begin (at most about 2 s) and brackets that moment with
 * two TSC readings: it lies between the read that still saw the old second and the one that
 * saw the new. Returns 0 when no edge came (no RTC). */
int arch_rtc_second_edge(uint64_t *tsc_before, uint64_t *tsc_after)
{
    uint64_t limit = rdtsc() + 3ull * tsc_hz;
    uint64_t prev_start = rdtsc();
    uint8_t first = rtc_second();
    for (;;) {
        uint64_t start = rdtsc();
        uint8_t now = rtc_second();
        uint64_t end = rdtsc();
        if (now != first) {
            *tsc_before = prev_start;
            *tsc_after = end;
            return 1;
        }
        if (end > limit)
            return 0;
        prev_start = start;
    }
}
