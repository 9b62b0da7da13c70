/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Watches the guest's console output for a Linux panic, for guests without
 * a pvpanic driver. Pure: bytes in, events out. A panic begins with the
 * line "Kernel panic - not syncing: <why>" (kernel/panic.c) and its report
 * ends with "---[ end Kernel panic - not syncing: <why> ]---": the caller
 * stops the guest at the end, or a little after the beginning if the end
 * never comes, so the whole report reaches the console first.
 *
 * A kernel with a crash (kdump) kernel loaded does not end its report: it
 * starts the crash kernel instead, and arm64's machine_crash_shutdown()
 * says so first ("Starting crashdump kernel..."). From that line on the
 * panic is the crash kernel's to handle, and the watcher looks for a panic
 * of the crash kernel itself.
 */
#ifndef LKVM_CONSOLE_WATCH_H
#define LKVM_CONSOLE_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLE_WATCH_LINE 256

enum console_event {
	CONSOLE_NONE,
	CONSOLE_PANIC_BEGIN, /* the panic line: its reason is in why */
	CONSOLE_PANIC_END, /* the end of the panic report */
	CONSOLE_CRASH_KERNEL, /* a crash kernel takes over after a panic */
};

struct console_watch {
	char line[CONSOLE_WATCH_LINE];
	size_t len;
	bool in_panic;
	char why[CONSOLE_WATCH_LINE]; /* "<why>" of the panic line */
};

void console_watch_init(struct console_watch *w);

/*
 * Feeds one output byte; returns the event the line it completes holds.
 * Lines longer than CONSOLE_WATCH_LINE are judged by their beginning.
 */
enum console_event console_watch_byte(struct console_watch *w, uint8_t c);

#endif
