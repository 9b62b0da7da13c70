// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueues, the device side, against virtio 1.2 section 2.7. A
 * fake guest RAM holds the rings, laid out here the way a driver lays them
 * out. Offsets, flag values and expected results are written from the
 * spec, not taken from virtq.h or virtq.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "../../devices/virtq.h"

/* unit.h does not declare it (yet). */
Suite *virtq_suite(void);

/* The fake guest RAM: 64 KiB at 0x80000000. */
#define RAM_BASE 0x80000000ull
#define RAM_SIZE 0x10000ull
#define RAM_END (RAM_BASE + RAM_SIZE)

/* Where this test's driver puts things. */
#define DESC_GPA (RAM_BASE + 0x0000) /* 16 * 256 bytes at most */
#define AVAIL_GPA (RAM_BASE + 0x1000) /* 6 + 2 * 256 at most */
#define USED_GPA (RAM_BASE + 0x2000) /* 6 + 8 * 256 at most */
#define TABLE_GPA (RAM_BASE + 0x3000) /* indirect tables, up to 0x7fff */
#define TABLE2_GPA (RAM_BASE + 0x6000) /* a second indirect table */
#define BUF_GPA (RAM_BASE + 0x8000) /* buffers */

#define NUM 8 /* the queue size of most tests */

/* Descriptor flags (2.7.5) and the available ring's flag (2.7.6). */
#define F_NEXT 1
#define F_WRITE 2
#define F_INDIRECT 4
#define NO_INTERRUPT 1

/* What virtq.h documents: queues up to 256, chains up to 256 buffers. */
#define MAX_SIZE 256
#define MAX_SEGS 256

static uint8_t *mem;
static struct guest_ram ram;
static struct virtq q;
static struct virtq_chain c;

/* Guest RAM as the driver sees it, little-endian byte by byte. */

/*
 * Check's ck_assert reports each passing check to the runner, too slow
 * for byte loops: the hot paths test with if and abort only on failure.
 */
static uint8_t *at(uint64_t gpa)
{
	if (gpa < RAM_BASE || gpa >= RAM_END)
		ck_abort_msg("gpa %#llx outside the fake RAM",
			     (unsigned long long)gpa);
	return mem + (gpa - RAM_BASE);
}

