/* t_oomkill: whom the out-of-memory killer picks (appliance only: it exhausts memory). When a
 * fault finds no free page, the kernel kills the biggest process, which need not be the one
 * that faulted, and never init (pid 1, this program): a big sleeper dies so a smaller grower can
 * finish, and when init is the biggest, the grower goes instead. MemFree comes back each time.
 * ring3-appliance-only */
#include "check.h"

#include <fcntl.h>

#define MB (1 << 20)
#define SLACK_KB 256

/* Touch mb megabytes, 1 MB at a time; NULL-terminated list of blocks in *out. */
static int grab(long mb, char ***out)
{
    char **blocks = calloc((size_t)mb + 1, sizeof *blocks);
    long i;
    for (i = 0; blocks && i < mb; i++) {
        blocks[i] = malloc(MB);
        if (!blocks[i])
            break;
        for (int j = 0; j < MB; j += 4096)
            blocks[i][j] = 1;
    }
    if (out)
        *out = blocks;
    return blocks && i == mb;
}

static void release(char **blocks)
{
    for (int i = 0; blocks && blocks[i]; i++)
        free(blocks[i]);
    free(blocks);
}

/* A child that grabs mb megabytes, says so on fd, then waits (sleeper) or exits 0 (grower). */
static pid_t child(long mb, int sleeper, int fd)
{
    pid_t pid = check_fork();
    if (pid == 0) {
        int ok = grab(mb, NULL);
        if (sleeper) {
            write(fd, &ok, sizeof ok);
            for (;;)
                pause();
        }
        _exit(ok ? 0 : 1);
    }
    return pid;
}

int main(void)
{
    check_init();
    long total = meminfo("MemTotal"), free0 = meminfo("MemFree");
    if (total <= 0 || total > 3L * 1024 * 1024) {
        printf("FAIL - not the appliance (MemTotal %ld kB): refusing to exhaust memory\n", total);
        return 1;
    }
    long free_mb = free0 / 1024;

    int p[2], ok = 0;
    pipe(p);
    pid_t big = child(free_mb * 6 / 10, 1, p[1]);
    read(p[0], &ok, sizeof ok);
    CHECK(ok, "a sleeper holds 60%% of the free memory");
    pid_t grower = child(free_mb / 2, 0, -1);
    check_status(check_wait(grower), 0, 0, "a grower asking for 50%% more gets it all");
    check_status(check_wait(big), 0, SIGKILL, "because the killer took the bigger sleeper");
    long after = meminfo("MemFree");
    CHECK(after >= free0 - SLACK_KB, "MemFree back to within %d kB", SLACK_KB);

    char **mine = NULL;
    CHECK(grab(free_mb * 6 / 10, &mine), "init itself holds 60%% of the free memory");
    grower = child(free_mb / 2, 0, -1);
    check_status(check_wait(grower), 0, SIGKILL,
                 "a grower asking for 50%% more is killed: init is bigger, but never a victim");
    release(mine);
    after = meminfo("MemFree");
    CHECK(after >= free0 - SLACK_KB, "MemFree back to within %d kB", SLACK_KB);
    return check_done();
}
