/* The hypervisor's command line: space-separated options, then "--" and the guest's own line.
 * Words are handled as (pointer, length) slices of the original string; a word is copied only to
 * hand a NUL-terminated string to warn(). Bad input never fails the boot, the defaults stay. */
#include <stdint.h>

#include "hv/cmdline.h"
#include "lib/string.h"

#define WARN_WORD_MAX 64

struct word {
    const char *p;
    size_t n;
};

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int word_is(struct word w, const char *s)
{
    size_t n = strlen(s);
    return w.n == n && memcmp(w.p, s, n) == 0;
}

/* Does w start with "key="? If so, *val is the rest. */
static int word_key(struct word w, const char *key, struct word *val)
{
    size_t n = strlen(key);
    if (w.n <= n || memcmp(w.p, key, n) != 0 || w.p[n] != '=')
        return 0;
    val->p = w.p + n + 1;
    val->n = w.n - n - 1;
    return 1;
}

static void warn_word(void (*warn)(const char *, const char *), const char *msg, struct word w)
{
    char buf[WARN_WORD_MAX];
    size_t n = w.n < sizeof(buf) - 1 ? w.n : sizeof(buf) - 1;
    memcpy(buf, w.p, n);
    buf[n] = '\0';
    if (warn)
        warn(msg, buf);
}

/* com1, vga, or a comma list of both. 0 when any item is unknown or empty. */
static unsigned parse_console(struct word v)
{
    unsigned mask = 0;
    size_t start = 0;
    for (size_t i = 0; i <= v.n; i++) {
        if (i < v.n && v.p[i] != ',')
            continue;
        struct word item = {v.p + start, i - start};
        if (word_is(item, "com1"))
            mask |= CONSOLE_COM1;
        else if (word_is(item, "vga"))
            mask |= CONSOLE_VGA;
        else
            return 0;
        start = i + 1;
    }
    return mask;
}

static int has_equals(struct word w)
{
    for (size_t i = 0; i < w.n; i++)
        if (w.p[i] == '=')
            return 1;
    return 0;
}

/* Decimal with an optional K/M/G suffix; plain = bytes. 0 on garbage, zero or overflow. */
static uint64_t parse_mem(struct word v)
{
    uint64_t val = 0;
    size_t i = 0;
    unsigned shift = 0;

    for (; i < v.n && v.p[i] >= '0' && v.p[i] <= '9'; i++) {
        unsigned d = (unsigned)(v.p[i] - '0');
        if (val > UINT64_MAX / 10 || (val == UINT64_MAX / 10 && d > UINT64_MAX % 10))
            return 0;
        val = val * 10 + d;
    }
    if (i == 0)
        return 0;
    if (i + 1 == v.n) {
        switch (v.p[i]) {
        case 'k':
        case 'K':
            shift = 10;
            break;
        case 'm':
        case 'M':
            shift = 20;
            break;
        case 'g':
        case 'G':
            shift = 30;
            break;
        default:
            return 0;
        }
    } else if (i != v.n) {
        return 0;
    }
    if (val > (UINT64_MAX >> shift))
        return 0;
    return val << shift;
}

#define BAD_NUMBER UINT64_MAX

/* A plain decimal number (no suffix); BAD_NUMBER on garbage or overflow. */
static uint64_t parse_number(struct word v)
{
    uint64_t val = 0;
    if (v.n == 0 || v.n > 9)
        return BAD_NUMBER;
    for (size_t i = 0; i < v.n; i++) {
        if (v.p[i] < '0' || v.p[i] > '9')
            return BAD_NUMBER;
        val = val * 10 + (uint64_t)(v.p[i] - '0');
    }
    return val;
}

/* A plain decimal number from 0 to max into *out (left alone otherwise); 1 if it was one. */
static int parse_upto(struct word v, unsigned max, unsigned *out)
{
    uint64_t val = parse_number(v);
    if (val == BAD_NUMBER || val > max)
        return 0;
    *out = (unsigned)val;
    return 1;
}

