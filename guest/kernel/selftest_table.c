/* Looking a command-line word up in the self-test table (kernel/selftest_table.h): the linker
 * collects the entries between __selftests_start and __selftests_end (arch/x86/guest.lds). */
#include <kernel/selftest_table.h>
#include <lib/string.h>

extern const struct selftest __selftests_start[], __selftests_end[];

static int name_matches(const char *name, const char *word)
{
    size_t n = strlen(name);

    if (n && name[n - 1] == '*')
        return strncmp(name, word, n - 1) == 0;
    return strcmp(name, word) == 0;
}

const struct selftest *selftest_find(const char *word)
{
    for (const struct selftest *t = __selftests_start; t < __selftests_end; t++)
        if (name_matches(t->name, word))
            return t;
    return 0;
}
