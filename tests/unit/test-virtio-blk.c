// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk (virtio 1.2 section 5.2): the features and configuration
 * space a disk offers, and the decoding of descriptor chains, however the
 * driver cut them into buffers (2.7.4). Expected values are written from
 * the spec: feature bit numbers, byte offsets of the configuration space
 * and little-endian encodings are spelled out here, not taken from the
 * code under test.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "../../devices/virtio-blk.h"

Suite *virtio_blk_suite(void);

/* Feature bits (5.2.3 and 6). */
#define F_SEG_MAX (1ULL << 2)
#define F_RO (1ULL << 5)
#define F_BLK_SIZE (1ULL << 6)
#define F_FLUSH (1ULL << 9)
#define F_DISCARD (1ULL << 13)
#define F_INDIRECT_DESC (1ULL << 28)
#define F_EVENT_IDX (1ULL << 29)
#define F_VERSION_1 (1ULL << 32)
#define F_BASE                                                     \
	(F_VERSION_1 | F_INDIRECT_DESC | F_EVENT_IDX | F_SEG_MAX | \
	 F_BLK_SIZE | F_FLUSH)

/* Request types and status values (5.2.6). */
#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define T_GET_ID 8
#define T_GET_LIFETIME 10
#define T_DISCARD 11
#define T_WRITE_ZEROES 13
#define S_OK 0
#define S_IOERR 1
#define S_UNSUPP 2

/* What a status byte holds before decoding: decode must not write it. */
#define SENTINEL 0xa5

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* The 16-byte request header: le32 type, le32 reserved, le64 sector. */
static void put_hdr(uint8_t *p, uint32_t type, uint64_t sector)
{
	put_le32(p, type);
	put_le32(p + 4, 0);
	put_le64(p + 8, sector);
}

/* One struct virtio_blk_discard_write_zeroes. */
static void put_dwz(uint8_t *p, uint64_t sector, uint32_t nr, uint32_t flags)
{
	put_le64(p, sector);
	put_le32(p + 8, nr);
	put_le32(p + 12, flags);
}

