/* t_link: hard links (link, linkat): one inode under two names (the same st_ino, st_nlink 2),
 * data shared, the file living on after either name goes; linkat with and without
 * AT_SYMLINK_FOLLOW on a symlink; the refusals: EEXIST, ENOENT, EPERM (a directory), EINVAL
 * (flags), EXDEV (another file system: /proc). */
#include "check.h"

#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    struct stat a, b;
    char buf[16] = {0};
    int fd;

    check_init();
    fd = open("/tmp/l.a", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK_INT(write(fd, "one", 3), 3, "write /tmp/l.a");
    close(fd);
    CHECK_INT(link("/tmp/l.a", "/tmp/l.b"), 0, "link /tmp/l.a /tmp/l.b");
    CHECK(stat("/tmp/l.a", &a) == 0 && stat("/tmp/l.b", &b) == 0, "stat both");
    CHECK(a.st_ino == b.st_ino, "the same inode");
    CHECK_INT(b.st_nlink, 2, "two links");
    fd = open("/tmp/l.b", O_WRONLY | O_APPEND);
    CHECK_INT(write(fd, "two", 3), 3, "append through the second name");
    close(fd);
    CHECK_INT(unlink("/tmp/l.a"), 0, "unlink the first name");
    fd = open("/tmp/l.b", O_RDONLY);
    CHECK_INT(read(fd, buf, sizeof buf), 6, "the data lives on");
    close(fd);
    CHECK_STR(buf, "onetwo", "both writes");
    CHECK(stat("/tmp/l.b", &b) == 0 && b.st_nlink == 1, "one link left");

    CHECK_INT(symlink("/tmp/l.b", "/tmp/l.sym"), 0, "symlink to it");
    CHECK_INT(linkat(AT_FDCWD, "/tmp/l.sym", AT_FDCWD, "/tmp/l.c", 0), 0, "linkat a symlink");
    CHECK(lstat("/tmp/l.c", &a) == 0 && S_ISLNK(a.st_mode), "without AT_SYMLINK_FOLLOW: the link");
    CHECK_INT(linkat(AT_FDCWD, "/tmp/l.sym", AT_FDCWD, "/tmp/l.d", AT_SYMLINK_FOLLOW), 0,
              "linkat with AT_SYMLINK_FOLLOW");
    CHECK(lstat("/tmp/l.d", &a) == 0 && S_ISREG(a.st_mode) && a.st_nlink == 2,
          "with it: the file (2 links)");

    CHECK_ERR(link("/tmp/l.b", "/tmp/l.d"), EEXIST, "a name that exists");
    CHECK_ERR(link("/tmp/nope", "/tmp/l.e"), ENOENT, "a source that does not");
    CHECK_ERR(link("/tmp/l.b", "/tmp/nodir/l.e"), ENOENT, "a missing directory");
    CHECK_INT(mkdir("/tmp/l.dir", 0755), 0, "mkdir");
    CHECK_ERR(link("/tmp/l.dir", "/tmp/l.dir2"), EPERM, "a directory");
    CHECK_ERR(linkat(AT_FDCWD, "/tmp/l.b", AT_FDCWD, "/tmp/l.f", 0x8000), EINVAL, "bad flags");
    CHECK_ERR(link("/proc/uptime", "/tmp/l.g"), EXDEV, "from another file system");
    unlink("/tmp/l.b");
    unlink("/tmp/l.c");
    unlink("/tmp/l.d");
    unlink("/tmp/l.sym");
    rmdir("/tmp/l.dir");
    return check_done();
}
