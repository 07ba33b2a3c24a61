/* t_shm: /dev/shm, a tmpfs directory (sticky, world-writable) for POSIX shared memory:
 * shm_open/ftruncate, a child writing through its own shm_open, shm_unlink, O_EXCL, and the
 * errors for a bad name. (Not mmap MAP_SHARED of the file: the guest kernel has no shared file
 * mappings yet.) */
#include "check.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>

int main(void)
{
    struct stat st;
    struct statfs sf;
    int fd;

    check_init();
    CHECK_INT(stat("/dev/shm", &st), 0, "stat /dev/shm");
    CHECK(S_ISDIR(st.st_mode), "a directory");
    CHECK_INT(st.st_mode & 07777, 01777, "mode 1777");
    CHECK_INT(statfs("/dev/shm", &sf), 0, "statfs /dev/shm");
    CHECK_INT(sf.f_type, 0x01021994, "a tmpfs");
    fd = shm_open("/t_shm", O_RDWR | O_CREAT | O_EXCL, 0600);
    CHECK(fd >= 0, "shm_open O_CREAT");
    CHECK_ERR(shm_open("/t_shm", O_RDWR | O_CREAT | O_EXCL, 0600), EEXIST, "O_EXCL again");
    CHECK_INT(access("/dev/shm/t_shm", F_OK), 0, "the file is in /dev/shm");
    CHECK_INT(ftruncate(fd, 8192), 0, "ftruncate 8192");
    {
        pid_t pid = check_fork();
        if (pid == 0) { /* the child opens it by name, as another process would */
            int cfd = shm_open("/t_shm", O_RDWR, 0);
            _exit(cfd >= 0 && pwrite(cfd, "from the child", 14, 4096) == 14 ? 0 : 1);
        }
        check_status(check_wait(pid), 0, 0, "the child writes through its own shm_open");
    }
    char buf[16] = {0};
    CHECK_INT(pread(fd, buf, 14, 4096), 14, "read back through the file");
    CHECK_STR(buf, "from the child", "the same bytes");
    close(fd);
    CHECK_INT(shm_unlink("/t_shm"), 0, "shm_unlink");
    CHECK_ERR(shm_unlink("/t_shm"), ENOENT, "shm_unlink again");
    CHECK_ERR(shm_open("/no/such", O_RDWR, 0), EINVAL, "a name with a slash");
    CHECK_ERR(shm_open("/missing", O_RDWR, 0), ENOENT, "a missing name");
    return check_done();
}