/* A rate "N%", "N.N%" or "N.NN%" (N <= 100) in hundredths of a percent; -1 if malformed. */
static int parse_rate(struct word v)
{
    unsigned whole = 0, frac = 0, digits = 0, fdigits = 0;
    size_t i = 0;
    for (; i < v.n && v.p[i] >= '0' && v.p[i] <= '9' && digits < 4; i++, digits++)
        whole = whole * 10 + (unsigned)(v.p[i] - '0');
    if (digits == 0)
        return -1;
    if (i < v.n && v.p[i] == '.')
        for (i++; i < v.n && v.p[i] >= '0' && v.p[i] <= '9' && fdigits < 2; i++, fdigits++)
            frac = frac * 10 + (unsigned)(v.p[i] - '0');
    if (fdigits == 1)
        frac *= 10;
    if (i + 1 != v.n || v.p[i] != '%' || whole * 100 + frac > FAULT_RATE_MAX)
        return -1;
    return (int)(whole * 100 + frac);
}

/* faults=name:rate,... into rates[]; 0 (and rates[] untouched) when any item is bad. */
static int parse_faults(struct word v, uint16_t *rates)
{
    uint16_t got[FAULT_POINTS] = {0};
    size_t start = 0;
    for (size_t i = 0; i <= v.n; i++) {
        if (i < v.n && v.p[i] != ',')
            continue;
        struct word item = {v.p + start, i - start};
        start = i + 1;
        size_t colon = 0;
        while (colon < item.n && item.p[colon] != ':')
            colon++;
        struct word name = {item.p, colon};
        struct word rate = {item.p + colon + 1, colon < item.n ? item.n - colon - 1 : 0};
        unsigned p = 0;
        while (p < FAULT_POINTS && !word_is(name, fault_point_names[p]))
            p++;
        int r = colon < item.n ? parse_rate(rate) : -1;
        if (p == FAULT_POINTS || r < 0)
            return 0;
        got[p] = (uint16_t)r;
    }
    memcpy(rates, got, sizeof(got));
    return 1;
}

static void parse_option(struct word w, struct hv_options *o,
                         void (*warn)(const char *, const char *))
{
    struct word v;

    if (word_key(w, "console", &v)) {
        unsigned mask = parse_console(v);
        if (mask)
            o->console = mask;
        else
            warn_word(warn, "bad console= value (com1, vga or com1,vga)", w);
    } else if (word_key(w, "mem", &v)) {
        uint64_t bytes = parse_mem(v);
        if (bytes)
            o->mem_bytes = bytes;
        else
            warn_word(warn, "bad mem= value (a nonzero number, optional K/M/G)", w);
    } else if (word_key(w, "exit", &v)) {
        if (word_is(v, "auto"))
            o->exit = EXIT_AUTO;
        else if (word_is(v, "debug"))
            o->exit = EXIT_DEBUG;
        else if (word_is(v, "none"))
            o->exit = EXIT_NONE;
        else
            warn_word(warn, "bad exit= value (auto, debug or none)", w);
    } else if (word_key(w, "oncrash", &v)) {
        if (word_is(v, "halt"))
            o->on_crash = ON_CRASH_HALT;
        else if (word_is(v, "reboot"))
            o->on_crash = ON_CRASH_REBOOT;
        else if (word_is(v, "poweroff"))
            o->on_crash = ON_CRASH_POWEROFF;
        else
            warn_word(warn, "bad oncrash= value (reboot, halt or poweroff)", w);
    } else if (word_key(w, "crashdelay", &v)) {
        if (!parse_upto(v, CRASH_DELAY_MAX, &o->crash_delay))
            warn_word(warn, "bad crashdelay= value (seconds, 0 to 3600)", w);
    } else if (word_key(w, "refusallog", &v)) {
        if (!parse_upto(v, REFUSAL_LOG_MAX, &o->refusal_log))
            warn_word(warn, "bad refusallog= value (lines per second, 0 to 10000)", w);
    } else if (word_key(w, "clockcheck", &v)) {
        if (!parse_upto(v, CLOCK_CHECK_MAX, &o->clock_check))
            warn_word(warn, "bad clockcheck= value (seconds, 0 to 10)", w);
    } else if (word_key(w, "idlepoll", &v)) {
        if (!parse_upto(v, IDLE_POLL_MAX_US, &o->idle_poll_us))
            warn_word(warn, "bad idlepoll= value (microseconds, 0 to 10000)", w);
    } else if (word_key(w, "faults", &v)) {
        if (!parse_faults(v, o->fault_rate))
            warn_word(warn,
                      "bad faults= value (net_tx, net_rx, timer, evtchn as name:N%, "
                      "N from 0 to 100)",
                      w);
    } else if (word_key(w, "faultseed", &v)) {
        uint64_t s = parse_number(v);
        if (s != BAD_NUMBER && s != 0)
            o->fault_seed = s;
        else
            warn_word(warn, "bad faultseed= value (a number above 0)", w);
    } else if (word_key(w, "loglevel", &v)) {
        if (word_is(v, "info"))
            o->loglevel = LOG_INFO;
        else if (word_is(v, "debug"))
            o->loglevel = LOG_DEBUG;
        else
            warn_word(warn, "bad loglevel= value (info or debug)", w);
    } else if (word_key(w, "nettest", &v)) {
        if (word_is(v, "reset"))
            o->net_test_reset = 1;
        else
            warn_word(warn, "bad nettest= value (reset)", w);
    } else if (word_key(w, "txcsum", &v)) {
        if (word_is(v, "card"))
            o->tx_csum = TX_CSUM_CARD;
        else if (word_is(v, "off"))
            o->tx_csum = TX_CSUM_OFF;
        else if (word_is(v, "all"))
            o->tx_csum = TX_CSUM_ALL;
        else
            warn_word(warn, "bad txcsum= value (card, off or all)", w);
    } else if (word_key(w, "scrub", &v)) {
        if (word_is(v, "boot"))
            o->scrub = SCRUB_BOOT;
        else if (word_is(v, "all"))
            o->scrub = SCRUB_ALL;
        else if (word_is(v, "poison"))
            o->scrub = SCRUB_POISON;
        else
            warn_word(warn, "bad scrub= value (boot, all or poison)", w);
    } else if (word_key(w, "panic", &v)) {
        if (word_is(v, "test"))
            o->panic_test = 1;
        else
            warn_word(warn, "bad panic= value (test)", w);
    } else {
        warn_word(warn, "unknown option", w);
    }
}

