/* File system, waiting and devices: poll/ppoll/select/pselect results (timeout 0, waits,
 * POLLNVAL, POLLHUP, -EBADF), /proc files (meminfo's exact format, uptime, stats, hypervisor,
 * registration), /dev/null, /dev/zero, and the console's tty: ioctls, line editing, echo. */
#include "harness.h"
#include <kernel/fs/fs.h>
#include <kernel/mm/kmem.h>
#include <kernel/kstats.h>
#include <kernel/syscalls.h>
#include <pv/time.h>
#include "fs_host.h"
#include "fs_impl.h"

static struct cpio std_archive;

static void setup_std(void)
{
    if (!std_archive.len)
        cpio_standard(&std_archive);
    fs_setup(std_archive.buf, std_archive.len);
}

#define TEARDOWN() CHECK(fs_teardown() == 0)

static void make_pipe(int *rd, int *wr)
{
    uint32_t p = ualloc(8);

    sys_pipe(p);
    *rd = ((int32_t *)uptr(p))[0];
    *wr = ((int32_t *)uptr(p))[1];
}

static struct linux_pollfd *pfd(uint32_t ua)
{
    return uptr(ua);
}

TEST(poll_ready)
{
    uint32_t ua = ualloc(6 * sizeof(struct linux_pollfd));
    struct linux_pollfd *p = pfd(ua);
    int rd, wr, waits;

    setup_std();
    make_pipe(&rd, &wr);
    CHECK_EQ(t_open("/etc/motd", O_RDONLY, 0), 5);
    p[0] = (struct linux_pollfd){rd, POLLIN, 0x7777};
    p[1] = (struct linux_pollfd){wr, POLLOUT, 0};
    p[2] = (struct linux_pollfd){42, POLLIN, 0};
    p[3] = (struct linux_pollfd){-1, POLLIN, 0x7777};
    p[4] = (struct linux_pollfd){5, POLLIN | POLLOUT, 0};
    p[5] = (struct linux_pollfd){1, POLLIN | POLLOUT, 0};
    waits = fake_wq_waits;
    CHECK_EQ(sys_poll(ua, 6, 0), 4);
    CHECK_EQ(p[0].revents, 0);
    CHECK_EQ(p[1].revents, POLLOUT);
    CHECK_EQ(p[2].revents, POLLNVAL);
    CHECK_EQ(p[3].revents, 0); /* a negative fd is skipped */
    CHECK_EQ(p[4].revents, POLLIN | POLLOUT);
    CHECK_EQ(p[5].revents, POLLOUT); /* the console, no input yet */
    CHECK_EQ(p[0].fd, rd);           /* only revents is written */
    CHECK_EQ(p[0].events, POLLIN);
    CHECK_EQ(fake_wq_waits, waits); /* timeout 0: never waits */
    CHECK_EQ(t_write(wr, "x", 1), 1);
    CHECK_EQ(sys_poll(ua, 2, 0), 2);
    CHECK_EQ(p[0].revents, POLLIN);
    /* The writer gone: POLLHUP, with POLLIN while data is left. */
    CHECK_EQ(sys_close((u32)wr), 0);
    CHECK_EQ(sys_poll(ua, 1, 0), 1);
    CHECK_EQ(p[0].revents, POLLIN | POLLHUP);
    CHECK_EQ(t_read(rd, (char[4]){0}, 4), 1);
    CHECK_EQ(sys_poll(ua, 1, 0), 1);
    CHECK_EQ(p[0].revents, POLLHUP);
    /* The reader gone: the write end reports POLLERR. */
    make_pipe(&rd, &wr);
    CHECK_EQ(sys_close((u32)rd), 0);
    p[0] = (struct linux_pollfd){wr, POLLOUT, 0};
    CHECK_EQ(sys_poll(ua, 1, 0), 1);
    CHECK_EQ(p[0].revents, POLLOUT | POLLERR);
    /* Nothing ready: -1 waits (the fake wait says a signal came), a timeout expires. */
    make_pipe(&rd, &wr);
    p[0] = (struct linux_pollfd){rd, POLLIN, 0};
    CHECK_EQ(sys_poll(ua, 1, (u32)-1), -EINTR);
    CHECK_EQ(fake_wq_waits, waits + 1);
    fake_wq_result = -ETIMEDOUT;
    CHECK_EQ(sys_poll(ua, 1, 10), 0);
    CHECK_EQ(p[0].revents, 0);
    CHECK_EQ(t_write(wr, "y", 1), 1);
    CHECK_EQ(sys_poll(ua, 1, (u32)-1), 1); /* ready at once: no wait at all */
    CHECK_EQ(fake_wq_waits, waits + 2);
    CHECK_EQ(sys_poll(ua, 1025, 0), -EINVAL);
    CHECK_EQ(sys_poll(uend() - 4, 1, 0), -EFAULT);
    CHECK_EQ(sys_poll(0, 0, 0), 0);
    TEARDOWN();
}

