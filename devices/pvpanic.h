/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pvpanic device (QEMU's docs/specs/pvpanic.rst, the DT binding
 * qemu,pvpanic-mmio): one byte register. Reading it gives the events the
 * device supports; the guest writes the event it reports. Pure: the
 * caller acts on the events a write returns.
 */
#ifndef LKVM_PVPANIC_H
#define LKVM_PVPANIC_H

#include <stdbool.h>
#include <stdint.h>

#define PVPANIC_PANICKED (1u << 0) /* the guest panicked */
#define PVPANIC_CRASH_LOADED (1u << 1) /* it starts a crash (kdump) kernel */
#define PVPANIC_SHUTDOWN (1u << 2) /* it shuts down (Linux 6.9+) */
#define PVPANIC_EVENTS (PVPANIC_PANICKED | PVPANIC_CRASH_LOADED)

/*
 * An MMIO access at offset off of len bytes: a read of offset 0 returns
 * the supported events in data[0], anything else reads 0. A write of
 * offset 0 returns the supported events it reports (0 for none, and for
 * other offsets); unsupported bits are ignored.
 */
unsigned int pvpanic_access(uint64_t off, uint8_t *data, unsigned int len,
			    bool is_write);

#endif
