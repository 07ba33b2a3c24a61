/* The ring-1 stack the CPU switches to on an entry from ring 3 (TSS ss1/esp1). */
#ifndef GUEST_USER_H
#define GUEST_USER_H

#include <stdint.h>

/* Point the ring-1 entry stack at esp (stack_switch). */
int user_set_entry_stack(uint32_t esp);
/* The first task's: a static stack in .bss. */
uint32_t user_entry_stack_top(void);

#endif
