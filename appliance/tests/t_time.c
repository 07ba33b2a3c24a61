/* t_time: clocks and sleeping: CLOCK_MONOTONIC never goes back and moves on, CLOCK_REALTIME,
 * gettimeofday and time agree and are past 2020, nanosleep lasts at least what was asked (and not
 * absurdly longer), and bad arguments give EINVAL. Only pass/fail is printed, never a time. */
#include "check.h"

#include <sys/syscall.h>
#include <sys/time.h>

static long long ns_of(const struct timespec *ts)
{
    return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

int main(void)
{
    check_init();
    struct timespec mono, real;
    CHECK_INT(clock_gettime(CLOCK_MONOTONIC, &mono), 0, "clock_gettime(CLOCK_MONOTONIC)");
    CHECK(mono.tv_nsec >= 0 && mono.tv_nsec < 1000000000, "tv_nsec in range");
    CHECK_INT(clock_gettime(CLOCK_REALTIME, &real), 0, "clock_gettime(CLOCK_REALTIME)");
    CHECK(real.tv_sec > 1577836800, "the real-time clock is past 2020-01-01");

    struct timeval tv;
    CHECK_INT(gettimeofday(&tv, NULL), 0, "gettimeofday");
    CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000, "tv_usec in range");
    CHECK(tv.tv_sec - real.tv_sec >= 0 && tv.tv_sec - real.tv_sec <= 2,
          "gettimeofday agrees with CLOCK_REALTIME");
    time_t t = time(NULL);
    CHECK(t - real.tv_sec >= 0 && t - real.tv_sec <= 2, "time() agrees with CLOCK_REALTIME");

    /* Monotonic: never backwards over many reads, and it does move. */
    long long prev = ns_of(&mono), first = prev;
    int backwards = 0;
    for (int i = 0; i < 20000; i++) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        backwards += ns_of(&now) < prev;
        prev = ns_of(&now);
    }
    CHECK_INT(backwards, 0, "CLOCK_MONOTONIC never went back in 20000 reads");
    int moved = 0;
    for (int i = 0; i < 100 && !moved; i++) {
        struct timespec ms1 = {0, 1000000};
        nanosleep(&ms1, NULL);
        moved = check_now_ns() > first;
    }
    CHECK(moved, "CLOCK_MONOTONIC moves forward");

    /* A 20 ms sleep lasts at least 20 ms, and less than 5 s. */
    struct timespec req = {0, 20 * 1000000}, rem = {9, 9};
    long long t0 = check_now_ns();
    struct timespec r0;
    clock_gettime(CLOCK_REALTIME, &r0);
    CHECK_INT(nanosleep(&req, &rem), 0, "nanosleep 20 ms");
    long long slept = check_now_ns() - t0;
    CHECK(slept >= 20000000, "it lasted at least 20 ms (CLOCK_MONOTONIC)");
    CHECK(slept < 5000000000LL, "and less than 5 s");
    struct timespec r1;
    clock_gettime(CLOCK_REALTIME, &r1);
    CHECK(ns_of(&r1) - ns_of(&r0) >= 19000000, "CLOCK_REALTIME moved on by about as much");

    t0 = check_now_ns();
    req = (struct timespec){0, 150 * 1000000};
    nanosleep(&req, NULL);
    slept = check_now_ns() - t0;
    CHECK(slept >= 150000000 && slept < 5000000000LL, "nanosleep 150 ms: 150 ms .. 5 s");
    t0 = check_now_ns();
    CHECK_INT(usleep(10000), 0, "usleep 10 ms");
    CHECK(check_now_ns() - t0 >= 10000000, "it lasted at least 10 ms");
    req = (struct timespec){0, 0};
    CHECK_INT(nanosleep(&req, NULL), 0, "nanosleep of 0 returns at once");

    req = (struct timespec){0, 1000000000};
    CHECK_ERR(nanosleep(&req, NULL), EINVAL, "nanosleep with tv_nsec = 1e9");
    req = (struct timespec){-1, 0};
    CHECK_ERR(nanosleep(&req, NULL), EINVAL, "nanosleep with a negative tv_sec");
    CHECK_ERR(clock_gettime((clockid_t)12345, &mono), EINVAL, "clock_gettime of a bogus clock");

    /* The time-related system calls without libc in between (the old 32-bit forms). */
    long t32 = syscall(SYS_time, NULL);
    CHECK(t32 - real.tv_sec >= 0 && t32 - real.tv_sec <= 3, "SYS_time");
    long pair[2] = {0, 0};
    CHECK_INT(syscall(SYS_gettimeofday_time32, pair, NULL), 0, "SYS_gettimeofday");
    CHECK(pair[0] - real.tv_sec >= 0 && pair[0] - real.tv_sec <= 3, "its seconds agree");
    CHECK_INT(syscall(SYS_clock_gettime32, CLOCK_MONOTONIC, pair), 0, "SYS_clock_gettime (32-bit)");
    CHECK(pair[1] >= 0 && pair[1] < 1000000000, "its tv_nsec in range");
    return check_done();
}
