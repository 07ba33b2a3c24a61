/* t_itimer: interval timers of 1 us in 30 processes at once. setitimer returns, every process
 * gets its SIGALRMs, getitimer reports the interval as it was set, each process also gets its
 * own work done (system calls and a busy loop), and a one-shot 1 us timer fires exactly once.
 * The kernel keeps missed periods as overruns instead of replaying them, so nobody starves.
 * (On Linux a 1 us timer leaves the interrupted code no time at all: each handler return meets
 * the next SIGALRM. So the handler itself stops the timer after WANT_ALARMS of them.) */
#include <sys/time.h>
#include "check.h"

#define PROCS 30
#define WANT_ALARMS 50

static volatile sig_atomic_t alarms;

static int arm(long interval_us, long value_us)
{
    struct itimerval it = {{0, interval_us}, {0, value_us}};
    return setitimer(ITIMER_REAL, &it, NULL);
}

static void on_alarm(int sig)
{
    (void)sig;
    if (++alarms == WANT_ALARMS)
        arm(0, 0);
}

/* Until the handler has counted WANT_ALARMS. SIGALRM stays blocked between the test and the
 * wait (sigsuspend), so the last one cannot land in between and leave a pause() waiting for an
 * alarm that the handler has just switched off. */
static void wait_alarms(void)
{
    sigset_t alrm, old;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    sigprocmask(SIG_BLOCK, &alrm, &old);
    while (alarms < WANT_ALARMS)
        sigsuspend(&old);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* One process under a 1 us timer: system calls and a busy loop get done, SIGALRM arrives. */
static int storm(void *arg)
{
    (void)arg;
    signal(SIGALRM, on_alarm);
    if (arm(1, 1) != 0)
        return 10;
    volatile unsigned sum = 0;
    for (int i = 0; i < 2000; i++) {
        sum += (unsigned)getppid();
        for (int j = 0; j < 100; j++)
            sum += (unsigned)j;
    }
    wait_alarms();
    return sum ? 0 : 13;
}

int main(void)
{
    check_init();
    signal(SIGALRM, on_alarm);
    sigset_t alrm, old;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    sigprocmask(SIG_BLOCK, &alrm, &old); /* no SIGALRM between the test and the wait */
    CHECK_INT(arm(0, 1), 0, "a one-shot 1 us timer is accepted");
    while (alarms == 0)
        sigsuspend(&old);
    sigprocmask(SIG_SETMASK, &old, NULL);
    struct timespec pause_ts = {0, 20 * 1000 * 1000};
    nanosleep(&pause_ts, NULL);
    CHECK_INT(alarms, 1, "it fired exactly once");

    struct itimerval now;
    CHECK_INT(arm(1, 900000), 0, "a 1 us interval after a 0.9 s first period");
    CHECK(getitimer(ITIMER_REAL, &now) == 0 && now.it_interval.tv_sec == 0 &&
              now.it_interval.tv_usec == 1,
          "getitimer reports the interval as it was set");
    arm(0, 0);

    pid_t kids[PROCS];
    int started = 0;
    for (int i = 0; i < PROCS; i++) {
        kids[i] = check_fork();
        if (kids[i] == 0)
            _exit(storm(0));
        started += kids[i] > 0;
    }
    CHECK_INT(started, PROCS, "%d processes started", PROCS);
    int done = 0;
    for (int i = 0; i < PROCS; i++) {
        int st = kids[i] > 0 ? check_wait(kids[i]) : -1;
        done += st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
    }
    CHECK_INT(done, PROCS, "each ran a 1 us interval timer, did its work and got %d SIGALRMs",
              WANT_ALARMS);

    alarms = 0;
    CHECK_INT(arm(1, 1), 0, "a 1 us interval timer here too");
    wait_alarms();
    CHECK(alarms >= WANT_ALARMS, "%d SIGALRMs, then the handler stopped it", WANT_ALARMS);
    CHECK_INT(getppid() >= 0, 1, "the kernel is still running");
    return check_done();
}