TEST(ppoll)
{
    uint32_t ua = ualloc(sizeof(struct linux_pollfd));
    uint32_t ts = ualloc(16);
    struct linux_timespec32 *t32 = uptr(ts);
    struct linux_timespec64 *t64 = uptr(ts);
    int rd, wr;

    setup_std();
    make_pipe(&rd, &wr);
    *pfd(ua) = (struct linux_pollfd){wr, POLLOUT, 0};
    *t32 = (struct linux_timespec32){0, 0};
    CHECK_EQ(sys_ppoll(ua, 1, ts, 0, 0), 1);
    *pfd(ua) = (struct linux_pollfd){rd, POLLIN, 0};
    CHECK_EQ(sys_ppoll(ua, 1, ts, 0, 0), 0);
    CHECK_EQ(sys_ppoll(ua, 1, 0, 0, 0), -EINTR); /* no timeout: waits */
    *t32 = (struct linux_timespec32){0, 1000000000};
    CHECK_EQ(sys_ppoll(ua, 1, ts, 0, 0), -EINVAL);
    *t32 = (struct linux_timespec32){-1, 0};
    CHECK_EQ(sys_ppoll(ua, 1, ts, 0, 0), -EINVAL);
    CHECK_EQ(sys_ppoll(ua, 1, ts, ualloc(8), 4), -EINVAL); /* sigsetsize must be 8 */
    CHECK_EQ(sys_ppoll(ua, 1, uend(), 0, 0), -EFAULT);
    /* A timeout that expires: the time left (none) is written back. */
    fake_wq_result = -ETIMEDOUT;
    *t64 = (struct linux_timespec64){2, 5};
    fake_now_ns = 3 * NSEC_PER_SEC; /* the fake clock does not move: all of it is "left" */
    CHECK_EQ(sys_ppoll_time64(ua, 1, ts, ualloc(8), 8), 0);
    CHECK_EQ(t64->tv_sec, 2);
    CHECK_EQ(t64->tv_nsec, 5);
    TEARDOWN();
}

