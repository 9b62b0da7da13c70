/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-blk requests (virtio 1.2 section 5.2): the device configuration
 * lkvm offers and the decoding of a descriptor chain into a request the
 * I/O backend can run. Pure: no file is touched here.
 *
 * The device may not assume how the driver split a request into
 * descriptors (section 2.7.4): the 16-byte header may span buffers and
 * the status byte is the last byte of the writable part, whatever the
 * buffers' sizes.
 */
#ifndef LKVM_VIRTIO_BLK_H
#define LKVM_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "virtq.h"

#define VIRTIO_ID_BLOCK 2
#define VIRTIO_BLK_SECTOR 512

/* Feature bits (section 5.2.3). */
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_F_DISCARD 13

/* Request types and status values (section 5.2.6). */
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_T_DISCARD 11
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_ID_BYTES 20
/* The most discard ranges one request may carry (max_discard_seg). */
#define VIRTIO_BLK_MAX_DISCARD_SEG 32
/* The most data buffers of a request (seg_max). */
#define VIRTIO_BLK_SEG_MAX (VIRTQ_MAX_SEGS - 2)

/* The configuration space (section 5.2.4), little-endian, as laid out. */
struct virtio_blk_config {
	uint64_t capacity; /* in 512-byte sectors */
	uint32_t size_max;
	uint32_t seg_max;
	struct {
		uint16_t cylinders;
		uint8_t heads;
		uint8_t sectors;
	} geometry;
	uint32_t blk_size;
	struct {
		uint8_t physical_block_exp;
		uint8_t alignment_offset;
		uint16_t min_io_size;
		uint32_t opt_io_size;
	} topology;
	uint8_t writeback;
	uint8_t unused0;
	uint16_t num_queues;
	uint32_t max_discard_sectors;
	uint32_t max_discard_seg;
	uint32_t discard_sector_alignment;
	uint32_t max_write_zeroes_sectors;
	uint32_t max_write_zeroes_seg;
	uint8_t write_zeroes_may_unmap;
	uint8_t unused1[3];
} __attribute__((packed));

/* What a disk offers, from the user's options and the file. */
struct virtio_blk_disk {
	uint64_t size; /* bytes; the capacity is size / 512 */
	bool read_only;
	bool discard; /* the file system can punch holes */
	char id[VIRTIO_BLK_ID_BYTES]; /* GET_ID's answer, NUL-padded */
	/*
	 * blk_size offered, a power of two >= 512 (0: 512): with ,direct,
	 * O_DIRECT's offset alignment, so that the driver's requests keep
	 * to it (5.2.4: it affects performance only, never the units).
	 */
	uint32_t blk_size;
};

/* The features a disk offers, VIRTIO_F_VERSION_1 and the ring's included. */
uint64_t virtio_blk_features(const struct virtio_blk_disk *disk);

/* Fills the configuration space for a disk. */
void virtio_blk_config_init(struct virtio_blk_config *cfg,
			    const struct virtio_blk_disk *disk);

struct virtio_blk_discard_range {
	uint64_t sector;
	uint32_t nr_sectors;
};

/* A decoded request: what the backend must do. */
struct virtio_blk_req {
	uint32_t type; /* VIRTIO_BLK_T_* */
	uint64_t offset; /* byte offset in the file (IN, OUT) */
	uint64_t len; /* data bytes (IN, OUT, GET_ID) */
	struct iovec iov[VIRTQ_MAX_SEGS]; /* the data buffers */
	unsigned int nr_iov;
	struct virtio_blk_discard_range ranges[VIRTIO_BLK_MAX_DISCARD_SEG];
	unsigned int nr_ranges;
	uint8_t *status; /* where the status byte goes */
};

/*
 * Decodes chain c for disk. Returns:
 *   VIRTIO_BLK_S_OK      *r holds a request to run;
 *   VIRTIO_BLK_S_IOERR   or VIRTIO_BLK_S_UNSUPP: complete at once with
 *                        that status (r->status is set): a write to a
 *                        read-only disk, a range past the end, a length
 *                        that is not whole sectors, an unknown type...;
 *   -1                   the chain has no writable byte for the status:
 *                        nothing can be reported, the device must fail
 *                        (needs reset). (A header shorter than 16 bytes
 *                        with a status byte is IOERR.)
 * An accepted DISCARD has 1 to VIRTIO_BLK_MAX_DISCARD_SEG ranges, none
 * empty.
 * GET_ID is answered here: disk->id is copied into the writable buffers
 * (VIRTIO_BLK_ID_BYTES, fewer if they are shorter; r->len says how many)
 * and the backend only completes it. The status byte is never written
 * here: the caller writes it when the request completes.
 */
int virtio_blk_decode(const struct virtq_chain *c,
		      const struct virtio_blk_disk *disk,
		      struct virtio_blk_req *r);

/*
 * The bytes written into the chain's writable buffers once the request
 * completed with status (for virtq_push): the data of a successful IN or
 * GET_ID, plus the status byte.
 */
uint32_t virtio_blk_written(const struct virtio_blk_req *r, uint8_t status);

/* How the backend can run requests, from the options and the file. */
struct virtio_blk_backend {
	bool uring; /* io_uring is there (not --disk-io sync) */
	bool direct; /* ,direct: the image is open with O_DIRECT */
	bool nowait; /* its buffered reads take RWF_NOWAIT */
	/* O_DIRECT's alignments of buffers and of offsets and lengths. */
	uint32_t dio_mem_align, dio_offset_align;
};

/* Where a decoded request runs. */
enum virtio_blk_path {
	VIRTIO_BLK_PATH_NONE, /* nothing to run (GET_ID, answered) */
	VIRTIO_BLK_PATH_SYNC, /* at once, on the I/O thread */
	/*
	 * At once if it need not wait (RWF_NOWAIT: a page-cache hit),
	 * else the rest through io_uring, handed to an io-wq worker
	 * (IOSQE_ASYNC).
	 */
	VIRTIO_BLK_PATH_NOWAIT,
	VIRTIO_BLK_PATH_URING, /* through io_uring, several in flight */
	/*
	 * A ,direct disk's read or write whose buffers, offset or length
	 * O_DIRECT refuses: at once, through the page cache.
	 */
	VIRTIO_BLK_PATH_BUFFERED,
};

/* Whether O_DIRECT takes r's data as it is (offset, length, buffers). */
bool virtio_blk_direct_ok(const struct virtio_blk_req *r,
			  const struct virtio_blk_backend *be);

/* Where the decoded request r runs (see the reasons in virtio-blk.c). */
enum virtio_blk_path virtio_blk_path(const struct virtio_blk_req *r,
				     const struct virtio_blk_backend *be);

#endif