/* Appends a buffer to c: the readable ones first, then the writable. */
static void add(struct virtq_chain *c, void *addr, uint32_t len, bool write)
{
	struct virtq_seg *s;

	ck_assert_uint_lt(c->nr_segs, VIRTQ_MAX_SEGS);
	ck_assert(write || !c->nr_in);
	s = &c->segs[c->nr_segs++];
	s->addr = addr;
	s->gpa = 0x40000000 + 0x1000 * c->nr_segs;
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

static struct virtio_blk_disk mkdisk(uint64_t size, bool ro, bool discard)
{
	struct virtio_blk_disk d = { .size = size, .read_only = ro };

	d.discard = discard;
	memcpy(d.id, "lkvm-test-disk-00001", VIRTIO_BLK_ID_BYTES);
	return d;
}

/* A chain's request, decoded, with the invariants every result keeps. */
static int decode(const struct virtq_chain *c, const struct virtio_blk_disk *d,
		  struct virtio_blk_req *r)
{
	uint64_t sum = 0;
	int ret;

	memset(r, 0x5c, sizeof(*r));
	ret = virtio_blk_decode(c, d, r);
	if (ret == -1) {
		ck_assert_ptr_null(r->status);
		return ret;
	}
	ck_assert(ret == S_OK || ret == S_IOERR || ret == S_UNSUPP);
	ck_assert_ptr_nonnull(r->status);
	ck_assert_uint_le(r->nr_iov, VIRTQ_MAX_SEGS);
	for (unsigned int i = 0; i < r->nr_iov; i++)
		sum += r->iov[i].iov_len;
	ck_assert_uint_eq(sum, r->len);
	if (ret != S_OK)
		ck_assert_uint_eq(r->len, 0);
	if (ret != S_OK || r->type != T_DISCARD)
		ck_assert_uint_eq(r->nr_ranges, 0);
	return ret;
}

#define MiB (1ULL << 20)

/* ---- features and configuration ---- */

START_TEST(test_features_rw)
{
	struct virtio_blk_disk d = mkdisk(MiB, false, false);

	ck_assert_uint_eq(virtio_blk_features(&d), F_BASE);
}
END_TEST

START_TEST(test_features_ro)
{
	struct virtio_blk_disk d = mkdisk(MiB, true, false);

	ck_assert_uint_eq(virtio_blk_features(&d), F_BASE | F_RO);
	/* No discard on a read-only disk, even if the file could. */
	d.discard = true;
	ck_assert_uint_eq(virtio_blk_features(&d), F_BASE | F_RO);
}
END_TEST

START_TEST(test_features_discard)
{
	struct virtio_blk_disk d = mkdisk(MiB, false, true);

	ck_assert_uint_eq(virtio_blk_features(&d), F_BASE | F_DISCARD);
}
END_TEST

/* 5.2.4: the layout, field by field. */
START_TEST(test_config_layout)
{
	ck_assert_uint_eq(offsetof(struct virtio_blk_config, capacity), 0);
	ck_assert_uint_eq(offsetof(struct virtio_blk_config, size_max), 8);
	ck_assert_uint_eq(offsetof(struct virtio_blk_config, seg_max), 12);
	ck_assert_uint_eq(offsetof(struct virtio_blk_config, geometry), 16);
	ck_assert_uint_eq(offsetof(struct virtio_blk_config, geometry.heads),
			  18);
	ck_assert_uint_eq(offsetof(struct virtio_blk_config, geometry.sectors),
			  19);
	ck_assert_uint_eq(offsetof(struct virtio_blk_config, blk_size), 20);
	ck_assert_uint_eq(offsetof(struct virtio_blk_config, topology), 24);
	ck_assert_uint_eq(
		offsetof(struct virtio_blk_config, topology.min_io_size), 26);
	ck_assert_uint_eq(
		offsetof(struct virtio_blk_config, topology.opt_io_size), 28);
	ck_assert_uint_eq(offsetof(struct virtio_blk_config, writeback), 32);
	ck_assert_uint_eq(offsetof(struct virtio_blk_config, unused0), 33);
	ck_assert_uint_eq(offsetof(struct virtio_blk_config, num_queues), 34);
	ck_assert_uint_eq(
		offsetof(struct virtio_blk_config, max_discard_sectors), 36);
	ck_assert_uint_eq(offsetof(struct virtio_blk_config, max_discard_seg),
			  40);
	ck_assert_uint_eq(offsetof(struct virtio_blk_config,
				   discard_sector_alignment),
			  44);
	ck_assert_uint_eq(offsetof(struct virtio_blk_config,
				   max_write_zeroes_sectors),
			  48);
	ck_assert_uint_eq(
		offsetof(struct virtio_blk_config, max_write_zeroes_seg), 52);
	ck_assert_uint_eq(
		offsetof(struct virtio_blk_config, write_zeroes_may_unmap), 56);
	ck_assert_uint_eq(offsetof(struct virtio_blk_config, unused1), 57);
	ck_assert_uint_eq(sizeof(struct virtio_blk_config), 60);
}
END_TEST

static const struct config_case {
	uint64_t size;
	bool ro, discard;
	uint64_t capacity;
	int64_t max_discard_sectors; /* -1: no discard fields */
} config_cases[] = {
	{ MiB, false, false, 2048, -1 },
	{ MiB, true, false, 2048, -1 },
	{ MiB, false, true, 2048, 2048 },
	{ MiB, true, true, 2048, -1 },
	/* Not whole sectors: the partial one is not offered. */
	{ 1000, false, true, 1, 1 },
	{ 511, false, false, 0, -1 },
	{ 0, false, true, 0, 0 },
	/* max_discard_sectors is a le32: capped. */
	{ 4ULL << 40, false, true, 1ULL << 33, UINT32_MAX },
	{ (uint64_t)UINT32_MAX * 512, false, true, UINT32_MAX, UINT32_MAX },
	{ ((uint64_t)UINT32_MAX - 1) * 512 + 100, false, true,
	  (uint64_t)UINT32_MAX - 1, (uint64_t)UINT32_MAX - 1 },
	{ UINT64_MAX, false, true, (1ULL << 55) - 1, UINT32_MAX },
};

START_TEST(test_config)
{
	const struct config_case *t = &config_cases[_i];
	struct virtio_blk_disk d = mkdisk(t->size, t->ro, t->discard);
	struct virtio_blk_config cfg;
	uint8_t expect[60] = { 0 };

	put_le64(expect + 0, t->capacity);
	put_le32(expect + 12, VIRTIO_BLK_SEG_MAX);
	put_le32(expect + 20, 512);
	expect[34] = 1; /* num_queues, le16 */
	if (t->max_discard_sectors >= 0) {
		put_le32(expect + 36, (uint32_t)t->max_discard_sectors);
		put_le32(expect + 40, VIRTIO_BLK_MAX_DISCARD_SEG);
		put_le32(expect + 44, 1);
	}
	memset(&cfg, 0xff, sizeof(cfg));
	virtio_blk_config_init(&cfg, &d);
	ck_assert_mem_eq(&cfg, expect, sizeof(expect));
}
END_TEST

/* The values lkvm's constants must have for the spec's sake. */
START_TEST(test_constants)
{
	ck_assert_int_eq(VIRTIO_BLK_MAX_DISCARD_SEG, 32);
	ck_assert_int_eq(VIRTIO_BLK_SEG_MAX, 254);
	ck_assert_int_eq(VIRTIO_BLK_ID_BYTES, 20);
	ck_assert_int_eq(VIRTIO_ID_BLOCK, 2);
}
END_TEST

/* ---- reads and writes ---- */

START_TEST(test_in_standard)
{
	struct virtio_blk_disk d = mkdisk(MiB, false, false);
	struct virtq_chain c = { 0 };
	struct virtio_blk_req r;
	uint8_t hdr[16], data[4096], st = SENTINEL;

	put_hdr(hdr, T_IN, 8);
	memset(data, 0x3c, sizeof(data));
	add(&c, hdr, sizeof(hdr), false);
	add(&c, data, sizeof(data), true);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	ck_assert_uint_eq(r.type, T_IN);
	ck_assert_uint_eq(r.offset, 8 * 512);
	ck_assert_uint_eq(r.len, 4096);
	ck_assert_uint_eq(r.nr_iov, 1);
	ck_assert_ptr_eq(r.iov[0].iov_base, data);
	ck_assert_uint_eq(r.iov[0].iov_len, 4096);
	ck_assert_ptr_eq(r.status, &st);
	ck_assert_uint_eq(st, SENTINEL);
	ck_assert_uint_eq(data[0], 0x3c);
	ck_assert_uint_eq(data[4095], 0x3c);
	ck_assert_uint_eq(virtio_blk_written(&r, S_OK), 4097);
	ck_assert_uint_eq(virtio_blk_written(&r, S_IOERR), 1);
}
END_TEST

START_TEST(test_out_standard)
{
	struct virtio_blk_disk d = mkdisk(MiB, false, false);
	struct virtq_chain c = { 0 };
	struct virtio_blk_req r;
	uint8_t hdr[16], data[1024], st = SENTINEL;

	put_hdr(hdr, T_OUT, 2046);
	add(&c, hdr, sizeof(hdr), false);
	add(&c, data, sizeof(data), false);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	ck_assert_uint_eq(r.type, T_OUT);
	ck_assert_uint_eq(r.offset, 2046 * 512);
	ck_assert_uint_eq(r.len, 1024);
	ck_assert_uint_eq(r.nr_iov, 1);
	ck_assert_ptr_eq(r.iov[0].iov_base, data);
	ck_assert_uint_eq(r.iov[0].iov_len, 1024);
	ck_assert_ptr_eq(r.status, &st);
	ck_assert_uint_eq(st, SENTINEL);
	/* Only the status byte is written for a write. */
	ck_assert_uint_eq(virtio_blk_written(&r, S_OK), 1);
}
END_TEST

/* The header one byte a buffer: every field still read right. */
START_TEST(test_header_split_bytes)
{
	struct virtio_blk_disk d = mkdisk(1ULL << 50, false, false);
	struct virtq_chain c = { 0 };
	struct virtio_blk_req r;
	uint8_t hdr[16], data[512], st = SENTINEL;
	const uint64_t sector = 0x0102030405ULL;

	put_hdr(hdr, T_IN, sector);
	put_le32(hdr + 4, 0xdeadbeef); /* reserved: ignored */
	for (int i = 0; i < 16; i++)
		add(&c, hdr + i, 1, false);
	add(&c, data, sizeof(data), true);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	ck_assert_uint_eq(r.type, T_IN);
	ck_assert_uint_eq(r.offset, sector * 512);
	ck_assert_uint_eq(r.nr_iov, 1);
	ck_assert_ptr_eq(r.iov[0].iov_base, data);
	ck_assert_uint_eq(r.iov[0].iov_len, 512);

	/* The same for a write, its data in two buffers. */
	memset(&c, 0, sizeof(c));
	put_hdr(hdr, T_OUT, sector);
	for (int i = 0; i < 16; i++)
		add(&c, hdr + i, 1, false);
	add(&c, data, 100, false);
	add(&c, data + 100, 412, false);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	ck_assert_uint_eq(r.type, T_OUT);
	ck_assert_uint_eq(r.offset, sector * 512);
	ck_assert_uint_eq(r.len, 512);
	ck_assert_uint_eq(r.nr_iov, 2);
	ck_assert_ptr_eq(r.iov[0].iov_base, data);
	ck_assert_uint_eq(r.iov[0].iov_len, 100);
	ck_assert_ptr_eq(r.iov[1].iov_base, data + 100);
	ck_assert_uint_eq(r.iov[1].iov_len, 412);
	ck_assert_ptr_eq(r.status, &st);
}
END_TEST

/* Header and data share buffers: the data starts at an offset. */
START_TEST(test_header_data_one_segment)
{
	struct virtio_blk_disk d = mkdisk(MiB, false, false);
	struct virtq_chain c = { 0 };
	struct virtio_blk_req r;
	uint8_t buf[16 + 1024], st = SENTINEL;

	put_hdr(buf, T_OUT, 3);
	add(&c, buf, sizeof(buf), false);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	ck_assert_uint_eq(r.offset, 3 * 512);
	ck_assert_uint_eq(r.len, 1024);
	ck_assert_uint_eq(r.nr_iov, 1);
	ck_assert_ptr_eq(r.iov[0].iov_base, buf + 16);
	ck_assert_uint_eq(r.iov[0].iov_len, 1024);

	/* 10 header bytes | 6 header bytes + 512 data | 512 data */
	memset(&c, 0, sizeof(c));
	add(&c, buf, 10, false);
	add(&c, buf + 10, 6 + 512, false);
	add(&c, buf + 528, 512, false);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	ck_assert_uint_eq(r.len, 1024);
	ck_assert_uint_eq(r.nr_iov, 2);
	ck_assert_ptr_eq(r.iov[0].iov_base, buf + 16);
	ck_assert_uint_eq(r.iov[0].iov_len, 512);
	ck_assert_ptr_eq(r.iov[1].iov_base, buf + 528);
	ck_assert_uint_eq(r.iov[1].iov_len, 512);

	/* A read with its header in one buffer, the data in the next. */
	memset(&c, 0, sizeof(c));
	put_hdr(buf, T_IN, 3);
	add(&c, buf, 16, false);
	add(&c, buf + 16, 1024 + 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	ck_assert_uint_eq(r.len, 1024);
	ck_assert_ptr_eq(r.iov[0].iov_base, buf + 16);
	ck_assert_ptr_eq(r.status, buf + 16 + 1024);
}
END_TEST

/* The status byte at the end of a data buffer. */
START_TEST(test_data_status_one_segment)
{
	struct virtio_blk_disk d = mkdisk(MiB, false, false);
	struct virtq_chain c = { 0 };
	struct virtio_blk_req r;
	uint8_t hdr[16], buf[513], a[300], b[213];

	buf[512] = SENTINEL;
	put_hdr(hdr, T_IN, 0);
	add(&c, hdr, sizeof(hdr), false);
	add(&c, buf, sizeof(buf), true);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	ck_assert_uint_eq(r.len, 512);
	ck_assert_uint_eq(r.nr_iov, 1);
	ck_assert_ptr_eq(r.iov[0].iov_base, buf);
	ck_assert_uint_eq(r.iov[0].iov_len, 512);
	ck_assert_ptr_eq(r.status, buf + 512);
	ck_assert_uint_eq(buf[512], SENTINEL);

	/* 300 | 212 + status */
	memset(&c, 0, sizeof(c));
	add(&c, hdr, sizeof(hdr), false);
	add(&c, a, sizeof(a), true);
	add(&c, b, sizeof(b), true);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	ck_assert_uint_eq(r.len, 512);
	ck_assert_uint_eq(r.nr_iov, 2);
	ck_assert_ptr_eq(r.iov[0].iov_base, a);
	ck_assert_uint_eq(r.iov[0].iov_len, 300);
	ck_assert_ptr_eq(r.iov[1].iov_base, b);
	ck_assert_uint_eq(r.iov[1].iov_len, 212);
	ck_assert_ptr_eq(r.status, b + 212);
}
END_TEST

START_TEST(test_many_segments)
{
	struct virtio_blk_disk d = mkdisk(MiB, false, false);
	struct virtq_chain c = { 0 };
	struct virtio_blk_req r;
	uint8_t hdr[16], data[1024], st = SENTINEL;
	unsigned int i;

	/* 64 buffers of 8 bytes. */
	put_hdr(hdr, T_IN, 1);
	add(&c, hdr, sizeof(hdr), false);
	for (i = 0; i < 64; i++)
		add(&c, data + 8 * i, 8, true);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	ck_assert_uint_eq(r.len, 512);
	ck_assert_uint_eq(r.nr_iov, 64);
	for (i = 0; i < 64; i++) {
		ck_assert_ptr_eq(r.iov[i].iov_base, data + 8 * i);
		ck_assert_uint_eq(r.iov[i].iov_len, 8);
	}
	ck_assert_ptr_eq(r.status, &st);

	/* The longest chain: header, 254 data buffers, status. */
	memset(&c, 0, sizeof(c));
	put_hdr(hdr, T_OUT, 1);
	add(&c, hdr, sizeof(hdr), false);
	for (i = 0; i < 253; i++)
		add(&c, data + 2 * i, 2, false);
	add(&c, data + 506, 6, false);
	add(&c, &st, 1, true);
	ck_assert_uint_eq(c.nr_segs, VIRTQ_MAX_SEGS);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	ck_assert_uint_eq(r.len, 512);
	ck_assert_uint_eq(r.nr_iov, 254);
	ck_assert_ptr_eq(r.iov[253].iov_base, data + 506);
	ck_assert_uint_eq(r.iov[253].iov_len, 6);

	/* Header, 255 writable buffers, the status byte ending the last. */
	memset(&c, 0, sizeof(c));
	put_hdr(hdr, T_IN, 1);
	add(&c, hdr, sizeof(hdr), false);
	for (i = 0; i < 254; i++)
		add(&c, data + 2 * i, 2, true);
	add(&c, data + 508, 5, true);
	ck_assert_uint_eq(c.nr_segs, VIRTQ_MAX_SEGS);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	ck_assert_uint_eq(r.len, 512);
	ck_assert_uint_eq(r.nr_iov, 255);
	ck_assert_ptr_eq(r.iov[254].iov_base, data + 508);
	ck_assert_uint_eq(r.iov[254].iov_len, 4);
	ck_assert_ptr_eq(r.status, data + 512);
}
END_TEST

/* Readable bytes past a read's header, writable ones before a write's
 * status byte: no part of the data. */
START_TEST(test_extra_bytes_ignored)
{
	struct virtio_blk_disk d = mkdisk(MiB, false, false);
	struct virtq_chain c = { 0 };
	struct virtio_blk_req r;
	uint8_t hdr[16 + 100], data[512], extra[100], st = SENTINEL;

	put_hdr(hdr, T_IN, 0);
	add(&c, hdr, sizeof(hdr), false);
	add(&c, data, sizeof(data), true);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	ck_assert_uint_eq(r.len, 512);
	ck_assert_uint_eq(r.nr_iov, 1);
	ck_assert_ptr_eq(r.iov[0].iov_base, data);

	memset(&c, 0, sizeof(c));
	put_hdr(hdr, T_OUT, 0);
	add(&c, hdr, 16, false);
	add(&c, data, sizeof(data), false);
	add(&c, extra, sizeof(extra), true);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	ck_assert_uint_eq(r.len, 512);
	ck_assert_uint_eq(r.nr_iov, 1);
	ck_assert_ptr_eq(r.iov[0].iov_base, data);
	ck_assert_ptr_eq(r.status, &st);
	ck_assert_uint_eq(virtio_blk_written(&r, S_OK), 1);
}
END_TEST

static const struct rw_case {
	uint64_t size;
	uint32_t type;
	uint64_t sector;
	uint32_t len;
	int expect;
} rw_cases[] = {
	/* 5.2.6.1: data is whole sectors. */
	{ MiB, T_IN, 0, 511, S_IOERR },
	{ MiB, T_IN, 0, 513, S_IOERR },
	{ MiB, T_IN, 0, 1, S_IOERR },
	{ MiB, T_OUT, 0, 513, S_IOERR },
	{ MiB, T_OUT, 0, 100, S_IOERR },
	/* No data: whole sectors too, nothing to do. */
	{ MiB, T_IN, 0, 0, S_OK },
	{ MiB, T_OUT, 5, 0, S_OK },
	/* A disk of 8 sectors: up to its end, not past it. */
	{ 4096, T_IN, 7, 512, S_OK },
	{ 4096, T_IN, 0, 4096, S_OK },
	{ 4096, T_IN, 8, 0, S_OK },
	{ 4096, T_IN, 8, 512, S_IOERR },
	{ 4096, T_IN, 7, 1024, S_IOERR },
	{ 4096, T_IN, 9, 0, S_IOERR },
	{ 4096, T_IN, 0, 4608, S_IOERR },
	{ 4096, T_OUT, 7, 512, S_OK },
	{ 4096, T_OUT, 8, 512, S_IOERR },
	{ 4096, T_OUT, 6, 1536, S_IOERR },
	/* The partial last sector of a 4100-byte disk is not there. */
	{ 4100, T_IN, 8, 512, S_IOERR },
	/* Sums that wrap: sector * 512 or sector * 512 + len past 2^64. */
	{ 4096, T_IN, 1ULL << 55, 512, S_IOERR },
	{ 4096, T_IN, (1ULL << 55) + 1, 0, S_IOERR },
	{ 4096, T_IN, (1ULL << 55) - 1, 1024, S_IOERR },
	{ 4096, T_OUT, UINT64_MAX, 512, S_IOERR },
	{ 4096, T_IN, UINT64_MAX, 0, S_IOERR },
	{ 4096, T_IN, UINT64_MAX / 512, 4096, S_IOERR },
	/* The largest disk: capacity 2^55 - 1 sectors. */
	{ UINT64_MAX, T_IN, (1ULL << 55) - 2, 512, S_OK },
	{ UINT64_MAX, T_IN, (1ULL << 55) - 1, 0, S_OK },
	{ UINT64_MAX, T_IN, (1ULL << 55) - 2, 1024, S_IOERR },
	{ UINT64_MAX, T_OUT, (1ULL << 55) - 1, 512, S_IOERR },
	{ UINT64_MAX, T_IN, 1ULL << 55, 512, S_IOERR },
	{ UINT64_MAX, T_IN, UINT64_MAX, 512, S_IOERR },
	/* An empty disk. */
	{ 0, T_IN, 0, 0, S_OK },
	{ 0, T_IN, 0, 512, S_IOERR },
	{ 0, T_OUT, 0, 512, S_IOERR },
};

START_TEST(test_rw_bounds)
{
	const struct rw_case *t = &rw_cases[_i];
	struct virtio_blk_disk d = mkdisk(t->size, false, false);
	static uint8_t data[8192];
	struct virtq_chain c = { 0 };
	struct virtio_blk_req r;
	uint8_t hdr[16], st = SENTINEL;

	put_hdr(hdr, t->type, t->sector);
	add(&c, hdr, sizeof(hdr), false);
	if (t->len)
		add(&c, data, t->len, t->type != T_OUT);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), t->expect);
	ck_assert_uint_eq(r.type, t->type);
	ck_assert_ptr_eq(r.status, &st);
	ck_assert_uint_eq(st, SENTINEL);
	if (t->expect == S_OK) {
		ck_assert_uint_eq(r.offset, t->sector * 512);
		ck_assert_uint_eq(r.len, t->len);
		ck_assert_uint_eq(r.nr_iov, t->len ? 1 : 0);
	} else {
		ck_assert_uint_eq(r.nr_iov, 0);
		ck_assert_uint_eq(virtio_blk_written(&r, (uint8_t)t->expect),
				  1);
	}
}
END_TEST

