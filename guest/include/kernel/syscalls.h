/*
 * System-call handlers (Linux i386 numbers in linux/unistd.h, table in kernel/syscall_table.c).
 * Each takes the raw argument registers EBX, ECX, EDX, ESI, EDI, EBP as 32-bit words (user
 * pointers stay integers until uaccess.h checks them) and returns the result or -errno.
 * Calls that need the whole user register frame reach it with syscall_frame().
 */
#ifndef GUEST_SYSCALLS_H
#define GUEST_SYSCALLS_H

#include <stdint.h>

typedef uint32_t u32;

/* A result is an error when it is -4095..-1: an address above 2 GB is not. */
#define IS_ERR_RESULT(r) ((unsigned long)(r) >= (unsigned long)-4095)

/* ---- files, descriptors, pipes, polling (kernel/fs/) ---- */
long sys_read(u32 fd, u32 buf, u32 count);
long sys_write(u32 fd, u32 buf, u32 count);
long sys_readv(u32 fd, u32 iov, u32 iovcnt);
long sys_writev(u32 fd, u32 iov, u32 iovcnt);
long sys_pread64(u32 fd, u32 buf, u32 count, u32 off_lo, u32 off_hi);
long sys_pwrite64(u32 fd, u32 buf, u32 count, u32 off_lo, u32 off_hi);
long sys_open(u32 path, u32 flags, u32 mode);
long sys_openat(u32 dirfd, u32 path, u32 flags, u32 mode);
long sys_creat(u32 path, u32 mode);
long sys_close(u32 fd);
long sys_lseek(u32 fd, u32 off, u32 whence);
long sys__llseek(u32 fd, u32 off_hi, u32 off_lo, u32 result, u32 whence);
long sys_stat64(u32 path, u32 buf);
long sys_lstat64(u32 path, u32 buf);
long sys_fstat64(u32 fd, u32 buf);
long sys_fstatat64(u32 dirfd, u32 path, u32 buf, u32 flags);
long sys_statx(u32 dirfd, u32 path, u32 flags, u32 mask, u32 buf);
long sys_statfs64(u32 path, u32 size, u32 buf);
long sys_fstatfs64(u32 fd, u32 size, u32 buf);
long sys_getdents64(u32 fd, u32 dirp, u32 count);
long sys_ioctl(u32 fd, u32 cmd, u32 arg);
long sys_fcntl64(u32 fd, u32 cmd, u32 arg);
long sys_dup(u32 fd);
long sys_dup2(u32 oldfd, u32 newfd);
long sys_dup3(u32 oldfd, u32 newfd, u32 flags);
long sys_pipe(u32 fds);
long sys_pipe2(u32 fds, u32 flags);
long sys_poll(u32 fds, u32 nfds, u32 timeout_ms);
long sys_ppoll(u32 fds, u32 nfds, u32 ts32, u32 sigmask, u32 sigsetsize);
long sys_ppoll_time64(u32 fds, u32 nfds, u32 ts64, u32 sigmask, u32 sigsetsize);
long sys__newselect(u32 n, u32 rfds, u32 wfds, u32 efds, u32 tv);
long sys_pselect6(u32 n, u32 rfds, u32 wfds, u32 efds, u32 ts32, u32 sigmask);
long sys_pselect6_time64(u32 n, u32 rfds, u32 wfds, u32 efds, u32 ts64, u32 sigmask);
long sys_access(u32 path, u32 mode);
long sys_faccessat(u32 dirfd, u32 path, u32 mode);
long sys_faccessat2(u32 dirfd, u32 path, u32 mode, u32 flags);
long sys_getcwd(u32 buf, u32 size);
long sys_chdir(u32 path);
long sys_fchdir(u32 fd);
long sys_mkdir(u32 path, u32 mode);
long sys_mkdirat(u32 dirfd, u32 path, u32 mode);
long sys_rmdir(u32 path);
long sys_unlink(u32 path);
long sys_unlinkat(u32 dirfd, u32 path, u32 flags);
long sys_rename(u32 oldpath, u32 newpath);
long sys_renameat(u32 olddirfd, u32 oldpath, u32 newdirfd, u32 newpath);
long sys_readlink(u32 path, u32 buf, u32 size);
long sys_readlinkat(u32 dirfd, u32 path, u32 buf, u32 size);
long sys_symlink(u32 target, u32 linkpath);
long sys_chmod(u32 path, u32 mode);
long sys_fchmod(u32 fd, u32 mode);
long sys_umask(u32 mask);
long sys_fsync(u32 fd);
long sys_truncate(u32 path, u32 len);
long sys_truncate64(u32 path, u32 len_lo, u32 len_hi);
long sys_ftruncate(u32 fd, u32 len);
long sys_ftruncate64(u32 fd, u32 len_lo, u32 len_hi);
long sys_sync(void);

