/* t_fifo: named pipes (mkfifo, mknod S_IFIFO) and mknod of regular files: the node's type, a
 * reader's non-blocking open, a writer's non-blocking open without a reader (ENXIO), O_RDWR,
 * data from a writer process to a reader, end of file when the writer closes; mknod's refusals
 * (EEXIST, EPERM for a directory type, EINVAL for an unknown type). */
#include "check.h"

#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    struct stat st;
    char buf[64] = {0};
    int rd, wr;

    check_init();
    CHECK_INT(mkfifo("/tmp/ff", 0644), 0, "mkfifo /tmp/ff");
    CHECK(stat("/tmp/ff", &st) == 0 && S_ISFIFO(st.st_mode), "it is a FIFO");
    CHECK_INT(st.st_mode & 0777, 0644 & ~022, "its permissions (umask applied)");
    CHECK_ERR(mkfifo("/tmp/ff", 0644), EEXIST, "again: EEXIST");
    CHECK_ERR(open("/tmp/ff", O_WRONLY | O_NONBLOCK), ENXIO, "a writer without a reader");
    rd = open("/tmp/ff", O_RDONLY | O_NONBLOCK);
    CHECK(rd >= 0, "a non-blocking reader opens at once");
    CHECK_INT(read(rd, buf, sizeof buf), 0, "no writer yet: end of file, as Linux says");
    wr = open("/tmp/ff", O_WRONLY | O_NONBLOCK);
    CHECK(wr >= 0, "now a writer opens");
    CHECK_INT(write(wr, "hello", 5), 5, "write");
    CHECK_INT(read(rd, buf, sizeof buf), 5, "read it");
    close(wr);
    CHECK_INT(read(rd, buf, sizeof buf), 0, "the writer gone: end of file");
    close(rd);

    /* A writer process and a blocking reader. */
    pid_t pid = check_fork();
    if (pid == 0) {
        int w = open("/tmp/ff", O_WRONLY); /* waits for the reader */
        write(w, "from the child", 14);
        _exit(0);
    }
    rd = open("/tmp/ff", O_RDONLY); /* waits for the writer */
    CHECK(rd >= 0, "a blocking reader meets the writer");
    memset(buf, 0, sizeof buf);
    int got = 0, n;
    while ((n = (int)read(rd, buf + got, sizeof buf - 1 - (size_t)got)) > 0)
        got += n;
    CHECK_STR(buf, "from the child", "the child's bytes, then end of file");
    close(rd);
    CHECK_INT(check_wait(pid), 0, "the child exited");
    int both = open("/tmp/ff", O_RDWR);
    CHECK(both >= 0, "O_RDWR opens without waiting");
    CHECK_INT(write(both, "x", 1), 1, "and writes");
    CHECK_INT(read(both, buf, 1), 1, "and reads it back");
    close(both);
    CHECK_INT(unlink("/tmp/ff"), 0, "unlink the FIFO");

    CHECK_INT(mknod("/tmp/mk.reg", S_IFREG | 0600, 0), 0, "mknod a regular file");
    CHECK(stat("/tmp/mk.reg", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0,
          "an empty regular file");
    CHECK_INT(mknod("/tmp/mk.fifo", S_IFIFO | 0600, 0), 0, "mknod S_IFIFO");
    CHECK(stat("/tmp/mk.fifo", &st) == 0 && S_ISFIFO(st.st_mode), "a FIFO");
    CHECK_ERR(mknod("/tmp/mk.dir", S_IFDIR | 0700, 0), EPERM, "mknod of a directory");
    CHECK_ERR(mknod("/tmp/mk.bad", 0170000 | 0600, 0), EINVAL, "an unknown type");
    CHECK_ERR(mknod("/tmp/nodir/x", S_IFIFO | 0600, 0), ENOENT, "a missing directory");
    unlink("/tmp/mk.reg");
    unlink("/tmp/mk.fifo");
    return check_done();
}
