/* console_io (ABI §8): guest writes to the hypervisor console and non-blocking reads of
 * console input. Whole requests are checked before anything is printed or consumed. */
#include "hv/console.h"
#include "hv/hypercall.h"
#include "hv/uaccess.h"
#include <public/xen.h>

#define READ_CHUNK 256

/*
 * Lines tagged "(hv)" come from the hypervisor alone (people and the tests rely on it), so
 * guest output may not contain the tag: wherever the guest writes "(hv)", even split across
 * writes, it comes out as "(hv-guest)". The state is how much of "(hv" the guest's output
 * has just matched.
 */
static void write_guest_output(const char *s, size_t n)
{
    static const char tag[] = "(hv";
    static unsigned matched;
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        if (matched == 3 && s[i] == ')') {
            console_write(s + from, i - from);
            console_write("-guest", 6);
            from = i;
        }
        if (matched < 3 && s[i] == tag[matched])
            matched++;
        else
            matched = s[i] == '(';
    }
    console_write(s + from, n - from);
}

long do_console_io(uint32_t cmd, uint32_t count, uint32_t buffer)
{
    static char buf[CONSOLEIO_WRITE_MAX]; /* one CPU, hypercalls do not nest */

    switch (cmd) {
    case CONSOLEIO_write:
        if (count > CONSOLEIO_WRITE_MAX)
            return hv_refuse("console_io", cmd, -XEN_EINVAL, "write of %u bytes (at most %u)",
                             count, CONSOLEIO_WRITE_MAX);
        if (copy_from_guest(buf, buffer, count))
            return hv_refuse("console_io", cmd, -XEN_EFAULT, "unreadable buffer %#x+%u", buffer,
                             count);
        write_guest_output(buf, count);
        return count;
    case CONSOLEIO_read: {
        /* At most READ_CHUNK bytes are copied: only those are checked, whatever the count (a
         * walk of the whole range would run with interrupts off for as long as the guest likes). */
        size_t want = count < READ_CHUNK ? count : READ_CHUNK;
        if (!guest_range_mapped(buffer, want, 1))
            return hv_refuse("console_io", cmd, -XEN_EFAULT,
                             "buffer %#x+%u not writable by the guest", buffer, (unsigned)want);
        size_t n = console_peek(buf, want);
        if (copy_to_guest(buffer, buf, n))
            return hv_refuse("console_io", cmd, -XEN_EFAULT, "unwritable buffer %#x+%u", buffer,
                             count);
        console_consume(n); /* only once the guest has the bytes: nothing is lost */
        return (long)n;
    }
    default:
        return hv_refuse("console_io", cmd, -XEN_ENOSYS, "unknown command");
    }
}
