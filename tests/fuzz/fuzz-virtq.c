// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for devices/virtq.c: a hostile driver's rings.
 *
 * Input layout (little-endian):
 *   0   u16  queue size selector (see queue_size())
 *   2   u8   flags: bit 0 event_idx, bit 1 indirect, bit 2 the guest RAM
 *            mapping is misaligned on the host
 *   3   u8   number of operations
 *   4   u64  descriptor table address selector (see ring_gpa())
 *   12  u64  available ring address selector
 *   20  u64  used ring address selector
 *   28  operations, 4 bytes each: code, a, b, c (see run_op())
 *   ... the rest: guest RAM at RAM_BASE, at most RAM_MAX bytes
 *
 * Guest RAM is a heap buffer of exactly its size, so that ASan sees any
 * access outside it; every segment a chain returns is checked to lie in it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "../../devices/virtq.h"

#define RAM_BASE 0x80000000ull
#define RAM_MAX 0x10000u
#define HDR_LEN 28
#define OP_LEN 4
/* Heads popped and not yet pushed, as the device model keeps them. */
#define MAX_PENDING 512

struct state {
	struct virtq q;
	struct guest_ram ram;
	struct virtq_chain *c;
	uint8_t *alloc; /* what ram.host lies in */
	bool started;
	uint16_t pending[MAX_PENDING];
	unsigned int nr_pending;
};

/* Mostly 1..VIRTQ_MAX_SIZE; a quarter of the time any 16-bit value. */
static uint16_t queue_size(uint16_t v)
{
	if (v >> 14 != 3)
		return (v & 0xff) + 1;
	if (v & 1)
		return 0xffff - ((v >> 1) & 0xff);
	return (v >> 1) & 0x1fff;
}

/*
 * The two low bits pick how the rest, x, places a ring: 0 at offset x of
 * RAM (any alignment, may be past the end), 1 x bytes before the end of
 * RAM, 2 x bytes below RAM, 3 at ~x (near the top of the address space).
 */
static uint64_t ring_gpa(uint64_t v, uint64_t ram_size)
{
	uint64_t x = v >> 2;

	switch (v & 3) {
	case 0:
		return RAM_BASE + (x & 0x1ffff);
	case 1:
		return RAM_BASE + ram_size - (x & 0xffff);
	case 2:
		return RAM_BASE - (x & 0xffff);
	default:
		return ~x;
	}
}

/* Whether [gpa, gpa + len) lies in RAM: written here independently. */
static bool in_ram(const struct guest_ram *ram, uint64_t gpa, uint64_t len)
{
	if (gpa < ram->base || len == 0)
		return false;
	return gpa - ram->base <= ram->size &&
	       len <= ram->size - (gpa - ram->base);
}

/* Whether virtq_start must accept q (virtio 1.2, section 2.7 table). */
static bool rings_valid(const struct virtq *q, const struct guest_ram *ram)
{
	uint64_t n = q->num;

	if (n < 1 || n > VIRTQ_MAX_SIZE)
		return false;
	if ((uintptr_t)ram->host % 16)
		return false;
	return in_ram(ram, q->desc_gpa, 16 * n) && q->desc_gpa % 16 == 0 &&
	       in_ram(ram, q->avail_gpa, 6 + 2 * n) && q->avail_gpa % 2 == 0 &&
	       in_ram(ram, q->used_gpa, 6 + 8 * n) && q->used_gpa % 4 == 0;
}

