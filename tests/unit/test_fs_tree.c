/* File system, the tree: cpio parsing (good and damaged archives), path resolution edge cases,
 * symlinks and their limits, execve's lookup, getcwd/chdir/fchdir. */
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

TEST(cpio_good)
{
    struct linux_stat64 st;
    struct inode *ino;
    char buf[64];
    long err;

    cpio_standard(&std_archive);
    CHECK_EQ(fs_setup(std_archive.buf, std_archive.len), 0);
    CHECK(strstr(fake_log, "fs: initramfs: 3 files, 3 directories, 5 symlinks, 1 skipped"));
    CHECK_EQ(t_stat("/etc/motd", &st), 0);
    CHECK_EQ(st.st_mode, S_IFREG | 0644);
    CHECK_EQ(st.st_size, 13);
    CHECK_EQ(st.st_nlink, 1);
    CHECK_EQ(st.st_mtime, CPIO_MTIME);
    CHECK_EQ(st.st_blocks, 8);        /* a tmpfs page */
    CHECK_EQ(t_stat("/bin", &st), 0); /* made as the parent of bin/sh */
    CHECK_EQ(st.st_mode, S_IFDIR | 0755);
    CHECK_EQ(t_stat("/lib", &st), 0);
    CHECK_EQ(st.st_mode, S_IFDIR | 0700);
    CHECK_EQ(st.st_nlink, 2);
    CHECK_EQ(t_stat("/", &st), 0);
    CHECK_EQ(st.st_nlink, 2 + 6); /* bin etc lib tmp dev proc */
    CHECK_EQ(st.st_ino, 1);
    /* Copied out of the archive (as Linux unpacks its initramfs): writable. */
    ino = fs_lookup_exec("/bin/sh", &err);
    CHECK(ino != NULL);
    CHECK_EQ(inode_size(ino), 7);
    CHECK_EQ(inode_pread(ino, buf, sizeof(buf), 2), 5);
    CHECK(memcmp(buf, "shell", 5) == 0);
    CHECK_EQ(inode_pread(ino, buf, sizeof(buf), 7), 0);
    inode_put(ino);
    /* tmp/ from the archive too. */
    CHECK_EQ(t_slurp("/tmp/seed", buf, sizeof(buf)), 4);
    CHECK_STR(buf, "seed");
    CHECK_EQ(t_open("/tmp/seed", O_WRONLY | O_APPEND, 0), 3);
    CHECK_EQ(t_write(3, "ling", 4), 4);
    CHECK_EQ(t_slurp("/tmp/seed", buf, sizeof(buf)), 8);
    CHECK_STR(buf, "seedling");
    /* The archive's dev/console gave way to the kernel's device. */
    CHECK_EQ(t_stat("/dev/console", &st), 0);
    CHECK_EQ(st.st_mode & S_IFMT, S_IFCHR);
    CHECK_EQ(st.st_rdev, LINUX_MKDEV(5, 1));
    TEARDOWN();
}

TEST(cpio_truncated)
{
    struct linux_stat64 st;

    CHECK_EQ(fs_setup(std_archive.buf, std_archive.len / 2), -EINVAL);
    CHECK(strstr(fake_log, "corrupt cpio archive at offset"));
    CHECK_EQ(t_stat("/etc/motd", &st), -ENOENT);
    /* The kernel's own directories are there all the same. */
    CHECK_EQ(t_stat("/dev/null", &st), 0);
    CHECK_EQ(t_stat("/tmp", &st), 0);
    CHECK_EQ(t_open("/tmp/x", O_CREAT | O_WRONLY, 0600), 3);
    TEARDOWN();
}

TEST(cpio_bad_magic)
{
    struct cpio c = {0};

    cpio_add(&c, "etc/x", S_IFREG | 0644, "x", 1);
    cpio_end(&c);
    c.buf[5] = '7'; /* 070707: the old binary-compatible format */
    CHECK_EQ(fs_setup(c.buf, c.len), -EINVAL);
    CHECK(strstr(fake_log, "not a cpio newc archive"));
    cpio_free(&c);
    CHECK_EQ(fs_setup(NULL, 0), -EINVAL);
    TEARDOWN();
}

