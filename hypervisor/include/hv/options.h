/* The hypervisor's options (parsed from its command line at boot) and its exit codes. */
#ifndef HV_OPTIONS_H
#define HV_OPTIONS_H

#include "hv/cmdline.h"

extern struct hv_options hv_opts;

/* Values written to isa-debug-exit with exit=debug (QEMU exits with (value << 1) | 1).
 * A guest shutdown writes its SHUTDOWN_* reason (0-3). */
#define HV_EXIT_BAD_IMAGE 0x10
#define HV_EXIT_PANIC 0x11

#endif
