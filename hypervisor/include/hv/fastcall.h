/* Register arguments for the few hot internal calls (page-table updates, mapping, guest copies):
 * i386 cdecl passes every argument on the stack, which shows in a batch of thousands of updates.
 * Host builds (the unit tests) leave it out. */
#ifndef HV_FASTCALL_H
#define HV_FASTCALL_H

#if defined(__i386__)
#define HV_FASTCALL __attribute__((regparm(3)))
#else
#define HV_FASTCALL
#endif

#endif
