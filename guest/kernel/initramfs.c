/* Walking a cpio "newc" archive (the initramfs module). The archive comes from outside the
 * kernel, so every header field is bounds-checked against the module length before use. */
#include <kernel/initramfs.h>
#include <lib/string.h>

#define NEWC_HDR_LEN 110
#define NEWC_FIELDS 13 /* 8 hex digits each, after the 6-byte magic */
enum {
    F_INO,
    F_MODE,
    F_UID,
    F_GID,
    F_NLINK,
    F_MTIME,
    F_FILESIZE,
    F_DEVMAJ,
    F_DEVMIN,
    F_RDEVMAJ,
    F_RDEVMIN,
    F_NAMESIZE,
    F_CHECK
};

static const char trailer[] = "TRAILER!!!";

int cpio_is_newc(const void *base, size_t len)
{
    return len >= 6 && memcmp(base, "070701", 6) == 0;
}

static int parse_hex8(const char *s, uint32_t *out)
{
    uint32_t v = 0;

    for (int i = 0; i < 8; i++) {
        char c = s[i];

        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* Round up to 4 without overflowing: callers keep values <= len, far below 2^32 - 3. */
static size_t align4(size_t v)
{
    return (v + 3) & ~(size_t)3;
}

int cpio_walk(const void *base, size_t len, int (*fn)(const struct cpio_entry *, void *), void *arg,
              size_t *bad_off)
{
    const char *p = base;
    size_t off = 0;
    int count = 0;

    for (;;) {
        uint32_t f[NEWC_FIELDS];
        struct cpio_entry e;
        size_t name_off, data_off;

        if (len - off < NEWC_HDR_LEN || memcmp(p + off, "070701", 6) != 0)
            break;
        for (int i = 0; i < NEWC_FIELDS; i++) {
            if (parse_hex8(p + off + 6 + 8 * i, &f[i]) < 0)
                goto bad;
        }
        name_off = off + NEWC_HDR_LEN;
        if (f[F_NAMESIZE] == 0 || f[F_NAMESIZE] > len - name_off ||
            p[name_off + f[F_NAMESIZE] - 1] != 0)
            break;
        data_off = align4(name_off + f[F_NAMESIZE]);
        if (data_off > len || f[F_FILESIZE] > len - data_off)
            break;
        if (f[F_NAMESIZE] == sizeof(trailer) && memcmp(p + name_off, trailer, sizeof(trailer)) == 0)
            return count;

        e.name = p + name_off;
        e.mode = f[F_MODE];
        e.data = p + data_off;
        e.size = f[F_FILESIZE];
        e.mtime = f[F_MTIME];
        count++;
        if (fn && fn(&e, arg))
            return count;
        off = data_off + f[F_FILESIZE];
        if (off < len)
            off = align4(off);
        if (off > len)
            off = len;
    }
bad:
    if (bad_off)
        *bad_off = off;
    return -1;
}
