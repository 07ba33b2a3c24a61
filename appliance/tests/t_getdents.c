/* t_getdents: directory listings through getdents64 (raw, with large and tiny buffers) and
 * readdir, of initramfs directories and of /tmp as files come and go. Names are sorted before
 * they are printed: the order of entries is the file system's own business. */
#include "check.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>

struct dirent64_raw {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

#define MAXN 128 /* /tests holds ./, ../, shell/ and over 60 programs */
static char names[MAXN][64];
static unsigned char types[MAXN];
static int nnames, bad_records;

static int cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Lists path with getdents64 and a buffer of bufsize bytes into names[] (sorted); the count or -1.
 */
static int list(const char *path, size_t bufsize)
{
    static char buf[8192];
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    long n;
    nnames = 0;
    bad_records = 0;
    if (fd < 0)
        return -1;
    while ((n = syscall(SYS_getdents64, fd, buf, bufsize)) > 0) {
        long pos = 0;
        while (pos < n) {
            const struct dirent64_raw *d = (const void *)(buf + pos);
            size_t len = strlen(d->d_name);
            if (d->d_reclen < 19 + len + 1 || d->d_ino == 0 || len == 0)
                bad_records++;
            if (nnames < MAXN && len < sizeof names[0]) {
                memcpy(names[nnames], d->d_name, len + 1);
                types[nnames++] = d->d_type;
            }
            pos += d->d_reclen ? d->d_reclen : n; /* a 0 reclen would loop for ever */
        }
        if (pos != n)
            bad_records++;
    }
    close(fd);
    if (n < 0)
        return -1;
    /* Sort names and their types together. */
    for (int i = 0; i < nnames; i++)
        names[i][sizeof names[0] - 1] = (char)types[i];
    qsort(names, (size_t)nnames, sizeof names[0], cmp);
    for (int i = 0; i < nnames; i++)
        types[i] = (unsigned char)names[i][sizeof names[0] - 1];
    return nnames;
}

static const char *joined(void)
{
    static char out[MAXN * 64];
    out[0] = 0;
    for (int i = 0; i < nnames; i++) {
        strcat(out, i ? " " : "");
        strcat(out, names[i]);
        strcat(out, types[i] == DT_DIR ? "/" : types[i] == DT_REG ? "" : "?");
    }
    return out;
}

static int has(const char *name)
{
    for (int i = 0; i < nnames; i++)
        if (strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

static void touch(const char *path)
{
    close(open(path, O_WRONLY | O_CREAT, 0644));
}

int main(void)
{
    check_init();
    const char *want = "./ ../ apple banana cherry sub/";
    CHECK_INT(list("/etc/testdata/dir", 8192), 6, "6 entries in /etc/testdata/dir");
    CHECK_STR(joined(), want, "its listing (/ marks DT_DIR)");
    CHECK_INT(bad_records, 0, "every record is well formed");
    CHECK_INT(list("/etc/testdata/dir", 32), 6, "listed again with a 32-byte buffer");
    CHECK_STR(joined(), want, "the same listing");
    CHECK_INT(list("/etc/testdata", 8192), 7, "7 entries in /etc/testdata");
    CHECK_STR(joined(), "./ ../ README dir/ empty lines.txt notelf", "its listing");
    CHECK(list("/tests", 8192) > 2 && has("t_getdents"), "/tests lists this program");
    printf("/tests: %s\n", joined());
    CHECK(list("/", 8192) > 0 && has("etc") && has("tests") && has("tmp") && has("dev"),
          "/ has etc, tests, tmp and dev");
    CHECK_INT(bad_records, 0, "well-formed records in /");

    int fd = open("/etc/testdata/dir", O_RDONLY | O_DIRECTORY);
    static char tiny[8];
    CHECK_ERR(syscall(SYS_getdents64, fd, tiny, sizeof tiny), EINVAL, "a too small buffer");
    close(fd);
    fd = open("/etc/motd", O_RDONLY);
    CHECK_ERR(syscall(SYS_getdents64, fd, tiny, sizeof tiny), ENOTDIR, "getdents64 on a file");
    close(fd);
    CHECK_ERR(syscall(SYS_getdents64, fd, tiny, sizeof tiny), EBADF, "getdents64 on a closed fd");

    CHECK_INT(list("/tmp", 8192), 2, "/tmp starts empty");
    touch("/tmp/c3");
    touch("/tmp/a1");
    touch("/tmp/b2");
    CHECK_INT(list("/tmp", 8192), 5, "three files created in /tmp");
    CHECK_STR(joined(), "./ ../ a1 b2 c3", "/tmp listing");
    unlink("/tmp/b2");
    CHECK_STR(list("/tmp", 8192) == 4 ? joined() : "?", "./ ../ a1 c3", "after unlinking b2");

    /* readdir over the same, and rewinddir starting again. */
    DIR *d = opendir("/etc/testdata/dir");
    CHECK(d != NULL, "opendir");
    int first = 0, second = 0;
    const struct dirent *e;
    while (d && (e = readdir(d)))
        first++;
    if (d)
        rewinddir(d);
    while (d && (e = readdir(d)))
        second += strcmp(e->d_name, "sub") == 0 ? 100 : 1;
    CHECK(first == 6 && second == 105, "readdir: 6 entries, and again after rewinddir");
    if (d)
        closedir(d);
    unlink("/tmp/a1");
    unlink("/tmp/c3");
    CHECK_INT(list("/tmp", 8192), 2, "/tmp empty again");
    return check_done();
}
