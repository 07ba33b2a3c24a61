/* errno names for messages, shared by ring 0 and ring 1. */
#ifndef LIB_ERRNO_NAMES_H
#define LIB_ERRNO_NAMES_H

/* "ENOENT" for 2 or -2; "errno 99" for a number without a name here. */
const char *errno_name(long err);
/* "no such file or directory"; "unknown error" for a number without a name here. */
const char *errno_text(long err);

#endif
