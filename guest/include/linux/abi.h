/*
 * The Linux i386 user ABI this kernel offers ring 3: flags and structure layouts exactly as
 * Linux defines them for 32-bit x86 (so unmodified static musl programs run). Every structure
 * size and the offsets that matter are pinned with _Static_assert. Numbers: linux/unistd.h;
 * errors: linux/errno.h.
 */
#ifndef LINUX_ABI_H
#define LINUX_ABI_H

#include <stdint.h>

#define LINUX_PAGE_SIZE 4096u

/* A 64-bit field as i386 lays it out: 4-byte aligned. Spelled out so the structures keep their
 * i386 layout when a host (x86-64) unit test compiles the same code. */
typedef uint64_t linux_u64 __attribute__((aligned(4)));
typedef int64_t linux_s64 __attribute__((aligned(4)));

#define LINUX_NAME_MAX 255  /* bytes in one path component */
#define LINUX_PATH_MAX 4096 /* bytes in a path, NUL included */
#define LINUX_PIPE_BUF 4096 /* pipe writes up to this size are atomic */
#define LINUX_UIO_MAXIOV 1024
#define LINUX_NOFILE 1024 /* RLIMIT_NOFILE: descriptors per process */

/* ---- open, fcntl, *at ---- */
#define O_ACCMODE 03
#define O_RDONLY 00
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_DSYNC 010000
#define O_LARGEFILE 0100000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_CLOEXEC 02000000
#define O_PATH 010000000

#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_EACCESS 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_EMPTY_PATH 0x1000

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#define F_SETOWN 8
#define F_GETOWN 9
#define F_GETLK64 12 /* i386 fcntl64: struct flock64 (musl's F_GETLK) */
#define F_SETLK64 13
#define F_SETLKW64 14
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
#define F_UNLCK 2 /* struct flock's l_type (a short at offset 0, both layouts) */

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

#define R_OK 4
#define W_OK 2
#define X_OK 1
#define F_OK 0

/* ---- file types and modes ---- */
#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define S_ISDIR(m) (((m)&S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m)&S_IFMT) == S_IFREG)
#define S_ISLNK(m) (((m)&S_IFMT) == S_IFLNK)
#define S_ISFIFO(m) (((m)&S_IFMT) == S_IFIFO)
#define S_ISCHR(m) (((m)&S_IFMT) == S_IFCHR)
#define S_ISBLK(m) (((m)&S_IFMT) == S_IFBLK)
#define S_ISUID 04000
#define S_ISGID 02000

#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

/* stat64 (i386): 96 bytes; long long is 4-aligned in i386 structures. */
struct linux_stat64 {
    linux_u64 st_dev;
    uint8_t __pad0[4];
    uint32_t __st_ino;
    uint32_t st_mode;
    uint32_t st_nlink;
    uint32_t st_uid;
    uint32_t st_gid;
    linux_u64 st_rdev;
    uint8_t __pad3[4];
    linux_s64 st_size;
    uint32_t st_blksize;
    linux_u64 st_blocks;
    uint32_t st_atime, st_atime_nsec;
    uint32_t st_mtime, st_mtime_nsec;
    uint32_t st_ctime, st_ctime_nsec;
    linux_u64 st_ino;
};
_Static_assert(sizeof(struct linux_stat64) == 96, "stat64 layout");
_Static_assert(__builtin_offsetof(struct linux_stat64, st_size) == 44, "stat64 layout");
_Static_assert(__builtin_offsetof(struct linux_stat64, st_ino) == 88, "stat64 layout");