/* The guest's line: everything after "--", trimmed at both ends, at most 255 bytes (what is cut
 * off is reported, its start quoted). */
static void set_guest_cmdline(const char *p, struct hv_options *o,
                              void (*warn)(const char *, const char *))
{
    while (is_space(*p))
        p++;
    size_t n = strlen(p);
    while (n > 0 && is_space(p[n - 1]))
        n--;
    if (n > MAX_GUEST_CMDLINE - 1) {
        struct word cut = {p + MAX_GUEST_CMDLINE - 1, n - (MAX_GUEST_CMDLINE - 1)};
        warn_word(warn, "guest command line longer than 255 bytes, cut before", cut);
        n = MAX_GUEST_CMDLINE - 1;
    }
    memcpy(o->guest_cmdline, p, n);
    o->guest_cmdline[n] = '\0';
}

void cmdline_parse(const char *line, struct hv_options *o,
                   void (*warn)(const char *msg, const char *word))
{
    memset(o, 0, sizeof(*o));
    o->console = CONSOLE_COM1 | CONSOLE_VGA;
    o->on_crash = ON_CRASH_REBOOT;
    o->crash_delay = CRASH_DELAY_DEFAULT;
    o->refusal_log = REFUSAL_LOG_DEFAULT;
    o->idle_poll_us = IDLE_POLL_DEFAULT_US;
    o->fault_seed = 1;
    if (line == NULL)
        return;

    const char *p = line;
    for (int first = 1;; first = 0) {
        while (is_space(*p))
            p++;
        if (*p == '\0')
            return;
        struct word w = {p, 0};
        while (p[w.n] != '\0' && !is_space(p[w.n]))
            w.n++;
        p += w.n;
        if (word_is(w, "--")) {
            set_guest_cmdline(p, o, warn);
            return;
        }
        /* GRUB and QEMU put the image path first; it holds no '='. */
        if (first && !has_equals(w))
            continue;
        parse_option(w, o, warn);
    }
}
