/* File system, the writable part and the metadata calls: tmpfs files (create, write, read,
 * truncate, append, holes, unlink while open, rename, mkdir/rmdir, symlinks, ENOSPC, the size
 * limit and statfs), -EROFS on
 * the initramfs, access(), getdents64 records and resumption, stat/statx fields, chmod/umask. */
#include "harness.h"
#include <kernel/fs/fs.h>
#include <kernel/mm/kmem.h>
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

static long fsize(const char *path)
{
    struct linux_stat64 st;
    long rc = t_stat(path, &st);

    return rc ? rc : (long)st.st_size;
}

TEST(create_write_read)
{
    struct linux_stat64 st;
    char buf[64];
    uint32_t ub = ualloc(64);

    setup_std();
    CHECK_EQ(t_open("/tmp/f", O_CREAT | O_RDWR, 0666), 3);
    CHECK_EQ(t_stat("/tmp/f", &st), 0);
    CHECK_EQ(st.st_mode, S_IFREG | 0644); /* umask 022 */
    CHECK_EQ(st.st_size, 0);
    CHECK_EQ(st.st_dev, LINUX_MKDEV(0, 2));
    CHECK_EQ(st.st_mtime, 1700000000u);
    CHECK_EQ(t_write(3, "hello", 5), 5);
    CHECK_EQ(sys_lseek(3, 0, SEEK_SET), 0);
    CHECK_EQ(t_read(3, buf, sizeof(buf)), 5);
    CHECK_STR(buf, "hello");
    CHECK_EQ(t_read(3, buf, sizeof(buf)), 0);
    CHECK_EQ(sys_pread64(3, ub, 3, 1, 0), 3);
    CHECK(memcmp(uptr(ub), "ell", 3) == 0);
    memcpy(uptr(ub), "XY", 2);
    CHECK_EQ(sys_pwrite64(3, ub, 2, 10, 0), 2); /* past the end: a gap of zeros */
    CHECK_EQ(fsize("/tmp/f"), 12);
    CHECK_EQ(sys_lseek(3, 0, SEEK_CUR), 5); /* pread/pwrite leave the offset alone */
    CHECK_EQ(sys_pread64(3, ub, 64, 0, 0), 12);
    CHECK(memcmp(uptr(ub), "hello\0\0\0\0\0XY", 12) == 0);
    CHECK_EQ(sys_pread64(3, ub, 64, 0, 0x80000000u), -EINVAL); /* a negative offset */
    CHECK_EQ(t_open("/tmp/f", O_CREAT | O_EXCL | O_WRONLY, 0600), -EEXIST);
    CHECK_EQ(t_open("/tmp/g", O_CREAT | O_EXCL | O_WRONLY, 0600), 4);
    CHECK_EQ(sys_close(4), 0);
    CHECK_EQ(sys_close(4), -EBADF);
    /* O_APPEND: every write goes to the end, wherever the offset was. */
    CHECK_EQ(t_open("/tmp/f", O_WRONLY | O_APPEND, 0), 4);
    CHECK_EQ(sys_lseek(4, 0, SEEK_SET), 0);
    CHECK_EQ(t_write(4, "!", 1), 1);
    CHECK_EQ(fsize("/tmp/f"), 13);
    CHECK_EQ(sys_lseek(4, 0, SEEK_CUR), 13);
    /* O_TRUNC empties it; the other descriptor reads nothing more. */
    CHECK_EQ(t_open("/tmp/f", O_WRONLY | O_TRUNC, 0), 5);
    CHECK_EQ(fsize("/tmp/f"), 0);
    CHECK_EQ(sys_pread64(3, ub, 64, 0, 0), 0);
    CHECK_EQ(sys_creat(ustr("/tmp/c"), 0644), 6);
    CHECK_EQ(t_read(6, buf, 4), -EBADF); /* creat opens write-only */
    CHECK_EQ(t_write(0, "", 0), 0);
    TEARDOWN();
}

