/* t_segments: ring 3 against the kernel's way back to ring 3. Each attack runs in a child, which
 * must end with the signal Linux gives (or see the call refused with Linux's errno) while the
 * kernel keeps running:
 *   - set_thread_area: a code segment, a 16-bit segment and a not-present one are refused
 *     (EINVAL, as Linux's tls_desc_okay), so a TLS slot can hold neither CS nor a 16-bit SS;
 *   - a TLS slot holding the caller's SS emptied (or made read-only) inside that very call:
 *     SIGSEGV, and a SIGSEGV handler still runs (on the flat segments) and can escape;
 *   - a signal handler, a sigreturn EIP and an ELF entry point at 0xFC400000 (past the user code
 *     segment's limit), a sigreturn with a null CS or SS: SIGSEGV.
 * The attacks that used to take the kernel down are attempted in full: should a refusal be
 * missing, the child goes on with the attack instead of stopping. */
#define _GNU_SOURCE /* REG_EIP and friends */
#include "check.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <ucontext.h>

#define BAD_EIP 0xFC400000u /* the first address past the user code segment's limit */

/* struct user_desc (asm/ldt.h), with its bit fields spelled out. */
struct udesc {
    unsigned entry_number, base_addr, limit, flags;
};
#define UD_32BIT 0x01
#define UD_CODE 0x04 /* contents 2 */
#define UD_RX_ONLY 0x08
#define UD_PAGES 0x10
#define UD_NOT_PRESENT 0x20
#define UD_USEABLE 0x40

static long set_tls(struct udesc *u)
{
    return syscall(SYS_set_thread_area, u);
}

/* A free TLS slot holding a flat 32-bit descriptor with these flags; its selector, or 0 with
 * errno set. */
static unsigned new_slot(unsigned flags)
{
    struct udesc u = {(unsigned)-1, 0, 0xfffff, flags};
    return set_tls(&u) == 0 ? u.entry_number * 8 + 3 : 0;
}

/* System call nr(a1) made with SS (or CS) switched to sel; the old one is back afterwards. */
static long syscall_on_ss(unsigned sel, long nr, long a1)
{
    long ret;
    __asm__ volatile("movl %%ss, %%esi\n\t"
                     "movl %[sel], %%ss\n\t"
                     "int $0x80\n\t"
                     "movl %%esi, %%ss"
                     : "=a"(ret)
                     : "a"(nr), "b"(a1), [sel] "r"(sel)
                     : "esi", "memory");
    return ret;
}

static long syscall_on_cs(unsigned sel, long nr, long a1)
{
    long ret;
    __asm__ volatile("movl %%cs, %%esi\n\t"
                     "pushl %[sel]\n\t"
                     "pushl $1f\n\t"
                     "lret\n"
                     "1: int $0x80\n\t"
                     "pushl %%esi\n\t"
                     "pushl $2f\n\t"
                     "lret\n"
                     "2:"
                     : "=a"(ret)
                     : "a"(nr), "b"(a1), [sel] "r"(sel)
                     : "esi", "memory");
    return ret;
}

/* getpid with a 16-bit SS whose base makes SS:SP the current stack; returns the high half of
 * ESP as the kernel left it (it must be ours, not the kernel's stack address). */
static unsigned esp_high_after_16bit_ss(unsigned sel)
{
    unsigned after;
    __asm__ volatile("movl %%ss, %%esi\n\t"
                     "movl %%esp, %%edi\n\t"
                     "movl %[sel], %%ss\n\t"
                     "int $0x80\n\t"
                     "movl %%esp, %%edx\n\t"
                     "movl %%edi, %%esp\n\t"
                     "movl %%esi, %%ss"
                     : "=d"(after), "+a"((long){SYS_getpid})
                     : [sel] "r"(sel)
                     : "esi", "edi", "memory");
    return after >> 16;
}

/* ---- the attacks, each in its own child ---- */

static int code_segment(void *arg)
{
    (void)arg;
    unsigned sel = new_slot(UD_32BIT | UD_CODE | UD_PAGES);
    if (!sel)
        return errno == EINVAL ? 0 : 10;
    /* Accepted: run on it and empty its slot under our own CS (this used to crash the kernel). */
    struct udesc empty = {sel >> 3, 0, 0, UD_RX_ONLY | UD_NOT_PRESENT};
    syscall_on_cs(sel, SYS_set_thread_area, (long)&empty);
    return 11;
}

