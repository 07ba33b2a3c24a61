/* ctty.h: a controlling terminal for the ring-3 job-control tests, the same to them on both sides.
 * Natively the test runs without one (the runner mounts a private devpts instance): a new
 * pseudo-terminal, whose master stays open and unread (only a few bytes, each a "\r", are ever
 * written to it). In the appliance there is no pseudo-terminal: the console, which the first
 * session leader to ask takes over from init. The caller must be a session leader without a
 * terminal (just after setsid). Returns the terminal's descriptor, or -1.
 */
#ifndef CTTY_H
#define CTTY_H

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

static inline int ctty_acquire(void)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY), fd;

    if (master >= 0) {
        const char *name;

        if (grantpt(master) || unlockpt(master) || !(name = ptsname(master)))
            return -1;
        fd = open(name, O_RDWR | O_NOCTTY);
    } else {
        fd = open("/dev/console", O_RDWR | O_NOCTTY);
    }
    if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) != 0)
        return -1;
    return fd;
}

#endif
