// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net (virtio 1.2 section 5.1): features, the configuration space,
 * transmit decoding with its header checks and checksum completion, and
 * receive placement with and without mergeable buffers. Bit numbers,
 * offsets and checksums are written here from the spec and RFC 1071, not
 * taken from the code under test.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "../../devices/virtio-net.h"

Suite *virtio_net_suite(void);

/* Feature bits (5.1.3 and 6). */
#define F_CSUM (1ULL << 0)
#define F_GUEST_CSUM (1ULL << 1)
#define F_MAC (1ULL << 5)
#define F_GUEST_TSO4 (1ULL << 7)
#define F_HOST_TSO4 (1ULL << 11)
#define F_MRG_RXBUF (1ULL << 15)
#define F_STATUS (1ULL << 16)
#define F_CTRL_VQ (1ULL << 17)
#define F_MQ (1ULL << 22)
#define F_INDIRECT_DESC (1ULL << 28)
#define F_EVENT_IDX (1ULL << 29)
#define F_VERSION_1 (1ULL << 32)

#define HDR 12

/* Appends a buffer to c: the readable ones first, then the writable. */
static void add(struct virtq_chain *c, void *addr, uint32_t len, bool write)
{
	struct virtq_seg *s;

	ck_assert_uint_lt(c->nr_segs, VIRTQ_MAX_SEGS);
	ck_assert(write || !c->nr_in);
	s = &c->segs[c->nr_segs++];
	s->addr = addr;
	s->len = len;
	s->write = write;
	if (write) {
		c->nr_in++;
		c->in_len += len;
	} else {
		c->nr_out++;
		c->out_len += len;
	}
}

START_TEST(test_net_features)
{
	uint64_t f = virtio_net_features();

	ck_assert(f & F_VERSION_1);
	ck_assert(f & F_MAC);
	ck_assert(f & F_STATUS);
	ck_assert(f & F_MRG_RXBUF);
	ck_assert(f & F_CSUM);
	/* Not offered: see virtio-net.h. */
	ck_assert(!(f & (F_GUEST_CSUM | F_GUEST_TSO4 | F_HOST_TSO4 | F_CTRL_VQ |
			 F_MQ)));
}
END_TEST

START_TEST(test_net_config)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct virtio_net_config cfg;
	const uint8_t *b = (const uint8_t *)&cfg;

	memset(&cfg, 0xee, sizeof(cfg));
	virtio_net_config_init(&cfg, mac);
	/* 5.1.4: mac at 0, status (le16) at 6, max_virtqueue_pairs at 8. */
	ck_assert_mem_eq(b, mac, 6);
	ck_assert_uint_eq(b[6], 1); /* VIRTIO_NET_S_LINK_UP */
	ck_assert_uint_eq(b[7], 0);
	ck_assert_uint_eq(b[8], 1);
	ck_assert_uint_eq(b[9], 0);
	ck_assert_uint_eq(sizeof(struct virtio_net_hdr_v1), 12);
}
END_TEST

/* A 12-byte header: flags, gso_type, hdr_len, gso_size, csum_*, num. */
static void put_hdr(uint8_t *p, uint8_t flags, uint8_t gso, uint16_t start,
		    uint16_t off)
{
	memset(p, 0, HDR);
	p[0] = flags;
	p[1] = gso;
	p[6] = start & 0xff;
	p[7] = start >> 8;
	p[8] = off & 0xff;
	p[9] = off >> 8;
}

static uint8_t frame_out[VIRTIO_NET_MAX_FRAME];

/* Header and frame split over buffers of sizes cuts (a 2.7.4 test). */
START_TEST(test_net_tx_split)
{
	static const uint32_t cuts[][4] = {
		{ 12 + 60, 0, 0, 0 },
		{ 5, 7, 60, 0 },
		{ 1, 1, 69, 1 },
		{ 20, 52, 0, 0 },
	};
	uint8_t pkt[HDR + 60];

	put_hdr(pkt, 0, 0, 0, 0);
	for (int i = 0; i < 60; i++)
		pkt[HDR + i] = (uint8_t)(i * 7 + 1);
	for (unsigned int k = 0; k < ARRAY_SIZE(cuts); k++) {
		struct virtq_chain c = { 0 };
		uint32_t off = 0;
		size_t len = 1234;

		for (int i = 0; i < 4 && cuts[k][i]; i++) {
			add(&c, pkt + off, cuts[k][i], false);
			off += cuts[k][i];
		}
		ck_assert_uint_eq(off, sizeof(pkt));
		ck_assert_int_eq(virtio_net_tx_decode(&c, virtio_net_features(),
						      frame_out, &len),
				 VIRTIO_NET_TX_OK);
		ck_assert_uint_eq(len, 60);
		ck_assert_mem_eq(frame_out, pkt + HDR, 60);
	}
}
END_TEST

