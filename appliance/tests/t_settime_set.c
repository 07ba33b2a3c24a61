/* t_settime_set: clock_settime(CLOCK_REALTIME) moves the wall clock (time, gettimeofday,
 * clock_gettime and file times follow) and not the monotonic clock.
 * ring3-appliance-only (natively it would set the host's clock) */
#include "check.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>

int main(void)
{
    struct timespec mono0, mono1, ts = {1800000000, 500000000};
    struct timeval tv;
    struct stat st;

    check_init();
    clock_gettime(CLOCK_MONOTONIC, &mono0);
    CHECK_INT(clock_settime(CLOCK_REALTIME, &ts), 0, "set the clock to 1800000000.5");
    CHECK(time(NULL) >= 1800000000 && time(NULL) <= 1800000002, "time() follows");
    gettimeofday(&tv, NULL);
    CHECK(tv.tv_sec >= 1800000000 && tv.tv_sec <= 1800000002, "gettimeofday follows");
    clock_gettime(CLOCK_REALTIME, &ts);
    CHECK(ts.tv_sec >= 1800000000 && ts.tv_sec <= 1800000002, "CLOCK_REALTIME follows");
    close(open("/tmp/st", O_WRONLY | O_CREAT, 0644));
    CHECK(stat("/tmp/st", &st) == 0 && st.st_mtime >= 1800000000, "a new file's time follows");
    clock_gettime(CLOCK_MONOTONIC, &mono1);
    CHECK(mono1.tv_sec - mono0.tv_sec < 5, "CLOCK_MONOTONIC did not jump");
    return check_done();
}
