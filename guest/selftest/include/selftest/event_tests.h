/* Tests and benchmark of events, time, scheduling and console input (guest command line
 * test=time|events|preempt|console|idle, bench=events). */
#ifndef SELFTEST_EVENT_TESTS_H
#define SELFTEST_EVENT_TESTS_H

void test_time(void);
void test_events(void);
void test_preempt(void);
void test_console(void);
void test_idle(void);
void bench_events(void);

#endif
