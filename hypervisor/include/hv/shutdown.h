/* How the machine ends: every way out of the hypervisor (guest shutdown, guest crash, refused
 * image, too little memory, panic) goes through hv_end, which does what exit= and oncrash= say. */
#ifndef HV_SHUTDOWN_H
#define HV_SHUTDOWN_H

enum hv_end {
    END_POWEROFF,  /* the guest powered off (status: its exit status, 0 = clean) */
    END_REBOOT,    /* the guest asked for a reboot */
    END_SUSPEND,   /* the guest asked to suspend: not supported, a failure */
    END_CRASH,     /* the guest crashed */
    END_BAD_IMAGE, /* the guest image was refused */
    END_NO_MEMORY, /* too little memory for the guest */
    END_PANIC,     /* the hypervisor's own invariant broke; also an unusable boot loader */
};

/* Values written to isa-debug-exit (QEMU then exits with (value << 1) | 1). A guest shutdown
 * writes its SHUTDOWN_* reason (0-3); a poweroff with a nonzero status s writes
 * HV_EXIT_STATUS_BASE + s (s above 63 counts as 63). */
#define HV_EXIT_BAD_IMAGE 0x10
#define HV_EXIT_PANIC 0x11
#define HV_EXIT_NO_MEMORY 0x12
#define HV_EXIT_STATUS_BASE 0x40
#define HV_EXIT_STATUS_MAX 63

/* The isa-debug-exit value for an end (pure; the unit tests check the table). */
unsigned hv_exit_code(enum hv_end e, unsigned status);
/* Whether this end leaves through isa-debug-exit: always with exit=debug, never with
 * exit=none; with exit=auto (the default) only failures, and only under QEMU. */
int hv_exit_via_debug(enum hv_end e, unsigned status, int exit_mode, int under_qemu);

/* End the machine. Reports what it does; failures wait crashdelay= seconds first. */
void hv_end(enum hv_end e, unsigned status) __attribute__((noreturn));

#endif
