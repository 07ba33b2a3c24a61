/* The hypervisor's command line: its own options, then "--" and the guest's. Pure logic. */
#ifndef HV_CMDLINE_H
#define HV_CMDLINE_H

#include <stdint.h>
#include <public/xen.h>

#define CONSOLE_COM1 1u
#define CONSOLE_VGA 2u

enum on_crash { ON_CRASH_HALT = 0, ON_CRASH_REBOOT = 1 };

struct hv_options {
    unsigned console;       /* CONSOLE_* mask; default COM1|VGA */
    uint64_t mem_bytes;     /* guest memory (mem=64M); 0 = the default size */
    int exit_debug;         /* exit=debug: leave QEMU through isa-debug-exit on port 0xf4 */
    enum on_crash on_crash; /* oncrash=halt|reboot; default halt */
    int panic_test;         /* panic=test: panic right after boot (tests the panic report) */
    char guest_cmdline[MAX_GUEST_CMDLINE]; /* everything after "--", trimmed, NUL-terminated */
};

/*
 * Fill *o from a multiboot command line. The first word is the image path when it holds no
 * '=' and is not "--" (GRUB and QEMU both put it there) and is skipped. Options:
 *   console=com1|vga|com1,vga   mem=<n>[K|M|G] (plain n = bytes)   exit=debug|none
 *   oncrash=halt|reboot         panic=test (a panic on purpose, right after boot)
 *   --  (rest goes to the guest, at most 255 bytes)
 * Unknown options or bad values are reported through warn(msg, word) once each and
 * otherwise ignored; the defaults stay. Never fails.
 */
void cmdline_parse(const char *line, struct hv_options *o,
                   void (*warn)(const char *msg, const char *word));

#endif
