// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for devices/virtio-net.c: virtio_net_tx_decode on a
 * transmit chain a hostile driver made, and the placement of a frame into
 * receive chains of hostile sizes (virtio_net_rx_put, _finish).
 *
 * Input layout (little-endian):
 *   0   u8   bit 0 features with VIRTIO_NET_F_CSUM, bit 1 mergeable
 *            receive buffers
 *   1   u8   number of buffers of the transmit chain, v % 17
 *   2   u8   how many of them are readable, v % (buffers + 1)
 *   3   u16  each buffer's length - 1, & 0x1fff
 *   ... the buffers' contents (zeros past the end)
 *   then u16 the received frame's length, & 0x3fff (its bytes: the
 *        transmit chain's first buffer, repeated)
 *   then u8 the number of receive chains, v % 9, each: u8 number of
 *        buffers (v % 4) + 1, and per buffer u16 length & 0x7ff and u8
 *        writable (bit 0)
 *
 * Every buffer is a heap allocation of exactly its length, so that ASan
 * sees any access past one.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "../../devices/virtio-mmio.h"
#include "../../devices/virtio-net.h"

#define MAX_TX_SEGS 16
#define MAX_RX_CHAINS 8

static uint8_t frame[VIRTIO_NET_MAX_FRAME];
static uint8_t rx_frame[0x4000];

/* Builds nr buffers of chain c, readable first, from the input. */
static bool make_chain(struct input *in, struct virtq_chain *c, unsigned int nr,
		       unsigned int nr_out, bool sizes_only,
		       const uint16_t *lens)
{
	memset(c, 0, offsetof(struct virtq_chain, segs));
	for (unsigned int i = 0; i < nr; i++) {
		struct virtq_seg *s = &c->segs[i];

		s->len = lens[i];
		s->write = i >= nr_out;
		s->addr = calloc(1, s->len);
		if (!s->addr)
			abort();
		if (!sizes_only) {
			size_t n = in->n < s->len ? in->n : s->len;

			memcpy(s->addr, in->p, n);
			in->p += n;
			in->n -= n;
		}
		if (s->write) {
			c->nr_in++;
			c->in_len += s->len;
		} else {
			c->nr_out++;
			c->out_len += s->len;
		}
		c->nr_segs++;
	}
	return true;
}

static void free_chain(struct virtq_chain *c)
{
	for (unsigned int i = 0; i < c->nr_segs; i++)
		free(c->segs[i].addr);
}

/* The chain's readable bytes [off, off + len) into dst. */
static void gather(const struct virtq_chain *c, size_t off, uint8_t *dst,
		   size_t len)
{
	for (unsigned int i = 0; i < c->nr_out && len; i++) {
		const struct virtq_seg *s = &c->segs[i];

		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		size_t n = s->len - off < len ? s->len - off : len;
		memcpy(dst, s->addr + off, n);
		dst += n;
		len -= n;
		off = 0;
	}
}

static void fuzz_tx(const struct virtq_chain *c, uint64_t features)
{
	static uint8_t want[VIRTIO_NET_MAX_FRAME + VIRTIO_NET_HDR_LEN];
	enum virtio_net_tx_error e;
	size_t len = 12345;

	e = virtio_net_tx_decode(c, features, frame, &len);
	if (e) {
		CHECK(len == 0);
		CHECK(strlen(virtio_net_tx_error_str(e)) > 0);
		return;
	}
	CHECK(c->nr_in == 0);
	CHECK(c->out_len >= VIRTIO_NET_HDR_LEN + VIRTIO_NET_ETH_HLEN);
	CHECK(len == c->out_len - VIRTIO_NET_HDR_LEN);
	CHECK(len <= VIRTIO_NET_MAX_FRAME);
	gather(c, 0, want, c->out_len);
	CHECK(want[1] == VIRTIO_NET_HDR_GSO_NONE);
	if (want[0] & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		size_t at = (size_t)(want[6] | want[7] << 8) +
			    (want[8] | want[9] << 8);

		CHECK(features & 1ULL << VIRTIO_NET_F_CSUM);
		CHECK(at + 2 <= len);
		/* All but the two checksum bytes are the driver's. */
		CHECK(!memcmp(frame, want + VIRTIO_NET_HDR_LEN, at));
		CHECK(!memcmp(frame + at + 2,
			      want + VIRTIO_NET_HDR_LEN + at + 2,
			      len - at - 2));
	} else {
		CHECK(!memcmp(frame, want + VIRTIO_NET_HDR_LEN, len));
	}
}

