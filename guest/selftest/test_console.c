/* test=console: a line typed on the serial port reaches a blocked reader through
 * VIRQ_CONSOLE and console_io(read), and is echoed back. */
#include <selftest/check.h>
#include <pv/console.h>
#include <pv/console_in.h>
#include <selftest/event_tests.h>
#include <pv/events.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <kernel/selftest_table.h>

void test_console(void)
{
    char line[64];
    size_t n;
    int port;

    check_begin();
    evt_enable();
    port = console_in_init();
    check_true("bind VIRQ_CONSOLE", port > 0, "%d", port);
    printk("console: waiting for input\n");
    n = console_readline(line, sizeof(line) - 1);
    line[n] = 0;
    printk("console: got '%s'\n", line);
    check_true("read the line typed on the serial port", strcmp(line, "hello") == 0, "got '%s'",
               line);
    check_summary("console");
}

static void run_console(const struct selftest_env *env)
{
    (void)env;
    test_console();
}
SELFTEST(console, "test=console", run_console, SELFTEST_EVENTS);
