/*
 * The way back to ring 3. A process's frame is taken by an iret in ring 1, and an iret that
 * faults there is the kernel's fault, not the process's: so everything ring 3 can put into a
 * frame is checked before it gets there (user_frame_vet), and should an iret fault all the same
 * (a descriptor changed under a selector, something not thought of) the exception table sends it
 * to user_frame_bad_iret, which turns it into the signal the process would have got on Linux:
 * SIGSEGV for #GP, SIGBUS for #NP and #SS.
 *
 * What ring 3 can load: the flat code and data segments (ours and the hypervisor's), the TLS
 * slots as the process set them (32-bit data segments only: tls.c refuses code, 16-bit and
 * not-present ones, as Linux does), nothing from an LDT (there is none). EIP must lie within the
 * code segment, which ends at USER_CODE_LIMIT: on real hardware (and Bochs) an iret past it
 * faults in ring 1 (QEMU's TCG does not check, which hid it).
 */
#include <pv/console.h>
#include <pv/events.h>
#include <arch/x86/gdt.h>
#include <kernel/procs.h>
#include <kernel/syscalls.h>
#include <arch/x86/traps.h>
#include <arch/x86/user_frame.h>

uint32_t bad_iret_vector, bad_iret_error;
int user_frame_checks = 1;

/* Access-byte and flag bits of a descriptor's high word. */
#define D_PRESENT 0x8000u
#define D_DPL(hi) (((hi) >> 13) & 3u)
#define D_S 0x1000u       /* code or data (not a system descriptor) */
#define D_CODE 0x0800u    /* type bit 3 */
#define D_WRITE 0x0200u   /* data: writable */
#define D_BIG 0x00400000u /* D/B: 32-bit */
#define D_GRAN 0x00800000u

/* The descriptor ring 3 gets for sel (only what it may load: RPL 3, GDT, ours or the flat ones
 * of the hypervisor); 0 when sel names nothing of the kind. */
static int user_desc(const struct proc *p, uint32_t sel, struct gdt_desc *d)
{
    unsigned idx = (sel & 0xffffu) >> 3;

    if ((sel & 7u) != 3u) /* RPL 3, GDT */
        return 0;
    if (idx >= GDT_TLS_FIRST && idx < GDT_TLS_FIRST + NR_TLS) {
        d->lo = p->tls[idx - GDT_TLS_FIRST][0];
        d->hi = p->tls[idx - GDT_TLS_FIRST][1];
    } else if (sel == GDT_USER_CS || sel == GDT_USER_DS || idx == GDT_SCRATCH) {
        *d = gdt_read(idx);
    } else if (sel == FLAT_RING3_CS) {
        *d = gdt_make(0, DESC_LIMIT_FLAT, DESC_CODE(3), DESC_G_D);
    } else if (sel == FLAT_RING3_DS) {
        *d = gdt_make(0, DESC_LIMIT_FLAT, DESC_DATA(3), DESC_G_D);
    } else {
        return 0;
    }
    return (d->hi & (D_PRESENT | D_S)) == (D_PRESENT | D_S) && D_DPL(d->hi) == 3;
}

static uint32_t limit_bytes(struct gdt_desc d)
{
    uint32_t l = gdt_limit20(d);

    return (d.hi & D_GRAN) ? l << 12 | 0xfffu : l;
}

int user_frame_vet(struct proc *p, const struct trap_frame *f)
{
    struct gdt_desc cs, ss;

    if (!user_frame_checks)
        return 0;
    if (!user_desc(p, f->cs, &cs) || !(cs.hi & D_CODE) || !user_desc(p, f->ss, &ss) ||
        (ss.hi & D_CODE) || !(ss.hi & D_WRITE) || !(ss.hi & D_BIG)) {
        signal_force(p, SIGSEGV, SI_KERNEL, 0); /* the iret's #GP */
        return -1;
    }
    if (f->eip > limit_bytes(cs) || f->eip > USER_CODE_LIMIT) {
        signal_force(p, SIGSEGV, SEGV_MAPERR, f->eip); /* the fetch's fault */
        return -1;
    }
    return 0;
}

void user_frame_bad_iret(struct trap_frame *f)
{
    static unsigned reported;
    struct proc *p = current_proc();
    int sig = bad_iret_vector == 13 ? SIGSEGV : SIGBUS;

    f->vector = bad_iret_vector;
    f->error = bad_iret_error;
    f->cr2 = 0;
    if (!p || f != syscall_frame() || (f->cs & 3) != 3) {
        printk("kernel %s on an iret to ring 3 at %#x (cs %#x ss %#x) outside a process\n",
               trap_name(bad_iret_vector), f->eip, f->cs & 0xffff, f->ss & 0xffff);
        printk("shutting down: crash\n");
        HYPERVISOR_shutdown(SHUTDOWN_crash);
        for (;;)
            HYPERVISOR_sched_op(SCHEDOP_block);
    }
    if (++reported <= 20)
        printk("%s[%d]: %s on the way back to ring 3: ip %#x cs %#x ss %#x error %#x\n", p->name,
               p->pid, trap_name(bad_iret_vector), f->eip, f->cs & 0xffff, f->ss & 0xffff,
               f->error);
    signal_force(p, sig, SI_KERNEL, 0);
    /* The syscall exit path this returns to expects events on, whatever the iret left. */
    evt_enable();
}
