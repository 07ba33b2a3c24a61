/* The "#!" line of an interpreter script, read as Linux's binfmt_script reads it: the first
 * 256 bytes of the file, the interpreter's path up to the first space, tab or NUL, and the rest
 * of the line (trailing spaces and tabs cut) as one optional argument, whatever spaces it holds.
 * A line longer than the buffer is accepted only if the interpreter's name ends inside it (a cut
 * argument is kept cut, as Linux does); a cut interpreter name is refused. */
#include <linux/errno.h>
#include <kernel/exec.h>

static int spacetab(char c)
{
    return c == ' ' || c == '\t';
}

static char *next_non_spacetab(char *p, const char *end)
{
    for (; p < end; p++)
        if (!spacetab(*p))
            return p;
    return 0;
}

static char *next_terminator(char *p, const char *end)
{
    for (; p < end; p++)
        if (spacetab(*p) || !*p)
            return p;
    return 0;
}

long script_parse(char *buf, char **interp, char **arg)
{
    char *buf_end = buf + SCRIPT_BUF - 1, *end = 0, *name, *sep;

    if (buf[0] != '#' || buf[1] != '!')
        return -ENOEXEC;
    for (char *p = buf; p < buf + SCRIPT_BUF; p++)
        if (*p == '\n') {
            end = p;
            break;
        }
    if (!end) {
        end = next_non_spacetab(buf + 2, buf_end);
        if (!end || !next_terminator(end, buf_end))
            return -ENOEXEC; /* only blanks, or the interpreter's name is cut */
        end = buf_end;
    }
    while (end > buf + 2 && spacetab(end[-1]))
        end--;
    name = next_non_spacetab(buf + 2, end);
    if (!name || name == end)
        return -ENOEXEC;
    *arg = 0;
    sep = next_terminator(name, end);
    if (sep && *sep)
        *arg = next_non_spacetab(sep, end);
    *end = 0;
    if (sep)
        *sep = 0;
    *interp = name;
    return 0;
}
