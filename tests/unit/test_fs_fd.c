/* File system, descriptors and pipes: the descriptor table (lowest free, dup/dup2/dup3, CLOEXEC,
 * files_dup sharing and reference counts, files_put, EMFILE), fcntl, readv/writev and their
 * faults, and pipe semantics (EOF, EPIPE + SIGPIPE, O_NONBLOCK, atomic writes, wrap-around). */
#include "harness.h"
#include <kernel/fs/fs.h>
#include <kernel/syscalls.h>
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

static long getfd(int fd)
{
    return sys_fcntl64((u32)fd, F_GETFD, 0);
}

TEST(lowest_free)
{
    setup_std();
    CHECK_EQ(files_count(fake_proc.files), 3);
    CHECK_EQ(t_open("/etc/motd", O_RDONLY, 0), 3);
    CHECK_EQ(t_open("/etc/motd", O_RDONLY, 0), 4);
    CHECK_EQ(t_open("/etc/motd", O_RDONLY, 0), 5);
    CHECK_EQ(sys_close(4), 0);
    CHECK_EQ(t_open("/etc/motd", O_RDONLY, 0), 4);
    CHECK_EQ(sys_dup(3), 6);
    CHECK_EQ(sys_close(0), 0);
    CHECK_EQ(sys_dup(3), 0);
    CHECK_EQ(sys_dup(77), -EBADF);
    CHECK_EQ(sys_close(1023), -EBADF);
    CHECK_EQ(sys_close(5000), -EBADF);
    CHECK_EQ(files_count(fake_proc.files), 7);
    TEARDOWN();
}

TEST(dup2_dup3)
{
    char buf[16];

    setup_std();
    CHECK_EQ(t_open("/tmp/seed", O_RDWR, 0), 3);
    CHECK_EQ(sys_dup2(3, 3), 3);
    CHECK_EQ(sys_dup2(50, 50), -EBADF);
    CHECK_EQ(sys_dup2(3, 10), 10);
    /* One open file: the offset is shared. */
    CHECK_EQ(t_read(3, buf, 2), 2);
    CHECK_EQ(sys_lseek(10, 0, SEEK_CUR), 2);
    CHECK_EQ(t_read(10, buf, 2), 2);
    CHECK_STR(buf, "ed");
    /* Onto an open descriptor: that one is closed first (silently). */
    CHECK_EQ(t_open("/etc/motd", O_RDONLY, 0), 4);
    CHECK_EQ(sys_dup2(3, 4), 4);
    CHECK_EQ(sys_lseek(4, 0, SEEK_CUR), 4);
    CHECK_EQ(sys_dup2(3, 1024), -EBADF);
    CHECK_EQ(sys_dup2(99, 5), -EBADF);
    CHECK_EQ(sys_dup3(3, 3, 0), -EINVAL);
    CHECK_EQ(sys_dup3(3, 7, O_NONBLOCK), -EINVAL);
    CHECK_EQ(sys_dup3(3, 7, O_CLOEXEC), 7);
    CHECK_EQ(getfd(7), FD_CLOEXEC);
    CHECK_EQ(sys_dup2(3, 7), 7); /* dup2 clears it */
    CHECK_EQ(getfd(7), 0);
    CHECK_EQ(sys_dup2(3, 900), 900); /* the table grows */
    CHECK_EQ(getfd(900), 0);
    TEARDOWN();
}

