/*
 * /proc/sys/ringvisor/fasttrap: "1" while ring-3 system calls enter this kernel through the fast
 * trap, "0" while each one bounces through the hypervisor. With the "demo" boot option the file
 * is writable (0644): writing 0 or 1 calls set_fast_trap(0) or set_fast_trap(0x80), so the
 * appliance's dashboard can show what the fast trap buys; otherwise it is read-only (0444) and
 * opening it for writing is -EACCES. Each change is logged.
 */
#include <pv/console.h>
#include <pv/fasttrap_ctl.h>
#include <kernel/fs/fs.h>
#include <arch/x86/traps.h>
#include <lib/errno_names.h>
#include <lib/format.h>
#include <linux/errno.h>

static int fast_trap_on;

static int fasttrap_gen(char *buf, size_t size)
{
    return snprintf(buf, size, "%d\n", fast_trap_on);
}

/* "0" or "1", with or without a newline. */
static int fasttrap_write(const char *buf, size_t n)
{
    int on, rc;

    if ((n != 1 && n != 2) || (buf[0] != '0' && buf[0] != '1') || (n == 2 && buf[1] != '\n'))
        return -EINVAL;
    on = buf[0] == '1';
    if (on == fast_trap_on)
        return 0;
    rc = HYPERVISOR_set_fast_trap(on ? TRAP_SYSCALL : 0);
    if (rc) {
        printk("fasttrap: set_fast_trap(%#x) refused: %s\n", on ? TRAP_SYSCALL : 0, errno_name(rc));
        return rc;
    }
    fast_trap_on = on;
    printk("fasttrap: system calls %s (/proc/sys/ringvisor/fasttrap)\n",
           on ? "on the fast trap again" : "bounced through the hypervisor from now on");
    return 0;
}

void fasttrap_ctl_init(int on, int writable)
{
    static struct procfs_entry entry = {
        .name = "sys/ringvisor/fasttrap", .gen = fasttrap_gen, .write = fasttrap_write, .mode = 0};
    int rc;

    fast_trap_on = on;
    entry.mode = writable ? 0644 : 0444;
    rc = procfs_register(&entry);
    if (rc)
        printk("fasttrap: cannot add /proc/sys/ringvisor/fasttrap: %s\n", errno_name(rc));
    else if (writable)
        printk("demo: /proc/sys/ringvisor/fasttrap is writable: ring 3 may switch the fast trap\n");
}
