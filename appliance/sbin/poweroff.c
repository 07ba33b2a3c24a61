/* poweroff: asks init (pid 1) to stop its services and power the machine off (SIGUSR2). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    if (kill(1, SIGUSR2) != 0) {
        printf("poweroff: cannot signal init: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}
