/* Check lines and the summary for the trap tests: "(guest) check NAME: ok|FAILED ...". */
#include <stdarg.h>
#include <selftest/check.h>
#include <pv/console.h>
#include <lib/format.h>

static unsigned nr_ok, nr_failed;

void check_begin(void)
{
    nr_ok = nr_failed = 0;
}

int check_eq(const char *name, int32_t got, int32_t want)
{
    int hex = (uint32_t)got >= 0x10000 || (uint32_t)want >= 0x10000;

    if (got == want) {
        nr_ok++;
        printk("check %s: ok\n", name);
        return 1;
    }
    nr_failed++;
    if (hex)
        printk("check %s: FAILED got %#x want %#x\n", name, (uint32_t)got, (uint32_t)want);
    else
        printk("check %s: FAILED got %d want %d\n", name, got, want);
    return 0;
}

int check_true(const char *name, int ok, const char *fmt, ...)
{
    char why[256];
    va_list ap;

    if (ok) {
        nr_ok++;
        printk("check %s: ok\n", name);
        return 1;
    }
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    nr_failed++;
    printk("check %s: FAILED %s\n", name, why);
    return 0;
}

unsigned check_summary(const char *mode)
{
    printk("%s: %u ok, %u failed\n", mode, nr_ok, nr_failed);
    return nr_failed;
}
