/* t_settime: clock_settime's refusals, compared with Linux (none of them sets the host's clock
 * in the native run): a clock that cannot be set (CLOCK_MONOTONIC), no such clock, nanoseconds
 * out of range, negative seconds, a bad pointer. Setting the clock: t_settime_set. */
#include "check.h"

#include <sys/syscall.h>

int main(void)
{
    struct timespec ts;

    check_init();
    clock_gettime(CLOCK_REALTIME, &ts);
    CHECK_ERR(clock_settime(CLOCK_MONOTONIC, &ts), EINVAL, "CLOCK_MONOTONIC cannot be set");
    CHECK_ERR(clock_settime(CLOCK_BOOTTIME, &ts), EINVAL, "CLOCK_BOOTTIME cannot be set");
    CHECK_ERR(clock_settime(99, &ts), EINVAL, "no clock 99");
    ts.tv_nsec = 1000000000;
    CHECK_ERR(clock_settime(CLOCK_REALTIME, &ts), EINVAL, "nanoseconds of 10^9");
    ts.tv_nsec = -1;
    CHECK_ERR(clock_settime(CLOCK_REALTIME, &ts), EINVAL, "negative nanoseconds");
    ts = (struct timespec){-5, 0};
    CHECK_ERR(clock_settime(CLOCK_REALTIME, &ts), EINVAL, "negative seconds");
    CHECK_ERR(syscall(SYS_clock_settime32, CLOCK_REALTIME, (void *)16), EFAULT, "a bad pointer");
    return check_done();
}
