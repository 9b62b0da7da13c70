// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "console-watch.h"

/* kernel/panic.c: pr_emerg("Kernel panic - not syncing: %s\n", buf). */
static const char panic_begin[] = "Kernel panic - not syncing: ";
/* kernel/panic.c: "---[ end Kernel panic - not syncing: %s ]---\n". */
static const char panic_end[] = "---[ end Kernel panic - not syncing";
/*
 * arch/arm64/kernel/machine_kexec.c, machine_crash_shutdown():
 * pr_info("Starting crashdump kernel...\n"). Printed after the panic line
 * (panic() -> __crash_kexec()), or alone when an oops goes to the crash
 * kernel directly (die() -> crash_kexec(), before any panic line).
 */
static const char crash_start[] = "Starting crashdump kernel...";

void console_watch_init(struct console_watch *w)
{
	memset(w, 0, sizeof(*w));
}

/* Copies the reason after the panic prefix, without the line's end. */
static void keep_why(struct console_watch *w, const char *reason)
{
	size_t n = strlen(reason);

	while (n && (reason[n - 1] == '\r' || reason[n - 1] == ' '))
		n--;
	if (n >= sizeof(w->why))
		n = sizeof(w->why) - 1;
	memcpy(w->why, reason, n);
	w->why[n] = 0;
}

static enum console_event judge_line(struct console_watch *w)
{
	const char *p;

	w->line[w->len] = 0;
	/* The crash kernel's own panic is a new one. */
	if (strstr(w->line, crash_start)) {
		w->in_panic = false;
		return CONSOLE_CRASH_KERNEL;
	}
	/* An end seen without its beginning (cut output) still is a panic. */
	if (strstr(w->line, panic_end)) {
		if (!w->in_panic) {
			p = strstr(w->line, panic_begin);
			keep_why(w, p ? p + sizeof(panic_begin) - 1 : "");
		}
		w->in_panic = true;
		return CONSOLE_PANIC_END;
	}
	p = strstr(w->line, panic_begin);
	if (w->in_panic || !p)
		return CONSOLE_NONE;
	w->in_panic = true;
	keep_why(w, p + sizeof(panic_begin) - 1);
	return CONSOLE_PANIC_BEGIN;
}

enum console_event console_watch_byte(struct console_watch *w, uint8_t c)
{
	enum console_event ev = CONSOLE_NONE;

	if (c == '\n') {
		ev = judge_line(w);
		w->len = 0;
	} else if (w->len < sizeof(w->line) - 1 && c) {
		w->line[w->len++] = (char)c;
	}
	return ev;
}
