/* SPDX-License-Identifier: GPL-2.0 */
/* The MMIO bus: guest physical ranges mapped to device handlers. Pure. */
#ifndef LKVM_MMIO_H
#define LKVM_MMIO_H

#include <stdbool.h>
#include <stdint.h>

/* data holds len (1..8) bytes, little-endian, as KVM_EXIT_MMIO gives them. */
typedef void (*mmio_handler)(void *opaque, uint64_t offset, uint8_t *data,
			     unsigned int len, bool is_write);

struct mmio_region {
	uint64_t base, size;
	mmio_handler handler;
	void *opaque;
	const char *name;
};

#define MMIO_BUS_MAX 32

struct mmio_bus {
	struct mmio_region regions[MMIO_BUS_MAX];
	unsigned int nr;
};

/* Adds a region; -EBUSY if it overlaps another, -ENOSPC if full. */
int mmio_bus_add(struct mmio_bus *bus, const struct mmio_region *r);

/* The region that holds all of [addr, addr + len), or NULL. */
const struct mmio_region *mmio_bus_find(const struct mmio_bus *bus,
					uint64_t addr, unsigned int len);

#endif
