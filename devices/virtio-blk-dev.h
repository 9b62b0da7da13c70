/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-blk in the running VM: a raw image file behind a virtio-mmio
 * device, its requests run on the I/O thread through io_uring (several in
 * flight) or, with --disk-io sync, with plain preadv/pwritev/fsync.
 */
#ifndef LKVM_VIRTIO_BLK_DEV_H
#define LKVM_VIRTIO_BLK_DEV_H

#include <stdbool.h>
#include <stdint.h>

struct dev_host;
struct virtio_blk_dev;

/* What a disk is, from the plan (file checked, size known). */
struct virtio_blk_dev_cfg {
	const char *path; /* for messages */
	int fd; /* the plan's; the device works on its own dup of it */
	uint64_t size;
	bool read_only;
	bool discard;
	bool sync; /* --disk-io sync */
	unsigned int index; /* 0 for vda, 1 for vdb... */
};

/*
 * Creates the disk's device on host (which must outlive it) at base,
 * interrupt intid; NULL after logging.
 */
struct virtio_blk_dev *virtio_blk_dev_create(const struct dev_host *host,
					     const struct virtio_blk_dev_cfg *c,
					     uint64_t base, uint32_t intid);

/*
 * Waits for every request in flight to finish (the guest has stopped):
 * what was submitted reaches the file before lkvm exits.
 */
void virtio_blk_dev_drain(struct virtio_blk_dev *b);

/* Drains, then frees the device and closes its file. */
void virtio_blk_dev_destroy(struct virtio_blk_dev *b);

/* Requests served since the start, and guest notifications that exited. */
struct virtio_blk_stats {
	uint64_t requests; /* completed, of every type */
	uint64_t reads, writes, flushes;
	uint64_t read_bytes, write_bytes;
	uint64_t notifies; /* times the I/O thread was woken for the queue */
	uint64_t completion_wakeups; /* io_uring's eventfd woke it */
	/* Decoding to completion, summed and longest, in nanoseconds. */
	uint64_t busy_ns, max_ns;
};
void virtio_blk_dev_stats(struct virtio_blk_dev *b, struct virtio_blk_stats *s);

#endif