TEST(select_ready)
{
    uint32_t rs = ualloc(128), ws = ualloc(128), es = ualloc(128), tv = ualloc(8);
    uint32_t *r = uptr(rs), *w = uptr(ws), *e = uptr(es);
    struct linux_timeval *t = uptr(tv);
    int rd, wr;

    setup_std();
    make_pipe(&rd, &wr); /* 3, 4 */
    CHECK_EQ(t_open("/etc/motd", O_RDONLY, 0), 5);
    r[0] = 1u << rd | 1u << 5;
    w[0] = 1u << wr | 1u << rd;
    e[0] = 1u << rd;
    *t = (struct linux_timeval){0, 0};
    CHECK_EQ(sys__newselect(6, rs, ws, es, tv), 2);
    CHECK_EQ(r[0], 1u << 5);
    CHECK_EQ(w[0], 1u << wr);
    CHECK_EQ(e[0], 0);
    CHECK_EQ(t_write(wr, "x", 1), 1);
    r[0] = 1u << rd;
    CHECK_EQ(sys__newselect(6, rs, 0, 0, tv), 1);
    CHECK_EQ(r[0], 1u << rd);
    /* Bits at or beyond n are not looked at, and come back clear. */
    r[0] = 1u << rd | 1u << 5;
    CHECK_EQ(sys__newselect(4, rs, 0, 0, tv), 1);
    CHECK_EQ(r[0], 1u << rd);
    r[1] = 1u << 10; /* fd 42: closed */
    CHECK_EQ(sys__newselect(64, rs, 0, 0, tv), -EBADF);
    CHECK_EQ(sys__newselect((u32)-1, rs, 0, 0, tv), -EINVAL);
    *t = (struct linux_timeval){0, 1000000};
    CHECK_EQ(sys__newselect(4, rs, 0, 0, tv), -EINVAL);
    CHECK_EQ(sys__newselect(4, uend() - 2, 0, 0, 0), -EFAULT);
    /* No timeout: waits; a timeout that expires: 0 and the sets cleared. */
    r[0] = 1u << rd;
    r[1] = 0;
    CHECK_EQ(t_read(rd, (char[4]){0}, 4), 1);
    CHECK_EQ(sys__newselect(4, rs, 0, 0, 0), -EINTR);
    fake_wq_result = -ETIMEDOUT;
    *t = (struct linux_timeval){1, 500};
    CHECK_EQ(sys__newselect(4, rs, 0, 0, tv), 0);
    CHECK_EQ(r[0], 0);
    CHECK_EQ(t->tv_sec, 1); /* the fake clock stands still: all of it left */
    CHECK_EQ(t->tv_usec, 500);
    /* pselect6 with a zero timespec. */
    w[0] = 1u << wr;
    *(struct linux_timespec32 *)uptr(tv) = (struct linux_timespec32){0, 0};
    CHECK_EQ(sys_pselect6(5, 0, ws, 0, tv, 0), 1);
    CHECK_EQ(sys_pselect6_time64(5, 0, ws, 0, 0, 0), 1); /* no timeout, but ready at once */
    TEARDOWN();
}

TEST(proc_meminfo)
{
    char buf[512], want[512], part[512] = "";
    struct linux_stat64 st;
    uint32_t free_kb;
    long n;

    setup_std();
    fake_page_budget = 20000;
    free_kb = page_free_count() * 4;
    snprintf(
        want, sizeof(want),
        "MemTotal:         131072 kB\nMemFree:        %8u kB\nMemAvailable:   %8u kB\n"
        "Buffers:               0 kB\nCached:                0 kB\nSwapTotal:             0 kB\n"
        "SwapFree:              0 kB\nShmem:                 0 kB\nSReclaimable:          0 kB\n",
        free_kb, free_kb);
    CHECK_EQ(t_slurp("/proc/meminfo", buf, sizeof(buf)), (long)strlen(want));
    CHECK_STR(buf, want);
    CHECK(strncmp(buf, "MemTotal:       ", 16) == 0);
    /* Small reads resume where the last one stopped. */
    CHECK_EQ(t_open("/proc/meminfo", O_RDONLY, 0), 3);
    while ((n = t_read(3, buf, 7)) > 0)
        strcat(part, buf);
    CHECK_STR(part, want);
    CHECK_EQ(sys_lseek(3, 16, SEEK_SET), 16);
    CHECK_EQ(t_read(3, buf, 8), 8);
    CHECK_STR(buf, "  131072");
    CHECK_EQ(t_stat("/proc/meminfo", &st), 0);
    CHECK_EQ(st.st_mode, S_IFREG | 0444);
    CHECK_EQ(st.st_size, 0); /* as Linux: generated on open */
    CHECK_EQ(t_unlink("/proc/meminfo"), -EROFS);
    TEARDOWN();
}

