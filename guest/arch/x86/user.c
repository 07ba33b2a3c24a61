/* The ring-1 entry stack: where the CPU puts the frame of an entry from ring 3. */
#include <pv/mmu.h>
#include <arch/x86/user.h>

#define ENTRY_STACK_SIZE 8192
static uint8_t entry_stack[ENTRY_STACK_SIZE] __attribute__((aligned(16)));

uint32_t user_entry_stack_top(void)
{
    return (uint32_t)entry_stack + ENTRY_STACK_SIZE;
}

int user_set_entry_stack(uint32_t esp)
{
    uint32_t ss;

    __asm__ volatile("mov %%ss, %0" : "=r"(ss));
    return HYPERVISOR_stack_switch(ss & 0xffff, esp);
}
