/* t_enosys: system-call numbers that do not exist (past the table, negative, and the holes Linux
 * i386 leaves in it) return -1/ENOSYS through libc and -ENOSYS in %eax through a raw int $0x80,
 * with every other register preserved, and the process carries on. */
#include "check.h"

#include <sys/syscall.h>

/* Registers after the raw call: ebx ecx edx esi edi ebp. */
static unsigned regs_after[6];

static long raw_syscall_keeping_regs(long nr)
{
    long ret = nr;
    __asm__ volatile("pushl %%ebp\n\t"
                     "movl $0x11111111, %%ebx\n\t"
                     "movl $0x22222222, %%ecx\n\t"
                     "movl $0x33333333, %%edx\n\t"
                     "movl $0x44444444, %%esi\n\t"
                     "movl $0x55555555, %%edi\n\t"
                     "movl $0x66666666, %%ebp\n\t"
                     "int $0x80\n\t"
                     "movl %%ebx, %c[r]\n\t"
                     "movl %%ecx, 4+%c[r]\n\t"
                     "movl %%edx, 8+%c[r]\n\t"
                     "movl %%esi, 12+%c[r]\n\t"
                     "movl %%edi, 16+%c[r]\n\t"
                     "movl %%ebp, 20+%c[r]\n\t"
                     "popl %%ebp"
                     : "+a"(ret)
                     : [r] "i"(regs_after)
                     : "ebx", "ecx", "edx", "esi", "edi", "memory", "cc");
    return ret;
}

int main(void)
{
    check_init();
    /* Past the end of the table, far past it, negative; then holes and long-dead calls. */
    static const long numbers[] = {1000, 2000, 4096, 65536, 0x7fffffff, -1,  -1000, 17,
                                   31,   32,   35,   44,    53,         56,  58,    98,
                                   137,  188,  189,  222,   223,        251, 285};
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        CHECK_ERR(syscall(numbers[i]), ENOSYS, "syscall(%ld)", numbers[i]);
    CHECK_ERR(syscall(1000, 1, 2, 3, 4, 5, 6), ENOSYS, "syscall(1000) with six arguments");

    static const unsigned want[6] = {0x11111111, 0x22222222, 0x33333333,
                                     0x44444444, 0x55555555, 0x66666666};
    static const char *const names[6] = {"ebx", "ecx", "edx", "esi", "edi", "ebp"};
    CHECK_INT(raw_syscall_keeping_regs(1000), -ENOSYS, "raw int $0x80 with eax=1000");
    for (int i = 0; i < 6; i++)
        CHECK_INT(regs_after[i], want[i], "%%%s preserved across it", names[i]);
    CHECK_INT(raw_syscall_keeping_regs(-1), -ENOSYS, "raw int $0x80 with eax=-1");
    CHECK_INT(raw_syscall_keeping_regs(0x80000000L), -ENOSYS, "raw int $0x80 with eax=0x80000000");
    int kept = 0;
    for (int i = 0; i < 6; i++)
        kept += regs_after[i] == want[i];
    CHECK_INT(kept, 6, "all six registers preserved again");

    /* A real call through the same path still works, registers too. */
    long pid = raw_syscall_keeping_regs(SYS_getpid);
    CHECK_INT(pid, 1, "raw getpid: this program is pid 1");
    CHECK_INT(regs_after[0] == want[0] && regs_after[5] == want[5], 1, "registers kept by getpid");
    CHECK_INT(getppid(), 0, "getppid of init is 0");
    errno = 0;
    CHECK(write(1, "", 0) == 0 && errno == 0, "an ordinary call after the unknown ones");
    return check_done();
}
