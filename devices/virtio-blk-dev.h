/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-blk in the running VM: a raw image file behind a virtio-mmio
 * device, its requests run on the I/O thread, each where it is fastest
 * (virtio_blk_path): at once or through io_uring (several in flight); with
 * --disk-io sync, all with plain preadv/pwritev/fsync.
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
	/* ,direct: the plan's O_DIRECT descriptor (else -1), alignments. */
	int direct_fd;
	uint32_t dio_mem_align, dio_offset_align;
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

/* The kinds of request the account separates. */
enum virtio_blk_kind {
	BLK_KIND_READ,
	BLK_KIND_WRITE,
	BLK_KIND_FLUSH,
	BLK_KIND_OTHER, /* discard, get-id, refused at decoding */
	BLK_KINDS,
};

/* Requests served since the start, and guest notifications that exited. */
struct virtio_blk_stats {
	uint64_t requests; /* completed, of every type */
	uint64_t bytes[BLK_KINDS];
	uint64_t notifies; /* times the I/O thread was woken for the queue */
	uint64_t completion_wakeups; /* io_uring's eventfd woke it */
	/* Per kind: completed, and decoding to completion summed, in ns. */
	uint64_t done[BLK_KINDS], busy_ns[BLK_KINDS];
	uint64_t max_ns; /* the longest request, any kind */
	/*
	 * Per kind, through io_uring: completed within the notify that
	 * submitted them (io_uring ran them inline, without waiting), or
	 * later (they waited for the device or an io-wq worker).
	 */
	uint64_t uring_inline[BLK_KINDS], uring_async[BLK_KINDS];
	/* Buffered reads: whole at once (RWF_NOWAIT), or handed on. */
	uint64_t nowait_hits, nowait_misses;
	uint64_t buffered; /* ,direct requests O_DIRECT refused */
};
void virtio_blk_dev_stats(struct virtio_blk_dev *b, struct virtio_blk_stats *s);

#endif
