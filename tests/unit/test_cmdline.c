/* Unit tests for core/cmdline.c: defaults, the image path, each option, warnings for bad values
 * (once per word), and the guest's line after "--" (trimmed, inner spacing kept, truncated). */
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "hv/cmdline.h"

/* warn() records what it was told so tests can assert on it. */
static unsigned nwarn;
static char last_msg[128], last_word[128];

static void record_warn(const char *msg, const char *word)
{
    nwarn++;
    snprintf(last_msg, sizeof(last_msg), "%s", msg);
    snprintf(last_word, sizeof(last_word), "%s", word);
}

static void parse(const char *line, struct hv_options *o)
{
    nwarn = 0;
    last_msg[0] = last_word[0] = '\0';
    memset(o, 0xa5, sizeof(*o)); /* cmdline_parse must set every field itself */
    cmdline_parse(line, o, record_warn);
}

TEST(defaults)
{
    struct hv_options o;
    parse("", &o);
    CHECK_EQ(o.console, CONSOLE_COM1 | CONSOLE_VGA);
    CHECK_EQ(o.mem_bytes, 0);
    CHECK_EQ(o.exit, EXIT_AUTO);
    CHECK_EQ(o.on_crash, ON_CRASH_REBOOT);
    CHECK_EQ(o.crash_delay, 10);
    CHECK_EQ(o.loglevel, LOG_INFO);
    CHECK_STR(o.guest_cmdline, "");
    CHECK_EQ(nwarn, 0);
    parse("/boot/hv.elf", &o);
    CHECK_EQ(nwarn, 0);
    CHECK_EQ(o.console, CONSOLE_COM1 | CONSOLE_VGA);
}

TEST(path_skipped_only_first)
{
    struct hv_options o;
    parse("/boot/hv.elf exit=debug", &o);
    CHECK_EQ(nwarn, 0);
    CHECK_EQ(o.exit, EXIT_DEBUG);
    /* A first word with '=' is an option, not a path. */
    parse("exit=debug mem=1M", &o);
    CHECK_EQ(nwarn, 0);
    CHECK_EQ(o.exit, EXIT_DEBUG);
    CHECK_EQ(o.mem_bytes, 1u << 20);
    /* A second '='-less word is an unknown option. */
    parse("/boot/hv.elf stray", &o);
    CHECK_EQ(nwarn, 1);
    CHECK_STR(last_msg, "unknown option");
    CHECK_STR(last_word, "stray");
}

TEST(console)
{
    struct hv_options o;
    parse("hv console=com1", &o);
    CHECK_EQ(o.console, CONSOLE_COM1);
    parse("hv console=vga", &o);
    CHECK_EQ(o.console, CONSOLE_VGA);
    parse("hv console=com1,vga", &o);
    CHECK_EQ(o.console, CONSOLE_COM1 | CONSOLE_VGA);
    parse("hv console=vga,com1", &o);
    CHECK_EQ(o.console, CONSOLE_COM1 | CONSOLE_VGA);
    CHECK_EQ(nwarn, 0);
    static const char *bad[] = {"hv console=",     "hv console=com2", "hv console=com1,",
                                "hv console=,vga", "hv console=COM1", "hv console=com1vga"};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        parse(bad[i], &o);
        CHECK_EQ(nwarn, 1);
        CHECK_EQ(o.console, CONSOLE_COM1 | CONSOLE_VGA);
        CHECK_STR(last_word, strchr(bad[i], ' ') + 1);
    }
}

TEST(mem_values)
{
    static const struct {
        const char *line;
        uint64_t bytes;
    } ok[] = {
        {"hv mem=64M", 64ull << 20},   {"hv mem=64m", 64ull << 20}, {"hv mem=512k", 512ull << 10},
        {"hv mem=2G", 2ull << 30},     {"hv mem=1g", 1ull << 30},   {"hv mem=4096", 4096},
        {"hv mem=16777216", 16777216},
    };
    struct hv_options o;
    for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        parse(ok[i].line, &o);
        CHECK_EQ(nwarn, 0);
        CHECK_EQ(o.mem_bytes, ok[i].bytes);
    }
}

