/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest RAM as device models see it: the host mapping of one contiguous
 * range of guest physical addresses. Every address a guest hands a device
 * (ring, descriptor, buffer) goes through guest_ram_ptr, which refuses
 * anything not wholly inside RAM. Pure.
 */
#ifndef LKVM_GUEST_RAM_H
#define LKVM_GUEST_RAM_H

#include <stddef.h>
#include <stdint.h>

struct guest_ram {
	uint8_t *host; /* mapping of guest physical address base */
	uint64_t base;
	uint64_t size;
};

/*
 * The host address of [gpa, gpa + len), or NULL when len is 0 or any byte
 * of the range lies outside guest RAM (sums that would wrap included).
 */
static inline void *guest_ram_ptr(const struct guest_ram *ram, uint64_t gpa,
				  uint64_t len)
{
	uint64_t off;

	if (!len || gpa < ram->base)
		return NULL;
	off = gpa - ram->base;
	if (off >= ram->size || len > ram->size - off)
		return NULL;
	return ram->host + off;
}

#endif