TEST(cloexec)
{
    setup_std();
    CHECK_EQ(t_open("/etc/motd", O_RDONLY | O_CLOEXEC, 0), 3);
    CHECK_EQ(getfd(3), FD_CLOEXEC);
    CHECK_EQ(t_open("/etc/motd", O_RDONLY, 0), 4);
    CHECK_EQ(getfd(4), 0);
    CHECK_EQ(sys_fcntl64(4, F_SETFD, FD_CLOEXEC), 0);
    CHECK_EQ(getfd(4), FD_CLOEXEC);
    CHECK_EQ(sys_fcntl64(3, F_SETFD, 0), 0);
    CHECK_EQ(getfd(3), 0);
    CHECK_EQ(sys_fcntl64(3, F_DUPFD_CLOEXEC, 10), 10);
    CHECK_EQ(getfd(10), FD_CLOEXEC);
    CHECK_EQ(sys_fcntl64(3, F_DUPFD, 10), 11);
    CHECK_EQ(getfd(11), 0);
    CHECK_EQ(sys_ioctl(11, FIOCLEX, 0), 0);
    CHECK_EQ(getfd(11), FD_CLOEXEC);
    CHECK_EQ(sys_ioctl(11, FIONCLEX, 0), 0);
    CHECK_EQ(getfd(11), 0);
    CHECK_EQ(getfd(99), -EBADF);
    files_close_on_exec(fake_proc.files);
    CHECK_EQ(getfd(3), 0);
    CHECK_EQ(getfd(4), -EBADF);
    CHECK_EQ(getfd(10), -EBADF);
    CHECK_EQ(getfd(11), 0);
    CHECK_EQ(files_count(fake_proc.files), 5);
    TEARDOWN();
}

TEST(files_dup_refcounts)
{
    struct files *parent, *child;
    uint32_t pfd = ualloc(8);
    int32_t *fds = uptr(pfd);
    char buf[8];

    setup_std();
    parent = fake_proc.files;
    CHECK_EQ(sys_pipe(pfd), 0);
    CHECK_EQ(fds[0], 3);
    CHECK_EQ(fds[1], 4);
    CHECK_EQ(t_open("/tmp/seed", O_RDONLY | O_CLOEXEC, 0), 5);
    child = files_dup(parent);
    CHECK(child != NULL);
    CHECK_EQ(files_count(child), 6);
    /* The child's descriptors share the parent's open files: offsets move together. */
    fake_proc.files = child;
    CHECK_EQ(getfd(5), FD_CLOEXEC);
    CHECK_EQ(t_read(5, buf, 2), 2);
    CHECK_EQ(sys_close(4), 0); /* the child's write end */
    fake_proc.files = parent;
    CHECK_EQ(sys_lseek(5, 0, SEEK_CUR), 2);
    CHECK_EQ(sys_close(4), 0); /* the parent's: now no writer is left but... */
    fake_proc.files = child;
    CHECK_EQ(t_read(3, buf, 4), 0); /* EOF: both write ends are closed */
    fake_proc.files = parent;
    /* files_put of the child closes its descriptors, not the parent's files. */
    files_put(child);
    CHECK_EQ(sys_lseek(5, 0, SEEK_CUR), 2);
    CHECK_EQ(files_count(parent), 5);
    /* A second reference keeps a table alive through one put. */
    CHECK(files_get(parent) == parent);
    files_put(parent);
    CHECK_EQ(files_count(parent), 5);
    TEARDOWN();
}

TEST(files_put_closes_everything)
{
    struct files *parent, *child;
    char buf[4];
    int rd, wr;
    long live;

    setup_std();
    parent = fake_proc.files;
    live = fake_kmalloc_live;
    {
        uint32_t p = ualloc(8);

        CHECK_EQ(sys_pipe(p), 0);
        rd = ((int32_t *)uptr(p))[0];
        wr = ((int32_t *)uptr(p))[1];
    }
    for (int i = 0; i < 40; i++) /* past the first 16 slots: the copy is of a grown table */
        CHECK(sys_dup((u32)wr) > 0);
    child = files_dup(parent);
    CHECK(child != NULL);
    for (int fd = wr; fd < wr + 41; fd++)
        CHECK_EQ(sys_close((u32)fd), 0);
    /* The child still holds 41 write ends: the reader would wait. */
    CHECK_EQ(t_read(rd, buf, sizeof(buf)), -EINTR);
    files_put(child);
    CHECK_EQ(t_read(rd, buf, sizeof(buf)), 0); /* every one of them closed: EOF */
    CHECK_EQ(sys_close((u32)rd), 0);
    CHECK_EQ(fake_kmalloc_live, live); /* pipe, files, tables: all gone */
    CHECK_EQ(files_count(parent), 3);
    TEARDOWN();
}

