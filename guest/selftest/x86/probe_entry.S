/* The self-tests' exception stubs: the kernel's (arch/x86/entry.S) with probe_trap in place of
 * trap_handler, and the bounced test vector 0x81 (DPL 3), which only the self-tests install
 * (selftest/probe.c). */
#include "../../arch/x86/frame.inc"

    .text
TRAP_STUBS probe_trap_, probe_common
TRAP_NOERR probe_trap_0x81, 0x81, probe_common
TRAP_COMMON probe_common, probe_trap

    .section .note.GNU-stack, "", @progbits
