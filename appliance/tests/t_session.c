/* t_session: sessions and process groups (setsid, setpgid, getpgid, getsid) with Linux's rules
 * and errors, and what a new session without a controlling terminal gets from terminal calls.
 * Everything runs in a child that made its own session: natively the test has no controlling
 * terminal and its session lies outside its pid namespace, in the appliance it is init with the
 * console; a fresh session is the same on both sides (stdout is a pipe natively and the console
 * here: either way not this session's terminal, so ENOTTY). */
#include "check.h"

#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>

/* Blocks until the pipe is closed (the parent's end goes at its exit). */
static void wait_for_close(int fd)
{
    char c;

    while (read(fd, &c, 1) > 0)
        ;
}

static int in_new_session(void *arg)
{
    pid_t me = getpid(), b, c;
    (void)arg;
    int p[2], q[2], v, status;

    CHECK_INT(setsid(), me, "setsid: a new session with our pid");
    CHECK_INT(getsid(0), me, "getsid(0)");
    CHECK_INT(getpgid(0), me, "getpgid(0): a new group too");
    CHECK_INT(getpgrp(), me, "getpgrp");
    CHECK_ERR(setsid(), EPERM, "setsid again: already a group leader");
    CHECK_ERR(setpgid(0, 0), EPERM, "setpgid of a session leader");
    CHECK_ERR(setpgid(-1, 0), EINVAL, "setpgid with a negative pid");
    CHECK_ERR(setpgid(0, -1), EINVAL, "setpgid with a negative group");
    CHECK_ERR(setpgid(99999, 0), ESRCH, "setpgid of no such process");
    CHECK_ERR(getpgid(99999), ESRCH, "getpgid of no such process");
    CHECK_ERR(getsid(99999), ESRCH, "getsid of no such process");
    CHECK_ERR(getpgid(-1), ESRCH, "getpgid(-1)");
    CHECK_ERR(open("/dev/tty", O_RDWR), ENXIO, "/dev/tty without a controlling terminal");
    CHECK_ERR(ioctl(1, TIOCGPGRP, &v), ENOTTY, "TIOCGPGRP: not our terminal");
    CHECK_ERR(ioctl(1, TIOCGSID, &v), ENOTTY, "TIOCGSID: not our terminal");
    v = me;
    CHECK_ERR(ioctl(1, TIOCSPGRP, &v), ENOTTY, "TIOCSPGRP: not our terminal");
    CHECK_ERR(ioctl(1, TIOCNOTTY), ENOTTY, "TIOCNOTTY: not our terminal");

    /* A child: in our session and group; its own group and back; groups that do not exist. */
    CHECK_INT(pipe(p), 0, "pipe");
    CHECK_INT(pipe(q), 0, "pipe");
    b = check_fork();
    if (b == 0) {
        int bad = 0;
        close(p[1]);
        bad |= getsid(0) != me || getpgid(0) != me;
        bad |= setpgid(0, 0) != 0 || getpgid(0) != getpid();
        bad |= setpgid(0, me) != 0 || getpgid(0) != me;
        bad |= setpgid(0, 99999) != -1 || errno != EPERM;
        bad |= setsid() != getpid() || getsid(0) != getpid(); /* not a leader: allowed */
        if (write(q[1], "s", 1) != 1)
            bad = 1;
        wait_for_close(p[0]);
        _exit(bad);
    }
    close(p[0]);
    close(q[1]);
    CHECK_INT(read(q[0], &v, 1), 1, "the child made its own session");
    CHECK_INT(getsid(b), b, "getsid of the child: its session");
    CHECK_ERR(setpgid(b, me), EPERM, "setpgid of a child in another session");
    close(p[1]);
    check_status(check_wait(b), 0, 0, "the child's own checks");

    /* setpgid on a child before and after it calls execve. */
    CHECK_INT(pipe2(p, O_CLOEXEC), 0, "pipe2 O_CLOEXEC");
    c = check_fork();
    if (c == 0) {
        char ch;
        close(p[1]);
        if (read(p[0], &ch, 1) != 1) /* waits for the parent's setpgid */
            _exit(1);
        execl("/bin/sleep", "sleep", "5", (char *)0);
        _exit(127);
    }
    close(p[0]);
    CHECK_INT(setpgid(c, c), 0, "setpgid of a child into its own group");
    CHECK_INT(getpgid(c), c, "getpgid of the child");
    CHECK_INT(setpgid(c, me), 0, "and back into ours");
    CHECK_INT(pipe2(q, O_CLOEXEC), 0, "pipe2");
    CHECK_INT(write(p[1], "go", 1), 1, "let it exec");
    close(p[1]);
    for (int i = 0; i < 200; i++) { /* /proc/<pid>/exe tells when the exec is done */
        char path[32], target[64];
        ssize_t n;
        snprintf(path, sizeof path, "/proc/%d/exe", (int)c);
        n = readlink(path, target, sizeof target - 1);
        if (n > 0 && (target[n] = 0, strstr(target, "busybox") || strstr(target, "sleep")))
            break;
        usleep(10000);
    }
    CHECK_ERR(setpgid(c, c), EACCES, "setpgid of a child after its execve");
    CHECK_INT(kill(c, SIGKILL), 0, "kill");
    status = check_wait(c);
    check_status(status, 0, SIGKILL, "the sleeper");
    fflush(stdout);
    return check_failed ? 1 : 0;
}

int main(void)
{
    int status;

    check_init();
    status = check_run_child(in_new_session, NULL);
    check_status(status, 0, 0, "the checks in a new session");
    CHECK_ERR(waitpid(-1, &status, WNOHANG), ECHILD, "all children reaped");
    return check_done();
}