TEST(mem_bad_values_warned)
{
    static const char *bad[] = {"hv mem=0",
                                "hv mem=0M",
                                "hv mem=",
                                "hv mem=M",
                                "hv mem=64MB",
                                "hv mem=12x",
                                "hv mem=-5",
                                "hv mem=0x100",
                                "hv mem=99999999999999999999",
                                "hv mem=17179869184G",
                                "hv mem= 5"};
    struct hv_options o;
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        parse(bad[i], &o);
        CHECK(nwarn >= 1);
        CHECK_EQ(o.mem_bytes, 0);
        /* "mem= 5" also warns about the stray "5"; the mem= warning must come first. */
        if (nwarn == 1)
            CHECK_STR(last_msg, "bad mem= value (a nonzero number, optional K/M/G)");
    }
    /* A bad value keeps an earlier good one. */
    parse("hv mem=32M mem=zero", &o);
    CHECK_EQ(nwarn, 1);
    CHECK_EQ(o.mem_bytes, 32ull << 20);
    CHECK_STR(last_word, "mem=zero");
}

TEST(exit_and_oncrash)
{
    struct hv_options o;
    parse("hv exit=debug oncrash=halt", &o);
    CHECK_EQ(nwarn, 0);
    CHECK_EQ(o.exit, EXIT_DEBUG);
    CHECK_EQ(o.on_crash, ON_CRASH_HALT);
    parse("hv exit=debug exit=none oncrash=halt oncrash=poweroff", &o);
    CHECK_EQ(nwarn, 0);
    CHECK_EQ(o.exit, EXIT_NONE);
    CHECK_EQ(o.on_crash, ON_CRASH_POWEROFF);
    parse("hv exit=none exit=auto oncrash=reboot", &o);
    CHECK_EQ(o.exit, EXIT_AUTO);
    CHECK_EQ(o.on_crash, ON_CRASH_REBOOT);
    parse("hv exit=qemu", &o);
    CHECK_EQ(nwarn, 1);
    CHECK_STR(last_msg, "bad exit= value (auto, debug or none)");
    CHECK_STR(last_word, "exit=qemu");
    parse("hv oncrash=explode", &o);
    CHECK_EQ(nwarn, 1);
    CHECK_EQ(o.on_crash, ON_CRASH_REBOOT);
    CHECK_STR(last_msg, "bad oncrash= value (reboot, halt or poweroff)");
}

TEST(crashdelay_and_loglevel)
{
    struct hv_options o;
    parse("hv crashdelay=0 loglevel=debug", &o);
    CHECK_EQ(nwarn, 0);
    CHECK_EQ(o.crash_delay, 0);
    CHECK_EQ(o.loglevel, LOG_DEBUG);
    parse("hv crashdelay=3600 loglevel=debug loglevel=info", &o);
    CHECK_EQ(o.crash_delay, 3600);
    CHECK_EQ(o.loglevel, LOG_INFO);
    const char *bad[] = {"hv crashdelay=3601", "hv crashdelay=-1",
                         "hv crashdelay=", "hv crashdelay=5s", "hv crashdelay=99999999999"};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        parse(bad[i], &o);
        CHECK_EQ(nwarn, 1);
        CHECK_EQ(o.crash_delay, 10);
        CHECK_STR(last_msg, "bad crashdelay= value (seconds, 0 to 3600)");
    }
    parse("hv loglevel=7", &o);
    CHECK_EQ(nwarn, 1);
    CHECK_STR(last_msg, "bad loglevel= value (info or debug)");
    CHECK_STR(last_word, "loglevel=7");
}

TEST(clockcheck)
{
    struct hv_options o;
    parse("hv", &o);
    CHECK_EQ(o.clock_check, 0);
    parse("hv clockcheck=3", &o);
    CHECK_EQ(nwarn, 0);
    CHECK_EQ(o.clock_check, 3);
    parse("hv clockcheck=10 clockcheck=0", &o);
    CHECK_EQ(o.clock_check, 0);
    const char *bad[] = {"hv clockcheck=11", "hv clockcheck=-1",
                         "hv clockcheck=", "hv clockcheck=2s", "hv clockcheck=4294967298"};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        parse(bad[i], &o);
        CHECK_EQ(nwarn, 1);
        CHECK_EQ(o.clock_check, 0);
        CHECK_STR(last_msg, "bad clockcheck= value (seconds, 0 to 10)");
    }
}