static void put_le(uint64_t gpa, uint64_t v, unsigned int bytes)
{
	uint8_t *p = at(gpa);

	for (unsigned int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(uint64_t gpa, unsigned int bytes)
{
	const uint8_t *p = at(gpa);
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put16(uint64_t gpa, uint16_t v)
{
	put_le(gpa, v, 2);
}

static uint16_t get16(uint64_t gpa)
{
	return (uint16_t)get_le(gpa, 2);
}

static uint32_t get32(uint64_t gpa)
{
	return (uint32_t)get_le(gpa, 4);
}

/* struct virtq_desc (2.7.5): le64 addr, le32 len, le16 flags, le16 next. */
static void set_desc(uint64_t table, unsigned int i, uint64_t addr,
		     uint32_t len, uint16_t flags, uint16_t next)
{
	uint64_t d = table + 16 * i;

	put_le(d, addr, 8);
	put_le(d + 8, len, 4);
	put16(d + 12, flags);
	put16(d + 14, next);
}

/* struct virtq_avail (2.7.6): le16 flags, idx, ring[num], used_event. */
static void set_avail_flags(uint16_t flags)
{
	put16(AVAIL_GPA, flags);
}

static void set_avail_idx(uint16_t idx)
{
	put16(AVAIL_GPA + 2, idx);
}

static void set_avail_slot(unsigned int slot, uint16_t head)
{
	put16(AVAIL_GPA + 4 + 2 * slot, head);
}

static void set_used_event(uint16_t event)
{
	put16(AVAIL_GPA + 4 + 2 * q.num, event);
}

/* The driver offers a chain: ring[idx % size] = head; idx++ (2.7.13). */
static void offer(uint16_t head)
{
	uint16_t idx = get16(AVAIL_GPA + 2);

	set_avail_slot(idx % q.num, head);
	set_avail_idx(idx + 1);
}

/* struct virtq_used (2.7.8): le16 flags, idx, {le32 id, len}[num], ... */
static uint16_t used_idx(void)
{
	return get16(USED_GPA + 2);
}

static uint32_t used_id(unsigned int slot)
{
	return get32(USED_GPA + 4 + 8 * slot);
}

static uint32_t used_len(unsigned int slot)
{
	return get32(USED_GPA + 8 + 8 * slot);
}

/* ... and le16 avail_event after the ring. */
static uint16_t avail_event(void)
{
	return get16(USED_GPA + 4 + 8 * q.num);
}

static void set_avail_event(uint16_t v)
{
	put16(USED_GPA + 4 + 8 * q.num, v);
}

static void start_queue(uint16_t num, bool indirect, bool event_idx)
{
	memset(&q, 0, sizeof(q));
	q.num = num;
	q.desc_gpa = DESC_GPA;
	q.avail_gpa = AVAIL_GPA;
	q.used_gpa = USED_GPA;
	q.indirect = indirect;
	q.event_idx = event_idx;
	ck_assert_int_eq(virtq_start(&q, &ram), 0);
	ck_assert(!q.broken);
}

static void setup(void)
{
	mem = calloc(1, RAM_SIZE);
	ck_assert_ptr_nonnull(mem);
	ram.host = mem;
	ram.base = RAM_BASE;
	ram.size = RAM_SIZE;
	start_queue(NUM, true, false);
}

static void teardown(void)
{
	free(mem);
	mem = NULL;
}

static void check_seg(unsigned int i, uint64_t gpa, uint32_t len, bool write)
{
	ck_assert_uint_lt(i, c.nr_segs);
	ck_assert_ptr_eq(c.segs[i].addr, mem + (gpa - RAM_BASE));
	ck_assert_uint_eq(c.segs[i].gpa, gpa);
	ck_assert_uint_eq(c.segs[i].len, len);
	ck_assert_int_eq(c.segs[i].write, write);
}

static void pop_ok(uint16_t head)
{
	ck_assert_int_eq(virtq_pop(&q, &ram, &c), 1);
	ck_assert(!q.broken);
	ck_assert_uint_eq(c.head, head);
}

/*
 * The driver broke a rule with the next entry: the queue refuses it
 * without taking it, and stays broken however good the ring looks
 * afterwards: pop, push, interrupts and notifications all stop.
 */
static void check_broken(void)
{
	uint16_t before = q.last_avail, used_before = used_idx();

	ck_assert_int_eq(virtq_pop(&q, &ram, &c), -EIO);
	ck_assert(q.broken);
	ck_assert_uint_eq(q.last_avail, before);

	/* A well-formed one-buffer chain in place of the bad entry. */
	set_desc(DESC_GPA, q.num - 1, BUF_GPA, 16, 0, 0);
	set_avail_slot(before % q.num, q.num - 1);
	set_avail_idx(before + 1);
	ck_assert_int_eq(virtq_pop(&q, &ram, &c), -EIO);
	ck_assert(q.broken);
	ck_assert_uint_eq(q.last_avail, before);

	ck_assert_int_eq(virtq_push(&q, &ram, 0, 1), -EIO);
	ck_assert_uint_eq(used_idx(), used_before);
	ck_assert(!virtq_should_interrupt(&q, &ram));
	ck_assert(!virtq_arm_notify(&q, &ram));
}

/* --- the header against the spec --- */

START_TEST(test_virtq_header_values)
{
	ck_assert_int_eq(VIRTQ_DESC_F_NEXT, F_NEXT);
	ck_assert_int_eq(VIRTQ_DESC_F_WRITE, F_WRITE);
	ck_assert_int_eq(VIRTQ_DESC_F_INDIRECT, F_INDIRECT);
	ck_assert_int_eq(VIRTQ_AVAIL_F_NO_INTERRUPT, NO_INTERRUPT);
	ck_assert_int_eq(VIRTQ_USED_F_NO_NOTIFY, 1);
	ck_assert_int_eq(VIRTQ_MAX_SIZE, MAX_SIZE);
	ck_assert_int_eq(VIRTQ_MAX_SEGS, MAX_SEGS);
	ck_assert_uint_eq(ARRAY_SIZE(c.segs), MAX_SEGS);
}
END_TEST

/* --- virtq_start --- */

START_TEST(test_virtq_start_clears_state)
{
	q.last_avail = 5;
	q.used_idx = 7;
	q.signalled_used = 3;
	q.signalled_valid = true;
	q.broken = true;
	/* A driver that left garbage in used->idx: not read back. */
	put16(USED_GPA + 2, 0x1234);
	ck_assert_int_eq(virtq_start(&q, &ram), 0);
	ck_assert_uint_eq(q.last_avail, 0);
	ck_assert_uint_eq(q.used_idx, 0);
	ck_assert_uint_eq(q.signalled_used, 0);
	ck_assert(!q.signalled_valid);
	ck_assert(!q.broken);

	set_desc(DESC_GPA, 2, BUF_GPA, 4, F_WRITE, 0);
	offer(2);
	pop_ok(2);
	ck_assert_int_eq(virtq_push(&q, &ram, 2, 4), 0);
	ck_assert_uint_eq(used_idx(), 1);
	ck_assert_uint_eq(used_id(0), 2);
	ck_assert_uint_eq(used_len(0), 4);
}
END_TEST

static const struct {
	uint16_t num;
	int rc;
} sizes[] = {
	{ 0, -EINVAL },	    { 1, 0 },		{ 2, 0 },
	{ 3, 0 },	    { 128, 0 },		{ 255, 0 },
	{ 256, 0 },	    { 257, -EINVAL },	{ 512, -EINVAL },
	{ 32768, -EINVAL }, { 65535, -EINVAL },
};

/* Queue sizes 1..256 (what lkvm offers as QueueNumMax); others break. */
START_TEST(test_virtq_start_sizes)
{
	q.num = sizes[_i].num;
	ck_assert_int_eq(virtq_start(&q, &ram), sizes[_i].rc);
	ck_assert_int_eq(q.broken, sizes[_i].rc != 0);
}
END_TEST

/* Section 2.7's table: which part, where, and whether that is allowed. */
static const struct {
	int part; /* 0 descriptor table, 1 available ring, 2 used ring */
	uint64_t gpa;
	int rc;
} areas[] = {
	/* Alignment 16, 2 and 4. */
	{ 0, DESC_GPA + 8, -EINVAL },
	{ 0, DESC_GPA + 16, 0 },
	{ 1, AVAIL_GPA + 1, -EINVAL },
	{ 1, AVAIL_GPA + 2, 0 },
	{ 2, USED_GPA + 2, -EINVAL },
	{ 2, USED_GPA + 4, 0 },
	/* Sizes 16 * 8, 6 + 2 * 8 and 6 + 8 * 8: ending at RAM's end... */
	{ 0, RAM_END - 128, 0 },
	{ 1, RAM_END - 22, 0 },
	{ 2, RAM_END - 72, 0 }, /* 70 bytes, 4-aligned start */
	/* ...or just past it. */
	{ 0, RAM_END - 112, -EINVAL },
	{ 1, RAM_END - 20, -EINVAL },
	{ 2, RAM_END - 68, -EINVAL },
	/* Starting below RAM, or wholly outside it. */
	{ 0, RAM_BASE - 16, -EINVAL },
	{ 1, RAM_BASE - 2, -EINVAL },
	{ 2, RAM_BASE - 4, -EINVAL },
	{ 0, 0, -EINVAL },
	{ 2, RAM_END, -EINVAL },
	/* gpa + size wrapping 2^64. */
	{ 0, 0xfffffffffffffff0ull, -EINVAL },
	{ 1, 0xfffffffffffffffeull, -EINVAL },
	{ 2, 0xfffffffffffffffcull, -EINVAL },
};

START_TEST(test_virtq_start_areas)
{
	uint64_t *gpa[] = { &q.desc_gpa, &q.avail_gpa, &q.used_gpa };

	*gpa[areas[_i].part] = areas[_i].gpa;
	ck_assert_int_eq(virtq_start(&q, &ram), areas[_i].rc);
	ck_assert_int_eq(q.broken, areas[_i].rc != 0);
}
END_TEST

/*
 * The largest queue, its parts packed at the end of RAM: 4096 bytes at
 * END - 6688, 2054 at END - 2580, 518 at END - 518, all checked whole.
 */
START_TEST(test_virtq_start_largest_at_end)
{
	q.num = 256;
	q.desc_gpa = RAM_END - 6688;
	q.used_gpa = RAM_END - 2580;
	q.avail_gpa = RAM_END - 518;
	ck_assert_int_eq(virtq_start(&q, &ram), 0);
	q.avail_gpa = RAM_END - 516;
	ck_assert_int_eq(virtq_start(&q, &ram), -EINVAL);
	q.avail_gpa = RAM_END - 518;
	q.used_gpa = RAM_END - 2052;
	ck_assert_int_eq(virtq_start(&q, &ram), -EINVAL);
	q.used_gpa = RAM_END - 2580;
	q.desc_gpa = RAM_END - 4080;
	ck_assert_int_eq(virtq_start(&q, &ram), -EINVAL);
}
END_TEST

START_TEST(test_virtq_start_failure_breaks)
{
	set_desc(DESC_GPA, 0, BUF_GPA, 4, 0, 0);
	offer(0);
	q.desc_gpa = DESC_GPA + 1;
	ck_assert_int_eq(virtq_start(&q, &ram), -EINVAL);
	ck_assert(q.broken);
	ck_assert_int_eq(virtq_pop(&q, &ram, &c), -EIO);
	ck_assert_uint_eq(q.last_avail, 0);
	/* A good start after a reset makes the queue usable again. */
	q.desc_gpa = DESC_GPA;
	ck_assert_int_eq(virtq_start(&q, &ram), 0);
	pop_ok(0);
}
END_TEST

/* A queue never started (all zeroes) is refused, not crashed on. */
START_TEST(test_virtq_never_started)
{
	struct virtq z;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(virtq_pop(&z, &ram, &c), -EIO);
	ck_assert(z.broken);
	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(virtq_push(&z, &ram, 0, 0), -EIO);
	memset(&z, 0, sizeof(z));
	ck_assert(!virtq_should_interrupt(&z, &ram));
	memset(&z, 0, sizeof(z));
	ck_assert(!virtq_arm_notify(&z, &ram));
}
END_TEST

/* --- well-formed chains --- */

START_TEST(test_virtq_pop_empty)
{
	ck_assert_int_eq(virtq_pop(&q, &ram, &c), 0);
	ck_assert(!q.broken);
	ck_assert_uint_eq(q.last_avail, 0);
}
END_TEST

/* Two readable buffers then two writable ones, scattered in the table. */
START_TEST(test_virtq_pop_direct_chain)
{
	set_desc(DESC_GPA, 0, BUF_GPA, 16, F_NEXT, 3);
	set_desc(DESC_GPA, 3, BUF_GPA + 0x100, 100, F_NEXT, 5);
	set_desc(DESC_GPA, 5, BUF_GPA + 0x1000, 512, F_WRITE | F_NEXT, 2);
	set_desc(DESC_GPA, 2, BUF_GPA + 0x2000, 1, F_WRITE, 0);
	offer(0);

	pop_ok(0);
	ck_assert_uint_eq(c.nr_segs, 4);
	ck_assert_uint_eq(c.nr_out, 2);
	ck_assert_uint_eq(c.nr_in, 2);
	ck_assert_uint_eq(c.out_len, 116);
	ck_assert_uint_eq(c.in_len, 513);
	check_seg(0, BUF_GPA, 16, false);
	check_seg(1, BUF_GPA + 0x100, 100, false);
	check_seg(2, BUF_GPA + 0x1000, 512, true);
	check_seg(3, BUF_GPA + 0x2000, 1, true);
	ck_assert_uint_eq(q.last_avail, 1);
	ck_assert_int_eq(virtq_pop(&q, &ram, &c), 0);
	ck_assert_uint_eq(q.last_avail, 1);
}
END_TEST

START_TEST(test_virtq_pop_one_readable)
{
	set_desc(DESC_GPA, 7, BUF_GPA + 0x40, 300, 0, 0);
	offer(7);
	pop_ok(7);
	ck_assert_uint_eq(c.nr_segs, 1);
	ck_assert_uint_eq(c.nr_out, 1);
	ck_assert_uint_eq(c.nr_in, 0);
	ck_assert_uint_eq(c.out_len, 300);
	ck_assert_uint_eq(c.in_len, 0);
	check_seg(0, BUF_GPA + 0x40, 300, false);
}
END_TEST

START_TEST(test_virtq_pop_one_writable)
{
	set_desc(DESC_GPA, 1, BUF_GPA, 4096, F_WRITE, 0);
	offer(1);
	pop_ok(1);
	ck_assert_uint_eq(c.nr_segs, 1);
	ck_assert_uint_eq(c.nr_out, 0);
	ck_assert_uint_eq(c.nr_in, 1);
	ck_assert_uint_eq(c.out_len, 0);
	ck_assert_uint_eq(c.in_len, 4096);
	check_seg(0, BUF_GPA, 4096, true);
}
END_TEST

/* A garbage next is ignored when NEXT is clear (2.7.5: "if flags & NEXT"). */
START_TEST(test_virtq_pop_next_ignored_without_flag)
{
	set_desc(DESC_GPA, 0, BUF_GPA, 8, 0, 0xffff);
	offer(0);
	pop_ok(0);
	ck_assert_uint_eq(c.nr_segs, 1);
}
END_TEST

START_TEST(test_virtq_pop_several_chains)
{
	set_desc(DESC_GPA, 4, BUF_GPA, 10, F_NEXT, 0);
	set_desc(DESC_GPA, 0, BUF_GPA + 0x10, 20, F_WRITE, 0);
	set_desc(DESC_GPA, 1, BUF_GPA + 0x20, 30, 0, 0);
	set_desc(DESC_GPA, 6, BUF_GPA + 0x30, 40, F_WRITE | F_NEXT, 7);
	set_desc(DESC_GPA, 7, BUF_GPA + 0x40, 50, F_WRITE, 0);
	offer(4);
	offer(1);
	offer(6);

	pop_ok(4);
	ck_assert_uint_eq(c.nr_out, 1);
	ck_assert_uint_eq(c.nr_in, 1);
	check_seg(1, BUF_GPA + 0x10, 20, true);
	pop_ok(1);
	ck_assert_uint_eq(c.nr_segs, 1);
	check_seg(0, BUF_GPA + 0x20, 30, false);
	pop_ok(6);
	ck_assert_uint_eq(c.in_len, 90);
	ck_assert_int_eq(virtq_pop(&q, &ram, &c), 0);
	ck_assert_uint_eq(q.last_avail, 3);
}
END_TEST

/*
 * virtq_unpop gives popped chains back: the next pops take them again, in
 * the same order. virtq_push_n writes every used entry before it moves
 * used->idx once (the driver never sees part of a group, 5.1.6.4.2).
 */
START_TEST(test_virtq_unpop_push_n)
{
	static const uint16_t heads[] = { 2, 5 };
	static const uint32_t lens[] = { 1500, 77 };

	set_desc(DESC_GPA, 2, BUF_GPA, 1500, F_WRITE, 0);
	set_desc(DESC_GPA, 5, BUF_GPA + 0x1000, 1500, F_WRITE, 0);
	offer(2);
	offer(5);
	pop_ok(2);
	pop_ok(5);
	ck_assert_int_eq(virtq_pop(&q, &ram, &c), 0);
	virtq_unpop(&q, 2);
	ck_assert_uint_eq(q.last_avail, 0);
	ck_assert_uint_eq(used_idx(), 0);
	pop_ok(2);
	pop_ok(5);
	ck_assert_int_eq(virtq_push_n(&q, &ram, heads, lens, 2), 0);
	ck_assert_uint_eq(used_idx(), 2);
	ck_assert_uint_eq(used_id(0), 2);
	ck_assert_uint_eq(used_len(0), 1500);
	ck_assert_uint_eq(used_id(1), 5);
	ck_assert_uint_eq(used_len(1), 77);
	/* No group at all writes nothing but the same idx. */
	ck_assert_int_eq(virtq_push_n(&q, &ram, heads, lens, 0), 0);
	ck_assert_uint_eq(used_idx(), 2);
}
END_TEST

/* A chain using every descriptor of the table is the longest allowed. */
START_TEST(test_virtq_pop_chain_of_queue_size)
{
	for (unsigned int i = 0; i < NUM; i++)
		set_desc(DESC_GPA, i, BUF_GPA + 0x100 * i, 1 + i,
			 i < NUM - 1 ? F_NEXT : 0, i + 1);
	offer(0);
	pop_ok(0);
	ck_assert_uint_eq(c.nr_segs, NUM);
	ck_assert_uint_eq(c.out_len, 36); /* 1 + 2 + ... + 8 */
	check_seg(7, BUF_GPA + 0x700, 8, false);
}
END_TEST

/* avail->idx exactly the queue size ahead: a full ring, not a broken one. */
START_TEST(test_virtq_pop_full_ring)
{
	for (unsigned int i = 0; i < NUM; i++) {
		set_desc(DESC_GPA, i, BUF_GPA + i, 1, 0, 0);
		offer(NUM - 1 - i);
	}
	for (unsigned int i = 0; i < NUM; i++)
		pop_ok(NUM - 1 - i);
	ck_assert_int_eq(virtq_pop(&q, &ram, &c), 0);
}
END_TEST

/* Free-running 16-bit indexes wrap at 65536 (2.7.13.3); slot = idx % 8. */
START_TEST(test_virtq_index_wraparound)
{
	static const uint16_t heads[] = { 1, 2, 3, 4, 5 };
	/* 65533 % 8 == 5: the entries sit in slots 5, 6, 7, 0 and 1. */
	static const unsigned int avail_slots[] = { 5, 6, 7, 0, 1 };
	/* 65534 % 8 == 6: the used entries go to slots 6, 7, 0, 1 and 2. */
	static const unsigned int used_slots[] = { 6, 7, 0, 1, 2 };

	q.last_avail = 65533;
	q.used_idx = 65534;
	put16(USED_GPA + 2, 65534);
	for (unsigned int i = 0; i < 5; i++) {
		set_desc(DESC_GPA, heads[i], BUF_GPA + 0x10 * i, 8, F_WRITE, 0);
		set_avail_slot(avail_slots[i], heads[i]);
	}
	set_avail_idx(2); /* 65533 + 5 */

	for (unsigned int i = 0; i < 5; i++) {
		pop_ok(heads[i]);
		check_seg(0, BUF_GPA + 0x10 * i, 8, true);
		ck_assert_int_eq(virtq_push(&q, &ram, heads[i], 100 + i), 0);
	}
	ck_assert_uint_eq(q.last_avail, 2);
	ck_assert_int_eq(virtq_pop(&q, &ram, &c), 0);
	ck_assert_uint_eq(used_idx(), 3); /* 65534 + 5 */
	for (unsigned int i = 0; i < 5; i++) {
		ck_assert_uint_eq(used_id(used_slots[i]), heads[i]);
		ck_assert_uint_eq(used_len(used_slots[i]), 100 + i);
	}
}
END_TEST

/* Empty buffers are left out of segs but keep their place in the order. */
START_TEST(test_virtq_pop_zero_length_skipped)
{
	set_desc(DESC_GPA, 0, BUF_GPA, 0, F_NEXT, 1);
	set_desc(DESC_GPA, 1, BUF_GPA + 0x10, 8, F_NEXT, 2);
	set_desc(DESC_GPA, 2, 0 /* not even in RAM */, 0, F_WRITE | F_NEXT, 3);
	set_desc(DESC_GPA, 3, BUF_GPA + 0x20, 4, F_WRITE, 0);
	offer(0);
	pop_ok(0);
	ck_assert_uint_eq(c.nr_segs, 2);
	ck_assert_uint_eq(c.nr_out, 1);
	ck_assert_uint_eq(c.nr_in, 1);
	check_seg(0, BUF_GPA + 0x10, 8, false);
	check_seg(1, BUF_GPA + 0x20, 4, true);
}
END_TEST

/* A chain of empty buffers only: taken, with nothing in it. */
START_TEST(test_virtq_pop_all_empty)
{
	set_desc(DESC_GPA, 0, 0, 0, F_NEXT, 1);
	set_desc(DESC_GPA, 1, 0, 0, 0, 0);
	offer(0);
	pop_ok(0);
	ck_assert_uint_eq(c.nr_segs, 0);
	ck_assert_uint_eq(c.out_len + c.in_len, 0);
}
END_TEST

START_TEST(test_virtq_buffer_at_end_of_ram)
{
	set_desc(DESC_GPA, 0, RAM_END - 16, 16, F_NEXT, 1);
	set_desc(DESC_GPA, 1, RAM_END - 1, 1, F_WRITE | F_NEXT, 2);
	set_desc(DESC_GPA, 2, RAM_BASE, RAM_SIZE, F_WRITE, 0);
	offer(0);
	pop_ok(0);
	check_seg(0, RAM_END - 16, 16, false);
	check_seg(1, RAM_END - 1, 1, true);
	check_seg(2, RAM_BASE, RAM_SIZE, true);
}
END_TEST

/* --- indirect descriptors (2.7.5.3) --- */

START_TEST(test_virtq_indirect_chain)
{
	set_desc(DESC_GPA, 2, TABLE_GPA, 48, F_INDIRECT, 0);
	set_desc(TABLE_GPA, 0, BUF_GPA, 10, F_NEXT, 1);
	set_desc(TABLE_GPA, 1, BUF_GPA + 0x100, 20, F_WRITE | F_NEXT, 2);
	set_desc(TABLE_GPA, 2, BUF_GPA + 0x200, 30, F_WRITE, 0);
	offer(2);
	pop_ok(2);
	ck_assert_uint_eq(c.nr_segs, 3);
	ck_assert_uint_eq(c.nr_out, 1);
	ck_assert_uint_eq(c.nr_in, 2);
	ck_assert_uint_eq(c.out_len, 10);
	ck_assert_uint_eq(c.in_len, 50);
	check_seg(0, BUF_GPA, 10, false);
	check_seg(1, BUF_GPA + 0x100, 20, true);
	check_seg(2, BUF_GPA + 0x200, 30, true);
}
END_TEST

/* The table is walked from index 0 along next, not in table order. */
START_TEST(test_virtq_indirect_order)
{
	set_desc(DESC_GPA, 0, TABLE_GPA, 64, F_INDIRECT, 0);
	set_desc(TABLE_GPA, 0, BUF_GPA, 1, F_NEXT, 3);
	set_desc(TABLE_GPA, 3, BUF_GPA + 3, 1, F_NEXT, 1);
	set_desc(TABLE_GPA, 1, BUF_GPA + 1, 1, 0, 2);
	set_desc(TABLE_GPA, 2, BUF_GPA + 2, 1, 0, 0); /* not reached */
	offer(0);
	pop_ok(0);
	ck_assert_uint_eq(c.nr_segs, 3);
	check_seg(0, BUF_GPA, 1, false);
	check_seg(1, BUF_GPA + 3, 1, false);
	check_seg(2, BUF_GPA + 1, 1, false);
}
END_TEST

/* Normal descriptors then one indirect one: valid (2.7.5.3.2). */
START_TEST(test_virtq_indirect_after_direct)
{
	set_desc(DESC_GPA, 0, BUF_GPA, 8, F_NEXT, 5);
	set_desc(DESC_GPA, 5, TABLE_GPA, 32, F_INDIRECT, 0);
	set_desc(TABLE_GPA, 0, BUF_GPA + 0x10, 8, F_NEXT, 1);
	set_desc(TABLE_GPA, 1, BUF_GPA + 0x20, 8, F_WRITE, 0);
	offer(0);
	pop_ok(0);
	ck_assert_uint_eq(c.nr_segs, 3);
	check_seg(0, BUF_GPA, 8, false);
	check_seg(1, BUF_GPA + 0x10, 8, false);
	check_seg(2, BUF_GPA + 0x20, 8, true);
}
END_TEST

/* The device MUST ignore WRITE on the indirect descriptor (2.7.5.3.2). */
START_TEST(test_virtq_indirect_write_flag_ignored)
{
	set_desc(DESC_GPA, 0, BUF_GPA, 8, F_NEXT, 1);
	set_desc(DESC_GPA, 1, TABLE_GPA, 16, F_INDIRECT | F_WRITE, 0);
	set_desc(TABLE_GPA, 0, BUF_GPA + 0x10, 8, 0, 0);
	offer(0);
	pop_ok(0);
	ck_assert_uint_eq(c.nr_out, 2);
	ck_assert_uint_eq(c.nr_in, 0);
}
END_TEST

/* The biggest table: 256 descriptors, 256 buffers. */
START_TEST(test_virtq_indirect_largest_table)
{
	set_desc(DESC_GPA, 0, TABLE_GPA, 16 * 256, F_INDIRECT, 0);
	for (unsigned int i = 0; i < 256; i++)
		set_desc(TABLE_GPA, i, BUF_GPA + i, 1,
			 (i < 128 ? 0 : F_WRITE) | (i < 255 ? F_NEXT : 0),
			 i + 1);
	offer(0);
	pop_ok(0);
	ck_assert_uint_eq(c.nr_segs, 256);
	ck_assert_uint_eq(c.nr_out, 128);
	ck_assert_uint_eq(c.nr_in, 128);
	check_seg(255, BUF_GPA + 255, 1, true);
}
END_TEST

/* 1 direct buffer + 255 indirect ones: 256 in all, the most allowed. */
START_TEST(test_virtq_most_segs)
{
	set_desc(DESC_GPA, 0, BUF_GPA, 1, F_NEXT, 1);
	set_desc(DESC_GPA, 1, TABLE_GPA, 16 * 255, F_INDIRECT, 0);
	for (unsigned int i = 0; i < 255; i++)
		set_desc(TABLE_GPA, i, BUF_GPA + 1 + i, 1, i < 254 ? F_NEXT : 0,
			 i + 1);
	offer(0);
	pop_ok(0);
	ck_assert_uint_eq(c.nr_segs, 256);
	ck_assert_uint_eq(c.out_len, 256);
}
END_TEST

/* --- broken rings: each rule on its own --- */

/* More entries than the ring holds (2.7.6). */
START_TEST(test_virtq_broken_avail_idx_too_far)
{
	for (unsigned int i = 0; i < NUM; i++)
		set_desc(DESC_GPA, i, BUF_GPA, 1, 0, 0);
	set_avail_idx(NUM + 1);
	check_broken();
}
END_TEST

/* avail->idx never goes back (2.7.6.1): back by one is 65535 ahead. */
START_TEST(test_virtq_broken_avail_idx_went_back)
{
	set_desc(DESC_GPA, 0, BUF_GPA, 1, 0, 0);
	offer(0);
	pop_ok(0);
	set_avail_idx(0);
	check_broken();
}
END_TEST

/* Breakage after good entries leaves last_avail where it was. */
START_TEST(test_virtq_broken_after_good_chains)
{
	set_desc(DESC_GPA, 0, BUF_GPA, 1, 0, 0);
	set_desc(DESC_GPA, 1, BUF_GPA, 1, F_NEXT, 9);
	offer(0);
	offer(0);
	offer(1);
	pop_ok(0);
	pop_ok(0);
	ck_assert_uint_eq(q.last_avail, 2);
	check_broken();
	ck_assert_uint_eq(q.last_avail, 2);
}
END_TEST

static const uint16_t bad_heads[] = { NUM, NUM + 1, 255, 256, 0xffff };

START_TEST(test_virtq_broken_head)
{
	offer(bad_heads[_i]);
	check_broken();
}
END_TEST

START_TEST(test_virtq_broken_next)
{
	set_desc(DESC_GPA, 0, BUF_GPA, 8, F_NEXT, 1);
	set_desc(DESC_GPA, 1, BUF_GPA, 8, F_NEXT, NUM);
	offer(0);
	check_broken();
}
END_TEST

/* A loop: 0 -> 1 -> 2 -> 1 -> ... (2.7.5.2). */
START_TEST(test_virtq_broken_loop)
{
	set_desc(DESC_GPA, 0, BUF_GPA, 8, F_NEXT, 1);
	set_desc(DESC_GPA, 1, BUF_GPA, 8, F_NEXT, 2);
	set_desc(DESC_GPA, 2, BUF_GPA, 8, F_NEXT, 1);
	offer(0);
	check_broken();
}
END_TEST

START_TEST(test_virtq_broken_self_loop)
{
	set_desc(DESC_GPA, 3, BUF_GPA, 8, F_NEXT, 3);
	offer(3);
	check_broken();
}
END_TEST

/* Empty buffers still count: a loop of them is caught too. */
START_TEST(test_virtq_broken_loop_of_empty_buffers)
{
	set_desc(DESC_GPA, 0, 0, 0, F_NEXT, 1);
	set_desc(DESC_GPA, 1, 0, 0, F_NEXT, 0);
	offer(0);
	check_broken();
}
END_TEST

/* INDIRECT without VIRTIO_F_INDIRECT_DESC (2.7.5.3.1). */
START_TEST(test_virtq_broken_indirect_not_negotiated)
{
	start_queue(NUM, false, false);
	set_desc(DESC_GPA, 0, TABLE_GPA, 16, F_INDIRECT, 0);
	set_desc(TABLE_GPA, 0, BUF_GPA, 8, 0, 0);
	offer(0);
	check_broken();
}
END_TEST

/* INDIRECT and NEXT together (2.7.5.3.1). */
START_TEST(test_virtq_broken_indirect_with_next)
{
	set_desc(DESC_GPA, 0, TABLE_GPA, 16, F_INDIRECT | F_NEXT, 1);
	set_desc(DESC_GPA, 1, BUF_GPA, 8, F_WRITE, 0);
	set_desc(TABLE_GPA, 0, BUF_GPA, 8, 0, 0);
	offer(0);
	check_broken();
}
END_TEST

/* An indirect descriptor inside an indirect table (2.7.5.3.1). */
START_TEST(test_virtq_broken_indirect_nested)
{
	set_desc(DESC_GPA, 0, TABLE_GPA, 32, F_INDIRECT, 0);
	set_desc(TABLE_GPA, 0, BUF_GPA, 8, F_NEXT, 1);
	set_desc(TABLE_GPA, 1, TABLE2_GPA, 16, F_INDIRECT, 0);
	set_desc(TABLE2_GPA, 0, BUF_GPA, 8, 0, 0);
	offer(0);
	check_broken();
}
END_TEST

START_TEST(test_virtq_broken_indirect_len_zero)
{
	set_desc(DESC_GPA, 0, TABLE_GPA, 0, F_INDIRECT, 0);
	set_desc(TABLE_GPA, 0, BUF_GPA, 8, 0, 0);
	offer(0);
	check_broken();
}
END_TEST

START_TEST(test_virtq_broken_indirect_len_not_multiple)
{
	set_desc(DESC_GPA, 0, TABLE_GPA, 24, F_INDIRECT, 0);
	set_desc(TABLE_GPA, 0, BUF_GPA, 8, 0, 0);
	offer(0);
	check_broken();
}
END_TEST

/* 257 descriptors: more than a chain may have buffers. */
START_TEST(test_virtq_broken_indirect_too_big)
{
	set_desc(DESC_GPA, 0, TABLE_GPA, 16 * 257, F_INDIRECT, 0);
	set_desc(TABLE_GPA, 0, BUF_GPA, 8, 0, 0);
	offer(0);
	check_broken();
}
END_TEST

/* The table itself must lie in RAM. */
START_TEST(test_virtq_broken_indirect_table_outside)
{
	set_desc(DESC_GPA, 0, RAM_END - 32, 48, F_INDIRECT, 0);
	set_desc(RAM_END - 32, 0, BUF_GPA, 8, 0, 0);
	offer(0);
	check_broken();
}
END_TEST

START_TEST(test_virtq_broken_indirect_next)
{
	set_desc(DESC_GPA, 0, TABLE_GPA, 32, F_INDIRECT, 0);
	set_desc(TABLE_GPA, 0, BUF_GPA, 8, F_NEXT, 1);
	set_desc(TABLE_GPA, 1, BUF_GPA, 8, F_NEXT, 2);
	set_desc(TABLE_GPA, 2, BUF_GPA, 8, 0, 0); /* past the table's len */
	offer(0);
	check_broken();
}
END_TEST

START_TEST(test_virtq_broken_indirect_loop)
{
	set_desc(DESC_GPA, 0, TABLE_GPA, 48, F_INDIRECT, 0);
	set_desc(TABLE_GPA, 0, BUF_GPA, 8, F_NEXT, 1);
	set_desc(TABLE_GPA, 1, BUF_GPA, 8, F_NEXT, 2);
	set_desc(TABLE_GPA, 2, BUF_GPA, 8, F_NEXT, 0);
	offer(0);
	check_broken();
}
END_TEST

/* A buffer in the table outside RAM. */
START_TEST(test_virtq_broken_indirect_buffer_outside)
{
	set_desc(DESC_GPA, 0, TABLE_GPA, 32, F_INDIRECT, 0);
	set_desc(TABLE_GPA, 0, BUF_GPA, 8, F_NEXT, 1);
	set_desc(TABLE_GPA, 1, RAM_END - 4, 5, F_WRITE, 0);
	offer(0);
	check_broken();
}
END_TEST

/* 1 direct buffer + 256 indirect ones: 257. */
START_TEST(test_virtq_broken_too_many_segs)
{
	set_desc(DESC_GPA, 0, BUF_GPA, 1, F_NEXT, 1);
	set_desc(DESC_GPA, 1, TABLE_GPA, 16 * 256, F_INDIRECT, 0);
	for (unsigned int i = 0; i < 256; i++)
		set_desc(TABLE_GPA, i, BUF_GPA + i, 1, i < 255 ? F_NEXT : 0,
			 i + 1);
	offer(0);
	check_broken();
}
END_TEST

/* The same with the first buffer empty: it counts all the same. */
START_TEST(test_virtq_broken_too_many_segs_empty)
{
	set_desc(DESC_GPA, 0, BUF_GPA, 0, F_NEXT, 1);
	set_desc(DESC_GPA, 1, TABLE_GPA, 16 * 256, F_INDIRECT, 0);
	for (unsigned int i = 0; i < 256; i++)
		set_desc(TABLE_GPA, i, BUF_GPA + i, 1, i < 255 ? F_NEXT : 0,
			 i + 1);
	offer(0);
	check_broken();
}
END_TEST

static const struct {
	uint64_t addr;
	uint32_t len;
} outside[] = {
	{ RAM_END - 16, 17 }, /* one byte past the end */
	{ RAM_END, 1 },
	{ RAM_BASE - 1, 2 },
	{ 0, 8 },
	{ RAM_BASE, 0x10001 },
	{ 0xfffffffffffffff8ull, 16 }, /* gpa + len wraps 2^64, to 8 */
	{ 0xffffffffffffff00ull, 0xffffffff },
	{ 0xffffffffffffffffull, 1 },
};

/* Every buffer lies wholly in RAM, readable or writable. */
START_TEST(test_virtq_broken_buffer_outside)
{
	set_desc(DESC_GPA, 0, BUF_GPA, 8, F_NEXT, 1);
	set_desc(DESC_GPA, 1, outside[_i].addr, outside[_i].len,
		 (_i & 1) ? F_WRITE : 0, 0);
	offer(0);
	check_broken();
}
END_TEST

/* A readable buffer after a writable one (2.7.4.2). */
START_TEST(test_virtq_broken_readable_after_writable)
{
	set_desc(DESC_GPA, 0, BUF_GPA, 8, F_WRITE | F_NEXT, 1);
	set_desc(DESC_GPA, 1, BUF_GPA + 8, 8, 0, 0);
	offer(0);
	check_broken();
}
END_TEST

START_TEST(test_virtq_broken_readable_after_writable_indirect)
{
	set_desc(DESC_GPA, 0, TABLE_GPA, 48, F_INDIRECT, 0);
	set_desc(TABLE_GPA, 0, BUF_GPA, 8, F_NEXT, 1);
	set_desc(TABLE_GPA, 1, BUF_GPA + 8, 8, F_WRITE | F_NEXT, 2);
	set_desc(TABLE_GPA, 2, BUF_GPA + 16, 8, 0, 0);
	offer(0);
	check_broken();
}
END_TEST

/* Writable in the queue's table, readable in the indirect one after it. */
START_TEST(test_virtq_broken_readable_after_writable_across)
{
	set_desc(DESC_GPA, 0, BUF_GPA, 8, F_WRITE | F_NEXT, 1);
	set_desc(DESC_GPA, 1, TABLE_GPA, 16, F_INDIRECT, 0);
	set_desc(TABLE_GPA, 0, BUF_GPA + 8, 8, 0, 0);
	offer(0);
	check_broken();
}
END_TEST

/* The order rule holds for empty descriptors too. */
START_TEST(test_virtq_broken_empty_readable_after_writable)
{
	set_desc(DESC_GPA, 0, BUF_GPA, 8, F_WRITE | F_NEXT, 1);
	set_desc(DESC_GPA, 1, BUF_GPA, 0, 0, 0);
	offer(0);
	check_broken();
}
END_TEST

/* --- the used ring (2.7.8) --- */

START_TEST(test_virtq_push_used_ring)
{
	set_desc(DESC_GPA, 3, BUF_GPA, 100, F_WRITE, 0);
	set_desc(DESC_GPA, 5, BUF_GPA + 0x100, 8, 0, 0);
	offer(3);
	offer(5);
	pop_ok(3);
	pop_ok(5);
	/* Out of order is fine: the driver matches on id. */
	ck_assert_int_eq(virtq_push(&q, &ram, 5, 0), 0);
	ck_assert_uint_eq(used_idx(), 1);
	ck_assert_int_eq(virtq_push(&q, &ram, 3, 100), 0);
	ck_assert_uint_eq(used_idx(), 2);
	ck_assert_uint_eq(q.used_idx, 2);
	ck_assert_uint_eq(used_id(0), 5);
	ck_assert_uint_eq(used_len(0), 0);
	ck_assert_uint_eq(used_id(1), 3);
	ck_assert_uint_eq(used_len(1), 100);
}
END_TEST

/* Entries go round the ring: slot = used idx % 8. */
START_TEST(test_virtq_push_wraps_ring)
{
	for (unsigned int i = 0; i < 20; i++) {
		ck_assert_int_eq(virtq_push(&q, &ram, i % NUM, 1000 + i), 0);
		ck_assert_uint_eq(used_idx(), i + 1);
		ck_assert_uint_eq(used_id(i % 8), i % NUM);
		ck_assert_uint_eq(used_len(i % 8), 1000 + i);
	}
}
END_TEST

/* A push writes its entry and used->idx, and no other byte of RAM. */
START_TEST(test_virtq_push_writes_only_its_entry)
{
	uint8_t *before = malloc(RAM_SIZE);
	uint64_t entry = USED_GPA + 4 + 8 * 3;

	ck_assert_ptr_nonnull(before);
	for (unsigned int i = 0; i < RAM_SIZE; i++)
		mem[i] = (uint8_t)(i * 7 + 1);
	q.used_idx = 3;
	put16(USED_GPA + 2, 3);
	memcpy(before, mem, RAM_SIZE);
	ck_assert_int_eq(virtq_push(&q, &ram, 6, 0xa5a5a5a5), 0);
	ck_assert_uint_eq(used_idx(), 4);
	ck_assert_uint_eq(used_id(3), 6);
	ck_assert_uint_eq(used_len(3), 0xa5a5a5a5);
	for (uint64_t off = 0; off < RAM_SIZE; off++) {
		uint64_t gpa = RAM_BASE + off;

		if (gpa == USED_GPA + 2 || gpa == USED_GPA + 3 ||
		    (gpa >= entry && gpa < entry + 8))
			continue;
		if (mem[off] != before[off])
			ck_abort_msg("byte %#llx changed",
				     (unsigned long long)gpa);
	}
	free(before);
}
END_TEST

/* A head past the queue is the device model's bug: assert(). */
START_TEST(test_virtq_push_bad_head_asserts)
{
	virtq_push(&q, &ram, NUM, 0);
}
END_TEST

/* --- used buffer notifications (2.7.7) --- */

START_TEST(test_virtq_no_interrupt_flag)
{
	ck_assert_int_eq(virtq_push(&q, &ram, 0, 0), 0);
	ck_assert(virtq_should_interrupt(&q, &ram));
	set_avail_flags(NO_INTERRUPT);
	ck_assert_int_eq(virtq_push(&q, &ram, 0, 0), 0);
	ck_assert(!virtq_should_interrupt(&q, &ram));
	/* used_event means nothing without event_idx. */
	set_used_event(1);
	ck_assert_int_eq(virtq_push(&q, &ram, 0, 0), 0);
	ck_assert(!virtq_should_interrupt(&q, &ram));
	set_avail_flags(0);
	set_used_event(100);
	ck_assert_int_eq(virtq_push(&q, &ram, 0, 0), 0);
	ck_assert(virtq_should_interrupt(&q, &ram));
}
END_TEST

/* With event_idx the flag is ignored (2.7.7.2). */
START_TEST(test_virtq_event_idx_ignores_flag)
{
	start_queue(NUM, true, true);
	set_avail_flags(NO_INTERRUPT);
	set_used_event(1);
	ck_assert_int_eq(virtq_push(&q, &ram, 0, 0), 0);
	ck_assert(virtq_should_interrupt(&q, &ram)); /* the first check */
	ck_assert_int_eq(virtq_push(&q, &ram, 0, 0), 0); /* entry 1 */
	ck_assert(virtq_should_interrupt(&q, &ram));
}
END_TEST

/* Before any interrupt there is nothing to compare with: interrupt. */
START_TEST(test_virtq_event_idx_first_check)
{
	start_queue(NUM, true, true);
	set_used_event(500);
	ck_assert_int_eq(virtq_push(&q, &ram, 0, 0), 0);
	ck_assert(virtq_should_interrupt(&q, &ram));
	ck_assert(q.signalled_valid);
	ck_assert_uint_eq(q.signalled_used, 1);
}
END_TEST

/*
 * used_event = 3: the device notifies when it writes the entry of index
 * 3, i.e. when used->idx goes from 3 to 4, and not for 1, 2 or 4.
 */
START_TEST(test_virtq_event_idx_exact)
{
	static const bool expect[] = { true, false, false, true, false, false };

	start_queue(NUM, true, true);
	set_used_event(3);
	for (unsigned int i = 0; i < ARRAY_SIZE(expect); i++) {
		ck_assert_int_eq(virtq_push(&q, &ram, 0, 0), 0); /* entry i */
		ck_assert_int_eq(virtq_should_interrupt(&q, &ram), expect[i]);
	}
}
END_TEST

/* Several pushes, one check: interrupt iff entry used_event was among them. */
START_TEST(test_virtq_event_idx_batch)
{
	start_queue(NUM, true, true);
	ck_assert_int_eq(virtq_push(&q, &ram, 0, 0), 0);
	ck_assert(virtq_should_interrupt(&q, &ram));
	set_used_event(4);
	for (unsigned int i = 0; i < 3; i++) /* entries 1..3 */
		ck_assert_int_eq(virtq_push(&q, &ram, 0, 0), 0);
	ck_assert(!virtq_should_interrupt(&q, &ram));
	for (unsigned int i = 0; i < 4; i++) /* entries 4..7 */
		ck_assert_int_eq(virtq_push(&q, &ram, 0, 0), 0);
	ck_assert(virtq_should_interrupt(&q, &ram));
	/* No push since: nothing to signal, whatever used_event says. */
	set_used_event(7);
	ck_assert(!virtq_should_interrupt(&q, &ram));
}
END_TEST

/*
 * A used_event behind the entries already checked: the driver sets it
 * to what it has seen, then re-reads used->idx and finds the newer
 * entries itself. The next entry (index 6) is not 2, so SHOULD NOT.
 */
START_TEST(test_virtq_event_idx_stale_event)
{
	start_queue(NUM, true, true);
	set_used_event(1000);
	for (unsigned int i = 0; i < 6; i++) { /* entries 0..5 */
		ck_assert_int_eq(virtq_push(&q, &ram, 0, 0), 0);
		ck_assert_int_eq(virtq_should_interrupt(&q, &ram), i == 0);
	}
	set_used_event(2);
	ck_assert_int_eq(virtq_push(&q, &ram, 0, 0), 0);
	ck_assert(!virtq_should_interrupt(&q, &ram));
}
END_TEST

/* Around the 16-bit wrap: entry 65535 is written by the 2nd of 4 pushes. */
START_TEST(test_virtq_event_idx_wrap)
{
	start_queue(NUM, true, true);
	q.used_idx = 65534;
	q.signalled_used = 65534;
	q.signalled_valid = true;
	set_used_event(65535);
	for (unsigned int i = 0; i < 4; i++) /* entries 65534, 65535, 0, 1 */
		ck_assert_int_eq(virtq_push(&q, &ram, 0, 0), 0);
	ck_assert_uint_eq(used_idx(), 2);
	ck_assert(virtq_should_interrupt(&q, &ram));
}
END_TEST

/*
 * A check after every push, over three wraps of the 16-bit index, with
 * used_event fixed: an interrupt exactly each time entry 0x1234 is
 * written, once per 65536 (the note in 2.7.7.2), never lost to the wrap.
 */
START_TEST(test_virtq_event_idx_every_65536)
{
	unsigned int interrupts = 0;

	start_queue(NUM, true, true);
	set_used_event(0x1234);
	ck_assert_int_eq(virtq_push(&q, &ram, 0, 0), 0);
	ck_assert(virtq_should_interrupt(&q, &ram)); /* the first check */
	for (uint32_t entry = 1; entry < 3 * 65536 + 1; entry++) {
		bool irq;

		ck_assert_int_eq(virtq_push(&q, &ram, 0, 0), 0);
		irq = virtq_should_interrupt(&q, &ram);
		if (irq != ((entry & 0xffff) == 0x1234))
			ck_abort_msg("entry %u: interrupt %d", entry, irq);
		interrupts += irq;
	}
	ck_assert_uint_eq(interrupts, 3);
}
END_TEST

/* --- available buffer notifications (2.7.10) --- */

START_TEST(test_virtq_arm_notify_event_idx)
{
	start_queue(NUM, true, true);
	set_avail_event(0xdead);
	set_desc(DESC_GPA, 0, BUF_GPA, 8, 0, 0);
	offer(0);
	offer(0);
	pop_ok(0);
	pop_ok(0);
	ck_assert(!virtq_arm_notify(&q, &ram));
	ck_assert_uint_eq(avail_event(), 2);
	/* A chain made available meanwhile: pop rather than wait. */
	offer(0);
	ck_assert(virtq_arm_notify(&q, &ram));
	ck_assert_uint_eq(avail_event(), 2);
	pop_ok(0);
	ck_assert(!virtq_arm_notify(&q, &ram));
	ck_assert_uint_eq(avail_event(), 3);
	/* The used ring's flags are left alone. */
	ck_assert_uint_eq(get16(USED_GPA), 0);
}
END_TEST

START_TEST(test_virtq_arm_notify_wrap)
{
	start_queue(NUM, true, true);
	q.last_avail = 65535;
	set_avail_idx(65535);
	ck_assert(!virtq_arm_notify(&q, &ram));
	ck_assert_uint_eq(avail_event(), 65535);
	set_desc(DESC_GPA, 1, BUF_GPA, 8, 0, 0);
	offer(1);
	ck_assert(virtq_arm_notify(&q, &ram));
	pop_ok(1);
	ck_assert(!virtq_arm_notify(&q, &ram));
	ck_assert_uint_eq(avail_event(), 0);
}
END_TEST

/* Without event_idx avail_event is not written (the driver ignores it). */
START_TEST(test_virtq_arm_notify_no_event_idx)
{
	set_avail_event(0xdead);
	ck_assert(!virtq_arm_notify(&q, &ram));
	set_desc(DESC_GPA, 0, BUF_GPA, 8, 0, 0);
	offer(0);
	ck_assert(virtq_arm_notify(&q, &ram));
	pop_ok(0);
	ck_assert(!virtq_arm_notify(&q, &ram));
	ck_assert_uint_eq(avail_event(), 0xdead);
}
END_TEST

/* --- a hostile driver writing random bytes --- */

static uint64_t rng;

/* xorshift64 (Marsaglia): small, fixed seed, the same run every time. */
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void fill_random(uint64_t gpa, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++)
		at(gpa)[i] = (uint8_t)rnd();
}

/* An address that is mostly in RAM, sometimes just outside, rarely wild. */
static uint64_t random_addr(void)
{
	switch (rnd() % 8) {
	case 0:
		return rnd();
	case 1:
		return RAM_END - rnd() % 64;
	default:
		return RAM_BASE + rnd() % RAM_SIZE;
	}
}

/* A descriptor a buggy driver might write: plausible, often wrong. */
static void random_desc(uint64_t table, unsigned int i, unsigned int num)
{
	uint16_t flags = rnd() % 8 ? rnd() & (F_NEXT | F_WRITE) : rnd();
	uint32_t len = rnd() % 8 ? rnd() % 256 : (uint32_t)rnd();
	uint64_t addr = random_addr();

	if (rnd() % 16 == 0) {
		flags |= F_INDIRECT;
		addr = TABLE_GPA + 16 * (rnd() % 64);
		len = rnd() % 4 ? 16 * (1 + rnd() % 300) : (uint32_t)rnd();
	}
	set_desc(table, i, addr, len, flags, rnd() % (num + 2));
}

/* A segment wholly inside the fake RAM, its gpa matching its address. */
static bool seg_in_ram(const struct virtq_seg *s)
{
	uintptr_t off = (uintptr_t)s->addr - (uintptr_t)mem;

	return (uintptr_t)s->addr >= (uintptr_t)mem && off < RAM_SIZE &&
	       s->len > 0 && s->len <= RAM_SIZE - off &&
	       s->gpa == RAM_BASE + off;
}

/* What a successful pop promises, whatever the driver wrote. */
static void check_chain(unsigned int num)
{
	uint64_t out = 0, in = 0;

	if (c.head >= num || c.nr_segs > MAX_SEGS ||
	    c.nr_out + c.nr_in != c.nr_segs)
		ck_abort_msg("chain: head %u, %u segs, %u out, %u in", c.head,
			     c.nr_segs, c.nr_out, c.nr_in);
	for (unsigned int i = 0; i < c.nr_segs; i++) {
		const struct virtq_seg *s = &c.segs[i];

		if (!seg_in_ram(s))
			ck_abort_msg("seg %u: gpa %#llx, len %u outside RAM", i,
				     (unsigned long long)s->gpa, s->len);
		/* Readable ones first (2.7.4.2). */
		if (s->write != (i >= c.nr_out))
			ck_abort_msg("seg %u out of order", i);
		if (s->write)
			in += s->len;
		else
			out += s->len;
	}
	if (c.out_len != out || c.in_len != in)
		ck_abort_msg("lengths %llu/%llu, segs say %llu/%llu",
			     (unsigned long long)c.out_len,
			     (unsigned long long)c.in_len,
			     (unsigned long long)out, (unsigned long long)in);
}

static unsigned int random_chains, random_broken;

static void random_round(uint8_t *shadow)
{
	unsigned int num = 1 + rnd() % MAX_SIZE;
	bool raw = rnd() % 4 == 0;
	uint64_t used_end;

	memset(&q, 0, sizeof(q));
	q.num = num;
	q.desc_gpa = rnd() % 32 ? DESC_GPA : random_addr();
	q.avail_gpa = AVAIL_GPA;
	q.used_gpa = USED_GPA;
	q.indirect = rnd() & 1;
	q.event_idx = rnd() & 1;

	if (raw) {
		fill_random(DESC_GPA, 16 * MAX_SIZE);
		fill_random(AVAIL_GPA, 6 + 2 * MAX_SIZE);
		fill_random(TABLE_GPA, BUF_GPA - TABLE_GPA);
	} else {
		for (unsigned int i = 0; i < MAX_SIZE; i++)
			random_desc(DESC_GPA, i, num);
		for (unsigned int i = 0; i < 1024; i++)
			random_desc(TABLE_GPA, i, 1 + rnd() % 32);
		for (unsigned int i = 0; i < num; i++)
			set_avail_slot(i, rnd() % (num + 1));
		set_used_event(rnd());
		set_avail_flags(rnd() & 1);
	}
	if (virtq_start(&q, &ram)) {
		ck_assert(q.broken);
		ck_assert_int_eq(virtq_pop(&q, &ram, &c), -EIO);
		return;
	}
	/* Anywhere in the 16-bit space; sometimes a little too far ahead. */
	q.last_avail = rnd();
	q.used_idx = rnd();
	if (!raw)
		set_avail_idx(q.last_avail + rnd() % (num + 2));

	memcpy(shadow, mem, RAM_SIZE);
	for (unsigned int n = 0; n < num + 2; n++) {
		uint16_t before = q.last_avail;
		int rc = virtq_pop(&q, &ram, &c);

		if (rc < 0) {
			ck_assert_int_eq(rc, -EIO);
			ck_assert(q.broken);
			ck_assert_uint_eq(q.last_avail, before);
			random_broken++;
			break;
		}
		if (rc == 0)
			break;
		check_chain(num);
		random_chains++;
		ck_assert_int_eq(virtq_push(&q, &ram, c.head, (uint32_t)rnd()),
				 0);
		virtq_should_interrupt(&q, &ram);
		virtq_arm_notify(&q, &ram);
	}
	/* The device wrote nothing but the used ring. */
	used_end = USED_GPA + 6 + 8 * num;
	for (uint64_t off = 0; off < RAM_SIZE; off++) {
		if (RAM_BASE + off >= USED_GPA && RAM_BASE + off < used_end)
			continue;
		if (mem[off] != shadow[off])
			ck_abort_msg("byte %#llx changed",
				     (unsigned long long)(RAM_BASE + off));
	}
}

START_TEST(test_virtq_random)
{
	uint8_t *shadow = malloc(RAM_SIZE);

	ck_assert_ptr_nonnull(shadow);
	rng = 0x9e3779b97f4a7c15ull;
	for (unsigned int i = 0; i < 10000; i++)
		random_round(shadow);
	free(shadow);
	/* The run reached both outcomes often enough to mean something. */
	ck_assert_uint_gt(random_chains, 3000);
	ck_assert_uint_gt(random_broken, 3000);
}
END_TEST

static TCase *fixture_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, teardown);
	return tc;
}

