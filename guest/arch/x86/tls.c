/* set_thread_area / get_thread_area: a process's TLS segments, Linux i386 style, in GDT entries
 * 6-8. The descriptor is built here from struct user_desc (always DPL 3, accessed bit set:
 * the GDT is read-only), kept in the process and loaded into the GDT at every switch; the
 * hypervisor checks it (ABI §1) like any descriptor. As in Linux (tls_desc_okay), only present
 * 32-bit data segments are accepted: a TLS slot never holds a code segment (so never CS) nor a
 * 16-bit stack segment (an iret to one would hand ring 3 the high half of the kernel's ESP).
 * Changing the slot that the caller's own SS uses is allowed, as in Linux, and ends in SIGSEGV
 * (arch/x86/user_frame.c). */
#include <linux/errno.h>
#include <arch/x86/context.h>
#include <arch/x86/gdt.h>
#include <kernel/procs.h>
#include <kernel/syscalls.h>
#include <arch/x86/uaccess.h>
#include <arch/x86/user_frame.h>

#define UD_KNOWN 0x7fu /* the flag bits of struct user_desc (bit 7, lm, is 64-bit only) */

/* "No segment": Linux's LDT_empty (the documented way) or an all-zero descriptor (LDT_zero). */
static int is_empty(const struct linux_user_desc *u)
{
    uint32_t f = u->flags & UD_KNOWN;

    return u->base_addr == 0 && u->limit == 0 &&
           (f == (UD_READ_EXEC_ONLY | UD_SEG_NOT_PRESENT) || f == 0);
}

/* Linux's tls_desc_okay: a present 32-bit data segment (expand-up or expand-down). */
static int acceptable(const struct linux_user_desc *u)
{
    return is_empty(u) || ((u->flags & UD_SEG_32BIT) && (u->flags & UD_CONTENTS_MASK) <= 2 &&
                           !(u->flags & UD_SEG_NOT_PRESENT));
}

static struct gdt_desc encode(const struct linux_user_desc *u)
{
    if (is_empty(u))
        return (struct gdt_desc){0, 0};
    /* Data (acceptable() lets nothing else through), expand-down when contents is 1. */
    uint32_t type = 0x1 | ((u->flags & UD_CONTENTS_MASK) ? 0x4 : 0) |
                    ((u->flags & UD_READ_EXEC_ONLY) ? 0 : 0x2);
    uint32_t access = ((u->flags & UD_SEG_NOT_PRESENT) ? 0 : 0x80u) | 3u << 5 | 0x10u | type;
    uint32_t gran = ((u->flags & UD_LIMIT_IN_PAGES) ? 0x8u : 0) |
                    ((u->flags & UD_SEG_32BIT) ? 0x4u : 0) | ((u->flags & UD_USEABLE) ? 0x1u : 0);
    return gdt_make(u->base_addr, u->limit, access, gran);
}

static int valid_slot(int32_t idx)
{
    return idx >= GDT_TLS_FIRST && idx < GDT_TLS_FIRST + NR_TLS;
}

long sys_set_thread_area(u32 udesc)
{
    struct proc *p = current_proc();
    struct linux_user_desc u;

    if (copy_from_user(&u, udesc, sizeof(u)))
        return -EFAULT;
    if (!acceptable(&u))
        return -EINVAL;
    int32_t idx = (int32_t)u.entry_number;
    if (idx == -1) {
        for (unsigned i = 0; i < NR_TLS && idx == -1; i++)
            if (!p->tls[i][0] && !p->tls[i][1])
                idx = GDT_TLS_FIRST + (int32_t)i;
        if (idx == -1)
            return -ESRCH;
        u.entry_number = (uint32_t)idx;
        if (copy_to_user(udesc, &u.entry_number, sizeof(u.entry_number)))
            return -EFAULT;
    }
    if (!valid_slot(idx))
        return -EINVAL;
    struct gdt_desc d = encode(&u);
    uint32_t old[2] = {p->tls[idx - GDT_TLS_FIRST][0], p->tls[idx - GDT_TLS_FIRST][1]};
    p->tls[idx - GDT_TLS_FIRST][0] = d.lo;
    p->tls[idx - GDT_TLS_FIRST][1] = d.hi;
    if (context_load_tls(p)) {
        /* The hypervisor refused the descriptor (ABI §1): keep the old one. */
        p->tls[idx - GDT_TLS_FIRST][0] = old[0];
        p->tls[idx - GDT_TLS_FIRST][1] = old[1];
        context_load_tls(p);
        return -EINVAL;
    }
    user_frame_vet(p, syscall_frame()); /* our SS may have been in that slot */
    return 0;
}

long sys_get_thread_area(u32 udesc)
{
    struct proc *p = current_proc();
    struct linux_user_desc u;

    if (copy_from_user(&u, udesc, sizeof(u)))
        return -EFAULT;
    int32_t idx = (int32_t)u.entry_number;
    if (!valid_slot(idx))
        return -EINVAL;
    uint32_t lo = p->tls[idx - GDT_TLS_FIRST][0], hi = p->tls[idx - GDT_TLS_FIRST][1];
    u.base_addr = (lo >> 16) | (hi & 0xffu) << 16 | (hi & 0xff000000u);
    u.limit = (lo & 0xffffu) | (hi & 0xf0000u);
    u.flags = ((hi >> 22) & 1 ? UD_SEG_32BIT : 0) | ((hi >> 23) & 1 ? UD_LIMIT_IN_PAGES : 0) |
              ((hi >> 15) & 1 ? 0 : UD_SEG_NOT_PRESENT) | ((hi >> 20) & 1 ? UD_USEABLE : 0) |
              ((hi >> 9) & 1 ? 0 : UD_READ_EXEC_ONLY) | (((hi >> 10) & 3) << 1 & UD_CONTENTS_MASK);
    if (!lo && !hi)
        u.flags = UD_READ_EXEC_ONLY | UD_SEG_NOT_PRESENT;
    return copy_to_user(udesc, &u, sizeof(u)) ? -EFAULT : 0;
}