/* ---- processes (kernel/proc*.c, exec.c) ---- */
long sys_exit(u32 code);
long sys_exit_group(u32 code);
long sys_fork(void);
long sys_vfork(void);
long sys_clone(u32 flags, u32 stack, u32 ptid, u32 tls, u32 ctid);
long sys_execve(u32 path, u32 argv, u32 envp);
long sys_wait4(u32 pid, u32 status, u32 options, u32 rusage);
long sys_waitpid(u32 pid, u32 status, u32 options);
long sys_getpid(void);
long sys_getppid(void);
long sys_gettid(void);
long sys_getuid(void); /* getuid, geteuid, getgid, getegid and their *32 forms: all 0 */
long sys_setpgid(u32 pid, u32 pgid);
long sys_getpgid(u32 pid);
long sys_getpgrp(void);
long sys_setsid(void);
long sys_getsid(u32 pid);
long sys_set_tid_address(u32 tidptr);
long sys_set_thread_area(u32 udesc);
long sys_get_thread_area(u32 udesc);
long sys_sched_yield(void);
long sys_uname(u32 buf);
long sys_sethostname(u32 name, u32 len);
long sys_reboot(u32 magic1, u32 magic2, u32 cmd, u32 arg);
long sys_prlimit64(u32 pid, u32 resource, u32 new_limit, u32 old_limit);
long sys_ugetrlimit(u32 resource, u32 rlim);
long sys_setrlimit(u32 resource, u32 rlim);
long sys_getrandom(u32 buf, u32 len, u32 flags);
long sys_sysinfo(u32 info);
long sys_prctl(u32 option, u32 a2, u32 a3, u32 a4, u32 a5);
long sys_futex(u32 uaddr, u32 op, u32 val, u32 timeout, u32 uaddr2, u32 val3);
long sys_set_robust_list(u32 head, u32 len);
long sys_rseq(void);

/* ---- memory (kernel/mm/) ---- */
long sys_brk(u32 addr);
long sys_mmap2(u32 addr, u32 len, u32 prot, u32 flags, u32 fd, u32 pgoff);
long sys_munmap(u32 addr, u32 len);
long sys_mprotect(u32 addr, u32 len, u32 prot);
long sys_mremap(u32 old_addr, u32 old_len, u32 new_len, u32 flags, u32 new_addr);
long sys_madvise(u32 addr, u32 len, u32 advice);
long sys_msync(u32 addr, u32 len, u32 flags);
long sys_mlock(u32 addr, u32 len);
long sys_munlock(u32 addr, u32 len);

/* ---- signals (kernel/signal.c) ---- */
long sys_rt_sigaction(u32 sig, u32 act, u32 oldact, u32 sigsetsize);
long sys_rt_sigprocmask(u32 how, u32 set, u32 oldset, u32 sigsetsize);
long sys_rt_sigpending(u32 set, u32 sigsetsize);
long sys_rt_sigsuspend(u32 set, u32 sigsetsize);
long sys_rt_sigreturn(void);
long sys_sigreturn(void);
long sys_sigaltstack(u32 ss, u32 old);
long sys_kill(u32 pid, u32 sig);
long sys_tkill(u32 tid, u32 sig);
long sys_tgkill(u32 tgid, u32 tid, u32 sig);
long sys_pause(void);
long sys_alarm(u32 seconds);
long sys_setitimer(u32 which, u32 value, u32 old);
long sys_getitimer(u32 which, u32 value);

