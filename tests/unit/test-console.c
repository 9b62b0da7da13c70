// SPDX-License-Identifier: GPL-2.0
/*
 * How lkvm learns that a guest panicked (the pvpanic register, the console
 * watcher reading Linux's panic report) and the console's escape key.
 */
#include <string.h>

#include "unit.h"
#include "../../devices/console-watch.h"
#include "../../devices/pvpanic.h"
#include "../../vmm/console-escape.h"
#include "../../vmm/exit-codes.h"

/* Feeds a string; returns the last event other than NONE. */
static enum console_event feed(struct console_watch *w, const char *s)
{
	enum console_event last = CONSOLE_NONE, ev;

	for (; *s; s++) {
		ev = console_watch_byte(w, (uint8_t)*s);
		if (ev != CONSOLE_NONE)
			last = ev;
	}
	return last;
}

/* What Linux prints for echo c > /proc/sysrq-trigger, shortened. */
START_TEST(test_watch_linux_panic)
{
	struct console_watch w;

	console_watch_init(&w);
	ck_assert_int_eq(feed(&w, "[    2.000000] sysrq: Trigger a crash\r\n"),
			 CONSOLE_NONE);
	ck_assert_int_eq(feed(&w, "[    2.001000] Kernel panic - not syncing: "
				  "sysrq triggered crash\r\n"),
			 CONSOLE_PANIC_BEGIN);
	ck_assert_str_eq(w.why, "sysrq triggered crash");
	ck_assert_int_eq(feed(&w,
			      "[    2.002000] Call trace:\r\n"
			      "[    2.002100]  dump_backtrace+0x0/0x1e0\r\n"),
			 CONSOLE_NONE);
	/* A second panic line inside the report is not a new panic. */
	ck_assert_int_eq(
		feed(&w, "[    2.0021] Kernel panic - not syncing: again\r\n"),
		CONSOLE_NONE);
	ck_assert_str_eq(w.why, "sysrq triggered crash");
	ck_assert_int_eq(feed(&w, "[    2.003000] ---[ end Kernel panic - not "
				  "syncing: sysrq triggered crash ]---\r\n"),
			 CONSOLE_PANIC_END);
}
END_TEST

/*
 * A kernel with a crash kernel loaded: the panic line, then arm64's
 * "Starting crashdump kernel..." instead of the report's end; the crash
 * kernel's own panic is a new one. An oops that goes to the crash kernel
 * without a panic line says only the second.
 */
START_TEST(test_watch_crash_kernel)
{
	struct console_watch w;

	console_watch_init(&w);
	ck_assert_int_eq(feed(&w, "[   40.1] Kernel panic - not syncing: "
				  "sysrq triggered crash\r\n"),
			 CONSOLE_PANIC_BEGIN);
	ck_assert_int_eq(feed(&w, "[   40.2] SMP: stopping secondary CPUs\r\n"),
			 CONSOLE_NONE);
	ck_assert_int_eq(feed(&w, "[   40.7] Starting crashdump kernel...\r\n"),
			 CONSOLE_CRASH_KERNEL);
	ck_assert_int_eq(feed(&w, "[   40.7] Bye!\r\n"), CONSOLE_NONE);
	/* The crash kernel boots: its lines are no panic. */
	ck_assert_int_eq(
		feed(&w,
		     "[    0.000000] Booting Linux on physical CPU 0x1\r\n"),
		CONSOLE_NONE);
	ck_assert_int_eq(feed(&w, "[    3.0] Kernel panic - not syncing: "
				  "VFS: Unable to mount root fs\r\n"),
			 CONSOLE_PANIC_BEGIN);
	ck_assert_str_eq(w.why, "VFS: Unable to mount root fs");
	ck_assert_int_eq(feed(&w,
			      "[    3.1] ---[ end Kernel panic - not "
			      "syncing: VFS: Unable to mount root fs ]---\n"),
			 CONSOLE_PANIC_END);

	console_watch_init(&w);
	ck_assert_int_eq(feed(&w, "Internal error: Oops: 0000000096000045\n"
				  "Starting crashdump kernel...\n"),
			 CONSOLE_CRASH_KERNEL);
	ck_assert(!w.in_panic);
}
END_TEST

/*
 * The run's exit status after a crash kernel took over: its poweroff or
 * reset is 7, everything else keeps its code; without a crash kernel
 * nothing changes.
 */
START_TEST(test_exit_after_crash)
{
	static const struct {
		int code, crashed, want;
	} t[] = {
		{ 0, 1, 7 }, { 2, 1, 7 }, { 4, 1, 4 }, { 3, 1, 3 },
		{ 5, 1, 5 }, { 6, 1, 6 }, { 1, 1, 1 }, { 130, 1, 130 },
		{ 0, 0, 0 }, { 2, 0, 2 }, { 4, 0, 4 }, { 7, 0, 7 },
	};

	for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_int_eq(lkvm_exit_after_crash(t[i].code, t[i].crashed),
				 t[i].want);
}
END_TEST

