/* SPDX-License-Identifier: GPL-2.0 */
/* What the libFuzzer harnesses share: their check, and reading the input. */
#ifndef LKVM_TESTS_FUZZ_H
#define LKVM_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* A broken invariant: say which, and let libFuzzer keep the input. */
#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #cond);                              \
			abort();                                               \
		}                                                              \
	} while (0)

/* The part of the input not read yet. */
struct input {
	const uint8_t *p;
	size_t n;
};

/* The next bytes (1..8) as a little-endian number; 0s past the end. */
static inline uint64_t take(struct input *in, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes; i++) {
		if (!in->n)
			break;
		v |= (uint64_t)*in->p++ << (8 * i);
		in->n--;
	}
	return v;
}

#endif