TEST(emfile)
{
    setup_std();
    for (int fd = 3; fd < 1024; fd++)
        CHECK_EQ(sys_dup(0), fd);
    CHECK_EQ(sys_dup(0), -EMFILE);
    CHECK_EQ(t_open("/etc/motd", O_RDONLY, 0), -EMFILE);
    CHECK_EQ(sys_pipe(ualloc(8)), -EMFILE);
    CHECK_EQ(t_open("/tmp/created", O_CREAT | O_WRONLY, 0644), -EMFILE);
    CHECK_EQ(sys_access(ustr("/tmp/created"), F_OK), -ENOENT); /* nothing made on the way */
    CHECK_EQ(sys_fcntl64(0, F_DUPFD, 1024), -EINVAL);
    CHECK_EQ(sys_fcntl64(0, F_DUPFD, 5), -EMFILE);
    CHECK_EQ(sys_close(700), 0);
    CHECK_EQ(sys_fcntl64(0, F_DUPFD, 5), 700);
    CHECK_EQ(files_count(fake_proc.files), 1024);
    TEARDOWN();
}

TEST(fcntl_flags)
{
    uint32_t lk = ualloc(32);

    setup_std();
    CHECK_EQ(t_open("/tmp/seed", O_RDWR | O_LARGEFILE | O_CREAT, 0), 3);
    CHECK_EQ(sys_fcntl64(3, F_GETFL, 0), O_RDWR | O_LARGEFILE);
    CHECK_EQ(sys_fcntl64(3, F_SETFL, O_APPEND | O_NONBLOCK | O_WRONLY), 0);
    CHECK_EQ(sys_fcntl64(3, F_GETFL, 0), O_RDWR | O_LARGEFILE | O_APPEND | O_NONBLOCK);
    CHECK_EQ(sys_fcntl64(3, F_SETFL, 0), 0);
    CHECK_EQ(sys_fcntl64(3, F_GETFL, 0), O_RDWR | O_LARGEFILE);
    CHECK_EQ(t_write(3, "X", 1), 1);
    CHECK_EQ(sys_fcntl64(3, F_SETFL, O_APPEND), 0);
    CHECK_EQ(sys_lseek(3, 0, SEEK_SET), 0);
    CHECK_EQ(t_write(3, "Y", 1), 1);
    CHECK_EQ(sys_lseek(3, 0, SEEK_CUR), 5);
    memset(uptr(lk), 0xff, 32);
    CHECK_EQ(sys_fcntl64(3, F_GETLK64, lk), 0);
    CHECK_EQ(*(int16_t *)uptr(lk), F_UNLCK);
    CHECK_EQ(sys_fcntl64(3, F_SETLKW, lk), 0);
    CHECK_EQ(sys_fcntl64(3, F_GETLK, uend()), -EFAULT);
    CHECK_EQ(sys_fcntl64(3, 999, 0), -EINVAL);
    CHECK_EQ(sys_fcntl64(3, F_GETPIPE_SZ, 0), -EBADF);
    CHECK_EQ(sys_fcntl64(42, F_GETFL, 0), -EBADF);
    CHECK_EQ(sys_ioctl(3, FIONBIO, ustr("\1\0\0\0")), 0);
    CHECK_EQ(sys_fcntl64(3, F_GETFL, 0) & O_NONBLOCK, O_NONBLOCK);
    TEARDOWN();
}

static int make_pipe(uint32_t flags, int *rd, int *wr)
{
    uint32_t p = ualloc(8);
    long rc = sys_pipe2(p, flags);

    *rd = ((int32_t *)uptr(p))[0];
    *wr = ((int32_t *)uptr(p))[1];
    return (int)rc;
}

