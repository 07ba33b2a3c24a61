/* t_mount: mount(2), umount(2) and umount2(2) for tmpfs and proc, as Linux: a new tmpfs is an
 * empty writable directory (mode 1777) that getcwd and ".." see in its place, listed in
 * /proc/mounts, busy (EBUSY) while a working directory, an open file or a mount inside holds
 * it, gone with everything in it at umount; a proc mount shows /proc; and the errors: ENODEV
 * for an unknown type, EINVAL without one, ENOENT and ENOTDIR targets, EFAULT pointers, EBUSY
 * for rmdir and rename of a mount point, EINVAL to umount what is not a mount
 * point or with unknown flags. (Every process is root in the appliance: no EPERM case. A mount
 * on a mount point is t_mount_stack's: Linux stacks it, the appliance refuses it.) */
#include "check.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define BAD_PTR ((const char *)0xC0001000u)

/* How many /proc/mounts lines have " point type ". */
static int mounts_lines(const char *point, const char *type)
{
    char line[512], want[128];
    FILE *f = fopen("/proc/mounts", "r");
    int n = 0;

    snprintf(want, sizeof want, " %s %s ", point, type);
    while (f && fgets(line, sizeof line, f))
        n += strstr(line, want) != NULL;
    if (f)
        fclose(f);
    return n;
}

static int entries(const char *path)
{
    DIR *d = opendir(path);
    int n = 0;

    while (d && readdir(d))
        n++;
    if (d)
        closedir(d);
    return n;
}

static void check_tmpfs(void)
{
    char cwd[128];
    struct stat st;
    int fd;

    CHECK_INT(mount("none", "/tmp/mnt_a", "tmpfs", 0, NULL), 0, "mount tmpfs");
    CHECK_INT(stat("/tmp/mnt_a", &st), 0, "stat the new root");
    CHECK_INT(st.st_mode & 07777, 01777, "its mode is 1777");
    CHECK_INT(entries("/tmp/mnt_a"), 2, "it is empty (. and ..)");
    CHECK_INT(mounts_lines("/tmp/mnt_a", "tmpfs"), 1, "/proc/mounts lists it");
    fd = open("/tmp/mnt_a/f", O_CREAT | O_RDWR, 0644);
    CHECK(fd >= 0, "create a file in it");
    CHECK_INT(write(fd, "abc", 3), 3, "write to it");
    CHECK_ERR(umount("/tmp/mnt_a"), EBUSY, "umount with a file open inside");
    close(fd);
    CHECK_INT(chdir("/tmp/mnt_a"), 0, "chdir into it");
    CHECK_STR(getcwd(cwd, sizeof cwd), "/tmp/mnt_a", "getcwd inside");
    CHECK_ERR(umount("/tmp/mnt_a"), EBUSY, "umount with a cwd inside");
    CHECK_INT(chdir(".."), 0, "chdir ..");
    CHECK_STR(getcwd(cwd, sizeof cwd), "/tmp", "getcwd after .. is the mount point's parent");
    CHECK_ERR(rmdir("/tmp/mnt_a"), EBUSY, "rmdir a mount point");
    CHECK_ERR(rename("/tmp/mnt_a", "/tmp/mnt_b"), EBUSY, "rename a mount point");
    CHECK_ERR(rename("/tmp/mnt_p", "/tmp/mnt_a"), EBUSY, "rename over a mount point");
    CHECK_INT(mkdir("/tmp/mnt_a/in", 0755), 0, "mkdir inside");
    CHECK_INT(mount("none", "/tmp/mnt_a/in", "tmpfs", 0, NULL), 0, "mount inside the mount");
    CHECK_ERR(umount("/tmp/mnt_a"), EBUSY, "umount with a mount inside");
    CHECK_INT(umount2("/tmp/mnt_a/in", 0), 0, "umount2 the inner one");
    CHECK_INT(umount("/tmp/mnt_a"), 0, "umount the outer one");
    CHECK_INT(mounts_lines("/tmp/mnt_a", "tmpfs"), 0, "/proc/mounts no longer lists it");
    CHECK_ERR(stat("/tmp/mnt_a/f", &st), ENOENT, "its files are gone");
    CHECK_INT(entries("/tmp/mnt_a"), 2, "the mount point is as it was");
    CHECK_ERR(umount("/tmp/mnt_a"), EINVAL, "umount what is no longer a mount point");
}

