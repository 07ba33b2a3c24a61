/* Unit tests for guest/kernel/gfault.c: gfaults= and gfaultseed= (every malformed form refused,
 * the rates untouched then), and the generator (the rates drawn, a point at 0 never drawing,
 * the same seed making the same decisions). */
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "kernel/gfault.h"

TEST(rates_parsed)
{
    uint16_t r[GFAULT_POINTS] = {7, 7, 7};

    CHECK_EQ(gfault_parse_rates("page:1%,kmalloc:0.5%,lwip:0.01%", r), 0);
    CHECK_EQ(r[GFAULT_PAGE], 100);
    CHECK_EQ(r[GFAULT_KMALLOC], 50);
    CHECK_EQ(r[GFAULT_LWIP], 1);
    CHECK_EQ(gfault_parse_rates("lwip:100%", r), 0); /* the points not named are 0 */
    CHECK_EQ(r[GFAULT_PAGE], 0);
    CHECK_EQ(r[GFAULT_KMALLOC], 0);
    CHECK_EQ(r[GFAULT_LWIP], 10000);
    CHECK_EQ(gfault_parse_rates("kmalloc:2.25%,page:0%", r), 0);
    CHECK_EQ(r[GFAULT_KMALLOC], 225);
    CHECK_EQ(r[GFAULT_PAGE], 0);
    CHECK_EQ(gfault_parse_rates("page:007.5%", r), 0);
    CHECK_EQ(r[GFAULT_PAGE], 750);
}

TEST(rates_refused)
{
    const char *bad[] = {"",
                         "page",
                         "page:",
                         "page:1",
                         "page:%",
                         "page:101%",
                         "page:100.01%",
                         "page:1.234%",
                         "page:1.%x",
                         "page:-1%",
                         "page:99999%",
                         "disk:1%",
                         "Page:1%",
                         "pag:1%",
                         "pagee:1%",
                         "page:1%,",
                         ",page:1%",
                         "page:1%x",
                         "page:1% ",
                         "page:1%,bogus:2%",
                         "page:1%,page:2%",
                         "page:1%;kmalloc:1%",
                         "page=1%",
                         "page::1%"};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint16_t r[GFAULT_POINTS] = {7, 8, 9};
        if (gfault_parse_rates(bad[i], r) != -1) {
            harness_fail("'%s' accepted", bad[i]);
            return;
        }
        CHECK(r[0] == 7 && r[1] == 8 && r[2] == 9);
    }
}

TEST(seed)
{
    uint64_t s = 5;

    CHECK_EQ(gfault_parse_seed("77", &s), 0);
    CHECK_EQ(s, 77);
    CHECK_EQ(gfault_parse_seed("999999999", &s), 0);
    CHECK_EQ(s, 999999999);
    const char *bad[] = {"", "0", "000", "x", "1x", "-1", "1000000000", " 1"};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        s = 5;
        if (gfault_parse_seed(bad[i], &s) != -1 || s != 5) {
            harness_fail("gfaultseed '%s' accepted", bad[i]);
            return;
        }
    }
}

TEST(fire_rates)
{
    uint16_t none[GFAULT_POINTS] = {0}, some[GFAULT_POINTS] = {100, 10000, 5000};

    gfault_setup(none, 1);
    CHECK_EQ(gfault_on, 0);
    for (int i = 0; i < 1000; i++)
        CHECK_EQ(gfault_fire(GFAULT_PAGE), 0);
    gfault_setup(some, 42);
    CHECK_EQ(gfault_on, 1);
    CHECK_EQ(gfault_rate(GFAULT_LWIP), 5000);
    unsigned page = 0, km = 0, lw = 0;
    for (int i = 0; i < 100000; i++) {
        page += gfault_fire(GFAULT_PAGE);
        km += gfault_fire(GFAULT_KMALLOC);
        lw += gfault_fire(GFAULT_LWIP);
    }
    CHECK(page > 800 && page < 1200); /* 1% */
    CHECK_EQ(km, 100000);
    CHECK(lw > 48000 && lw < 52000);
    CHECK_EQ(gfault_injected[GFAULT_PAGE], page);
    CHECK_EQ(gfault_injected[GFAULT_LWIP], lw);
    CHECK_EQ(gfault_fire((enum gfault_point)GFAULT_POINTS), 0);
    /* the same seed, the same decisions; a point at 0 draws nothing, so it moves none */
    uint16_t page_only[GFAULT_POINTS] = {100, 0, 0};
    gfault_setup(page_only, 42);
    unsigned again = 0, first = 0;
    for (int i = 0; i < 1000; i++)
        first += (unsigned)gfault_fire(GFAULT_PAGE) << (i % 32);
    gfault_setup(page_only, 42);
    for (int i = 0; i < 1000; i++) {
        gfault_fire(GFAULT_KMALLOC);
        again += (unsigned)gfault_fire(GFAULT_PAGE) << (i % 32);
        gfault_fire(GFAULT_LWIP);
    }
    CHECK_EQ(again, first);
    CHECK_EQ(gfault_injected[GFAULT_KMALLOC], 0);
    gfault_setup(page_only, 43); /* another seed, other decisions */
    unsigned other = 0;
    for (int i = 0; i < 1000; i++)
        other += (unsigned)gfault_fire(GFAULT_PAGE) << (i % 32);
    CHECK(other != first);
}

RUN_TESTS(T(rates_parsed), T(rates_refused), T(seed), T(fire_rates))
