/* Tiny unit-test harness for host builds of the hypervisor's pure-logic files.
 * Each TEST stops at its first failed check; main prints one PASS:/FAIL: line per test and
 * exits 1 if any failed. Usage: TEST(x) { CHECK(...); }  ...  RUN_TESTS(T(x), T(y)) */
#ifndef TESTS_UNIT_HARNESS_H
#define TESTS_UNIT_HARNESS_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct harness_test {
    const char *name;
    void (*fn)(void);
};

/* The first failure of the running test, "" while it passes. */
static char harness_msg[512];

/* Record a failure; long messages are cut (vsnprintf keeps -Wformat-truncation quiet). */
static inline __attribute__((format(printf, 1, 2))) void harness_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(harness_msg, sizeof(harness_msg), fmt, ap);
    va_end(ap);
}

#define TEST(name) static void test_##name(void)
#define T(name)            \
    {                      \
#name, test_##name \
    }

#define HARNESS_FAILED() (harness_msg[0] != '\0')

#define CHECK(cond)                                              \
    do {                                                         \
        if (!(cond)) {                                           \
            harness_fail("%s:%d %s", __FILE__, __LINE__, #cond); \
            return;                                              \
        }                                                        \
    } while (0)

/* Integer equality; both sides are shown in hex and decimal on failure. */
#define CHECK_EQ(a, b)                                                                          \
    do {                                                                                        \
        unsigned long long va_ = (unsigned long long)(a), vb_ = (unsigned long long)(b);        \
        if (va_ != vb_) {                                                                       \
            harness_fail("%s:%d %s == %s (0x%llx (%llu) != 0x%llx (%llu))", __FILE__, __LINE__, \
                         #a, #b, va_, va_, vb_, vb_);                                           \
            return;                                                                             \
        }                                                                                       \
    } while (0)

/* String equality; NULL is shown as (null) and never equals a string. */
#define CHECK_STR(a, b)                                                                   \
    do {                                                                                  \
        const char *sa_ = (a), *sb_ = (b);                                                \
        if (sa_ == NULL || sb_ == NULL || strcmp(sa_, sb_) != 0) {                        \
            harness_fail("%s:%d %s == %s (\"%s\" != \"%s\")", __FILE__, __LINE__, #a, #b, \
                         sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");                     \
            return;                                                                       \
        }                                                                                 \
    } while (0)

/* Run a helper that may CHECK, and stop the calling test if it failed. */
#define CALL(expr)            \
    do {                      \
        expr;                 \
        if (HARNESS_FAILED()) \
            return;           \
    } while (0)

/* "tests/unit/test_desc.c" -> "test_desc" */
static inline void harness_unit_name(const char *path, char *out, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 2 && strcmp(base + n - 2, ".c") == 0)
        n -= 2;
    if (n >= size)
        n = size - 1;
    memcpy(out, base, n);
    out[n] = '\0';
}

static inline int harness_run(const char *file, const struct harness_test *tests, size_t n)
{
    char unit[64];
    int failed = 0;

    harness_unit_name(file, unit, sizeof(unit));
    for (size_t i = 0; i < n; i++) {
        harness_msg[0] = '\0';
        tests[i].fn();
        if (HARNESS_FAILED()) {
            printf("FAIL: unit %s/%s: %s\n", unit, tests[i].name, harness_msg);
            failed = 1;
        } else {
            printf("PASS: unit %s/%s\n", unit, tests[i].name);
        }
        fflush(stdout);
    }
    return failed;
}

#define RUN_TESTS(...)                                                            \
    int main(void)                                                                \
    {                                                                             \
        static const struct harness_test tests_[] = {__VA_ARGS__};                \
        return harness_run(__FILE__, tests_, sizeof(tests_) / sizeof(tests_[0])); \
    }

#endif