TEST(pipe_basic)
{
    struct linux_stat64 st;
    uint32_t sb = ualloc(sizeof(st)), n = ualloc(4);
    char buf[16];
    int rd, wr, waits;

    setup_std();
    CHECK_EQ(make_pipe(0, &rd, &wr), 0);
    CHECK_EQ(t_write(wr, "abc", 3), 3);
    CHECK_EQ(sys_ioctl((u32)rd, FIONREAD, n), 0);
    CHECK_EQ(*(int32_t *)uptr(n), 3);
    CHECK_EQ(t_read(rd, buf, 2), 2);
    CHECK_STR(buf, "ab");
    CHECK_EQ(t_read(rd, buf, 16), 1);
    /* Empty with a writer: a read sleeps (here the fake wait says a signal came). */
    waits = fake_wq_waits;
    CHECK_EQ(t_read(rd, buf, 16), -EINTR);
    CHECK_EQ(fake_wq_waits, waits + 1);
    CHECK_EQ(sys_fcntl64((u32)rd, F_SETFL, O_NONBLOCK), 0);
    CHECK_EQ(t_read(rd, buf, 16), -EAGAIN);
    CHECK_EQ(fake_wq_waits, waits + 1);
    /* Not seekable, one direction each, no tty. */
    CHECK_EQ(sys_lseek((u32)rd, 0, SEEK_SET), -ESPIPE);
    CHECK_EQ(sys_pread64((u32)rd, ualloc(4), 4, 0, 0), -ESPIPE);
    CHECK_EQ(t_read(wr, buf, 1), -EBADF);
    CHECK_EQ(t_write(rd, "x", 1), -EBADF);
    CHECK_EQ(sys_ioctl((u32)rd, TCGETS, ualloc(64)), -ENOTTY);
    CHECK_EQ(sys_fsync((u32)rd), -EINVAL);
    CHECK_EQ(sys_fcntl64((u32)wr, F_GETPIPE_SZ, 0), PIPE_SIZE);
    CHECK_EQ(sys_fstat64((u32)rd, sb), 0);
    memcpy(&st, uptr(sb), sizeof(st));
    CHECK_EQ(st.st_mode & S_IFMT, S_IFIFO);
    CHECK_EQ(st.st_dev, LINUX_MKDEV(0, 5));
    /* Every state change wakes the pollers. */
    waits = fake_wq_wakes;
    CHECK_EQ(t_write(wr, "z", 1), 1);
    CHECK(fake_wq_wakes > waits);
    /* No writer left: what is buffered, then EOF. */
    CHECK_EQ(sys_close((u32)wr), 0);
    CHECK_EQ(t_read(rd, buf, 16), 1);
    CHECK_EQ(t_read(rd, buf, 16), 0);
    CHECK_EQ(sys_close((u32)rd), 0);
    TEARDOWN();
}

TEST(pipe_epipe)
{
    int rd, wr;

    setup_std();
    CHECK_EQ(make_pipe(0, &rd, &wr), 0);
    CHECK_EQ(sys_close((u32)rd), 0);
    CHECK_EQ(fake_last_signal, 0);
    CHECK_EQ(t_write(wr, "x", 1), -EPIPE);
    CHECK_EQ(fake_last_signal, SIGPIPE);
    fake_last_signal = 0;
    CHECK_EQ(t_write(wr, "", 0), 0); /* nothing to write: no signal */
    CHECK_EQ(fake_last_signal, 0);
    TEARDOWN();
}

