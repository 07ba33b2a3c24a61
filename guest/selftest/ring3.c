/* Ring 3 for the self-tests: .user made user-accessible, the fast-trap switch, and the C side
 * of the test write system call (ring-3 pointers are checked, never trusted). */
#include <pv/console.h>
#include <pv/mmu.h>
#include <arch/x86/traps.h>
#include <lib/errno_names.h>
#include <selftest/ring3.h>

int user_fast_trap(int on)
{
    return HYPERVISOR_set_fast_trap(on ? TRAP_SYSCALL : 0);
}

int user_init(const start_info_t *si)
{
    const uint32_t *p2m = (const uint32_t *)si->mfn_list;
    int rc = 0;

    for (uint32_t va = (uint32_t)__user_start; va < (uint32_t)__user_end && !rc;
         va += XEN_PAGE_SIZE) {
        uint32_t mfn = p2m[(va - GUEST_VIRT_START) >> XEN_PAGE_SHIFT];
        rc = HYPERVISOR_update_va_mapping(
            va >> XEN_PAGE_SHIFT, mfn << XEN_PAGE_SHIFT | PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D,
            UVMF_INVLPG);
    }
    if (rc == 0)
        rc = user_set_entry_stack(user_entry_stack_top());
    if (rc)
        printk("error: cannot prepare ring 3: %s\n", errno_name(rc));
    return rc;
}

long test_sys_write(uint32_t buf, uint32_t len)
{
    uint32_t lo = (uint32_t)__user_start, hi = (uint32_t)__user_end;

    if (len > SYS_WRITE_MAX)
        return -XEN_EINVAL;
    if (buf < lo || buf > hi || len > hi - buf)
        return -XEN_EFAULT;
    console_write((const char *)buf, len);
    return (long)len;
}
