/* What /proc shows of each process, in Linux's formats: /proc/<pid>/stat, status, cmdline,
 * environ, maps, and the symlinks exe, cwd and root; and /proc/self. The directories themselves
 * are the file system's (kernel/fs/procfs_pid.c); this file gives their entries. cmdline and
 * environ are read out of the process's own memory (the strings exec put on its stack), through
 * its page tables, as Linux reads them: what the program wrote over them shows. */
#include <linux/errno.h>
#include <kernel/fs/fs.h>
#include <kernel/gfault.h>
#include <kernel/mm/kmem.h>
#include <pv/mmu.h>
#include <kernel/mm/pgtable.h>
#include <kernel/mm/physmap.h>
#include <kernel/procs.h>
#include <kernel/mm/vm.h>
#include <lib/format.h>
#include <lib/string.h>

/* Up to n bytes of mm at addr, stopping at the first page not present: the count copied. */
static size_t mm_read(const struct mm *mm, uint32_t addr, char *buf, size_t n)
{
    size_t done = 0;

    while (done < n) {
        uint32_t va = addr + (uint32_t)done, *l1 = pt_l1(mm, va), pte, chunk;

        if (!l1 || va >= USER_STACK_TOP)
            break;
        pte = l1[(va >> 12) & 1023];
        if (!(pte & PTE_P))
            break;
        chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > n - done)
            chunk = (uint32_t)(n - done);
        memcpy(buf + done, (const char *)pfn_to_virt(mfn_to_pfn(pte >> 12)) + (va & 4095), chunk);
        done += chunk;
    }
    return done;
}

static char state_of(const struct proc *p)
{
    if (p->zombie)
        return 'Z';
    if (p->stopped)
        return 'T';
    return p == current_proc() || p->task->state == TASK_RUNNABLE ? 'R' : 'S';
}

static uint32_t vm_bytes(const struct mm *mm)
{
    uint32_t sum = 0;

    for (const struct vma *v = mm ? mm->vmas : 0; v; v = v->next)
        sum += v->end - v->start;
    return sum;
}

static uint64_t ignored_or_caught(const struct proc *p, int caught)
{
    uint64_t set = 0;

    for (unsigned s = 0; s < NSIG; s++) {
        uint32_t h = p->sig.action[s].handler;

        if (caught ? (h != SIG_DFL && h != SIG_IGN) : h == SIG_IGN)
            set |= 1ull << s;
    }
    return set;
}

static int gen_stat(int pid, char *buf, size_t size)
{
    struct proc *p = proc_find(pid);
    struct pfout o = {buf, size, 0};
    const struct mm *mm;

    if (!p)
        return -ESRCH;
    mm = p->mm;
    pf_printf(&o, "%d (%s) %c %d %d %d 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 0 %u %u 4294967295",
              p->pid, p->name, state_of(p), p->parent ? p->parent->pid : 0, p->pgid, p->sid,
              vm_bytes(mm), mm ? mm->pages : 0);
    pf_printf(&o, " 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 %u %u %u %u %d\n",
              mm ? mm->arg_start : 0, mm ? mm->arg_end : 0, mm ? mm->env_start : 0,
              mm ? mm->env_end : 0, p->zombie ? p->wait_status : 0);
    return (int)o.len;
}

static int gen_status(int pid, char *buf, size_t size)
{
    static const char *const names[] = {"R (running)", "S (sleeping)", "Z (zombie)"};
    struct proc *p = proc_find(pid);
    struct pfout o = {buf, size, 0};
    char st;

    if (!p)
        return -ESRCH;
    st = state_of(p);
    /* (The kernel's printf has no %o.) */
    pf_printf(&o, "Name:\t%s\nUmask:\t0%u%u%u\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n",
              p->name, (p->umask >> 6) & 7, (p->umask >> 3) & 7, p->umask & 7,
              names[st == 'R'   ? 0
                    : st == 'S' ? 1
                                : 2],
              p->pid, p->pid);
    pf_printf(&o, "PPid:\t%d\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n",
              p->parent ? p->parent->pid : 0);
    pf_printf(&o, "FDSize:\t%u\nGroups:\t\n", p->files ? files_count(p->files) : 0);
    if (p->mm)
        pf_printf(&o, "VmSize:\t%8u kB\nVmRSS:\t%8u kB\n", vm_bytes(p->mm) / 1024,
                  p->mm->pages * (PAGE_SIZE / 1024));
    pf_printf(&o, "Threads:\t1\nSigPnd:\t%016llx\nShdPnd:\t%016llx\nSigBlk:\t%016llx\n",
              (unsigned long long)p->sig.pending, (unsigned long long)p->sig.pending,
              (unsigned long long)p->sig.blocked);
    pf_printf(&o, "SigIgn:\t%016llx\nSigCgt:\t%016llx\n",
              (unsigned long long)ignored_or_caught(p, 0),
              (unsigned long long)ignored_or_caught(p, 1));
    if (p->task)
        pf_printf(&o, "voluntary_ctxt_switches:\t%u\nnonvoluntary_ctxt_switches:\t%u\n",
                  p->task->voluntary, p->task->involuntary);
    return (int)o.len;
}

