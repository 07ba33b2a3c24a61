/* t_robust: set_robust_list (glibc calls it at every start): the list head is accepted when its
 * length is Linux's i386 sizeof(struct robust_list_head), 12, and -EINVAL otherwise. */
#include "check.h"

#include <stdint.h>
#include <sys/syscall.h>

int main(void)
{
    uint32_t head[3] = {0, 0, 0};

    check_init();
    head[0] = (uint32_t)(uintptr_t)head; /* an empty list points at itself */
    CHECK_INT(syscall(SYS_set_robust_list, head, 12), 0, "set_robust_list with len 12");
    CHECK_ERR(syscall(SYS_set_robust_list, head, 11), EINVAL, "len 11");
    CHECK_ERR(syscall(SYS_set_robust_list, head, 24), EINVAL, "len 24");
    CHECK_ERR(syscall(SYS_set_robust_list, head, 0), EINVAL, "len 0");
    return check_done();
}