static int stack_16bit(void *arg)
{
    (void)arg;
    unsigned esp;
    __asm__ volatile("movl %%esp, %0" : "=r"(esp));
    struct udesc u = {(unsigned)-1, esp & 0xffff0000u, 0xffff, 0};
    if (set_tls(&u) != 0)
        return errno == EINVAL ? 0 : 10;
    return esp_high_after_16bit_ss(u.entry_number * 8 + 3) == esp >> 16 ? 11 : 12;
}

static int not_present(void *arg)
{
    (void)arg;
    return new_slot(UD_32BIT | UD_PAGES | UD_NOT_PRESENT) ? 11 : errno == EINVAL ? 0 : 10;
}

/* SS in a TLS slot whose descriptor changes to `to` inside the call itself. */
static int ss_slot_changed(unsigned to_flags, int empty)
{
    unsigned sel = new_slot(UD_32BIT | UD_PAGES);
    if (!sel)
        return 10;
    struct udesc u = {sel >> 3, 0, empty ? 0 : 0xfffff, to_flags};
    syscall_on_ss(sel, SYS_set_thread_area, (long)&u);
    return 0; /* survived with a stack segment that is gone */
}

static int ss_emptied(void *arg)
{
    (void)arg;
    return ss_slot_changed(UD_RX_ONLY | UD_NOT_PRESENT, 1);
}

static int ss_read_only(void *arg)
{
    (void)arg;
    return ss_slot_changed(UD_32BIT | UD_PAGES | UD_RX_ONLY, 0);
}

static sigjmp_buf escape;
static volatile unsigned handler_ss;

static void on_segv_escape(int sig)
{
    (void)sig;
    unsigned ss;
    __asm__ volatile("movl %%ss, %0" : "=r"(ss));
    handler_ss = ss;
    siglongjmp(escape, 1);
}

static int ss_emptied_caught(void *arg)
{
    (void)arg;
    unsigned flat;
    __asm__ volatile("movl %%ss, %0" : "=r"(flat));
    signal(SIGSEGV, on_segv_escape);
    if (sigsetjmp(escape, 1) == 0) {
        ss_emptied(0);
        return 20; /* no signal at all */
    }
    return handler_ss == flat ? 0 : 21;
}

static void on_usr1_unused(int sig)
{
    (void)sig;
}

static volatile int segv_code;
static void *volatile segv_addr;

static void on_segv_report(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    segv_code = si->si_code;
    segv_addr = si->si_addr;
    siglongjmp(escape, 1);
}

/* A SIGSEGV handler that records si_code and si_addr, then escapes. */
static void catch_segv(void)
{
    struct sigaction sa = {0};
    sa.sa_sigaction = on_segv_report;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
}

static int handler_past_limit(void *arg)
{
    int caught = arg != NULL;
    struct sigaction sa = {0};
    sa.sa_handler = (void (*)(int))(uintptr_t)BAD_EIP;
    sigaction(SIGUSR1, &sa, NULL);
    if (caught) {
        catch_segv();
        if (sigsetjmp(escape, 1) != 0)
            return segv_code == SEGV_MAPERR && segv_addr == (void *)(uintptr_t)BAD_EIP ? 0 : 21;
    }
    raise(SIGUSR1);
    (void)on_usr1_unused;
    return 20;
}

/* A SIGUSR1 handler that edits the context it returns to: EIP, CS or SS. */
static volatile int edit;
static void on_usr1_edit(int sig, siginfo_t *si, void *ctx)
{
    (void)sig, (void)si;
    ucontext_t *uc = ctx;
    if (edit == 0)
        uc->uc_mcontext.gregs[REG_EIP] = BAD_EIP;
    else if (edit == 1)
        uc->uc_mcontext.gregs[REG_CS] = 0;
    else
        uc->uc_mcontext.gregs[REG_SS] = 0;
}

static int sigreturn_to(void *arg)
{
    edit = (int)(intptr_t)arg;
    struct sigaction sa = {0};
    sa.sa_sigaction = on_usr1_edit;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    return 20;
}

