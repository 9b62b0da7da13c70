/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-net frames (virtio 1.2 section 5.1): the features and
 * configuration space lkvm offers, the decoding of a transmit chain into
 * an Ethernet frame, and the placement of a received frame into one or
 * more receive chains (mergeable receive buffers). Pure: no descriptor,
 * socket or tap is touched here, only the chains' buffers.
 *
 * Offloads: lkvm offers VIRTIO_NET_F_CSUM (the driver may hand frames
 * whose transport checksum is left to the device; the device completes it
 * here, before the backend sees the frame) and nothing else: no
 * GUEST_CSUM, no TSO, UFO or USO in either direction. Received frames
 * always carry complete checksums and a header of zeros but num_buffers,
 * so neither backend (tap without a vnet header, libslirp) has to know
 * the header at all.
 *
 * The driver is hostile: every header field is checked against what was
 * negotiated, and a frame that breaks a rule is dropped, never guessed at.
 */
#ifndef LKVM_VIRTIO_NET_H
#define LKVM_VIRTIO_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtq.h"

#define VIRTIO_ID_NET 1

/* Feature bits (section 5.1.3). */
#define VIRTIO_NET_F_CSUM 0
#define VIRTIO_NET_F_GUEST_CSUM 1
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS 16

/* The configuration's status field (section 5.1.4). */
#define VIRTIO_NET_S_LINK_UP 1

/* The header's flags and gso_type (section 5.1.6). */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1
#define VIRTIO_NET_HDR_F_DATA_VALID 2
#define VIRTIO_NET_HDR_GSO_NONE 0

/* The queues: receiveq1, transmitq1 (section 5.1.2). */
#define VIRTIO_NET_RXQ 0
#define VIRTIO_NET_TXQ 1

/*
 * struct virtio_net_hdr_v1's size: with VIRTIO_F_VERSION_1 the header
 * always has num_buffers (section 5.1.6).
 */
#define VIRTIO_NET_HDR_LEN 12
#define VIRTIO_NET_ETH_HLEN 14
/*
 * The largest frame lkvm moves, without its virtio header: no GSO is
 * offered, so a frame is at most the MTU plus the Ethernet header; this
 * leaves room for any MTU a tap may have (64 KiB).
 */
#define VIRTIO_NET_MAX_FRAME 65536

/* The header, little-endian, as laid out (section 5.1.6). */
struct virtio_net_hdr_v1 {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
} __attribute__((packed));

/* The configuration space (section 5.1.4), as far as lkvm fills it. */
struct virtio_net_config {
	uint8_t mac[6];
	uint16_t status;
	uint16_t max_virtqueue_pairs;
	uint16_t mtu;
} __attribute__((packed));

/* The features the device offers, VIRTIO_F_VERSION_1 and the ring's included. */
uint64_t virtio_net_features(void);

/* Fills the configuration space: the MAC, the link up. */
void virtio_net_config_init(struct virtio_net_config *cfg,
			    const uint8_t mac[6]);

/* Why a transmit chain was dropped (for a rate-limited log line). */
enum virtio_net_tx_error {
	VIRTIO_NET_TX_OK = 0,
	VIRTIO_NET_TX_WRITABLE, /* a writable buffer on the transmit queue */
	VIRTIO_NET_TX_SHORT, /* less than a header and an Ethernet header */
	VIRTIO_NET_TX_LONG, /* more than VIRTIO_NET_MAX_FRAME */
	VIRTIO_NET_TX_GSO, /* gso_type other than NONE (not offered) */
	VIRTIO_NET_TX_CSUM, /* NEEDS_CSUM not negotiated, or out of the frame */
};

/* One line per error, for the log. */
const char *virtio_net_tx_error_str(enum virtio_net_tx_error e);

/*
 * Decodes transmit chain c, under the negotiated features, into frame
 * (VIRTIO_NET_MAX_FRAME bytes): the Ethernet frame after the header, its
 * checksum completed when the header asks for it (VIRTIO_NET_F_CSUM,
 * section 5.1.6.2). The header may span buffers and share one with the
 * frame (section 2.7.4). Sets *len and returns VIRTIO_NET_TX_OK, or the
 * reason to drop it (*len is then 0). The chain's buffers are only read.
 */
enum virtio_net_tx_error virtio_net_tx_decode(const struct virtq_chain *c,
					      uint64_t features, uint8_t *frame,
					      size_t *len);

/*
 * Completes a partial checksum (VIRTIO_NET_HDR_F_NEEDS_CSUM, section
 * 5.1.6.2): the ones' complement sum of frame[start, len), seeded by the
 * 16-bit value the driver left at start + offset (the pseudo-header's
 * sum), is stored there. Returns 0, or -1 when start + offset + 2 is past
 * len (nothing written).
 */
int virtio_net_csum_complete(uint8_t *frame, size_t len, uint32_t start,
			     uint32_t offset);

/*
 * A received frame on its way into receive chains. With mergeable receive
 * buffers (VIRTIO_NET_F_MRG_RXBUF, section 5.1.6.3.2) it may take several
 * chains, and the header in the first one counts them in num_buffers;
 * without, it must fit in one chain.
 */
struct virtio_net_rx {
	const uint8_t *frame;
	size_t len;
	bool mergeable;
	size_t done; /* frame bytes placed so far */
	unsigned int nr_bufs; /* chains used so far */
};

void virtio_net_rx_start(struct virtio_net_rx *rx, const uint8_t *frame,
			 size_t len, bool mergeable);

/*
 * Places the next part of rx's frame into chain c's writable buffers (the
 * header too when c is the first chain; its num_buffers is written by
 * virtio_net_rx_finish). Sets *written to the bytes written into c (for
 * its used entry). Returns:
 *   1   the frame is all placed;
 *   0   c is full and the frame goes on: the next chain, please
 *       (mergeable only);
 *  -1   c cannot take it: the first chain has less than a header of
 *       writable bytes, or without mergeable buffers the frame does not
 *       fit; or c has no writable byte. The frame must be dropped (c is
 *       returned with *written = 0).
 */
int virtio_net_rx_put(struct virtio_net_rx *rx, const struct virtq_chain *c,
		      uint32_t *written);

/*
 * Once the frame is placed: writes the header (num_buffers = the chains
 * used, every other field 0) into the first chain, first.
 */
void virtio_net_rx_finish(const struct virtio_net_rx *rx,
			  const struct virtq_chain *first);

/*
 * Copies len bytes of src into c's writable buffers from byte off of
 * them on; returns how many fit.
 */
size_t virtio_net_chain_write(const struct virtq_chain *c, size_t off,
			      const uint8_t *src, size_t len);

#endif
