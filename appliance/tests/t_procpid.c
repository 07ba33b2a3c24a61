/* t_procpid: /proc/self and /proc/<pid>/ as Linux has them: the self link, exe (symlinks
 * resolved), cwd and root, cmdline and environ (the very bytes exec put on the stack), stat
 * (52 fields, the ids and the state: R, S for a sleeper, Z for a zombie), status, maps, the
 * directory listed in /proc (whole when first looked at) and gone once its process is reaped.
 * ring3-args: first second */
#include "check.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

extern char **environ;

static long slurp(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    long n, got = 0;

    if (fd < 0)
        return -1;
    while ((n = read(fd, buf + got, size - 1 - (size_t)got)) > 0)
        got += n;
    close(fd);
    buf[got] = 0;
    return got;
}

static void check_link(const char *path, const char *want)
{
    char buf[256];
    ssize_t n = readlink(path, buf, sizeof buf - 1);

    buf[n > 0 ? n : 0] = 0;
    CHECK_STR(buf, want, "readlink %s", path);
}

/* Field i (1-based) of a stat line, after the ")" of the name for i > 2. */
static const char *stat_field(const char *line, int i, char *out, size_t size)
{
    const char *p = strrchr(line, ')');
    int at = 2;

    out[0] = 0;
    if (!p)
        return out;
    p++;
    while (at < i && *p) {
        while (*p == ' ')
            p++;
        at++;
        if (at == i) {
            size_t n = strcspn(p, " \n");
            snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), p);
            return out;
        }
        p += strcspn(p, " \n");
    }
    return out;
}

static int count_fields(const char *line)
{
    const char *p = strrchr(line, ')');
    int n = 2;

    for (p = p ? p + 1 : line; *p && *p != '\n'; p++)
        if (*p == ' ' && p[1] != ' ' && p[1] != '\n' && p[1])
            n++;
    return n;
}

static char state_of(int pid)
{
    char path[64], buf[1024], f[16];

    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    if (slurp(path, buf, sizeof buf) <= 0)
        return '?';
    return stat_field(buf, 3, f, sizeof f)[0];
}

