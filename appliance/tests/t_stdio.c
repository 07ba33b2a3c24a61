/* t_stdio: buffered I/O through stdio: stdout and stderr, text and binary files in /tmp, fseek and
 * ftell, ungetc, getline, fscanf, tmpfile, and in-memory streams. */
#include "check.h"

#include <fcntl.h>
#include <sys/stat.h>

#define BIN_SIZE (100 * 1024 + 17)

int main(void)
{
    check_init();
    /* stdout and stderr end up in the same place; stderr is unbuffered, stdout line-buffered. */
    puts("puts to stdout");
    fputs("fputs to stderr\n", stderr);
    printf("printf %s %d\n", "to stdout", 42);
    putchar('c');
    putchar('\n');
    fflush(stdout);
    CHECK(!ferror(stdout), "no error on stdout");

    FILE *f = fopen("/tmp/stdio.txt", "w");
    CHECK(f != NULL, "fopen /tmp/stdio.txt for writing");
    if (!f)
        return check_done();
    for (int i = 0; i < 500; i++)
        fprintf(f, "line %d: %x %s\n", i, i * 3, i % 2 ? "odd" : "even");
    CHECK_INT(fclose(f), 0, "fclose after 500 fprintf lines");

    f = fopen("/tmp/stdio.txt", "r");
    CHECK(f != NULL, "fopen for reading");
    char line[128];
    int n = 0, bad = 0;
    while (fgets(line, sizeof line, f)) {
        char want[128];
        snprintf(want, sizeof want, "line %d: %x %s\n", n, n * 3, n % 2 ? "odd" : "even");
        bad += strcmp(line, want) != 0;
        n++;
    }
    CHECK_INT(n, 500, "fgets reads back 500 lines");
    CHECK_INT(bad, 0, "every line is as written");
    CHECK(feof(f) && !ferror(f), "feof set, ferror clear at the end");
    long size = ftell(f);
    rewind(f);
    int num = -1;
    unsigned hex = 99;
    char word[16] = "";
    CHECK_INT(fscanf(f, "line %d: %x %15s", &num, &hex, word), 3, "fscanf converts 3 fields");
    CHECK(num == 0 && hex == 0 && strcmp(word, "even") == 0, "fscanf values");
    CHECK_INT(fseek(f, -5, SEEK_END), 0, "fseek 5 bytes before the end");
    CHECK_INT(ftell(f), size - 5, "ftell after fseek");
    CHECK_STR(fgets(line, sizeof line, f), " odd\n", "the last 5 bytes");
    fseek(f, 0, SEEK_SET);
    int ch = fgetc(f);
    CHECK_INT(ungetc('X', f), 'X', "ungetc");
    CHECK_INT(fgetc(f), 'X', "fgetc returns the pushed-back byte");
    CHECK_INT(fgetc(f), 'i', "then the byte after '%c'", ch);
    char *gl = NULL;
    size_t cap = 0;
    fseek(f, 0, SEEK_SET);
    CHECK_INT(getline(&gl, &cap, f), 15, "getline returns the first line's length");
    free(gl);
    fclose(f);
    struct stat st;
    CHECK(stat("/tmp/stdio.txt", &st) == 0 && st.st_size == size, "stat size equals ftell at EOF");

    /* Binary data, fully buffered, larger than any stdio buffer. */
    static unsigned char out[BIN_SIZE], in[BIN_SIZE + 100];
    for (int i = 0; i < BIN_SIZE; i++)
        out[i] = (unsigned char)(i ^ (i >> 9));
    f = fopen("/tmp/stdio.bin", "w+");
    setvbuf(f, NULL, _IOFBF, 4096);
    CHECK_INT(fwrite(out, 1, BIN_SIZE, f), BIN_SIZE, "fwrite %d bytes", BIN_SIZE);
    CHECK_INT(fseek(f, 0, SEEK_SET), 0, "fseek to 0 on a w+ stream");
    CHECK_INT(fread(in, 1, BIN_SIZE + 100, f), BIN_SIZE, "fread returns the short count at EOF");
    CHECK(memcmp(in, out, BIN_SIZE) == 0, "binary contents read back");
    fclose(f);
    f = fopen("/tmp/stdio.bin", "a");
    fputs("tail", f);
    fclose(f);
    CHECK(stat("/tmp/stdio.bin", &st) == 0 && st.st_size == BIN_SIZE + 4, "mode a appends");

    errno = 0;
    f = fopen("/tmp/does-not-exist", "r");
    CHECK(f == NULL && errno == ENOENT, "fopen missing: ENOENT");
    if (f)
        fclose(f);
    errno = 0;
    f = fopen("/tmp", "w");
    CHECK(f == NULL && errno == EISDIR, "fopen of a directory for writing: EISDIR");
    if (f)
        fclose(f);

    f = tmpfile();
    CHECK(f != NULL, "tmpfile");
    if (f) {
        fputs("temporary", f);
        rewind(f);
        CHECK_STR(fgets(line, sizeof line, f), "temporary", "tmpfile read back");
        fclose(f);
    }

    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    fprintf(m, "%s-%05d", "mem", 42);
    fclose(m);
    CHECK_STR(buf, "mem-00042", "open_memstream");
    free(buf);
    char fixed[] = "10 20 30";
    m = fmemopen(fixed, strlen(fixed), "r");
    int a = 0, b = 0, c = 0;
    CHECK(fscanf(m, "%d %d %d", &a, &b, &c) == 3 && a + b + c == 60, "fmemopen + fscanf");
    fclose(m);

    CHECK_INT(unlink("/tmp/stdio.txt") | unlink("/tmp/stdio.bin"), 0, "unlink both files");
    return check_done();
}
