/* The hypervisor's options, parsed from its command line at boot. */
#ifndef HV_OPTIONS_H
#define HV_OPTIONS_H

#include "hv/cmdline.h"

extern struct hv_options hv_opts;

/* The values written to isa-debug-exit are in hv/shutdown.h. */

#endif
