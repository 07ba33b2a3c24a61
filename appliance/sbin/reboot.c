/* reboot: asks init (pid 1) to stop its services and restart the machine (SIGINT, as Linux sends
 * init for Ctrl-Alt-Del). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    if (kill(1, SIGINT) != 0) {
        printf("reboot: cannot signal init: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}
