/*
 * fasttrap: shows or switches the fast trap through /proc/sys/ringvisor/fasttrap.
 *   fasttrap            prints "fasttrap: on" or "off", and whether the switch is writable
 *   fasttrap on|off     switches it (the guest must have been booted with "demo")
 *   fasttrap --check    turns it off, makes system calls and checks in /proc/hypervisor that
 *                       they bounced; turns it on again and checks that the next ones did not.
 *                       Without "demo", checks instead that the switch refuses (EACCES) and
 *                       stays as it was. Exit status 0 when every check held.
 * Plain POSIX; on Linux the control file is missing and it says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONTROL "/proc/sys/ringvisor/fasttrap"
#define CALLS 1000

static int get_state(void)
{
    char text[8] = "";
    FILE *f = fopen(CONTROL, "r");

    if (!f)
        return -1;
    if (!fgets(text, sizeof(text), f))
        text[0] = 0;
    fclose(f);
    return text[0] == '1' ? 1 : text[0] == '0' ? 0 : -1;
}

/* Writes text to the switch: 0, or the errno of the refusal. */
static int write_control(const char *text)
{
    int fd = open(CONTROL, O_WRONLY), err = 0;

    if (fd < 0)
        return errno;
    if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        err = errno;
    close(fd);
    return err;
}

static int set_state(int on)
{
    return write_control(on ? "1\n" : "0\n");
}

static unsigned long bounced(void)
{
    char line[128];
    unsigned long v = 0;
    FILE *f = fopen("/proc/hypervisor", "r");

    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "syscalls_bounced %lu", &v) == 1)
            break;
    fclose(f);
    return v;
}

static void calls(void)
{
    for (int i = 0; i < CALLS; i++)
        (void)getppid();
}

static int check(void)
{
    struct stat st;
    int state = get_state(), err, fails = 0;
    unsigned long b0, b1, b2;

    if (state < 0 || stat(CONTROL, &st) != 0) {
        printf("fasttrap: no %s: %s\n", CONTROL, strerror(errno));
        return 1;
    }
    printf("fasttrap: the fast trap is %s, the switch is %s (mode %03o)\n", state ? "on" : "off",
           st.st_mode & 0222 ? "writable" : "read-only", (unsigned)(st.st_mode & 0777));
    if (!(st.st_mode & 0222)) {
        err = set_state(!state);
        printf("fasttrap: writing refused: %s\n", err ? strerror(err) : "no, it was accepted");
        if (err != EACCES || get_state() != state) {
            printf("fasttrap: FAILED: a read-only switch must refuse with EACCES and stay\n");
            return 1;
        }
        printf("fasttrap: read-only switch held\n");
        return 0;
    }
    if ((err = set_state(0)) != 0) {
        printf("fasttrap: FAILED: turning it off: %s\n", strerror(err));
        return 1;
    }
    b0 = bounced();
    calls();
    b1 = bounced();
    /* Reading /proc/hypervisor is a few system calls more: at least CALLS. */
    printf("fasttrap: off: %d system calls, %s bounced\n", CALLS,
           b1 - b0 >= CALLS ? "all" : "not all");
    if (get_state() != 0 || b1 - b0 < CALLS) {
        printf("fasttrap: FAILED: with the fast trap off every system call must bounce\n");
        fails++;
    }
    if ((err = set_state(1)) != 0) {
        printf("fasttrap: FAILED: turning it on: %s\n", strerror(err));
        return 1;
    }
    b1 = bounced();
    calls();
    b2 = bounced();
    printf("fasttrap: on: %d system calls, %lu bounced\n", CALLS, b2 - b1);
    if (get_state() != 1 || b2 - b1 > 10) {
        printf("fasttrap: FAILED: with the fast trap on, system calls must not bounce\n");
        fails++;
    }
    if ((err = write_control("2\n")) != EINVAL || get_state() != 1) {
        printf("fasttrap: FAILED: writing 2: %s, expected EINVAL\n",
               err ? strerror(err) : "accepted");
        fails++;
    }
    if (!fails)
        printf("fasttrap: switch checked\n");
    return fails != 0;
}

int main(int argc, char **argv)
{
    int state, err;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && strcmp(argv[1], "--check") == 0)
        return check();
    if (argc > 1) {
        int on = strcmp(argv[1], "on") == 0;

        if (!on && strcmp(argv[1], "off") != 0) {
            fprintf(stderr, "usage: fasttrap [on|off|--check]\n");
            return 2;
        }
        err = set_state(on);
        if (err) {
            printf("fasttrap: cannot switch it %s: %s%s\n", argv[1], strerror(err),
                   err == EACCES ? " (boot with 'demo' to allow it)" : "");
            return 1;
        }
    }
    state = get_state();
    if (state < 0) {
        printf("fasttrap: no %s here\n", CONTROL);
        return 1;
    }
    printf("fasttrap: %s\n", state ? "on" : "off");
    return 0;
}