TEST(pipe_atomic_nonblock)
{
    uint32_t big = ualloc(PIPE_SIZE);
    int rd, wr, waits;

    setup_std();
    CHECK_EQ(make_pipe(O_NONBLOCK | O_CLOEXEC, &rd, &wr), 0);
    CHECK_EQ(getfd(rd), FD_CLOEXEC);
    CHECK_EQ(sys_fcntl64((u32)wr, F_GETFL, 0), O_WRONLY | O_NONBLOCK);
    CHECK_EQ(sys_write((u32)wr, big, PIPE_SIZE - 100), PIPE_SIZE - 100);
    /* 100 bytes free: a 4096-byte write is atomic, so none of it goes in. */
    CHECK_EQ(sys_write((u32)wr, big, 4096), -EAGAIN);
    CHECK_EQ(sys_write((u32)wr, big, 101), -EAGAIN);
    CHECK_EQ(sys_write((u32)wr, big, 60), 60);
    /* Above PIPE_BUF a write may be split: what fits goes in. */
    CHECK_EQ(sys_write((u32)wr, big, 8192), 40);
    CHECK_EQ(sys_write((u32)wr, big, 8192), -EAGAIN);
    CHECK_EQ(sys_read((u32)rd, big, 5000), 5000);
    CHECK_EQ(sys_write((u32)wr, big, 8192), 5000);
    /* A blocking write that cannot finish sleeps; interrupted, it reports what it wrote. */
    CHECK_EQ(sys_fcntl64((u32)wr, F_SETFL, 0), 0);
    CHECK_EQ(sys_read((u32)rd, big, 1000), 1000);
    waits = fake_wq_waits;
    CHECK_EQ(sys_write((u32)wr, big, 3000), -EINTR); /* atomic: waits for all 3000 */
    CHECK_EQ(sys_write((u32)wr, big, 5000), 1000);   /* not atomic: 1000, then the wait */
    CHECK_EQ(fake_wq_waits, waits + 2);
    CHECK_EQ(make_pipe(0x10, &rd, &wr), -EINVAL);
    CHECK_EQ(sys_pipe2(uend(), 0), -EFAULT);
    CHECK_EQ(t_open("/etc/motd", O_RDONLY, 0), 5); /* nothing left behind by the fault */
    TEARDOWN();
}

TEST(pipe_wraparound)
{
    uint32_t ub = ualloc(8192);
    uint8_t *p = uptr(ub);
    uint32_t wseq = 0, rseq = 0;
    int rd, wr;

    setup_std();
    CHECK_EQ(make_pipe(O_NONBLOCK, &rd, &wr), 0);
    /* Odd sizes so the ring's seam lands everywhere; 40 laps of 64 KB. */
    for (int round = 0; round < 2000; round++) {
        size_t w = 1000 + (size_t)(round * 37) % 3000, r = 900 + (size_t)(round * 53) % 3200;
        long n;

        for (size_t i = 0; i < w; i++)
            p[i] = (uint8_t)(wseq + i);
        n = sys_write((u32)wr, ub, (u32)w);
        if (n > 0)
            wseq += (uint32_t)n;
        else
            CHECK_EQ(n, -EAGAIN);
        n = sys_read((u32)rd, ub, (u32)r);
        CHECK(n > 0);
        for (long i = 0; i < n; i++)
            CHECK_EQ(p[i], (uint8_t)(rseq + (uint32_t)i));
        rseq += (uint32_t)n;
    }
    CHECK(wseq > 40 * PIPE_SIZE / 32);
    CHECK(rseq <= wseq && wseq - rseq <= PIPE_SIZE);
    TEARDOWN();
}

