/* t_malloc: malloc, calloc, realloc and free over many sizes (small bins up to mmap-sized blocks),
 * every block filled with a pattern and checked, so overlapping or lost memory shows up. */
#include "check.h"

#include <stdint.h>

#define NBLOCKS 400

static unsigned char pattern(size_t i, unsigned seed)
{
    return (unsigned char)(i * 31u + seed * 7u + (i >> 8));
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = pattern(i, seed);
}

/* Index of the first wrong byte, or n when all are right. */
static size_t verify(const unsigned char *p, size_t n, unsigned seed)
{
    size_t i = 0;
    while (i < n && p[i] == pattern(i, seed))
        i++;
    return i;
}

static size_t size_of(int i)
{
    static const size_t big[] = {4096, 8192, 65536, 131072, 262144, 1 << 20, 3 << 20};
    if (i % 50 == 49)
        return big[(i / 50) % (sizeof big / sizeof big[0])];
    return (size_t)(i * 37 % 3000) + 1;
}

int main(void)
{
    check_init();
    static unsigned char *blocks[NBLOCKS];
    int nulls = 0, bad = 0, misaligned = 0;

    for (int i = 0; i < NBLOCKS; i++) {
        blocks[i] = malloc(size_of(i));
        if (!blocks[i]) {
            nulls++;
            continue;
        }
        if ((uintptr_t)blocks[i] % 8)
            misaligned++;
        fill(blocks[i], size_of(i), (unsigned)i);
    }
    CHECK_INT(nulls, 0, "malloc of %d blocks of 1 B .. 3 MB", NBLOCKS);
    CHECK_INT(misaligned, 0, "every block is 8-byte aligned");
    for (int i = 0; i < NBLOCKS; i++)
        if (blocks[i] && verify(blocks[i], size_of(i), (unsigned)i) != size_of(i))
            bad++;
    CHECK_INT(bad, 0, "no block overlaps another (patterns intact)");

    /* Free every other block, allocate again in the holes, check the survivors. */
    for (int i = 0; i < NBLOCKS; i += 2) {
        free(blocks[i]);
        blocks[i] = NULL;
    }
    nulls = 0;
    for (int i = 0; i < NBLOCKS; i += 2) {
        blocks[i] = malloc(size_of(i) + 5);
        if (!blocks[i])
            nulls++;
        else
            fill(blocks[i], size_of(i) + 5, (unsigned)i + 1000);
    }
    CHECK_INT(nulls, 0, "malloc again after freeing half");
    bad = 0;
    for (int i = 0; i < NBLOCKS; i++) {
        size_t n = i % 2 ? size_of(i) : size_of(i) + 5;
        unsigned seed = i % 2 ? (unsigned)i : (unsigned)i + 1000;
        if (blocks[i] && verify(blocks[i], n, seed) != n)
            bad++;
    }
    CHECK_INT(bad, 0, "old and new blocks intact after reuse");
    for (int i = 0; i < NBLOCKS; i++)
        free(blocks[i]);

    /* realloc: grow step by step (content kept), then shrink (prefix kept). */
    size_t n = 16;
    unsigned char *p = malloc(n);
    fill(p, n, 77);
    int grow_ok = 1;
    while (n < (2u << 20)) {
        size_t m = n * 3;
        unsigned char *q = realloc(p, m);
        if (!q || verify(q, n, 77) != n) {
            grow_ok = 0;
            free(q ? q : p);
            p = NULL;
            break;
        }
        p = q;
        fill(p, m, 77);
        n = m;
    }
    CHECK(grow_ok, "realloc growing 16 B -> %zu B keeps the contents", n);
    if (p) {
        unsigned char *q = realloc(p, 100);
        CHECK(q && verify(q, 100, 77) == 100, "realloc shrinking to 100 B keeps the prefix");
        free(q ? q : p);
    }
    p = realloc(NULL, 200);
    CHECK(p != NULL, "realloc(NULL, 200) acts as malloc");
    free(p);

    /* calloc must zero memory even when it reuses dirty blocks. */
    unsigned char *dirty = malloc(50000);
    memset(dirty, 0xa5, 50000);
    free(dirty);
    size_t nonzero = 0;
    for (int round = 0; round < 20; round++) {
        size_t cnt = (size_t)round * 97 + 3, sz = (size_t)round % 7 + 1;
        unsigned char *c = calloc(cnt, sz);
        if (!c) {
            nonzero++;
            continue;
        }
        for (size_t i = 0; i < cnt * sz; i++)
            nonzero += c[i] != 0;
        memset(c, 0xff, cnt * sz);
        free(c);
    }
    unsigned char *c = calloc(1, 1 << 20);
    for (size_t i = 0; c && i < (1u << 20); i++)
        nonzero += c[i] != 0;
    free(c);
    CHECK_INT(nonzero, 0, "calloc returns zeroed memory (20 sizes and 1 MB)");
    /* volatile: the compiler must not see (and refuse) the impossible sizes. */
    volatile size_t half = (size_t)-1 / 2, huge = (size_t)-1 - 4096;
    errno = 0;
    void *no = calloc(half, 4);
    CHECK(no == NULL && errno == ENOMEM, "calloc overflow gives ENOMEM");
    free(no);
    errno = 0;
    no = malloc(huge);
    CHECK(no == NULL && errno == ENOMEM, "malloc of ~4 GB gives ENOMEM");
    free(no);

    /* Many small allocations, freed in an interleaved order. */
    static void *small[5000];
    nulls = 0;
    for (int i = 0; i < 5000; i++) {
        small[i] = malloc((size_t)(i % 64) + 1);
        if (!small[i])
            nulls++;
        else
            memset(small[i], i & 0xff, (size_t)(i % 64) + 1);
    }
    bad = 0;
    for (int i = 0; i < 5000; i++) {
        const unsigned char *s = small[i];
        if (s && (s[0] != (i & 0xff) || s[i % 64] != (i & 0xff)))
            bad++;
    }
    for (int k = 0; k < 3; k++)
        for (int i = k; i < 5000; i += 3)
            free(small[i]);
    CHECK(nulls == 0 && bad == 0, "5000 small blocks allocated, checked and freed");
    return check_done();
}