START_TEST(test_net_tx_refused)
{
	static uint8_t big[HDR + VIRTIO_NET_MAX_FRAME + 1];
	uint8_t pkt[HDR + 60] = { 0 }, in[16];
	struct virtq_chain c;
	size_t len;

	/* Shorter than the two headers: 12 + 13 bytes. */
	memset(&c, 0, sizeof(c));
	add(&c, pkt, HDR + 13, false);
	ck_assert_int_eq(virtio_net_tx_decode(&c, ~0ULL, frame_out, &len),
			 VIRTIO_NET_TX_SHORT);
	ck_assert_uint_eq(len, 0);
	/* A writable buffer on the transmit queue. */
	memset(&c, 0, sizeof(c));
	add(&c, pkt, sizeof(pkt), false);
	add(&c, in, sizeof(in), true);
	ck_assert_int_eq(virtio_net_tx_decode(&c, ~0ULL, frame_out, &len),
			 VIRTIO_NET_TX_WRITABLE);
	/* One byte over 64 KiB of frame; exactly 64 KiB passes. */
	memset(&c, 0, sizeof(c));
	add(&c, big, sizeof(big), false);
	ck_assert_int_eq(virtio_net_tx_decode(&c, ~0ULL, frame_out, &len),
			 VIRTIO_NET_TX_LONG);
	memset(&c, 0, sizeof(c));
	add(&c, big, sizeof(big) - 1, false);
	ck_assert_int_eq(virtio_net_tx_decode(&c, ~0ULL, frame_out, &len),
			 VIRTIO_NET_TX_OK);
	ck_assert_uint_eq(len, VIRTIO_NET_MAX_FRAME);
	/* GSO (TCPv4 = 1) was never offered. */
	put_hdr(pkt, 0, 1, 0, 0);
	memset(&c, 0, sizeof(c));
	add(&c, pkt, sizeof(pkt), false);
	ck_assert_int_eq(virtio_net_tx_decode(&c, ~0ULL, frame_out, &len),
			 VIRTIO_NET_TX_GSO);
	/* NEEDS_CSUM without VIRTIO_NET_F_CSUM negotiated. */
	put_hdr(pkt, 1, 0, 14, 6);
	ck_assert_int_eq(virtio_net_tx_decode(&c, F_VERSION_1, frame_out, &len),
			 VIRTIO_NET_TX_CSUM);
	/* The checksum field's 2 bytes past the frame: 58 + 1 + 2 > 60. */
	put_hdr(pkt, 1, 0, 58, 1);
	ck_assert_int_eq(virtio_net_tx_decode(&c, ~0ULL, frame_out, &len),
			 VIRTIO_NET_TX_CSUM);
	put_hdr(pkt, 1, 0, 58, 0);
	ck_assert_int_eq(virtio_net_tx_decode(&c, ~0ULL, frame_out, &len),
			 VIRTIO_NET_TX_OK);
	/* Sums that would wrap 16 bits: 0xffff + 0xffff. */
	put_hdr(pkt, 1, 0, 0xffff, 0xffff);
	ck_assert_int_eq(virtio_net_tx_decode(&c, ~0ULL, frame_out, &len),
			 VIRTIO_NET_TX_CSUM);
}
END_TEST

/*
 * RFC 1071's example: the words 0001 f203 f4f5 f6f7 sum to ddf2, the
 * checksum is its complement, 220d. Seeded by a "pseudo-header" word
 * 0x1234 in the checksum field: the sum becomes ddf2 + 1234 = f026, the
 * checksum 0fd9.
 */
START_TEST(test_net_csum)
{
	uint8_t f[10] = { 0x00, 0x01, 0xf2, 0x03, 0xf4,
			  0xf5, 0xf6, 0xf7, 0x00, 0x00 };

	ck_assert_int_eq(virtio_net_csum_complete(f, 10, 0, 8), 0);
	ck_assert_uint_eq(f[8], 0x22);
	ck_assert_uint_eq(f[9], 0x0d);
	f[8] = 0x12;
	f[9] = 0x34;
	ck_assert_int_eq(virtio_net_csum_complete(f, 10, 0, 8), 0);
	ck_assert_uint_eq(f[8], 0x0f);
	ck_assert_uint_eq(f[9], 0xd9);
	/*
	 * An odd length pads with a zero byte: 00 01 f2 00 00 -> 0001 +
	 * f200 + 0000 = f201, the checksum 0dfe at bytes 3 and 4.
	 */
	{
		uint8_t g[5] = { 0x00, 0x01, 0xf2, 0, 0 };

		ck_assert_int_eq(virtio_net_csum_complete(g, 5, 0, 3), 0);
		ck_assert_uint_eq(g[3], 0x0d);
		ck_assert_uint_eq(g[4], 0xfe);
	}
	ck_assert_int_eq(virtio_net_csum_complete(f, 10, 9, 0), -1);
	ck_assert_int_eq(virtio_net_csum_complete(f, 10, 0, 9), -1);
}
END_TEST

