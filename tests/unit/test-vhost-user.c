// SPDX-License-Identifier: GPL-2.0
/*
 * The vhost-user front end's messages and reply checks
 * (devices/vhost-user-proto.c) and virtio-fs's configuration, features
 * and option (devices/virtio-fs.c). Every expected byte is written out
 * here from QEMU's docs/interop/vhost-user.rst ("Message specification",
 * "Front-end message types") and virtio 1.2 section 5.11, not computed
 * with the code's own helpers.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "../../devices/vhost-user-proto.h"
#include "../../devices/virtio-fs.h"

Suite *vhost_user_suite(void);

static void check_bytes(const uint8_t *got, size_t len, const uint8_t *want,
			size_t want_len)
{
	ck_assert_uint_eq(len, want_len);
	for (size_t i = 0; i < len; i++)
		ck_assert_msg(got[i] == want[i],
			      "byte %zu: 0x%02x, want 0x%02x", i, got[i],
			      want[i]);
}

/* GET_FEATURES (1): a header alone, version 1, no payload. */
START_TEST(test_msg_get_features)
{
	static const uint8_t want[] = { 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t buf[VHOST_USER_MSG_MAX];
	size_t n = vhost_user_msg(buf, VHOST_USER_GET_FEATURES, false, NULL, 0);

	check_bytes(buf, n, want, sizeof(want));
}
END_TEST

/* SET_FEATURES (2) with need_reply (flags 0x9): a u64, little-endian. */
START_TEST(test_msg_set_features)
{
	static const uint8_t want[] = { 2,    0,    0,	  0,	9,
					0,    0,    0,	  8,	0,
					0,    0,    0x08, 0x07, 0x06,
					0x05, 0x04, 0x03, 0x02, 0x01 };
	uint8_t buf[VHOST_USER_MSG_MAX];
	size_t n = vhost_user_msg_u64(buf, VHOST_USER_SET_FEATURES, true,
				      0x0102030405060708ULL);

	check_bytes(buf, n, want, sizeof(want));
}
END_TEST

/* SET_VRING_NUM (8): a vring state, u32 index then u32 num. */
START_TEST(test_msg_state)
{
	static const uint8_t want[] = { 8, 0, 0, 0, 1, 0, 0, 0,	   8, 0,
					0, 0, 1, 0, 0, 0, 0, 0x01, 0, 0 };
	uint8_t buf[VHOST_USER_MSG_MAX];
	size_t n = vhost_user_msg_state(buf, VHOST_USER_SET_VRING_NUM, false, 1,
					256);

	check_bytes(buf, n, want, sizeof(want));
}
END_TEST

/*
 * SET_MEM_TABLE (5): u32 nregions, u32 padding, then per region u64
 * guest_phys_addr, memory_size, userspace_addr, mmap_offset: 8 + 32 bytes.
 */
START_TEST(test_msg_mem_table)
{
	static const uint8_t want[] = {
		5,
		0,
		0,
		0,
		1,
		0,
		0,
		0,
		40,
		0,
		0,
		0,
		1,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		/* guest_phys_addr 0x80000000 */
		0,
		0,
		0,
		0x80,
		0,
		0,
		0,
		0,
		/* memory_size 0x10000000 (256 MiB) */
		0,
		0,
		0,
		0x10,
		0,
		0,
		0,
		0,
		/* userspace_addr 0x0000ffff12340000 */
		0,
		0,
		0x34,
		0x12,
		0xff,
		0xff,
		0,
		0,
		/* mmap_offset 0 */
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
	};
	struct vhost_user_region r = {
		.guest_phys_addr = 0x80000000,
		.memory_size = 0x10000000,
		.userspace_addr = 0x0000ffff12340000ULL,
	};
	uint8_t buf[VHOST_USER_MSG_MAX];
	size_t n = vhost_user_msg_mem_table(buf, false, &r, 1);

	check_bytes(buf, n, want, sizeof(want));
	ck_assert_uint_eq(vhost_user_msg_mem_table(buf, false, &r, 0), 0);
	ck_assert_uint_eq(vhost_user_msg_mem_table(buf, false, &r, 9), 0);
}
END_TEST

/*
 * SET_VRING_ADDR (9): index, flags, then desc, used, avail (in that
 * order), log: lkvm's addresses of the rings in its RAM mapping.
 */
START_TEST(test_msg_vring_addr)
{
	static uint8_t ram_bytes[0x4000];
	struct guest_ram ram = { .host = ram_bytes,
				 .base = 0x80000000,
				 .size = sizeof(ram_bytes) };
	struct virtq q = { .num = 16,
			   .desc_gpa = 0x80001000,
			   .avail_gpa = 0x80002000,
			   .used_gpa = 0x80003000 };
	uint8_t buf[VHOST_USER_MSG_MAX];
	uint64_t base = (uintptr_t)ram_bytes;
	size_t n = vhost_user_msg_vring_addr(buf, true, 1, &q, &ram);
	uint8_t want[52] = { 9, 0, 0, 0, 9, 0, 0, 0, 40, 0,
			     0, 0, 1, 0, 0, 0, 0, 0, 0,	 0 };
	uint64_t addrs[3] = { base + 0x1000, base + 0x3000, base + 0x2000 };

	for (unsigned int a = 0; a < 3; a++)
		for (unsigned int i = 0; i < 8; i++)
			want[20 + 8 * a + i] = addrs[a] >> (8 * i);
	check_bytes(buf, n, want, sizeof(want));

	/* Each area wholly inside RAM: used ring 6 + 8 * 16 = 134 bytes. */
	q.used_gpa = 0x80004000 - 133;
	ck_assert_uint_eq(vhost_user_msg_vring_addr(buf, true, 1, &q, &ram), 0);
	q.used_gpa = 0x80004000 - 134;
	ck_assert_uint_eq(vhost_user_msg_vring_addr(buf, true, 1, &q, &ram),
			  52);
	q.desc_gpa = 0x7ffff000;
	ck_assert_uint_eq(vhost_user_msg_vring_addr(buf, true, 1, &q, &ram), 0);
	q.desc_gpa = 0x80001000;
	q.num = 0;
	ck_assert_uint_eq(vhost_user_msg_vring_addr(buf, true, 1, &q, &ram), 0);
}
END_TEST

/* Replies: the same request, version 1, the reply flag (0x5), size 8. */
START_TEST(test_reply_u64)
{
	static const uint8_t ok[] = { 1,    0,	  0,	0,    5,    0,	  0,
				      0,    8,	  0,	0,    0,    0x00, 0x00,
				      0x00, 0x70, 0x01, 0x00, 0x00, 0x00 };
	uint8_t b[sizeof(ok)];
	uint64_t v = 0;

	ck_assert_int_eq(vhost_user_reply_hdr(ok, VHOST_USER_GET_FEATURES), 8);
	ck_assert_int_eq(vhost_user_reply_u64(ok, sizeof(ok),
					      VHOST_USER_GET_FEATURES, &v),
			 0);
	ck_assert_uint_eq(v, 0x170000000ULL);
	/* Another request's reply. */
	ck_assert_int_eq(vhost_user_reply_u64(ok, sizeof(ok),
					      VHOST_USER_GET_PROTOCOL_FEATURES,
					      &v),
			 -EPROTO);
	/* Without the reply flag; version 0 or 2; size 4 or 9. */
	memcpy(b, ok, sizeof(b));
	b[4] = 1;
	ck_assert_int_eq(vhost_user_reply_u64(b, sizeof(b), 1, &v), -EPROTO);
	b[4] = 4;
	ck_assert_int_eq(vhost_user_reply_u64(b, sizeof(b), 1, &v), -EPROTO);
	b[4] = 6;
	ck_assert_int_eq(vhost_user_reply_u64(b, sizeof(b), 1, &v), -EPROTO);
	b[4] = 5 | 8; /* a need-reply bit set as well is still a reply */
	ck_assert_int_eq(vhost_user_reply_u64(b, sizeof(b), 1, &v), 0);
	memcpy(b, ok, sizeof(b));
	b[8] = 4;
	ck_assert_int_eq(vhost_user_reply_u64(b, sizeof(b), 1, &v), -EPROTO);
	b[8] = 9;
	ck_assert_int_eq(vhost_user_reply_hdr(b, 1), -EPROTO);
	/* A huge size is refused at the header, before any read. */
	memcpy(b, ok, sizeof(b));
	b[11] = 0x80;
	ck_assert_int_eq(vhost_user_reply_hdr(b, 1), -EPROTO);
	/* The whole reply's length must match its size. */
	ck_assert_int_eq(vhost_user_reply_u64(ok, sizeof(ok) - 1, 1, &v),
			 -EPROTO);
	ck_assert_int_eq(vhost_user_reply_u64(ok, 12, 1, &v), -EPROTO);
	ck_assert_int_eq(vhost_user_reply_u64(ok, 0, 1, &v), -EPROTO);
}
END_TEST

/* GET_VRING_BASE (11)'s reply: a state. */
START_TEST(test_reply_state)
{
	static const uint8_t ok[] = { 11, 0, 0, 0, 5, 0, 0,    0, 8, 0,
				      0,  0, 1, 0, 0, 0, 0x2a, 0, 0, 0 };
	struct vhost_user_state s;

	ck_assert_int_eq(vhost_user_reply_state(ok, sizeof(ok),
						VHOST_USER_GET_VRING_BASE, &s),
			 0);
	ck_assert_uint_eq(s.index, 1);
	ck_assert_uint_eq(s.num, 42);
	ck_assert_int_eq(vhost_user_reply_state(ok, sizeof(ok),
						VHOST_USER_SET_VRING_BASE, &s),
			 -EPROTO);
}
END_TEST

/* 5.11.4: tag[36] NUL-padded, then le32 num_request_queues = 1. */
START_TEST(test_fs_config)
{
	struct virtio_fs_config c;
	uint8_t b[40];

	ck_assert_uint_eq(sizeof(c), 40);
	virtio_fs_config_init(&c, "myfs");
	memcpy(b, &c, sizeof(b));
	ck_assert_mem_eq(b, "myfs", 4);
	for (unsigned int i = 4; i < 36; i++)
		ck_assert_uint_eq(b[i], 0);
	ck_assert_uint_eq(b[36], 1);
	ck_assert_uint_eq(b[37], 0);
	ck_assert_uint_eq(b[38], 0);
	ck_assert_uint_eq(b[39], 0);
	/* 36 bytes fill the field: no terminator. */
	virtio_fs_config_init(&c, "abcdefghijklmnopqrstuvwxyz0123456789");
	memcpy(b, &c, sizeof(b));
	ck_assert_mem_eq(b, "abcdefghijklmnopqrstuvwxyz0123456789", 36);
	ck_assert_uint_eq(b[36], 1);
}
END_TEST

/*
 * Features: version 1 (32), indirect (28), event index (29) where the
 * back end has them; never PROTOCOL_FEATURES (30), LOG_ALL (26) or
 * NOTIFY_ON_EMPTY (24) to the driver. virtiofsd 1.13 offers 0x174000000.
 */
START_TEST(test_fs_features)
{
	uint64_t vfsd = 0x174000000ULL;

	ck_assert_uint_eq(virtio_fs_features(vfsd), 0x130000000ULL);
	ck_assert_uint_eq(virtio_fs_features(vfsd & ~(1ULL << 32)), 0);
	ck_assert_uint_eq(virtio_fs_features(1ULL << 32), 1ULL << 32);
	/* The ack: what the driver took, plus bit 30 when offered. */
	ck_assert_uint_eq(virtio_fs_backend_ack(vfsd, 0x120000000ULL),
			  0x160000000ULL);
	/* A driver's bit the device did not offer is not passed on. */
	ck_assert_uint_eq(virtio_fs_backend_ack(vfsd, 0x104000001ULL),
			  0x140000000ULL);
	ck_assert_uint_eq(virtio_fs_backend_ack(1ULL << 32, 1ULL << 32),
			  1ULL << 32);
	/* Protocol features: MQ (0) and REPLY_ACK (3) of what is offered. */
	ck_assert_uint_eq(virtio_fs_protocol_ack(0x3ffffULL), 0x9);
	ck_assert_uint_eq(virtio_fs_protocol_ack(0x8), 0x8);
	ck_assert_uint_eq(virtio_fs_protocol_ack(0x6), 0);
}
END_TEST

static int parse(struct vfs_opt *o, const char *arg, char *err, size_t n)
{
	memset(o, 0, sizeof(*o));
	err[0] = 0;
	return virtio_fs_parse_opt(o, arg, err, n);
}

START_TEST(test_fs_option)
{
	static const char *const bad[] = {
		"",
		"/srv",
		"/srv,",
		",tag",
		"/srv,,x",
		"/srv,a b",
		"/srv,abcdefghijklmnopqrstuvwxyz01234567890",
		"/srv,t,sandbox=x",
		"/srv,t,sandbox=",
		"/srv,t,what=1",
		"socket=/s",
		"tag=t",
		"socket=/s,tag=t,sandbox=none",
		"socket=/s,tag=t,virtiofsd=/v",
		"/srv,socket=/s,tag=t",
		"/srv,t,u",
		"/srv,t=1",
	};
	struct vfs_opt o;
	char err[256];

	ck_assert_int_eq(parse(&o, "/srv/share,myfs", err, sizeof(err)), 0);
	ck_assert_str_eq(o.dir, "/srv/share");
	ck_assert_str_eq(o.tag, "myfs");
	ck_assert_str_eq(o.socket, "");
	ck_assert_str_eq(o.sandbox, "");
	ck_assert_str_eq(o.virtiofsd, "");
	ck_assert_int_eq(parse(&o, "/d,t,sandbox=chroot,virtiofsd=/bin/v", err,
			       sizeof(err)),
			 0);
	ck_assert_str_eq(o.sandbox, "chroot");
	ck_assert_str_eq(o.virtiofsd, "/bin/v");
	ck_assert_int_eq(
		parse(&o, "socket=/run/v.sock,tag=x", err, sizeof(err)), 0);
	ck_assert_str_eq(o.socket, "/run/v.sock");
	ck_assert_str_eq(o.tag, "x");
	ck_assert_str_eq(o.dir, "");
	ck_assert_int_eq(parse(&o, "tag=x,socket=/s", err, sizeof(err)), 0);
	ck_assert_int_eq(parse(&o, "/d,abcdefghijklmnopqrstuvwxyz0123456789",
			       err, sizeof(err)),
			 0);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(parse(&o, bad[i], err, sizeof(err)) == -EINVAL,
			      "'%s' accepted", bad[i]);
		ck_assert_msg(!strncmp(err, "--virtio-fs", 11), "'%s': %s",
			      bad[i], err);
		ck_assert_str_eq(o.tag, "");
	}
	/* Given twice. */
	ck_assert_int_eq(parse(&o, "/d,t", err, sizeof(err)), 0);
	ck_assert_int_eq(virtio_fs_parse_opt(&o, "/e,u", err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "twice"));
}
END_TEST

Suite *vhost_user_suite(void)
{
	Suite *s = suite_create("vhost-user");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_msg_get_features);
	tcase_add_test(tc, test_msg_set_features);
	tcase_add_test(tc, test_msg_state);
	tcase_add_test(tc, test_msg_mem_table);
	tcase_add_test(tc, test_msg_vring_addr);
	tcase_add_test(tc, test_reply_u64);
	tcase_add_test(tc, test_reply_state);
	tcase_add_test(tc, test_fs_config);
	tcase_add_test(tc, test_fs_features);
	tcase_add_test(tc, test_fs_option);
	suite_add_tcase(s, tc);
	return s;
}
