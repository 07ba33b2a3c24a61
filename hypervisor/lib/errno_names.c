/* errno names for messages from either ring: "ENOENT (no such file or directory)" rather than
 * "error 2". The numbers are Linux i386's, which Xen's (public/xen.h) agree with. */
#include "lib/errno_names.h"
#include "lib/format.h"

static const struct {
    const char *name, *what;
} table[] = {
    [1] = {"EPERM", "operation not permitted"},
    [2] = {"ENOENT", "no such file or directory"},
    [3] = {"ESRCH", "no such process"},
    [4] = {"EINTR", "interrupted"},
    [5] = {"EIO", "input/output error"},
    [6] = {"ENXIO", "no such device or address"},
    [7] = {"E2BIG", "argument list too long"},
    [8] = {"ENOEXEC", "not an executable format"},
    [9] = {"EBADF", "bad file descriptor"},
    [10] = {"ECHILD", "no child processes"},
    [11] = {"EAGAIN", "try again"},
    [12] = {"ENOMEM", "out of memory"},
    [13] = {"EACCES", "permission denied"},
    [14] = {"EFAULT", "bad address"},
    [16] = {"EBUSY", "busy"},
    [17] = {"EEXIST", "file exists"},
    [18] = {"EXDEV", "cross-device link"},
    [19] = {"ENODEV", "no such device"},
    [20] = {"ENOTDIR", "not a directory"},
    [21] = {"EISDIR", "is a directory"},
    [22] = {"EINVAL", "invalid argument"},
    [23] = {"ENFILE", "too many open files in system"},
    [24] = {"EMFILE", "too many open files"},
    [25] = {"ENOTTY", "not a terminal"},
    [26] = {"ETXTBSY", "text file busy"},
    [27] = {"EFBIG", "file too large"},
    [28] = {"ENOSPC", "no space left"},
    [29] = {"ESPIPE", "illegal seek"},
    [30] = {"EROFS", "read-only file system"},
    [31] = {"EMLINK", "too many links"},
    [32] = {"EPIPE", "broken pipe"},
    [33] = {"EDOM", "argument out of domain"},
    [34] = {"ERANGE", "result out of range"},
    [35] = {"EDEADLK", "deadlock avoided"},
    [36] = {"ENAMETOOLONG", "file name too long"},
    [37] = {"ENOLCK", "no locks available"},
    [38] = {"ENOSYS", "function not implemented"},
    [39] = {"ENOTEMPTY", "directory not empty"},
    [40] = {"ELOOP", "too many symbolic links"},
};

const char *errno_name(long err)
{
    static char other[4][32]; /* a few per message, rotating */
    static unsigned next;
    unsigned long e = err < 0 ? (unsigned long)-err : (unsigned long)err;

    if (e < sizeof(table) / sizeof(table[0]) && table[e].name)
        return table[e].name;
    char *buf = other[next++ % 4];
    snprintf(buf, sizeof(other[0]), "errno %lu", e);
    return buf;
}

const char *errno_text(long err)
{
    unsigned long e = err < 0 ? (unsigned long)-err : (unsigned long)err;

    return e < sizeof(table) / sizeof(table[0]) && table[e].what ? table[e].what : "unknown error";
}
