/* Embedded symbol tables (lib/ksyms.h): lookup by address, with every field checked. */
#include "lib/ksyms.h"
#include "lib/format.h"
#include "lib/string.h"

static uint32_t word(const uint8_t *t, size_t at)
{
    uint32_t v;
    memcpy(&v, t + at, sizeof(v));
    return v;
}

int ksym_lookup(const void *table, size_t len, uint32_t addr, const char **name, uint32_t *offset)
{
    const uint8_t *t = table;
    if (!t || len < 12 || word(t, 0) != KSYMS_MAGIC)
        return -1;
    uint32_t count = word(t, 4);
    if (count == 0 || count > (len - 12) / 8)
        return -1;
    if (addr < word(t, 12))
        return -1;
    /* Last entry with entry.addr <= addr. */
    uint32_t lo = 0, hi = count;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (word(t, 12 + (size_t)mid * 8) <= addr)
            lo = mid;
        else
            hi = mid;
    }
    uint32_t at = word(t, 12 + (size_t)lo * 8 + 4);
    if (at >= len || strnlen((const char *)t + at, len - at) == len - at)
        return -1; /* outside the table, or not NUL-terminated inside it */
    *name = (const char *)t + at;
    *offset = addr - word(t, 12 + (size_t)lo * 8);
    return 0;
}

void ksym_format(const void *table, size_t len, uint32_t addr, char *buf, size_t size)
{
    const char *name;
    uint32_t off;
    if (ksym_lookup(table, len, addr, &name, &off) == 0)
        snprintf(buf, size, "%s+%#x", name, off);
    else
        snprintf(buf, size, "?");
}
