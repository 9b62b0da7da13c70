// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stddef.h>

#include "mmio.h"

static bool overlaps(const struct mmio_region *a, const struct mmio_region *b)
{
	return a->base < b->base + b->size && b->base < a->base + a->size;
}

int mmio_bus_add(struct mmio_bus *bus, const struct mmio_region *r)
{
	if (!r->size || r->base + r->size < r->base)
		return -EINVAL;
	for (unsigned int i = 0; i < bus->nr; i++)
		if (overlaps(&bus->regions[i], r))
			return -EBUSY;
	if (bus->nr == MMIO_BUS_MAX)
		return -ENOSPC;
	bus->regions[bus->nr++] = *r;
	return 0;
}

const struct mmio_region *mmio_bus_find(const struct mmio_bus *bus,
					uint64_t addr, unsigned int len)
{
	for (unsigned int i = 0; i < bus->nr; i++) {
		const struct mmio_region *r = &bus->regions[i];

		/* Written so that no sum can wrap around 2^64. */
		if (addr >= r->base && addr - r->base < r->size &&
		    len <= r->size - (addr - r->base))
			return r;
	}
	return NULL;
}
