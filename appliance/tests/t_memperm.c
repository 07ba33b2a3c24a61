/* t_memperm: what the kernel reads or maps on ring 3's behalf obeys ring 3's own rights.
 * mmap of a file needs a descriptor open for reading (EACCES) and not an O_PATH one (EBADF);
 * a PROT_NONE page cannot be read by the kernel's user copies (write, open, execve strings:
 * EFAULT) even when its contents are present, and becomes readable again with mprotect. */
#define _GNU_SOURCE /* O_PATH */
#include "check.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define PAGE 4096

int main(void)
{
    check_init();
    const char *path = "/tmp/t_memperm";
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    char data[PAGE];
    memset(data, 'x', sizeof data);
    CHECK_INT(write(fd, data, sizeof data), PAGE, "a one-page file");
    CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED ? -1 : 0, EACCES,
              "mmap of a file through an O_WRONLY descriptor");
    close(fd);
    fd = open(path, O_PATH);
    CHECK(fd >= 0, "an O_PATH descriptor for it");
    CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED ? -1 : 0, EBADF,
              "mmap of a file through an O_PATH descriptor");
    close(fd);
    fd = open(path, O_RDONLY);
    char *m = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(m != MAP_FAILED && m[0] == 'x', "mmap of it through an O_RDONLY descriptor");
    if (m != MAP_FAILED)
        munmap(m, PAGE);
    close(fd);
    unlink(path);

    /* A present page (written first), then PROT_NONE. */
    char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED, "two anonymous pages");
    strcpy(p, "/tmp");
    strcpy(p + PAGE - 4, "/tm"); /* runs up to the end of the first page */
    memset(p + PAGE, 'y', PAGE);
    int pipefd[2];
    CHECK_INT(pipe(pipefd), 0, "a pipe");
    CHECK_INT(mprotect(p, PAGE, PROT_NONE), 0, "the first page made PROT_NONE");
    CHECK_ERR(write(pipefd[1], p, 16), EFAULT, "write() from the PROT_NONE page");
    CHECK_ERR(open(p, O_RDONLY), EFAULT, "open() of a path in the PROT_NONE page");
    struct stat st;
    CHECK_ERR(stat(p, &st), EFAULT, "stat() of a path in the PROT_NONE page");
    char *argv[] = {p, NULL};
    CHECK_ERR(execve("/tests/t_memperm", argv, NULL), EFAULT,
              "execve() with an argument string in the PROT_NONE page");
    CHECK_INT(mprotect(p, PAGE, PROT_READ), 0, "back to PROT_READ");
    CHECK_INT(write(pipefd[1], p, 5), 5, "write() from it works again");
    char back[8] = {0};
    CHECK(read(pipefd[0], back, 5) == 5 && strcmp(back, "/tmp") == 0, "and the data was kept");

    /* A string that runs from a readable page into a PROT_NONE one. */
    CHECK_INT(mprotect(p, PAGE, PROT_READ | PROT_WRITE), 0, "the first page writable again");
    memset(p, 'z', PAGE);
    CHECK_INT(mprotect(p + PAGE, PAGE, PROT_NONE), 0, "the second page PROT_NONE");
    CHECK_ERR(open(p + PAGE - 8, O_RDONLY), EFAULT,
              "open() of a path running into the PROT_NONE page");
    char *argv2[] = {p + PAGE - 8, NULL};
    CHECK_ERR(execve("/tests/t_memperm", argv2, NULL), EFAULT,
              "execve() with an argument string running into the PROT_NONE page");
    CHECK_ERR(write(pipefd[1], p + PAGE - 8, 16), EFAULT,
              "write() of a buffer running into the PROT_NONE page");
    munmap(p, 2 * PAGE);
    return check_done();
}