TEST(proc_files)
{
    static const struct procfs_entry extra = {
        .name = "extra", .gen = procfs_gen_version, .write = NULL, .mode = 0};
    char buf[2048];
    uint32_t ub = ualloc(4096);
    long n;

    setup_std();
    fake_now_ns = 12345678901ull;
    CHECK(t_slurp("/proc/uptime", buf, sizeof(buf)) > 0);
    CHECK_STR(buf, "12.34 0.00\n");
    kstats.syscalls = 42;
    kstats.forks = 3;
    CHECK(t_slurp("/proc/stats", buf, sizeof(buf)) > 0);
    CHECK(strstr(buf, "syscalls 42\n"));
    CHECK(strstr(buf, "forks 3\n"));
    CHECK(strstr(buf, "syscalls_enosys 0\n"));
    CHECK(t_slurp("/proc/hypervisor", buf, sizeof(buf)) > 0);
    CHECK(strstr(buf, "hypercall_mmu_update 12\n"));
    CHECK(strstr(buf, "hypercall_console_io 3\n"));
    CHECK(!strstr(buf, "hypercall_set_gdt")); /* zero counts are left out */
    CHECK(strstr(buf, "bounce_14 5\n"));
    CHECK(strstr(buf, "bounce_128 7\n"));
    CHECK(strstr(buf, "frames_free 1000\n"));
    CHECK(strstr(buf, "guest_frames 2000\n"));
    CHECK(strstr(buf, "guest_frames_l1 4\n"));
    CHECK(strstr(buf, "events_sent 9\n"));
    CHECK(strstr(buf, "syscalls_bounced 7\nsyscalls_fast 35\n"));
    CHECK(t_slurp("/proc/version", buf, sizeof(buf)) > 0);
    CHECK(strncmp(buf, "ringvisor", 9) == 0);
    /* The registration table takes more files at run time. */
    CHECK_EQ(procfs_register(&extra), 0);
    CHECK_EQ(procfs_register(&extra), -EEXIST);
    CHECK(t_slurp("/proc/extra", buf, sizeof(buf)) > 0);
    CHECK(strncmp(buf, "ringvisor", 9) == 0);
    /* The listing. */
    CHECK_EQ(t_open("/proc", O_RDONLY | O_DIRECTORY, 0), 3);
    n = sys_getdents64(3, ub, 4096);
    CHECK(n > 0);
    for (const char *name = "meminfo\0uptime\0stats\0version\0hypervisor\0extra\0"; *name;
         name += strlen(name) + 1) {
        int found = 0;

        for (long at = 0; at < n; at += *(uint16_t *)((char *)uptr(ub) + at + 16))
            found |= strcmp((char *)uptr(ub) + at + 19, name) == 0;
        CHECK(found);
    }
    kstats.syscalls = kstats.forks = 0;
    TEARDOWN();
}

/* Control files: /proc files with a write hook, in subdirectories made on registration. */
static char ctl_value[8] = "1\n";
static int ctl_gen(char *buf, size_t size)
{
    return snprintf(buf, size, "%s", ctl_value);
}
static int ctl_write(const char *buf, size_t n)
{
    if ((n != 1 && n != 2) || (buf[0] != '0' && buf[0] != '1') || (n == 2 && buf[1] != '\n'))
        return -EINVAL;
    ctl_value[0] = buf[0];
    return 0;
}