TEST(readv_writev)
{
    uint32_t iov = ualloc(4 * sizeof(struct linux_iovec));
    struct linux_iovec *v = uptr(iov);
    uint32_t a = ustr("hello "), b = ustr("vectored "), c = ustr("world");
    uint32_t out1 = ualloc(8), out2 = ualloc(64);
    char buf[64];

    setup_std();
    CHECK_EQ(t_open("/tmp/v", O_CREAT | O_RDWR, 0600), 3);
    v[0] = (struct linux_iovec){a, 6};
    v[1] = (struct linux_iovec){b, 0};
    v[2] = (struct linux_iovec){b, 9};
    v[3] = (struct linux_iovec){c, 5};
    CHECK_EQ(sys_writev(3, iov, 4), 20);
    CHECK_EQ(t_slurp("/tmp/v", buf, sizeof(buf)), 20);
    CHECK_STR(buf, "hello vectored world");
    CHECK_EQ(sys_lseek(3, 0, SEEK_SET), 0);
    v[0] = (struct linux_iovec){out1, 8};
    v[1] = (struct linux_iovec){out2, 64};
    CHECK_EQ(sys_readv(3, iov, 2), 20);
    CHECK(memcmp(uptr(out1), "hello ve", 8) == 0);
    CHECK(memcmp(uptr(out2), "ctored world", 12) == 0);
    CHECK_EQ(sys_readv(3, iov, 0), 0);
    CHECK_EQ(sys_readv(3, iov, 1025), -EINVAL);
    CHECK_EQ(sys_readv(3, uend() - 8, 2), -EFAULT);
    v[0] = (struct linux_iovec){out1, 0x80000000u};
    CHECK_EQ(sys_readv(3, iov, 2), -EINVAL);
    v[0] = (struct linux_iovec){0x7fffffffu, 0x7fffffffu};
    v[1] = (struct linux_iovec){out2, 2};
    CHECK_EQ(sys_writev(3, iov, 2), -EINVAL); /* the total overflows */
    /* A bad element after a good one: the good one counts. */
    CHECK_EQ(sys_lseek(3, 0, SEEK_SET), 0);
    v[0] = (struct linux_iovec){out1, 4};
    v[1] = (struct linux_iovec){uend(), 4};
    CHECK_EQ(sys_readv(3, iov, 2), 4);
    CHECK_EQ(sys_readv(77, iov, 1), -EBADF);
    /* A pipe readv takes what is there without waiting for the second element. */
    {
        uint32_t p = ualloc(8);
        int32_t *fds = uptr(p);

        CHECK_EQ(sys_pipe(p), 0);
        CHECK_EQ(sys_write((u32)fds[1], a, 6), 6);
        v[0] = (struct linux_iovec){out1, 4};
        v[1] = (struct linux_iovec){out2, 64};
        CHECK_EQ(sys_readv((u32)fds[0], iov, 2), 6);
        CHECK_EQ(sys_fcntl64((u32)fds[0], F_GETFL, 0) & O_NONBLOCK, 0);
    }
    TEARDOWN();
}

TEST(faults)
{
    uint32_t ub = ualloc(8192);

    setup_std();
    CHECK_EQ(t_open("/tmp/f", O_CREAT | O_RDWR, 0600), 3);
    CHECK_EQ(sys_write(3, ub, 8192), 8192);
    CHECK_EQ(sys_write(3, uend() - 10, 100), -EFAULT);
    CHECK_EQ(sys_write(3, 0, 1), -EFAULT);
    /* Reading into a buffer that runs off the end of ring-3 memory: the first page lands. */
    CHECK_EQ(sys_pread64(3, uend() - 4096, 8192, 0, 0), 4096);
    CHECK_EQ(sys_pread64(3, uend(), 8192, 0, 0), -EFAULT);
    CHECK_EQ(t_open("/etc/motd", O_RDONLY, 0), 4);
    CHECK_EQ(sys_read(4, uend() - 4, 13), -EFAULT);
    CHECK_EQ(sys_lseek(4, 0, SEEK_CUR), 0); /* nothing consumed */
    CHECK_EQ(t_open("/dev/zero", O_RDONLY, 0), 5);
    CHECK_EQ(sys_read(5, uend() - 4, 13), -EFAULT);
    CHECK_EQ(sys_read(5, ub, 13), 13);
    memset(uptr(uend() - 2), 'x', 2);
    CHECK_EQ(sys_open(uend() - 2, O_RDONLY, 0), -EFAULT);
    TEARDOWN();
}

RUN_TESTS(T(lowest_free), T(dup2_dup3), T(cloexec), T(files_dup_refcounts),
          T(files_put_closes_everything), T(emfile), T(fcntl_flags), T(pipe_basic), T(pipe_epipe),
          T(pipe_atomic_nonblock), T(pipe_wraparound), T(readv_writev), T(faults))
