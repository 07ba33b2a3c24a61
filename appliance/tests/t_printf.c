/* t_printf: formatted output (integers, strings, characters, floating point, widths, precision,
 * flags, length modifiers), snprintf truncation, and the reverse conversions (strtol, strtod,
 * sscanf). Floating point also exercises the FPU and SSE state the kernel must save. */
#include "check.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>

#define FMT(want, ...)                                   \
    do {                                                 \
        char b_[256];                                    \
        snprintf(b_, sizeof b_, __VA_ARGS__);            \
        CHECK_STR(b_, want, "printf(%s)", #__VA_ARGS__); \
    } while (0)

/* volatile: the values are only known at run time, so the compiler neither folds nor warns. */
static volatile double vzero = 0.0;
static const char *volatile vnull = NULL;
static volatile size_t vsize1 = 1;

int main(void)
{
    check_init();
    FMT("42", "%d", 42);
    FMT("-2147483648", "%d", INT_MIN);
    FMT("4294967295", "%u", UINT_MAX);
    FMT("+7 -7", "%+d %+d", 7, -7);
    FMT(" 7", "% d", 7);
    FMT("[   42][42   ][00042]", "[%5d][%-5d][%05d]", 42, 42, 42);
    FMT("[  -42][-0042]", "[%5d][%05d]", -42, -42);
    FMT("[  007]", "[%5.3d]", 7);
    FMT("ff FF 0xff 0XFF 377 0377", "%x %X %#x %#X %o %#o", 255, 255, 255, 255, 255, 255);
    FMT("deadbeef", "%08x", 0xdeadbeefu);
    FMT("-9223372036854775808", "%lld", LLONG_MIN);
    FMT("18446744073709551615", "%llu", ULLONG_MAX);
    FMT("-1 255 65535", "%hhd %hhu %hu", (signed char)-1, (unsigned char)255,
        (unsigned short)65535);
    FMT("123 -5", "%zu %jd", (size_t)123, (intmax_t)-5);
    FMT("0x1234", "%p", (void *)0x1234);
    FMT("[hello][  hi][hi  ][hel]", "[%s][%4s][%-4s][%.3s]", "hello", "hi", "hi", "hello");
    FMT("[x][  y]%", "[%c][%3c]%%", 'x', 'y');
    FMT("(null)", "%s", vnull);
    FMT("[*  5]", "[%c%*d]", '*', 3, 5);
    FMT("3.141593", "%f", 3.14159265358979);
    FMT("3.14", "%.2f", 3.14159265358979);
    FMT("[      3.14]", "[%10.2f]", 3.14159);
    FMT("[-3.14     ]", "[%-10.2f]", -3.14159);
    FMT("1.000000e+10 1.5E-05", "%e %.1E", 1e10, 1.5e-5);
    FMT("0.0001 1e+06 123457 1.5", "%g %g %g %g", 0.0001, 1e6, 123456.7, 1.5);
    FMT("2.50 -0.00 0", "%.2f %.2f %.0f", 2.5, -0.001, 0.4);
    FMT("1 2 2", "%.0f %.0f %.0f", 0.5001, 1.5, 2.5);
    FMT("0x1p+0", "%a", 1.0);
    FMT("inf -inf nan", "%f %f %f", 1.0 / vzero, -1.0 / vzero, sqrt(-1.0 + vzero) * 0 + NAN);
    FMT("12345678901234568.000", "%.3f", 12345678901234567.0);
    FMT("1.7976931348623157e+308", "%.17g", 1.7976931348623157e308);
    FMT("0.1000000000000000055511", "%.22f", 0.1);
    FMT("1.2345678e-300", "%.8g", 1.2345678e-300);

    /* snprintf: returns the full length, writes at most size-1 bytes and a NUL. */
    char small[8];
    memset(small, '#', sizeof small);
    CHECK_INT(snprintf(small, vsize1 * sizeof small, "%s", "abcdefghij"), 10,
              "snprintf returns 10");
    CHECK_STR(small, "abcdefg", "snprintf truncates to 7 bytes + NUL");
    memset(small, '#', sizeof small);
    CHECK_INT(snprintf(small, vsize1, "%d", 12345), 5, "snprintf size 1 returns 5");
    CHECK_INT(small[0], 0, "snprintf size 1 writes only the NUL");
    CHECK_INT(small[1], '#', "snprintf size 1 leaves the next byte");
    CHECK_INT(snprintf(NULL, 0, "%08.3f|%s", 2.0, "xyz"), 12, "snprintf(NULL, 0) measures");
    int count = 0;
    char nbuf[32];
    snprintf(nbuf, sizeof nbuf, "abc%n def", &count);
    CHECK_INT(count, 3, "%%n stores the count so far");

    /* Back the other way. */
    char *end;
    CHECK_INT(strtol("  -1234xyz", &end, 10), -1234, "strtol decimal");
    CHECK_STR(end, "xyz", "strtol end pointer");
    CHECK_INT(strtol("0x7f", NULL, 0), 127, "strtol base 0 hex");
    CHECK_INT(strtol("0777", NULL, 0), 511, "strtol base 0 octal");
    errno = 0;
    CHECK(strtol("99999999999", NULL, 10) == LONG_MAX && errno == ERANGE, "strtol overflow");
    CHECK_INT(strtoull("18446744073709551615", NULL, 10) == ULLONG_MAX, 1, "strtoull max");
    CHECK(strtod("2.5e3", NULL) == 2500.0, "strtod 2.5e3");
    CHECK(strtod("0x1.8p1", NULL) == 3.0, "strtod hex float");
    CHECK(fabs(strtod("3.14159", NULL) - 3.14159) < 1e-12, "strtod 3.14159");
    int i1 = 0;
    unsigned x1 = 0;
    double d1 = 0;
    char s1[8] = "";
    CHECK_INT(sscanf("17 beef 2.25 word", "%d %x %lf %7s", &i1, &x1, &d1, s1), 4, "sscanf 4 items");
    CHECK(i1 == 17 && x1 == 0xbeef && d1 == 2.25 && strcmp(s1, "word") == 0, "sscanf values");

    /* A little floating-point arithmetic whose printed result must match to the last digit. */
    double acc = 0;
    for (int i = 1; i <= 1000; i++)
        acc += 1.0 / ((double)i * i);
    FMT("1.643934566681560", "%.15f", acc);
    FMT("2.718281828459045", "%.15f", exp(1.0));
    FMT("0.841470984807897", "%.15f", sin(1.0));
    long double ld = 1.0L / 3.0L;
    FMT("0.333333333333333333342", "%.21Lf", ld);
    return check_done();
}