static uint16_t num_buffers(const uint8_t *hdr)
{
	return hdr[10] | hdr[11] << 8;
}

/* One chain that holds the frame: header, then the frame, in two pieces. */
START_TEST(test_net_rx_one)
{
	uint8_t frame[100], a[30], b[200];
	struct virtq_chain c = { 0 };
	struct virtio_net_rx rx;
	uint32_t w;

	for (unsigned int i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(0x30 + i);
	memset(a, 0xee, sizeof(a));
	memset(b, 0xee, sizeof(b));
	add(&c, a, sizeof(a), true);
	add(&c, b, sizeof(b), true);
	for (int merge = 0; merge < 2; merge++) {
		virtio_net_rx_start(&rx, frame, sizeof(frame), merge);
		ck_assert_int_eq(virtio_net_rx_put(&rx, &c, &w), 1);
		ck_assert_uint_eq(w, HDR + 100);
		virtio_net_rx_finish(&rx, &c);
		ck_assert_uint_eq(num_buffers(a), 1);
		for (int i = 0; i < 10; i++)
			ck_assert_uint_eq(a[i], 0);
		ck_assert_mem_eq(a + HDR, frame, 18);
		ck_assert_mem_eq(b, frame + 18, 82);
		ck_assert_uint_eq(b[82], 0xee);
	}
}
END_TEST

/* A frame over three mergeable chains; without merging, dropped. */
START_TEST(test_net_rx_merge)
{
	uint8_t frame[3000], b0[1500], b1[1500], b2[1500];
	struct virtq_chain c[3];
	struct virtio_net_rx rx;
	uint32_t w[3];

	for (unsigned int i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(i * 13);
	memset(c, 0, sizeof(c));
	add(&c[0], b0, sizeof(b0), true);
	add(&c[1], b1, sizeof(b1), true);
	add(&c[2], b2, sizeof(b2), true);
	virtio_net_rx_start(&rx, frame, sizeof(frame), true);
	ck_assert_int_eq(virtio_net_rx_put(&rx, &c[0], &w[0]), 0);
	ck_assert_int_eq(virtio_net_rx_put(&rx, &c[1], &w[1]), 0);
	ck_assert_int_eq(virtio_net_rx_put(&rx, &c[2], &w[2]), 1);
	ck_assert_uint_eq(w[0], 1500);
	ck_assert_uint_eq(w[1], 1500);
	ck_assert_uint_eq(w[2], 3000 + HDR - 3000);
	virtio_net_rx_finish(&rx, &c[0]);
	ck_assert_uint_eq(num_buffers(b0), 3);
	ck_assert_mem_eq(b0 + HDR, frame, 1488);
	ck_assert_mem_eq(b1, frame + 1488, 1500);
	ck_assert_mem_eq(b2, frame + 2988, 12);

	virtio_net_rx_start(&rx, frame, sizeof(frame), false);
	ck_assert_int_eq(virtio_net_rx_put(&rx, &c[0], &w[0]), -1);
	ck_assert_uint_eq(w[0], 0);
}
END_TEST

/* Chains that cannot take a frame: no room for a header, none writable. */
START_TEST(test_net_rx_refused)
{
	uint8_t frame[64] = { 1 }, small[11], out[64], big[200];
	struct virtq_chain c = { 0 }, r = { 0 }, w0 = { 0 };
	struct virtio_net_rx rx;
	uint32_t w;

	add(&c, small, sizeof(small), true);
	virtio_net_rx_start(&rx, frame, sizeof(frame), true);
	ck_assert_int_eq(virtio_net_rx_put(&rx, &c, &w), -1);
	/* Readable only: nothing the device may write. */
	add(&r, out, sizeof(out), false);
	ck_assert_int_eq(virtio_net_rx_put(&rx, &r, &w), -1);
	/* A later chain without a writable byte. */
	add(&w0, big, HDR + 10, true);
	ck_assert_int_eq(virtio_net_rx_put(&rx, &w0, &w), 0);
	ck_assert_int_eq(virtio_net_rx_put(&rx, &r, &w), -1);
	ck_assert_uint_eq(w, 0);
}
END_TEST

Suite *virtio_net_suite(void)
{
	Suite *s = suite_create("virtio-net");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_net_features);
	tcase_add_test(tc, test_net_config);
	tcase_add_test(tc, test_net_tx_split);
	tcase_add_test(tc, test_net_tx_refused);
	tcase_add_test(tc, test_net_csum);
	tcase_add_test(tc, test_net_rx_one);
	tcase_add_test(tc, test_net_rx_merge);
	tcase_add_test(tc, test_net_rx_refused);
	suite_add_tcase(s, tc);
	return s;
}
