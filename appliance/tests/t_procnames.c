/* t_procnames: name operations aimed at /proc (found by the system-call fuzzer, seed 1: after
 * one of them /proc/meminfo opened as a directory for every process). Each must fail, and
 * /proc/meminfo, /proc/self/status and /proc itself must be what they were afterwards. */
#include "check.h"

#include <fcntl.h>
#include <sys/stat.h>

static void intact(const char *after)
{
    struct stat st;
    char buf[64];
    int fd = open("/proc/meminfo", O_RDONLY);
    int ok = fd >= 0 && read(fd, buf, sizeof buf) > 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    if (fd >= 0)
        close(fd);
    CHECK(ok, "after %s: /proc/meminfo still a readable file", after);
    CHECK(stat("/proc/self/status", &st) == 0 && S_ISREG(st.st_mode),
          "after %s: /proc/self/status still a file", after);
    CHECK(stat("/proc", &st) == 0 && S_ISDIR(st.st_mode), "after %s: /proc still a directory",
          after);
}

#define TRY(call)                              \
    do {                                       \
        CHECK((call) != 0, "%s fails", #call); \
        intact(#call);                         \
    } while (0)

int main(void)
{
    check_init();
    mkdir("/tmp/pn", 0755);
    mkdir("/tmp/pn/d", 0755);
    close(open("/tmp/pn/f", O_WRONLY | O_CREAT, 0644));
    TRY(rename("/proc/self/status", "/proc/meminfo"));
    TRY(rename("/proc/meminfo", "/tmp/pn/x"));
    TRY(rename("/tmp/pn/d", "/proc/meminfo"));
    TRY(rename("/tmp/pn/f", "/proc/meminfo"));
    TRY(rename("/proc/self/maps", "/proc/self"));
    TRY(rename("/proc/self/status", "/tmp/pn/d"));
    TRY(rename("/proc", "/tmp/pn/y"));
    TRY(mkdir("/proc/meminfo", 0755));
    TRY(mkdir("/proc/self/status", 0755));
    TRY(rmdir("/proc/self"));
    TRY(rmdir("/proc/meminfo"));
    TRY(unlink("/proc/meminfo"));
    TRY(unlink("/proc/self/status"));
    TRY(link("/proc/meminfo", "/tmp/pn/l"));
    TRY(link("/tmp/pn/f", "/proc/meminfo"));
    TRY(link("/tmp/pn/d", "/proc/self"));
    TRY(symlink("/proc", "/proc/meminfo"));
    TRY(symlink("/tmp/pn", "/proc/self"));
    TRY(mknod("/proc/meminfo", S_IFIFO | 0644, 0));
    TRY(mknod("/proc/self", S_IFREG | 0644, 0));
    TRY(truncate("/proc/meminfo", 0));
    TRY(creat("/proc/self", 0644) < 0 ? -1 : 0);
    unlink("/tmp/pn/f");
    rmdir("/tmp/pn/d");
    rmdir("/tmp/pn");
    return check_done();
}
