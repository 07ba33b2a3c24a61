/* t_dup: descriptor calls: dup/dup2/dup3 and F_DUPFD (lowest free number, shared offset and status
 * flags), F_GETFD/F_SETFD with FD_CLOEXEC and O_CLOEXEC (checked across execve by a re-exec of this
 * program), F_GETFL/F_SETFL (access modes, O_APPEND, O_NONBLOCK on a pipe), and EBADF / EINVAL.
 * Modes: t_dup | t_dup afterexec KEPT CLOSED1 CLOSED2 */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>

#define FILE_PATH "/tmp/t_dup.txt"

static int after_exec(int kept, int closed1, int closed2)
{
    int ok = fcntl(kept, F_GETFD) == 0 && fcntl(closed1, F_GETFD) == -1 && errno == EBADF &&
             fcntl(closed2, F_GETFD) == -1 && errno == EBADF;
    write(kept, ok ? "kept" : "lost", 4);
    return ok ? 0 : 1;
}

int main(int argc, char **argv, char **envp)
{
    check_init();
    if (argc == 5 && strcmp(argv[1], "afterexec") == 0)
        return after_exec(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));

    CHECK_INT(dup(1), 3, "dup(1) gives the lowest free fd, 3");
    close(3);
    int fd = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK_INT(fd, 3, "open reuses 3");
    int d = dup(fd);
    CHECK_INT(d, 4, "dup gives 4");
    write(fd, "ab", 2);
    write(d, "cd", 2);
    CHECK_INT(lseek(fd, 0, SEEK_CUR), 4, "dup'ed fds share one offset");
    lseek(d, 1, SEEK_SET);
    char buf[8] = "";
    CHECK(read(fd, buf, 3) == 3 && strcmp(buf, "bcd") == 0, "lseek on one moves the other");
    CHECK_INT(close(fd), 0, "close the original");
    lseek(d, 0, SEEK_SET);
    CHECK_INT(read(d, buf, 4), 4, "the duplicate still works");

    CHECK_INT(dup2(d, 10), 10, "dup2 to 10");
    CHECK_INT(dup2(10, 10), 10, "dup2 onto itself");
    int p[2];
    pipe(p); /* 3 and 5 */
    CHECK_INT(dup2(p[0], 10), 10, "dup2 over an open fd");
    write(p[1], "P", 1);
    CHECK(read(10, buf, 1) == 1 && buf[0] == 'P', "fd 10 is now the pipe");
    CHECK_ERR(dup2(99, 11), EBADF, "dup2 of a closed fd");
    CHECK_ERR(dup2(d, -1), EBADF, "dup2 to a negative fd");
    CHECK_INT(fcntl(d, F_DUPFD, 20), 20, "F_DUPFD with a minimum of 20");
    CHECK_INT(fcntl(d, F_DUPFD, 20), 21, "again: 21");

    /* Close-on-exec flags. */
    CHECK_INT(fcntl(d, F_GETFD), 0, "F_GETFD starts at 0");
    CHECK_INT(fcntl(d, F_SETFD, FD_CLOEXEC), 0, "F_SETFD FD_CLOEXEC");
    CHECK_INT(fcntl(d, F_GETFD), FD_CLOEXEC, "F_GETFD reads FD_CLOEXEC");
    int e = dup(d);
    CHECK_INT(fcntl(e, F_GETFD), 0, "dup does not copy FD_CLOEXEC");
    int c = fcntl(e, F_DUPFD_CLOEXEC, 0);
    CHECK_INT(fcntl(c, F_GETFD), FD_CLOEXEC, "F_DUPFD_CLOEXEC sets it");
    CHECK_INT(dup3(e, 30, O_CLOEXEC), 30, "dup3 with O_CLOEXEC");
    CHECK_INT(fcntl(30, F_GETFD), FD_CLOEXEC, "dup3 set FD_CLOEXEC");
    CHECK_ERR(dup3(e, e, 0), EINVAL, "dup3 onto itself");
    int oc = open("/etc/motd", O_RDONLY | O_CLOEXEC);
    CHECK_INT(fcntl(oc, F_GETFD), FD_CLOEXEC, "open with O_CLOEXEC");
    int q[2];
    CHECK_INT(pipe2(q, O_CLOEXEC), 0, "pipe2 with O_CLOEXEC");
    CHECK(fcntl(q[0], F_GETFD) == FD_CLOEXEC && fcntl(q[1], F_GETFD) == FD_CLOEXEC,
          "both ends close on exec");

    /* Across execve: q[1] loses its flag and must survive; d and oc must not. */
    fcntl(q[1], F_SETFD, 0);
    pid_t pid = check_fork();
    if (pid == 0) {
        char a1[16], a2[16], a3[16];
        snprintf(a1, sizeof a1, "%d", q[1]);
        snprintf(a2, sizeof a2, "%d", d);
        snprintf(a3, sizeof a3, "%d", oc);
        char *const av[] = {argv[0], "afterexec", a1, a2, a3, NULL};
        execve(argv[0], av, envp);
        _exit(127);
    }
    close(q[1]);
    memset(buf, 0, sizeof buf);
    CHECK(read(q[0], buf, 4) == 4 && strcmp(buf, "kept") == 0,
          "the new image wrote to the kept fd");
    check_status(check_wait(pid), 0, 0, "after execve: kept fd open, FD_CLOEXEC fds closed");
    close(q[0]);

    /* File status flags. */
    CHECK_INT(fcntl(oc, F_GETFL) & O_ACCMODE, O_RDONLY, "F_GETFL: O_RDONLY");
    int wa = open(FILE_PATH, O_WRONLY | O_APPEND);
    int fl = fcntl(wa, F_GETFL);
    CHECK((fl & O_ACCMODE) == O_WRONLY && (fl & O_APPEND), "F_GETFL: O_WRONLY | O_APPEND");
    CHECK_INT(fcntl(d, F_GETFL) & O_ACCMODE, O_RDWR, "F_GETFL: O_RDWR");
    CHECK_INT(fcntl(p[0], F_GETFL) & O_ACCMODE, O_RDONLY, "pipe read end is O_RDONLY");
    CHECK_INT(fcntl(p[1], F_GETFL) & O_ACCMODE, O_WRONLY, "pipe write end is O_WRONLY");
    CHECK_INT(fcntl(p[0], F_SETFL, O_NONBLOCK), 0, "F_SETFL O_NONBLOCK on the read end");
    CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK, "F_GETFL shows O_NONBLOCK");
    CHECK_ERR(read(p[0], buf, 1), EAGAIN, "a non-blocking read of an empty pipe");
    CHECK(fcntl(10, F_GETFL) & O_NONBLOCK, "the dup'ed fd 10 shares O_NONBLOCK");
    CHECK(!(fcntl(10, F_GETFD) & FD_CLOEXEC), "but not the fd flags");
    fcntl(p[0], F_SETFL, 0);
    write(p[1], "Q", 1);
    CHECK(read(p[0], buf, 1) == 1 && buf[0] == 'Q', "blocking again, data arrives");

    CHECK_ERR(fcntl(99, F_GETFD), EBADF, "F_GETFD of a closed fd");
    CHECK_ERR(close(-1), EBADF, "close(-1)");
    CHECK_ERR(dup(200), EBADF, "dup of a closed fd");
    unlink(FILE_PATH);
    return check_done();
}
