/* false [STATUS]: exit with STATUS (default 1), doing nothing else. As the first process
 * (init=/bin/false 3) it shows how the machine ends when pid 1 fails. */
#include <stdlib.h>

int main(int argc, char **argv)
{
    return argc > 1 ? atoi(argv[1]) : 1;
}
