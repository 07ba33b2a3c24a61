/* The hypervisor's command line: its own options, then "--" and the guest's. Pure logic. */
#ifndef HV_CMDLINE_H
#define HV_CMDLINE_H

#include <stdint.h>
#include <public/xen.h>
#include "hv/fault_inject.h"

#define CONSOLE_COM1 1u
#define CONSOLE_VGA 2u

enum on_crash { ON_CRASH_REBOOT = 0, ON_CRASH_HALT = 1, ON_CRASH_POWEROFF = 2 };
enum exit_mode { EXIT_AUTO = 0, EXIT_DEBUG = 1, EXIT_NONE = 2 };
enum log_level { LOG_INFO = 0, LOG_DEBUG = 1 };
/* What the domain builder writes into the guest's frames beyond its boot region (ABI §9). */
enum scrub_mode { SCRUB_BOOT = 0, SCRUB_ALL = 1, SCRUB_POISON = 2 };
/* Which cards the guest is offered transmit checksum completion on (NETIF_F_TX_CSUM, ABI §13). */
enum tx_csum_mode { TX_CSUM_CARD = 0, TX_CSUM_OFF = 1, TX_CSUM_ALL = 2 };

#define CRASH_DELAY_DEFAULT 10 /* seconds before oncrash= acts (Linux's panic=10) */
#define CRASH_DELAY_MAX 3600
#define CLOCK_CHECK_MAX 10
#define REFUSAL_LOG_DEFAULT 50
#define REFUSAL_LOG_MAX 10000
#define IDLE_POLL_DEFAULT_US 200 /* Linux's guest haltpoll default (guest_halt_poll_ns) */
#define IDLE_POLL_MAX_US 10000

struct hv_options {
    unsigned console;          /* CONSOLE_* mask; default COM1|VGA */
    uint64_t mem_bytes;        /* guest memory (mem=64M); 0 = the default size */
    enum exit_mode exit;       /* exit=auto|debug|none: when to leave QEMU through isa-debug-exit */
    enum on_crash on_crash;    /* oncrash=reboot|halt|poweroff; default reboot */
    unsigned crash_delay;      /* crashdelay=<seconds> before oncrash= acts; default 10 */
    enum log_level loglevel;   /* loglevel=info|debug; default info */
    int panic_test;            /* panic=test: panic right after boot (tests the panic report) */
    int net_test_reset;        /* nettest=reset: the card is reset after its first frame received */
    enum tx_csum_mode tx_csum; /* txcsum=card|off|all: where checksum completion is offered; card */
    enum scrub_mode scrub;     /* scrub=boot|all|poison: zeroing of the guest's frames; boot */
    unsigned refusal_log;      /* refusallog=<lines>: refusal lines per kind and second; 50 */
    unsigned clock_check;      /* clockcheck=<seconds>: TSC rate against the RTC at boot; 0 = off */
    unsigned idle_poll_us;     /* idlepoll=<us>: longest poll before halting when idle; 200 */
    uint16_t fault_rate[FAULT_POINTS];     /* faults=point:N%,...: hundredths of a percent; 0 */
    uint64_t fault_seed;                   /* faultseed=<n>: the injector's seed; 1 */
    char guest_cmdline[MAX_GUEST_CMDLINE]; /* everything after "--", trimmed, NUL-terminated */
};

/*
 * Fill *o from a multiboot command line. The first word is the image path when it holds no
 * '=' and is not "--" (GRUB and QEMU both put it there) and is skipped. Options:
 *   console=com1|vga|com1,vga   mem=<n>[K|M|G] (plain n = bytes)   exit=auto|debug|none
 *   oncrash=reboot|halt|poweroff   crashdelay=<seconds>   loglevel=info|debug
 *   panic=test (a panic on purpose, right after boot)   scrub=boot|all|poison
 *   nettest=reset   txcsum=card|off|all   idlepoll=<microseconds, 0 to 10000>
 *   faults=net_tx:N%,net_rx:N%,timer:N%,evtchn:N% (N up to 100, two decimals)   faultseed=<n>
 *   --  (rest goes to the guest, at most 255 bytes)
 * Unknown options or bad values are reported through warn(msg, word) once each and
 * otherwise ignored; the defaults stay. Never fails.
 */
void cmdline_parse(const char *line, struct hv_options *o,
                   void (*warn)(const char *msg, const char *word));

#endif