TEST(proc_control_files)
{
    static const struct procfs_entry ctl = {
        .name = "sys/test/ctl", .gen = ctl_gen, .write = ctl_write, .mode = 0644};
    static const struct procfs_entry locked = {
        .name = "sys/test/locked", .gen = ctl_gen, .write = ctl_write, .mode = 0444};
    static const struct procfs_entry nohook = {
        .name = "sys/nohook", .gen = ctl_gen, .write = NULL, .mode = 0644};
    static const struct procfs_entry under_file = {
        .name = "stats/x", .gen = ctl_gen, .write = NULL, .mode = 0};
    struct linux_stat64 st;
    char buf[128];

    setup_std();
    CHECK_EQ(procfs_register(&ctl), 0);
    CHECK_EQ(procfs_register(&locked), 0);
    CHECK_EQ(procfs_register(&nohook), 0);
    CHECK_EQ(procfs_register(&under_file), -ENOTDIR);
    CHECK_EQ(t_stat("/proc/sys/test", &st), 0);
    CHECK_EQ(st.st_mode, S_IFDIR | 0555);
    CHECK_EQ(t_stat("/proc/sys/test/ctl", &st), 0);
    CHECK_EQ(st.st_mode, S_IFREG | 0644);
    CHECK_EQ(t_stat("/proc/sys/nohook", &st), 0);
    CHECK_EQ(st.st_mode, S_IFREG | 0444); /* no hook: no write bits */
    CHECK(t_slurp("/proc/sys/test/ctl", buf, sizeof(buf)) > 0);
    CHECK_STR(buf, "1\n");
    CHECK_EQ(t_open("/proc/sys/test/ctl", O_WRONLY, 0), 3);
    CHECK_EQ(t_write(3, "0\n", 2), 2);
    CHECK_STR(ctl_value, "0\n");
    CHECK_EQ(t_write(3, "7", 1), -EINVAL); /* the hook's refusal, unchanged */
    CHECK_STR(ctl_value, "0\n");
    memset(buf, '1', 65);
    CHECK_EQ(t_write(3, buf, 65), -EINVAL); /* longer than a control value can be */
    CHECK_EQ(t_write(3, "1", 1), 1);        /* each write whole, wherever the offset is */
    CHECK_STR(ctl_value, "1\n");
    CHECK_EQ(sys_close(3), 0);
    CHECK(t_slurp("/proc/sys/test/ctl", buf, sizeof(buf)) > 0);
    CHECK_STR(buf, "1\n");
    CHECK_EQ(t_open("/proc/sys/test/ctl", O_WRONLY | O_TRUNC, 0), -EACCES);
    CHECK_EQ(t_open("/proc/sys/test/locked", O_WRONLY, 0), -EACCES);
    CHECK_EQ(t_open("/proc/sys/test/locked", O_RDWR, 0), -EACCES);
    CHECK_EQ(t_open("/proc/sys/nohook", O_WRONLY, 0), -EACCES);
    CHECK_EQ(t_open("/proc/stats", O_WRONLY, 0), -EACCES);
    CHECK_EQ(t_unlink("/proc/sys/test/ctl"), -EROFS);
    TEARDOWN();
}

TEST(dev_null_zero)
{
    uint32_t ub = ualloc(100);
    uint8_t *p = uptr(ub);

    setup_std();
    CHECK_EQ(t_open("/dev/null", O_RDWR, 0), 3);
    CHECK_EQ(t_write(3, "discarded", 9), 9);
    CHECK_EQ(sys_write(3, uend(), 10), 10); /* never even looked at */
    CHECK_EQ(sys_read(3, ub, 100), 0);
    CHECK_EQ(sys_lseek(3, 0, SEEK_SET), 0);
    CHECK_EQ(sys_ioctl(3, TIOCGWINSZ, ub), -ENOTTY);
    CHECK_EQ(t_open("/dev/zero", O_RDWR, 0), 4);
    memset(p, 0xab, 100);
    CHECK_EQ(sys_read(4, ub, 100), 100);
    for (int i = 0; i < 100; i++)
        CHECK_EQ(p[i], 0);
    CHECK_EQ(t_write(4, "x", 1), 1);
    CHECK_EQ(sys_fsync(4), -EINVAL);
    CHECK_EQ(t_open("/dev/null", O_WRONLY | O_TRUNC, 0), 5); /* no -EROFS for devices */
    TEARDOWN();
}

