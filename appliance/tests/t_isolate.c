/* t_isolate: ring 3 cannot reach the kernel or the hypervisor: children that read, write or jump
 * into kernel and hypervisor memory, execute privileged instructions, load kernel selectors or
 * issue the hypercall trap (int $0x82) must each die with SIGSEGV, while a sibling computes
 * undisturbed and the parent carries on. */
#include "check.h"

#include <stdint.h>

struct attempt {
    const char *what;
    void (*fn)(void);
};

#define ADDR(a) ((volatile unsigned *)(uintptr_t)(a))

static void read_kernel(void)
{
    (void)*ADDR(0xC0000000);
}
static void write_kernel(void)
{
    *ADDR(0xC0000000) = 0xdead;
}
static void read_kernel_high(void)
{
    (void)*ADDR(0xC0100000);
}
static void read_hv(void)
{
    (void)*ADDR(0xFC000000);
}
static void write_hv(void)
{
    *ADDR(0xFC000000) = 0xdead;
}
static void read_hv_top(void)
{
    (void)*ADDR(0xFFFFF000);
}
static void jump_kernel(void)
{
    ((void (*)(void))(uintptr_t)0xC0000000)();
}
static void do_cli(void)
{
    __asm__ volatile("cli");
}
static void do_sti(void)
{
    __asm__ volatile("sti");
}
static void do_hlt(void)
{
    __asm__ volatile("hlt");
}
static void write_cr3(void)
{
    __asm__ volatile("xorl %%eax, %%eax\n\tmovl %%eax, %%cr3" ::: "eax");
}
static void read_cr0(void)
{
    __asm__ volatile("movl %%cr0, %%eax" ::: "eax");
}
static void port_in(void)
{
    __asm__ volatile("inb $0x80, %%al" ::: "eax");
}
static void port_out(void)
{
    __asm__ volatile("xorl %%eax, %%eax\n\toutb %%al, $0x80" ::: "eax");
}
static void port_out_dx(void)
{
    __asm__ volatile("movl $0xf4, %%edx\n\txorl %%eax, %%eax\n\toutb %%al, %%dx" ::: "eax", "edx");
}
static void do_lgdt(void)
{
    static const struct __attribute__((packed)) {
        unsigned short limit;
        unsigned base;
    } desc = {0, 0};
    __asm__ volatile("lgdt %0" ::"m"(desc));
}
static void do_lidt(void)
{
    static const struct __attribute__((packed)) {
        unsigned short limit;
        unsigned base;
    } desc = {0, 0};
    __asm__ volatile("lidt %0" ::"m"(desc));
}
static void do_wrmsr(void)
{
    __asm__ volatile("xorl %%eax, %%eax\n\txorl %%edx, %%edx\n\tmovl $0x10, %%ecx\n\twrmsr" ::
                         : "eax", "ecx", "edx");
}
static void do_invlpg(void)
{
    __asm__ volatile("invlpg (%0)" ::"r"(0xC0000000u) : "memory");
}
static void hypercall(void)
{
    /* __HYPERVISOR_sched_op(SCHEDOP_shutdown): would power the machine off if it got through. */
    __asm__ volatile("movl $6, %%eax\n\tmovl $2, %%ebx\n\tint $0x82" ::: "eax", "ebx", "memory");
}
static void kernel_ds(void)
{
    __asm__ volatile("movl $0x11, %%eax\n\tmovl %%eax, %%ds" ::: "eax");
}
static void kernel_ss(void)
{
    __asm__ volatile("movl $0x11, %%eax\n\tmovl %%eax, %%ss" ::: "eax");
}
static void hv_ds(void)
{
    __asm__ volatile("movl $0xe010, %%eax\n\tmovl %%eax, %%es" ::: "eax");
}

static const struct attempt attempts[] = {
    {"read 0xC0000000 (guest kernel)", read_kernel},
    {"write 0xC0000000", write_kernel},
    {"read 0xC0100000", read_kernel_high},
    {"read 0xFC000000 (hypervisor)", read_hv},
    {"write 0xFC000000", write_hv},
    {"read 0xFFFFF000", read_hv_top},
    {"jump to 0xC0000000", jump_kernel},
    {"cli", do_cli},
    {"sti", do_sti},
    {"hlt", do_hlt},
    {"mov %eax, %cr3", write_cr3},
    {"mov %cr0, %eax", read_cr0},
    {"in $0x80", port_in},
    {"out $0x80", port_out},
    {"out to the debug-exit port 0xf4", port_out_dx},
    {"lgdt", do_lgdt},
    {"lidt", do_lidt},
    {"wrmsr", do_wrmsr},
    {"invlpg", do_invlpg},
    {"int $0x82 (hypercall)", hypercall},
    {"load selector 0x11 into %ds", kernel_ds},
    {"load selector 0x11 into %ss", kernel_ss},
    {"load selector 0xe010 into %es", hv_ds},
};

static long long work(int n)
{
    long long acc = 0;
    for (int i = 0; i < n; i++)
        acc = acc * 31 + i;
    return acc;
}

int main(void)
{
    check_init();
    int n = (int)(sizeof attempts / sizeof attempts[0]);
    /* A bystander that keeps computing while its siblings are killed. */
    int p[2];
    pipe(p);
    pid_t bystander = check_fork();
    if (bystander == 0) {
        long long r = 0;
        for (int k = 0; k < 200; k++)
            r += work(20000);
        write(p[1], &r, sizeof r);
        _exit(0);
    }
    for (int i = 0; i < n; i++) {
        pid_t pid = check_fork();
        if (pid == 0) {
            attempts[i].fn();
            _exit(0);
        }
        check_status(check_wait(pid), 0, SIGSEGV, "%s", attempts[i].what);
    }
    long long got = 0, want = 0;
    for (int k = 0; k < 200; k++)
        want += work(20000);
    CHECK(read(p[0], &got, sizeof got) == sizeof got && got == want,
          "the bystander's result is right");
    check_status(check_wait(bystander), 0, 0, "the bystander");

    /* The parent is fine: memory, files and processes still work. */
    char *m = malloc(100000);
    memset(m, 7, 100000);
    CHECK(m[99999] == 7, "the parent still allocates memory");
    free(m);
    pid_t pid = check_fork();
    if (pid == 0)
        _exit(5);
    check_status(check_wait(pid), 5, 0, "the parent still forks");
    return check_done();
}