static int gen_strings(int pid, char *buf, size_t size, int env)
{
    struct proc *p = proc_find(pid);
    uint32_t from, to;

    if (!p)
        return -ESRCH;
    if (!p->mm)
        return 0; /* a zombie: nothing, as in Linux */
    from = env ? p->mm->env_start : p->mm->arg_start;
    to = env ? p->mm->env_end : p->mm->arg_end;
    return to > from ? (int)mm_read(p->mm, from, buf, to - from < size ? to - from : size) : 0;
}

static int gen_cmdline(int pid, char *buf, size_t size)
{
    return gen_strings(pid, buf, size, 0);
}

static int gen_environ(int pid, char *buf, size_t size)
{
    return gen_strings(pid, buf, size, 1);
}

static int gen_maps(int pid, char *buf, size_t size)
{
    struct proc *p = proc_find(pid);
    struct pfout o = {buf, size, 0};

    if (!p)
        return -ESRCH;
    for (const struct vma *v = p->mm ? p->mm->vmas : 0; v; v = v->next) {
        const char *name = v->flags & VMA_STACK ? "[stack]"
                           : v->start >= p->mm->brk_start && v->start < PAGE_ALIGN(p->mm->brk)
                               ? "[heap]"
                           : v->end <= p->mm->brk_start && p->exe_path ? p->exe_path
                                                                       : "";
        size_t at = o.len;

        pf_printf(&o, "%08x-%08x %c%c%c%c 00000000 00:00 0", v->start, v->end,
                  v->flags & PROT_READ ? 'r' : '-', v->flags & PROT_WRITE ? 'w' : '-',
                  v->flags & PROT_EXEC ? 'x' : '-', v->flags & VMA_SHARED ? 's' : 'p');
        if (*name)
            pf_printf(&o, "%*s%s", (int)(o.len - at < 73 ? 73 - (o.len - at) : 1), "", name);
        pf_printf(&o, "\n");
    }
    return (int)o.len;
}

static int link_exe(int pid, char *buf, size_t size)
{
    struct proc *p = proc_find(pid);

    if (!p || !p->exe_path || p->zombie)
        return -ENOENT;
    return (int)strlcpy(buf, p->exe_path, size);
}

static int link_cwd(int pid, char *buf, size_t size)
{
    struct proc *p = proc_find(pid);

    if (!p || p->zombie)
        return -ENOENT;
    return fs_dir_path(p->cwd, buf, size);
}

static int link_root(int pid, char *buf, size_t size)
{
    struct proc *p = proc_find(pid);

    if (!p || p->zombie)
        return -ENOENT;
    return (int)strlcpy(buf, "/", size);
}

static int link_self(int pid, char *buf, size_t size)
{
    (void)pid;
    return current_proc() ? snprintf(buf, size, "%d", current_proc()->pid) : -ENOENT;
}

/* fail-nth, as Linux's (with CONFIG_FAULT_INJECTION): reads what is left of the count (0 once the
 * armed failure has been made); a write of N arms it for the Nth injectable allocation of the
 * process's own next calls (0 disarms), a number up to INT_MAX with an optional newline. Only a
 * process's own: another's is EPERM. Once armed anywhere, the allocators look (gfault_on). */
static int gen_fail_nth(int pid, char *buf, size_t size)
{
    struct proc *p = proc_find(pid);

    return p ? snprintf(buf, size, "%u\n", p->fail_nth) : -ESRCH;
}

static int write_fail_nth(int pid, const char *buf, size_t n)
{
    struct proc *p = proc_find(pid);
    uint32_t v = 0;
    size_t i = 0;

    if (!p)
        return -ESRCH;
    if (p != current_proc())
        return -EPERM;
    if (n && buf[n - 1] == '\n')
        n--;
    if (n == 0)
        return -EINVAL;
    for (; i < n; i++) {
        if (buf[i] < '0' || buf[i] > '9' || v > (0x7fffffffu - (uint32_t)(buf[i] - '0')) / 10)
            return -EINVAL;
        v = v * 10 + (uint32_t)(buf[i] - '0');
    }
    p->fail_nth = v;
    if (v)
        gfault_on |= GFAULT_ON_NTH;
    return 0;
}

static const struct procfs_entry pid_files[] = {
    {.name = "stat", .gen_pid = gen_stat},
    {.name = "status", .gen_pid = gen_status},
    {.name = "cmdline", .gen_pid = gen_cmdline},
    {.name = "environ", .gen_pid = gen_environ, .mode = 0400},
    {.name = "maps", .gen_pid = gen_maps},
    {.name = "exe", .link_pid = link_exe},
    {.name = "cwd", .link_pid = link_cwd},
    {.name = "root", .link_pid = link_root},
    {.name = "fail-nth", .gen_pid = gen_fail_nth, .write_pid = write_fail_nth, .mode = 0644},
};

static const struct procfs_entry self = {.name = "self", .link_pid = link_self};

void proc_sys_init(void);

void proc_pid_init(void)
{
    proc_sys_init();
    procfs_pid_files(pid_files, sizeof(pid_files) / sizeof(pid_files[0]));
    procfs_register(&self);
}
