/* t_statfs: statfs and fstatfs (the 32-bit calls) and statfs64: tmpfs's and proc's magic numbers,
 * block size, a tmpfs with room; the refusals: ENOENT, EBADF, EFAULT, EINVAL (statfs64's size). */
#include "check.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/vfs.h>

struct statfs32 {
    uint32_t f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree, f_fsid[2];
    uint32_t f_namelen, f_frsize, f_flags, f_spare[4];
};

int main(void)
{
    struct statfs32 s;
    struct statfs s64;
    int fd;

    check_init();
    CHECK_INT(syscall(SYS_statfs, "/tmp", &s), 0, "statfs /tmp");
    CHECK(s.f_type == 0x01021994, "tmpfs's magic");
    CHECK_INT(s.f_bsize, 4096, "4 KB blocks");
    CHECK(s.f_bfree > 0 && s.f_bfree <= s.f_blocks, "free blocks, fewer than all");
    CHECK_INT(s.f_namelen, 255, "names up to 255 bytes");
    CHECK_INT(syscall(SYS_statfs, "/proc", &s), 0, "statfs /proc");
    CHECK(s.f_type == 0x9fa0, "proc's magic");
    fd = open("/tmp", O_RDONLY);
    CHECK_INT(syscall(SYS_fstatfs, fd, &s), 0, "fstatfs");
    CHECK(s.f_type == 0x01021994, "tmpfs again");
    CHECK_INT(statfs("/tmp", &s64), 0, "statfs64 (libc's statfs)");
    CHECK(s64.f_type == 0x01021994, "the same magic");
    CHECK_ERR(syscall(SYS_statfs, "/nope", &s), ENOENT, "a missing path");
    CHECK_ERR(syscall(SYS_fstatfs, 99, &s), EBADF, "a closed descriptor");
    CHECK_ERR(syscall(SYS_statfs, "/tmp", (void *)16), EFAULT, "a bad buffer");
    CHECK_ERR(syscall(SYS_statfs64, "/tmp", 10, &s64), EINVAL, "statfs64 with a wrong size");
    close(fd);
    return check_done();
}
