/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a device model may use of the machine it sits in, and nothing more:
 * its interrupt lines, the MMIO bus, a file-descriptor watch on the I/O
 * thread, an ioeventfd, guest RAM and the console's output. The VMM builds
 * one for its VM (vmm/vm.c); a test can build its own. Devices keep a
 * pointer to it and never see the VM itself, so that a device can neither
 * reach nor depend on the rest of the VMM's state.
 */
#ifndef LKVM_DEV_HOST_H
#define LKVM_DEV_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest-ram.h"
#include "../vmm/mmio.h"

struct pollfd;

/*
 * A device's own set of descriptors and timers on the I/O thread, asked
 * afresh each round of its poll: for a backend whose descriptors come and
 * go (libslirp's sockets), want writability, or must not be read while
 * the guest has no room (a tap). Both run on the I/O thread.
 */
struct io_hook {
	/*
	 * Fills up to max entries of fds; may lower *timeout_ms (-1: no
	 * limit) for a timer of its own. Returns how many it filled.
	 */
	unsigned int (*fill)(void *opaque, struct pollfd *fds, unsigned int max,
			     int *timeout_ms);
	/* After the poll: the entries fill gave, with their revents. */
	void (*dispatch)(void *opaque, struct pollfd *fds, unsigned int n);
	void *opaque;
};

struct dev_host {
	/* The first argument of every operation below. */
	void *ctx;

	/*
	 * Declares an interrupt line the device will drive, before the
	 * guest runs. Returns 0, or -1 (without logging) when there is no
	 * line left.
	 */
	int (*irq_add)(void *ctx, uint32_t intid);
	/*
	 * Drives a declared line to level (from any thread): to the GIC, or
	 * to the SDEI event the guest bound it to.
	 */
	void (*irq_set)(void *ctx, uint32_t intid, bool level);

	/* Where the device adds its MMIO window, before the guest runs. */
	struct mmio_bus *mmio;

	/*
	 * Makes the I/O thread call ready(opaque) when fd is readable
	 * (before the guest runs). Returns 0, or -1 after logging.
	 */
	int (*watch_add)(void *ctx, int fd, void (*ready)(void *opaque),
			 void *opaque);

	/*
	 * Adds hook to the I/O thread's rounds (before the guest runs); hook
	 * must outlive the VM. Returns 0, or -1 after logging.
	 */
	int (*hook_add)(void *ctx, const struct io_hook *hook);

	/*
	 * Has a guest write of len bytes of datamatch to addr signal fd
	 * without an MMIO exit. Returns 0, or -1 with errno set (the write
	 * then reaches the device's MMIO handler as any other).
	 */
	int (*ioeventfd)(void *ctx, uint64_t addr, unsigned int len,
			 uint64_t datamatch, int fd);

	/* Guest RAM, for every address the guest hands the device. */
	struct guest_ram ram;

	/*
	 * The guest's console output, for a console device: where the
	 * UART's goes (stdout, --console-log, the panic watcher). From any
	 * thread.
	 */
	void (*console_output)(void *ctx, const uint8_t *buf, size_t len);
};

#endif
