/* Guest console: printk formats into a buffer and writes it with console_io, tagging every
 * line with "(guest) " so tests and people can tell guest output from the hypervisor's. */
#include <stdarg.h>
#include <pv/console.h>
#include <pv/hypercall.h>
#include <lib/format.h>

#define PRINTK_MAX 1024
static const char prefix[] = "(guest) ";

/* Output state kept across calls so a line may be built by several printk()s. */
static int at_line_start = 1;

void console_write(const char *s, size_t len)
{
    while (len) {
        size_t n = len < CONSOLEIO_WRITE_MAX ? len : CONSOLEIO_WRITE_MAX;

        if (HYPERVISOR_console_io(CONSOLEIO_write, n, s) < 0)
            return; /* nowhere else to report it */
        s += n;
        len -= n;
    }
}

void printk(const char *fmt, ...)
{
    char buf[PRINTK_MAX];
    va_list ap;
    int n;
    size_t len, start = 0;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
    klog_add(buf, len);

    /* Emit the text one line at a time, the prefix before each new line. */
    while (start < len) {
        size_t end = start;

        while (end < len && buf[end] != '\n')
            end++;
        if (end < len)
            end++; /* include the newline */
        if (at_line_start)
            console_write(prefix, sizeof(prefix) - 1);
        console_write(buf + start, end - start);
        at_line_start = buf[end - 1] == '\n';
        start = end;
    }
}