TEST(cpio_name_overflow)
{
    struct cpio c = {0};
    struct linux_stat64 st;

    cpio_add(&c, "etc/a", S_IFREG | 0644, "a", 1);
    cpio_add(&c, "etc/b", S_IFREG | 0644, "b", 1);
    cpio_end(&c);
    /* The second header's namesize (field 12, at 6 + 11 * 8) claims far more than is left. */
    memcpy(c.buf + 120 + 6 + 11 * 8, "00010000", 8);
    CHECK_EQ(fs_setup(c.buf, c.len), -EINVAL);
    CHECK(strstr(fake_log, "corrupt cpio archive at offset 120"));
    CHECK_EQ(t_stat("/etc/a", &st), -ENOENT); /* nothing from a damaged archive */
    /* A name without its NUL is as bad. */
    cpio_free(&c);
    cpio_add(&c, "etc/a", S_IFREG | 0644, "a", 1);
    cpio_end(&c);
    c.buf[110 + 5] = 'x';
    CHECK_EQ(fs_setup(c.buf, c.len), -EINVAL);
    /* Non-hex digits in a header. */
    cpio_free(&c);
    cpio_add(&c, "etc/a", S_IFREG | 0644, "a", 1);
    cpio_end(&c);
    c.buf[20] = 'g';
    CHECK_EQ(fs_setup(c.buf, c.len), -EINVAL);
    cpio_free(&c);
    TEARDOWN();
}

TEST(cpio_no_trailer_and_bad_names)
{
    struct cpio c = {0};
    struct linux_stat64 st;

    cpio_add(&c, "etc/a", S_IFREG | 0644, "a", 1);
    CHECK_EQ(fs_setup(c.buf, c.len), -EINVAL); /* ends without TRAILER!!! */
    cpio_add(&c, "../evil", S_IFREG | 0644, "e", 1);
    cpio_add(&c, "./etc//b", S_IFREG | 0600, "b", 1);
    cpio_add(&c, "/etc/c", S_IFREG | 0600, "c", 1);
    cpio_add(&c, "etc/fifo", S_IFIFO | 0600, "", 0);
    cpio_end(&c);
    CHECK_EQ(fs_setup(c.buf, c.len), 0);
    CHECK(strstr(fake_log, "'../evil' skipped"));
    CHECK_EQ(t_stat("/evil", &st), -ENOENT);
    CHECK_EQ(t_stat("/etc/b", &st), 0);
    CHECK_EQ(t_stat("/etc/c", &st), 0);
    CHECK_EQ(t_stat("/etc/fifo", &st), -ENOENT);
    /* No tmp/ in this archive: made anyway, world-writable and sticky. */
    CHECK_EQ(t_stat("/tmp", &st), 0);
    CHECK_EQ(st.st_mode, S_IFDIR | 01777);
    CHECK_EQ(t_mkdir("/tmp/d", 0755), 0);
    cpio_free(&c);
    TEARDOWN();
}

TEST(cpio_out_of_memory)
{
    fake_kmalloc_fail_in = 0;
    CHECK_EQ(fs_init(std_archive.buf, std_archive.len), -ENOMEM);
    fake_kmalloc_fail_in = 5; /* part-way through the archive: tmpfs calls that "full" */
    CHECK_EQ(fs_init(std_archive.buf, std_archive.len), -ENOSPC);
    CHECK(strstr(fake_log, "out of memory"));
    CHECK_EQ(fs_init(std_archive.buf, std_archive.len), 0);
    TEARDOWN();
}

static uint64_t ino_of(const char *path)
{
    struct linux_stat64 st;

    return t_stat(path, &st) == 0 ? st.st_ino : 0;
}

TEST(path_forms)
{
    uint64_t motd;

    setup_std();
    motd = ino_of("/etc/motd");
    CHECK(motd != 0);
    CHECK_EQ(ino_of("//etc///motd"), motd);
    CHECK_EQ(ino_of("/etc/./motd"), motd);
    CHECK_EQ(ino_of("/./etc/../etc/motd"), motd);
    CHECK_EQ(ino_of("/../../etc/motd"), motd); /* ".." of the root is the root */
    CHECK_EQ(ino_of("etc/motd"), motd);        /* relative to cwd "/" */
    CHECK_EQ(t_chdir("/etc"), 0);
    CHECK_EQ(ino_of("motd"), motd);
    CHECK_EQ(ino_of("./motd"), motd);
    CHECK_EQ(ino_of("../etc/motd"), motd);
    CHECK_EQ(ino_of("."), ino_of("/etc"));
    CHECK_EQ(ino_of(".."), 1);
    CHECK_EQ(ino_of("/etc/"), ino_of("/etc"));
    TEARDOWN();
}

