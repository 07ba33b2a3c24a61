/* t_efault: system calls given wild pointers (0x1, kernel space 0xC0000000, the hypervisor's top
 * page 0xFFFFF000) return -1/EFAULT, never crash the kernel nor leak its memory, and the program
 * carries on. Raw syscall() throughout, so libc never touches the pointers itself. */
#include "check.h"

#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>

static const uintptr_t wild[] = {0x1, 0xC0000000, 0xFFFFF000};
#define NWILD 3
#define W(i) ((void *)wild[i])

int main(void)
{
    check_init();
    int fd = open("/etc/motd", O_RDONLY);
    int p[2];
    pipe(p);
    char ok[64];
    struct pollfd pfd = {p[0], POLLIN, 0};
    for (int i = 0; i < NWILD; i++) {
        CHECK_ERR(syscall(SYS_read, fd, W(i), 10), EFAULT, "read into %p", W(i));
        CHECK_ERR(syscall(SYS_write, p[1], W(i), 10), EFAULT, "write from %p", W(i));
        CHECK_ERR(syscall(SYS_open, W(i), O_RDONLY), EFAULT, "open of path %p", W(i));
        CHECK_ERR(syscall(SYS_stat64, W(i), ok), EFAULT, "stat of path %p", W(i));
        CHECK_ERR(syscall(SYS_stat64, "/etc/motd", W(i)), EFAULT, "stat into %p", W(i));
        CHECK_ERR(syscall(SYS_fstat64, fd, W(i)), EFAULT, "fstat into %p", W(i));
        CHECK_ERR(syscall(SYS_execve, W(i), NULL, NULL), EFAULT, "execve of %p", W(i));
    }
    CHECK_INT(poll(&pfd, 1, 0), 0, "nothing reached the pipe");
    CHECK_INT(lseek(fd, 0, SEEK_CUR), 0, "the file offset did not move");

    /* One of each for the other pointer-taking calls. */
    void *k = W(1);
    CHECK_ERR(syscall(SYS_pipe, k), EFAULT, "pipe into kernel space");
    CHECK_ERR(syscall(SYS_getdents64, open("/etc", O_RDONLY), k, 4096), EFAULT, "getdents64");
    CHECK_ERR(syscall(SYS_uname, k), EFAULT, "uname");
    CHECK_ERR(syscall(SYS_writev, p[1], k, 1), EFAULT, "writev with a wild iovec array");
    struct iovec iov = {k, 10};
    CHECK_ERR(syscall(SYS_writev, p[1], &iov, 1), EFAULT, "writev with a wild iov_base");
    CHECK_ERR(syscall(SYS_readv, fd, &iov, 1), EFAULT, "readv with a wild iov_base");
    CHECK_ERR(syscall(SYS_poll, k, 1, 0), EFAULT, "poll of a wild pollfd array");
    CHECK_ERR(syscall(SYS__newselect, 4, k, NULL, NULL, NULL), EFAULT, "select of a wild fd_set");
    CHECK_ERR(syscall(SYS_nanosleep, k, NULL), EFAULT, "nanosleep of a wild timespec");
    CHECK_ERR(syscall(SYS_clock_gettime32, CLOCK_MONOTONIC, k), EFAULT, "clock_gettime into it");
    CHECK_ERR(syscall(SYS_gettimeofday_time32, k, NULL), EFAULT, "gettimeofday into it");
    CHECK_ERR(syscall(SYS_time, k), EFAULT, "time into it");
    CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, k, NULL, 8), EFAULT, "rt_sigaction");
    CHECK_ERR(syscall(SYS_set_thread_area, k), EFAULT, "set_thread_area");
    pid_t pid = check_fork();
    if (pid == 0)
        _exit(3);
    CHECK_ERR(syscall(SYS_wait4, pid, k, 0, NULL), EFAULT, "wait4 with a wild status pointer");
    wait4(pid, NULL, 0, NULL); /* reaped or not, as the kernel chose */

    /* A buffer that runs off the end of a mapping: a short count or EFAULT, never more. */
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(m + 4096, 4096);
    memset(m, 'M', 4096);
    long r = syscall(SYS_write, p[1], m + 4096 - 16, 32);
    CHECK(r == 16 || (r == -1 && errno == EFAULT),
          "write straddling an unmapped page: 16 or EFAULT");
    char drain[64];
    long got = r == 16 ? read(p[0], drain, sizeof drain) : 0;
    CHECK(r != 16 || (got == 16 && memcmp(drain, m, 16) == 0), "only the mapped bytes went out");
    lseek(fd, 0, SEEK_SET);
    r = syscall(SYS_read, fd, m + 4096 - 8, 40);
    CHECK(r == 8 || (r == -1 && errno == EFAULT), "read straddling an unmapped page: 8 or EFAULT");

    /* Carrying on. */
    lseek(fd, 0, SEEK_SET);
    char buf[16] = "";
    CHECK(read(fd, buf, 9) == 9 && strcmp(buf, "ringvisor") == 0, "ordinary reads still work");
    CHECK_INT(write(p[1], "x", 1), 1, "and writes");
    pid = check_fork();
    if (pid == 0)
        _exit(0);
    check_status(check_wait(pid), 0, 0, "and fork");
    return check_done();
}