/*
 * The used length is a le32 (2.7.8): a read whose data and status byte
 * cannot be counted in it is refused. The buffers are never touched for
 * a read, so they may all be the same few bytes.
 */
START_TEST(test_in_used_len_limit)
{
	struct virtio_blk_disk d = mkdisk(1ULL << 40, false, false);
	struct virtq_chain c = { 0 };
	struct virtio_blk_req r;
	uint8_t hdr[16], dummy[16], st = SENTINEL;

	put_hdr(hdr, T_IN, 0);
	add(&c, hdr, sizeof(hdr), false);
	add(&c, dummy, 1U << 31, true);
	add(&c, dummy, (1U << 31) - 512, true);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	ck_assert_uint_eq(r.len, (1ULL << 32) - 512);
	ck_assert_uint_eq(virtio_blk_written(&r, S_OK), (1ULL << 32) - 511);

	memset(&c, 0, sizeof(c));
	add(&c, hdr, sizeof(hdr), false);
	add(&c, dummy, 1U << 31, true);
	add(&c, dummy, 1U << 31, true);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_IOERR);
	ck_assert_uint_eq(virtio_blk_written(&r, S_IOERR), 1);
}
END_TEST

/* 5.2.6.2: a write to a read-only disk fails, with nothing to write. */
START_TEST(test_out_read_only)
{
	struct virtio_blk_disk d = mkdisk(MiB, true, false);
	struct virtq_chain c = { 0 };
	struct virtio_blk_req r;
	uint8_t hdr[16], data[512], st = SENTINEL;

	put_hdr(hdr, T_OUT, 0);
	add(&c, hdr, sizeof(hdr), false);
	add(&c, data, sizeof(data), false);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_IOERR);
	ck_assert_uint_eq(r.nr_iov, 0);
	ck_assert_uint_eq(r.len, 0);
	ck_assert_ptr_eq(r.status, &st);
	ck_assert_uint_eq(st, SENTINEL);

	/* Without data too. */
	memset(&c, 0, sizeof(c));
	add(&c, hdr, sizeof(hdr), false);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_IOERR);

	/* Reads and flushes work. */
	memset(&c, 0, sizeof(c));
	put_hdr(hdr, T_IN, 0);
	add(&c, hdr, sizeof(hdr), false);
	add(&c, data, sizeof(data), true);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	put_hdr(hdr, T_FLUSH, 0);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
}
END_TEST

