/* Unit tests for xen_guest_info_parse (core/guest_image.c): the __xen_guest string's mandatory
 * tokens, exact token matching, and every VIRT_BASE refusal. */
#include <stdint.h>

#include "harness.h"
#include "hv/guest_image.h"
#include "public/xen.h"

static uint32_t vb;
static const char *why;

/* Macros rather than helpers, so a failure names the caller's line. */
#define ACCEPTED(info, want_vb)                             \
    do {                                                    \
        vb = 0xdeadbeef;                                    \
        why = NULL;                                         \
        CHECK_EQ(xen_guest_info_parse(info, &vb, &why), 0); \
        CHECK_EQ(vb, want_vb);                              \
    } while (0)

#define REFUSED(info, reason)                                         \
    do {                                                              \
        why = NULL;                                                   \
        CHECK_EQ(xen_guest_info_parse(info, &vb, &why), -XEN_EINVAL); \
        CHECK_STR(why, reason);                                       \
    } while (0)

TEST(linux_style_string)
{
    ACCEPTED("GUEST_OS=linux,GUEST_VER=2.6,XEN_VER=2.0,VIRT_BASE=0xC0000000,LOADER=generic",
             0xC0000000u);
    ACCEPTED("XEN_VER=2.0,LOADER=generic", 0);
    ACCEPTED("GUEST_OS=linux,XEN_VER=2.0", 0);
    ACCEPTED("LOADER=generic,XEN_VER=2.0,VIRT_BASE=0x00400000", 0x00400000u);
    ACCEPTED("XEN_VER=2.0,LOADER=generic,VIRT_BASE=0XfBfFf000", 0xFBFFF000u);
    ACCEPTED(",,XEN_VER=2.0,,LOADER=generic,", 0);
}

TEST(xen_ver_must_be_exact)
{
    static const char *bad[] = {"",
                                "LOADER=generic",
                                "XEN_VER=2.0.1,LOADER=generic",
                                "XEN_VER=2,LOADER=generic",
                                "XEN_VER=3.0,LOADER=generic",
                                "xen_ver=2.0,LOADER=generic",
                                "XEN_VER=2.0 ,LOADER=generic",
                                "XXEN_VER=2.0,LOADER=generic"};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        REFUSED(bad[i], "__xen_guest lacks XEN_VER=2.0");
}

TEST(loader_or_guest_os_required)
{
    static const char *bad[] = {"XEN_VER=2.0", "XEN_VER=2.0,LOADER=elf",
                                "XEN_VER=2.0,GUEST_OS=netbsd", "XEN_VER=2.0,LOADER=generic2",
                                "XEN_VER=2.0,GUEST_OS=linuxx"};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        REFUSED(bad[i], "__xen_guest lacks LOADER=generic or GUEST_OS=linux");
}

TEST(virt_base_refusals)
{
    REFUSED("XEN_VER=2.0,LOADER=generic,VIRT_BASE=", "bad VIRT_BASE (not 0x-prefixed hex)");
    REFUSED("XEN_VER=2.0,LOADER=generic,VIRT_BASE=0x", "bad VIRT_BASE (not 0x-prefixed hex)");
    REFUSED("XEN_VER=2.0,LOADER=generic,VIRT_BASE=3221225472",
            "bad VIRT_BASE (not 0x-prefixed hex)");
    REFUSED("XEN_VER=2.0,LOADER=generic,VIRT_BASE=0xC000G000",
            "bad VIRT_BASE (not 0x-prefixed hex)");
    REFUSED("XEN_VER=2.0,LOADER=generic,VIRT_BASE=0xC0000000 ",
            "bad VIRT_BASE (not 0x-prefixed hex)");
    REFUSED("XEN_VER=2.0,LOADER=generic,VIRT_BASE=0x1C0000000",
            "bad VIRT_BASE (more than 32 bits)");
    REFUSED("XEN_VER=2.0,LOADER=generic,VIRT_BASE=0xC0000001", "bad VIRT_BASE (not page aligned)");
    REFUSED("XEN_VER=2.0,LOADER=generic,VIRT_BASE=0xFC000000",
            "bad VIRT_BASE (in the hypervisor hole)");
    REFUSED("XEN_VER=2.0,LOADER=generic,VIRT_BASE=0xFFFFF000",
            "bad VIRT_BASE (in the hypervisor hole)");
    /* Leading zeros are not "more than 32 bits". */
    ACCEPTED("XEN_VER=2.0,LOADER=generic,VIRT_BASE=0x00000000C0000000", 0xC0000000u);
}

TEST(mandatory_tokens_reported_first)
{
    /* A broken VIRT_BASE in a string that is not a Xen 2.0 guest at all: say the bigger problem. */
    REFUSED("LOADER=generic,VIRT_BASE=zz", "__xen_guest lacks XEN_VER=2.0");
}

RUN_TESTS(T(linux_style_string), T(xen_ver_must_be_exact), T(loader_or_guest_os_required),
          T(virt_base_refusals), T(mandatory_tokens_reported_first))
