/* hello: the smallest ring-3 program, prints one line (a smoke test of the toolchain). */
#include <stdio.h>

int main(void)
{
    printf("hello from ring 3\n");
    return 0;
}