START_TEST(test_flush)
{
	struct virtio_blk_disk d = mkdisk(MiB, false, false);
	struct virtq_chain c = { 0 };
	struct virtio_blk_req r;
	uint8_t hdr[16], data[512], st = SENTINEL;

	put_hdr(hdr, T_FLUSH, 0);
	add(&c, hdr, sizeof(hdr), false);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	ck_assert_uint_eq(r.type, T_FLUSH);
	ck_assert_uint_eq(r.len, 0);
	ck_assert_uint_eq(r.nr_iov, 0);
	ck_assert_ptr_eq(r.status, &st);
	ck_assert_uint_eq(virtio_blk_written(&r, S_OK), 1);

	/* Data and a sector, which a driver should not send, are ignored. */
	memset(&c, 0, sizeof(c));
	put_hdr(hdr, T_FLUSH, UINT64_MAX);
	add(&c, hdr, sizeof(hdr), false);
	add(&c, data, 100, false);
	add(&c, data + 100, 200, true);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	ck_assert_uint_eq(r.len, 0);
	ck_assert_uint_eq(r.nr_iov, 0);
	ck_assert_uint_eq(virtio_blk_written(&r, S_OK), 1);
}
END_TEST

/* ---- GET_ID ---- */

START_TEST(test_get_id_20)
{
	struct virtio_blk_disk d = mkdisk(MiB, false, false);
	struct virtq_chain c = { 0 };
	struct virtio_blk_req r;
	uint8_t hdr[16], buf[21], st = SENTINEL;

	put_hdr(hdr, T_GET_ID, 0);
	memset(buf, 0xee, sizeof(buf));
	add(&c, hdr, sizeof(hdr), false);
	add(&c, buf, 20, true);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	ck_assert_uint_eq(r.type, T_GET_ID);
	ck_assert_mem_eq(buf, "lkvm-test-disk-00001", 20);
	ck_assert_uint_eq(buf[20], 0xee);
	ck_assert_uint_eq(r.len, 20);
	ck_assert_uint_eq(r.nr_iov, 1);
	ck_assert_ptr_eq(r.iov[0].iov_base, buf);
	ck_assert_ptr_eq(r.status, &st);
	ck_assert_uint_eq(st, SENTINEL);
	ck_assert_uint_eq(virtio_blk_written(&r, S_OK), 21);

	/* 7 | 13 + status; an ID with NUL padding. */
	memset(&c, 0, sizeof(c));
	memset(buf, 0xee, sizeof(buf));
	memset(d.id, 0, sizeof(d.id));
	memcpy(d.id, "vda", 3);
	add(&c, hdr, sizeof(hdr), false);
	add(&c, buf, 7, true);
	add(&c, buf + 7, 14, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	ck_assert_mem_eq(buf, "vda\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 20);
	ck_assert_uint_eq(buf[20], 0xee);
	ck_assert_ptr_eq(r.status, buf + 20);
	ck_assert_uint_eq(r.len, 20);
	ck_assert_uint_eq(r.nr_iov, 2);
	ck_assert_uint_eq(virtio_blk_written(&r, S_OK), 21);
	ck_assert_uint_eq(virtio_blk_written(&r, S_IOERR), 1);
}
END_TEST

START_TEST(test_get_id_short_and_long)
{
	struct virtio_blk_disk d = mkdisk(MiB, true, false);
	struct virtq_chain c = { 0 };
	struct virtio_blk_req r;
	uint8_t hdr[16], buf[30], st = SENTINEL;

	/* 7 bytes: what fits. */
	put_hdr(hdr, T_GET_ID, 0);
	memset(buf, 0xee, sizeof(buf));
	add(&c, hdr, sizeof(hdr), false);
	add(&c, buf, 7, true);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	ck_assert_mem_eq(buf, "lkvm-te", 7);
	ck_assert_uint_eq(buf[7], 0xee);
	ck_assert_uint_eq(r.len, 7);
	ck_assert_uint_eq(st, SENTINEL);
	ck_assert_uint_eq(virtio_blk_written(&r, S_OK), 8);

	/* 30 bytes: 20 written, the rest untouched. */
	memset(&c, 0, sizeof(c));
	add(&c, hdr, sizeof(hdr), false);
	add(&c, buf, 30, true);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	ck_assert_mem_eq(buf, "lkvm-test-disk-00001", 20);
	for (int i = 20; i < 30; i++)
		ck_assert_uint_eq(buf[i], 0xee);
	ck_assert_uint_eq(r.len, 20);
	ck_assert_uint_eq(virtio_blk_written(&r, S_OK), 21);

	/* Only the status byte: nothing written. */
	memset(&c, 0, sizeof(c));
	add(&c, hdr, sizeof(hdr), false);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	ck_assert_uint_eq(r.len, 0);
	ck_assert_uint_eq(r.nr_iov, 0);
	ck_assert_uint_eq(st, SENTINEL);
	ck_assert_uint_eq(virtio_blk_written(&r, S_OK), 1);
}
END_TEST

/* ---- DISCARD ---- */

/* A discard request: header, then nr segments from dwz, in one buffer. */
static int discard(const struct virtio_blk_disk *d, const uint8_t *dwz,
		   unsigned int bytes, struct virtio_blk_req *r)
{
	static uint8_t buf[16 + 64 * 16];
	struct virtq_chain c = { 0 };
	static uint8_t st;
	int ret;

	ck_assert_uint_le(bytes, sizeof(buf) - 16);
	put_hdr(buf, T_DISCARD, 0);
	memcpy(buf + 16, dwz, bytes);
	st = SENTINEL;
	add(&c, buf, 16 + bytes, false);
	add(&c, &st, 1, true);
	ret = decode(&c, d, r);
	ck_assert_ptr_eq(r->status, &st);
	ck_assert_uint_eq(st, SENTINEL);
	ck_assert_uint_eq(r->len, 0);
	ck_assert_uint_eq(r->nr_iov, 0);
	return ret;
}

START_TEST(test_discard_ok)
{
	struct virtio_blk_disk d = mkdisk(MiB, false, true);
	struct virtio_blk_req r;
	uint8_t dwz[32];

	put_dwz(dwz, 10, 5, 0);
	put_dwz(dwz + 16, 100, 1948, 0);
	ck_assert_int_eq(discard(&d, dwz, 32, &r), S_OK);
	ck_assert_uint_eq(r.type, T_DISCARD);
	ck_assert_uint_eq(r.nr_ranges, 2);
	ck_assert_uint_eq(r.ranges[0].sector, 10);
	ck_assert_uint_eq(r.ranges[0].nr_sectors, 5);
	ck_assert_uint_eq(r.ranges[1].sector, 100);
	ck_assert_uint_eq(r.ranges[1].nr_sectors, 1948);
	ck_assert_uint_eq(virtio_blk_written(&r, S_OK), 1);
}
END_TEST

/* Header and segments cut at odd places; every byte of a field counts. */
START_TEST(test_discard_split)
{
	struct virtio_blk_disk d = mkdisk(1ULL << 50, false, true);
	struct virtq_chain c = { 0 };
	struct virtio_blk_req r;
	uint8_t buf[16 + 48], st = SENTINEL;

	put_hdr(buf, T_DISCARD, 0);
	put_dwz(buf + 16, 0x0102030405ULL, 0x0a0b0c0d, 0);
	put_dwz(buf + 32, 0x1122334455ULL, 0x01020304, 0);
	put_dwz(buf + 48, 7, 1, 0);
	add(&c, buf, 5, false);
	add(&c, buf + 5, 16, false);
	add(&c, buf + 21, 1, false);
	add(&c, buf + 22, 20, false);
	add(&c, buf + 42, 22, false);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_OK);
	ck_assert_uint_eq(r.nr_ranges, 3);
	ck_assert_uint_eq(r.ranges[0].sector, 0x0102030405ULL);
	ck_assert_uint_eq(r.ranges[0].nr_sectors, 0x0a0b0c0d);
	ck_assert_uint_eq(r.ranges[1].sector, 0x1122334455ULL);
	ck_assert_uint_eq(r.ranges[1].nr_sectors, 0x01020304);
	ck_assert_uint_eq(r.ranges[2].sector, 7);
	ck_assert_uint_eq(r.ranges[2].nr_sectors, 1);
	ck_assert_ptr_eq(r.status, &st);
}
END_TEST

/* 5.2.3: only when VIRTIO_BLK_F_DISCARD is offered. */
START_TEST(test_discard_not_offered)
{
	struct virtio_blk_disk d = mkdisk(MiB, false, false);
	struct virtio_blk_req r;
	uint8_t dwz[16];

	put_dwz(dwz, 0, 8, 0);
	ck_assert_int_eq(discard(&d, dwz, 16, &r), S_UNSUPP);
	d.read_only = true;
	d.discard = true;
	ck_assert_int_eq(discard(&d, dwz, 16, &r), S_UNSUPP);
	ck_assert_uint_eq(virtio_blk_written(&r, S_UNSUPP), 1);
}
END_TEST

/* 5.2.6.1: one or more whole segments. */
static const unsigned int bad_discard_sizes[] = { 0, 1, 8, 15, 17, 24, 31 };

START_TEST(test_discard_bad_size)
{
	struct virtio_blk_disk d = mkdisk(MiB, false, true);
	struct virtio_blk_req r;
	uint8_t dwz[32] = { 0 };

	put_dwz(dwz, 0, 1, 0);
	put_dwz(dwz + 16, 1, 1, 0);
	ck_assert_int_eq(discard(&d, dwz, bad_discard_sizes[_i], &r), S_IOERR);
}
END_TEST

/* 5.2.6.1: at most max_discard_seg segments. */
START_TEST(test_discard_too_many)
{
	struct virtio_blk_disk d = mkdisk(MiB, false, true);
	struct virtio_blk_req r;
	uint8_t dwz[33 * 16];

	for (unsigned int i = 0; i < 33; i++)
		put_dwz(dwz + 16 * i, 2 * i, 1, 0);
	ck_assert_int_eq(discard(&d, dwz, 32 * 16, &r), S_OK);
	ck_assert_uint_eq(r.nr_ranges, 32);
	for (unsigned int i = 0; i < 32; i++) {
		ck_assert_uint_eq(r.ranges[i].sector, 2 * i);
		ck_assert_uint_eq(r.ranges[i].nr_sectors, 1);
	}
	ck_assert_int_eq(discard(&d, dwz, 33 * 16, &r), S_IOERR);
}
END_TEST

/*
 * 5.2.6.2: UNSUPP for any unknown flag, and for unmap (only meant for
 * write zeroes, 5.2.6), in any segment, before any other check of the
 * segments.
 */
static const uint32_t discard_flags[] = { 1, 2, 0x80000000, 0xffffffff };

START_TEST(test_discard_flags)
{
	struct virtio_blk_disk d = mkdisk(4096, false, true);
	struct virtio_blk_req r;
	uint8_t dwz[48];

	put_dwz(dwz, 0, 1, discard_flags[_i]);
	ck_assert_int_eq(discard(&d, dwz, 16, &r), S_UNSUPP);

	put_dwz(dwz, 0, 1, 0);
	put_dwz(dwz + 16, 1, 1, discard_flags[_i]);
	put_dwz(dwz + 32, 2, 1, 0);
	ck_assert_int_eq(discard(&d, dwz, 48, &r), S_UNSUPP);

	/* The flags win over a range past the end. */
	put_dwz(dwz, 100, 1, 0);
	ck_assert_int_eq(discard(&d, dwz, 48, &r), S_UNSUPP);
}
END_TEST

static const struct discard_case {
	uint64_t size;
	uint64_t sector;
	uint32_t nr;
	int expect;
} discard_cases[] = {
	{ 4096, 7, 1, S_OK },
	{ 4096, 0, 8, S_OK },
	{ 4096, 8, 1, S_IOERR },
	{ 4096, 7, 2, S_IOERR },
	{ 4096, 0, 9, S_IOERR },
	{ 4096, 2, UINT32_MAX, S_IOERR },
	{ 4096, UINT64_MAX, 1, S_IOERR },
	/* sector + nr wraps to 0 */
	{ 4096, UINT64_MAX - 0xfffffffeULL, UINT32_MAX, S_IOERR },
	/* sector * 512 wraps: the range is in sectors, no byte sum */
	{ 4096, 1ULL << 55, 1, S_IOERR },
	{ UINT64_MAX, (1ULL << 55) - 1 - UINT32_MAX, UINT32_MAX, S_OK },
	{ UINT64_MAX, (1ULL << 55) - UINT32_MAX, UINT32_MAX, S_IOERR },
	{ UINT64_MAX, (1ULL << 55) - 2, 1, S_OK },
	{ UINT64_MAX, (1ULL << 55) - 1, 1, S_IOERR },
};

START_TEST(test_discard_bounds)
{
	const struct discard_case *t = &discard_cases[_i];
	struct virtio_blk_disk d = mkdisk(t->size, false, true);
	struct virtio_blk_req r;
	uint8_t dwz[32];

	put_dwz(dwz, t->sector, t->nr, 0);
	ck_assert_int_eq(discard(&d, dwz, 16, &r), t->expect);
	if (t->expect == S_OK) {
		ck_assert_uint_eq(r.nr_ranges, 1);
		ck_assert_uint_eq(r.ranges[0].sector, t->sector);
		ck_assert_uint_eq(r.ranges[0].nr_sectors, t->nr);
	}

	/* A good segment before it changes nothing. */
	put_dwz(dwz, 0, 1, 0);
	put_dwz(dwz + 16, t->sector, t->nr, 0);
	ck_assert_int_eq(discard(&d, dwz, 32, &r), t->expect);
	ck_assert_uint_eq(r.nr_ranges, t->expect == S_OK ? 2 : 0);
}
END_TEST

/*
 * A segment of 0 sectors means nothing (the spec is silent): lkvm refuses
 * it, so an accepted discard has only non-empty ranges.
 */
START_TEST(test_discard_zero_sectors)
{
	struct virtio_blk_disk d = mkdisk(4096, false, true);
	struct virtio_blk_req r;
	uint8_t dwz[48];

	put_dwz(dwz, 3, 0, 0);
	ck_assert_int_eq(discard(&d, dwz, 16, &r), S_IOERR);
	ck_assert_uint_eq(r.nr_ranges, 0);

	put_dwz(dwz, 3, 1, 0);
	put_dwz(dwz + 16, 4, 2, 0);
	put_dwz(dwz + 32, 8, 0, 0);
	ck_assert_int_eq(discard(&d, dwz, 48, &r), S_IOERR);
	ck_assert_uint_eq(r.nr_ranges, 0);

	put_dwz(dwz, 9, 0, 0);
	ck_assert_int_eq(discard(&d, dwz, 16, &r), S_IOERR);

	/* Flags still win. */
	put_dwz(dwz, 3, 0, 0);
	put_dwz(dwz + 16, 4, 2, 1);
	ck_assert_int_eq(discard(&d, dwz, 32, &r), S_UNSUPP);
}
END_TEST

/* ---- everything else ---- */

/* 5.2.6: UNSUPP for what the device does not support. */
/* 10 is GET_LIFETIME, 13 WRITE_ZEROES, 14 SECURE_ERASE, 15-26 zoned. */
static const uint32_t unknown_types[] = {
	2,  3,	5,  6,	7,  9,	10, 12,		13,	    14,
	15, 16, 18, 20, 22, 24, 26, 0x80000000, 0x80000001, UINT32_MAX
};

START_TEST(test_unknown_types)
{
	struct virtio_blk_disk d = mkdisk(MiB, false, true);
	struct virtq_chain c = { 0 };
	struct virtio_blk_req r;
	uint8_t buf[32], data[512], st = SENTINEL;

	put_hdr(buf, unknown_types[_i], 0);
	put_dwz(buf + 16, 0, 1, 0); /* a write zeroes' payload */
	add(&c, buf, sizeof(buf), false);
	add(&c, data, sizeof(data), true);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_UNSUPP);
	ck_assert_uint_eq(r.type, unknown_types[_i]);
	ck_assert_ptr_eq(r.status, &st);
	ck_assert_uint_eq(st, SENTINEL);
	ck_assert_uint_eq(r.len, 0);
	ck_assert_uint_eq(r.nr_iov, 0);
	ck_assert_uint_eq(virtio_blk_written(&r, S_UNSUPP), 1);
}
END_TEST