/* The writable bytes of c, in order, into dst; returns how many. */
static size_t scatter_back(const struct virtq_chain *c, uint8_t *dst,
			   size_t max)
{
	size_t n = 0;

	for (unsigned int i = c->nr_out; i < c->nr_segs; i++)
		for (uint32_t j = 0; j < c->segs[i].len && n < max; j++)
			dst[n++] = c->segs[i].addr[j];
	return n;
}

static void fuzz_rx(struct input *in, struct virtq_chain *chains,
		    bool mergeable)
{
	static uint8_t got[0x4000 + VIRTIO_NET_HDR_LEN + 0x800];
	struct virtio_net_rx rx;
	size_t len = take(in, 2) & 0x3fff, pos = 0, hdr_pos = 0;
	unsigned int nr = take(in, 1) % (MAX_RX_CHAINS + 1), used = 0;
	int ret = 0;

	for (size_t i = 0; i < len; i++)
		rx_frame[i] = (uint8_t)(i * 31 + 7);
	for (unsigned int k = 0; k < nr; k++) {
		uint16_t lens[4];
		unsigned int nb = take(in, 1) % 4 + 1, nr_out = 0;
		bool w[4];

		for (unsigned int i = 0; i < nb; i++) {
			lens[i] = 1 + (take(in, 2) & 0x7ff);
			w[i] = take(in, 1) & 1;
		}
		/* virtq gives readable buffers first. */
		while (nr_out < nb && !w[nr_out])
			nr_out++;
		make_chain(in, &chains[k], nb, nr_out, true, lens);
	}
	virtio_net_rx_start(&rx, rx_frame, len, mergeable);
	for (unsigned int k = 0; k < nr && !ret; k++) {
		uint32_t written = 7;

		ret = virtio_net_rx_put(&rx, &chains[k], &written);
		CHECK(written <= chains[k].in_len);
		if (ret < 0) {
			CHECK(written == 0);
			break;
		}
		used++;
		CHECK(rx.nr_bufs == used);
		CHECK(rx.done <= len);
		if (ret == 0) {
			CHECK(mergeable);
			CHECK(written == chains[k].in_len);
		}
		/* The bytes written are the frame's, after the header. */
		size_t n = scatter_back(&chains[k], got + pos, written);
		CHECK(n == written);
		pos += n;
	}
	if (ret != 1)
		goto out;
	CHECK(rx.done == len);
	CHECK(pos == len + VIRTIO_NET_HDR_LEN);
	CHECK(!memcmp(got + VIRTIO_NET_HDR_LEN, rx_frame, len));
	virtio_net_rx_finish(&rx, &chains[0]);
	scatter_back(&chains[0], got, VIRTIO_NET_HDR_LEN);
	for (hdr_pos = 0; hdr_pos < 10; hdr_pos++)
		CHECK(got[hdr_pos] == 0);
	CHECK((unsigned int)(got[10] | got[11] << 8) == used);
out:
	for (unsigned int k = 0; k < nr; k++)
		free_chain(&chains[k]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct virtq_chain *c = calloc(MAX_RX_CHAINS + 1, sizeof(*c));
	uint16_t lens[MAX_TX_SEGS];
	unsigned int flags, nr, nr_out;
	uint64_t features = 1ULL << VIRTIO_F_VERSION_1;

	if (!c)
		abort();
	flags = take(&in, 1);
	if (flags & 1)
		features |= 1ULL << VIRTIO_NET_F_CSUM;
	nr = take(&in, 1) % (MAX_TX_SEGS + 1);
	nr_out = take(&in, 1) % (nr + 1);
	for (unsigned int i = 0; i < nr; i++)
		lens[i] = 1 + (take(&in, 2) & 0x1fff);
	make_chain(&in, &c[0], nr, nr_out, false, lens);
	fuzz_tx(&c[0], features);
	free_chain(&c[0]);
	fuzz_rx(&in, c + 1, flags & 2);
	free(c);
	return 0;
}
