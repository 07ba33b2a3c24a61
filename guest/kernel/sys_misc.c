/* The small system calls: identity (uname), random bytes, memory totals, reboot, yielding,
 * and the catch-all for numbers this kernel does not implement. (Limits: kernel/rlimit.c.) */
#include <linux/errno.h>
#include <linux/unistd.h>
#include <pv/console.h>
#include <kernel/exec.h>
#include <kernel/mm/kmem.h>
#include <kernel/kstats.h>
#include <kernel/procs.h>
#include <kernel/random.h>
#include <kernel/syscalls.h>
#include <pv/time.h>
#include <arch/x86/traps.h>
#include <arch/x86/uaccess.h>
#include <lib/string.h>

uint32_t cpu_hwcap(void)
{
    uint32_t a = 1, b, c, d;

    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
    return d;
}

static char hostname[65] = "ringvisor"; /* init sets the appliance's from /etc/hostname */

long sys_sethostname(u32 name, u32 len)
{
    char buf[sizeof(hostname)];

    if (len >= sizeof(hostname))
        return -EINVAL;
    if (copy_from_user(buf, name, len))
        return -EFAULT;
    buf[len] = 0;
    memcpy(hostname, buf, len + 1);
    return 0;
}

long sys_uname(u32 buf)
{
    struct linux_utsname u;

    memset(&u, 0, sizeof(u));
    strlcpy(u.sysname, "Linux", sizeof(u.sysname)); /* the ABI it offers; see docs/guest.md */
    strlcpy(u.nodename, hostname, sizeof(u.nodename));
    strlcpy(u.release, "4.4.0-ringvisor", sizeof(u.release));
    strlcpy(u.version, "ringvisor 0.1 (Xen 2.0 x86_32 paravirtual guest)", sizeof(u.version));
    strlcpy(u.machine, "i686", sizeof(u.machine));
    strlcpy(u.domainname, "(none)", sizeof(u.domainname));
    return copy_to_user(buf, &u, sizeof(u)) ? -EFAULT : 0;
}

long sys_reboot(u32 magic1, u32 magic2, u32 cmd, u32 arg)
{
    (void)arg;
    if (magic1 != LINUX_REBOOT_MAGIC1 || magic2 != LINUX_REBOOT_MAGIC2)
        return -EINVAL;
    /* Everyone is root: any process may, as root may on Linux (poweroff -f). */
    const char *who = current_proc()->pid == 1 ? "init" : current_proc()->name;
    if (cmd == LINUX_REBOOT_CMD_POWER_OFF || cmd == LINUX_REBOOT_CMD_HALT) {
        printk("reboot: power off requested by %s\n", who);
        printk("shutting down: poweroff\n");
        HYPERVISOR_shutdown(SHUTDOWN_poweroff);
    } else if (cmd == LINUX_REBOOT_CMD_RESTART) {
        printk("reboot: restart requested by %s\n", who);
        printk("shutting down: reboot\n");
        HYPERVISOR_shutdown(SHUTDOWN_reboot);
    }
    return -EINVAL;
}

long sys_getrandom(u32 buf, u32 len, u32 flags)
{
    uint8_t chunk[256];
    uint32_t done = 0;

    if (flags & ~7u)
        return -EINVAL;
    while (done < len) {
        uint32_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
        random_bytes(chunk, n);
        if (copy_to_user(buf + done, chunk, n))
            return done ? (long)done : -EFAULT;
        done += n;
    }
    return (long)done;
}

long sys_sysinfo(u32 info)
{
    uint32_t s[16] = {0}; /* struct sysinfo (i386): uptime, loads[3], totalram, freeram, ... */

    s[0] = (uint32_t)ns_div(clock_now(), NSEC_PER_SEC);
    s[4] = page_total_count();
    s[5] = page_free_count();
    s[10] = (uint32_t)kstats.procs_live; /* procs (a u16 with padding: low half) */
    s[13] = PAGE_SIZE;                   /* mem_unit */
    return copy_to_user(info, s, 64) ? -EFAULT : 0;
}

long sys_prctl(u32 option, u32 a2, u32 a3, u32 a4, u32 a5)
{
    (void)a3, (void)a4, (void)a5;
    if (option == 15) { /* PR_SET_NAME */
        char name[PROC_NAME_MAX];
        long n = strncpy_from_user(name, a2, sizeof(name));
        if (n == -EFAULT)
            return -EFAULT;
        name[sizeof(name) - 1] = 0;
        strlcpy(current_proc()->name, name, sizeof(name));
        return 0;
    }
    if (option == 16) /* PR_GET_NAME */
        return copy_to_user(a2, current_proc()->name, PROC_NAME_MAX) ? -EFAULT : 0;
    return -EINVAL;
}

/* No threads share memory here, so a futex only ever has this process on it: WAIT returns
 * -EAGAIN when the value differs and would sleep forever otherwise; WAKE wakes nobody. */
long sys_futex(u32 uaddr, u32 op, u32 val, u32 timeout, u32 uaddr2, u32 val3)
{
    uint32_t cur;

    (void)timeout, (void)uaddr2, (void)val3;
    switch (op & 0x7f) {
    case 0: /* FUTEX_WAIT */
        if (copy_from_user(&cur, uaddr, sizeof(cur)))
            return -EFAULT;
        return cur != val ? -EAGAIN : -EINVAL;
    case 1: /* FUTEX_WAKE */
        return 0;
    default:
        return -ENOSYS;
    }
}

/* The robust-futex list is walked at a thread's death to wake waiters in other threads; with no
 * threads sharing memory there is nobody to wake, so the list is accepted and never read (glibc
 * registers one at every start). Linux's only check: len is sizeof(struct robust_list_head). */
long sys_set_robust_list(u32 head, u32 len)
{
    (void)head;
    return len == 12 ? 0 : -EINVAL;
}

/* Restartable sequences are not offered, which Linux kernels without CONFIG_RSEQ answer the
 * same way; glibc asks at every start and carries on, so the answer is not logged. */
long sys_rseq(void)
{
    return -ENOSYS;
}

long sys_sched_yield(void)
{
    sched_yield();
    return 0;
}

long sys_madvise(u32 addr, u32 len, u32 advice)
{
    (void)addr, (void)len, (void)advice;
    return 0; /* advice only */
}

/* Numbers without a handler: -ENOSYS, and a console line the first time each is seen. */
long sys_ni_syscall(void)
{
    static uint32_t seen[(NR_SYSCALLS + 31) / 32];
    uint32_t nr = syscall_frame()->vector;

    kstats.syscalls_enosys++;
    if (nr < NR_SYSCALLS && !(seen[nr / 32] & (1u << (nr % 32)))) {
        seen[nr / 32] |= 1u << (nr % 32);
        printk("%s: system call %u not implemented (-ENOSYS)\n", current_proc()->name, nr);
    } else if (nr >= NR_SYSCALLS && !(seen[0] & 1u)) {
        seen[0] |=
            1u; /* number 0 (restart_syscall) is never called: the bit marks "out of range" */
        printk("%s: system call %u out of range (-ENOSYS; further ones not reported)\n",
               current_proc()->name, nr);
    }
    return -ENOSYS;
}
