/* Unit tests for lib/ksyms.c: lookups in a table laid out as image/ksyms.sh writes it, and the
 * refusals a hostile table (a guest's) must meet: bad magic, a count beyond the table, a name
 * outside it or not NUL-terminated in it. */
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "lib/ksyms.h"

static uint8_t tab[256];
static size_t tab_len;

static void put32(size_t at, uint32_t v)
{
    memcpy(tab + at, &v, 4);
}

/* Three functions at 0x1000 "alpha", 0x1040 "beta", 0x2000 "gamma". */
static void build(void)
{
    memset(tab, 0, sizeof(tab));
    put32(0, KSYMS_MAGIC);
    put32(4, 3);
    put32(8, 36);
    put32(12, 0x1000), put32(16, 36);
    put32(20, 0x1040), put32(24, 42);
    put32(28, 0x2000), put32(32, 47);
    memcpy(tab + 36, "alpha\0beta\0gamma", 17);
    tab_len = 53;
}

TEST(lookups)
{
    const char *name;
    uint32_t off;
    char buf[32];
    build();
    CHECK_EQ(ksym_lookup(tab, tab_len, 0x1000, &name, &off), 0);
    CHECK_STR(name, "alpha");
    CHECK_EQ(off, 0u);
    CHECK_EQ(ksym_lookup(tab, tab_len, 0x103f, &name, &off), 0);
    CHECK_STR(name, "alpha");
    CHECK_EQ(off, 0x3fu);
    CHECK_EQ(ksym_lookup(tab, tab_len, 0x1040, &name, &off), 0);
    CHECK_STR(name, "beta");
    CHECK_EQ(ksym_lookup(tab, tab_len, 0xffffffff, &name, &off), 0);
    CHECK_STR(name, "gamma");
    CHECK_EQ(ksym_lookup(tab, tab_len, 0xfff, &name, &off), -1);
    ksym_format(tab, tab_len, 0x2010, buf, sizeof(buf));
    CHECK_STR(buf, "gamma+0x10");
    ksym_format(tab, tab_len, 0x10, buf, sizeof(buf));
    CHECK_STR(buf, "?");
    ksym_format(NULL, 0, 0x2010, buf, sizeof(buf));
    CHECK_STR(buf, "?");
}

TEST(hostile_tables_refused)
{
    const char *name;
    uint32_t off;
    build();
    put32(0, 0x12345678);
    CHECK_EQ(ksym_lookup(tab, tab_len, 0x1000, &name, &off), -1);
    build();
    put32(4, 0);
    CHECK_EQ(ksym_lookup(tab, tab_len, 0x1000, &name, &off), -1);
    build();
    put32(4, 0x20000000); /* count * 8 wraps 32 bits */
    CHECK_EQ(ksym_lookup(tab, tab_len, 0x1000, &name, &off), -1);
    build();
    put32(4, 6); /* entries past the end */
    CHECK_EQ(ksym_lookup(tab, tab_len, 0x1000, &name, &off), -1);
    build();
    put32(16, 1000); /* name outside the table */
    CHECK_EQ(ksym_lookup(tab, tab_len, 0x1000, &name, &off), -1);
    build();
    CHECK_EQ(ksym_lookup(tab, tab_len - 1, 0x2000, &name, &off), -1); /* "gamma" not terminated */
    CHECK_EQ(ksym_lookup(tab, 8, 0x2000, &name, &off), -1);
}

RUN_TESTS(T(lookups), T(hostile_tables_refused))
