/* /proc/sys/ringvisor/fasttrap: the fast trap switched from ring 3 (guest/pv/fasttrap_ctl.c).
 */
#ifndef GUEST_FASTTRAP_CTL_H
#define GUEST_FASTTRAP_CTL_H

/* Adds the file after the file system is up. on: the fast trap's state at boot; writable: the
 * guest was booted with "demo" (otherwise the file is read-only, mode 0444). */
void fasttrap_ctl_init(int on, int writable);

#endif
