/* 16550 UART on COM1 (0x3f8), 115200 8N1, polled. */
#include "hv/arch.h"
#include "x86.h"

#define COM1 0x3f8
#define UART_THR 0 /* transmit holding (write) / receive buffer (read) */
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

static int uart_present;

void arch_serial_init(void)
{
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, 0x80); /* DLAB: divisor follows */
    outb(COM1 + 0, 1);           /* 115200 = 115200 / 1 */
    outb(COM1 + 1, 0);
    outb(COM1 + UART_LCR, 0x03); /* 8N1 */
    outb(COM1 + UART_FCR, 0xc7); /* FIFOs on, cleared */
    outb(COM1 + UART_MCR, 0x0b); /* DTR, RTS, OUT2 (routes the UART's interrupt to the PIC) */
    outb(COM1 + UART_IER, 0x01); /* interrupt when a byte arrives */
    /* No UART answers 0xff on its line-status register. */
    uart_present = inb(COM1 + UART_LSR) != 0xff;
}

void arch_serial_putc(char c)
{
    if (!uart_present)
        return;
    for (unsigned spin = 0; spin < 100000 && !(inb(COM1 + UART_LSR) & LSR_THR_EMPTY); spin++)
        ;
    outb(COM1 + UART_THR, (uint8_t)c);
}

int arch_serial_getc(void)
{
    if (!uart_present || !(inb(COM1 + UART_LSR) & LSR_DATA_READY))
        return -1;
    return inb(COM1 + UART_THR);
}
