/* t_syslog: syslog(2) (klogctl, busybox's dmesg): the buffer's size, READ_ALL in the
 * "<level>[seconds] text" format, the refusals (EINVAL for bad types, a NULL or negative
 * buffer, a bad console level). The log's text differs from Linux's; only its form is compared. */
#include "check.h"

#include <sys/klog.h>

int main(void)
{
    static char buf[1 << 16];
    int size, n;

    check_init();
    size = klogctl(10, NULL, 0);
    CHECK(size > 0, "SIZE_BUFFER: positive");
    n = klogctl(3, buf, sizeof buf - 1);
    CHECK(n > 0, "READ_ALL: something");
    buf[n > 0 ? n : 0] = 0;
    CHECK(buf[0] == '<' && strchr(buf, '>') && strchr(buf, '[') && strchr(buf, ']'),
          "lines start with <level>[time]");
    CHECK(n > 0 && buf[n - 1] == '\n', "and end with a newline");
    CHECK_INT(klogctl(3, buf, 0), 0, "READ_ALL of 0 bytes");
    CHECK(klogctl(3, buf, 16) <= 16, "READ_ALL never more than asked");
    CHECK(klogctl(9, NULL, 0) >= 0, "SIZE_UNREAD");
    CHECK_ERR(klogctl(3, NULL, 16), EINVAL, "READ_ALL into NULL");
    CHECK_ERR(klogctl(3, buf, -1), EINVAL, "a negative length");
    CHECK_ERR(klogctl(99, buf, 16), EINVAL, "an unknown type");
    CHECK_ERR(klogctl(8, NULL, 0), EINVAL, "console level 0");
    CHECK_ERR(klogctl(8, NULL, 9), EINVAL, "console level 9");
    return check_done();
}
