/* t_mount_stack: where the appliance's mount(2) knowingly differs from Linux's: a mount on a
 * mount point (or on the root, or inside /proc) is refused with EBUSY, where Linux stacks the new
 * mount over the old; bind, move and remount are EINVAL. The first mount stays usable.
 * ring3-appliance-only */
#include "check.h"

#include <sys/mount.h>
#include <sys/stat.h>

int main(void)
{
    check_init();
    CHECK_INT(mkdir("/tmp/stack", 0755), 0, "mount point");
    CHECK_INT(mount("none", "/tmp/stack", "tmpfs", 0, NULL), 0, "mount tmpfs");
    CHECK_ERR(mount("none", "/tmp/stack", "tmpfs", 0, NULL), EBUSY, "tmpfs on a tmpfs mount");
    CHECK_ERR(mount("proc", "/tmp/stack", "proc", 0, NULL), EBUSY, "proc on a tmpfs mount");
    CHECK_ERR(mount("proc", "/proc", "proc", 0, NULL), EBUSY, "proc on /proc");
    CHECK_ERR(mount("none", "/proc/self/fd", "tmpfs", 0, NULL), EBUSY, "tmpfs inside /proc");
    CHECK_ERR(mount("none", "/", "tmpfs", 0, NULL), EBUSY, "tmpfs on the root");
    CHECK_ERR(mount("/tmp", "/tmp/stack", NULL, MS_BIND, NULL), EINVAL, "bind");
    CHECK_ERR(mount("none", "/tmp/stack", "tmpfs", MS_REMOUNT, NULL), EINVAL, "remount");
    CHECK_INT(mkdir("/tmp/stack/d", 0755), 0, "the first mount is still usable");
    CHECK_INT(umount("/tmp/stack"), 0, "umount");
    CHECK_INT(rmdir("/tmp/stack"), 0, "rmdir the former mount point");
    return check_done();
}
