// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-vsock (virtio 1.2 section 5.10), the part lkvm owns: the
 * configuration space as the driver reads it through the virtio-mmio
 * transport, the features offered out of vhost's, and the ring addresses
 * handed to vhost. Numbers are written here from the spec.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "../../devices/virtio-mmio.h"
#include "../../devices/virtio-vsock.h"

Suite *virtio_vsock_suite(void);

/* Feature bits (5.10.3 and 6), and vhost's own (linux/vhost.h). */
#define F_STREAM (1ULL << 0)
#define F_SEQPACKET (1ULL << 1)
#define F_NOTIFY_ON_EMPTY (1ULL << 24)
#define F_INDIRECT_DESC (1ULL << 28)
#define F_EVENT_IDX (1ULL << 29)
#define F_VERSION_1 (1ULL << 32)
#define F_ACCESS_PLATFORM (1ULL << 33)
#define F_VHOST_LOG_ALL (1ULL << 26)

/* The device's configuration space starts at 0x100 (4.2.2). */
#define MMIO_CONFIG 0x100

static uint32_t config_read32(struct virtio_mmio *t, unsigned int off)
{
	uint8_t b[4] = { 0 };
	uint8_t ram_bytes[16];
	struct guest_ram ram = { .host = ram_bytes,
				 .base = 0x80000000,
				 .size = sizeof(ram_bytes) };

	virtio_mmio_access(t, &ram, MMIO_CONFIG + off, b, 4, false);
	return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

/* 5.10.4: le64 guest_cid, read by Linux as two 32-bit halves. */
START_TEST(test_vsock_config)
{
	static const uint32_t cids[] = { 3, 42, 0x12345678, 4294967294U };

	for (unsigned int i = 0; i < sizeof(cids) / sizeof(cids[0]); i++) {
		struct virtio_vsock_config c;
		struct virtio_mmio t = { 0 };
		uint8_t bytes[8];

		ck_assert_uint_eq(sizeof(c), 8);
		virtio_vsock_config_init(&c, cids[i]);
		memcpy(bytes, &c, sizeof(bytes));
		ck_assert_uint_eq(bytes[0], cids[i] & 0xff);
		ck_assert_uint_eq(bytes[1], cids[i] >> 8 & 0xff);
		ck_assert_uint_eq(bytes[2], cids[i] >> 16 & 0xff);
		ck_assert_uint_eq(bytes[3], cids[i] >> 24);
		for (unsigned int k = 4; k < 8; k++)
			ck_assert_uint_eq(bytes[k], 0);

		t.device_id = 19;
		t.device_features = F_VERSION_1;
		t.nr_queues = 3;
		t.queue_num_max = 256;
		t.config = (uint8_t *)&c;
		t.config_len = sizeof(c);
		virtio_mmio_reset(&t);
		ck_assert_uint_eq(config_read32(&t, 0), cids[i]);
		ck_assert_uint_eq(config_read32(&t, 4), 0);
	}
	ck_assert_uint_eq(VIRTIO_ID_VSOCK, 19);
}
END_TEST

/*
 * What the device offers: version 1, indirect, event index and
 * SEQPACKET where vhost has them; never ACCESS_PLATFORM nor vhost's own
 * bits; version 1 always (the transport is modern only).
 */
START_TEST(test_vsock_features)
{
	uint64_t all = F_VERSION_1 | F_INDIRECT_DESC | F_EVENT_IDX |
		       F_NOTIFY_ON_EMPTY | F_VHOST_LOG_ALL | F_ACCESS_PLATFORM |
		       F_SEQPACKET;

	ck_assert_uint_eq(virtio_vsock_features(all),
			  F_VERSION_1 | F_INDIRECT_DESC | F_EVENT_IDX |
				  F_SEQPACKET);
	ck_assert_uint_eq(virtio_vsock_features(F_VERSION_1 | F_EVENT_IDX),
			  F_VERSION_1 | F_EVENT_IDX);
	ck_assert_uint_eq(virtio_vsock_features(0), F_VERSION_1);
	ck_assert_uint_eq(virtio_vsock_features(F_STREAM) & F_STREAM, 0);
}
END_TEST

/* Split rings (2.7): desc 16 n bytes, avail 6 + 2 n, used 6 + 8 n. */
START_TEST(test_vsock_vring)
{
	static uint8_t mem[0x4000];
	struct guest_ram ram = { .host = mem,
				 .base = 0x80000000,
				 .size = sizeof(mem) };
	struct virtq q = { .num = 256,
			   .desc_gpa = 0x80000000,
			   .avail_gpa = 0x80001000,
			   .used_gpa = 0x80002000 };
	struct virtio_vsock_vring v;

	ck_assert_int_eq(virtio_vsock_vring(&q, &ram, &v), 0);
	ck_assert_ptr_eq((void *)(uintptr_t)v.desc, mem);
	ck_assert_ptr_eq((void *)(uintptr_t)v.avail, mem + 0x1000);
	ck_assert_ptr_eq((void *)(uintptr_t)v.used, mem + 0x2000);

	/* The used ring's last byte is RAM's last: still inside. */
	q.used_gpa = 0x80000000 + sizeof(mem) - (6 + 8 * 256);
	ck_assert_int_eq(virtio_vsock_vring(&q, &ram, &v), 0);
	/* One byte further: outside. */
	q.used_gpa++;
	ck_assert_int_eq(virtio_vsock_vring(&q, &ram, &v), -EINVAL);
	q.used_gpa = 0x80002000;
	/* A descriptor table of 16 n bytes running past the end. */
	q.desc_gpa = 0x80000000 + sizeof(mem) - 16 * 256 + 16;
	ck_assert_int_eq(virtio_vsock_vring(&q, &ram, &v), -EINVAL);
	q.desc_gpa = 0x80000000;
	/* Below RAM, and an avail ring past it. */
	q.avail_gpa = 0x7ffffff0;
	ck_assert_int_eq(virtio_vsock_vring(&q, &ram, &v), -EINVAL);
	q.avail_gpa = 0x80000000 + sizeof(mem) - (6 + 2 * 256) + 1;
	ck_assert_int_eq(virtio_vsock_vring(&q, &ram, &v), -EINVAL);
	q.avail_gpa = 0x80001000;
	q.num = 0;
	ck_assert_int_eq(virtio_vsock_vring(&q, &ram, &v), -EINVAL);
}
END_TEST

Suite *virtio_vsock_suite(void)
{
	Suite *s = suite_create("virtio-vsock");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_vsock_config);
	tcase_add_test(tc, test_vsock_features);
	tcase_add_test(tc, test_vsock_vring);
	suite_add_tcase(s, tc);
	return s;
}
