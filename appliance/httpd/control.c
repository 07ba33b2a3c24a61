/*
 * The fast-trap switch: the guest's control file /proc/sys/ringvisor/fasttrap holds "1" (system
 * calls enter the guest kernel through the fast trap) or "0" (each one bounces through the
 * hypervisor). The guest makes it writable (mode 0644) only when booted with the "demo" option,
 * read-only (0444) otherwise; that mode is what "writable" reports (not access(2): root may
 * write anything on Linux, where the tests run against a fixture file). A write is the whole
 * two bytes at offset 0 (no O_TRUNC: the guest's /proc has no truncate).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "httpd.h"

static void control_path(char *path, size_t size)
{
    snprintf(path, size, "%s/sys/ringvisor/fasttrap", cfg.proc);
}

int fasttrap_get(int *writable)
{
    char path[512], text[8] = "";
    struct stat st;
    ssize_t n;
    int fd;

    control_path(path, sizeof(path));
    *writable = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) == 0)
        *writable = (st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) != 0;
    n = read(fd, text, sizeof(text) - 1);
    close(fd);
    if (n <= 0)
        return -1;
    return text[0] == '1' ? 1 : text[0] == '0' ? 0 : -1;
}

int fasttrap_set(int on)
{
    char path[512];
    int fd, rc = 0;

    control_path(path, sizeof(path));
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (write(fd, on ? "1\n" : "0\n", 2) != 2)
        rc = -errno;
    if (close(fd) != 0 && rc == 0)
        rc = -errno;
    return rc;
}
