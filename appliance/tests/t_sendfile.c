/* t_sendfile: sendfile64 and sendfile: file to file, file to pipe, with an offset pointer (the
 * input's own offset stays) and without (it moves), count 0, end of file, and the refusals:
 * EBADF (closed, write-only input, read-only output), EINVAL (O_APPEND output, negative offset),
 * ESPIPE (an offset on a pipe), EFAULT (a bad offset pointer). */
#include "check.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>

static long sf64(int out, int in, int64_t *off, size_t n)
{
    return syscall(SYS_sendfile64, out, in, off, n);
}

int main(void)
{
    char data[10000], back[10000];
    int64_t off;
    int32_t off32;
    int in, out, fds[2];

    check_init();
    for (int i = 0; i < (int)sizeof data; i++)
        data[i] = (char)(i * 13 + 7);
    in = open("/tmp/sf.in", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK_INT(write(in, data, sizeof data), sizeof data, "write the input file");
    lseek(in, 0, SEEK_SET);
    out = open("/tmp/sf.out", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK_INT(sf64(out, in, NULL, sizeof data), sizeof data, "sendfile64 the whole file");
    CHECK_INT(lseek(in, 0, SEEK_CUR), sizeof data, "the input's offset moved");
    CHECK_INT(pread(out, back, sizeof back, 0), sizeof data, "read the copy");
    CHECK(memcmp(back, data, sizeof data) == 0, "the copy is equal");
    CHECK_INT(sf64(out, in, NULL, 100), 0, "at the end of the input: 0");
    off = 5000;
    CHECK_INT(sf64(out, in, &off, 3000), 3000, "with an offset: 3000 bytes");
    CHECK_INT(off, 8000, "the offset moved to 8000");
    CHECK_INT(lseek(in, 0, SEEK_CUR), sizeof data, "the input's own offset did not");
    off = 9990;
    CHECK_INT(sf64(out, in, &off, 100), 10, "past the end: what is left");
    CHECK_INT(sf64(out, in, &off, 0), 0, "count 0");
    off32 = 100;
    CHECK_INT(syscall(SYS_sendfile, out, in, &off32, 50), 50, "sendfile (32-bit offset)");
    CHECK_INT(off32, 150, "its offset moved");
    CHECK_INT(pipe(fds), 0, "pipe");
    off = 0;
    CHECK_INT(sf64(fds[1], in, &off, 4096), 4096, "file to pipe");
    CHECK_INT(read(fds[0], back, sizeof back), 4096, "the pipe holds it");
    CHECK(memcmp(back, data, 4096) == 0, "the same bytes");

    CHECK_ERR(sf64(out, 99, NULL, 1), EBADF, "a closed input");
    CHECK_ERR(sf64(99, in, NULL, 1), EBADF, "a closed output");
    int wo = open("/tmp/sf.in", O_WRONLY), ro = open("/tmp/sf.out", O_RDONLY);
    CHECK_ERR(sf64(out, wo, NULL, 1), EBADF, "a write-only input");
    CHECK_ERR(sf64(ro, in, NULL, 1), EBADF, "a read-only output");
    int ap = open("/tmp/sf.out", O_WRONLY | O_APPEND);
    off = 0;
    CHECK_ERR(sf64(ap, in, &off, 1), EINVAL, "an O_APPEND output");
    off = -1;
    CHECK_ERR(sf64(out, in, &off, 1), EINVAL, "a negative offset");
    off = 0;
    CHECK_ERR(sf64(out, fds[0], &off, 1), ESPIPE, "an offset on a pipe input");
    CHECK_ERR(sf64(out, in, (int64_t *)16, 1), EFAULT, "a bad offset pointer");
    unlink("/tmp/sf.in");
    unlink("/tmp/sf.out");
    return check_done();
}