TEST(faults)
{
    struct hv_options o;
    parse("hv", &o);
    for (unsigned i = 0; i < FAULT_POINTS; i++)
        CHECK_EQ(o.fault_rate[i], 0);
    CHECK_EQ(o.fault_seed, 1);
    parse("hv faults=net_tx:1%,net_rx:0.5%,timer:100%,evtchn:0.01% faultseed=77", &o);
    CHECK_EQ(nwarn, 0);
    CHECK_EQ(o.fault_rate[FAULT_NET_TX], 100);
    CHECK_EQ(o.fault_rate[FAULT_NET_RX], 50);
    CHECK_EQ(o.fault_rate[FAULT_TIMER], 10000);
    CHECK_EQ(o.fault_rate[FAULT_EVTCHN], 1);
    CHECK_EQ(o.fault_seed, 77);
    parse("hv faults=timer:2.25%", &o);
    CHECK_EQ(o.fault_rate[FAULT_TIMER], 225);
    CHECK_EQ(o.fault_rate[FAULT_NET_TX], 0);
    const char *bad[] = {"hv faults=",
                         "hv faults=net_tx",
                         "hv faults=net_tx:1",
                         "hv faults=net_tx:%",
                         "hv faults=net_tx:101%",
                         "hv faults=net_tx:1.234%",
                         "hv faults=disk:1%",
                         "hv faults=net_tx:1%,",
                         "hv faults=net_tx:1%x",
                         "hv faults=net_tx:-1%",
                         "hv faults=net_tx:1%,bogus:2%",
                         "hv faults=net_tx:99999%"};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        parse(bad[i], &o);
        CHECK_EQ(nwarn, 1);
        for (unsigned p = 0; p < FAULT_POINTS; p++)
            CHECK_EQ(o.fault_rate[p], 0);
        CHECK_STR(last_msg, "bad faults= value (net_tx, net_rx, timer, evtchn as name:N%, N from 0 "
                            "to 100)");
    }
    const char *badseed[] = {"hv faultseed=0", "hv faultseed=", "hv faultseed=x"};
    for (unsigned i = 0; i < sizeof(badseed) / sizeof(badseed[0]); i++) {
        parse(badseed[i], &o);
        CHECK_EQ(nwarn, 1);
        CHECK_EQ(o.fault_seed, 1);
    }
}

TEST(fault_fire_rates)
{
    uint16_t none[FAULT_POINTS] = {0}, some[FAULT_POINTS] = {100, 0, 10000, 5000};
    fault_setup(none, 1);
    CHECK_EQ(fault_enabled(), 0);
    for (int i = 0; i < 1000; i++)
        CHECK_EQ(fault_fire(FAULT_NET_TX), 0);
    fault_setup(some, 42);
    CHECK_EQ(fault_enabled(), 1);
    unsigned tx = 0, rx = 0, timer = 0, ev = 0;
    for (int i = 0; i < 100000; i++) {
        tx += fault_fire(FAULT_NET_TX);
        rx += fault_fire(FAULT_NET_RX);
        timer += fault_fire(FAULT_TIMER);
        ev += fault_fire(FAULT_EVTCHN);
    }
    CHECK(tx > 800 && tx < 1200); /* 1% */
    CHECK_EQ(rx, 0);
    CHECK_EQ(timer, 100000);
    CHECK(ev > 48000 && ev < 52000);
    CHECK_EQ(fault_injected[FAULT_NET_TX], tx);
    CHECK_EQ(fault_injected[FAULT_TIMER], 100000);
    /* the same seed, the same decisions */
    fault_setup(some, 42);
    unsigned again = 0;
    for (int i = 0; i < 100000; i++) {
        again += fault_fire(FAULT_NET_TX);
        fault_fire(FAULT_NET_RX);
        fault_fire(FAULT_TIMER);
        fault_fire(FAULT_EVTCHN);
    }
    CHECK_EQ(again, tx);
}