TEST(holes_and_truncate)
{
    struct linux_stat64 st;
    struct inode *ino;
    uint32_t ub = ualloc(12000);
    uint8_t *p = uptr(ub);
    long pages;

    setup_std();
    pages = fake_pages_live;
    CHECK_EQ(t_open("/tmp/h", O_CREAT | O_RDWR, 0600), 3);
    CHECK_EQ(sys_lseek(3, 10000, SEEK_SET), 10000);
    CHECK_EQ(t_write(3, "x", 1), 1);
    CHECK_EQ(t_stat("/tmp/h", &st), 0);
    CHECK_EQ(st.st_size, 10001);
    CHECK_EQ(st.st_blocks, 8); /* one page: the holes cost nothing */
    memset(p, 0xff, 12000);
    CHECK_EQ(sys_pread64(3, ub, 12000, 0, 0), 10001);
    for (int i = 0; i < 10000; i++)
        CHECK_EQ(p[i], 0);
    CHECK_EQ(p[10000], 'x');
    /* Shrinking frees pages and zeroes the tail, so growing again shows zeros. */
    CHECK_EQ(path_lookup(NULL, "/tmp/h", WALK_FOLLOW, &ino), 0);
    memset(p, 'a', 9000);
    CHECK_EQ(sys_pwrite64(3, ub, 9000, 0, 0), 9000);
    CHECK_EQ(tmpfs_truncate(ino, 100), 0);
    CHECK_EQ(fake_pages_live, pages + 2); /* page 0 and the index page */
    CHECK_EQ(tmpfs_truncate(ino, 9000), 0);
    CHECK_EQ(sys_pread64(3, ub, 9000, 0, 0), 9000);
    CHECK_EQ(p[99], 'a');
    for (int i = 100; i < 9000; i++)
        CHECK_EQ(p[i], 0);
    CHECK_EQ(tmpfs_truncate(ino, 0), 0);
    CHECK_EQ(fake_pages_live, pages);
    inode_put(ino);
    /* Seeking: ends, current, negative results and a 32-bit lseek past 2 GB. */
    CHECK_EQ(sys_lseek(3, 0, SEEK_SET), 0);
    CHECK_EQ(t_write(3, "abc", 3), 3);
    CHECK_EQ(sys_lseek(3, 0, SEEK_END), 3);
    CHECK_EQ(sys_lseek(3, (u32)-1, SEEK_END), 2);
    CHECK_EQ(sys_lseek(3, (u32)-5, SEEK_CUR), -EINVAL);
    CHECK_EQ(sys_lseek(3, 0, SEEK_CUR), 2);
    CHECK_EQ(sys_lseek(3, 0, 3), -EINVAL);
    CHECK_EQ(sys__llseek(3, 1, 0, ub, SEEK_SET), 0); /* 4 GB */
    CHECK_EQ(*(uint64_t *)p, 1ull << 32);
    CHECK_EQ(sys_lseek(3, 0, SEEK_CUR), -EOVERFLOW);
    CHECK_EQ(t_write(3, "x", 1), -EFBIG);
    CHECK_EQ(sys__llseek(3, 0, 5, uend(), SEEK_SET), -EFAULT);
    CHECK_EQ(sys__llseek(3, 0xffffffffu, 0, ub, SEEK_SET), -EINVAL);
    CHECK_EQ(sys_lseek(99, 0, SEEK_SET), -EBADF);
    TEARDOWN();
}

TEST(large_file)
{
    uint32_t ub = ualloc(3 << 20);
    uint8_t *p = uptr(ub);
    long pages;

    setup_std();
    pages = fake_pages_live;
    for (uint32_t i = 0; i < (3u << 20); i++)
        p[i] = (uint8_t)(i * 7 + (i >> 12));
    CHECK_EQ(t_open("/tmp/big", O_CREAT | O_RDWR, 0600), 3);
    /* 3 MB at offset 5 MB: two levels of index pages (three on a 64-bit host). */
    CHECK_EQ(sys_pwrite64(3, ub, 3u << 20, 5u << 20, 0), 3 << 20);
    CHECK_EQ(fsize("/tmp/big"), 8 << 20);
    memset(p, 0, 3u << 20);
    CHECK_EQ(sys_pread64(3, ub, 3u << 20, 5u << 20, 0), 3 << 20);
    for (uint32_t i = 0; i < (3u << 20); i++)
        CHECK_EQ(p[i], (uint8_t)(i * 7 + (i >> 12)));
    CHECK(fake_pages_live > pages + 768);
    CHECK_EQ(sys_close(3), 0);
    CHECK_EQ(t_unlink("/tmp/big"), 0);
    CHECK_EQ(fake_pages_live, pages);
    TEARDOWN();
}

TEST(unlink_while_open)
{
    struct linux_stat64 st;
    char buf[16];
    uint32_t sb = ualloc(sizeof(st));
    long live;

    setup_std();
    live = fake_kmalloc_live;
    CHECK_EQ(t_open("/tmp/u", O_CREAT | O_RDWR, 0600), 3);
    CHECK_EQ(t_write(3, "still here", 10), 10);
    CHECK_EQ(t_unlink("/tmp/u"), 0);
    CHECK_EQ(t_stat("/tmp/u", &st), -ENOENT);
    CHECK_EQ(t_unlink("/tmp/u"), -ENOENT);
    CHECK_EQ(sys_pread64(3, ualloc(16), 16, 0, 0), 10);
    CHECK_EQ(sys_lseek(3, 0, SEEK_SET), 0);
    CHECK_EQ(t_read(3, buf, sizeof(buf)), 10);
    CHECK_STR(buf, "still here");
    CHECK_EQ(sys_fstat64(3, sb), 0);
    CHECK_EQ(((struct linux_stat64 *)uptr(sb))->st_nlink, 0);
    CHECK_EQ(t_write(3, "!", 1), 1); /* and still writable */
    CHECK_EQ(sys_close(3), 0);
    CHECK_EQ(fake_kmalloc_live, live); /* inode, data and file all gone */
    /* Removing a name that is someone's working directory. */
    TEARDOWN();
}