Suite *virtq_suite(void)
{
	Suite *s = suite_create("virtq");
	TCase *tc = fixture_tcase("start");

	tcase_add_test(tc, test_virtq_header_values);
	tcase_add_test(tc, test_virtq_start_clears_state);
	tcase_add_loop_test(tc, test_virtq_start_sizes, 0, ARRAY_SIZE(sizes));
	tcase_add_loop_test(tc, test_virtq_start_areas, 0, ARRAY_SIZE(areas));
	tcase_add_test(tc, test_virtq_start_largest_at_end);
	tcase_add_test(tc, test_virtq_start_failure_breaks);
	tcase_add_test(tc, test_virtq_never_started);
	suite_add_tcase(s, tc);

	tc = fixture_tcase("chains");
	tcase_add_test(tc, test_virtq_pop_empty);
	tcase_add_test(tc, test_virtq_pop_direct_chain);
	tcase_add_test(tc, test_virtq_pop_one_readable);
	tcase_add_test(tc, test_virtq_pop_one_writable);
	tcase_add_test(tc, test_virtq_pop_next_ignored_without_flag);
	tcase_add_test(tc, test_virtq_pop_several_chains);
	tcase_add_test(tc, test_virtq_unpop_push_n);
	tcase_add_test(tc, test_virtq_pop_chain_of_queue_size);
	tcase_add_test(tc, test_virtq_pop_full_ring);
	tcase_add_test(tc, test_virtq_index_wraparound);
	tcase_add_test(tc, test_virtq_pop_zero_length_skipped);
	tcase_add_test(tc, test_virtq_pop_all_empty);
	tcase_add_test(tc, test_virtq_buffer_at_end_of_ram);
	suite_add_tcase(s, tc);

	tc = fixture_tcase("indirect");
	tcase_add_test(tc, test_virtq_indirect_chain);
	tcase_add_test(tc, test_virtq_indirect_order);
	tcase_add_test(tc, test_virtq_indirect_after_direct);
	tcase_add_test(tc, test_virtq_indirect_write_flag_ignored);
	tcase_add_test(tc, test_virtq_indirect_largest_table);
	tcase_add_test(tc, test_virtq_most_segs);
	suite_add_tcase(s, tc);

	tc = fixture_tcase("broken rings");
	tcase_add_test(tc, test_virtq_broken_avail_idx_too_far);
	tcase_add_test(tc, test_virtq_broken_avail_idx_went_back);
	tcase_add_test(tc, test_virtq_broken_after_good_chains);
	tcase_add_loop_test(tc, test_virtq_broken_head, 0,
			    ARRAY_SIZE(bad_heads));
	tcase_add_test(tc, test_virtq_broken_next);
	tcase_add_test(tc, test_virtq_broken_loop);
	tcase_add_test(tc, test_virtq_broken_self_loop);
	tcase_add_test(tc, test_virtq_broken_loop_of_empty_buffers);
	tcase_add_test(tc, test_virtq_broken_indirect_not_negotiated);
	tcase_add_test(tc, test_virtq_broken_indirect_with_next);
	tcase_add_test(tc, test_virtq_broken_indirect_nested);
	tcase_add_test(tc, test_virtq_broken_indirect_len_zero);
	tcase_add_test(tc, test_virtq_broken_indirect_len_not_multiple);
	tcase_add_test(tc, test_virtq_broken_indirect_too_big);
	tcase_add_test(tc, test_virtq_broken_indirect_table_outside);
	tcase_add_test(tc, test_virtq_broken_indirect_next);
	tcase_add_test(tc, test_virtq_broken_indirect_loop);
	tcase_add_test(tc, test_virtq_broken_indirect_buffer_outside);
	tcase_add_test(tc, test_virtq_broken_too_many_segs);
	tcase_add_test(tc, test_virtq_broken_too_many_segs_empty);
	tcase_add_loop_test(tc, test_virtq_broken_buffer_outside, 0,
			    ARRAY_SIZE(outside));
	tcase_add_test(tc, test_virtq_broken_readable_after_writable);
	tcase_add_test(tc, test_virtq_broken_readable_after_writable_indirect);
	tcase_add_test(tc, test_virtq_broken_readable_after_writable_across);
	tcase_add_test(tc, test_virtq_broken_empty_readable_after_writable);
	suite_add_tcase(s, tc);

	tc = fixture_tcase("used ring");
	tcase_add_test(tc, test_virtq_push_used_ring);
	tcase_add_test(tc, test_virtq_push_wraps_ring);
	tcase_add_test(tc, test_virtq_push_writes_only_its_entry);
	tcase_add_test_raise_signal(tc, test_virtq_push_bad_head_asserts,
				    SIGABRT);
	suite_add_tcase(s, tc);

	tc = fixture_tcase("notifications");
	tcase_add_test(tc, test_virtq_no_interrupt_flag);
	tcase_add_test(tc, test_virtq_event_idx_ignores_flag);
	tcase_add_test(tc, test_virtq_event_idx_first_check);
	tcase_add_test(tc, test_virtq_event_idx_exact);
	tcase_add_test(tc, test_virtq_event_idx_batch);
	tcase_add_test(tc, test_virtq_event_idx_stale_event);
	tcase_add_test(tc, test_virtq_event_idx_wrap);
	tcase_add_test(tc, test_virtq_event_idx_every_65536);
	tcase_add_test(tc, test_virtq_arm_notify_event_idx);
	tcase_add_test(tc, test_virtq_arm_notify_wrap);
	tcase_add_test(tc, test_virtq_arm_notify_no_event_idx);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = fixture_tcase("random");
	tcase_add_test(tc, test_virtq_random);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}
