/* t_chown: owners: chown, lchown, fchown, fchownat (root may give anything to anyone), -1 keeps
 * a field, the set-user-ID bit cleared (and set-group-ID with group execution), a directory's
 * kept; the refusals: ENOENT, EBADF, EINVAL (flags). */
#include "check.h"

#include <fcntl.h>
#include <sys/stat.h>

static int owner(const char *path, int follow, uid_t *u, gid_t *g, mode_t *m)
{
    struct stat st;
    int rc = follow ? stat(path, &st) : lstat(path, &st);

    *u = st.st_uid, *g = st.st_gid, *m = st.st_mode & 07777;
    return rc;
}

int main(void)
{
    uid_t u;
    gid_t g;
    mode_t m;
    int fd;

    check_init();
    fd = open("/tmp/ch", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    CHECK_INT(chown("/tmp/ch", 1000, 2000), 0, "chown 1000:2000");
    CHECK(owner("/tmp/ch", 1, &u, &g, &m) == 0 && u == 1000 && g == 2000, "the new owner");
    CHECK_INT(chown("/tmp/ch", (uid_t)-1, 3000), 0, "chown -1:3000");
    CHECK(owner("/tmp/ch", 1, &u, &g, &m) == 0 && u == 1000 && g == 3000, "uid kept");
    CHECK_INT(fchown(fd, 4000, (gid_t)-1), 0, "fchown 4000:-1");
    CHECK(owner("/tmp/ch", 1, &u, &g, &m) == 0 && u == 4000 && g == 3000, "gid kept");
    CHECK_INT(chmod("/tmp/ch", 06755), 0, "chmod 6755");
    CHECK_INT(chown("/tmp/ch", 0, 0), 0, "chown 0:0");
    CHECK(owner("/tmp/ch", 1, &u, &g, &m) == 0 && m == 0755, "setuid and setgid cleared");
    CHECK_INT(chmod("/tmp/ch", 02745), 0, "chmod 2745 (no group x)");
    CHECK_INT(chown("/tmp/ch", 5, 5), 0, "chown 5:5");
    CHECK(owner("/tmp/ch", 1, &u, &g, &m) == 0 && m == 02745, "setgid without group x kept");
    CHECK_INT(mkdir("/tmp/ch.d", 0755), 0, "mkdir");
    CHECK_INT(chmod("/tmp/ch.d", 02755), 0, "chmod 2755 on the directory");
    CHECK_INT(chown("/tmp/ch.d", 7, 7), 0, "chown the directory");
    CHECK(owner("/tmp/ch.d", 1, &u, &g, &m) == 0 && m == 02755 && u == 7, "a directory keeps it");
    CHECK_INT(symlink("/tmp/ch", "/tmp/ch.sym"), 0, "a symlink");
    CHECK_INT(lchown("/tmp/ch.sym", 11, 12), 0, "lchown");
    CHECK(owner("/tmp/ch.sym", 0, &u, &g, &m) == 0 && u == 11 && g == 12, "the link's owner");
    CHECK(owner("/tmp/ch", 1, &u, &g, &m) == 0 && u == 5, "the file's unchanged");
    CHECK_INT(fchownat(AT_FDCWD, "/tmp/ch.sym", 13, 14, 0), 0, "fchownat follows");
    CHECK(owner("/tmp/ch", 1, &u, &g, &m) == 0 && u == 13 && g == 14, "the file's changed");
    CHECK_INT(fchownat(AT_FDCWD, "/tmp/ch.sym", 15, 16, AT_SYMLINK_NOFOLLOW), 0,
              "fchownat AT_SYMLINK_NOFOLLOW");
    CHECK(owner("/tmp/ch.sym", 0, &u, &g, &m) == 0 && u == 15, "the link's changed");
    CHECK_ERR(chown("/tmp/nope", 1, 1), ENOENT, "a missing file");
    CHECK_ERR(fchown(99, 1, 1), EBADF, "a closed descriptor");
    CHECK_ERR(fchownat(AT_FDCWD, "/tmp/ch", 1, 1, 0x8000), EINVAL, "bad flags");
    close(fd);
    unlink("/tmp/ch");
    unlink("/tmp/ch.sym");
    rmdir("/tmp/ch.d");
    return check_done();
}