/* statx (musl tries it first for every stat call). */
struct linux_statx_timestamp {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t __reserved;
};
struct linux_statx {
    uint32_t stx_mask, stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink, stx_uid, stx_gid;
    uint16_t stx_mode, __spare0;
    uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
    struct linux_statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
    uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
    uint64_t __spare2[14];
};
_Static_assert(sizeof(struct linux_statx) == 256, "statx layout");
_Static_assert(__builtin_offsetof(struct linux_statx, stx_ino) == 32, "statx layout");
_Static_assert(__builtin_offsetof(struct linux_statx, stx_atime) == 64, "statx layout");
_Static_assert(__builtin_offsetof(struct linux_statx, stx_rdev_major) == 128, "statx layout");
#define STATX_TYPE 0x001u
#define STATX_MODE 0x002u
#define STATX_NLINK 0x004u
#define STATX_UID 0x008u
#define STATX_GID 0x010u
#define STATX_ATIME 0x020u
#define STATX_MTIME 0x040u
#define STATX_CTIME 0x080u
#define STATX_INO 0x100u
#define STATX_SIZE 0x200u
#define STATX_BLOCKS 0x400u
#define STATX_BASIC_STATS 0x7ffu
#define STATX__RESERVED 0x80000000u
#define AT_NO_AUTOMOUNT 0x800
#define AT_STATX_SYNC_TYPE 0x6000

/* Linux's new_encode_dev, as stat64 reports st_dev and st_rdev. */
#define LINUX_MKDEV(major, minor) \
    ((uint32_t)(((minor)&0xff) | ((major)&0xfff) << 8 | ((minor) & ~0xffu) << 12))

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];
};
_Static_assert(__builtin_offsetof(struct linux_dirent64, d_name) == 19, "dirent64 layout");

struct linux_iovec {
    uint32_t base, len;
};
_Static_assert(sizeof(struct linux_iovec) == 8, "iovec layout");

/* ---- time ---- */
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define TIMER_ABSTIME 1

struct linux_timespec32 {
    int32_t tv_sec, tv_nsec;
};
struct linux_timespec64 { /* __kernel_timespec, for the *_time64 calls */
    int64_t tv_sec, tv_nsec;
};
_Static_assert(sizeof(struct linux_timespec64) == 16, "timespec64 layout");
struct linux_timeval {
    int32_t tv_sec, tv_usec;
};
struct linux_itimerval {
    struct linux_timeval it_interval, it_value;
};
#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2

struct linux_tms {
    int32_t tms_utime, tms_stime, tms_cutime, tms_cstime;
};
struct linux_rusage {
    struct linux_timeval ru_utime, ru_stime;
    int32_t rest[14];
};
_Static_assert(sizeof(struct linux_rusage) == 72, "rusage layout");

/* ---- poll, select ---- */
#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#define POLLRDNORM 0x040
#define POLLWRNORM 0x100
struct linux_pollfd {
    int32_t fd;
    int16_t events, revents;
};
#define LINUX_FD_SETSIZE 1024

