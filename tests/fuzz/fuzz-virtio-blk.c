// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for devices/virtio-blk.c: virtio_blk_decode on a
 * descriptor chain a hostile driver made, then virtio_blk_written and
 * where the request would run (virtio_blk_path).
 *
 * Input layout (little-endian):
 *   0   u64  disk size in bytes
 *   8   u8   bit 0 read-only, bit 1 discard, bit 2 counts that exceed
 *            VIRTQ_MAX_SEGS (a chain virtq could not give: refused);
 *            the backend: bit 3 io_uring, bit 4 ,direct, bit 5 RWF_NOWAIT
 *            taken, bit 6 O_DIRECT alignments 4096 (else 512)
 *   9   u16  number of buffers, v % (VIRTQ_MAX_SEGS + 1)
 *   11  u16  how many of them are readable, v % (buffers + 1)
 *   13  u8   a status byte for virtio_blk_written
 *   14  u16  each buffer's length - 1, & 0x1fff
 *   ... the buffers' contents, one after the other (zeros past the end)
 *
 * Each buffer is a heap allocation of exactly its length, so that ASan
 * sees any access past one.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "../../devices/virtio-blk.h"

#define RAM_BASE 0x80000000ull
#define HDR_LEN 16

/* The buffer (index into c->segs) that holds [p, p + len), or -1. */
static int seg_of(const struct virtq_chain *c, unsigned int nr,
		  const uint8_t *p, size_t len)
{
	for (unsigned int i = 0; i < nr; i++) {
		const struct virtq_seg *s = &c->segs[i];

		if (p >= s->addr && p < s->addr + s->len &&
		    len <= (size_t)(s->addr + s->len - p))
			return (int)i;
	}
	return -1;
}

/* Whether every buffer is as it was before decoding. */
static bool unchanged(const struct virtq_chain *c, unsigned int nr,
		      uint8_t *const *copy)
{
	for (unsigned int i = 0; i < nr; i++)
		if (memcmp(c->segs[i].addr, copy[i], c->segs[i].len))
			return false;
	return true;
}

static void check_iov(const struct virtq_chain *c, unsigned int nr,
		      const struct virtio_blk_req *r, bool writable)
{
	uint64_t total = 0;

	CHECK(r->nr_iov <= VIRTQ_MAX_SEGS);
	for (unsigned int i = 0; i < r->nr_iov; i++) {
		const struct iovec *v = &r->iov[i];
		int s = seg_of(c, nr, v->iov_base, v->iov_len);

		CHECK(v->iov_len != 0);
		CHECK(s >= 0);
		CHECK(c->segs[s].write == writable);
		/* Data never covers the status byte. */
		CHECK(!(r->status >= (uint8_t *)v->iov_base &&
			r->status < (uint8_t *)v->iov_base + v->iov_len));
		total += v->iov_len;
	}
	CHECK(total == r->len);
}

static void check_request(const struct virtq_chain *c, unsigned int nr,
			  const struct virtio_blk_disk *disk,
			  const struct virtio_blk_req *r, int ret,
			  uint8_t *const *copy)
{
	uint64_t capacity = disk->size / VIRTIO_BLK_SECTOR;
	uint64_t id_len;
	unsigned int i;
	int s;

	CHECK(ret == -1 || ret == VIRTIO_BLK_S_OK ||
	      ret == VIRTIO_BLK_S_IOERR || ret == VIRTIO_BLK_S_UNSUPP);
	if (ret == -1) {
		/* No writable byte, or a chain that cannot be. */
		CHECK(c->in_len == 0 || c->nr_out + c->nr_in > VIRTQ_MAX_SEGS);
		CHECK(unchanged(c, nr, copy));
		return;
	}
	/* The status byte: the last byte of the writable part (5.2.6). */
	CHECK(c->in_len > 0);
	s = seg_of(c, nr, r->status, 1);
	CHECK(s == (int)nr - 1);
	CHECK(c->segs[s].write);
	CHECK(r->status == c->segs[s].addr + c->segs[s].len - 1);
	CHECK(r->nr_ranges <= VIRTIO_BLK_MAX_DISCARD_SEG);

	if (ret != VIRTIO_BLK_S_OK || r->type != VIRTIO_BLK_T_GET_ID)
		CHECK(unchanged(c, nr, copy));
	if (ret != VIRTIO_BLK_S_OK) {
		CHECK(r->nr_iov == 0);
		return;
	}
	switch (r->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		CHECK(r->type == VIRTIO_BLK_T_IN || !disk->read_only);
		CHECK(r->offset % VIRTIO_BLK_SECTOR == 0);
		CHECK(r->len % VIRTIO_BLK_SECTOR == 0);
		CHECK(r->offset / VIRTIO_BLK_SECTOR <= capacity);
		CHECK(r->len / VIRTIO_BLK_SECTOR <=
		      capacity - r->offset / VIRTIO_BLK_SECTOR);
		CHECK(r->len == (r->type == VIRTIO_BLK_T_IN ?
					 c->in_len - 1 :
					 c->out_len - HDR_LEN));
		check_iov(c, nr, r, r->type == VIRTIO_BLK_T_IN);
		break;
	case VIRTIO_BLK_T_GET_ID:
		id_len = c->in_len - 1 < VIRTIO_BLK_ID_BYTES ?
				 c->in_len - 1 :
				 VIRTIO_BLK_ID_BYTES;
		CHECK(r->len == id_len);
		check_iov(c, nr, r, true);
		/* The rest is check_get_id's. */
		break;
	case VIRTIO_BLK_T_DISCARD:
		CHECK(!disk->read_only && disk->discard);
		CHECK(r->nr_ranges >= 1);
		for (i = 0; i < r->nr_ranges; i++) {
			CHECK(r->ranges[i].nr_sectors != 0);
			CHECK(r->ranges[i].sector <= capacity);
			CHECK(r->ranges[i].nr_sectors <=
			      capacity - r->ranges[i].sector);
		}
		break;
	case VIRTIO_BLK_T_FLUSH:
		break;
	default:
		CHECK(!"an unknown type accepted");
	}
}