/* Lines that only look like it; an end whose beginning was not seen. */
START_TEST(test_watch_not_a_panic)
{
	struct console_watch w;

	console_watch_init(&w);
	ck_assert_int_eq(feed(&w, "Kernel panic - not syncing\n"),
			 CONSOLE_NONE);
	ck_assert_int_eq(feed(&w, "kernel panic - not syncing: x\n"),
			 CONSOLE_NONE);
	ck_assert_int_eq(feed(&w,
			      "---[ end Kernel panic - not syncing: x ]---\n"),
			 CONSOLE_PANIC_END);
	ck_assert_str_eq(w.why, "x ]---");
	console_watch_init(&w);
	/* No newline yet: judged when the line ends. */
	ck_assert_int_eq(feed(&w, "Kernel panic - not syncing: late"),
			 CONSOLE_NONE);
	ck_assert_int_eq(feed(&w, "\n"), CONSOLE_PANIC_BEGIN);
	ck_assert_str_eq(w.why, "late");
}
END_TEST

/* A line longer than the buffer is judged by its beginning, safely. */
START_TEST(test_watch_long_lines)
{
	struct console_watch w;
	char big[3 * CONSOLE_WATCH_LINE];

	console_watch_init(&w);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	ck_assert_int_eq(feed(&w, big), CONSOLE_NONE);
	ck_assert_int_eq(feed(&w, "\n"), CONSOLE_NONE);
	ck_assert_int_eq(feed(&w, "Kernel panic - not syncing: "),
			 CONSOLE_NONE);
	ck_assert_int_eq(feed(&w, big), CONSOLE_NONE);
	ck_assert_int_eq(feed(&w, "\n"), CONSOLE_PANIC_BEGIN);
	ck_assert_uint_lt(strlen(w.why), sizeof(w.why));
	/* NUL bytes are dropped, not line ends. */
	ck_assert_int_eq(console_watch_byte(&w, 0), CONSOLE_NONE);
}
END_TEST

START_TEST(test_pvpanic)
{
	uint8_t d[4] = { 0xff, 0xff, 0xff, 0xff };

	/* Reading the register: the events lkvm supports. */
	ck_assert_uint_eq(pvpanic_access(0, d, 1, false), 0);
	ck_assert_uint_eq(d[0], PVPANIC_PANICKED | PVPANIC_CRASH_LOADED);
	ck_assert_uint_eq(pvpanic_access(1, d, 1, false), 0);
	ck_assert_uint_eq(d[0], 0);
	/* Writes report events; unsupported bits and offsets are ignored. */
	d[0] = PVPANIC_PANICKED;
	ck_assert_uint_eq(pvpanic_access(0, d, 1, true), PVPANIC_PANICKED);
	d[0] = PVPANIC_CRASH_LOADED | 0xf0;
	ck_assert_uint_eq(pvpanic_access(0, d, 1, true), PVPANIC_CRASH_LOADED);
	d[0] = PVPANIC_SHUTDOWN;
	ck_assert_uint_eq(pvpanic_access(0, d, 1, true), 0);
	d[0] = PVPANIC_PANICKED;
	ck_assert_uint_eq(pvpanic_access(1, d, 1, true), 0);
	ck_assert_uint_eq(pvpanic_access(0, d, 0, true), 0);
}
END_TEST

static enum console_action escape(struct console_escape *e, const char *in,
				  char *out, size_t *used)
{
	size_t out_len;
	enum console_action a;

	a = console_escape_filter(e, (const uint8_t *)in, strlen(in),
				  (uint8_t *)out, &out_len, used);
	out[out_len] = 0;
	return a;
}

START_TEST(test_escape)
{
	struct console_escape e = { .armed = false };
	char out[32];
	size_t used;

	/* Plain keys, Ctrl-C included, go to the guest. */
	ck_assert_int_eq(escape(&e, "ls\x03\r", out, &used), CONSOLE_PASS);
	ck_assert_str_eq(out, "ls\x03\r");
	ck_assert_uint_eq(used, 4);
	/* Ctrl-A Ctrl-A sends one Ctrl-A; Ctrl-A and a key sends the key. */
	ck_assert_int_eq(escape(&e,
				"a\x01\x01"
				"b\x01"
				"c",
				out, &used),
			 CONSOLE_PASS);
	ck_assert_str_eq(out, "a\x01"
			      "bc");
	/* Ctrl-A x quits, after what came before it; the rest is left. */
	ck_assert_int_eq(escape(&e, "ok\x01xrest", out, &used), CONSOLE_QUIT);
	ck_assert_str_eq(out, "ok");
	ck_assert_uint_eq(used, 4);
	ck_assert_int_eq(escape(&e, "\x01h", out, &used), CONSOLE_HELP);
	ck_assert_str_eq(out, "");
	/* The escape key may end one read and its command start the next. */
	ck_assert_int_eq(escape(&e, "z\x01", out, &used), CONSOLE_PASS);
	ck_assert_str_eq(out, "z");
	ck_assert(e.armed);
	ck_assert_int_eq(escape(&e, "X", out, &used), CONSOLE_QUIT);
	ck_assert(!e.armed);
}
END_TEST

Suite *console_suite(void)
{
	Suite *s = suite_create("console");
	TCase *tc = tcase_create("panic");

	tcase_add_test(tc, test_watch_linux_panic);
	tcase_add_test(tc, test_watch_crash_kernel);
	tcase_add_test(tc, test_exit_after_crash);
	tcase_add_test(tc, test_watch_not_a_panic);
	tcase_add_test(tc, test_watch_long_lines);
	tcase_add_test(tc, test_pvpanic);
	suite_add_tcase(s, tc);
	tc = tcase_create("escape");
	tcase_add_test(tc, test_escape);
	suite_add_tcase(s, tc);
	return s;
}