TEST(rename)
{
    struct linux_stat64 st;
    char buf[16];
    uint64_t ino;

    setup_std();
    CHECK_EQ(t_open("/tmp/a", O_CREAT | O_WRONLY, 0600), 3);
    CHECK_EQ(t_write(3, "A", 1), 1);
    CHECK_EQ(t_stat("/tmp/a", &st), 0);
    ino = st.st_ino;
    CHECK_EQ(t_rename("/tmp/a", "/tmp/b"), 0);
    CHECK_EQ(t_stat("/tmp/a", &st), -ENOENT);
    CHECK_EQ(t_stat("/tmp/b", &st), 0);
    CHECK_EQ(st.st_ino, ino);
    CHECK_EQ(t_rename("/tmp/b", "/tmp/b"), 0);
    /* Over an existing file: it is replaced (and freed once closed). */
    CHECK_EQ(t_open("/tmp/c", O_CREAT | O_WRONLY, 0600), 4);
    CHECK_EQ(t_write(4, "C", 1), 1);
    CHECK_EQ(t_rename("/tmp/b", "/tmp/c"), 0);
    CHECK_EQ(t_slurp("/tmp/c", buf, sizeof(buf)), 1);
    CHECK_STR(buf, "A");
    CHECK_EQ(sys_fstat64(4, ualloc(96)), 0);
    /* Directories: moved with their contents and link counts. */
    CHECK_EQ(t_mkdir("/tmp/d", 0755), 0);
    CHECK_EQ(t_mkdir("/tmp/d/sub", 0755), 0);
    CHECK_EQ(t_mkdir("/tmp/e", 0755), 0);
    CHECK_EQ(t_rename("/tmp/d", "/tmp/e/d2"), 0);
    CHECK_EQ(t_stat("/tmp/e/d2/sub", &st), 0);
    CHECK_EQ(t_stat("/tmp/e", &st), 0);
    CHECK_EQ(st.st_nlink, 3);
    CHECK_EQ(t_stat("/tmp/e/d2", &st), 0);
    CHECK_EQ(st.st_nlink, 3);
    CHECK_EQ(t_chdir("/tmp/e/d2/sub"), 0);
    CHECK_EQ(t_getcwd(buf, 13), -ERANGE);
    CHECK_EQ(t_getcwd(buf, 14), 14);
    CHECK_STR(buf, "/tmp/e/d2/sub");
    CHECK_EQ(t_chdir("/"), 0);
    CHECK_EQ(t_rename("/tmp/e", "/tmp/e/d2/sub/x"), -EINVAL); /* into itself */
    CHECK_EQ(t_rename("/tmp/c", "/tmp/e"), -EISDIR);
    CHECK_EQ(t_rename("/tmp/e", "/tmp/c"), -ENOTDIR);
    CHECK_EQ(t_mkdir("/tmp/empty", 0755), 0);
    CHECK_EQ(t_rename("/tmp/e", "/tmp/empty"), 0); /* over an empty directory */
    CHECK_EQ(t_stat("/tmp/empty/d2", &st), 0);
    CHECK_EQ(t_mkdir("/tmp/e", 0755), 0);
    CHECK_EQ(t_rename("/tmp/e", "/tmp/empty"), -ENOTEMPTY);
    CHECK_EQ(t_rename("/tmp/c", "/tmp/c/"), -ENOTDIR);
    CHECK_EQ(t_rename("/tmp/nope", "/tmp/x"), -ENOENT);
    CHECK_EQ(t_rename("/tmp/c", "/tmp/nodir/x"), -ENOENT);
    /* The root is one tmpfs with /tmp (Linux's initramfs root); /dev and /proc are not. */
    CHECK_EQ(t_rename("/tmp/c", "/etc/c"), 0);
    CHECK_EQ(t_rename("/etc/motd", "/etc/m"), 0);
    CHECK_EQ(t_rename("/etc/c", "/dev/c"), -EXDEV);
    CHECK_EQ(t_rename("/dev/null", "/dev/n"), -EROFS);
    CHECK_EQ(t_rename("/tmp/.", "/tmp/x"), -EBUSY);
    CHECK_EQ(t_rename("/tmp", "/tmp2"), 0);
    TEARDOWN();
}

