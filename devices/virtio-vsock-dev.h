/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-vsock (--vsock CID) whose data path is the kernel's vhost-vsock:
 * lkvm keeps the virtio-mmio transport, the event queue and the
 * interrupt; vhost moves the rx and tx queues' packets itself.
 */
#ifndef LKVM_VIRTIO_VSOCK_DEV_H
#define LKVM_VIRTIO_VSOCK_DEV_H

#include <stdint.h>

#include "dev-host.h"

struct virtio_vsock_dev;

/*
 * Before the sandbox (capabilities, files): opens /dev/vhost-vsock,
 * becomes its owner, reads its features into *features and claims cid for
 * the guest. Returns the descriptor, which outlives each VM of
 * --reboot=restart; or -1 after one line saying why (no vhost_vsock
 * module, no access, the CID in use).
 */
int vhost_vsock_open(uint32_t cid, uint64_t *features);

struct virtio_vsock_dev *virtio_vsock_dev_create(const struct dev_host *host,
						 uint64_t base, uint32_t intid,
						 int vhost_fd,
						 uint64_t vhost_features,
						 uint32_t cid);

/* Stops vhost's use of the guest's queues and frees the device. */
void virtio_vsock_dev_destroy(struct virtio_vsock_dev *v);

#endif