/* GET_ID: the writable bytes begin with the ID, the rest is untouched. */
static void check_get_id(const struct virtq_chain *c, unsigned int nr,
			 const struct virtio_blk_disk *disk,
			 const struct virtio_blk_req *r, uint8_t *const *copy)
{
	uint64_t pos = 0;

	for (unsigned int i = 0; i < c->nr_out; i++)
		CHECK(!memcmp(c->segs[i].addr, copy[i], c->segs[i].len));
	for (unsigned int i = c->nr_out; i < nr; i++) {
		const struct virtq_seg *s = &c->segs[i];

		for (uint32_t j = 0; j < s->len; j++, pos++) {
			if (pos < r->len)
				CHECK(s->addr[j] == (uint8_t)disk->id[pos]);
			else
				CHECK(s->addr[j] == copy[i][j]);
		}
	}
}

/*
 * Where an accepted request runs: a path that exists; nothing to run only
 * for GET_ID; through the page cache only for a ,direct read or write
 * O_DIRECT refuses, and always for those.
 */
static void check_path(const struct virtio_blk_req *r, uint64_t flags)
{
	uint32_t align = flags & 64 ? 4096 : 512;
	struct virtio_blk_backend be = { .uring = flags & 8,
					 .direct = flags & 16,
					 .nowait = flags & 32,
					 .dio_mem_align = align,
					 .dio_offset_align = align };
	enum virtio_blk_path p = virtio_blk_path(r, &be);
	bool rw = r->type == VIRTIO_BLK_T_IN || r->type == VIRTIO_BLK_T_OUT;

	CHECK(p == VIRTIO_BLK_PATH_NONE || p == VIRTIO_BLK_PATH_SYNC ||
	      p == VIRTIO_BLK_PATH_NOWAIT || p == VIRTIO_BLK_PATH_URING ||
	      p == VIRTIO_BLK_PATH_BUFFERED);
	CHECK((p == VIRTIO_BLK_PATH_NONE) == (r->type == VIRTIO_BLK_T_GET_ID));
	CHECK((p == VIRTIO_BLK_PATH_BUFFERED) ==
	      (rw && be.direct && !virtio_blk_direct_ok(r, &be)));
	CHECK(be.uring || p == VIRTIO_BLK_PATH_NONE ||
	      p == VIRTIO_BLK_PATH_SYNC || p == VIRTIO_BLK_PATH_BUFFERED);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct virtio_blk_disk disk = { .id = "lkvm-fuzz-disk-0001" };
	struct virtq_chain *c;
	struct virtio_blk_req *r;
	uint8_t **copy;
	unsigned int nr, nr_out, flags;
	uint8_t status;
	uint32_t w;
	int ret;

	if (size < 14)
		return 0;
	c = calloc(1, sizeof(*c));
	r = malloc(sizeof(*r));
	copy = calloc(VIRTQ_MAX_SEGS, sizeof(*copy));
	if (!c || !r || !copy)
		abort();

	disk.size = take(&in, 8);
	flags = take(&in, 1);
	disk.read_only = flags & 1;
	disk.discard = flags & 2;
	nr = take(&in, 2) % (VIRTQ_MAX_SEGS + 1);
	nr_out = take(&in, 2) % (nr + 1);
	status = take(&in, 1);

	/* A chain as virtq_pop gives it: readable buffers first, none empty. */
	for (unsigned int i = 0; i < nr; i++) {
		struct virtq_seg *s = &c->segs[i];

		s->len = 1 + (take(&in, 2) & 0x1fff);
		s->write = i >= nr_out;
		s->gpa = RAM_BASE + (s->write ? c->in_len : c->out_len);
		if (s->write)
			c->in_len += s->len;
		else
			c->out_len += s->len;
	}
	for (unsigned int i = 0; i < nr; i++) {
		struct virtq_seg *s = &c->segs[i];
		size_t n = in.n < s->len ? in.n : s->len;

		s->addr = calloc(1, s->len);
		copy[i] = malloc(s->len);
		if (!s->addr || !copy[i])
			abort();
		memcpy(s->addr, in.p, n);
		in.p += n;
		in.n -= n;
		memcpy(copy[i], s->addr, s->len);
	}
	c->nr_segs = nr;
	c->nr_out = nr_out;
	c->nr_in = nr - nr_out;
	c->head = 0;
	if (flags & 4) {
		/* More than the chain can hold: decode must refuse it unread. */
		c->nr_in += VIRTQ_MAX_SEGS + 1 - nr;
	}

	memset(r, 0x5a, sizeof(*r));
	ret = virtio_blk_decode(c, &disk, r);
	check_request(c, nr, &disk, r, ret, copy);
	if (ret == VIRTIO_BLK_S_OK && r->type == VIRTIO_BLK_T_GET_ID)
		check_get_id(c, nr, &disk, r, copy);
	if (ret == VIRTIO_BLK_S_OK)
		check_path(r, flags);
	if (ret >= 0) {
		/* Never more than the writable bytes, the status byte included. */
		w = virtio_blk_written(r, (uint8_t)ret);
		CHECK(w >= 1 && w <= c->in_len);
		w = virtio_blk_written(r, status);
		CHECK(w >= 1 && w <= c->in_len);
	}

	for (unsigned int i = 0; i < nr; i++) {
		free(c->segs[i].addr);
		free(copy[i]);
	}
	free(copy);
	free(r);
	free(c);
	return 0;
}