TEST(console_io)
{
    struct linux_termios tio;
    struct linux_winsize ws;
    uint32_t ub = ualloc(64);
    char buf[64];

    setup_std();
    CHECK_EQ(t_write(1, "hi\n", 3), 3);
    CHECK_EQ(t_write(2, "err", 3), 3);
    CHECK_EQ(fake_console_len, 6);
    CHECK(memcmp(fake_console_out, "hi\nerr", 6) == 0);
    CHECK_EQ(sys_write(1, uend() - 2, 5), -EFAULT);
    /* TCGETS: 38400 8N1, cooked. */
    CHECK_EQ(sys_ioctl(0, TCGETS, ub), 0);
    memcpy(&tio, uptr(ub), sizeof(tio));
    CHECK_EQ(tio.c_cflag & 017, TTY_B38400);
    CHECK_EQ(tio.c_cflag & TTY_CS8, TTY_CS8);
    CHECK(tio.c_lflag & TTY_ICANON);
    CHECK(tio.c_lflag & TTY_ECHO);
    CHECK(tio.c_iflag & TTY_ICRNL);
    CHECK_EQ(tio.c_cc[TTY_VERASE], 0x7f);
    CHECK_EQ(tio.c_cc[TTY_VMIN], 1);
    tio.c_lflag &= ~TTY_ECHO;
    memcpy(uptr(ub), &tio, sizeof(tio));
    CHECK_EQ(sys_ioctl(0, TCSETSW, ub), 0);
    memset(uptr(ub), 0, sizeof(tio));
    CHECK_EQ(sys_ioctl(1, TCGETS, ub), 0);
    CHECK_EQ(((struct linux_termios *)uptr(ub))->c_lflag & TTY_ECHO, 0);
    CHECK_EQ(sys_ioctl(0, TCSETS, uend()), -EFAULT);
    /* Window size: 80x24 until set (a serial line does not know its own). */
    memset(uptr(ub), 0xff, 8);
    CHECK_EQ(sys_ioctl(1, TIOCGWINSZ, ub), 0);
    memcpy(&ws, uptr(ub), sizeof(ws));
    CHECK_EQ(ws.ws_row, 24);
    CHECK_EQ(ws.ws_col, 80);
    CHECK_EQ(ws.ws_xpixel, 0);
    ws.ws_row = 30;
    ws.ws_col = 80;
    memcpy(uptr(ub), &ws, sizeof(ws));
    CHECK_EQ(sys_ioctl(1, TIOCSWINSZ, ub), 0);
    memset(uptr(ub), 0, 8);
    CHECK_EQ(sys_ioctl(2, TIOCGWINSZ, ub), 0);
    CHECK_EQ(((struct linux_winsize *)uptr(ub))->ws_col, 80);
    /* Job control: not our terminal until the first session gets it, then its groups only. */
    CHECK_EQ(sys_ioctl(0, TIOCGPGRP, ub), -ENOTTY);
    CHECK_EQ(sys_ioctl(0, TIOCGSID, ub), -ENOTTY);
    CHECK_EQ(sys_ioctl(0, TIOCNOTTY, 0), -ENOTTY);
    CHECK_EQ(t_open("/dev/tty", O_RDWR, 0), -ENXIO);
    fake_proc.sid = 1;
    tty_attach_first(1, 1);
    CHECK_EQ(sys_ioctl(0, TIOCGPGRP, ub), 0);
    CHECK_EQ(*(int32_t *)uptr(ub), 1);
    CHECK_EQ(sys_ioctl(0, TIOCGSID, ub), 0);
    CHECK_EQ(*(int32_t *)uptr(ub), 1);
    *(int32_t *)uptr(ub) = 7;
    CHECK_EQ(sys_ioctl(0, TIOCSPGRP, ub), -ESRCH); /* no group (or process) 7 */
    *(int32_t *)uptr(ub) = -1;
    CHECK_EQ(sys_ioctl(0, TIOCSPGRP, ub), -EINVAL);
    CHECK_EQ(sys_ioctl(0, TIOCSPGRP, uend()), -EFAULT);
    fake_proc.pgid = 7;
    *(int32_t *)uptr(ub) = 7;
    /* From a background group: SIGTTOU, or for an orphaned group (no parent here) EIO, which
     * TIOCSPGRP reports as ENOTTY; a shell ignores SIGTTOU and goes ahead. */
    CHECK_EQ(sys_ioctl(0, TIOCSPGRP, ub), -ENOTTY);
    fake_proc.sig.action[SIGTTOU - 1].handler = SIG_IGN;
    CHECK_EQ(sys_ioctl(0, TIOCSPGRP, ub), 0);
    CHECK_EQ(sys_ioctl(0, TIOCGPGRP, ub + 4), 0);
    CHECK_EQ(*(int32_t *)uptr(ub + 4), 7);
    CHECK_EQ(t_open("/dev/tty", O_RDWR, 0), 3);
    CHECK_EQ(sys_close(3), 0);
    CHECK_EQ(sys_ioctl(0, TIOCSCTTY, 0), 0); /* already ours */
    CHECK_EQ(sys_ioctl(0, TIOCNOTTY, 0), 0); /* the leader lets go */
    CHECK_EQ(sys_ioctl(0, TIOCGPGRP, ub), -ENOTTY);
    fake_proc.pid = 9;
    CHECK_EQ(sys_ioctl(0, TIOCSCTTY, 0), -EPERM); /* not a session leader */
    fake_proc.pid = 1;
    CHECK_EQ(sys_ioctl(0, TIOCSCTTY, 0), 0);
    CHECK_EQ(sys_ioctl(0, TIOCGPGRP, ub), 0);
    CHECK_EQ(*(int32_t *)uptr(ub), 7);
    fake_proc.pgid = 1;
    CHECK_EQ(sys_ioctl(0, 0x5499, ub), -ENOTTY);
    CHECK_EQ(sys_ioctl(9, TCGETS, ub), -EBADF);
    /* Regular files: FIONREAD says what is left, tty ioctls are -ENOTTY. */
    CHECK_EQ(t_open("/etc/motd", O_RDONLY, 0), 3);
    CHECK_EQ(t_read(3, buf, 3), 3);
    CHECK_EQ(sys_ioctl(3, FIONREAD, ub), 0);
    CHECK_EQ(*(int32_t *)uptr(ub), 10);
    CHECK_EQ(sys_ioctl(3, TCGETS, ub), -ENOTTY);
    CHECK_EQ(sys_ioctl(3, TIOCGWINSZ, ub), -ENOTTY);
    CHECK_EQ(sys_ioctl(3, FIONREAD, uend()), -EFAULT);
    TEARDOWN();
}

