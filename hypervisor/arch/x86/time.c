/*
 * Time hardware: the TSC (calibrated against PIT channel 2 over 10 ms), PIT channel 0 as the
 * one-shot timer (mode 0, up to 65535 ticks of 1.193182 MHz), and the CMOS real-time clock.
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

void arch_time_init(void)
{
    const uint32_t count = PIT_HZ / 100; /* 10 ms */
    outb(PORT_B, (inb(PORT_B) & ~0x02) | 0x01);
    outb(PIT_CMD, 0xb0); /* channel 2, lobyte/hibyte, mode 0 */
    outb(PIT_CH2, count & 0xff);
    outb(PIT_CH2, count >> 8);
    uint64_t t0 = rdtsc();
    while (!(inb(PORT_B) & 0x20))
        ;
    uint64_t t1 = rdtsc();
    uint64_t hz = (t1 - t0) * 100;
    tsc_hz = hz > 0xffffffffull ? 0xffffffffu : (uint32_t)hz;
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