TEST(mkdir_rmdir_unlink)
{
    struct linux_stat64 st;

    setup_std();
    CHECK_EQ(t_stat("/tmp", &st), 0);
    CHECK_EQ(st.st_nlink, 2);
    CHECK_EQ(t_mkdir("/tmp/d", 0777), 0);
    CHECK_EQ(t_mkdir("/tmp/d", 0777), -EEXIST);
    CHECK_EQ(t_stat("/tmp/d", &st), 0);
    CHECK_EQ(st.st_mode, S_IFDIR | 0755);
    CHECK_EQ(st.st_nlink, 2);
    CHECK_EQ(t_stat("/tmp", &st), 0);
    CHECK_EQ(st.st_nlink, 3);
    CHECK_EQ(t_mkdir("/tmp/d/e/", 0700), 0); /* a trailing slash is fine for mkdir */
    CHECK_EQ(t_mkdir("/tmp/x/y", 0700), -ENOENT);
    CHECK_EQ(t_mkdir("/tmp/d/.", 0700), -EEXIST);
    CHECK_EQ(t_mkdir("/etc", 0700), -EEXIST);
    CHECK_EQ(t_mkdir("/etc/new", 0700), 0);
    CHECK_EQ(t_mkdir("/dev/new", 0700), -EROFS);
    CHECK_EQ(t_mkdir("/dangling", 0700), -EEXIST);
    CHECK_EQ(t_rmdir("/tmp/d"), -ENOTEMPTY);
    CHECK_EQ(t_rmdir("/tmp/d/e/."), -EINVAL);
    CHECK_EQ(t_rmdir("/tmp/d/e/.."), -ENOTEMPTY);
    CHECK_EQ(t_rmdir("/tmp/d/e"), 0);
    CHECK_EQ(t_rmdir("/tmp/d/e"), -ENOENT);
    CHECK_EQ(t_rmdir("/tmp/d/"), 0);
    CHECK_EQ(t_stat("/tmp", &st), 0);
    CHECK_EQ(st.st_nlink, 2);
    CHECK_EQ(t_rmdir("/tmp"), -ENOTEMPTY); /* the root is writable */
    CHECK_EQ(t_rmdir("/"), -EBUSY);
    CHECK_EQ(t_rmdir("/tmp/seed"), -ENOTDIR);
    CHECK_EQ(t_rmdir("/etc/new"), 0);
    CHECK_EQ(t_rmdir("/dev/null"), -EROFS); /* Linux too: the mount is checked first */
    CHECK_EQ(t_unlink("/tmp"), -EISDIR);
    CHECK_EQ(t_mkdir("/tmp/d", 0755), 0);
    CHECK_EQ(t_unlink("/tmp/d"), -EISDIR);
    CHECK_EQ(t_unlink("/tmp/d/"), -EISDIR);
    CHECK_EQ(t_unlink("/tmp/seed/"), -ENOTDIR);
    CHECK_EQ(t_unlink("/tmp/."), -EISDIR);
    CHECK_EQ(sys_unlinkat((u32)AT_FDCWD, ustr("/tmp/d"), 0x1), -EINVAL);
    CHECK_EQ(t_open("/tmp", O_RDONLY | O_DIRECTORY, 0), 3);
    CHECK_EQ(sys_unlinkat(3, ustr("d"), AT_REMOVEDIR), 0);
    CHECK_EQ(sys_unlinkat(3, ustr("seed"), 0), 0);
    CHECK_EQ(t_stat("/tmp/seed", &st), -ENOENT);
    CHECK_EQ(sys_mkdirat(3, ustr("viafd"), 0755), 0);
    CHECK_EQ(t_stat("/tmp/viafd", &st), 0);
    CHECK_EQ(t_mkdir("/tmp/z", 0755), 0);
    CHECK_EQ(t_open("/tmp/z/f", O_CREAT | O_WRONLY, 0644), 4);
    CHECK_EQ(t_rmdir("/tmp/z"), -ENOTEMPTY);
    TEARDOWN();
}

