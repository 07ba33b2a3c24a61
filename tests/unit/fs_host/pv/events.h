/* Host stand-in for pv/events.h in the file-system unit tests: there are no upcalls on the
 * host, so masking them only has to nest correctly (fs_host.c checks it is undone). */
#ifndef GUEST_EVENTS_H
#define GUEST_EVENTS_H

#include <stdint.h>

extern int fake_evt_depth;

static inline uint8_t evt_disable(void)
{
    return (uint8_t)(fake_evt_depth++ ? 1 : 0);
}
static inline void evt_restore(uint8_t old)
{
    (void)old;
    fake_evt_depth--;
}

#endif
