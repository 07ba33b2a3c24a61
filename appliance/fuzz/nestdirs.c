/* nestdirs: leaves a tree 11 directories deep under /tmp/nest, with a file at the bottom, as a
 * test that fails half-way leaves its scratch behind. gfrun-deep-scratch runs it under gfrun
 * strict: removing the tree (rm_tree recurses) must not count as a leak of gfrun's own stack. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char path[256] = "/tmp/nest";

    for (int depth = 0; depth < 11; depth++) {
        if (mkdir(path, 0755) != 0)
            return 1;
        strcat(path, "/d");
    }
    int fd = open(path, O_CREAT | O_WRONLY, 0644);
    return fd < 0 || write(fd, "x", 1) != 1;
}
