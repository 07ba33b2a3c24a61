/* console_io (ABI §8): guest writes to the hypervisor console and non-blocking reads of
 * console input. Whole requests are checked before anything is printed or consumed. */
#include "hv/console.h"
#include "hv/hypercall.h"
#include "hv/uaccess.h"
#include <public/xen.h>

#define READ_CHUNK 256

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
        console_write(buf, count);
        return count;
    case CONSOLEIO_read: {
        if (!guest_range_mapped(buffer, count, 1))
            return hv_refuse("console_io", cmd, -XEN_EFAULT,
                             "buffer %#x+%u not writable by the guest", buffer, count);
        size_t n = console_peek(buf, count < READ_CHUNK ? count : READ_CHUNK);
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
