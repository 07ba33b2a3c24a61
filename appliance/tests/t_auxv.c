/* t_auxv: the initial process state the kernel builds: argv, envp, the auxiliary vector (checked
 * against the program's own ELF headers), ids and the working directory. Only values that are the
 * same natively and in the appliance are printed.
 * ring3-args: alpha beta-2 gamma_3 */
#include "check.h"

#include <elf.h>
#include <stdint.h>
#include <sys/auxv.h>

extern char **environ;
extern char _start[];

/* The PT_LOAD that contains addr, or NULL. */
static const Elf32_Phdr *load_of(const Elf32_Phdr *ph, int n, uintptr_t addr)
{
    for (int i = 0; i < n; i++)
        if (ph[i].p_type == PT_LOAD && addr >= ph[i].p_vaddr &&
            addr - ph[i].p_vaddr < ph[i].p_memsz)
            return &ph[i];
    return NULL;
}

int main(int argc, char **argv, char **envp)
{
    check_init();
    static const char *const want_args[] = {"/tests/t_auxv", "alpha", "beta-2", "gamma_3"};
    static const char *const want_env[] = {"HOME=/", "PATH=/sbin:/bin", "TERM=linux"};

    CHECK_INT(argc, 4, "argc is 4");
    for (int i = 0; i < argc && i < 4; i++)
        CHECK_STR(argv[i], want_args[i], "argv[%d] is \"%s\"", i, want_args[i]);
    CHECK(argv[argc] == NULL, "argv[argc] is NULL");
    CHECK(envp == argv + argc + 1, "envp follows argv on the stack");
    int nenv = 0;
    while (envp[nenv])
        nenv++;
    CHECK_INT(nenv, 3, "environment has 3 entries");
    for (int i = 0; i < nenv && i < 3; i++)
        CHECK_STR(envp[i], want_env[i], "envp[%d] is \"%s\"", i, want_env[i]);
    CHECK(environ == envp, "environ is main's envp");
    CHECK_STR(getenv("PATH"), "/sbin:/bin", "getenv PATH");
    CHECK(getenv("USER") == NULL, "no other variables (USER unset)");

    /* The auxiliary vector follows envp's NULL. */
    const Elf32_auxv_t *av = (const Elf32_auxv_t *)(envp + nenv + 1);
    int nav = 0, dup_pagesz = 0;
    while (nav < 100 && av[nav].a_type != AT_NULL) {
        if (av[nav].a_type == AT_PAGESZ)
            dup_pagesz += av[nav].a_un.a_val == getauxval(AT_PAGESZ);
        nav++;
    }
    CHECK(nav < 100, "the auxiliary vector ends with AT_NULL");
    CHECK_INT(dup_pagesz, 1, "AT_PAGESZ on the stack matches getauxval");
    CHECK_INT(getauxval(AT_PAGESZ), 4096, "AT_PAGESZ is 4096");
    CHECK_INT(sysconf(_SC_PAGESIZE), 4096, "sysconf(_SC_PAGESIZE)");

    uintptr_t phdr = getauxval(AT_PHDR), entry = getauxval(AT_ENTRY);
    int phnum = (int)getauxval(AT_PHNUM);
    CHECK(entry != 0, "AT_ENTRY is non-zero");
    CHECK(entry == (uintptr_t)_start, "AT_ENTRY is _start");
    CHECK(phdr != 0 && phnum > 0, "AT_PHDR and AT_PHNUM present");
    CHECK_INT(getauxval(AT_PHENT), sizeof(Elf32_Phdr), "AT_PHENT");
    const Elf32_Phdr *ph = (const Elf32_Phdr *)phdr;
    const Elf32_Phdr *first = NULL;
    for (int i = 0; phdr && i < phnum; i++)
        if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0) {
            first = &ph[i];
            break;
        }
    CHECK(first != NULL, "a PT_LOAD maps the file from offset 0");
    if (first) {
        const Elf32_Ehdr *eh = (const Elf32_Ehdr *)first->p_vaddr;
        CHECK(memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0, "the ELF header is mapped");
        CHECK_INT(eh->e_type, ET_EXEC, "e_type");
        CHECK_INT(eh->e_phnum, phnum, "AT_PHNUM equals e_phnum");
        CHECK(first->p_vaddr + eh->e_phoff == phdr, "AT_PHDR is the mapped program headers");
        CHECK(eh->e_entry == entry, "AT_ENTRY equals e_entry");
    }
    const Elf32_Phdr *text = phdr ? load_of(ph, phnum, entry) : NULL;
    CHECK(text && (text->p_flags & PF_X), "the entry point is in an executable PT_LOAD");
    CHECK(phdr && load_of(ph, phnum, (uintptr_t)&environ), "environ lies in a PT_LOAD");

    const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
    CHECK(rnd != NULL, "AT_RANDOM present");
    if (rnd) {
        unsigned char copy[16];
        int nonzero = 0;
        memcpy(copy, rnd, 16);
        for (int i = 0; i < 16; i++)
            nonzero |= copy[i];
        CHECK(nonzero, "AT_RANDOM's 16 bytes are readable and not all zero");
    }
    errno = 0;
    getauxval(AT_HWCAP);
    CHECK(errno != ENOENT, "AT_HWCAP present");
    CHECK_INT(getauxval(AT_UID), getuid(), "AT_UID is getuid()");
    CHECK_INT(getauxval(AT_EUID), geteuid(), "AT_EUID is geteuid()");
    CHECK_INT(getauxval(AT_GID), getgid(), "AT_GID is getgid()");
    CHECK_INT(getauxval(AT_EGID), getegid(), "AT_EGID is getegid()");
    CHECK_INT(getauxval(AT_SECURE), 0, "AT_SECURE is 0");
    errno = 0;
    getauxval(12345);
    CHECK_INT(errno, ENOENT, "an absent type gives ENOENT");

    char cwd[64];
    CHECK_STR(getcwd(cwd, sizeof cwd), "/", "the working directory is /");
    return check_done();
}
