/* t_forktables: fork finds every entry of the parent's page tables. The kernel keeps, per L1,
 * which 64-entry chunks may hold entries (guest/include/kernel/mm/pgtable.h), and fork and exit
 * read only those chunks: an entry whose chunk was not noted would stay writable in the parent
 * and be shared, writable, with the child. Pages are made in a fresh 4 MB window (a new L1) in
 * each way the kernel writes an entry, each page alone in its chunk: the fault that makes the
 * L1, later faults, a private file mapping read in at mmap, a copy-on-write fault after a fork.
 * Then a child writes every page and the parent must still read its own values, and the child
 * must have read the parent's. Three rounds, each with a new window. */
#include "check.h"

#include <fcntl.h>
#include <sys/mman.h>

#define WINDOW (4u << 20)
#define PAGE 4096u
#define WORDS (PAGE / sizeof(unsigned))

/* Page indexes in the window, one per 64-page chunk (the first makes the L1; FILE_PAGE is the
 * file mapping's). */
static const unsigned anon_pages[] = {453, 5, 130, 1023};
#define FILE_PAGE 200u

static unsigned *at(char *w, unsigned page)
{
    return (unsigned *)(w + page * PAGE);
}

static int round_trip(int round, int fd)
{
    /* 8 MB reserved, the 4 MB-aligned window inside it: nothing else has entries there. */
    char *res = mmap(NULL, 2 * WINDOW, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (res == MAP_FAILED)
        return CHECK(0, "round %d: reserve 8 MB", round), 0;
    char *w = (char *)(((unsigned long)res + WINDOW - 1) & ~(unsigned long)(WINDOW - 1));
    int ok = mmap(w, WINDOW, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
                  0) == w;
    CHECK(ok, "round %d: the window mapped", round);
    if (!ok)
        return 0;
    /* The first fault makes the window's L1, the others write entries into it. */
    for (unsigned i = 0; i < sizeof anon_pages / sizeof *anon_pages; i++)
        at(w, anon_pages[i])[0] = 0x1000 + anon_pages[i];
    ok = mmap(at(w, FILE_PAGE), PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0) ==
         at(w, FILE_PAGE);
    CHECK(ok, "round %d: the file page mapped", round);
    if (!ok)
        return 0;
    CHECK_INT(at(w, FILE_PAGE)[7], 7 + 0xf11e, "round %d: the file page read in at mmap", round);
    at(w, FILE_PAGE)[0] = 0x1000 + FILE_PAGE;

    /* A first child that writes nothing: afterwards every page is copy-on-write in the parent,
     * and the write to the first page goes through the copy-on-write fault. */
    pid_t pid = check_fork();
    if (pid == 0)
        _exit(0);
    check_status(check_wait(pid), 0, 0, "round %d: a child that writes nothing", round);
    at(w, anon_pages[0])[1] = 1;

    pid = check_fork();
    if (pid == 0) {
        int seen = 1;
        for (unsigned i = 0; i < sizeof anon_pages / sizeof *anon_pages; i++) {
            seen &= at(w, anon_pages[i])[0] == 0x1000 + anon_pages[i];
            at(w, anon_pages[i])[0] = 0x2000 + anon_pages[i];
        }
        seen &= at(w, FILE_PAGE)[0] == 0x1000 + FILE_PAGE;
        at(w, FILE_PAGE)[0] = 0x2000 + FILE_PAGE;
        _exit(seen ? 0 : 1);
    }
    check_status(check_wait(pid), 0, 0, "round %d: the child read the parent's pages", round);
    unsigned wrong = 0;
    for (unsigned i = 0; i < sizeof anon_pages / sizeof *anon_pages; i++)
        wrong += at(w, anon_pages[i])[0] != 0x1000 + anon_pages[i];
    wrong += at(w, FILE_PAGE)[0] != 0x1000 + FILE_PAGE;
    CHECK_INT(wrong, 0, "round %d: pages the child's writes reached in the parent", round);
    munmap(res, 2 * WINDOW);
    return 1;
}

int main(void)
{
    check_init();
    static unsigned data[WORDS];
    for (unsigned i = 0; i < WORDS; i++)
        data[i] = i + 0xf11e;
    int fd = open("/tmp/t_forktables", O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0 && write(fd, data, PAGE) == PAGE, "a one-page file");
    for (int round = 0; round < 3; round++)
        if (!round_trip(round, fd))
            break;
    close(fd);
    unlink("/tmp/t_forktables");
    return check_done();
}
