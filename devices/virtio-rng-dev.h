/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-rng (virtio 1.2 section 5.4, device ID 4): one request queue
 * whose writable buffers lkvm fills from getrandom(2). With --rng.
 */
#ifndef LKVM_VIRTIO_RNG_DEV_H
#define LKVM_VIRTIO_RNG_DEV_H

#include <stdint.h>

struct dev_host;
struct virtio_rng_dev;

/*
 * Creates the device on host (which must outlive it) at base, interrupt
 * intid; NULL after logging.
 */
struct virtio_rng_dev *virtio_rng_dev_create(const struct dev_host *host,
					     uint64_t base, uint32_t intid);
void virtio_rng_dev_destroy(struct virtio_rng_dev *r);

/* Bytes of entropy handed to the guest so far. */
uint64_t virtio_rng_dev_bytes(struct virtio_rng_dev *r);

#endif