TEST(erofs_and_open_checks)
{
    struct linux_stat64 st;
    char buf[32];

    setup_std();
    /* The root (the initramfs) is writable; /dev and /proc are not. */
    CHECK_EQ(t_open("/etc/new", O_CREAT | O_WRONLY, 0644), 3);
    CHECK_EQ(t_write(3, "new", 3), 3);
    CHECK_EQ(sys_close(3), 0);
    CHECK_EQ(t_unlink("/etc/new"), 0);
    CHECK_EQ(t_open("/dev/new", O_CREAT | O_WRONLY, 0644), -EROFS);
    CHECK_EQ(t_unlink("/dev/null"), -EROFS);
    CHECK_EQ(t_symlink("x", "/dev/sym"), -EROFS);
    CHECK_EQ(t_symlink("x", "/proc/sym"), -EROFS);
    CHECK_EQ(sys_chmod(ustr("/proc/meminfo"), 0777), -EROFS);
    CHECK_EQ(t_open("/etc/motd", O_RDONLY, 0), 3);
    CHECK_EQ(t_write(3, "x", 1), -EBADF);
    CHECK_EQ(t_open("/proc/meminfo", O_WRONLY, 0), -EACCES);
    CHECK_EQ(t_open("/etc", O_WRONLY, 0), -EISDIR);
    CHECK_EQ(t_open("/etc", O_RDONLY, 0), 4);
    CHECK_EQ(t_read(4, buf, 4), -EISDIR);
    CHECK_EQ(t_open("/etc/motd", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
    CHECK_EQ(t_open("/etc/link", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
    CHECK_EQ(t_open("/etc", O_CREAT | O_RDONLY, 0644), -EISDIR);
    CHECK_EQ(t_open("/tmp/new/", O_CREAT | O_WRONLY, 0644), -EISDIR);
    CHECK_EQ(t_open("/tmp/", O_CREAT | O_WRONLY, 0644), -EISDIR);
    CHECK_EQ(t_open("/nodir/f", O_CREAT | O_WRONLY, 0644), -ENOENT);
    CHECK_EQ(t_open("/etc/motd", 0x7, 0), 5); /* O_ACCMODE 3: neither read nor write */
    CHECK_EQ(t_read(5, buf, 1), -EBADF);
    CHECK_EQ(t_open("/etc/link", O_PATH | O_NOFOLLOW, 0), 6);
    CHECK_EQ(t_read(6, buf, 1), -EBADF);
    CHECK_EQ(sys_fstat64(6, ualloc(96)), 0);
    /* O_CREAT through a dangling symlink makes its target (not with O_EXCL). */
    CHECK_EQ(t_symlink("/tmp/target", "/tmp/lnk"), 0);
    CHECK_EQ(t_open("/tmp/lnk", O_CREAT | O_EXCL | O_WRONLY, 0644), -EEXIST);
    CHECK_EQ(t_open("/tmp/lnk", O_CREAT | O_WRONLY, 0644), 7);
    CHECK_EQ(t_stat("/tmp/target", &st), 0);
    CHECK_EQ(t_symlink("/tmp/lnk2", "/tmp/lnk2"), 0);
    CHECK_EQ(t_open("/tmp/lnk2", O_CREAT | O_WRONLY, 0644), -ELOOP);
    /* access(): root may do anything but write a read-only file or run a file without x. */
    CHECK_EQ(sys_access(ustr("/etc/motd"), R_OK), 0);
    CHECK_EQ(sys_access(ustr("/etc/motd"), W_OK), 0);
    CHECK_EQ(sys_access(ustr("/proc/meminfo"), W_OK), -EROFS);
    CHECK_EQ(sys_access(ustr("/etc/motd"), X_OK), -EACCES);
    CHECK_EQ(sys_access(ustr("/bin/sh"), X_OK | R_OK), 0);
    CHECK_EQ(sys_access(ustr("/etc"), X_OK), 0);
    CHECK_EQ(sys_access(ustr("/dev/null"), W_OK), 0);
    CHECK_EQ(sys_access(ustr("/tmp/target"), W_OK), 0);
    CHECK_EQ(sys_access(ustr("/nope"), F_OK), -ENOENT);
    CHECK_EQ(sys_access(ustr("/etc/motd"), 8), -EINVAL);
    CHECK_EQ(sys_faccessat2((u32)AT_FDCWD, ustr("/dangling"), F_OK, AT_SYMLINK_NOFOLLOW), 0);
    CHECK_EQ(sys_faccessat2((u32)AT_FDCWD, ustr("/etc"), F_OK, 0x8000), -EINVAL);
    CHECK_EQ(sys_faccessat(4, ustr("motd"), R_OK), 0);
    TEARDOWN();
}

TEST(enospc)
{
    uint32_t ub = ualloc(5 * 4096);
    struct linux_stat64 st;
    long n;

    setup_std();
    CHECK_EQ(t_open("/tmp/full", O_CREAT | O_RDWR, 0600), 3);
    /* Only two pages beyond tmpfs's reserve: a 5-page write stops short. */
    fake_page_budget = (uint32_t)fake_pages_live + TMPFS_RESERVE_PAGES + 3;
    n = sys_write(3, ub, 5 * 4096);
    CHECK(n > 0 && n < 5 * 4096);
    CHECK_EQ(sys_write(3, ub, 4096), -ENOSPC);
    CHECK_EQ(sys_mkdir(ustr("/tmp/dir"), 0755), 0); /* kmalloc still has room */
    fake_kmalloc_fail_in = 1;                       /* the path copy works, the inode not */
    CHECK_EQ(t_open("/tmp/nomem", O_CREAT | O_WRONLY, 0600), -ENOSPC); /* Linux's shmem too */
    fake_kmalloc_fail_in = 2; /* the inode works, its directory entry not: Linux's d_alloc */
    CHECK_EQ(t_open("/tmp/nomem", O_CREAT | O_WRONLY, 0600), -ENOMEM);
    fake_kmalloc_fail_in = 2;
    CHECK_EQ(t_mkdir("/tmp/nomem", 0755), -ENOMEM);
    CHECK_EQ(t_stat("/tmp/nomem", &st), -ENOENT);
    fake_page_budget = 100000;
    CHECK_EQ(sys_write(3, ub, 4096), 4096);
    TEARDOWN();
}

/* tmpfs's size limit: half of the memory in bytes (inodes, names, symlink targets and pages all
 * count) and half as many inodes as pages; ENOSPC beyond, everything back after the clean-up. */
TEST(size_limit)
{
    static char target[4001];
    struct tmpfs_usage start, full, after;
    struct linux_statfs64 st;
    uint32_t ub = ualloc(sizeof(st)), upath = ualloc(64), utarget;
    char *path = uptr(upath);
    int n = 0, dirs = 0;
    long rc = 0;

    setup_std();
    memset(target, 't', sizeof(target) - 1);
    utarget = ustr(target);
    tmpfs_usage(&start);
    CHECK_EQ(start.max_bytes, (uint64_t)page_total_count() * 4096 / 2);
    CHECK_EQ(start.max_inodes, page_total_count() / 2);
    while (rc == 0) {
        if (n % 256 == 0) {
            snprintf(path, 64, "/tmp/d%d", dirs++);
            rc = sys_mkdir(upath, 0755);
        }
        snprintf(path, 64, "/tmp/d%d/s%d", dirs - 1, n % 256);
        if (rc == 0 && (rc = sys_symlink(utarget, upath)) == 0)
            n++;
    }
    CHECK_EQ(rc, -ENOSPC);
    tmpfs_usage(&full);
    CHECK(full.bytes <= full.max_bytes && full.inodes <= full.max_inodes);
    CHECK(full.bytes > full.max_bytes - 8192 || full.inodes == full.max_inodes);
    CHECK(n > 1000);
    CHECK_EQ(t_mkdir("/tmp/more", 0755), -ENOSPC);
    CHECK_EQ(sys_statfs64(ustr("/tmp"), sizeof(st), ub), 0);
    memcpy(&st, uptr(ub), sizeof(st));
    CHECK_EQ(st.f_type, 0x01021994u);
    CHECK_EQ(st.f_blocks, full.max_bytes / 4096);
    CHECK_EQ(st.f_bfree, (full.max_bytes - full.bytes) / 4096);
    CHECK_EQ(st.f_files - st.f_ffree, full.inodes);
    CHECK_EQ(sys_statfs64(ustr("/tmp"), sizeof(st) - 1, ub), -EINVAL);
    CHECK_EQ(sys_statfs64(ustr("/proc"), sizeof(st), ub), 0);
    memcpy(&st, uptr(ub), sizeof(st));
    CHECK_EQ(st.f_blocks, 0);
    CHECK(st.f_flags & ST_RDONLY);
    for (int i = 0; i < n; i++) {
        snprintf(path, 64, "/tmp/d%d/s%d", i / 256, i % 256);
        CHECK_EQ(sys_unlink(upath), 0);
    }
    for (int d = 0; d < dirs; d++) {
        snprintf(path, 64, "/tmp/d%d", d);
        sys_rmdir(upath); /* the last one may not have been made */
    }
    tmpfs_usage(&after);
    CHECK_EQ(after.bytes, start.bytes);
    CHECK_EQ(after.inodes, start.inodes);
    TEARDOWN();
}

/* One getdents64 record, decoded. */
struct rec {
    uint64_t ino;
    int64_t off;
    uint16_t reclen;
    uint8_t type;
    const char *name;
};

static size_t decode(const uint8_t *p, size_t n, struct rec *out, size_t max)
{
    size_t k = 0;

    for (size_t at = 0; at < n && k < max; k++) {
        memcpy(&out[k].ino, p + at, 8);
        memcpy(&out[k].off, p + at + 8, 8);
        memcpy(&out[k].reclen, p + at + 16, 2);
        out[k].type = p[at + 18];
        out[k].name = (const char *)p + at + 19;
        at += out[k].reclen;
    }
    return k;
}

TEST(getdents)
{
    uint32_t ub = ualloc(4096);
    struct rec r[16];
    char names[256] = "";
    long n;

    setup_std();
    CHECK_EQ(t_open("/etc", O_RDONLY | O_DIRECTORY, 0), 3);
    n = sys_getdents64(3, ub, 4096);
    CHECK_EQ(n, 4 * 24);
    CHECK_EQ(decode(uptr(ub), (size_t)n, r, 16), 4);
    CHECK_STR(r[0].name, ".");
    CHECK_EQ(r[0].type, DT_DIR);
    CHECK_EQ(r[0].reclen, 24);
    CHECK_STR(r[1].name, "..");
    CHECK_EQ(r[1].ino, 1);
    CHECK_STR(r[2].name, "motd");
    CHECK_EQ(r[2].type, DT_REG);
    CHECK_STR(r[3].name, "link");
    CHECK_EQ(r[3].type, DT_LNK);
    CHECK_EQ(r[2].off, r[3].off - 1);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(r[i].reclen % 8, 0);
    CHECK_EQ(sys_getdents64(3, ub, 4096), 0); /* the end */
    /* Resumption: a buffer for one record at a time gives the same list. */
    CHECK_EQ(sys_lseek(3, 0, SEEK_SET), 0);
    CHECK_EQ(sys_getdents64(3, ub, 23), -EINVAL);
    while ((n = sys_getdents64(3, ub, 47)) > 0) {
        CHECK_EQ(decode(uptr(ub), (size_t)n, r, 16), 1);
        strcat(names, r[0].name);
        strcat(names, " ");
    }
    CHECK_EQ(n, 0);
    CHECK_STR(names, ". .. motd link ");
    /* A cookie stays good across removals. */
    for (int i = 0; i < 5; i++) {
        char p[32];

        snprintf(p, sizeof(p), "/tmp/f%d", i);
        CHECK(t_open(p, O_CREAT | O_WRONLY, 0600) > 0);
    }
    CHECK_EQ(t_open("/tmp", O_RDONLY, 0), 9);
    n = sys_getdents64(9, ub, 4 * 24 + 8); /* . .. seed f0 */
    CHECK_EQ(decode(uptr(ub), (size_t)n, r, 16), 4);
    CHECK_STR(r[3].name, "f0");
    CHECK_EQ(t_unlink("/tmp/f1"), 0);
    CHECK_EQ(t_unlink("/tmp/f0"), 0);
    n = sys_getdents64(9, ub, 4096);
    CHECK_EQ(decode(uptr(ub), (size_t)n, r, 16), 3);
    CHECK_STR(r[0].name, "f2");
    CHECK_STR(r[2].name, "f4");
    CHECK_EQ(sys_getdents64(4, ub, 4096), -ENOTDIR);
    CHECK_EQ(sys_getdents64(99, ub, 4096), -EBADF);
    CHECK_EQ(sys_lseek(9, 0, SEEK_SET), 0);
    CHECK_EQ(sys_getdents64(9, uend() - 8, 4096), -EFAULT);
    /* Past a fault after some records: what was written counts. */
    CHECK_EQ(sys_lseek(9, 0, SEEK_SET), 0);
    CHECK_EQ(sys_getdents64(9, uend() - 30, 4096), 24);
    TEARDOWN();
}

TEST(stat_fields)
{
    struct linux_stat64 st;
    struct linux_statx sx;
    uint32_t ub = ualloc(256);

    setup_std();
    CHECK_EQ(t_stat("/dev/null", &st), 0);
    CHECK_EQ(st.st_mode, S_IFCHR | 0666);
    CHECK_EQ(st.st_rdev, 0x103);
    CHECK_EQ(st.st_dev, LINUX_MKDEV(0, 3));
    CHECK_EQ(t_stat("/dev/zero", &st), 0);
    CHECK_EQ(st.st_rdev, 0x105);
    CHECK_EQ(t_stat("/dev/console", &st), 0);
    CHECK_EQ(st.st_rdev, 0x501);
    CHECK_EQ(t_stat("/etc/motd", &st), 0);
    CHECK_EQ(st.__st_ino, (uint32_t)st.st_ino);
    CHECK_EQ(st.st_dev, LINUX_MKDEV(0, 2)); /* the root is a tmpfs */
    CHECK_EQ(st.st_blksize, 4096);
    CHECK_EQ(st.st_uid, 0);
    /* statx: every basic field, whatever the mask. */
    CHECK_EQ(sys_statx((u32)AT_FDCWD, ustr("/etc/link"), 0, STATX_SIZE, ub), 0);
    memcpy(&sx, uptr(ub), sizeof(sx));
    CHECK_EQ(sx.stx_mask, STATX_BASIC_STATS);
    CHECK_EQ(sx.stx_mode, S_IFREG | 0644);
    CHECK_EQ(sx.stx_size, 13);
    CHECK_EQ(sx.stx_ino, st.st_ino);
    CHECK_EQ(sx.stx_nlink, 1);
    CHECK_EQ(sx.stx_blksize, 4096);
    CHECK_EQ(sx.stx_mtime.tv_sec, CPIO_MTIME);
    CHECK_EQ(sx.stx_dev_major, 0);
    CHECK_EQ(sx.stx_dev_minor, 2);
    CHECK_EQ(sys_statx((u32)AT_FDCWD, ustr("/etc/link"), AT_SYMLINK_NOFOLLOW, 0, ub), 0);
    memcpy(&sx, uptr(ub), sizeof(sx));
    CHECK_EQ(sx.stx_mode, S_IFLNK | 0777);
    CHECK_EQ(sx.stx_size, 4);
    CHECK_EQ(sys_statx((u32)AT_FDCWD, ustr("/dev/zero"), 0, STATX_BASIC_STATS, ub), 0);
    memcpy(&sx, uptr(ub), sizeof(sx));
    CHECK_EQ(sx.stx_rdev_major, 1);
    CHECK_EQ(sx.stx_rdev_minor, 5);
    /* musl's fstat: statx(fd, "", AT_EMPTY_PATH). */
    CHECK_EQ(t_open("/etc/motd", O_RDONLY, 0), 3);
    CHECK_EQ(sys_statx(3, ustr(""), AT_EMPTY_PATH, STATX_BASIC_STATS, ub), 0);
    memcpy(&sx, uptr(ub), sizeof(sx));
    CHECK_EQ(sx.stx_size, 13);
    CHECK_EQ(sys_statx(3, 0, AT_EMPTY_PATH, STATX_BASIC_STATS, ub), 0);
    CHECK_EQ(sys_statx(3, ustr(""), 0, STATX_BASIC_STATS, ub), -ENOENT);
    CHECK_EQ(sys_statx(99, ustr(""), AT_EMPTY_PATH, STATX_BASIC_STATS, ub), -EBADF);
    CHECK_EQ(sys_statx(3, ustr("x"), 0, STATX_BASIC_STATS, ub), -ENOTDIR);
    CHECK_EQ(sys_statx(99, ustr("/etc/motd"), 0, STATX_BASIC_STATS, ub), 0); /* absolute */
    CHECK_EQ(sys_statx((u32)AT_FDCWD, ustr("/etc"), 0x8000, 0, ub), -EINVAL);
    CHECK_EQ(sys_statx((u32)AT_FDCWD, ustr("/etc"), 0, STATX__RESERVED, ub), -EINVAL);
    CHECK_EQ(sys_statx((u32)AT_FDCWD, ustr("/etc"), 0, 0, uend() - 100), -EFAULT);
    /* fstatat64 relative to a directory descriptor. */
    CHECK_EQ(t_open("/etc", O_RDONLY, 0), 4);
    CHECK_EQ(sys_fstatat64(4, ustr("motd"), ub, 0), 0);
    CHECK_EQ(((struct linux_stat64 *)uptr(ub))->st_size, 13);
    CHECK_EQ(sys_fstatat64(4, ustr("link"), ub, AT_SYMLINK_NOFOLLOW), 0);
    CHECK_EQ(((struct linux_stat64 *)uptr(ub))->st_mode, S_IFLNK | 0777);
    CHECK_EQ(sys_fstatat64((u32)AT_FDCWD, ustr(""), ub, AT_EMPTY_PATH), 0); /* the cwd */
    CHECK_EQ(((struct linux_stat64 *)uptr(ub))->st_ino, 1);
    CHECK_EQ(sys_fstatat64(4, ustr("motd"), ub, 0x4), -EINVAL);
    CHECK_EQ(sys_fstat64(3, ub), 0);
    CHECK_EQ(sys_fstat64(98, ub), -EBADF);
    CHECK_EQ(sys_fstat64(3, 0), -EFAULT);
    TEARDOWN();
}

TEST(chmod_umask_symlink)
{
    struct linux_stat64 st;
    uint32_t ub = ualloc(64);

    setup_std();
    CHECK_EQ(sys_umask(077), 022);
    CHECK_EQ(t_open("/tmp/m", O_CREAT | O_WRONLY, 0666), 3);
    CHECK_EQ(t_stat("/tmp/m", &st), 0);
    CHECK_EQ(st.st_mode, S_IFREG | 0600);
    CHECK_EQ(sys_chmod(ustr("/tmp/m"), 04755), 0);
    CHECK_EQ(t_stat("/tmp/m", &st), 0);
    CHECK_EQ(st.st_mode, S_IFREG | 04755);
    CHECK_EQ(sys_fchmod(3, 0640), 0);
    CHECK_EQ(t_stat("/tmp/m", &st), 0);
    CHECK_EQ(st.st_mode, S_IFREG | 0640);
    CHECK_EQ(sys_fchmod(99, 0640), -EBADF);
    CHECK_EQ(sys_umask(0), 077);
    CHECK_EQ(t_symlink("m", "/tmp/s"), 0);
    CHECK_EQ(t_symlink("m", "/tmp/s"), -EEXIST);
    CHECK_EQ(t_symlink("", "/tmp/s2"), -ENOENT);
    CHECK_EQ(t_symlink("m", "/tmp/s3/"), -ENOENT);
    CHECK_EQ(t_lstat("/tmp/s", &st), 0);
    CHECK_EQ(st.st_mode, S_IFLNK | 0777);
    CHECK_EQ(st.st_size, 1);
    CHECK_EQ(sys_readlink(ustr("/tmp/s"), ub, 64), 1);
    CHECK_EQ(*(char *)uptr(ub), 'm');
    CHECK_EQ(sys_chmod(ustr("/tmp/s"), 0600), 0); /* follows: changes m */
    CHECK_EQ(t_stat("/tmp/m", &st), 0);
    CHECK_EQ(st.st_mode, S_IFREG | 0600);
    CHECK_EQ(t_unlink("/tmp/s"), 0); /* the link, not the file */
    CHECK_EQ(t_stat("/tmp/m", &st), 0);
    CHECK_EQ(sys_fsync(3), 0);
    CHECK_EQ(sys_sync(), 0);
    TEARDOWN();
}

RUN_TESTS(T(create_write_read), T(holes_and_truncate), T(large_file), T(unlink_while_open),
          T(rename), T(mkdir_rmdir_unlink), T(erofs_and_open_checks), T(enospc), T(size_limit),
          T(getdents), T(stat_fields), T(chmod_umask_symlink))