/* ---- time (kernel/sys_time.c) ---- */
long sys_time(u32 tloc);
long sys_gettimeofday(u32 tv, u32 tz);
long sys_clock_gettime(u32 clk, u32 ts32);
long sys_clock_gettime64(u32 clk, u32 ts64);
long sys_clock_getres(u32 clk, u32 ts32);
long sys_clock_getres_time64(u32 clk, u32 ts64);
long sys_nanosleep(u32 req32, u32 rem32);
long sys_clock_nanosleep(u32 clk, u32 flags, u32 req32, u32 rem32);
long sys_clock_nanosleep_time64(u32 clk, u32 flags, u32 req64, u32 rem64);
long sys_times(u32 tms);

/* ---- sockets (guest/net/) ---- */
long sys_socketcall(u32 call, u32 args);
long sys_socket(u32 family, u32 type, u32 protocol);
long sys_socketpair(u32 family, u32 type, u32 protocol, u32 sv);
long sys_bind(u32 fd, u32 addr, u32 len);
long sys_connect(u32 fd, u32 addr, u32 len);
long sys_listen(u32 fd, u32 backlog);
long sys_accept(u32 fd, u32 addr, u32 len);
long sys_accept4(u32 fd, u32 addr, u32 len, u32 flags);
long sys_getsockname(u32 fd, u32 addr, u32 len);
long sys_getpeername(u32 fd, u32 addr, u32 len);
long sys_send(u32 fd, u32 buf, u32 len, u32 flags);
long sys_recv(u32 fd, u32 buf, u32 len, u32 flags);
long sys_sendto(u32 fd, u32 buf, u32 len, u32 flags, u32 addr, u32 alen);
long sys_recvfrom(u32 fd, u32 buf, u32 len, u32 flags, u32 addr, u32 alen);
long sys_sendmsg(u32 fd, u32 msg, u32 flags);
long sys_recvmsg(u32 fd, u32 msg, u32 flags);
long sys_shutdown(u32 fd, u32 how);
long sys_setsockopt(u32 fd, u32 level, u32 name, u32 val, u32 len);
long sys_getsockopt(u32 fd, u32 level, u32 name, u32 val, u32 len);

/* The user register frame of the current system call (at the top of the kernel stack). */
struct trap_frame *syscall_frame(void);

/* ---- issue 11: a shell's tools ---- */
long sys_link(u32 oldpath, u32 newpath);
long sys_linkat(u32 olddirfd, u32 oldpath, u32 newdirfd, u32 newpath, u32 flags);
long sys_mknod(u32 path, u32 mode, u32 dev);
long sys_mknodat(u32 dirfd, u32 path, u32 mode, u32 dev);
long sys_sendfile(u32 out_fd, u32 in_fd, u32 off, u32 count);
long sys_sendfile64(u32 out_fd, u32 in_fd, u32 off, u32 count);
long sys_statfs(u32 path, u32 buf);
long sys_mount(u32 source, u32 target, u32 type, u32 flags, u32 data);
long sys_umount(u32 target);
long sys_umount2(u32 target, u32 flags);
long sys_fstatfs(u32 fd, u32 buf);
long sys_chown16(u32 path, u32 uid, u32 gid);
long sys_lchown16(u32 path, u32 uid, u32 gid);
long sys_fchown16(u32 fd, u32 uid, u32 gid);
long sys_chown32(u32 path, u32 uid, u32 gid);
long sys_lchown32(u32 path, u32 uid, u32 gid);
long sys_fchown32(u32 fd, u32 uid, u32 gid);
long sys_fchownat(u32 dirfd, u32 path, u32 uid, u32 gid, u32 flags);
long sys_utimensat(u32 dirfd, u32 path, u32 times, u32 flags);
long sys_utimensat_time64(u32 dirfd, u32 path, u32 times, u32 flags);
long sys_getgroups16(u32 size, u32 list);
long sys_setgroups16(u32 size, u32 list);
long sys_getgroups32(u32 size, u32 list);
long sys_setgroups32(u32 size, u32 list);
long sys_sched_getaffinity(u32 pid, u32 len, u32 mask);
long sys_sched_setaffinity(u32 pid, u32 len, u32 mask);
long sys_clock_settime(u32 clk, u32 ts);
long sys_clock_settime64(u32 clk, u32 ts);
long sys_syslog(u32 type, u32 buf, u32 len);

#endif
