/* t_files: reading the initramfs (/etc/hostname, /etc/motd, /etc/testdata/lines.txt,
 * whose every byte is known), read sizes, lseek, stat/fstat, open errors, readv, /dev/null,
 * /dev/zero and /proc/meminfo. */
#include "check.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/uio.h>

#define NLINES 300
#define LINE 64
#define LINES "/etc/testdata/lines.txt"

/* Line i of lines.txt, as appliance/rootfs/etc/testdata/README describes it. */
static void make_line(char out[LINE + 1], int i)
{
    static const char *const words[] = {"alpha",   "bravo", "charlie", "delta", "echo",
                                        "foxtrot", "golf",  "hotel",   "india", "juliet",
                                        "kilo",    "lima",  "mike"};
    int n = snprintf(out, LINE + 1, "line %04d %-8s %08x", i, words[i % 13],
                     (unsigned)((uint32_t)i * 2654435761u));
    memset(out + n, '.', (size_t)(LINE - 1 - n));
    out[LINE - 1] = '\n';
    out[LINE] = 0;
}

static char want[NLINES * LINE + 1];

/* Reads the whole of lines.txt in chunks of `chunk` bytes; 1 if it matches exactly. */
static int read_in_chunks(size_t chunk)
{
    static char got[NLINES * LINE + 100];
    int fd = open(LINES, O_RDONLY);
    size_t total = 0;
    ssize_t r = 0;
    while (fd >= 0 && total < sizeof got) {
        size_t n = chunk < sizeof got - total ? chunk : sizeof got - total;
        r = read(fd, got + total, n);
        if (r <= 0)
            break;
        total += (size_t)r;
    }
    close(fd);
    return fd >= 0 && r == 0 && total == NLINES * LINE && memcmp(got, want, total) == 0;
}

/* Whole small file into buf (NUL-terminated); its length or -1. */
static int slurp(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY), n = 0;
    ssize_t r = 1;
    while (fd >= 0 && (size_t)n < size - 1 && (r = read(fd, buf + n, size - 1 - (size_t)n)) > 0)
        n += (int)r;
    buf[n] = 0;
    close(fd);
    return fd < 0 || r < 0 ? -1 : n;
}

int main(void)
{
    check_init();
    for (int i = 0; i < NLINES; i++)
        make_line(want + i * LINE, i);

    char buf[4096];
    CHECK(slurp("/etc/hostname", buf, sizeof buf) > 0, "read /etc/hostname");
    printf("hostname: %s", buf);
    CHECK(slurp("/etc/motd", buf, sizeof buf) > 0, "read /etc/motd");
    printf("motd: %s", buf);

    static const size_t chunks[] = {1, 7, 63, 64, 4096, 5000, 65536};
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++)
        CHECK(read_in_chunks(chunks[i]), "lines.txt read in %zu-byte chunks", chunks[i]);

    struct stat st;
    int fd = open(LINES, O_RDONLY);
    CHECK(fd >= 0, "open lines.txt");
    CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode), "fstat: a regular file");
    CHECK_INT(st.st_size, NLINES * LINE, "fstat size");
    char line[LINE + 1] = "";
    CHECK_INT(lseek(fd, 123 * LINE, SEEK_SET), 123 * LINE, "lseek SEEK_SET to line 123");
    CHECK(read(fd, line, LINE) == LINE && memcmp(line, want + 123 * LINE, LINE) == 0,
          "line 123 read after lseek");
    CHECK_INT(lseek(fd, LINE, SEEK_CUR), 125 * LINE, "lseek SEEK_CUR skips a line");
    CHECK_INT(lseek(fd, -LINE, SEEK_END), (NLINES - 1) * LINE, "lseek SEEK_END - 64");
    CHECK(read(fd, line, LINE) == LINE && memcmp(line, want + (NLINES - 1) * LINE, LINE) == 0,
          "the last line");
    CHECK_INT(read(fd, line, LINE), 0, "read at EOF returns 0");
    CHECK_INT(lseek(fd, 100000, SEEK_SET), 100000, "lseek past the end");
    CHECK_INT(read(fd, line, LINE), 0, "read past the end returns 0");
    CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL, "lseek to a negative offset");
    lseek(fd, 0, SEEK_SET);
    char a[10], b[20];
    struct iovec iov[2] = {{a, sizeof a}, {b, sizeof b}};
    CHECK_INT(readv(fd, iov, 2), 30, "readv into two buffers");
    CHECK(memcmp(a, want, 10) == 0 && memcmp(b, want + 10, 20) == 0, "readv contents");
    CHECK_INT(close(fd), 0, "close");
    CHECK_ERR(close(fd), EBADF, "close again");
    CHECK_ERR(read(fd, line, 1), EBADF, "read on a closed fd");

    CHECK(stat("/etc/testdata/empty", &st) == 0 && st.st_size == 0, "stat: empty file");
    fd = open("/etc/testdata/empty", O_RDONLY);
    CHECK_INT(read(fd, line, sizeof line), 0, "read of an empty file returns 0");
    close(fd);
    CHECK(stat("/etc", &st) == 0 && S_ISDIR(st.st_mode), "stat /etc: a directory");
    CHECK(stat("/", &st) == 0 && S_ISDIR(st.st_mode), "stat /: a directory");
    CHECK(lstat("/etc/hostname", &st) == 0 && S_ISREG(st.st_mode), "lstat /etc/hostname");
    CHECK(stat("/etc/../etc/./hostname", &st) == 0 && S_ISREG(st.st_mode), "path with . and ..");
    CHECK_ERR(stat("/etc/nothing", &st), ENOENT, "stat of a missing file");
    CHECK_ERR(open("/etc/nothing", O_RDONLY), ENOENT, "open of a missing file");
    CHECK_ERR(open("", O_RDONLY), ENOENT, "open of the empty path");
    CHECK_ERR(open(LINES "/x", O_RDONLY), ENOTDIR, "a file used as a directory");
    CHECK_ERR(open(LINES, O_RDONLY | O_DIRECTORY), ENOTDIR, "O_DIRECTORY on a file");
    fd = open("/etc", O_RDONLY);
    CHECK(fd >= 0, "open a directory read-only");
    CHECK_ERR(read(fd, line, 1), EISDIR, "read on a directory");
    close(fd);
    /* (Writing the root, which Linux's initramfs root allows: t_rootfs.) */

    fd = open("/dev/null", O_RDWR);
    CHECK(fd >= 0, "open /dev/null");
    CHECK_INT(write(fd, "abc", 3), 3, "write to /dev/null");
    CHECK_INT(read(fd, line, sizeof line), 0, "read from /dev/null is EOF");
    close(fd);
    fd = open("/dev/zero", O_RDONLY);
    memset(buf, 'x', sizeof buf);
    int nz = 0;
    CHECK_INT(read(fd, buf, sizeof buf), sizeof buf, "read 4096 bytes of /dev/zero");
    for (size_t i = 0; i < sizeof buf; i++)
        nz += buf[i] != 0;
    CHECK_INT(nz, 0, "/dev/zero gives zeros");
    close(fd);

    long total = -1, freemem = -1;
    FILE *mi = fopen("/proc/meminfo", "r");
    CHECK(mi != NULL, "open /proc/meminfo");
    while (mi && fgets(buf, sizeof buf, mi)) {
        sscanf(buf, "MemTotal: %ld kB", &total);
        sscanf(buf, "MemFree: %ld kB", &freemem);
    }
    if (mi)
        fclose(mi);
    CHECK(total > 0 && freemem > 0 && freemem <= total, "/proc/meminfo MemTotal and MemFree");
    return check_done();
}
