// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for devices/virtio-mmio.c: a hostile driver's register
 * and configuration space accesses, with the queues it sets up served as
 * the device model serves them (devices/virtio-dev.c).
 *
 * Input layout (little-endian):
 *   0   u8   bit 0: two queues (else one); bit 1 offer EVENT_IDX; bit 2
 *            offer INDIRECT_DESC
 *   1   u8   queue_num_max = 8 + v % 249 (8..256)
 *   2   u8   config_writable = v % 61 bytes
 *   3   u8   more device feature bits (bits 0..7)
 *   4   u8   number of steps
 *   5   steps, each: u8 op, u16 offset, then for a write len value bytes
 *       (see step()); op bits 0-2 pick len = {1, 2, 4, 8, 3}[v % 5], bit 3
 *       a write, bits 4-7 the kind: 0-11 an access, 12 the device raises
 *       InterruptStatus bits (offset's low byte), 13 the device needs a
 *       reset, 14 a reset, 15 the device serves its queues
 *   ... the rest: the start of guest RAM (RAM_MIN bytes at least, zeroed
 *       past the input, RAM_MAX at most) at RAM_BASE
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "../../devices/virtio-blk.h"
#include "../../devices/virtio-mmio.h"

#define RAM_BASE 0x80000000ull
#define RAM_MIN 0x1000u
#define RAM_MAX 0x10000u
#define CONFIG_LEN 60
/* Chains served per notification before the device yields. */
#define SERVE_MAX 16

#define BIT64(n) ((uint64_t)1 << (n))
#define STATUS_BITS                                            \
	(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |    \
	 VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK | \
	 VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED)

struct state {
	struct virtio_mmio d;
	struct guest_ram ram;
	struct virtq_chain *c;
	uint8_t *config;
	uint8_t shadow[CONFIG_LEN]; /* config as it was before an access */
};

static bool in_ram(const struct guest_ram *ram, uint64_t gpa, uint64_t len)
{
	if (gpa < ram->base || len == 0)
		return false;
	return gpa - ram->base <= ram->size &&
	       len <= ram->size - (gpa - ram->base);
}

/* The areas of a queue (virtio 1.2, section 2.7), checked independently. */
static bool rings_valid(const struct virtq *q, const struct guest_ram *ram)
{
	uint64_t n = q->num;

	if (n < 1 || n > VIRTQ_MAX_SIZE)
		return false;
	return in_ram(ram, q->desc_gpa, 16 * n) && q->desc_gpa % 16 == 0 &&
	       in_ram(ram, q->avail_gpa, 6 + 2 * n) && q->avail_gpa % 2 == 0 &&
	       in_ram(ram, q->used_gpa, 6 + 8 * n) && q->used_gpa % 4 == 0;
}

static unsigned int nr_queues(const struct virtio_mmio *d)
{
	return d->nr_queues;
}

/* What must hold between any two accesses, whatever the driver did. */
static void check_transport(const struct state *s)
{
	const struct virtio_mmio *d = &s->d;

	CHECK(!(d->status & ~STATUS_BITS));
	/* 3.1.1: DRIVER_OK only after FEATURES_OK. */
	if (d->status & VIRTIO_STATUS_DRIVER_OK)
		CHECK(d->status & VIRTIO_STATUS_FEATURES_OK);
	/* 2.2.2, 6.1: a subset of what was offered, VERSION_1 among them. */
	if (d->status & VIRTIO_STATUS_FEATURES_OK) {
		CHECK(!(d->driver_features & ~d->device_features));
		CHECK(d->driver_features & BIT64(VIRTIO_F_VERSION_1));
	}
	CHECK(!(d->interrupt_status &
		~(uint32_t)(VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG)));
	for (unsigned int i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++) {
		const struct virtq *q = &d->queues[i];

		if (!d->queue_ready[i])
			continue;
		CHECK(i < nr_queues(d));
		CHECK(d->status & VIRTIO_STATUS_FEATURES_OK);
		/* Ready means virtq_start took it: its rings are in RAM. */
		CHECK(q->num >= 1 && q->num <= d->queue_num_max);
		CHECK(rings_valid(q, &s->ram));
	}
}

static void check_chain(const struct state *s, const struct virtq *q)
{
	const struct virtq_chain *c = s->c;

	CHECK(c->head < q->num);
	CHECK(c->nr_segs <= VIRTQ_MAX_SEGS);
	CHECK(c->nr_segs == c->nr_out + c->nr_in);
	for (unsigned int i = 0; i < c->nr_segs; i++) {
		const struct virtq_seg *seg = &c->segs[i];

		CHECK(seg->len && in_ram(&s->ram, seg->gpa, seg->len));
		CHECK(seg->addr == s->ram.host + (seg->gpa - RAM_BASE));
		CHECK(seg->write == (i >= c->nr_out));
	}
}

static void interrupt(struct state *s, uint32_t bits)
{
	bool was = virtio_mmio_irq_level(&s->d);
	bool changed = virtio_mmio_interrupt(&s->d, bits);

	CHECK(changed == (was != virtio_mmio_irq_level(&s->d)));
}

static void needs_reset(struct state *s)
{
	bool was = virtio_mmio_irq_level(&s->d);
	bool changed = virtio_mmio_needs_reset(&s->d);

	CHECK(changed == (was != virtio_mmio_irq_level(&s->d)));
	CHECK(s->d.status & VIRTIO_STATUS_NEEDS_RESET);
}

/* What the device model does for a notification of queue i. */
static void serve(struct state *s, unsigned int i)
{
	struct virtq *q = &s->d.queues[i];
	bool used = false;

	if (!virtio_mmio_live(&s->d) || !s->d.queue_ready[i])
		return;
	for (unsigned int n = 0; n < SERVE_MAX; n++) {
		int ret = virtq_pop(q, &s->ram, s->c);

		if (ret < 0) {
			needs_reset(s);
			return;
		}
		if (ret == 0 && !virtq_arm_notify(q, &s->ram))
			break;
		if (ret == 0)
			continue;
		check_chain(s, q);
		CHECK(virtq_push(q, &s->ram, s->c->head, 1) == 0);
		used = true;
	}
	if (used && virtq_should_interrupt(q, &s->ram))
		interrupt(s, VIRTIO_MMIO_INT_VRING);
}

static const unsigned int lens[] = { 1, 2, 4, 8, 3 };

/* Whether a config access of len at i is one virtio-mmio must take. */
static bool config_ok(uint64_t i, unsigned int len, uint32_t limit)
{
	if (len != 1 && len != 2 && len != 4 && len != 8)
		return false;
	return i % len == 0 && i + len <= limit;
}

static void check_read(const struct state *s, uint64_t off, const uint8_t *data,
		       unsigned int len)
{
	const struct virtio_mmio *d = &s->d;
	uint32_t v;

	if (off >= VIRTIO_MMIO_CONFIG) {
		uint64_t i = off - VIRTIO_MMIO_CONFIG;

		if (config_ok(i, len, CONFIG_LEN)) {
			CHECK(!memcmp(data, s->config + i, len));
			return;
		}
	} else if (len == 4 && off % 4 == 0) {
		v = (uint32_t)data[0] | (uint32_t)data[1] << 8 |
		    (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24;
		if (off == VIRTIO_MMIO_MAGIC_VALUE)
			CHECK(v == VIRTIO_MMIO_MAGIC);
		else if (off == VIRTIO_MMIO_VERSION)
			CHECK(v == 2);
		else if (off == VIRTIO_MMIO_DEVICE_ID)
			CHECK(v == VIRTIO_ID_BLOCK);
		else if (off == VIRTIO_MMIO_STATUS)
			CHECK(v == d->status);
		else if (off == VIRTIO_MMIO_INTERRUPT_STATUS)
			CHECK(v == d->interrupt_status);
		else if (off == VIRTIO_MMIO_QUEUE_READY)
			CHECK(v == (d->queue_sel < nr_queues(d) &&
				    d->queue_ready[d->queue_sel]));
		return;
	}
	/* Anything else reads as zeros. */
	for (unsigned int i = 0; i < len; i++)
		CHECK(data[i] == 0);
}

static void mmio_access(struct state *s, uint8_t op, uint64_t off,
			struct input *in)
{
	unsigned int len = lens[(op & 7) % 5];
	bool is_write = op & 8;
	struct virtio_mmio_result res;
	uint32_t writable = s->d.config_writable;
	bool was = virtio_mmio_irq_level(&s->d);
	/* Exactly len bytes, so that ASan sees an access wider than asked. */
	uint8_t *data = malloc(len);

	if (!data)
		abort();
	if (is_write) {
		for (unsigned int i = 0; i < len; i++)
			data[i] = take(in, 1);
	} else {
		memset(data, 0xa5, len);
	}
	memcpy(s->shadow, s->config, CONFIG_LEN);

	res = virtio_mmio_access(&s->d, &s->ram, off, data, len, is_write);

	CHECK(!(res.actions &
		~(unsigned int)(VIRTIO_MMIO_ACT_NOTIFY | VIRTIO_MMIO_ACT_RESET |
				VIRTIO_MMIO_ACT_IRQ |
				VIRTIO_MMIO_ACT_DRIVER_OK |
				VIRTIO_MMIO_ACT_CONFIG_WRITE)));
	/* ACT_IRQ iff the line's level changed. */
	CHECK(!!(res.actions & VIRTIO_MMIO_ACT_IRQ) ==
	      (was != virtio_mmio_irq_level(&s->d)));
	if (!is_write)
		CHECK(res.actions == 0);
	if (!is_write)
		check_read(s, off, data, len);

	/* Config space changes only by a write the rules allow (4.2.2.2). */
	if (is_write && off >= VIRTIO_MMIO_CONFIG &&
	    config_ok(off - VIRTIO_MMIO_CONFIG, len, writable)) {
		uint64_t i = off - VIRTIO_MMIO_CONFIG;

		CHECK(res.actions == VIRTIO_MMIO_ACT_CONFIG_WRITE);
		CHECK(!memcmp(s->config + i, data, len));
		CHECK(!memcmp(s->config, s->shadow, i));
		CHECK(!memcmp(s->config + i + len, s->shadow + i + len,
			      CONFIG_LEN - i - len));
	} else {
		CHECK(!(res.actions & VIRTIO_MMIO_ACT_CONFIG_WRITE));
		CHECK(!memcmp(s->config, s->shadow, CONFIG_LEN));
	}

	if (res.actions & VIRTIO_MMIO_ACT_RESET)
		CHECK(s->d.status == 0);
	if (res.actions & VIRTIO_MMIO_ACT_NOTIFY) {
		CHECK(res.queue < nr_queues(&s->d));
		CHECK(s->d.queue_ready[res.queue]);
		CHECK(virtio_mmio_live(&s->d));
		serve(s, res.queue);
	}
	free(data);
}

static void step(struct state *s, struct input *in)
{
	uint8_t op = take(in, 1);
	uint64_t off = take(in, 2);

	switch (op >> 4) {
	case 12:
		interrupt(s, (uint32_t)off);
		break;
	case 13:
		needs_reset(s);
		break;
	case 14:
		virtio_mmio_reset(&s->d);
		CHECK(s->d.status == 0 && s->d.interrupt_status == 0);
		for (unsigned int i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
			CHECK(!s->d.queue_ready[i]);
		break;
	case 15:
		for (unsigned int i = 0; i < nr_queues(&s->d); i++)
			serve(s, i);
		break;
	default:
		mmio_access(s, op, off, in);
		break;
	}
	check_transport(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct virtio_blk_disk disk = { .size = 1 << 20, .id = "fuzz" };
	struct virtio_blk_config cfg;
	struct state *s;
	struct input steps;
	size_t ram_size, tail;
	unsigned int nr_steps;
	uint8_t flags;

	_Static_assert(sizeof(cfg) == CONFIG_LEN, "virtio-blk config size");
	if (size < 5)
		return 0;
	s = calloc(1, sizeof(*s));
	if (!s)
		abort();
	s->c = malloc(sizeof(*s->c));
	s->config = malloc(CONFIG_LEN);
	if (!s->c || !s->config)
		abort();

	flags = take(&in, 1);
	s->d.device_id = VIRTIO_ID_BLOCK;
	s->d.nr_queues = 1 + (flags & 1);
	s->d.queue_num_max = 8 + take(&in, 1) % 249;
	s->d.config_writable = take(&in, 1) % (CONFIG_LEN + 1);
	s->d.device_features = BIT64(VIRTIO_F_VERSION_1) | take(&in, 1);
	if (flags & 2)
		s->d.device_features |= BIT64(VIRTIO_F_EVENT_IDX);
	if (flags & 4)
		s->d.device_features |= BIT64(VIRTIO_F_INDIRECT_DESC);
	virtio_blk_config_init(&cfg, &disk);
	memcpy(s->config, &cfg, CONFIG_LEN);
	s->d.config = s->config;
	s->d.config_len = CONFIG_LEN;
	virtio_mmio_reset(&s->d);
	nr_steps = take(&in, 1);

	/* Find where the steps end: RAM is what follows them. */
	steps = in;
	for (unsigned int i = 0; i < nr_steps && in.n; i++) {
		uint8_t op = take(&in, 1);

		take(&in, 2);
		if (op >> 4 < 12 && (op & 8)) {
			unsigned int len = lens[(op & 7) % 5];

			in.p += len < in.n ? len : in.n;
			in.n -= len < in.n ? len : in.n;
		}
	}
	tail = in.n < RAM_MAX ? in.n : RAM_MAX;
	ram_size = tail > RAM_MIN ? tail : RAM_MIN;
	s->ram.host = calloc(1, ram_size);
	if (!s->ram.host)
		abort();
	s->ram.base = RAM_BASE;
	s->ram.size = ram_size;
	if (tail)
		memcpy(s->ram.host, in.p, tail);
	steps.n -= in.n;

	check_transport(s);
	for (unsigned int i = 0; i < nr_steps && steps.n; i++)
		step(s, &steps);

	free(s->ram.host);
	free(s->config);
	free(s->c);
	free(s);
	return 0;
}
