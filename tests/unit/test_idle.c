/* Unit tests for the idle loop's poll limit (hv/idle.h, idle_poll_next): Linux haltpoll's rule,
 * in TSC cycles. The numbers: a maximum of 200, a first growth to 50. */
#include <stdint.h>

#include "harness.h"
#include "hv/idle.h"

#define MAX 200
#define START 50

static uint64_t next(uint64_t limit, uint64_t blocked)
{
    return idle_poll_next(limit, blocked, MAX, START);
}

TEST(grows_from_nothing_to_the_start)
{
    CHECK_EQ(next(0, 1), START);
    CHECK_EQ(next(0, MAX), START);
    CHECK_EQ(next(10, 20), START); /* doubled is still below the start */
}

TEST(grows_by_doubling_up_to_the_maximum)
{
    CHECK_EQ(next(START, START + 1), 2 * START);
    CHECK_EQ(next(2 * START, MAX), MAX);
    CHECK_EQ(next(150, 151), MAX); /* 300 is clamped */
    CHECK_EQ(next(MAX, MAX), MAX); /* at the maximum a block of the maximum changes nothing */
}

TEST(stays_when_the_poll_would_have_caught_it)
{
    CHECK_EQ(next(START, START), START); /* not longer than the limit */
    CHECK_EQ(next(START, 1), START);
    CHECK_EQ(next(MAX, 0), MAX);
}

TEST(halves_when_no_poll_could_have_caught_it)
{
    CHECK_EQ(next(MAX, MAX + 1), MAX / 2);
    CHECK_EQ(next(START, 1000000), START / 2);
    CHECK_EQ(next(1, MAX + 1), 0);
    CHECK_EQ(next(0, MAX + 1), 0); /* off stays off until a short block */
}

TEST(a_run_of_short_blocks_reaches_the_maximum_and_long_ones_end_it)
{
    uint64_t limit = 0;
    for (int i = 0; i < 3; i++)
        limit = next(limit, 30);
    CHECK_EQ(limit, START); /* 0 -> 50; a block of 30 within 50 keeps it */
    limit = next(next(limit, 150), 150);
    CHECK_EQ(limit, MAX); /* 50 -> 100 -> 200 */
    for (int i = 0; i < 20; i++)
        limit = next(limit, 10 * MAX);
    CHECK_EQ(limit, 0);
}

RUN_TESTS(T(grows_from_nothing_to_the_start), T(grows_by_doubling_up_to_the_maximum),
          T(stays_when_the_poll_would_have_caught_it), T(halves_when_no_poll_could_have_caught_it),
          T(a_run_of_short_blocks_reaches_the_maximum_and_long_ones_end_it))
