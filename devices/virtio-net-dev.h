/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-net (virtio 1.2 section 5.1, device ID 1) in the running VM: one
 * receive and one transmit queue between the guest and a backend (tap or
 * libslirp, net-backend.h), all of it on the I/O thread. With -n.
 */
#ifndef LKVM_VIRTIO_NET_DEV_H
#define LKVM_VIRTIO_NET_DEV_H

#include <stdint.h>

struct dev_host;
struct net_backend;
struct virtio_net_dev;

/*
 * Creates the device on host (which must outlive it) at base, interrupt
 * intid, with MAC address mac, its frames going to backend (which the
 * device uses until it is destroyed); NULL after logging.
 */
struct virtio_net_dev *virtio_net_dev_create(const struct dev_host *host,
					     uint64_t base, uint32_t intid,
					     struct net_backend *backend,
					     const uint8_t mac[6]);
void virtio_net_dev_destroy(struct virtio_net_dev *n);

#endif