TEST(refusallog)
{
    struct hv_options o;
    parse("hv", &o);
    CHECK_EQ(o.refusal_log, 50);
    parse("hv refusallog=0", &o);
    CHECK_EQ(nwarn, 0);
    CHECK_EQ(o.refusal_log, 0);
    parse("hv refusallog=10000", &o);
    CHECK_EQ(o.refusal_log, 10000);
    const char *bad[] = {"hv refusallog=10001", "hv refusallog=", "hv refusallog=x"};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        parse(bad[i], &o);
        CHECK_EQ(nwarn, 1);
        CHECK_EQ(o.refusal_log, 50);
        CHECK_STR(last_msg, "bad refusallog= value (lines per second, 0 to 10000)");
    }
}

TEST(idlepoll)
{
    struct hv_options o;
    parse("hv", &o);
    CHECK_EQ(o.idle_poll_us, 200);
    parse("hv idlepoll=0", &o);
    CHECK_EQ(nwarn, 0);
    CHECK_EQ(o.idle_poll_us, 0);
    parse("hv idlepoll=10000", &o);
    CHECK_EQ(o.idle_poll_us, 10000);
    const char *bad[] = {"hv idlepoll=10001", "hv idlepoll=", "hv idlepoll=50us"};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        parse(bad[i], &o);
        CHECK_EQ(nwarn, 1);
        CHECK_EQ(o.idle_poll_us, 200);
        CHECK_STR(last_msg, "bad idlepoll= value (microseconds, 0 to 10000)");
    }
}

TEST(panic_test)
{
    struct hv_options o;
    parse("hv exit=debug", &o);
    CHECK_EQ(o.panic_test, 0);
    parse("hv exit=debug panic=test", &o);
    CHECK_EQ(nwarn, 0);
    CHECK_EQ(o.panic_test, 1);
    parse("hv panic=now", &o);
    CHECK_EQ(nwarn, 1);
    CHECK_EQ(o.panic_test, 0);
    CHECK_STR(last_msg, "bad panic= value (test)");
    CHECK_STR(last_word, "panic=now");
}

TEST(nettest_reset)
{
    struct hv_options o;
    parse("hv exit=debug", &o);
    CHECK_EQ(o.net_test_reset, 0);
    parse("hv nettest=reset", &o);
    CHECK_EQ(nwarn, 0);
    CHECK_EQ(o.net_test_reset, 1);
    parse("hv nettest=crash", &o);
    CHECK_EQ(nwarn, 1);
    CHECK_EQ(o.net_test_reset, 0);
    CHECK_STR(last_msg, "bad nettest= value (reset)");
}

TEST(tx_csum_modes)
{
    struct hv_options o;
    parse("hv exit=debug", &o);
    CHECK_EQ(o.tx_csum, TX_CSUM_CARD);
    parse("hv txcsum=off", &o);
    CHECK_EQ(nwarn, 0);
    CHECK_EQ(o.tx_csum, TX_CSUM_OFF);
    parse("hv txcsum=all", &o);
    CHECK_EQ(o.tx_csum, TX_CSUM_ALL);
    parse("hv txcsum=all txcsum=card", &o);
    CHECK_EQ(o.tx_csum, TX_CSUM_CARD);
    parse("hv txcsum=on", &o);
    CHECK_EQ(nwarn, 1);
    CHECK_EQ(o.tx_csum, TX_CSUM_CARD);
    CHECK_STR(last_msg, "bad txcsum= value (card, off or all)");
}

TEST(scrub_modes)
{
    struct hv_options o;
    parse("hv exit=debug", &o);
    CHECK_EQ(o.scrub, SCRUB_BOOT);
    parse("hv scrub=all", &o);
    CHECK_EQ(nwarn, 0);
    CHECK_EQ(o.scrub, SCRUB_ALL);
    parse("hv scrub=poison", &o);
    CHECK_EQ(nwarn, 0);
    CHECK_EQ(o.scrub, SCRUB_POISON);
    parse("hv scrub=all scrub=boot", &o);
    CHECK_EQ(o.scrub, SCRUB_BOOT);
    parse("hv scrub=some", &o);
    CHECK_EQ(nwarn, 1);
    CHECK_EQ(o.scrub, SCRUB_BOOT);
    CHECK_STR(last_msg, "bad scrub= value (boot, all or poison)");
    CHECK_STR(last_word, "scrub=some");
}

