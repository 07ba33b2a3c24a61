/* t_mmap: process memory: brk growth and shrinking, anonymous mmap (zero-filled, large, fixed,
 * fixed without replacing), munmap of whole and partial mappings, mprotect, copy-on-write across
 * fork, stack growth, and the faults that must kill a child with SIGSEGV (writes to read-only or
 * unmapped memory, to the code, reads of PROT_NONE and of address 0). */
#include "check.h"

#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define PG 4096

static int write_byte(void *a)
{
    *(volatile char *)a = 1;
    return 0;
}

static int read_byte(void *a)
{
    return *(volatile char *)a == 123 ? 1 : 0;
}

/* Recurses through about `kb` KB of stack. */
static int deep(int kb)
{
    volatile char frame[1024];
    frame[0] = (char)kb;
    frame[1023] = 1;
    return kb <= 0 ? frame[1023] : deep(kb - 1) + frame[0] - (char)kb;
}

static int stack_child(void *arg)
{
    return deep((int)(intptr_t)arg) == 1 ? 0 : 1;
}

static int zeros(const unsigned char *p, size_t n)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i += 512)
        bad += p[i] != 0;
    return bad == 0;
}

static const char rodata[] = "read-only";
static void *volatile null_ptr; /* volatile: the compiler must emit a real load, not a trap */

int main(void)
{
    check_init();
    /* brk first, before malloc has any reason to move it. */
    uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
    CHECK(cur != 0, "brk(0) returns the current break");
    uintptr_t top = (uintptr_t)syscall(SYS_brk, cur + (1 << 20));
    CHECK(top == cur + (1 << 20), "brk grows by 1 MB");
    if (top == cur + (1 << 20)) {
        unsigned char *b = (unsigned char *)cur;
        CHECK(zeros(b, 1 << 20), "the new heap is zero-filled");
        for (size_t i = 0; i < (1 << 20); i++)
            b[i] = (unsigned char)i;
        int bad = 0;
        for (size_t i = 0; i < (1 << 20); i += 997)
            bad += b[i] != (unsigned char)i;
        CHECK_INT(bad, 0, "the heap keeps what was written");
        check_status(check_run_child(write_byte, b + 4096), 0, 0, "a child writes its heap copy");
        CHECK(b[4096] == (unsigned char)4096, "the parent's heap is unchanged");
    }
    CHECK((uintptr_t)syscall(SYS_brk, cur) == cur, "brk shrinks back");
    check_status(check_run_child(write_byte, (void *)(cur + (512 << 10))), 0, SIGSEGV,
                 "write above the shrunk break");
    CHECK((uintptr_t)syscall(SYS_brk, 4096) == cur, "a break below the data is refused");

    /* Anonymous mappings. */
    size_t len = 1 << 20;
    unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED, "mmap 1 MB anonymous");
    CHECK((uintptr_t)m % PG == 0, "page-aligned");
    CHECK(zeros(m, len), "zero-filled");
    memset(m, 0x5a, len);
    CHECK(m[len - 1] == 0x5a && m[12345] == 0x5a, "written and read back");
    check_status(check_run_child(write_byte, m + 8192), 0, 0, "a child writes its copy");
    CHECK_INT(m[8192], 0x5a, "copy-on-write: the parent's page is unchanged");
    CHECK_INT(munmap(m, len), 0, "munmap");
    check_status(check_run_child(read_byte, m + 4096), 0, SIGSEGV, "read after munmap");

    /* Three pages, the middle one unmapped. */
    m = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(m, 123, 3 * PG);
    CHECK_INT(munmap(m + PG, PG), 0, "munmap of the middle page");
    check_status(check_run_child(read_byte, m), 1, 0, "the first page still reads");
    check_status(check_run_child(read_byte, m + 2 * PG), 1, 0, "the last page still reads");
    check_status(check_run_child(read_byte, m + PG), 0, SIGSEGV, "the middle page");
    unsigned char *f =
        mmap(m + PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(f == m + PG, "MAP_FIXED fills the hole at the same address");
    CHECK(f != MAP_FAILED && zeros(f, PG) && m[0] == 123, "it is zero-filled, its neighbour kept");
    /* MAP_FIXED_NOREPLACE: never over an existing mapping, in part or in whole. */
    m[PG] = 45;
    CHECK_ERR(mmap(m + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0),
              EEXIST, "MAP_FIXED_NOREPLACE over a mapped page");
    CHECK_ERR(mmap(m + 2 * PG, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
                   -1, 0),
              EEXIST, "MAP_FIXED_NOREPLACE overlapping the last page");
    CHECK(m[PG] == 45, "the mapping it refused is kept");
    CHECK_INT(munmap(m + PG, PG), 0, "munmap of the middle page again");
    f = mmap(m + PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
             -1, 0);
    CHECK(f == m + PG && zeros(f, PG), "MAP_FIXED_NOREPLACE into the hole: there, zero-filled");
    CHECK_INT(munmap(m, 3 * PG), 0, "munmap all three");

    /* mprotect. */
    m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    m[0] = 123;
    CHECK_INT(mprotect(m, 2 * PG, PROT_READ), 0, "mprotect PROT_READ");
    check_status(check_run_child(read_byte, m), 1, 0, "reading the read-only page");
    check_status(check_run_child(write_byte, m), 0, SIGSEGV, "writing the read-only page");
    check_status(check_run_child(write_byte, m + PG + 100), 0, SIGSEGV, "writing its second page");
    CHECK_INT(mprotect(m, PG, PROT_READ | PROT_WRITE), 0, "mprotect back to read-write");
    m[1] = 1;
    CHECK_INT(m[1], 1, "the parent writes it again");
    CHECK_INT(mprotect(m + PG, PG, PROT_NONE), 0, "mprotect PROT_NONE");
    check_status(check_run_child(read_byte, m + PG), 0, SIGSEGV, "reading a PROT_NONE page");
    munmap(m, 2 * PG);
    m = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED && m[0] == 0, "mmap PROT_READ reads zeros");
    check_status(check_run_child(write_byte, m), 0, SIGSEGV, "writing a PROT_READ mapping");
    munmap(m, PG);

    /* Large mappings, touched and returned, several times over (memory must come back). */
    int rounds = 0;
    for (int r = 0; r < 4; r++) {
        size_t big = 16 << 20;
        unsigned char *g =
            mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (g == MAP_FAILED)
            break;
        for (size_t i = 0; i < big; i += PG)
            g[i] = (unsigned char)(i >> 12);
        rounds += g[big - PG] == (unsigned char)((big - PG) >> 12) && munmap(g, big) == 0;
    }
    CHECK_INT(rounds, 4, "16 MB mapped, touched and unmapped 4 times");

    CHECK_ERR(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL,
              "mmap of length 0");
    CHECK_ERR(munmap((char *)m + 1, PG), EINVAL, "munmap of an unaligned address");
    CHECK_ERR(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 99, 0), EBADF, "mmap of a bad fd");

    check_status(check_run_child(stack_child, (void *)256), 0, 0, "256 KB of stack");
    check_status(check_run_child(write_byte, (void *)(uintptr_t)main), 0, SIGSEGV,
                 "writing the program's code");
    check_status(check_run_child(write_byte, (void *)rodata), 0, SIGSEGV, "writing const data");
    check_status(check_run_child(read_byte, null_ptr), 0, SIGSEGV, "reading address 0");
    return check_done();
}
