/* t_pie: a static PIE (ET_DYN, self-relocating, linked through APP_STATIC_PIE): it runs, the kernel
 * loaded it at a non-zero bias that agrees with AT_PHDR/AT_ENTRY, and its relocated data works:
 * pointers to globals, to functions and to strings, .bss, TLS, malloc and fork. */
#include "check.h"

#include <elf.h>
#include <stdint.h>
#include <sys/auxv.h>

extern char _start[];
extern char _DYNAMIC[] __attribute__((visibility("hidden")));

static int answer = 42;
static int zeroed[100];
static int *answer_ptr = &answer;
static const char *const words[] = {"one", "two", "three"};
static __thread int tls_value = 9;

static int twice(int x)
{
    return 2 * x;
}

static int thrice(int x)
{
    return 3 * x;
}

static int (*const ops[])(int) = {twice, thrice};

int main(void)
{
    check_init();
    puts("static PIE running");

    /* No PT_PHDR here: the headers follow the ELF header at the start of the first PT_LOAD. */
    const Elf32_Phdr *ph = (const Elf32_Phdr *)getauxval(AT_PHDR);
    int phnum = (int)getauxval(AT_PHNUM);
    const Elf32_Ehdr *eh = (const Elf32_Ehdr *)((uintptr_t)ph - sizeof(Elf32_Ehdr));
    CHECK(ph && memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0, "the ELF header precedes AT_PHDR");
    if (!ph || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
        return check_done();
    CHECK_INT(eh->e_type, ET_DYN, "e_type is ET_DYN");
    CHECK_INT(eh->e_phnum, phnum, "AT_PHNUM is e_phnum");
    uintptr_t bias = (uintptr_t)-1, dyn = 0;
    for (int i = 0; i < phnum; i++) {
        if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0)
            bias = (uintptr_t)eh - ph[i].p_vaddr;
        if (ph[i].p_type == PT_DYNAMIC)
            dyn = ph[i].p_vaddr;
    }
    CHECK(bias != (uintptr_t)-1, "a PT_LOAD maps offset 0");
    CHECK(bias != 0, "loaded at a non-zero bias");
    CHECK(bias % 4096 == 0, "the bias is page-aligned");
    CHECK(bias + eh->e_entry == getauxval(AT_ENTRY), "AT_ENTRY = bias + e_entry");
    CHECK(bias + dyn == (uintptr_t)_DYNAMIC, "_DYNAMIC = bias + PT_DYNAMIC's address");
    CHECK(getauxval(AT_ENTRY) == (uintptr_t)_start, "AT_ENTRY is _start");
    CHECK((uintptr_t)main > bias, "main lies above the bias");

    CHECK_INT(answer, 42, "an initialised global");
    CHECK(answer_ptr == &answer && *answer_ptr == 42, "a relocated pointer to it");
    CHECK_STR(words[2], "three", "a relocated table of strings");
    CHECK_INT(ops[0](5) + ops[1](5), 25, "a relocated table of function pointers");
    int nonzero = 0;
    for (int i = 0; i < 100; i++)
        nonzero += zeroed[i] != 0;
    CHECK_INT(nonzero, 0, ".bss is zero");
    answer = 43;
    CHECK_INT(*answer_ptr, 43, "a write through the global is seen through the pointer");
    CHECK_INT(tls_value, 9, "an initialised __thread variable");
    tls_value++;
    char *p = malloc(10000);
    CHECK(p != NULL, "malloc");
    free(p);

    pid_t pid = check_fork();
    if (pid == 0)
        _exit(*answer_ptr == 43 && tls_value == 10 && ops[1](2) == 6 ? 0 : 1);
    check_status(check_wait(pid), 0, 0, "a forked child sees the same relocated data");
    return check_done();
}