/* No writable byte: nowhere to put a status, nothing to report. */
START_TEST(test_no_writable)
{
	struct virtio_blk_disk d = mkdisk(MiB, false, false);
	struct virtq_chain c = { 0 };
	struct virtio_blk_req r;
	uint8_t hdr[16], data[512];

	ck_assert_int_eq(decode(&c, &d, &r), -1);

	put_hdr(hdr, T_FLUSH, 0);
	add(&c, hdr, sizeof(hdr), false);
	ck_assert_int_eq(decode(&c, &d, &r), -1);

	put_hdr(hdr, T_OUT, 0);
	add(&c, data, sizeof(data), false);
	ck_assert_int_eq(decode(&c, &d, &r), -1);

	memset(&c, 0, sizeof(c));
	add(&c, hdr, 3, false);
	ck_assert_int_eq(decode(&c, &d, &r), -1);
}
END_TEST

/* Fewer than 16 readable bytes, but a status byte: IOERR. */
START_TEST(test_short_header)
{
	struct virtio_blk_disk d = mkdisk(MiB, false, false);
	struct virtq_chain c = { 0 };
	struct virtio_blk_req r;
	uint8_t hdr[16], data[513], st = SENTINEL;

	put_hdr(hdr, T_FLUSH, 0);
	add(&c, hdr, 15, false);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_IOERR);
	ck_assert_ptr_eq(r.status, &st);
	ck_assert_uint_eq(st, SENTINEL);
	ck_assert_uint_eq(virtio_blk_written(&r, S_IOERR), 1);
	/* Even if the caller gets the status wrong, nothing was written. */
	ck_assert_uint_eq(virtio_blk_written(&r, S_OK), 1);

	memset(&c, 0, sizeof(c));
	add(&c, hdr, 8, false);
	add(&c, hdr + 8, 7, false);
	add(&c, &st, 1, true);
	ck_assert_int_eq(decode(&c, &d, &r), S_IOERR);
	ck_assert_ptr_eq(r.status, &st);

	/* No readable byte at all: the status is the last writable one. */
	memset(&c, 0, sizeof(c));
	add(&c, data, sizeof(data), true);
	ck_assert_int_eq(decode(&c, &d, &r), S_IOERR);
	ck_assert_ptr_eq(r.status, data + 512);
	ck_assert_uint_eq(r.nr_iov, 0);
}
END_TEST

