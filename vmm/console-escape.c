// SPDX-License-Identifier: GPL-2.0
#include "console-escape.h"

enum console_action console_escape_filter(struct console_escape *e,
					  const uint8_t *in, size_t n,
					  uint8_t *out, size_t *out_len,
					  size_t *used)
{
	enum console_action act = CONSOLE_PASS;
	size_t i, o = 0;

	for (i = 0; i < n && act == CONSOLE_PASS; i++) {
		uint8_t c = in[i];

		if (!e->armed) {
			if (c == CONSOLE_ESCAPE_KEY)
				e->armed = true;
			else
				out[o++] = c;
			continue;
		}
		e->armed = false;
		if (c == 'x' || c == 'X')
			act = CONSOLE_QUIT;
		else if (c == 'h' || c == 'H' || c == '?')
			act = CONSOLE_HELP;
		else
			out[o++] = c; /* Ctrl-A itself, or the key after it */
	}
	*out_len = o;
	*used = i;
	return act;
}
