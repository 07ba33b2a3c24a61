/* t_oom: out of memory (appliance only: it would eat the host's memory, so it refuses to run where
 * MemTotal is over 3 GB). A child allocates and touches memory until malloc fails or the kernel
 * kills it with SIGKILL; the kernel must survive, and once the child is reaped MemFree in
 * /proc/meminfo must be back to within a few pages of its value before. Twice over; then the same
 * with an anonymous MAP_SHARED region as large as all memory, which the parent maps too.
 * ring3-appliance-only */
#include "check.h"

#include <fcntl.h>
#include <sys/mman.h>

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

/* A shared region larger than free memory, mapped before the fork: the child touches it until the
 * OOM killer ends it. Its frames are the region's, which the parent still maps: they stay in use
 * until the parent unmaps it too. One larger than all memory is refused at once. */
static void round_shared(long total)
{
    size_t size = (size_t)total * 1024;
    CHECK_ERR((long)mmap(NULL, 2 * size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0),
              ENOMEM, "a shared region twice the size of memory is refused");
    long before = meminfo("MemFree");
    char *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (!CHECK(m != MAP_FAILED, "a shared region the size of memory is mapped"))
        return;
    pid_t pid = check_fork();
    if (pid == 0) {
        for (size_t i = 0; i < size; i += 4096)
            m[i] = 1;
        _exit(0); /* more than there is: not reached */
    }
    check_status(check_wait(pid), 0, SIGKILL, "the child touching all of it");
    long held = meminfo("MemFree");
    CHECK(held < before / 2, "its pages stay while the parent maps the region");
    CHECK_INT(munmap(m, size), 0, "the parent unmaps it");
    long after = meminfo("MemFree");
    printf("# shared: MemFree %ld kB before, %ld kB while held, %ld kB after\n", before, held,
           after);
    CHECK(after >= before - SLACK_KB && after <= before + SLACK_KB,
          "MemFree back to within %d kB of its value before", SLACK_KB);
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
    round_shared(total);
    pid_t pid = check_fork();
    if (pid == 0) {
        char *p = malloc(4 * MB);
        memset(p, 1, 4 * MB);
        _exit(p[4 * MB - 1] == 1 ? 0 : 1);
    }
    check_status(check_wait(pid), 0, 0, "afterwards a child still gets and uses 4 MB");
    return check_done();
}
