// SPDX-License-Identifier: GPL-2.0
/*
 * The few C library string functions, under rt_ names so that they are
 * not mistaken for the host's libc (runtime.h).
 *
 * Byte by byte on purpose: with the MMU off RAM is Device memory, where an
 * unaligned wider access faults, and speed does not matter here. The
 * build's -fno-tree-loop-distribute-patterns keeps GCC from turning these
 * loops back into calls to themselves.
 */
#include "runtime.h"

void *rt_memset(void *s, int c, size_t n)
{
	u8 *p = s;

	while (n--)
		*p++ = (u8)c;
	return s;
}

void *rt_memcpy(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *rt_memmove(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	if (d <= s || d >= s + n)
		return rt_memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

int rt_memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
	}
	return 0;
}

/*
 * The compiler emits calls to these four under their C names even in
 * freestanding code (struct copies and assignments, large initialisers),
 * so they must exist as memset, memcpy, memmove and memcmp as well: the
 * same functions, not declared in runtime.h, where a test finds only the
 * rt_ names.
 */
void *memset(void *s, int c, size_t n) __attribute__((alias("rt_memset")));
void *memcpy(void *dst, const void *src, size_t n)
	__attribute__((alias("rt_memcpy")));
void *memmove(void *dst, const void *src, size_t n)
	__attribute__((alias("rt_memmove")));
int memcmp(const void *a, const void *b, size_t n)
	__attribute__((alias("rt_memcmp")));

size_t rt_strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

size_t rt_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int rt_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int rt_strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	}
	return 0;
}
