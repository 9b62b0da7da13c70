/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The console's escape key, when stdin is a terminal in raw mode (every
 * key, Ctrl-C included, goes to the guest): Ctrl-A x quits lkvm, Ctrl-A
 * Ctrl-A sends one Ctrl-A, Ctrl-A h shows the keys; Ctrl-A and any other
 * key sends that key. QEMU's and kvmtool's users know Ctrl-A x. Pure.
 */
#ifndef LKVM_CONSOLE_ESCAPE_H
#define LKVM_CONSOLE_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLE_ESCAPE_KEY 0x01 /* Ctrl-A */
#define CONSOLE_ESCAPE_HELP "Ctrl-A x quits lkvm, Ctrl-A Ctrl-A sends Ctrl-A"

struct console_escape {
	bool armed; /* the last key was the escape key */
};

enum console_action {
	CONSOLE_PASS, /* keys for the guest only */
	CONSOLE_QUIT, /* Ctrl-A x: stop the guest */
	CONSOLE_HELP, /* Ctrl-A h: show CONSOLE_ESCAPE_HELP */
};

/*
 * Filters n typed bytes into out (room for n): *out_len bytes go to the
 * guest. Stops at the first quit or help, which it returns; *used says how
 * many input bytes it consumed (call again for the rest).
 */
enum console_action console_escape_filter(struct console_escape *e,
					  const uint8_t *in, size_t n,
					  uint8_t *out, size_t *out_len,
					  size_t *used);

#endif
