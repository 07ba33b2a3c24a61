/* t_devices: /dev/urandom and /dev/random (getrandom's source: bytes that differ between reads),
 * /dev/full (reads zeros, writes fail with ENOSPC), their device numbers as Linux has them. */
#include "check.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static void check_node(const char *path, unsigned major, unsigned minor)
{
    struct stat st;

    CHECK(stat(path, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == major &&
              minor(st.st_rdev) == minor,
          "%s is the character device %u:%u", path, major, minor);
}

static void check_random(const char *path)
{
    unsigned char a[64], b[64];
    int fd = open(path, O_RDONLY), zeros = 0;

    CHECK(fd >= 0, "open %s", path);
    CHECK_INT(read(fd, a, sizeof a), sizeof a, "read 64 bytes from %s", path);
    CHECK_INT(read(fd, b, sizeof b), sizeof b, "and 64 more");
    for (size_t i = 0; i < sizeof a; i++)
        zeros += a[i] == 0;
    CHECK(zeros < 8 && memcmp(a, b, sizeof a) != 0, "%s: not zeros, not repeated", path);
    CHECK_INT(write(fd, "x", 1), -1, "%s opened read-only: write fails", path);
    close(fd);
}

int main(void)
{
    char buf[16];
    int fd;

    check_init();
    check_node("/dev/full", 1, 7);
    check_node("/dev/random", 1, 8);
    check_node("/dev/urandom", 1, 9);
    check_random("/dev/urandom");
    check_random("/dev/random");
    fd = open("/dev/urandom", O_WRONLY);
    CHECK_INT(write(fd, "seed", 4), 4, "writing to /dev/urandom is accepted");
    close(fd);
    fd = open("/dev/full", O_RDWR);
    CHECK(fd >= 0, "open /dev/full");
    memset(buf, 1, sizeof buf);
    CHECK_INT(read(fd, buf, sizeof buf), sizeof buf, "read /dev/full");
    CHECK(buf[0] == 0 && buf[15] == 0, "zeros");
    CHECK_ERR(write(fd, "x", 1), ENOSPC, "write to /dev/full");
    close(fd);
    return check_done();
}
