/* Random bytes for AT_RANDOM and getrandom: a xorshift generator seeded from the TSC and the
 * wall clock. Unpredictable enough for stack canaries and hash seeds, not for keys. */
#ifndef GUEST_RANDOM_H
#define GUEST_RANDOM_H

#include <stddef.h>

void random_bytes(void *buf, size_t n);

#endif