/* ---- tty ioctls (the console answers them; everything else is -ENOTTY) ---- */
#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCSBRK 0x5409
#define TCXONC 0x540A
#define TCFLSH 0x540B
#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410
#define TIOCSCTTY 0x540E
#define TIOCNOTTY 0x5422
#define TIOCGSID 0x5429
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541B
#define TIOCOUTQ 0x5411 /* SIOCOUTQ on a socket */
#define FIONBIO 0x5421
#define FIONCLEX 0x5450
#define FIOCLEX 0x5451
struct linux_termios { /* the kernel's struct termios (TCGETS), not libc's */
    uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
    uint8_t c_line;
    uint8_t c_cc[19];
};
_Static_assert(sizeof(struct linux_termios) == 36, "termios layout");
/* termios bits (octal, as in Linux's asm-generic/termbits.h) */
#define TTY_ICRNL 0000400u
#define TTY_IXON 0002000u
#define TTY_OPOST 0000001u
#define TTY_ONLCR 0000004u
#define TTY_B38400 0000017u
#define TTY_CS8 0000060u
#define TTY_CREAD 0000200u
#define TTY_HUPCL 0002000u
#define TTY_CLOCAL 0004000u
#define TTY_ISIG 0000001u
#define TTY_ICANON 0000002u
#define TTY_ECHO 0000010u
#define TTY_ECHOE 0000020u
#define TTY_ECHOK 0000040u
#define TTY_NOFLSH 0000200u
#define TTY_ECHOCTL 0001000u
#define TTY_ECHOKE 0004000u
#define TTY_TOSTOP 0000400u
#define TTY_IEXTEN 0100000u
#define TTY_VINTR 0
#define TTY_VQUIT 1
#define TTY_VERASE 2
#define TTY_VKILL 3
#define TTY_VEOF 4
#define TTY_VTIME 5
#define TTY_VMIN 6
#define TTY_VSTART 8
#define TTY_VSTOP 9
#define TTY_VSUSP 10
#define TTY_VWERASE 14
struct linux_winsize {
    uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

/* ---- memory ---- */
#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x0100
#define MAP_DENYWRITE 0x0800
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_STACK 0x20000
#define MAP_FIXED_NOREPLACE 0x100000
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4

/* ---- processes ---- */
#define WNOHANG 1
#define WUNTRACED 2
#define WCONTINUED 8
#define CLONE_VM 0x00000100
#define CLONE_VFORK 0x00004000
#define CLONE_THREAD 0x00010000
#define CSIGNAL 0x000000ff

struct linux_utsname {
    char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};
_Static_assert(sizeof(struct linux_utsname) == 390, "utsname layout");

/* set_thread_area: the TLS descriptor request (flags are bit fields in Linux). */
struct linux_user_desc {
    uint32_t entry_number, base_addr, limit;
    uint32_t flags; /* below */
};
#define UD_SEG_32BIT 0x01
#define UD_CONTENTS_MASK 0x06
#define UD_READ_EXEC_ONLY 0x08
#define UD_LIMIT_IN_PAGES 0x10
#define UD_SEG_NOT_PRESENT 0x20
#define UD_USEABLE 0x40

/* statfs64, fstatfs64 (packed to 4 bytes on i386) */
struct linux_statfs64 {
    uint32_t f_type, f_bsize;
    uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    uint32_t f_fsid[2];
    uint32_t f_namelen, f_frsize, f_flags, f_spare[4];
} __attribute__((packed, aligned(4)));
_Static_assert(sizeof(struct linux_statfs64) == 84, "statfs64 layout");
#define ST_RDONLY 0x0001
#define ST_VALID 0x0020

struct linux_rlimit {
    uint32_t rlim_cur, rlim_max;
};
struct linux_rlimit64 {
    uint64_t rlim_cur, rlim_max;
};
#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0u)            /* struct linux_rlimit */
#define RLIM64_INFINITY (~(uint64_t)0) /* struct linux_rlimit64 */

/* reboot(2) */
#define LINUX_REBOOT_MAGIC1 0xfee1deadu
#define LINUX_REBOOT_MAGIC2 672274793u
#define LINUX_REBOOT_CMD_RESTART 0x01234567u
#define LINUX_REBOOT_CMD_HALT 0xCDEF0123u
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321FEDCu

/* ---- signals ---- */
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31
#define NSIG 64 /* signals 1..64 */

#define SIG_DFL 0u
#define SIG_IGN 1u
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SA_NOCLDSTOP 0x00000001u
#define SA_NOCLDWAIT 0x00000002u
#define SA_SIGINFO 0x00000004u
#define SA_RESTORER 0x04000000u
#define SA_ONSTACK 0x08000000u
#define SA_RESTART 0x10000000u
#define SA_NODEFER 0x40000000u
#define SA_RESETHAND 0x80000000u

/* rt_sigaction's struct (the kernel's, not libc's): handler, flags, restorer, 64-bit mask. */
struct linux_sigaction {
    uint32_t handler, flags, restorer;
    linux_u64 mask;
};
_Static_assert(sizeof(struct linux_sigaction) == 20, "sigaction layout");

/* siginfo_t is 128 bytes; the fields used here come first. */
struct linux_siginfo {
    int32_t si_signo, si_errno, si_code;
    union {
        struct {
            int32_t pid;
            uint32_t uid;
            int32_t status;
        } child;
        uint32_t addr; /* SIGSEGV, SIGBUS, SIGILL, SIGFPE: the faulting address */
    };
    uint8_t pad[128 - 24];
};
_Static_assert(sizeof(struct linux_siginfo) == 128, "siginfo layout");
#define SI_USER 0
#define SI_TKILL (-6)
#define SI_KERNEL 0x80
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRERR 2 /* SIGBUS: no memory behind the address */
#define ILL_ILLOPN 2
#define FPE_INTDIV 1
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

/* ---- auxiliary vector ---- */
#define AT_NULL 0
#define AT_IGNORE 1
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_EXECFN 31

#endif
