// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-9p (virtio 1.2 section 5.11), the part of the device outside the
 * 9P server: the config space (tag_len then the tag, 5.11.4) and a
 * request's way through a descriptor chain (5.11.6). Numbers and layouts
 * are written here from the spec.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "../../devices/virtio-9p.h"

Suite *virtio_9p_suite(void);

/* A chain over buffers of the test's: n_out readable, then writable. */
static void chain_of(struct virtq_chain *c, uint8_t *const bufs[],
		     const uint32_t lens[], unsigned int n_out,
		     unsigned int n_in)
{
	memset(c, 0, sizeof(*c));
	for (unsigned int i = 0; i < n_out + n_in; i++) {
		c->segs[i] = (struct virtq_seg){
			.addr = bufs[i],
			.len = lens[i],
			.write = i >= n_out,
		};
		if (i < n_out)
			c->out_len += lens[i];
		else
			c->in_len += lens[i];
	}
	c->nr_segs = n_out + n_in;
	c->nr_out = n_out;
	c->nr_in = n_in;
}

START_TEST(test_9p_config)
{
	struct virtio_9p_config cfg;
	char tag[VIRTIO_9P_TAG_MAX + 2];
	const uint8_t *raw = (const uint8_t *)&cfg;

	/* 5.11.4: le16 tag_len at 0, the tag's bytes at 2, no NUL counted */
	ck_assert_int_eq(virtio_9p_config_init(&cfg, "share"), 7);
	ck_assert_uint_eq(raw[0], 5);
	ck_assert_uint_eq(raw[1], 0);
	ck_assert(!memcmp(raw + 2, "share", 5));
	/* the longest the virtio-mmio config window holds: 256 - 2 */
	memset(tag, 'a', VIRTIO_9P_TAG_MAX);
	tag[VIRTIO_9P_TAG_MAX] = 0;
	ck_assert_int_eq(virtio_9p_config_init(&cfg, tag), 256);
	ck_assert_uint_eq(raw[0], 254);
	ck_assert_uint_eq(raw[1], 0);
	ck_assert_uint_eq(raw[255], 'a');
	strcat(tag, "a");
	ck_assert_int_eq(virtio_9p_config_init(&cfg, tag), -EINVAL);
	ck_assert_int_eq(virtio_9p_config_init(&cfg, ""), -EINVAL);
	ck_assert_uint_eq(VIRTIO_ID_9P, 9);
	ck_assert_uint_eq(VIRTIO_9P_F_MOUNT_TAG, 0);
}
END_TEST

/* A T-message split over buffers comes out whole, in order. */
START_TEST(test_9p_gather)
{
	uint8_t a[3] = { 1, 2, 3 }, b[5] = { 4, 5, 6, 7, 8 }, w[16];
	uint8_t *bufs[] = { a, b, w };
	const uint32_t lens[] = { 3, 5, 16 };
	struct virtq_chain c;
	uint8_t out[16];

	chain_of(&c, bufs, lens, 2, 1);
	ck_assert_int_eq(virtio_9p_gather(&c, out, sizeof(out)), 8);
	for (int i = 0; i < 8; i++)
		ck_assert_uint_eq(out[i], i + 1);
	/* cut to the buffer, never past it */
	memset(out, 0xee, sizeof(out));
	ck_assert_int_eq(virtio_9p_gather(&c, out, 4), 4);
	ck_assert_uint_eq(out[3], 4);
	ck_assert_uint_eq(out[4], 0xee);
	ck_assert_int_eq(virtio_9p_gather(&c, out, 0), 0);
	/* no readable part: no request */
	chain_of(&c, bufs + 2, lens + 2, 0, 1);
	ck_assert_int_eq(virtio_9p_gather(&c, out, sizeof(out)), -EPROTO);
}
END_TEST

/*
 * The reply over the writable part in order, as a zero-copy Tread has it
 * (an 11-byte Rread header buffer, then the data pages), never past it.
 */
START_TEST(test_9p_scatter)
{
	uint8_t t[7] = { 0 }, hdr[11], page1[4], page2[8];
	uint8_t *bufs[] = { t, hdr, page1, page2 };
	const uint32_t lens[] = { 7, 11, 4, 8 };
	struct virtq_chain c;
	uint8_t reply[32];

	for (int i = 0; i < 32; i++)
		reply[i] = (uint8_t)(0x40 + i);
	chain_of(&c, bufs, lens, 1, 3);
	ck_assert_uint_eq(virtio_9p_reply_room(&c, 1000), 23);
	ck_assert_uint_eq(virtio_9p_reply_room(&c, 20), 20);
	memset(page2, 0, sizeof(page2));
	ck_assert_uint_eq(virtio_9p_scatter(&c, reply, 17), 17);
	ck_assert_uint_eq(hdr[0], 0x40);
	ck_assert_uint_eq(hdr[10], 0x4a);
	ck_assert_uint_eq(page1[0], 0x4b);
	ck_assert_uint_eq(page1[3], 0x4e);
	ck_assert_uint_eq(page2[0], 0x4f);
	ck_assert_uint_eq(page2[1], 0x50);
	ck_assert_uint_eq(page2[2], 0);
	/* the readable buffer is never written */
	ck_assert_uint_eq(t[0], 0);
	/* no writable part: no room */
	chain_of(&c, bufs, lens, 1, 0);
	ck_assert_uint_eq(virtio_9p_reply_room(&c, 1000), 0);
	ck_assert_uint_eq(virtio_9p_scatter(&c, reply, 0), 0);
}
END_TEST

Suite *virtio_9p_suite(void)
{
	Suite *s = suite_create("virtio-9p");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_9p_config);
	tcase_add_test(tc, test_9p_gather);
	tcase_add_test(tc, test_9p_scatter);
	suite_add_tcase(s, tc);
	return s;
}