int main(int argc, char **argv)
{
    char buf[4096], want[4096], path[64], f[32];
    int pid = getpid(), fds[2];
    long n;
    size_t w = 0;

    check_init();
    snprintf(want, sizeof want, "%d", pid);
    check_link("/proc/self", want);
    check_link("/proc/self/exe", "/tests/t_procpid");
    check_link("/proc/self/cwd", "/");
    check_link("/proc/self/root", "/");
    CHECK_INT(chdir("/tmp"), 0, "chdir /tmp");
    check_link("/proc/self/cwd", "/tmp");
    chdir("/");

    /* cmdline and environ: the strings, each with its NUL. */
    for (int i = 0; i < argc; i++) {
        memcpy(want + w, argv[i], strlen(argv[i]) + 1);
        w += strlen(argv[i]) + 1;
    }
    n = slurp("/proc/self/cmdline", buf, sizeof buf);
    CHECK(n == (long)w && memcmp(buf, want, w) == 0, "cmdline: argv with their NULs (%ld bytes)",
          (long)w);
    w = 0;
    for (char **e = environ; *e; e++) {
        memcpy(want + w, *e, strlen(*e) + 1);
        w += strlen(*e) + 1;
    }
    n = slurp("/proc/self/environ", buf, sizeof buf);
    CHECK(n == (long)w && memcmp(buf, want, w) == 0, "environ: the environment (%ld bytes)",
          (long)w);

    /* stat and status. */
    CHECK(slurp("/proc/self/stat", buf, sizeof buf) > 0, "read /proc/self/stat");
    snprintf(want, sizeof want, "%d (t_procpid) R ", pid);
    CHECK(strncmp(buf, want, strlen(want)) == 0, "stat starts with pid (comm) R");
    CHECK_INT(count_fields(buf), 52, "stat has 52 fields");
    CHECK_INT(atoi(stat_field(buf, 4, f, sizeof f)), getppid(), "stat: ppid");
    CHECK_INT(atoi(stat_field(buf, 5, f, sizeof f)), getpgrp(), "stat: process group");
    CHECK_INT(atoi(stat_field(buf, 6, f, sizeof f)), getsid(0), "stat: session");
    CHECK_INT(atoi(stat_field(buf, 20, f, sizeof f)), 1, "stat: one thread");
    CHECK(slurp("/proc/self/status", buf, sizeof buf) > 0, "read /proc/self/status");
    CHECK(strstr(buf, "Name:\tt_procpid\n") != NULL, "status: Name");
    CHECK(strstr(buf, "State:\tR (running)\n") != NULL, "status: State");
    snprintf(want, sizeof want, "\nPid:\t%d\nPPid:\t%d\n", pid, getppid());
    CHECK(strstr(buf, want) != NULL, "status: Pid and PPid");
    CHECK(strstr(buf, "\nUid:\t0\t0\t0\t0\n") != NULL, "status: Uid");
    CHECK(strstr(buf, "\nUmask:\t0022\n") != NULL, "status: Umask");

    /* maps: the program's code by its path, and the stack. */
    CHECK(slurp("/proc/self/maps", buf, sizeof buf) > 0, "read /proc/self/maps");
    CHECK(strstr(buf, " r-xp ") && strstr(buf, "/tests/t_procpid\n"), "maps: code from the file");
    CHECK(strstr(buf, "[stack]\n") != NULL, "maps: [stack]");

    /* Another process: sleeping, then a zombie, then gone. */
    if (pipe(fds))
        return check_done();
    pid_t child = check_fork();
    if (child == 0) {
        close(fds[0]);
        write(fds[1], "x", 1);
        pause();
        _exit(0);
    }
    close(fds[1]);
    read(fds[0], f, 1);
    /* Nothing has looked at its directory yet (this kernel makes the entries on first look):
     * listed straight away, it is whole. */
    snprintf(path, sizeof path, "/proc/%d", child);
    struct stat dsb;
    CHECK(stat(path, &dsb) == 0 && S_ISDIR(dsb.st_mode) && dsb.st_nlink >= 3,
          "a new child's directory, with its fd/ counted");
    int found = 0;
    DIR *cd = opendir(path);
    for (struct dirent *e; cd && (e = readdir(cd));)
        found |= (!strcmp(e->d_name, "stat") ? 1 : 0) | (!strcmp(e->d_name, "cmdline") ? 2 : 0) |
                 (!strcmp(e->d_name, "exe") ? 4 : 0) | (!strcmp(e->d_name, "fd") ? 8 : 0);
    if (cd)
        closedir(cd);
    CHECK_INT(found, 15, "a new child's directory lists stat, cmdline, exe and fd");
    char st = '?';
    for (int i = 0; i < 200 && (st = state_of(child)) != 'S'; i++)
        usleep(10000);
    CHECK(st == 'S', "a child in pause() is S");
    snprintf(path, sizeof path, "/proc/%d/exe", child);
    n = readlink(path, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    CHECK_STR(buf, "/tests/t_procpid", "the child's exe");
    snprintf(path, sizeof path, "%d", child);
    int listed = 0, self_listed = 0;
    DIR *d = opendir("/proc");
    for (struct dirent *e; d && (e = readdir(d));) {
        listed += strcmp(e->d_name, path) == 0;
        self_listed += strcmp(e->d_name, "self") == 0;
    }
    if (d)
        closedir(d);
    CHECK(listed == 1 && self_listed == 1, "/proc lists the child and self");
    kill(child, SIGTERM);
    for (int i = 0; i < 200 && (st = state_of(child)) != 'Z'; i++)
        usleep(10000);
    CHECK(st == 'Z', "killed and not yet waited for: Z");
    snprintf(path, sizeof path, "/proc/%d/cmdline", child);
    CHECK_INT(slurp(path, buf, sizeof buf), 0, "a zombie's cmdline is empty");
    CHECK_INT(check_wait(child), SIGTERM, "the child ended by SIGTERM");
    snprintf(path, sizeof path, "/proc/%d", child);
    struct stat sb;
    CHECK_ERR(stat(path, &sb), ENOENT, "reaped: its directory is gone");
    CHECK_ERR(open("/proc/99999/stat", O_RDONLY), ENOENT, "no such process");
    return check_done();
}
