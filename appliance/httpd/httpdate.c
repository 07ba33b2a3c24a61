/* HTTP dates (RFC 9110 §5.6.7): we send IMF-fixdate; we accept it and the two obsolete forms
 * (RFC 850 and asctime) in If-Modified-Since. Always UTC, independent of the locale. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "httpd.h"

static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void http_date(time_t t, char out[32])
{
    struct tm tm;

    gmtime_r(&t, &tm);
    snprintf(out, 32, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int month_index(const char *m)
{
    for (int i = 0; i < 12; i++)
        if (strncasecmp(m, months[i], 3) == 0 && m[3] == 0)
            return i;
    return -1;
}

int http_date_parse(const char *s, time_t *t)
{
    char wday[16], mon[8], tz[8];
    struct tm tm;
    int n = 0;

    memset(&tm, 0, sizeof(tm));
    /* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
    if (sscanf(s, "%3s, %2d %3s %4d %2d:%2d:%2d %3s%n", wday, &tm.tm_mday, mon, &tm.tm_year,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec, tz, &n) == 8 &&
        s[n] == 0) {
        /* fine */
    } else if (sscanf(s, "%15[A-Za-z], %2d-%3s-%2d %2d:%2d:%2d %3s%n", wday, &tm.tm_mday, mon,
                      &tm.tm_year, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, tz, &n) == 8 &&
               s[n] == 0) {
        /* RFC 850: Sunday, 06-Nov-94 08:49:37 GMT (two-digit years: RFC 9110's 50-year rule) */
        tm.tm_year += tm.tm_year < 70 ? 2000 : 1900;
    } else if (sscanf(s, "%3s %3s %2d %2d:%2d:%2d %4d%n", wday, mon, &tm.tm_mday, &tm.tm_hour,
                      &tm.tm_min, &tm.tm_sec, &tm.tm_year, &n) == 7 &&
               s[n] == 0) {
        strcpy(tz, "GMT"); /* asctime: Sun Nov  6 08:49:37 1994 */
    } else {
        return -1;
    }
    tm.tm_mon = month_index(mon);
    if (tm.tm_mon < 0 || strcmp(tz, "GMT") != 0 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
        tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60 || tm.tm_year < 1970)
        return -1;
    tm.tm_year -= 1900;
    *t = timegm(&tm);
    return *t == (time_t)-1 ? -1 : 0;
}
