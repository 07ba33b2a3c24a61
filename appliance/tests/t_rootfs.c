/* t_rootfs: the root file system is writable, as Linux's initramfs root is: new directories and
 * files anywhere, an initramfs file rewritten, truncated, renamed and removed, a symlink in /bin.
 * (/dev and /proc stay read-only: tests/unit/test_fs_tmpfs.c.) */
#include "check.h"

#include <fcntl.h>
#include <sys/stat.h>

static long slurp(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    long n;

    if (fd < 0)
        return -1;
    n = read(fd, buf, size - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    return n;
}

int main(void)
{
    char buf[256];
    struct stat st;
    int fd;

    check_init();
    CHECK_INT(mkdir("/newdir", 0755), 0, "mkdir /newdir");
    CHECK(stat("/newdir", &st) == 0 && S_ISDIR(st.st_mode), "stat /newdir: a directory");
    fd = open("/newdir/file", O_CREAT | O_WRONLY | O_EXCL, 0644);
    CHECK(fd >= 0, "create /newdir/file");
    CHECK_INT(write(fd, "hello\n", 6), 6, "write to it");
    close(fd);
    CHECK_INT(slurp("/newdir/file", buf, sizeof buf), 6, "read it back");
    CHECK_STR(buf, "hello\n", "its bytes");

    /* An initramfs file: rewritten in place, then truncated. */
    CHECK(slurp("/etc/hostname", buf, sizeof buf) > 0, "read /etc/hostname");
    fd = open("/etc/hostname", O_WRONLY | O_TRUNC);
    CHECK(fd >= 0, "open /etc/hostname for writing, truncating");
    CHECK_INT(write(fd, "renamed\n", 8), 8, "write a new name");
    close(fd);
    CHECK_INT(slurp("/etc/hostname", buf, sizeof buf), 8, "read the new content");
    CHECK_STR(buf, "renamed\n", "the new content");
    CHECK_INT(truncate("/etc/motd", 3), 0, "truncate /etc/motd to 3 bytes");
    CHECK(stat("/etc/motd", &st) == 0 && st.st_size == 3, "its size is 3");

    /* Names: rename across directories of the root, a symlink in /bin, removal. */
    CHECK_INT(rename("/etc/motd", "/newdir/motd"), 0, "rename /etc/motd to /newdir/motd");
    CHECK_ERR(stat("/etc/motd", &st), ENOENT, "the old name is gone");
    CHECK_INT(symlink("/bin/busybox", "/bin/t_rootfs_link"), 0, "symlink in /bin");
    CHECK_INT(readlink("/bin/t_rootfs_link", buf, sizeof buf), 12, "readlink it");
    CHECK_INT(unlink("/bin/t_rootfs_link"), 0, "unlink it");
    CHECK_ERR(rmdir("/newdir"), ENOTEMPTY, "rmdir of a non-empty directory");
    CHECK_INT(unlink("/newdir/file"), 0, "unlink /newdir/file");
    CHECK_INT(unlink("/newdir/motd"), 0, "unlink /newdir/motd");
    CHECK_INT(rmdir("/newdir"), 0, "rmdir /newdir");
    return check_done();
}
