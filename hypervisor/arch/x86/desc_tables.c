/* The hypervisor's GDT (ABI §1 reserved entries), its TSS and the IDT (ABI §4 gate DPLs). */
#include <stdint.h>
#include "lib/string.h"
#include "desc.h"
#include "internal.h"
#include "layout.h"
#include "x86.h"
#include "hv/arch.h"
#include <public/xen.h>

struct gate {
    uint16_t off_lo, sel;
    uint8_t zero, type_attr;
    uint16_t off_hi;
} __attribute__((packed));

struct desc gdt[HV_GDT_ENTRIES] __attribute__((aligned(4096)));
static struct gate idt[256] __attribute__((aligned(8)));
struct tss x86_tss __attribute__((aligned(128)));

extern const uint32_t trap_stubs[NR_EXCEPTION_VECTORS + NR_IRQ_VECTORS]; /* exceptions, then IRQs */
extern char hypercall_stub[], spurious_stub[], hv_stack[];

#define GATE_INTR 0xe
#define GATE_TRAP 0xf

static void set_gate(unsigned vec, uint32_t handler, uint16_t sel, unsigned type, unsigned dpl)
{
    idt[vec].off_lo = handler & 0xffff;
    idt[vec].off_hi = handler >> 16;
    idt[vec].sel = sel;
    idt[vec].zero = 0;
    idt[vec].type_attr = 0x80 | (uint8_t)((dpl & 3) << 5) | type;
}

static void install_gdt(void)
{
    const uint8_t code = DESC_P | DESC_S | DESC_TYPE_CODE_RX,
                  data = DESC_P | DESC_S | DESC_TYPE_DATA_RW;
    const uint8_t flags = DESC_FLAG_G | DESC_FLAG_DB;
    const uint32_t guest_limit = (GUEST_SEGMENT_END >> 12) - 1; /* 0xFC3FF */

    gdt[HV_CS >> 3] = desc_make(0, 0xfffff, code, flags);
    gdt[HV_DS >> 3] = desc_make(0, 0xfffff, data, flags);
    gdt[FLAT_RING1_CS >> 3] = desc_make(0, guest_limit, code | DESC_DPL(1), flags);
    gdt[FLAT_RING1_DS >> 3] = desc_make(0, guest_limit, data | DESC_DPL(1), flags);
    gdt[FLAT_RING3_CS >> 3] = desc_make(0, guest_limit, code | DESC_DPL(3), flags);
    gdt[FLAT_RING3_DS >> 3] = desc_make(0, guest_limit, data | DESC_DPL(3), flags);
    /* Available 32-bit TSS (type 9); no I/O bitmap, so ring 1 has no port access. */
    gdt[HV_TSS_ENTRY] = desc_make((uint32_t)&x86_tss, sizeof(x86_tss) - 1, DESC_P | 0x9, 0);

    struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) gdtr = {sizeof(gdt) - 1, (uint32_t)gdt};
    __asm__ volatile("lgdt %0\n\t"
                     "ljmp %1, $1f\n"
                     "1: mov %2, %%eax\n\t"
                     "mov %%eax, %%ds\n\tmov %%eax, %%es\n\tmov %%eax, %%ss\n\t"
                     "xor %%eax, %%eax\n\tmov %%eax, %%fs\n\tmov %%eax, %%gs\n\t"
                     :
                     : "m"(gdtr), "i"(HV_CS), "i"(HV_DS)
                     : "eax", "memory");
}

static void install_tss(void)
{
    x86_tss.esp0 = (uint32_t)hv_stack + HV_STACK_SIZE;
    x86_tss.ss0 = HV_DS;
    x86_tss.ss1 = FLAT_RING1_DS;
    x86_tss.iomap_base = sizeof(x86_tss); /* beyond the limit: every port is refused */
    __asm__ volatile("ltr %w0" ::"r"(HV_TSS_SEL));
}

static void install_idt(void)
{
    for (unsigned v = 0; v < 256; v++)
        set_gate(v, (uint32_t)spurious_stub, HV_CS, GATE_INTR, 0);
    for (unsigned v = 0; v < NR_EXCEPTION_VECTORS; v++)
        set_gate(v, trap_stubs[v], HV_CS, GATE_INTR,
                 (v == TRAP_int3 || v == TRAP_overflow) ? 3 : 0);
    for (unsigned i = 0; i < NR_IRQ_VECTORS; i++)
        set_gate(IRQ_VECTOR_BASE + i, trap_stubs[32 + i], HV_CS, GATE_INTR, 0);
    set_gate(HYPERCALL_VECTOR, (uint32_t)hypercall_stub, HV_CS, GATE_INTR, 1);

    struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint32_t)idt};
    __asm__ volatile("lidt %0" ::"m"(idtr));
}

void arch_desc_tables_init(void)
{
    install_gdt();
    install_tss();
    install_idt();
}

/* A fast-trap gate: 32-bit trap gate with the guest's selector and DPL. */
void x86_idt_set_trap_gate(unsigned vec, uint16_t cs, uint32_t eip, unsigned dpl)
{
    set_gate(vec, eip, cs, GATE_TRAP, dpl);
}

/* Back to the default: a DPL-0 gate, so "int vec" from the guest raises #GP and bounces. */
void x86_idt_reset_gate(unsigned vec)
{
    set_gate(vec, (uint32_t)spurious_stub, HV_CS, GATE_INTR, 0);
}
