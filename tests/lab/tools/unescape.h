/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text helpers shared by the lab's tools (each tool is one program built
 * from its own .c file, so this header holds the code itself).
 */
#ifndef LKVM_LAB_TOOLS_UNESCAPE_H
#define LKVM_LAB_TOOLS_UNESCAPE_H

#include <stddef.h>
#include <stdlib.h>

/* Decodes \xHH, \r and \n in s into out (as long as s); returns the length. */
static size_t unescape(const char *s, char *out)
{
	size_t n = 0;

	while (*s) {
		if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3]) {
			char hex[3] = { s[2], s[3], 0 };

			out[n++] = (char)strtol(hex, NULL, 16);
			s += 4;
		} else if (s[0] == '\\' && (s[1] == 'r' || s[1] == 'n')) {
			out[n++] = s[1] == 'r' ? '\r' : '\n';
			s += 2;
		} else {
			out[n++] = *s++;
		}
	}
	return n;
}

#endif