START_TEST(test_written)
{
	struct virtio_blk_req r;

	memset(&r, 0, sizeof(r));
	r.type = T_IN;
	r.len = 4096;
	ck_assert_uint_eq(virtio_blk_written(&r, S_OK), 4097);
	ck_assert_uint_eq(virtio_blk_written(&r, S_IOERR), 1);
	ck_assert_uint_eq(virtio_blk_written(&r, S_UNSUPP), 1);
	r.len = 0;
	ck_assert_uint_eq(virtio_blk_written(&r, S_OK), 1);
	r.type = T_GET_ID;
	r.len = 20;
	ck_assert_uint_eq(virtio_blk_written(&r, S_OK), 21);
	ck_assert_uint_eq(virtio_blk_written(&r, S_IOERR), 1);
	r.len = 7;
	ck_assert_uint_eq(virtio_blk_written(&r, S_OK), 8);
	r.type = T_OUT;
	r.len = 4096;
	ck_assert_uint_eq(virtio_blk_written(&r, S_OK), 1);
	r.type = T_FLUSH;
	r.len = 0;
	ck_assert_uint_eq(virtio_blk_written(&r, S_OK), 1);
	r.type = T_DISCARD;
	ck_assert_uint_eq(virtio_blk_written(&r, S_OK), 1);
	r.type = T_WRITE_ZEROES;
	ck_assert_uint_eq(virtio_blk_written(&r, S_UNSUPP), 1);
}
END_TEST

/* ---- random chains ---- */

#define RBUF 8192