static void check_chain(const struct state *s, uint8_t fill, bool write_back)
{
	const struct virtq_chain *c = s->c;
	uint64_t out_len = 0, in_len = 0;
	unsigned int nr_out = 0, nr_in = 0;

	CHECK(c->head < s->q.num);
	CHECK(c->nr_segs <= VIRTQ_MAX_SEGS);
	CHECK(c->nr_segs == c->nr_out + c->nr_in);
	for (unsigned int i = 0; i < c->nr_segs; i++) {
		const struct virtq_seg *seg = &c->segs[i];

		CHECK(seg->len != 0);
		CHECK(in_ram(&s->ram, seg->gpa, seg->len));
		CHECK(seg->addr == s->ram.host + (seg->gpa - RAM_BASE));
		CHECK(seg->addr >= s->ram.host &&
		      seg->addr + seg->len <= s->ram.host + s->ram.size);
		/* Readable buffers first, then the writable ones (2.7.4.2). */
		CHECK(seg->write == (i >= c->nr_out));
		if (seg->write) {
			nr_in++;
			in_len += seg->len;
			/* The device fills what it may write. */
			if (write_back)
				memset(seg->addr, fill, seg->len);
		} else {
			nr_out++;
			out_len += seg->len;
		}
	}
	CHECK(nr_out == c->nr_out && nr_in == c->nr_in);
	CHECK(out_len == c->out_len && in_len == c->in_len);
}

/* A broken queue refuses everything until the next start (2.1.2). */
static void check_broken(struct state *s)
{
	CHECK(virtq_pop(&s->q, &s->ram, s->c) == -EIO);
	CHECK(virtq_push(&s->q, &s->ram, 0, 0) == -EIO);
	CHECK(!virtq_should_interrupt(&s->q, &s->ram));
	CHECK(!virtq_arm_notify(&s->q, &s->ram));
	CHECK(s->q.broken);
}

static void start(struct state *s)
{
	bool valid = rings_valid(&s->q, &s->ram);
	int ret = virtq_start(&s->q, &s->ram);

	CHECK(ret == 0 || ret == -EINVAL);
	CHECK((ret == 0) == valid);
	CHECK(s->q.broken == (ret != 0));
	s->started = ret == 0;
	s->nr_pending = 0;
}

/* The driver makes head available: ring[idx % num] = head, then idx++. */
static void driver_publish(struct state *s, uint16_t head)
{
	uint64_t n = s->q.num, gpa = s->q.avail_gpa;
	uint16_t idx;
	uint8_t *p;

	if (n < 1 || n > VIRTQ_MAX_SIZE || !in_ram(&s->ram, gpa, 6 + 2 * n))
		return;
	p = s->ram.host + (gpa - RAM_BASE);
	idx = (uint16_t)(p[2] | p[3] << 8);
	p[4 + 2 * (idx % n)] = (uint8_t)head;
	p[4 + 2 * (idx % n) + 1] = (uint8_t)(head >> 8);
	idx++;
	p[2] = (uint8_t)idx;
	p[3] = (uint8_t)(idx >> 8);
}

/*
 * A register changed under a started queue without a new virtq_start
 * (the transport forbids it while the queue is ready): virtq must find
 * the rings again and refuse what no longer maps, not use stale ones.
 */
static void change_register(struct state *s, uint8_t a, uint16_t v)
{
	switch ((a >> 4) & 3) {
	case 0:
		s->q.num = queue_size(v);
		break;
	case 1:
		s->q.desc_gpa = ring_gpa(v, s->ram.size);
		break;
	case 2:
		s->q.avail_gpa = ring_gpa(v, s->ram.size);
		break;
	default:
		s->q.used_gpa = ring_gpa(v, s->ram.size);
		break;
	}
	/* What was popped before belongs to the old queue. */
	s->nr_pending = 0;
}

/*
 * Operations (code % 8): 0, 1 pop (a bit 0: fill the writable buffers
 * with b); 2 push pending head a % pending, written b << 8 | c; 3 should
 * interrupt; 4 arm notify; 5 the driver writes byte c at RAM offset
 * (b << 8 | a) % size; 6 the driver makes head b << 8 | a available;
 * 7 restart with event_idx a bit 0, indirect a bit 1, or with a bit 7 a
 * register changes without a restart: (a >> 4) & 3 picks num, desc,
 * avail or used, and c << 8 | b its new value (as in the header).
 */
