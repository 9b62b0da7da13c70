/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-console (virtio 1.2 section 5.3, device ID 3), one port, no
 * multiport: the guest's hvc0 on lkvm's stdin and stdout. With
 * --console virtio.
 */
#ifndef LKVM_VIRTIO_CONSOLE_DEV_H
#define LKVM_VIRTIO_CONSOLE_DEV_H

#include <stddef.h>
#include <stdint.h>

struct dev_host;
struct virtio_console_dev;

/*
 * Creates the device on host (which must outlive it) at base, interrupt
 * intid; NULL after logging. The guest's output goes to the host's
 * console_output.
 */
struct virtio_console_dev *
virtio_console_dev_create(const struct dev_host *host, uint64_t base,
			  uint32_t intid);
void virtio_console_dev_destroy(struct virtio_console_dev *c);

/*
 * Input from the host (the I/O thread): returns how many bytes the
 * guest's receive buffers took (0 when it has none available yet).
 */
size_t virtio_console_dev_input(struct virtio_console_dev *c,
				const uint8_t *buf, size_t len);

#endif