TEST(path_errors)
{
    struct linux_stat64 st;
    static char longp[5000];
    char name[300];

    setup_std();
    CHECK_EQ(t_stat("/etc/motd/", &st), -ENOTDIR);
    CHECK_EQ(t_stat("/etc/motd/x", &st), -ENOTDIR);
    CHECK_EQ(t_stat("/etc/motd/.", &st), -ENOTDIR);
    CHECK_EQ(t_stat("/nope", &st), -ENOENT);
    CHECK_EQ(t_stat("/nope/x", &st), -ENOENT);
    CHECK_EQ(t_stat("", &st), -ENOENT);
    memset(name, 'a', sizeof(name));
    name[0] = '/';
    name[256] = 0; /* a 255-byte component: just allowed */
    CHECK_EQ(t_stat(name, &st), -ENOENT);
    name[256] = 'a';
    name[257] = 0; /* 256 bytes */
    CHECK_EQ(t_stat(name, &st), -ENAMETOOLONG);
    CHECK_EQ(t_mkdir(name, 0755), -ENAMETOOLONG);
    /* 4095 bytes are a path (slashes pile up); 4096 without a NUL are not. */
    memset(longp, '/', sizeof(longp));
    strcpy(longp + 4095 - 8, "etc/motd");
    CHECK_EQ(strlen(longp), 4095);
    CHECK_EQ(t_stat(longp, &st), 0);
    memset(longp, '/', sizeof(longp));
    strcpy(longp + 4096 - 8, "etc/motd");
    CHECK_EQ(t_stat(longp, &st), -ENAMETOOLONG);
    /* Bad pointers: none at all, and a string running off the end of ring-3 memory. */
    CHECK_EQ(sys_stat64(0, ualloc(96)), -EFAULT);
    memset(uptr(uend() - 4), 'x', 4);
    CHECK_EQ(sys_stat64(uend() - 4, ualloc(96)), -EFAULT);
    CHECK_EQ(sys_stat64(ustr("/etc"), uend() - 8), -EFAULT);
    TEARDOWN();
}

TEST(symlinks)
{
    struct linux_stat64 st;
    uint32_t buf = ualloc(64);
    char name[32], target[32];

    setup_std();
    CHECK_EQ(t_stat("/etc/link", &st), 0); /* followed */
    CHECK_EQ(st.st_mode & S_IFMT, S_IFREG);
    CHECK_EQ(st.st_size, 13);
    CHECK_EQ(t_lstat("/etc/link", &st), 0);
    CHECK_EQ(st.st_mode, S_IFLNK | 0777);
    CHECK_EQ(st.st_size, 4);
    CHECK_EQ(ino_of("/abs/motd"), ino_of("/etc/motd"));
    CHECK_EQ(ino_of("/abs/"), ino_of("/etc"));
    CHECK_EQ(ino_of("/abs/../bin/sh"), ino_of("/bin/sh")); /* ".." of where the link led */
    CHECK_EQ(t_stat("/etc/link/", &st), -ENOTDIR);
    CHECK_EQ(t_stat("/loop1", &st), -ELOOP);
    CHECK_EQ(t_stat("/loop1/x", &st), -ELOOP);
    CHECK_EQ(t_lstat("/loop1", &st), 0);
    CHECK_EQ(t_stat("/dangling", &st), -ENOENT);
    CHECK_EQ(t_lstat("/dangling", &st), 0);
    CHECK_EQ(sys_readlink(ustr("/etc/link"), buf, 64), 4);
    CHECK(memcmp(uptr(buf), "motd", 4) == 0);
    CHECK_EQ(sys_readlink(ustr("/abs"), buf, 2), 2);
    CHECK(memcmp(uptr(buf), "/e", 2) == 0);
    CHECK_EQ(sys_readlink(ustr("/etc/motd"), buf, 64), -EINVAL);
    CHECK_EQ(sys_readlink(ustr("/etc/link"), buf, 0), -EINVAL);
    CHECK_EQ(sys_readlink(ustr("/etc/link"), uend(), 64), -EFAULT);
    /* A chain of 40 symlinks resolves; the 41st link in one lookup is a loop. */
    CHECK_EQ(t_symlink("/etc/motd", "/tmp/c0"), 0);
    for (int i = 1; i <= 40; i++) {
        snprintf(name, sizeof(name), "/tmp/c%d", i);
        snprintf(target, sizeof(target), "c%d", i - 1);
        CHECK_EQ(t_symlink(target, name), 0);
    }
    CHECK_EQ(ino_of("/tmp/c39"), ino_of("/etc/motd"));
    CHECK_EQ(t_stat("/tmp/c40", &st), -ELOOP);
    /* Nesting (a link inside a link's target): 8 deep resolves, 9 is a loop. */
    CHECK_EQ(t_symlink("/etc", "/tmp/n0"), 0);
    for (int i = 1; i <= 8; i++) {
        snprintf(name, sizeof(name), "/tmp/n%d", i);
        snprintf(target, sizeof(target), "n%d/.", i - 1);
        CHECK_EQ(t_symlink(target, name), 0);
    }
    CHECK_EQ(ino_of("/tmp/n7/motd"), ino_of("/etc/motd"));
    CHECK_EQ(t_stat("/tmp/n8/motd", &st), -ELOOP);
    TEARDOWN();
}