static void run_op(struct state *s, const uint8_t *op)
{
	uint8_t a = op[1], b = op[2], c = op[3];
	unsigned int i;
	int ret;

	switch (op[0] % 8) {
	case 0:
	case 1:
		ret = virtq_pop(&s->q, &s->ram, s->c);
		CHECK(ret == 1 || ret == 0 || ret == -EIO);
		CHECK((ret == -EIO) == s->q.broken);
		if (ret != 1)
			break;
		check_chain(s, b, a & 1);
		if (s->nr_pending < MAX_PENDING)
			s->pending[s->nr_pending++] = s->c->head;
		break;
	case 2:
		/* Heads come from virtq_pop only (virtq_push asserts it). */
		if (!s->nr_pending)
			break;
		i = a % s->nr_pending;
		ret = virtq_push(&s->q, &s->ram, s->pending[i],
				 (uint32_t)b << 8 | c);
		CHECK(ret == 0 || ret == -EIO);
		CHECK((ret == -EIO) == s->q.broken);
		s->pending[i] = s->pending[--s->nr_pending];
		break;
	case 3:
		virtq_should_interrupt(&s->q, &s->ram);
		break;
	case 4:
		virtq_arm_notify(&s->q, &s->ram);
		break;
	case 5:
		/* The driver (another CPU) writes a byte anywhere in RAM. */
		if (s->ram.size)
			s->ram.host[((uint32_t)b << 8 | a) % s->ram.size] = c;
		break;
	case 6:
		driver_publish(s, (uint16_t)b << 8 | a);
		break;
	default:
		if (a & 0x80) {
			change_register(s, a, (uint16_t)c << 8 | b);
			break;
		}
		/* A reset and the queue made ready again. */
		s->q.event_idx = a & 1;
		s->q.indirect = a & 2;
		start(s);
		break;
	}
	if (s->q.broken)
		check_broken(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct state *s;
	uint64_t desc_sel, avail_sel, used_sel;
	unsigned int nr_ops;
	uint16_t num_sel;
	uint8_t flags;
	size_t ram_size, misalign;
	const uint8_t *ops;

	if (size < HDR_LEN)
		return 0;
	s = calloc(1, sizeof(*s));
	if (!s)
		abort();
	s->c = malloc(sizeof(*s->c));
	if (!s->c)
		abort();

	num_sel = take(&in, 2);
	flags = take(&in, 1);
	nr_ops = take(&in, 1);
	desc_sel = take(&in, 8);
	avail_sel = take(&in, 8);
	used_sel = take(&in, 8);
	if (in.n < (size_t)nr_ops * OP_LEN)
		nr_ops = in.n / OP_LEN;
	ops = in.p;
	in.p += (size_t)nr_ops * OP_LEN;
	in.n -= (size_t)nr_ops * OP_LEN;

	ram_size = in.n < RAM_MAX ? in.n : RAM_MAX;
	misalign = flags & 4 ? 1 : 0;
	/* Exactly the RAM's size: ASan catches a byte past its end. */
	s->alloc = malloc(misalign + ram_size);
	if (!s->alloc && misalign + ram_size)
		abort();
	s->ram.host = s->alloc + misalign;
	s->ram.base = RAM_BASE;
	s->ram.size = ram_size;
	if (ram_size)
		memcpy(s->ram.host, in.p, ram_size);

	s->q.num = queue_size(num_sel);
	s->q.event_idx = flags & 1;
	s->q.indirect = flags & 2;
	s->q.desc_gpa = ring_gpa(desc_sel, ram_size);
	s->q.avail_gpa = ring_gpa(avail_sel, ram_size);
	s->q.used_gpa = ring_gpa(used_sel, ram_size);
	start(s);
	if (s->q.broken)
		check_broken(s);

	for (unsigned int i = 0; i < nr_ops; i++)
		run_op(s, ops + (size_t)i * OP_LEN);
	/* Whatever the ops did, drain what the driver made available. */
	for (unsigned int i = 0; i < 2 * VIRTQ_MAX_SIZE && s->started; i++) {
		int ret = virtq_pop(&s->q, &s->ram, s->c);

		if (ret != 1)
			break;
		check_chain(s, 0, false);
		CHECK(virtq_push(&s->q, &s->ram, s->c->head, 0) == 0);
	}

	free(s->alloc);
	free(s->c);
	free(s);
	return 0;
}
