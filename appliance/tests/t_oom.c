/* t_oom: out of memory (appliance only: it would eat the host's memory, so it refuses to run where
 * MemTotal is over 3 GB). A child allocates and touches memory until malloc fails or the kernel
 * kills it with SIGKILL; the kernel must survive, and once the child is reaped MemFree in
 * /proc/meminfo must be back to within a few pages of its value before. Twice over.
 * ring3-appliance-only */
#include "check.h"

#include <fcntl.h>

#define MB (1 << 20)
#define SLACK_KB 64 /* 16 pages */

/* Allocates and touches 1 MB blocks until malloc fails; reports the count after each block. */
static void hog(int fd)
{
    for (int count = 1;; count++) {
        char *p = malloc(MB);
        if (!p)
            _exit(errno == ENOMEM ? 0 : 2);
        for (int i = 0; i < MB; i += 4096)
            p[i] = (char)i;
        write(fd, &count, sizeof count);
    }
}

static void round_trip(int round)
{
    long before = meminfo("MemFree");
    int p[2];
    pipe(p);
    pid_t pid = check_fork();
    if (pid == 0) {
        close(p[0]);
        hog(p[1]);
    }
    close(p[1]);
    int st = check_wait(pid), count = 0, c;
    while (read(p[0], &c, sizeof c) == sizeof c)
        count = c;
    close(p[0]);
    long after = meminfo("MemFree");
    CHECK((st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0) ||
              (st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL),
          "round %d: the hog ended by ENOMEM or SIGKILL (%s)", round,
          st != -1 && WIFSIGNALED(st) ? "killed" : "exited");
    CHECK((long)count * 1024 >= before / 2, "round %d: it got at least half of MemFree first",
          round);
    printf("# round %d: %d MB allocated, MemFree %ld kB before, %ld kB after\n", round, count,
           before, after);
    CHECK(after >= before - SLACK_KB && after <= before + SLACK_KB,
          "round %d: MemFree back to within %d kB of its value before", round, SLACK_KB);
}

int main(void)
{
    check_init();
    long total = meminfo("MemTotal");
    CHECK(total > 0 && meminfo("MemFree") > 0, "/proc/meminfo has MemTotal and MemFree");
    if (total <= 0 || total > 3L * 1024 * 1024) {
        printf("FAIL - not the appliance (MemTotal %ld kB): refusing to exhaust memory\n", total);
        return 1;
    }
    round_trip(1);
    round_trip(2);
    pid_t pid = check_fork();
    if (pid == 0) {
        char *p = malloc(4 * MB);
        memset(p, 1, 4 * MB);
        _exit(p[4 * MB - 1] == 1 ? 0 : 1);
    }
    check_status(check_wait(pid), 0, 0, "afterwards a child still gets and uses 4 MB");
    return check_done();
}
