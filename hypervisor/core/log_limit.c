/* Rate limits for guest-caused log lines (hv/log_limit.h): a guest that spends one kind's
 * budget on junk cannot silence another kind, nor the same kind a second later. */
#include "hv/log_limit.h"
#include "hv/console.h"

unsigned log_limit_burst = LOG_LIMIT_BURST;

int log_limit_allow(struct log_limit *l, uint64_t now, unsigned dom, const char *what)
{
    if (now - l->window_start >= LOG_LIMIT_WINDOW_NS) {
        if (l->held_back)
            printk("d%u %s: %u more not logged\n", dom, what, l->held_back);
        l->window_start = now;
        l->in_window = 0;
        l->held_back = 0;
    }
    if (l->in_window < log_limit_burst) {
        l->in_window++;
        return 1;
    }
    l->held_back++;
    return 0;
}