static uint64_t rnd(uint64_t *s)
{
	/* xorshift64* */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/* The address of byte i of the sequence of n buffers s (i inside it). */
static uint8_t *addr_at(const struct virtq_seg *s, unsigned int n, uint64_t i)
{
	for (unsigned int k = 0; k < n; k++) {
		if (i < s[k].len)
			return s[k].addr + i;
		i -= s[k].len;
	}
	ck_abort_msg("byte %llu past the buffers", (unsigned long long)i);
	return NULL;
}

static uint64_t read_le(const struct virtq_seg *s, unsigned int n, uint64_t off,
			unsigned int bytes)
{
	uint8_t b[8];

	for (unsigned int k = 0; k < bytes; k++)
		b[k] = *addr_at(s, n, off + k);
	return get_le(b, bytes);
}

static void write_bytes(const struct virtq_seg *s, unsigned int n, uint64_t off,
			const uint8_t *p, unsigned int bytes)
{
	for (unsigned int k = 0; k < bytes; k++)
		*addr_at(s, n, off + k) = p[k];
}

/* A buffer of len bytes in buf: after the last one, or anywhere. */
static uint8_t *place(uint8_t *buf, uint64_t *seed, unsigned int *pos,
		      uint32_t len, bool *overlap)
{
	unsigned int gap = rnd(seed) % 8;

	if (*pos + gap + len <= RBUF) {
		uint8_t *p = buf + *pos + gap;

		*pos += gap + len;
		return p;
	}
	*overlap = true;
	return buf + rnd(seed) % (RBUF - len + 1);
}

/* Cuts len bytes into 1..max buffers of the chain. */
static void add_cut(struct virtq_chain *c, uint8_t *buf, uint64_t *seed,
		    unsigned int *pos, uint32_t len, bool write, bool *overlap,
		    unsigned int max)
{
	unsigned int pieces = 1 + rnd(seed) % max;

	while (len) {
		uint32_t l = pieces > 1 ? 1 + rnd(seed) % len : len;

		if (c->nr_segs == VIRTQ_MAX_SEGS - 1)
			l = len;
		add(c, place(buf, seed, pos, l, overlap), l, write);
		len -= l;
		if (pieces > 1)
			pieces--;
	}
}

/* What decode must answer, from the spec, for the chain as it is now. */
static int expect(const struct virtq_chain *c, const struct virtio_blk_disk *d,
		  uint32_t *id_len, unsigned int *nr_ranges)
{
	const struct virtq_seg *out = c->segs;
	unsigned __int128 cap = d->size / 512;
	uint64_t sector, payload;
	uint32_t type;
	bool flags = false, bad = false;

	*id_len = 0;
	*nr_ranges = 0;
	if (!c->in_len)
		return -1;
	if (c->out_len < 16)
		return S_IOERR;
	type = (uint32_t)read_le(out, c->nr_out, 0, 4);
	sector = read_le(out, c->nr_out, 8, 8);
	switch (type) {
	case T_IN:
		if ((c->in_len - 1) % 512 ||
		    (unsigned __int128)sector * 512 + (c->in_len - 1) >
			    cap * 512)
			return S_IOERR;
		return S_OK;
	case T_OUT:
		if (d->read_only || (c->out_len - 16) % 512 ||
		    (unsigned __int128)sector * 512 + (c->out_len - 16) >
			    cap * 512)
			return S_IOERR;
		return S_OK;
	case T_FLUSH:
		return S_OK;
	case T_GET_ID:
		*id_len = c->in_len - 1 < 20 ? (uint32_t)(c->in_len - 1) : 20;
		return S_OK;
	case T_DISCARD:
		if (!d->discard || d->read_only)
			return S_UNSUPP;
		payload = c->out_len - 16;
		if (!payload || payload % 16 || payload / 16 > 32)
			return S_IOERR;
		for (uint64_t k = 16; k < c->out_len; k += 16) {
			uint64_t s = read_le(out, c->nr_out, k, 8);
			uint32_t n =
				(uint32_t)read_le(out, c->nr_out, k + 8, 4);

			if (read_le(out, c->nr_out, k + 12, 4))
				flags = true;
			if (!n || (unsigned __int128)s + n > cap)
				bad = true;
			(*nr_ranges)++;
		}
		if (flags)
			return S_UNSUPP;
		if (bad)
			return S_IOERR;
		return S_OK;
	default:
		return S_UNSUPP;
	}
}

/* Whether [p, p + len) lies in one buffer of c of the given kind. */
static bool in_buffer(const struct virtq_chain *c, const uint8_t *p, size_t len,
		      bool write)
{
	for (unsigned int k = 0; k < c->nr_segs; k++) {
		const struct virtq_seg *s = &c->segs[k];

		if (s->write == write && p >= s->addr &&
		    p + len <= s->addr + s->len)
			return true;
	}
	return false;
}

START_TEST(test_random_chains)
{
	static uint8_t buf[RBUF];
	static const uint32_t types[] = { T_IN,	    T_OUT,     T_FLUSH,
					  T_GET_ID, T_DISCARD, T_WRITE_ZEROES,
					  3 };
	static const uint64_t sizes[] = { 0,	      4096,	  MiB,
					  1ULL << 50, UINT64_MAX, 0 };
	uint64_t seed = 0x76626c6b2d726e64ULL;
	unsigned int iter;

	for (unsigned int k = 0; k < RBUF; k++)
		buf[k] = (uint8_t)rnd(&seed);

	for (iter = 0; iter < 20000; iter++) {
		struct virtq_chain c = { 0 };
		struct virtio_blk_disk d;
		struct virtio_blk_req r;
		unsigned int pos = 0, nr_ranges, i;
		bool overlap = false, write;
		uint32_t type = types[rnd(&seed) % ARRAY_SIZE(types)];
		uint32_t id_len;
		uint64_t cap, sector, base, off;
		uint8_t hdr[16], *st = NULL, st_val = 0;
		int ret, want;

		d = mkdisk(sizes[rnd(&seed) % ARRAY_SIZE(sizes)],
			   rnd(&seed) & 1, rnd(&seed) & 1);
		if (!d.size)
			d.size = rnd(&seed) >> (rnd(&seed) % 64);
		for (i = 0; i < VIRTIO_BLK_ID_BYTES; i++)
			d.id[i] = (char)rnd(&seed);
		/* Discards mostly where they are offered. */
		if (type == T_DISCARD && rnd(&seed) % 4) {
			d.discard = true;
			d.read_only = false;
		}
		cap = d.size / 512;

		if (rnd(&seed) % 4 == 0) {
			/* Anything: any number of buffers of any size. */
			unsigned int n =
				rnd(&seed) % 16 == 0 ?
					rnd(&seed) % (VIRTQ_MAX_SEGS + 1) :
					rnd(&seed) % 8;
			unsigned int nr_out = rnd(&seed) % (n + 1);
			static const uint32_t maxlen[] = { 1, 16, 600, 2048 };

			for (i = 0; i < n; i++) {
				uint32_t l =
					1 + rnd(&seed) % maxlen[rnd(&seed) % 4];

				add(&c, place(buf, &seed, &pos, l, &overlap), l,
				    i >= nr_out);
			}
			/* Half the time a header of a known type. */
			if (c.out_len >= 16 && rnd(&seed) & 1) {
				put_hdr(hdr, type,
					rnd(&seed) % 2 ?
						rnd(&seed) % (cap + 2) :
						rnd(&seed));
				write_bytes(c.segs, c.nr_out, 0, hdr, 16);
			}
		} else {
			/* Header, data, status, cut anyhow. */
			uint32_t len;

			add_cut(&c, buf, &seed, &pos, 16, false, &overlap, 4);
			if (type == T_DISCARD || type == T_WRITE_ZEROES)
				len = 16 * (rnd(&seed) % 4 ? rnd(&seed) % 5 :
							     rnd(&seed) % 35);
			else if (type == T_GET_ID)
				len = rnd(&seed) % 40;
			else
				len = 512 * (rnd(&seed) % 5);
			/* Sometimes a byte more or less. */
			if (rnd(&seed) % 8 == 0)
				len = len ? len + (uint32_t)(rnd(&seed) % 3) -
						      1 :
					    1 + (uint32_t)(rnd(&seed) % 2);
			write = type == T_IN || type == T_GET_ID;
			if (len && !write)
				add_cut(&c, buf, &seed, &pos, len, false,
					&overlap, 6);
			if (write) {
				/* The status byte alone or ending the data. */
				if (rnd(&seed) & 1) {
					if (len)
						add_cut(&c, buf, &seed, &pos,
							len, true, &overlap, 6);
					add(&c,
					    place(buf, &seed, &pos, 1,
						  &overlap),
					    1, true);
				} else {
					add_cut(&c, buf, &seed, &pos, len + 1,
						true, &overlap, 6);
				}
			} else if (rnd(&seed) % 16) {
				add(&c, place(buf, &seed, &pos, 1, &overlap), 1,
				    true);
			}

			/* The header and the segments, into the buffers. */
			switch (rnd(&seed) % 4) {
			case 0:
				sector = rnd(&seed);
				break;
			case 1:
				sector = cap - rnd(&seed) % 8;
				break;
			case 2:
				sector = (1ULL << 55) - rnd(&seed) % 4;
				break;
			default:
				sector = cap ? rnd(&seed) % (cap + 2) : 0;
				break;
			}
			put_hdr(hdr, type, sector);
			write_bytes(c.segs, c.nr_out, 0, hdr, 16);
			for (off = 16; off + 16 <= c.out_len; off += 16) {
				uint8_t dwz[16];
				uint64_t s, n;

				switch (rnd(&seed) % 8) {
				case 0: /* near or past the end */
					s = rnd(&seed) % (cap + 2);
					n = rnd(&seed) % 8;
					break;
				case 1: /* anything */
					s = rnd(&seed);
					n = (uint32_t)rnd(&seed);
					break;
				default: /* inside the disk */
					s = cap ? rnd(&seed) % cap : 0;
					n = 1 + rnd(&seed) % 8;
					if (n > cap - s)
						n = cap - s;
					break;
				}
				put_dwz(dwz, s, (uint32_t)n,
					rnd(&seed) % 64 ? 0 :
							  (uint32_t)rnd(&seed));
				write_bytes(c.segs, c.nr_out, off, dwz, 16);
			}
		}

		sector = c.out_len >= 16 ? read_le(c.segs, c.nr_out, 8, 8) : 0;
		want = expect(&c, &d, &id_len, &nr_ranges);
		if (c.in_len) {
			const struct virtq_seg *last = &c.segs[c.nr_segs - 1];

			st = last->addr + last->len - 1;
			st_val = *st;
		}
		ret = decode(&c, &d, &r);
		ck_assert_int_eq(ret, want);
		if (ret == -1)
			continue;
		ck_assert_ptr_eq(r.status, st);
		/* Unless the ID landed on it, the status byte is untouched. */
		if (!overlap || ret != S_OK || r.type != T_GET_ID)
			ck_assert_uint_eq(*st, st_val);

		write = r.type != T_OUT;
		base = r.type == T_OUT ? 16 : 0;
		off = 0;
		for (i = 0; i < r.nr_iov; i++) {
			uint8_t *p = r.iov[i].iov_base;
			size_t l = r.iov[i].iov_len;

			ck_assert_uint_gt(l, 0);
			ck_assert(p >= buf && p + l <= buf + RBUF);
			ck_assert(in_buffer(&c, p, l, write));
			if (r.type == T_OUT)
				ck_assert_ptr_eq(p, addr_at(c.segs, c.nr_out,
							    base + off));
			else
				ck_assert_ptr_eq(p, addr_at(c.segs + c.nr_out,
							    c.nr_in, off));
			off += l;
		}
		ck_assert_uint_eq(off, r.len);
		if (ret != S_OK)
			continue;
		switch (r.type) {
		case T_IN:
			ck_assert_uint_eq(r.len, c.in_len - 1);
			ck_assert_uint_eq(r.offset, sector * 512);
			ck_assert_uint_eq(virtio_blk_written(&r, S_OK),
					  c.in_len);
			break;
		case T_OUT:
			ck_assert_uint_eq(r.len, c.out_len - 16);
			ck_assert_uint_eq(r.offset, sector * 512);
			break;
		case T_GET_ID:
			ck_assert_uint_eq(r.len, id_len);
			if (!overlap) {
				for (i = 0; i < id_len; i++)
					ck_assert_uint_eq(
						*addr_at(c.segs + c.nr_out,
							 c.nr_in, i),
						(uint8_t)d.id[i]);
			}
			break;
		case T_DISCARD:
			ck_assert_uint_eq(r.nr_ranges, nr_ranges);
			for (i = 0; i < r.nr_ranges; i++) {
				ck_assert_uint_gt(r.ranges[i].nr_sectors, 0);
				ck_assert_uint_le(r.ranges[i].sector, cap);
				ck_assert_uint_le(r.ranges[i].nr_sectors,
						  cap - r.ranges[i].sector);
			}
			break;
		default:
			ck_assert_uint_eq(r.type, T_FLUSH);
			ck_assert_uint_eq(r.len, 0);
			break;
		}
	}
}
END_TEST

/*
 * Where requests run (virtio_blk_path): the table of the choices,
 * written out here case by case.
 */
enum {
	P_NONE = VIRTIO_BLK_PATH_NONE,
	P_SYNC = VIRTIO_BLK_PATH_SYNC,
	P_NOWAIT = VIRTIO_BLK_PATH_NOWAIT,
	P_URING = VIRTIO_BLK_PATH_URING,
	P_BUFFERED = VIRTIO_BLK_PATH_BUFFERED,
};

/* 4 KiB-aligned guest buffers, as a Linux driver gives them. */
static uint8_t path_buf[2][8192] __attribute__((aligned(4096)));

static const struct path_case {
	uint32_t type;
	bool uring, direct, nowait;
	unsigned int shift; /* bytes off the buffer's 4 KiB alignment */
	uint64_t offset, len;
	int path;
} path_cases[] = {
	/* --disk-io sync: everything at once. */
	{ T_IN, false, false, false, 0, 0, 4096, P_SYNC },
	{ T_OUT, false, false, true, 0, 0, 4096, P_SYNC },
	{ T_FLUSH, false, false, false, 0, 0, 0, P_SYNC },
	{ T_DISCARD, false, false, false, 0, 0, 0, P_SYNC },
	{ T_GET_ID, false, false, false, 0, 0, 20, P_NONE },
	/* io_uring, buffered, a file that takes RWF_NOWAIT (ext4). */
	{ T_IN, true, false, true, 0, 0, 4096, P_NOWAIT },
	{ T_IN, true, false, true, 1, 512, 512, P_NOWAIT },
	{ T_OUT, true, false, true, 0, 0, 4096, P_SYNC },
	{ T_FLUSH, true, false, true, 0, 0, 0, P_URING },
	{ T_DISCARD, true, false, true, 0, 0, 0, P_URING },
	{ T_GET_ID, true, false, true, 0, 0, 20, P_NONE },
	/* io_uring, buffered, a file that does not (tmpfs). */
	{ T_IN, true, false, false, 0, 0, 4096, P_SYNC },
	{ T_OUT, true, false, false, 0, 0, 4096, P_SYNC },
	{ T_FLUSH, true, false, false, 0, 0, 0, P_URING },
	/* io_uring, ,direct (alignments 512/512 here), aligned. */
	{ T_IN, true, true, true, 0, 0, 4096, P_URING },
	{ T_OUT, true, true, false, 0, 4096, 8192, P_SYNC },
	{ T_IN, true, true, false, 512, 512, 512, P_URING },
	{ T_FLUSH, true, true, false, 0, 0, 0, P_URING },
	{ T_DISCARD, true, true, false, 0, 0, 0, P_URING },
	/* ,direct, a buffer O_DIRECT refuses: through the page cache. */
	{ T_IN, true, true, false, 1, 0, 4096, P_BUFFERED },
	{ T_OUT, true, true, false, 256, 0, 4096, P_BUFFERED },
	{ T_IN, false, true, false, 4, 0, 512, P_BUFFERED },
	/* --disk-io sync with ,direct, aligned: at once on O_DIRECT. */
	{ T_IN, false, true, false, 0, 0, 4096, P_SYNC },
	{ T_OUT, false, true, false, 0, 0, 4096, P_SYNC },
};

START_TEST(test_path)
{
	const struct path_case *c = &path_cases[_i];
	struct virtio_blk_backend be = { .uring = c->uring,
					 .direct = c->direct,
					 .nowait = c->nowait,
					 .dio_mem_align = 512,
					 .dio_offset_align = 512 };
	struct virtio_blk_req r = { .type = c->type,
				    .offset = c->offset,
				    .len = c->len };

	if (c->len) {
		r.iov[0].iov_base = path_buf[0] + c->shift;
		r.iov[0].iov_len = c->len;
		r.nr_iov = 1;
	}
	ck_assert_msg((int)virtio_blk_path(&r, &be) == c->path,
		      "case %d: path %d, expected %d", _i,
		      virtio_blk_path(&r, &be), c->path);
}
END_TEST

/*
 * O_DIRECT's alignment rules: the offset, the length and every buffer's
 * length in units of the offset alignment; every buffer's address in
 * units of the memory alignment.
 */
START_TEST(test_direct_ok)
{
	struct virtio_blk_backend be = { .direct = true,
					 .dio_mem_align = 512,
					 .dio_offset_align = 4096 };
	struct virtio_blk_req r = { .type = T_IN, .offset = 8192, .len = 8192 };

	r.iov[0].iov_base = path_buf[0];
	r.iov[0].iov_len = 4096;
	r.iov[1].iov_base = path_buf[1] + 512;
	r.iov[1].iov_len = 4096;
	r.nr_iov = 2;
	ck_assert(virtio_blk_direct_ok(&r, &be));
	/* A buffer 256 bytes off. */
	r.iov[1].iov_base = path_buf[1] + 256;
	ck_assert(!virtio_blk_direct_ok(&r, &be));
	r.iov[1].iov_base = path_buf[1] + 512;
	/* Whole sectors, but not whole 4 KiB blocks: offset, then lengths. */
	r.offset = 8192 + 512;
	ck_assert(!virtio_blk_direct_ok(&r, &be));
	r.offset = 8192;
	r.iov[0].iov_len = 3584;
	r.iov[1].iov_len = 4608;
	ck_assert(!virtio_blk_direct_ok(&r, &be));
	r.iov[0].iov_len = 4096;
	r.iov[1].iov_len = 4096;
	r.len = 8192 + 512;
	ck_assert(!virtio_blk_direct_ok(&r, &be));
	r.len = 8192;
	ck_assert(virtio_blk_direct_ok(&r, &be));
	/* Alignments not known: nothing passes. */
	be.dio_mem_align = 0;
	ck_assert(!virtio_blk_direct_ok(&r, &be));
	be.dio_mem_align = 512;
	be.dio_offset_align = 0;
	ck_assert(!virtio_blk_direct_ok(&r, &be));
}
END_TEST

/* blk_size: 512 by default, O_DIRECT's offset alignment with ,direct. */
START_TEST(test_config_blk_size)
{
	struct virtio_blk_disk disk = { .size = 1 << 20 };
	struct virtio_blk_config cfg;
	const uint8_t *raw = (const uint8_t *)&cfg;

	virtio_blk_config_init(&cfg, &disk);
	ck_assert_uint_eq(get_le(raw + 20, 4), 512);
	disk.blk_size = 4096;
	virtio_blk_config_init(&cfg, &disk);
	ck_assert_uint_eq(get_le(raw + 20, 4), 4096);
	/* The capacity stays in 512-byte sectors (5.2.4). */
	ck_assert_uint_eq(get_le(raw, 8), 2048);
}
END_TEST

Suite *virtio_blk_suite(void)
{
	Suite *s = suite_create("virtio-blk");
	TCase *tc = tcase_create("config");

	tcase_add_test(tc, test_features_rw);
	tcase_add_test(tc, test_features_ro);
	tcase_add_test(tc, test_features_discard);
	tcase_add_test(tc, test_config_layout);
	tcase_add_loop_test(tc, test_config, 0, ARRAY_SIZE(config_cases));
	tcase_add_test(tc, test_constants);
	suite_add_tcase(s, tc);

	tc = tcase_create("rw");
	tcase_add_test(tc, test_in_standard);
	tcase_add_test(tc, test_out_standard);
	tcase_add_test(tc, test_header_split_bytes);
	tcase_add_test(tc, test_header_data_one_segment);
	tcase_add_test(tc, test_data_status_one_segment);
	tcase_add_test(tc, test_many_segments);
	tcase_add_test(tc, test_extra_bytes_ignored);
	tcase_add_loop_test(tc, test_rw_bounds, 0, ARRAY_SIZE(rw_cases));
	tcase_add_test(tc, test_in_used_len_limit);
	tcase_add_test(tc, test_out_read_only);
	tcase_add_test(tc, test_flush);
	suite_add_tcase(s, tc);

	tc = tcase_create("get-id");
	tcase_add_test(tc, test_get_id_20);
	tcase_add_test(tc, test_get_id_short_and_long);
	suite_add_tcase(s, tc);

	tc = tcase_create("discard");
	tcase_add_test(tc, test_discard_ok);
	tcase_add_test(tc, test_discard_split);
	tcase_add_test(tc, test_discard_not_offered);
	tcase_add_loop_test(tc, test_discard_bad_size, 0,
			    ARRAY_SIZE(bad_discard_sizes));
	tcase_add_test(tc, test_discard_too_many);
	tcase_add_loop_test(tc, test_discard_flags, 0,
			    ARRAY_SIZE(discard_flags));
	tcase_add_loop_test(tc, test_discard_bounds, 0,
			    ARRAY_SIZE(discard_cases));
	tcase_add_test(tc, test_discard_zero_sectors);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, test_unknown_types, 0,
			    ARRAY_SIZE(unknown_types));
	tcase_add_test(tc, test_no_writable);
	tcase_add_test(tc, test_short_header);
	tcase_add_test(tc, test_written);
	suite_add_tcase(s, tc);

	tc = tcase_create("path");
	tcase_add_loop_test(tc, test_path, 0, ARRAY_SIZE(path_cases));
	tcase_add_test(tc, test_direct_ok);
	tcase_add_test(tc, test_config_blk_size);
	suite_add_tcase(s, tc);

	tc = tcase_create("random");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_random_chains);
	suite_add_tcase(s, tc);
	return s;
}
