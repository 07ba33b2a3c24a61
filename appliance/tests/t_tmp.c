/* t_tmp: the writable /tmp: create, write in many sizes, read back, lseek, overwrite, O_APPEND,
 * O_TRUNC, O_EXCL, holes, writev, independent offsets, unlink (also of an open file). */
#include "check.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>

#define SIZE (200 * 1024 + 333)

static unsigned char data[SIZE], back[SIZE];

static off_t size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : -1;
}

int main(void)
{
    check_init();
    for (int i = 0; i < SIZE; i++)
        data[i] = (unsigned char)(i * 7 + (i >> 10));

    const char *path = "/tmp/t_tmp.dat";
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 0, "create /tmp/t_tmp.dat with O_EXCL");
    if (fd < 0)
        return check_done();
    CHECK_ERR(open(path, O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST, "O_EXCL on an existing file");

    /* Writes of varying sizes, including ones that cross page boundaries. */
    size_t off = 0, step = 1;
    int short_writes = 0;
    while (off < SIZE) {
        size_t n = step < SIZE - off ? step : SIZE - off;
        short_writes += write(fd, data + off, n) != (ssize_t)n;
        off += n;
        step = step * 3 + 1;
    }
    CHECK_INT(short_writes, 0, "write %d bytes in growing pieces", SIZE);
    CHECK_INT(lseek(fd, 0, SEEK_CUR), SIZE, "the offset is at the end");
    CHECK_INT(size_of(path), SIZE, "stat size");
    CHECK_INT(lseek(fd, 0, SEEK_SET), 0, "lseek to 0");
    CHECK_INT(read(fd, back, SIZE), SIZE, "read it all back in one call");
    CHECK(memcmp(back, data, SIZE) == 0, "contents equal");

    /* Overwrite in the middle, across a page boundary. */
    lseek(fd, 4090, SEEK_SET);
    CHECK_INT(write(fd, "OVERWRITE", 9), 9, "overwrite 9 bytes at 4090");
    memcpy(data + 4090, "OVERWRITE", 9);
    lseek(fd, 4000, SEEK_SET);
    CHECK(read(fd, back, 200) == 200 && memcmp(back, data + 4000, 200) == 0,
          "the overwrite is in place, the rest unchanged");
    CHECK_INT(size_of(path), SIZE, "size unchanged by the overwrite");

    /* A second descriptor has its own offset. */
    int fd2 = open(path, O_RDONLY);
    lseek(fd, 1000, SEEK_SET);
    CHECK(read(fd2, back, 10) == 10 && memcmp(back, data, 10) == 0, "a second open reads from 0");
    CHECK_INT(lseek(fd, 0, SEEK_CUR), 1000, "the first offset is unaffected");
    close(fd2);

    /* A hole reads as zeros. */
    CHECK_INT(lseek(fd, SIZE + 10000, SEEK_SET), SIZE + 10000, "lseek beyond the end");
    CHECK_INT(write(fd, "Z", 1), 1, "write after the gap");
    CHECK_INT(size_of(path), SIZE + 10001, "size includes the hole");
    lseek(fd, SIZE, SEEK_SET);
    int nonzero = 0;
    CHECK_INT(read(fd, back, 10001), 10001, "read across the hole");
    for (int i = 0; i < 10000; i++)
        nonzero += back[i] != 0;
    CHECK(nonzero == 0 && back[10000] == 'Z', "the hole is zeros, then 'Z'");
    close(fd);

    /* O_APPEND always writes at the end; O_TRUNC empties. */
    fd = open(path, O_WRONLY | O_APPEND);
    lseek(fd, 0, SEEK_SET);
    CHECK_INT(write(fd, "END", 3), 3, "O_APPEND write");
    CHECK_INT(size_of(path), SIZE + 10004, "O_APPEND wrote at the end despite lseek(0)");
    close(fd);
    fd = open(path, O_RDWR | O_TRUNC);
    CHECK_INT(size_of(path), 0, "O_TRUNC empties the file");
    struct iovec iov[3] = {{"one ", 4}, {"two ", 4}, {"three", 5}};
    CHECK_INT(writev(fd, iov, 3), 13, "writev of three pieces");
    lseek(fd, 0, SEEK_SET);
    char small[32] = "";
    CHECK_INT(read(fd, small, sizeof small - 1), 13, "read the writev data");
    CHECK_STR(small, "one two three", "writev contents");

    /* Unlinking an open file: the name goes, the data stays until close. */
    CHECK_INT(unlink(path), 0, "unlink while open");
    CHECK_ERR(open(path, O_RDONLY), ENOENT, "the name is gone");
    CHECK_INT(size_of(path), -1, "stat fails after unlink");
    lseek(fd, 4, SEEK_SET);
    memset(small, 0, sizeof small);
    CHECK(read(fd, small, 3) == 3 && strcmp(small, "two") == 0, "the open fd still reads");
    CHECK_INT(close(fd), 0, "close the unlinked file");
    CHECK_ERR(unlink(path), ENOENT, "unlink again");

    /* Many small files. */
    int made = 0, gone = 0;
    for (int i = 0; i < 50; i++) {
        char name[32];
        snprintf(name, sizeof name, "/tmp/f%02d", i);
        fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0 && write(fd, name, strlen(name)) == (ssize_t)strlen(name))
            made++;
        close(fd);
    }
    for (int i = 0; i < 50; i++) {
        char name[32];
        snprintf(name, sizeof name, "/tmp/f%02d", i);
        if (size_of(name) == (off_t)strlen(name) && unlink(name) == 0)
            gone++;
    }
    CHECK(made == 50 && gone == 50, "50 files created, checked and removed");

    /* truncate and ftruncate: shrink, grow with zeros, by path; refusals. */
    fd = open("/tmp/trunc", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK_INT(write(fd, "0123456789", 10), 10, "a 10-byte file for truncation");
    CHECK_INT(ftruncate(fd, 4), 0, "ftruncate to 4 bytes");
    CHECK_INT(size_of("/tmp/trunc"), 4, "its size is 4");
    CHECK_INT(ftruncate(fd, 8192), 0, "ftruncate up to 8192 bytes");
    char tb[16] = {0};
    CHECK(pread(fd, tb, 6, 2) == 6 && memcmp(tb, "23\0\0\0\0", 6) == 0,
          "the grown part reads as zeros");
    CHECK_INT(truncate("/tmp/trunc", 1), 0, "truncate by path to 1 byte");
    CHECK_INT(size_of("/tmp/trunc"), 1, "its size is 1");
    CHECK_ERR(ftruncate(fd, -1), EINVAL, "ftruncate to a negative length");
    close(fd);
    fd = open("/tmp/trunc", O_RDONLY);
    CHECK_ERR(ftruncate(fd, 0), EINVAL, "ftruncate of a read-only descriptor");
    close(fd);
    CHECK_ERR(truncate("/tmp", 0), EISDIR, "truncate of a directory");
    CHECK_ERR(truncate("/proc/uptime", 0), EROFS, "truncate of a /proc file (read-only)");
    unlink("/tmp/trunc");
    return check_done();
}
