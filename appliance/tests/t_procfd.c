/* t_procfd: /proc/<pid>/fd/ as Linux has it: one symlink per open descriptor, named by its number,
 * whose text is the file's absolute path (through symlinks and relative to the cwd, " (deleted)"
 * once unlinked), a directory's path, "pipe:[ino]" or "socket:[ino]" (the inode fstat gives);
 * the link's mode says how the descriptor was opened; the listing follows open, dup2 and close;
 * another process's descriptors show too; opening /proc/self/fd/N opens the same file anew (a new
 * offset); and the errors for descriptors that are not open. */
#include "check.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>

static void check_link_as(int fd, const char *want, const char *what)
{
    char path[64], buf[300];
    ssize_t n;

    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    n = readlink(path, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    CHECK_STR(buf, want, "readlink %s", what);
}

static void check_link(int fd, const char *want)
{
    check_link_as(fd, want, want);
}

static void check_link_mode(int fd, unsigned want, const char *what)
{
    char path[64];
    struct stat st;

    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    CHECK_INT(lstat(path, &st), 0, "lstat fd link (%s)", what);
    CHECK(S_ISLNK(st.st_mode), "fd link is a symlink (%s)", what);
    CHECK_INT(st.st_mode & 0777, want, "fd link mode (%s)", what);
}

/* Whether /proc/<pid>/fd lists name. */
static int listed(const char *dir, int fd)
{
    char name[16];
    DIR *d = opendir(dir);
    struct dirent *e;
    int found = 0;

    snprintf(name, sizeof name, "%d", fd);
    while (d && (e = readdir(d)))
        found |= strcmp(e->d_name, name) == 0;
    if (d)
        closedir(d);
    return found;
}

static void check_other_process(void)
{
    int up[2], down[2];
    char c = 0, path[64], buf[300];
    ssize_t n;
    pid_t pid;

    CHECK_INT(pipe(up) | pipe(down), 0, "pipes for the child");
    pid = check_fork();
    if (pid == 0) {
        int fd = open("/tmp/pfd_child", O_CREAT | O_WRONLY, 0600);

        dup2(fd, 40);
        if (write(up[1], "x", 1) != 1 || read(down[0], &c, 1) != 1)
            _exit(2);
        _exit(0);
    }
    CHECK_INT(read(up[0], &c, 1), 1, "child has opened its file");
    snprintf(path, sizeof path, "/proc/%d/fd/40", (int)pid);
    n = readlink(path, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    CHECK_STR(buf, "/tmp/pfd_child", "readlink of another process's descriptor");
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    CHECK(listed(path, 40), "another process's fd/ lists its descriptor");
    CHECK_INT(write(down[1], "x", 1), 1, "release the child");
    CHECK_INT(check_wait(pid), 0, "child exit status");
    close(up[0]), close(up[1]), close(down[0]), close(down[1]);
    unlink("/tmp/pfd_child");
}

int main(void)
{
    char want[64], buf[64];
    struct stat st;
    int a, b, rel, dirfd, null, p[2], s, again;

    check_init();
    a = open("/tmp/pfd_a", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(a >= 0, "create /tmp/pfd_a");
    check_link(a, "/tmp/pfd_a");
    check_link_mode(a, 0700, "O_RDWR");
    CHECK_INT(symlink("/tmp/pfd_a", "/tmp/pfd_sym"), 0, "symlink to it");
    b = open("/tmp/pfd_sym", O_RDONLY);
    check_link(b, "/tmp/pfd_a");
    check_link_mode(b, 0500, "O_RDONLY");
    close(b);
    CHECK_INT(chdir("/tmp"), 0, "chdir /tmp");
    rel = open("pfd_rel", O_CREAT | O_WRONLY, 0600);
    check_link(rel, "/tmp/pfd_rel");
    check_link_mode(rel, 0300, "O_WRONLY");
    CHECK_INT(unlink("pfd_rel"), 0, "unlink the open file");
    check_link(rel, "/tmp/pfd_rel (deleted)");
    close(rel);
    CHECK_INT(chdir("/"), 0, "chdir /");
    dirfd = open("/tmp", O_RDONLY | O_DIRECTORY);
    check_link(dirfd, "/tmp");
    null = open("/dev/null", O_WRONLY);
    check_link(null, "/dev/null");

    CHECK_INT(pipe(p), 0, "pipe");
    CHECK_INT(fstat(p[0], &st), 0, "fstat the pipe");
    snprintf(want, sizeof want, "pipe:[%lu]", (unsigned long)st.st_ino);
    check_link_as(p[0], want, "pipe:[its inode] (read end)");
    check_link_as(p[1], want, "pipe:[its inode] (write end)");
    s = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(s >= 0, "socket");
    CHECK_INT(fstat(s, &st), 0, "fstat the socket");
    snprintf(want, sizeof want, "socket:[%lu]", (unsigned long)st.st_ino);
    check_link_as(s, want, "socket:[its inode]");

    CHECK(listed("/proc/self/fd", a) && listed("/proc/self/fd", p[1]),
          "fd/ lists open descriptors");
    CHECK_INT(dup2(a, 77), 77, "dup2 to 77");
    CHECK(listed("/proc/self/fd", 77), "fd/ lists a dup2'd descriptor");
    check_link(77, "/tmp/pfd_a");
    close(77);
    CHECK(!listed("/proc/self/fd", 77), "fd/ drops a closed descriptor");
    CHECK_ERR(readlink("/proc/self/fd/77", buf, sizeof buf), ENOENT,
              "readlink a closed descriptor");
    CHECK_ERR(lstat("/proc/self/fd/77", &st), ENOENT, "lstat a closed descriptor");
    CHECK_ERR(open("/proc/self/fd/77", O_RDONLY), ENOENT, "open a closed descriptor");
    CHECK_ERR(readlink("/proc/self/fd/x", buf, sizeof buf), ENOENT, "readlink fd/x");
    CHECK_ERR(open("/proc/self/fd", O_WRONLY), EISDIR, "open fd/ for writing");
    CHECK_INT(readlink("/proc/self/fd/0", buf, 3), 3, "readlink truncates to the buffer");

    CHECK_INT(write(a, "hello", 5), 5, "write through the first descriptor");
    snprintf(want, sizeof want, "/proc/self/fd/%d", a);
    again = open(want, O_RDONLY);
    CHECK(again >= 0, "open /proc/self/fd/N");
    memset(buf, 0, sizeof buf);
    CHECK_INT(read(again, buf, sizeof buf), 5, "reads the same file from offset 0");
    CHECK_STR(buf, "hello", "the same file's bytes");
    CHECK_INT(lseek(a, 0, SEEK_CUR), 5, "the first descriptor's offset is its own");
    close(again);

    check_other_process();
    close(a), close(dirfd), close(null), close(p[0]), close(p[1]), close(s);
    unlink("/tmp/pfd_a"), unlink("/tmp/pfd_sym");
    return check_done();
}