TEST(exec_lookup)
{
    struct inode *ino;
    long err;

    setup_std();
    ino = fs_lookup_exec("/bin/sh", &err);
    CHECK(ino && err == 0);
    CHECK_EQ(inode_mode(ino), S_IFREG | 0755);
    inode_put(ino);
    CHECK(!fs_lookup_exec("/etc/motd", &err) && err == -EACCES);
    CHECK(!fs_lookup_exec("/etc", &err) && err == -EACCES);
    CHECK(!fs_lookup_exec("/nope", &err) && err == -ENOENT);
    CHECK(!fs_lookup_exec("/etc/motd/sh", &err) && err == -ENOTDIR);
    CHECK(!fs_lookup_exec("/loop1", &err) && err == -ELOOP);
    CHECK_EQ(t_chdir("/bin"), 0);
    ino = fs_lookup_exec("sh", &err);
    CHECK(ino != NULL);
    inode_put(ino);
    ino = fs_root();
    CHECK_EQ(inode_mode(ino), S_IFDIR | 0755);
    inode_put(ino);
    TEARDOWN();
}

TEST(cwd)
{
    char buf[64];
    long fd;

    setup_std();
    CHECK_EQ(t_getcwd(buf, sizeof(buf)), 2);
    CHECK_STR(buf, "/");
    CHECK_EQ(t_chdir("/etc"), 0);
    CHECK_EQ(t_getcwd(buf, sizeof(buf)), 5);
    CHECK_STR(buf, "/etc");
    CHECK_EQ(t_getcwd(buf, 4), -ERANGE);
    CHECK_EQ(t_getcwd(buf, 0), -ERANGE);
    CHECK_EQ(sys_getcwd(0, 64), -EFAULT);
    CHECK_EQ(t_chdir("/etc/motd"), -ENOTDIR);
    CHECK_EQ(t_chdir("/nope"), -ENOENT);
    CHECK_EQ(t_chdir("/abs"), 0);
    CHECK_EQ(t_getcwd(buf, sizeof(buf)), 5);
    CHECK_STR(buf, "/etc");
    fd = t_open("/bin", O_RDONLY | O_DIRECTORY, 0);
    CHECK(fd >= 0);
    CHECK_EQ(sys_fchdir((u32)fd), 0);
    CHECK_EQ(t_getcwd(buf, sizeof(buf)), 5);
    CHECK_STR(buf, "/bin");
    fd = t_open("sh", O_RDONLY, 0);
    CHECK_EQ(sys_fchdir((u32)fd), -ENOTDIR);
    CHECK_EQ(sys_fchdir(99), -EBADF);
    /* A removed working directory has no path, and nothing can be made in it. */
    CHECK_EQ(t_mkdir("/tmp/gone", 0755), 0);
    CHECK_EQ(t_chdir("/tmp/gone"), 0);
    CHECK_EQ(t_rmdir("/tmp/gone"), 0);
    CHECK_EQ(t_getcwd(buf, sizeof(buf)), -ENOENT);
    CHECK_EQ(t_open("new", O_CREAT | O_WRONLY, 0600), -ENOENT);
    CHECK_EQ(ino_of(".") != 0, 1);
    CHECK_EQ(t_chdir(".."), -ENOENT);
    CHECK_EQ(t_chdir("/"), 0);
    TEARDOWN();
}

RUN_TESTS(T(cpio_good), T(cpio_truncated), T(cpio_bad_magic), T(cpio_name_overflow),
          T(cpio_no_trailer_and_bad_names), T(cpio_out_of_memory), T(path_forms), T(path_errors),
          T(symlinks), T(exec_lookup), T(cwd))
