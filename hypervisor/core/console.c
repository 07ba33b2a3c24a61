/* Console output to the devices chosen on the command line, and buffered serial input. */
#include <stdarg.h>
#include "hv/arch.h"
#include "hv/cmdline.h"
#include "hv/console.h"
#include "hv/domain.h"
#include "hv/options.h"
#include "lib/format.h"
#include "lib/string.h"

static unsigned sinks = CONSOLE_COM1;
static int screen_is_fb; /* the "vga" sink draws on the loader's framebuffer */
static char input[256];  /* bytes read from the UART, not yet taken by the guest */
static size_t input_len;

void console_init(unsigned mask, const struct boot_fb *fb)
{
    screen_is_fb = 0;
    if ((mask & CONSOLE_VGA) && fb)
        screen_is_fb = arch_fb_init(fb) == 0;
    if ((mask & CONSOLE_VGA) && !screen_is_fb && (fb || arch_vga_init() != 0))
        mask &= ~CONSOLE_VGA;
    sinks = mask;
}

int console_on_fb(void)
{
    return screen_is_fb && (sinks & CONSOLE_VGA);
}

void console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (sinks & CONSOLE_COM1) {
            if (c == '\n')
                arch_serial_putc('\r');
            arch_serial_putc(c);
        }
        if ((sinks & CONSOLE_VGA) && screen_is_fb)
            arch_fb_putc(c);
        else if (sinks & CONSOLE_VGA)
            arch_vga_putc(c);
    }
}

/* Every line the hypervisor prints starts with "(hv) " (line_tag), added here (not by the callers)
 * at each line start: a line may be printed by several printk calls (a backtrace, a register dump),
 * and one call may print several lines. */
static int at_line_start = 1;
static const char line_tag[] = "(hv) ";

static void vprintk(const char *fmt, va_list ap)
{
    char buf[512];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    if (n > (int)sizeof(buf) - 1)
        n = sizeof(buf) - 1;
    size_t from = 0;
    for (size_t i = 0; i < (size_t)n; i++) {
        if (at_line_start) {
            console_write(buf + from, i - from);
            console_write(line_tag, sizeof(line_tag) - 1);
            from = i;
        }
        at_line_start = buf[i] == '\n';
    }
    console_write(buf + from, (size_t)n - from);
}

void printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

void printk_debug(const char *fmt, ...)
{
    va_list ap;
    if (hv_opts.loglevel < LOG_DEBUG)
        return;
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

static void poll_input(void)
{
    int c;
    while (input_len < sizeof(input) && (c = arch_serial_getc()) >= 0)
        input[input_len++] = (char)c;
}

void console_interrupt(struct domain *d)
{
    size_t before = input_len;
    poll_input();
    if (input_len != before || input_len == sizeof(input))
        send_virq(d, VIRQ_CONSOLE);
}

size_t console_peek(char *buf, size_t n)
{
    poll_input();
    if (n > input_len)
        n = input_len;
    memcpy(buf, input, n);
    return n;
}

void console_consume(size_t n)
{
    if (n > input_len)
        n = input_len;
    memmove(input, input + n, input_len - n);
    input_len -= n;
}

size_t console_read(char *buf, size_t n)
{
    n = console_peek(buf, n);
    console_consume(n);
    return n;
}
