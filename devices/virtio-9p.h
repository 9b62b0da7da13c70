/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-9p (virtio 1.2 section 5.11), the device's pure part: its config
 * space and a request's way in and out of a descriptor chain. The 9P
 * messages themselves are p9-proto.c's and p9-fs.c's.
 *
 * A request is one chain (5.11.6): its readable buffers hold one
 * T-message, its writable buffers receive the R-message. The Linux driver
 * splits both at will (a zero-copy Twrite's data pages after its header, a
 * zero-copy Tread's 11-byte Rread header before the pages the data goes
 * to), so the device gathers the readable part into one buffer and
 * scatters the reply over the writable part in order, never past either.
 */
#ifndef LKVM_VIRTIO_9P_H
#define LKVM_VIRTIO_9P_H

#include <stddef.h>
#include <stdint.h>

#include "virtq.h"

#define VIRTIO_ID_9P 9
/* 5.11.3: the config space holds a mount tag. */
#define VIRTIO_9P_F_MOUNT_TAG 0
/* The tag's length: the config window of virtio-mmio (256) minus tag_len. */
#define VIRTIO_9P_TAG_MAX 254

/* 5.11.4: le16 tag_len, then tag_len bytes, no NUL. */
struct virtio_9p_config {
	uint16_t tag_len;
	uint8_t tag[VIRTIO_9P_TAG_MAX];
} __attribute__((packed));

/*
 * Fills cfg for tag (1..VIRTIO_9P_TAG_MAX bytes). Returns the config
 * space's length (2 + the tag's), or -EINVAL for a tag that does not fit.
 */
int virtio_9p_config_init(struct virtio_9p_config *cfg, const char *tag);

/*
 * Copies the chain's readable part into buf[cap], cut to cap bytes (a
 * T-message never exceeds msize, and cap is the largest msize: a cut
 * message then fails p9_decode's size check, and its reply is an Rlerror
 * with its tag). Returns the bytes copied, or -EPROTO when there is no
 * readable part at all.
 */
long virtio_9p_gather(const struct virtq_chain *c, uint8_t *buf, size_t cap);

/*
 * How much of a reply the chain's writable part can take: its length,
 * bounded by cap (the reply buffer). 0: the chain has no writable part
 * (the request cannot be answered).
 */
size_t virtio_9p_reply_room(const struct virtq_chain *c, size_t cap);

/*
 * Copies reply[len] into the chain's writable buffers in order. len must
 * not exceed virtio_9p_reply_room. Returns the bytes written (len).
 */
uint32_t virtio_9p_scatter(const struct virtq_chain *c, const uint8_t *reply,
			   size_t len);

#endif
