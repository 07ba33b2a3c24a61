/*
 * execve: a static i386 ELF (ET_EXEC, or ET_DYN without an interpreter: static PIE, loaded at
 * PIE_BASE) from the file system into a fresh address space, with the initial stack Linux
 * builds: argc, argv, envp, the auxiliary vector (no AT_SYSINFO: libc then uses int $0x80),
 * then the strings, the platform name and 16 random bytes. Everything is built while the old
 * address space is still there (argument strings are copied straight from it into the new
 * stack's frames); only when nothing can fail any more does the process switch and the old
 * space go.
 */
#include <linux/errno.h>
#include <pv/console.h>
#include <arch/x86/context.h>
#include <kernel/exec.h>
#include <kernel/fs/fs.h>
#include <arch/x86/gdt.h>
#include <kernel/mm/kmem.h>
#include <kernel/kstats.h>
#include <kernel/mm/physmap.h>
#include <kernel/procs.h>
#include <kernel/random.h>
#include <kernel/syscalls.h>
#include <arch/x86/traps.h>
#include <arch/x86/user_frame.h>
#include <lib/elf32.h>
#include <lib/string.h>

#define PIE_BASE 0x56555000u
#define ARG_MAX_BYTES (128u * 1024)
#define ARGV_MAX 8192
#define PHNUM_MAX 64
#define PLATFORM "i686"

/* argv or envp: where each string is (user or kernel address) and how long, NUL included;
 * STR_KERNEL in len marks a kernel string (a #! line's words among the caller's arguments). */
#define STR_KERNEL 0x80000000u
struct strvec {
    uint32_t n, bytes;
    uint32_t *ptr, *len;
};

static void strvec_free(struct strvec *v)
{
    kfree(v->ptr);
    kfree(v->len);
}

static long strvec_add(struct strvec *v, uint32_t ptr, uint32_t len, uint32_t *cap)
{
    if (v->n == *cap) {
        uint32_t ncap = *cap ? *cap * 2 : 32;
        uint32_t *np = kmalloc(ncap * 4), *nl = kmalloc(ncap * 4);
        if (!np || !nl) {
            kfree(np);
            kfree(nl);
            return -ENOMEM;
        }
        if (v->n) {
            memcpy(np, v->ptr, v->n * 4);
            memcpy(nl, v->len, v->n * 4);
        }
        strvec_free(v);
        v->ptr = np, v->len = nl, *cap = ncap;
    }
    v->ptr[v->n] = ptr;
    v->len[v->n++] = len;
    v->bytes += len & ~STR_KERNEL;
    return v->bytes > ARG_MAX_BYTES ? -E2BIG : 0;
}

/* A NULL-terminated vector of string pointers in user memory. */
static long strvec_user(struct strvec *v, uint32_t uvec)
{
    uint32_t cap = 0;

    *v = (struct strvec){0};
    for (uint32_t i = 0; uvec; i++) {
        uint32_t p;
        if (i == ARGV_MAX)
            return -E2BIG;
        if (copy_from_user(&p, uvec + i * 4, 4))
            return -EFAULT;
        if (!p)
            break;
        uint32_t len = (uint32_t)strnlen_user(p, ARG_MAX_BYTES);
        if (len == 0)
            return -EFAULT;
        if (len > ARG_MAX_BYTES)
            return -E2BIG;
        long rc = strvec_add(v, p, len, &cap);
        if (rc)
            return rc;
    }
    return 0;
}

