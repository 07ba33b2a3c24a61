/* Names of the x86 exception vectors, shared by the hypervisor's and the guest's reports. */
#include "lib/x86_names.h"

static const char *const names[32] = {
    "divide error",
    "debug",
    "NMI",
    "breakpoint",
    "overflow",
    "bound range",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor overrun",
    "invalid TSS",
    "segment not present",
    "stack fault",
    "general protection",
    "page fault",
    0,
    "x87 error",
    "alignment check",
    "machine check",
    "SIMD error",
    "virtualization",
    "control protection",
};

const char *x86_exception_name(unsigned v)
{
    if (v >= 32)
        return "software interrupt";
    return names[v] ? names[v] : "reserved exception";
}
