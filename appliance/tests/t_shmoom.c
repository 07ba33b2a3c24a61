/* t_shmoom: an anonymous MAP_SHARED region the size of memory, touched at once by two children
 * from its two ends: the out-of-memory killer must end both (the object's pages outlive the
 * first victim, since the other and the parent still map them), the kernel must neither hang
 * nor crash, and once the worker that mapped it is gone the kernel's memory is back to the byte
 * (measured outside it: the worker's own page tables stay until it exits).
 * ring3-appliance-only */
#include "check.h"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function" /* only kernel_in_use is wanted */
#include "kmem_probe.h"
#pragma GCC diagnostic pop

#include <sys/mman.h>

static pid_t toucher(char *m, size_t size, int from_top, int ready)
{
    pid_t pid = check_fork();
    if (pid == 0) {
        char c = 1;
        if (write(ready, &c, 1) != 1)
            _exit(2);
        for (size_t i = 0; i < size; i += 4096)
            m[from_top ? size - 4096 - i : i] = 1;
        _exit(0); /* more than there is: not reached */
    }
    return pid;
}

static int worker(long total)
{
    size_t size = (size_t)total * 1024;
    char *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (!CHECK(m != MAP_FAILED, "a shared region the size of memory"))
        return 1;
    int p[2];
    if (pipe(p))
        return 1;
    pid_t a = toucher(m, size, 0, p[1]), b = toucher(m, size, 1, p[1]);
    char c;
    if (read(p[0], &c, 1) != 1 || read(p[0], &c, 1) != 1)
        CHECK(0, "both children start");
    check_status(check_wait(a), 0, SIGKILL, "the child touching it from the bottom");
    check_status(check_wait(b), 0, SIGKILL, "the child touching it from the top");
    CHECK_INT(m[0] + m[size - 4096], 2, "the worker sees both children's first pages");
    CHECK_INT(munmap(m, size), 0, "the worker unmaps it");
    return check_failed ? 1 : 0;
}

int main(void)
{
    check_init();
    alarm(300);
    long total = meminfo("MemTotal");
    if (total <= 0 || total > 3L * 1024 * 1024) {
        printf("FAIL - not the appliance (MemTotal %ld kB): refusing to exhaust memory\n", total);
        return 1;
    }
    long long before = kernel_in_use();
    pid_t pid = check_fork();
    if (pid == 0)
        _exit(worker(total));
    check_status(check_wait(pid), 0, 0, "the worker");
    long long after = kernel_in_use();
    if (!CHECK(before > 0 && after == before, "the kernel's memory back to its start"))
        printf("# kernel memory in use: %lld before, %lld after\n", before, after);
    return check_done();
}
