/* The first process (pid 1): started from the kernel on a task of its own, it execs the init
 * program named on the command line; when it ends, the guest powers off and hands its exit
 * status to the hypervisor (128 + the signal when a signal killed it, as shells report it), as
 * an appliance with nothing left to run should. An init that cannot even start is a crash. */
#include <pv/console.h>
#include <kernel/exec.h>
#include <kernel/fs/fs.h>
#include <kernel/procs.h>
#include <kernel/sched.h>
#include <kernel/syscalls.h>
#include <arch/x86/traps.h>
#include <lib/errno_names.h>
#include <lib/string.h>

static const char *init_path;
static char *const *init_argv;
static char *const init_envp[] = {"HOME=/", "PATH=/sbin:/bin", "TERM=linux", 0};

void enter_user(struct trap_frame *f) __attribute__((noreturn)); /* linux_entry.S */

static void init_first_run(void)
{
    sched_first_run();
    printk("init: running %s\n", init_path);
    long rc = exec_kernel(init_path, init_argv, init_envp);
    if (rc) {
        printk("init: cannot run %s: %s (%s)\n", init_path, errno_name(rc), errno_text(rc));
        printk("shutting down: crash\n");
        HYPERVISOR_shutdown(SHUTDOWN_crash);
    }
    enter_user(syscall_frame());
}

void proc_start_init(const char *path, char *const argv[])
{
    static const struct trap_frame none;
    struct proc *p = proc_alloc(0);

    init_path = path;
    init_argv = argv;
    if (!p || !(p->files = files_new_console()) || !(p->cwd = fs_root()) ||
        !task_spawn_proc(p, &none, init_first_run)) {
        printk("error: cannot create the first process\n");
        HYPERVISOR_shutdown(SHUTDOWN_crash);
        return;
    }
    strlcpy(p->name, "init", sizeof(p->name));
    tty_attach_first(p->sid, p->pgid);
}

void init_ended(int wait_status)
{
    uint32_t status = (wait_status >> 8) & 0xff;

    if (wait_status & 0x7f) {
        status = 128 + (wait_status & 0x7f);
        printk("init killed by signal %d\n", wait_status & 0x7f);
    } else {
        printk("init exited with status %u\n", status);
    }
    if (status)
        printk("shutting down: poweroff, exit status %u\n", status);
    else
        printk("shutting down: poweroff\n");
    HYPERVISOR_shutdown_status(SHUTDOWN_poweroff, status);
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_block);
}
