/* t_utimens: utimensat (and futimens, utimes through it): times set to given seconds, UTIME_OMIT
 * and UTIME_NOW, NULL for now, on a symlink itself with AT_SYMLINK_NOFOLLOW, through a
 * descriptor; the refusals: EINVAL (nanoseconds, flags), ENOENT, EBADF, EFAULT. */
#include "check.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

int main(void)
{
    struct timespec ts[2];
    struct stat st;
    time_t now;
    int fd;

    check_init();
    fd = open("/tmp/ut", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ts[0] = (struct timespec){1000000000, 0};
    ts[1] = (struct timespec){1200000000, 0};
    CHECK_INT(utimensat(AT_FDCWD, "/tmp/ut", ts, 0), 0, "set atime and mtime");
    CHECK(stat("/tmp/ut", &st) == 0, "stat");
    CHECK_INT(st.st_atime, 1000000000, "atime");
    CHECK_INT(st.st_mtime, 1200000000, "mtime");
    ts[0].tv_nsec = UTIME_OMIT;
    ts[1] = (struct timespec){1300000000, 0};
    CHECK_INT(utimensat(AT_FDCWD, "/tmp/ut", ts, 0), 0, "UTIME_OMIT for atime");
    CHECK(stat("/tmp/ut", &st) == 0 && st.st_atime == 1000000000 && st.st_mtime == 1300000000,
          "atime kept, mtime set");
    now = time(NULL);
    ts[0].tv_nsec = UTIME_NOW;
    ts[1].tv_nsec = UTIME_OMIT;
    CHECK_INT(utimensat(AT_FDCWD, "/tmp/ut", ts, 0), 0, "UTIME_NOW for atime");
    CHECK(stat("/tmp/ut", &st) == 0 && st.st_atime >= now && st.st_atime <= now + 2 &&
              st.st_mtime == 1300000000,
          "atime now, mtime kept");
    CHECK_INT(utimensat(AT_FDCWD, "/tmp/ut", NULL, 0), 0, "NULL: both now");
    CHECK(stat("/tmp/ut", &st) == 0 && st.st_mtime >= now && st.st_mtime <= now + 2, "mtime now");
    ts[0] = ts[1] = (struct timespec){1100000000, 0};
    CHECK_INT(futimens(fd, ts), 0, "futimens");
    CHECK(stat("/tmp/ut", &st) == 0 && st.st_mtime == 1100000000, "through the descriptor");
    CHECK_INT(symlink("/tmp/ut", "/tmp/ut.sym"), 0, "a symlink");
    ts[0] = ts[1] = (struct timespec){1050000000, 0};
    CHECK_INT(utimensat(AT_FDCWD, "/tmp/ut.sym", ts, AT_SYMLINK_NOFOLLOW), 0,
              "AT_SYMLINK_NOFOLLOW");
    CHECK(lstat("/tmp/ut.sym", &st) == 0 && st.st_mtime == 1050000000, "the link's own time");
    CHECK(stat("/tmp/ut", &st) == 0 && st.st_mtime == 1100000000, "the file's unchanged");

    ts[0] = (struct timespec){0, 1000000000};
    ts[1] = (struct timespec){0, 0};
    CHECK_ERR(utimensat(AT_FDCWD, "/tmp/ut", ts, 0), EINVAL, "nanoseconds of 10^9");
    ts[0].tv_nsec = -5;
    CHECK_ERR(utimensat(AT_FDCWD, "/tmp/ut", ts, 0), EINVAL, "negative nanoseconds");
    CHECK_ERR(utimensat(AT_FDCWD, "/tmp/ut", NULL, 0x8000), EINVAL, "bad flags");
    CHECK_ERR(utimensat(AT_FDCWD, "/tmp/nope", NULL, 0), ENOENT, "a missing file");
    CHECK_ERR(utimensat(99, "rel", NULL, 0), EBADF, "a relative path from a closed dirfd");
    CHECK_ERR(syscall(SYS_utimensat, AT_FDCWD, "/tmp/ut", (void *)16, 0), EFAULT,
              "a bad times pointer");
    CHECK_ERR(syscall(SYS_utimensat, AT_FDCWD, NULL, NULL, 0), EFAULT, "no path and no descriptor");
    close(fd);
    unlink("/tmp/ut");
    unlink("/tmp/ut.sym");
    return check_done();
}
