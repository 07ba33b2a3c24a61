/* Random bytes for AT_RANDOM, getrandom and /dev/[u]random: a xorshift generator seeded at boot
 * from RDRAND (or timer jitter), the TSC and the wall clock (kernel/random.c). Unpredictable
 * enough for stack canaries and hash seeds; not a cryptographic generator. */
#ifndef GUEST_RANDOM_H
#define GUEST_RANDOM_H

#include <stddef.h>

void random_init(void); /* seed: RDRAND where the CPU has it, timer jitter otherwise */
void random_bytes(void *buf, size_t n);

#endif
