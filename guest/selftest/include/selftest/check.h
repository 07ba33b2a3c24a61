/* One line per check, "(guest) check <name>: ok" or "...: FAILED <why>", and a summary. */
#ifndef SELFTEST_CHECK_H
#define SELFTEST_CHECK_H

#include <stdint.h>

void check_begin(void);
/* Pass when got == want; the failure line shows both (hex when either is large). */
int check_eq(const char *name, int32_t got, int32_t want);
/* Pass when ok; on failure the formatted detail follows "FAILED ". */
int check_true(const char *name, int ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
unsigned check_summary(const char *mode); /* prints "<mode>: N ok, M failed"; returns M */

#endif