static void check_proc(void)
{
    char buf[32], want[32];
    ssize_t n;

    CHECK_INT(mount("proc", "/tmp/mnt_p", "proc", 0, NULL), 0, "mount proc");
    n = readlink("/tmp/mnt_p/self", buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    snprintf(want, sizeof want, "%d", (int)getpid());
    CHECK_STR(buf, want, "its self link");
    CHECK(access("/tmp/mnt_p/meminfo", R_OK) == 0, "its meminfo");
    CHECK_INT(mounts_lines("/tmp/mnt_p", "proc"), 1, "/proc/mounts lists it");
    CHECK_INT(umount("/tmp/mnt_p"), 0, "umount proc");
    CHECK_INT(mounts_lines("/tmp/mnt_p", "proc"), 0, "/proc/mounts no longer lists it");
    CHECK_INT(entries("/tmp/mnt_p"), 2, "the mount point is empty again");
}

int main(void)
{
    close(open("/tmp/mnt_file", O_CREAT | O_WRONLY, 0644));
    check_init();
    CHECK_INT(mkdir("/tmp/mnt_a", 0755), 0, "a mount point");
    CHECK_INT(mkdir("/tmp/mnt_p", 0755), 0, "another");
    check_tmpfs();
    check_proc();

    CHECK_ERR(mount("none", "/tmp/mnt_a", "nosuchfs", 0, NULL), ENODEV, "unknown type");
    CHECK_ERR(mount("none", "/tmp/mnt_a", NULL, 0, NULL), EINVAL, "no type");
    CHECK_ERR(mount("none", "/tmp/no_such_dir", "tmpfs", 0, NULL), ENOENT, "missing target");
    CHECK_ERR(mount("none", "/tmp/mnt_file", "tmpfs", 0, NULL), ENOTDIR, "target is a file");
    CHECK_ERR(mount("none", "/tmp/mnt_file/x", "tmpfs", 0, NULL), ENOTDIR, "target under a file");
    CHECK_ERR(mount("none", "", "tmpfs", 0, NULL), ENOENT, "empty target");
    CHECK_ERR(mount("none", BAD_PTR, "tmpfs", 0, NULL), EFAULT, "target pointer");
    CHECK_ERR(mount("none", "/tmp/mnt_a", BAD_PTR, 0, NULL), EFAULT, "type pointer");
    CHECK_ERR(mount(BAD_PTR, "/tmp/mnt_a", "tmpfs", 0, NULL), EFAULT, "source pointer");
    CHECK_INT(mkdir("/tmp/mnt_gone", 0755), 0, "mkdir a working directory");
    CHECK_INT(chdir("/tmp/mnt_gone"), 0, "chdir into it");
    CHECK_INT(rmdir("/tmp/mnt_gone"), 0, "remove it");
    CHECK_ERR(mount("none", ".", "tmpfs", 0, NULL), ENOENT, "mount on a removed directory");
    CHECK_INT(chdir("/"), 0, "chdir /");
    CHECK_ERR(umount("/tmp/mnt_a"), EINVAL, "umount a plain directory");
    CHECK_ERR(umount("/tmp/no_such_dir"), ENOENT, "umount a missing path");
    CHECK_ERR(umount(BAD_PTR), EFAULT, "umount pointer");
    CHECK_ERR(umount2("/tmp/mnt_a", 0x100), EINVAL, "umount2 unknown flags");
    CHECK_ERR(syscall(SYS_umount2, "/tmp/mnt_a", 0), EINVAL, "umount2 a plain directory");

    rmdir("/tmp/mnt_a"), rmdir("/tmp/mnt_p"), unlink("/tmp/mnt_file");
    return check_done();
}