TEST(unknown_warned_once_each)
{
    struct hv_options o;
    parse("hv foo=1 exit=debug bar\tconsole=vga", &o);
    CHECK_EQ(nwarn, 2);
    CHECK_STR(last_word, "bar");
    CHECK_EQ(o.exit, EXIT_DEBUG);
    CHECK_EQ(o.console, CONSOLE_VGA);
    /* "exitx=debug" and "exit" must not be mistaken for exit=. */
    parse("hv exitx=debug exit", &o);
    CHECK_EQ(nwarn, 2);
    CHECK_EQ(o.exit, EXIT_AUTO);
}

TEST(guest_cmdline_split)
{
    struct hv_options o;
    parse("hv exit=debug --   init=/bin/sh  quiet   ", &o);
    CHECK_EQ(nwarn, 0);
    CHECK_EQ(o.exit, EXIT_DEBUG);
    CHECK_STR(o.guest_cmdline, "init=/bin/sh  quiet");
    /* Options after "--" belong to the guest. */
    parse("hv -- exit=debug mem=1M", &o);
    CHECK_EQ(o.exit, EXIT_AUTO);
    CHECK_EQ(o.mem_bytes, 0);
    CHECK_STR(o.guest_cmdline, "exit=debug mem=1M");
    /* "--" first: it is not a path. */
    parse("-- a b", &o);
    CHECK_STR(o.guest_cmdline, "a b");
    parse("hv --", &o);
    CHECK_STR(o.guest_cmdline, "");
    /* Only a standalone "--" splits. */
    parse("hv --x -- y", &o);
    CHECK_EQ(nwarn, 1);
    CHECK_STR(last_word, "--x");
    CHECK_STR(o.guest_cmdline, "y");
    parse("hv -- a -- b", &o);
    CHECK_STR(o.guest_cmdline, "a -- b");
}

TEST(guest_cmdline_truncated)
{
    char line[600], want[256];
    struct hv_options o;
    strcpy(line, "hv -- ");
    for (int i = 0; i < 400; i++)
        line[6 + i] = (char)('a' + i % 26);
    line[406] = '\0';
    memcpy(want, line + 6, 255);
    want[255] = '\0';
    parse(line, &o);
    CHECK_EQ(strlen(o.guest_cmdline), 255);
    CHECK_STR(o.guest_cmdline, want);
    /* The cut is reported, with the start of what was cut off. */
    CHECK_EQ(nwarn, 1);
    CHECK_STR(last_msg, "guest command line longer than 255 bytes, cut before");
    CHECK(strncmp(last_word, line + 6 + 255, strlen(last_word)) == 0 && last_word[0]);
    /* Exactly 255 bytes: nothing to say. */
    line[6 + 255] = '\0';
    parse(line, &o);
    CHECK_EQ(nwarn, 0);
    CHECK_EQ(strlen(o.guest_cmdline), 255);
}

TEST(long_bad_word_warned_truncated)
{
    char line[300];
    struct hv_options o;
    memset(line, 'z', sizeof(line));
    memcpy(line, "hv mem=", 7);
    line[sizeof(line) - 1] = '\0';
    parse(line, &o);
    CHECK_EQ(nwarn, 1);
    CHECK(strncmp(last_word, "mem=zzz", 7) == 0);
    CHECK(strlen(last_word) < 128);
}

TEST(null_warn_and_line)
{
    struct hv_options o;
    cmdline_parse("hv bogus mem=1K", &o, NULL);
    CHECK_EQ(o.mem_bytes, 1024);
    cmdline_parse(NULL, &o, NULL);
    CHECK_EQ(o.mem_bytes, 0);
    CHECK_EQ(o.console, CONSOLE_COM1 | CONSOLE_VGA);
}

RUN_TESTS(T(defaults), T(crashdelay_and_loglevel), T(clockcheck), T(faults), T(fault_fire_rates),
          T(refusallog), T(idlepoll), T(path_skipped_only_first), T(console), T(mem_values),
          T(mem_bad_values_warned), T(exit_and_oncrash), T(panic_test), T(nettest_reset),
          T(tx_csum_modes), T(scrub_modes), T(unknown_warned_once_each), T(guest_cmdline_split),
          T(guest_cmdline_truncated), T(long_bad_word_warned_truncated), T(null_warn_and_line))