static long strvec_kernel(struct strvec *v, char *const *vec)
{
    uint32_t cap = 0;

    *v = (struct strvec){0};
    for (uint32_t i = 0; vec && vec[i]; i++) {
        long rc = strvec_add(v, (uint32_t)vec[i], (strlen(vec[i]) + 1) | STR_KERNEL, &cap);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- the new stack, written through the kernel addresses of its frames ---- */

struct stack {
    struct mm *mm;
    uint8_t *kva[40]; /* page i holds [USER_STACK_TOP - (i + 1) * 4 KB, ...) */
};

static uint8_t *stack_at(struct stack *s, uint32_t uaddr)
{
    uint32_t i = (USER_STACK_TOP - 1 - uaddr) / PAGE_SIZE;

    return s->kva[i] + (uaddr & (PAGE_SIZE - 1));
}

static long stack_put(struct stack *s, uint32_t uaddr, const void *src, uint32_t len, int user)
{
    while (len) {
        uint32_t n = PAGE_SIZE - (uaddr & (PAGE_SIZE - 1));
        if (n > len)
            n = len;
        if (user) {
            if (copy_from_user(stack_at(s, uaddr), (uint32_t)src, n))
                return -EFAULT;
        } else {
            memcpy(stack_at(s, uaddr), src, n);
        }
        uaddr += n, len -= n, src = (const uint8_t *)src + n;
    }
    return 0;
}

/* Strings of a vector from address *top down; their new addresses go into out[]. */
static long stack_strings(struct stack *s, const struct strvec *v, uint32_t *top, uint32_t *out)
{
    for (uint32_t i = v->n; i-- > 0;) {
        uint32_t len = v->len[i] & ~STR_KERNEL;
        *top -= len;
        out[i] = *top;
        long rc = stack_put(s, *top, (const void *)v->ptr[i], len, !(v->len[i] & STR_KERNEL));
        if (rc)
            return rc;
    }
    return 0;
}

struct image {
    uint32_t entry, phdr, phnum, bias, brk;
};

static long build_stack(struct stack *s, const struct strvec *argv, const struct strvec *envp,
                        const char *execfn, const struct image *im, uint32_t *sp_out)
{
    uint32_t strings = argv->bytes + envp->bytes + strlen(execfn) + 1 + sizeof(PLATFORM) + 16;
    uint32_t words = 1 + argv->n + 1 + envp->n + 1 + 2 * 18;
    uint32_t need = strings + words * 4 + 32;
    uint32_t pages = (need + PAGE_SIZE - 1) / PAGE_SIZE;

    if (pages > sizeof(s->kva) / sizeof(s->kva[0]))
        return -E2BIG;
    for (uint32_t i = 0; i < pages; i++) {
        s->kva[i] =
            vm_populate(s->mm, USER_STACK_TOP - (i + 1) * PAGE_SIZE, PROT_READ | PROT_WRITE);
        if (!s->kva[i])
            return -ENOMEM;
    }
    uint32_t top = USER_STACK_TOP, random_at, platform_at, execfn_at;
    uint8_t rnd[16];
    random_bytes(rnd, sizeof(rnd));
    top -= 16, random_at = top;
    stack_put(s, top, rnd, 16, 0);
    top -= sizeof(PLATFORM), platform_at = top;
    stack_put(s, top, PLATFORM, sizeof(PLATFORM), 0);
    top -= strlen(execfn) + 1, execfn_at = top;
    stack_put(s, top, execfn, strlen(execfn) + 1, 0);

    uint32_t *av = kmalloc((argv->n + envp->n + 2) * 4);
    if (!av)
        return -ENOMEM;
    uint32_t *ev = av + argv->n + 1;
    s->mm->env_end = top;
    long rc = stack_strings(s, envp, &top, ev);
    s->mm->env_start = s->mm->arg_end = top;
    if (!rc)
        rc = stack_strings(s, argv, &top, av);
    s->mm->arg_start = top;
    av[argv->n] = 0, ev[envp->n] = 0;
    uint32_t aux[] = {
        AT_PHDR,   im->phdr,  AT_PHENT,  32, AT_PHNUM,  im->phnum, AT_PAGESZ,   PAGE_SIZE,
        AT_BASE,   0,         AT_FLAGS,  0,  AT_ENTRY,  im->entry, AT_UID,      0,
        AT_EUID,   0,         AT_GID,    0,  AT_EGID,   0,         AT_HWCAP,    cpu_hwcap(),
        AT_CLKTCK, 100,       AT_SECURE, 0,  AT_RANDOM, random_at, AT_PLATFORM, platform_at,
        AT_EXECFN, execfn_at, AT_NULL,   0,
    };
    uint32_t sp = (top - (1 + argv->n + 1 + envp->n + 1) * 4 - sizeof(aux)) & ~15u;
    uint32_t at = sp, argc = argv->n;
    if (!rc) {
        stack_put(s, at, &argc, 4, 0), at += 4;
        stack_put(s, at, av, (argv->n + 1) * 4, 0), at += (argv->n + 1) * 4;
        stack_put(s, at, ev, (envp->n + 1) * 4, 0), at += (envp->n + 1) * 4;
        stack_put(s, at, aux, sizeof(aux), 0);
    }
    kfree(av);
    *sp_out = sp;
    return rc;
}

/* ---- the ELF image ---- */

static uint32_t seg_flags(uint32_t pf)
{
    return (pf & PF_R ? PROT_READ : 0) | (pf & PF_W ? PROT_WRITE : 0) | (pf & PF_X ? PROT_EXEC : 0);
}

static long load_segment(struct mm *mm, struct inode *ino, const struct elf32_phdr *ph,
                         uint32_t bias)
{
    uint32_t va = ph->vaddr + bias, start = va & ~(PAGE_SIZE - 1);
    uint32_t end = PAGE_ALIGN(va + ph->memsz), file_end = va + ph->filesz;
    uint32_t flags = seg_flags(ph->flags);

    long rc = vma_add(mm, start, end, flags);
    if (rc)
        return rc == -EEXIST ? -ENOEXEC : rc; /* overlapping segments; or no memory for it */
    for (uint32_t page = start; page < file_end; page += PAGE_SIZE) {
        uint8_t *kva = vm_populate(mm, page, flags);
        if (!kva)
            return -ENOMEM;
        uint32_t from = page < va ? va : page;
        uint32_t to = page + PAGE_SIZE < file_end ? page + PAGE_SIZE : file_end;
        long n = inode_pread(ino, kva + (from - page), to - from, ph->offset + (from - va));
        if (n != (long)(to - from))
            return n < 0 ? n : -EIO;
    }
    return 0;
}

static long load_elf(struct mm *mm, struct inode *ino, struct image *im)
{
    struct elf32_ehdr eh;
    uint64_t size = inode_size(ino);

    if (inode_pread(ino, &eh, sizeof(eh), 0) != sizeof(eh) || memcmp(eh.ident, "\177ELF", 4) ||
        eh.ident[EI_CLASS] != ELFCLASS32 || eh.ident[EI_DATA] != ELFDATA2LSB ||
        eh.machine != EM_386 || (eh.type != ET_EXEC && eh.type != ET_DYN) ||
        eh.phentsize != sizeof(struct elf32_phdr) || eh.phnum == 0 || eh.phnum > PHNUM_MAX ||
        eh.phoff > size || eh.phnum * sizeof(struct elf32_phdr) > size - eh.phoff)
        return -ENOEXEC;
    struct elf32_phdr *ph = kmalloc(eh.phnum * sizeof(*ph));
    if (!ph)
        return -ENOMEM;
    long rc = 0;
    if (inode_pread(ino, ph, eh.phnum * sizeof(*ph), eh.phoff) != (long)(eh.phnum * sizeof(*ph)))
        rc = -ENOEXEC;
    uint32_t lowest = ~0u, highest = 0;
    for (unsigned i = 0; i < eh.phnum && !rc; i++) {
        if (ph[i].type == PT_INTERP) {
            printk("exec: dynamically linked programs are not supported (PT_INTERP)\n");
            rc = -ENOEXEC;
        } else if (ph[i].type == PT_LOAD) {
            uint32_t v = ph[i].vaddr;
            if (ph[i].filesz > ph[i].memsz || ph[i].offset > size ||
                ph[i].filesz > size - ph[i].offset || v + ph[i].memsz < v ||
                (v & (PAGE_SIZE - 1)) != (ph[i].offset & (PAGE_SIZE - 1)))
                rc = -ENOEXEC;
            if (v < lowest)
                lowest = v;
            if (v + ph[i].memsz > highest)
                highest = v + ph[i].memsz;
        }
    }
    if (!rc && lowest == ~0u)
        rc = -ENOEXEC;
    im->bias = eh.type == ET_DYN ? PIE_BASE - (lowest & ~(PAGE_SIZE - 1)) : 0;
    if (!rc && (lowest + im->bias < USER_MIN_ADDR || highest + im->bias > USER_MMAP_TOP ||
                highest + im->bias < lowest + im->bias))
        rc = -ENOEXEC;
    im->phdr = 0;
    for (unsigned i = 0; i < eh.phnum && !rc; i++) {
        if (ph[i].type == PT_LOAD) {
            rc = load_segment(mm, ino, &ph[i], im->bias);
            if (ph[i].offset == 0 && !im->phdr)
                im->phdr = ph[i].vaddr + eh.phoff + im->bias;
        } else if (ph[i].type == PT_PHDR) {
            im->phdr = ph[i].vaddr + im->bias;
        }
    }
    im->entry = eh.entry + im->bias;
    im->phnum = eh.phnum;
    im->brk = PAGE_ALIGN(highest + im->bias);
    kfree(ph);
    return rc;
}

/* ---- execve ---- */

static void reset_process(struct proc *p, const char *path)
{
    const char *base = path;

    for (const char *c = path; *c; c++)
        if (*c == '/' && c[1])
            base = c + 1;
    strlcpy(p->name, base, sizeof(p->name));
    for (unsigned s = 0; s < NSIG; s++)
        if (p->sig.action[s].handler != SIG_IGN)
            p->sig.action[s] = (struct linux_sigaction){0};
    /* The new program starts with null FS/GS: null them before the TLS slots go, or
     * context_load_tls would reload the old selectors into empty slots (a #GP each). */
    __asm__ volatile("mov %0, %%fs; mov %0, %%gs" ::"r"(0));
    memset(p->tls, 0, sizeof(p->tls));
    context_load_tls(p);
    fpu_exec(p);
    files_close_on_exec(p->files);
    proc_release_vfork(p);
}

/* ---- #! scripts ---- */

/* argv for the interpreter: interp, its argument if any, the script's path, then argv[1..]. */
static long script_argv(struct strvec *argv, const char *interp, const char *arg,
                        const char *script)
{
    struct strvec nv = {0};
    uint32_t cap = 0;
    long rc = strvec_add(&nv, (uint32_t)interp, (strlen(interp) + 1) | STR_KERNEL, &cap);

    if (!rc && arg)
        rc = strvec_add(&nv, (uint32_t)arg, (strlen(arg) + 1) | STR_KERNEL, &cap);
    if (!rc)
        rc = strvec_add(&nv, (uint32_t)script, (strlen(script) + 1) | STR_KERNEL, &cap);
    for (uint32_t i = 1; i < argv->n && !rc; i++)
        rc = strvec_add(&nv, argv->ptr[i], argv->len[i], &cap);
    strvec_free(argv);
    *argv = nv;
    return rc;
}

/* The ELF file that path leads to through #! lines (a counted reference), argv rewritten on the
 * way; lines[] holds the #! lines, whose words argv and later paths point into (the caller frees
 * them). NULL with *err: the lookup's error, -ELOOP past SCRIPT_DEPTH_MAX, -ENOMEM, -E2BIG. */
static struct inode *resolve_scripts(const char *path, struct strvec *argv,
                                     char *lines[SCRIPT_DEPTH_MAX + 1], const char **file_out,
                                     long *err)
{
    const char *file = path;

    for (int depth = 0;; depth++) {
        char *interp, *arg;
        struct inode *ino = fs_lookup_exec(file, err);

        if (!ino) {
            *err = *err ? *err : -ENOENT;
            return NULL;
        }
        lines[depth] = kzalloc(SCRIPT_BUF + 1);
        if (!lines[depth]) {
            inode_put(ino);
            *err = -ENOMEM;
            return NULL;
        }
        if (inode_pread(ino, lines[depth], SCRIPT_BUF, 0) < 2 ||
            script_parse(lines[depth], &interp, &arg)) {
            *file_out = file;
            return ino; /* not a script: the ELF loader decides */
        }
        inode_put(ino);
        if (depth == SCRIPT_DEPTH_MAX) {
            *err = -ELOOP;
            return NULL;
        }
        *err = script_argv(argv, interp, arg, file);
        if (*err)
            return NULL;
        file = interp;
    }
}

/* The program's absolute path with every symlink resolved (/proc/<pid>/exe). NULL when out of
 * memory. */
static char *exe_path(const char *file)
{
    char *buf = kmalloc(LINUX_PATH_MAX), *exe = NULL;

    if (buf && fs_real_path(file, buf, LINUX_PATH_MAX) > 0)
        exe = kstrdup(buf);
    kfree(buf);
    return exe;
}

static long exec_image(const char *path, struct strvec *argv, const struct strvec *envp)
{
    struct proc *p = current_proc();
    long err = 0;
    char *lines[SCRIPT_DEPTH_MAX + 1] = {0};
    const char *file = path;
    struct inode *ino = resolve_scripts(path, argv, lines, &file, &err);
    char *exe = ino ? exe_path(file) : NULL;

    if (ino && !exe) {
        inode_put(ino);
        ino = NULL;
        err = -ENOMEM;
    }
    if (!ino) {
        for (int i = 0; i <= SCRIPT_DEPTH_MAX; i++)
            kfree(lines[i]);
        return err;
    }
    struct mm *mm = mm_create();
    struct image im;
    struct stack st = {mm, {0}};
    uint32_t sp = 0;
    long rc = mm ? load_elf(mm, ino, &im) : -ENOMEM;
    if (!rc)
        rc = vma_add(mm, USER_STACK_TOP - USER_STACK_MAX, USER_STACK_TOP,
                     PROT_READ | PROT_WRITE | VMA_STACK);
    if (rc == -EEXIST)
        rc = -ENOEXEC; /* a segment where the stack goes */
    if (!rc)
        rc = build_stack(&st, argv, envp, path, &im, &sp);
    if (!rc)
        rc = mmu_flush(0) ? -ENOMEM : 0;
    inode_put(ino);
    for (int i = 0; i <= SCRIPT_DEPTH_MAX; i++)
        kfree(lines[i]);
    if (rc) {
        kfree(exe);
        if (mm)
            mm_destroy(mm);
        return rc;
    }
    /* No way back from here. */
    struct mm *old = p->mm;
    p->mm = mm;
    mm->brk_start = mm->brk = im.brk;
    context_use_mm(mm);
    if (old)
        mm_destroy(old);
    reset_process(p, path);
    kfree(p->exe_path);
    p->exe_path = exe;
    p->execed = 1;
    struct trap_frame *f = syscall_frame();
    memset(f, 0, sizeof(*f));
    f->eip = im.entry;
    f->esp = sp;
    f->cs = GDT_USER_CS;
    f->ss = f->ds = f->es = GDT_USER_DS;
    f->eflags = 0x202; /* IF */
    f->vector = (uint32_t)-1;
    user_frame_vet(p, f); /* an entry point past the code segment: SIGSEGV, as it would fault */
    kstats.execs++;
    return 0;
}

long sys_execve(u32 upath, u32 uargv, u32 uenvp)
{
    char *path = kmalloc(PATH_MAX_LEN);
    struct strvec argv = {0}, envp = {0};
    long rc = path ? strncpy_from_user(path, upath, PATH_MAX_LEN) : -ENOMEM;

    if (rc >= 0)
        rc = strvec_user(&argv, uargv);
    if (rc >= 0)
        rc = strvec_user(&envp, uenvp);
    if (rc >= 0)
        rc = exec_image(path, &argv, &envp);
    strvec_free(&argv);
    strvec_free(&envp);
    kfree(path);
    return rc;
}

long exec_kernel(const char *path, char *const argv[], char *const envp[])
{
    struct strvec a = {0}, e = {0};
    long rc = strvec_kernel(&a, argv);

    if (!rc)
        rc = strvec_kernel(&e, envp);
    if (!rc)
        rc = exec_image(path, &a, &e);
    strvec_free(&a);
    strvec_free(&e);
    return rc;
}
