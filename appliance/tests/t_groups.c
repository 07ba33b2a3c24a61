/* t_groups: supplementary groups (setgroups, getgroups: root may set any), CPU affinity (one CPU
 * here; the host may have more, so only CPU 0's bit and the calls' errors are compared). */
#define _GNU_SOURCE
#include "check.h"

#include <grp.h>
#include <sched.h>
#include <sys/syscall.h>

int main(void)
{
    gid_t set[3] = {5, 7, 100000}, got[8];
    cpu_set_t cpus;

    check_init();
    CHECK_INT(setgroups(3, set), 0, "setgroups 5 7 100000");
    CHECK_INT(getgroups(0, NULL), 3, "getgroups(0): the count");
    CHECK_INT(getgroups(8, got), 3, "getgroups: 3");
    CHECK(got[0] == 5 && got[1] == 7 && got[2] == 100000, "the same groups");
    CHECK_ERR(getgroups(2, got), EINVAL, "a list too short");
    CHECK_ERR(syscall(SYS_getgroups32, 8, (void *)16), EFAULT, "a bad list");
    CHECK_ERR(syscall(SYS_setgroups32, 70000, set), EINVAL, "more than NGROUPS_MAX");
    CHECK_ERR(syscall(SYS_setgroups32, 2, (void *)16), EFAULT, "setgroups from a bad list");
    CHECK_INT(setgroups(0, NULL), 0, "setgroups none");
    CHECK_INT(getgroups(8, got), 0, "none");
    pid_t pid = check_fork();
    if (pid == 0) {
        setgroups(1, set);
        _exit(getgroups(0, NULL) == 1 ? 0 : 1);
    }
    CHECK_INT(check_wait(pid), 0, "a child sets its own");
    CHECK_INT(getgroups(0, NULL), 0, "the parent's are its own");

    CPU_ZERO(&cpus);
    CHECK_INT(sched_getaffinity(0, sizeof cpus, &cpus), 0, "sched_getaffinity");
    CHECK(CPU_ISSET(0, &cpus), "CPU 0 is in the mask");
    CHECK(syscall(SYS_sched_getaffinity, 0, 4, &cpus) > 0, "a 4-byte mask is enough");
    CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 2, &cpus), EINVAL, "a 2-byte mask is not");
    CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 6, &cpus), EINVAL, "6 bytes: not a multiple");
    CHECK_ERR(syscall(SYS_sched_getaffinity, 99999, sizeof cpus, &cpus), ESRCH, "no such process");
    CHECK_ERR(syscall(SYS_sched_getaffinity, 0, sizeof cpus, (void *)16), EFAULT, "a bad mask");
    return check_done();
}
