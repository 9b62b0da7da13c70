// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net frames (virtio 1.2 section 5.1): features, configuration,
 * the transmit header's checks and checksum completion, and receive
 * placement with mergeable buffers. See virtio-net.h for what is offered
 * and why.
 */
#include <endian.h>
#include <string.h>

#include "virtio-mmio.h"
#include "virtio-net.h"

uint64_t virtio_net_features(void)
{
	return 1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_F_INDIRECT_DESC |
	       1ULL << VIRTIO_F_EVENT_IDX | 1ULL << VIRTIO_NET_F_CSUM |
	       1ULL << VIRTIO_NET_F_MAC | 1ULL << VIRTIO_NET_F_MRG_RXBUF |
	       1ULL << VIRTIO_NET_F_STATUS;
}

void virtio_net_config_init(struct virtio_net_config *cfg, const uint8_t mac[6])
{
	memset(cfg, 0, sizeof(*cfg));
	memcpy(cfg->mac, mac, 6);
	/* The link is always up: both backends are there from the start. */
	cfg->status = htole16(VIRTIO_NET_S_LINK_UP);
	/* Meaningful only with VIRTIO_NET_F_MQ, which is not offered. */
	cfg->max_virtqueue_pairs = htole16(1);
}

const char *virtio_net_tx_error_str(enum virtio_net_tx_error e)
{
	switch (e) {
	case VIRTIO_NET_TX_OK:
		return "ok";
	case VIRTIO_NET_TX_WRITABLE:
		return "a writable buffer on the transmit queue";
	case VIRTIO_NET_TX_SHORT:
		return "a frame shorter than the virtio and Ethernet headers";
	case VIRTIO_NET_TX_LONG:
		return "a frame longer than 64 KiB (no GSO was offered)";
	case VIRTIO_NET_TX_GSO:
		return "a GSO frame (no GSO was offered)";
	case VIRTIO_NET_TX_CSUM:
		return "a checksum request that was not negotiated or lies outside the frame";
	}
	return "?";
}

/* Copies c's readable bytes [off, off + len) to dst; returns how many. */
static size_t chain_read(const struct virtq_chain *c, size_t off, uint8_t *dst,
			 size_t len)
{
	size_t done = 0;

	for (unsigned int i = 0; i < c->nr_out && done < len; i++) {
		const struct virtq_seg *s = &c->segs[i];
		size_t n;

		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = s->len - off;
		if (n > len - done)
			n = len - done;
		memcpy(dst + done, s->addr + off, n);
		done += n;
		off = 0;
	}
	return done;
}

size_t virtio_net_chain_write(const struct virtq_chain *c, size_t off,
			      const uint8_t *src, size_t len)
{
	size_t done = 0;

	for (unsigned int i = c->nr_out; i < c->nr_segs && done < len; i++) {
		const struct virtq_seg *s = &c->segs[i];
		size_t n;

		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = s->len - off;
		if (n > len - done)
			n = len - done;
		memcpy(s->addr + off, src + done, n);
		done += n;
		off = 0;
	}
	return done;
}

/* RFC 1071's sum of data, folded to 16 bits, on top of sum. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

int virtio_net_csum_complete(uint8_t *frame, size_t len, uint32_t start,
			     uint32_t offset)
{
	uint16_t csum;

	/*
	 * The driver left the pseudo-header's sum in the checksum field
	 * (5.1.6.2: "the device ... places the checksum ... at offset
	 * csum_start + csum_offset"): sum from csum_start to the end with
	 * that field as it is, then store the complement.
	 */
	if ((uint64_t)start + offset + 2 > len)
		return -1;
	csum = ~csum_add(0, frame + start, len - start) & 0xffff;
	frame[start + offset] = csum >> 8;
	frame[start + offset + 1] = csum & 0xff;
	return 0;
}

/* The header's rules for a frame the driver sends (5.1.6.2). */
static enum virtio_net_tx_error tx_check_hdr(const struct virtio_net_hdr_v1 *h,
					     uint64_t features)
{
	/* The driver MUST NOT use GSO that was not negotiated (5.1.6.2.1). */
	if (h->gso_type != VIRTIO_NET_HDR_GSO_NONE)
		return VIRTIO_NET_TX_GSO;
	if ((h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    !(features & 1ULL << VIRTIO_NET_F_CSUM))
		return VIRTIO_NET_TX_CSUM;
	return VIRTIO_NET_TX_OK;
}

enum virtio_net_tx_error virtio_net_tx_decode(const struct virtq_chain *c,
					      uint64_t features, uint8_t *frame,
					      size_t *len)
{
	struct virtio_net_hdr_v1 h;
	enum virtio_net_tx_error e;
	size_t n;

	*len = 0;
	/* The transmit queue's buffers are device-readable (5.1.6.2). */
	if (c->nr_in)
		return VIRTIO_NET_TX_WRITABLE;
	if (c->out_len < VIRTIO_NET_HDR_LEN + VIRTIO_NET_ETH_HLEN)
		return VIRTIO_NET_TX_SHORT;
	if (c->out_len - VIRTIO_NET_HDR_LEN > VIRTIO_NET_MAX_FRAME)
		return VIRTIO_NET_TX_LONG;
	chain_read(c, 0, (uint8_t *)&h, sizeof(h));
	e = tx_check_hdr(&h, features);
	if (e)
		return e;
	n = chain_read(c, VIRTIO_NET_HDR_LEN, frame,
		       c->out_len - VIRTIO_NET_HDR_LEN);
	if ((h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    virtio_net_csum_complete(frame, n, le16toh(h.csum_start),
				     le16toh(h.csum_offset)))
		return VIRTIO_NET_TX_CSUM;
	*len = n;
	return VIRTIO_NET_TX_OK;
}

void virtio_net_rx_start(struct virtio_net_rx *rx, const uint8_t *frame,
			 size_t len, bool mergeable)
{
	*rx = (struct virtio_net_rx){
		.frame = frame,
		.len = len,
		.mergeable = mergeable,
	};
}

int virtio_net_rx_put(struct virtio_net_rx *rx, const struct virtq_chain *c,
		      uint32_t *written)
{
	size_t off = 0, room = c->in_len, n;

	*written = 0;
	if (!rx->nr_bufs) {
		/*
		 * The header goes first, whole, in the first chain (5.1.6.3.2:
		 * num_buffers is in the first buffer's header). A driver MUST
		 * make every buffer at least a header long (5.1.6.3.1).
		 */
		if (room < VIRTIO_NET_HDR_LEN)
			return -1;
		/* Without mergeable buffers the frame fits in one chain. */
		if (!rx->mergeable && room - VIRTIO_NET_HDR_LEN < rx->len)
			return -1;
		off = VIRTIO_NET_HDR_LEN;
	} else if (!room) {
		return -1;
	}
	n = virtio_net_chain_write(c, off, rx->frame + rx->done,
				   rx->len - rx->done);
	rx->done += n;
	rx->nr_bufs++;
	*written = off + n;
	return rx->done == rx->len ? 1 : 0;
}

void virtio_net_rx_finish(const struct virtio_net_rx *rx,
			  const struct virtq_chain *first)
{
	struct virtio_net_hdr_v1 h = {
		.num_buffers = htole16(rx->nr_bufs),
	};

	virtio_net_chain_write(first, 0, (const uint8_t *)&h, sizeof(h));
}
