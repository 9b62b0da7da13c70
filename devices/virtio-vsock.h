/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-vsock (virtio 1.2 section 5.10), the part that needs no kernel:
 * the configuration space, the feature bits offered, and where the
 * kernel's vhost-vsock must find a queue's rings in lkvm's address space.
 */
#ifndef LKVM_VIRTIO_VSOCK_H
#define LKVM_VIRTIO_VSOCK_H

#include <stdint.h>

#include "guest-ram.h"
#include "virtq.h"

#define VIRTIO_ID_VSOCK 19

/* Queues (5.10.2): rx and tx go to vhost, the event queue stays in lkvm. */
#define VIRTIO_VSOCK_RXQ 0
#define VIRTIO_VSOCK_TXQ 1
#define VIRTIO_VSOCK_EVQ 2
#define VIRTIO_VSOCK_NR_QUEUES 3
#define VIRTIO_VSOCK_NR_VHOST_QUEUES 2

/* Feature bits (5.10.3). */
#define VIRTIO_VSOCK_F_STREAM 0
#define VIRTIO_VSOCK_F_SEQPACKET 1

/* The configuration space (5.10.4), little-endian. */
struct virtio_vsock_config {
	uint64_t guest_cid;
} __attribute__((packed));

void virtio_vsock_config_init(struct virtio_vsock_config *c, uint32_t cid);

/*
 * What the device offers, out of what the kernel's vhost-vsock offers
 * (VHOST_GET_FEATURES): version 1, indirect descriptors, event index and
 * SEQPACKET where vhost has them; never ACCESS_PLATFORM (lkvm hands vhost
 * guest RAM as is) nor vhost's own bits (logging, NOTIFY_ON_EMPTY).
 */
uint64_t virtio_vsock_features(uint64_t vhost_features);

/* A queue's three areas as lkvm's addresses, for VHOST_SET_VRING_ADDR. */
struct virtio_vsock_vring {
	uint64_t desc, avail, used;
};

/*
 * The host addresses of q's rings (a queue the transport has made ready),
 * each area whole inside guest RAM. Returns 0, or -EINVAL.
 */
int virtio_vsock_vring(const struct virtq *q, const struct guest_ram *ram,
		       struct virtio_vsock_vring *v);

#endif