static int sigreturn_past_limit_caught(void *arg)
{
    (void)arg;
    edit = 0;
    struct sigaction sa = {0};
    sa.sa_sigaction = on_usr1_edit;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    catch_segv();
    if (sigsetjmp(escape, 1) != 0)
        return segv_code == SEGV_MAPERR && segv_addr == (void *)(uintptr_t)BAD_EIP ? 0 : 21;
    raise(SIGUSR1);
    return 20;
}

/* A copy of this program in /tmp whose ELF entry point is `entry`. */
static int write_copy(const char *self, const char *path, uint32_t entry)
{
    static char buf[1 << 20];
    int in = open(self, O_RDONLY), out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    ssize_t n = in < 0 ? -1 : read(in, buf, sizeof buf);
    close(in);
    if (out < 0 || n < 64 || n == (ssize_t)sizeof buf)
        return -1;
    memcpy(buf + 24, &entry, 4); /* e_entry */
    int ok = write(out, buf, (size_t)n) == n;
    return close(out) == 0 && ok ? 0 : -1;
}

static void exec_entry(const char *self, uint32_t entry, const char *what)
{
    const char *path = "/tmp/t_segments.entry";
    if (write_copy(self, path, entry) != 0) {
        CHECK(0, "a copy of the program with its entry point at %s", what);
        return;
    }
    pid_t pid = check_fork();
    if (pid == 0) {
        char *argv[] = {(char *)path, "never", NULL};
        execv(path, argv);
        _exit(30);
    }
    check_status(check_wait(pid), 0, SIGSEGV, "exec of an ELF whose entry point is %s", what);
    unlink(path);
}

/* name, function, argument, the signal that must end it (0: exit status 0), what it shows */
static const struct attack {
    const char *name;
    int (*fn)(void *);
    void *arg;
    int sig;
    const char *what;
} attacks[] = {
    {"code_segment", code_segment, 0, 0,
     "set_thread_area refuses a code segment (EINVAL): no TLS slot holds a CS"},
    {"stack_16bit", stack_16bit, 0, 0,
     "set_thread_area refuses a 16-bit segment (EINVAL): no 16-bit SS to leak ESP"},
    {"not_present", not_present, 0, 0, "set_thread_area refuses a not-present segment (EINVAL)"},
    {"ss_emptied", ss_emptied, 0, SIGSEGV, "the TLS slot holding SS emptied inside the call"},
    {"ss_read_only", ss_read_only, 0, SIGSEGV,
     "the TLS slot holding SS made read-only inside the call"},
    {"ss_emptied_caught", ss_emptied_caught, 0, 0,
     "a SIGSEGV handler runs on the flat SS and escapes after SS was emptied"},
    {"handler", handler_past_limit, 0, SIGSEGV, "a signal handler at 0xFC400000"},
    {"handler_caught", handler_past_limit, (void *)1, 0,
     "a signal handler at 0xFC400000: SIGSEGV, SEGV_MAPERR at that address"},
    {"sigreturn_eip", sigreturn_to, (void *)0, SIGSEGV, "a sigreturn to EIP 0xFC400000"},
    {"sigreturn_eip_caught", sigreturn_past_limit_caught, 0, 0,
     "a sigreturn to EIP 0xFC400000: SIGSEGV, SEGV_MAPERR at that address"},
    {"sigreturn_cs", sigreturn_to, (void *)1, SIGSEGV, "a sigreturn with a null CS"},
    {"sigreturn_ss", sigreturn_to, (void *)2, SIGSEGV, "a sigreturn with a null SS"},
};

/* With an attack's name as argument, only that one runs (to watch a single attack). */
int main(int argc, char **argv)
{
    check_init();
    if (argc > 1 && strcmp(argv[1], "never") == 0)
        return 40; /* the copy with its entry point moved: reaching main is wrong */
    for (size_t i = 0; i < sizeof attacks / sizeof attacks[0]; i++) {
        const struct attack *a = &attacks[i];
        if (argc > 1 && strcmp(argv[1], a->name) != 0)
            continue;
        check_status(check_run_child(a->fn, a->arg), 0, a->sig, "%s", a->what);
    }
    if (argc == 1 || strcmp(argv[1], "entry") == 0) {
        exec_entry(argv[0], BAD_EIP, "0xFC400000");
        exec_entry(argv[0], 0xC0001000u, "0xC0001000 (kernel space)");
    }
    CHECK_INT(getppid() >= 0, 1, "the kernel is still running");
    return check_done();
}