TEST(console_line_discipline)
{
    uint32_t ua = ualloc(sizeof(struct linux_pollfd)), ub = ualloc(64);
    struct linux_termios tio;
    char buf[64];
    int waits;

    setup_std();
    /* Nothing typed: a blocking read waits, a non-blocking one says so. */
    waits = fake_wq_waits;
    CHECK_EQ(t_read(0, buf, sizeof(buf)), -EINTR);
    CHECK_EQ(fake_wq_waits, waits + 1);
    CHECK_EQ(t_open("/dev/console", O_RDONLY | O_NONBLOCK, 0), 3);
    CHECK_EQ(t_read(3, buf, sizeof(buf)), -EAGAIN);
    /* Canonical: nothing until the line ends; erase edits it; CR becomes NL; echoed. */
    fake_console_input("ab\x7f");
    *pfd(ua) = (struct linux_pollfd){0, POLLIN, 0};
    CHECK_EQ(sys_poll(ua, 1, 0), 0);
    CHECK_EQ(t_read(3, buf, sizeof(buf)), -EAGAIN);
    fake_console_input("c\rnext\n");
    CHECK_EQ(sys_poll(ua, 1, 0), 1);
    CHECK_EQ(sys_ioctl(0, FIONREAD, ub), 0);
    CHECK_EQ(*(int32_t *)uptr(ub), 3);
    CHECK_EQ(t_read(0, buf, sizeof(buf)), 3); /* one line per read */
    CHECK_STR(buf, "ac\n");
    CHECK_EQ(t_read(0, buf, 2), 2);
    CHECK_STR(buf, "ne");
    CHECK_EQ(t_read(0, buf, sizeof(buf)), 3);
    CHECK_STR(buf, "xt\n");
    CHECK(fake_console_len == 12 && memcmp(fake_console_out, "ab\b \bc\nnext\n", 12) == 0);
    /* Kill erases the line; ^D at the start of a line is end-of-file, mid-line sends it. */
    fake_console_input("junk\x15ok\x04\x04");
    CHECK_EQ(t_read(0, buf, sizeof(buf)), 2);
    CHECK_STR(buf, "ok");
    CHECK_EQ(t_read(0, buf, sizeof(buf)), 0);
    /* Raw (ICANON off): whatever has come, no editing, no line wait. */
    CHECK_EQ(sys_ioctl(0, TCGETS, ub), 0);
    memcpy(&tio, uptr(ub), sizeof(tio));
    tio.c_lflag &= ~(TTY_ICANON | TTY_ECHO);
    memcpy(uptr(ub), &tio, sizeof(tio));
    CHECK_EQ(sys_ioctl(0, TCSETS, ub), 0);
    fake_console_input("x\x7fyz");
    CHECK_EQ(sys_poll(ua, 1, 0), 1);
    CHECK_EQ(t_read(0, buf, 2), 2);
    CHECK(memcmp(buf, "x\x7f", 2) == 0);
    CHECK_EQ(t_read(0, buf, sizeof(buf)), 2);
    CHECK_STR(buf, "yz");
    /* TCSETSF drops what is waiting. */
    fake_console_input("dropped");
    CHECK_EQ(sys_ioctl(0, FIONREAD, ub + 40), 0);
    CHECK_EQ(*(int32_t *)uptr(ub + 40), 7);
    CHECK_EQ(sys_ioctl(0, TCSETSF, ub), 0);
    CHECK_EQ(t_read(3, buf, sizeof(buf)), -EAGAIN);
    CHECK_EQ(sys_read(0, uend(), 4), -EINTR); /* nothing to copy yet, so no fault either */
    /* VMIN 0, VTIME 0: a read returns at once, with nothing if nothing came. */
    tio.c_cc[TTY_VMIN] = 0;
    memcpy(uptr(ub), &tio, sizeof(tio));
    CHECK_EQ(sys_ioctl(0, TCSETS, ub), 0);
    waits = fake_wq_waits;
    CHECK_EQ(t_read(0, buf, sizeof(buf)), 0);
    CHECK_EQ(fake_wq_waits, waits);
    /* VMIN 3: two bytes are not enough (the read waits), three are. */
    tio.c_cc[TTY_VMIN] = 3;
    memcpy(uptr(ub), &tio, sizeof(tio));
    CHECK_EQ(sys_ioctl(0, TCSETS, ub), 0);
    fake_console_input("ab");
    CHECK_EQ(t_read(0, buf, sizeof(buf)), -EINTR);
    CHECK_EQ(fake_wq_waits, waits + 1);
    fake_console_input("c");
    CHECK_EQ(t_read(0, buf, sizeof(buf)), 3);
    CHECK_STR(buf, "abc");
    /* ISIG: ^C flushes what waits, echoes ^C and signals the foreground group. */
    fake_proc.sid = 1;
    tty_attach_first(1, 1);
    tio.c_lflag |= TTY_ICANON | TTY_ECHO | TTY_ECHOCTL | TTY_ISIG;
    memcpy(uptr(ub), &tio, sizeof(tio));
    CHECK_EQ(sys_ioctl(0, TCSETS, ub), 0);
    fake_console_len = 0;
    fake_console_input("gone\x03");
    CHECK_EQ(t_read(3, buf, sizeof(buf)), -EAGAIN);
    CHECK_EQ(fake_last_signal, SIGINT);
    CHECK(fake_console_len == 6 && memcmp(fake_console_out, "gone^C", 6) == 0);
    fake_console_input("\x1c\x1a");
    CHECK_EQ(t_read(3, buf, sizeof(buf)), -EAGAIN);
    CHECK_EQ(fake_last_signal, SIGTSTP); /* ^\ gave SIGQUIT first */
    /* Without ISIG, ^C is an ordinary byte. */
    tio.c_lflag &= ~TTY_ISIG;
    memcpy(uptr(ub), &tio, sizeof(tio));
    CHECK_EQ(sys_ioctl(0, TCSETS, ub), 0);
    fake_last_signal = 0;
    fake_console_input("\x03\n");
    CHECK_EQ(t_read(0, buf, sizeof(buf)), 2);
    CHECK_EQ(buf[0], 3);
    CHECK_EQ(fake_last_signal, 0);
    CHECK_EQ(sys_ioctl(0, TCFLSH, 3), -EINVAL);
    CHECK_EQ(sys_ioctl(0, TCFLSH, 0), 0);
    TEARDOWN();
}

RUN_TESTS(T(poll_ready), T(ppoll), T(select_ready), T(proc_meminfo), T(proc_files),
          T(proc_control_files), T(dev_null_zero), T(console_io), T(console_line_discipline))
