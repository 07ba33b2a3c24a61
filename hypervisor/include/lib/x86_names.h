/* Names of the x86 exception vectors, for reports from either ring. */
#ifndef LIB_X86_NAMES_H
#define LIB_X86_NAMES_H

/* "page fault" and so on for 0-31 ("reserved exception" where Intel defines none), and
 * "software interrupt" from 32 up. */
const char *x86_exception_name(unsigned vector);

#endif
