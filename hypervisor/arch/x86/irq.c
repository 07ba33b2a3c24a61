/*
 * Device interrupt lines on the 8259 pair: handlers attached per line (shared lines allowed),
 * dispatch, and the count of interrupts nobody claimed. Spurious IRQ 7 and 15 are filtered in
 * traps.c before they get here.
 */
#include "hv/io.h"
#include "layout.h"
#include "x86.h"
#include <public/xen.h>

#define IRQ_LINES 16
#define HANDLERS_PER_LINE 4

struct irq_action {
    irq_handler_fn *fn;
    void *ctx;
};

static struct irq_action actions[IRQ_LINES][HANDLERS_PER_LINE];
static uint32_t unclaimed[IRQ_LINES];

static void unmask(unsigned line)
{
    uint16_t port = line < 8 ? 0x21 : 0xa1;
    outb(port, inb(port) & (uint8_t) ~(1u << (line & 7)));
    if (line >= 8)
        outb(0x21, inb(0x21) & (uint8_t) ~(1u << 2)); /* the cascade */
}

int arch_irq_attach(unsigned line, irq_handler_fn *fn, void *ctx)
{
    if (line >= IRQ_LINES || line == 2 || line == IRQ_TIMER)
        return -XEN_EINVAL;
    for (unsigned i = 0; i < HANDLERS_PER_LINE; i++)
        if (!actions[line][i].fn) {
            actions[line][i] = (struct irq_action){fn, ctx};
            unmask(line);
            return 0;
        }
    return -XEN_ENOSPC;
}

int arch_irq_level_triggered(unsigned line)
{
    return line < IRQ_LINES && ((line < 8 ? inb(0x4d0) : inb(0x4d1)) >> (line & 7)) & 1;
}

uint32_t arch_irq_unclaimed(unsigned line)
{
    return line < IRQ_LINES ? unclaimed[line] : 0;
}

/* Every handler on a shared line is asked: two devices may have raised it together. */
void irq_dispatch(unsigned line)
{
    int claimed = 0;
    for (unsigned i = 0; i < HANDLERS_PER_LINE && actions[line][i].fn; i++)
        claimed |= actions[line][i].fn(actions[line][i].ctx);
    if (!claimed)
        unclaimed[line]++;
}
