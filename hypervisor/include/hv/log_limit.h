/* Rate limits for the log lines a guest can cause (refusals): a burst per kind in each window,
 * then a count of what was held back, printed when the window reopens. Never silent for good. */
#ifndef HV_LOG_LIMIT_H
#define HV_LOG_LIMIT_H

#include <stdint.h>

#define LOG_LIMIT_BURST 50                /* lines per kind and window, by default */
#define LOG_LIMIT_WINDOW_NS 1000000000ull /* one second */

struct log_limit {
    uint64_t window_start; /* arch_now_ns() when the current window opened */
    uint32_t in_window;    /* lines printed in it */
    uint32_t held_back;    /* lines not printed in it */
};

/* 1 when a line of this kind may be printed at time now (ns). The first call of a new window
 * first prints "(hv) d<dom> <what>: N more not logged" if lines were held back in the last. */
int log_limit_allow(struct log_limit *l, uint64_t now, unsigned dom, const char *what);
/* Lines per kind and window (refusallog=; LOG_LIMIT_BURST unless set). */
extern unsigned log_limit_burst;

#endif
