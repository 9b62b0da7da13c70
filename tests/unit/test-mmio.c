// SPDX-License-Identifier: GPL-2.0
/*
 * The MMIO bus: regions are half-open ranges [base, base + size) of guest
 * physical address space; no two may share a byte, and an access of len
 * bytes (1..8, KVM_EXIT_MMIO) belongs to the region that holds all of it.
 * No sum may wrap around 2^64 into a false match.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "../../vmm/mmio.h"

static void handler_a(void *opaque, uint64_t offset, uint8_t *data,
		      unsigned int len, bool is_write)
{
	(void)opaque, (void)offset, (void)data, (void)len, (void)is_write;
}

static void handler_b(void *opaque, uint64_t offset, uint8_t *data,
		      unsigned int len, bool is_write)
{
	(void)opaque, (void)offset, (void)data, (void)len, (void)is_write;
}

static struct mmio_region region(uint64_t base, uint64_t size, const char *name)
{
	return (struct mmio_region){
		.base = base,
		.size = size,
		.handler = handler_a,
		.opaque = (void *)name,
		.name = name,
	};
}

static int add(struct mmio_bus *bus, uint64_t base, uint64_t size,
	       const char *name)
{
	struct mmio_region r = region(base, size, name);

	return mmio_bus_add(bus, &r);
}

/* The name of the region an access lands in, or NULL. */
static const char *find(const struct mmio_bus *bus, uint64_t addr,
			unsigned int len)
{
	const struct mmio_region *r = mmio_bus_find(bus, addr, len);

	return r ? r->name : NULL;
}

START_TEST(test_mmio_empty)
{
	struct mmio_bus bus = { 0 };

	ck_assert_ptr_null(mmio_bus_find(&bus, 0, 1));
	ck_assert_ptr_null(mmio_bus_find(&bus, 0x1000000, 4));
	ck_assert_ptr_null(mmio_bus_find(&bus, UINT64_MAX, 1));
}
END_TEST

/* The region is returned as given: handler, opaque and name. */
START_TEST(test_mmio_add_find)
{
	struct mmio_bus bus = { 0 };
	struct mmio_region uart = region(0x1000000, 8, "uart");
	struct mmio_region rtc = region(0x1010000, 0x1000, "rtc");
	const struct mmio_region *r;
	int cookie;

	uart.handler = handler_b;
	uart.opaque = &cookie;
	ck_assert_int_eq(mmio_bus_add(&bus, &uart), 0);
	ck_assert_int_eq(mmio_bus_add(&bus, &rtc), 0);

	r = mmio_bus_find(&bus, 0x1000005, 1);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->base, 0x1000000);
	ck_assert_uint_eq(r->size, 8);
	ck_assert(r->handler == handler_b);
	ck_assert_ptr_eq(r->opaque, &cookie);
	ck_assert_str_eq(r->name, "uart");
	ck_assert_str_eq(find(&bus, 0x1010800, 4), "rtc");
	ck_assert(mmio_bus_find(&bus, 0x1010800, 4)->handler == handler_a);
}
END_TEST

/* Bounds: first and last byte, every access width, straddling either end. */
START_TEST(test_mmio_bounds)
{
	struct mmio_bus bus = { 0 };

	ck_assert_int_eq(add(&bus, 0x1000000, 0x100, "dev"), 0);
	for (unsigned int len = 1; len <= 8; len *= 2) {
		ck_assert_str_eq(find(&bus, 0x1000000, len), "dev");
		ck_assert_str_eq(find(&bus, 0x1000100 - len, len), "dev");
		/* One byte past the end. */
		ck_assert_ptr_null(find(&bus, 0x1000100 - len + 1, len));
		ck_assert_ptr_null(find(&bus, 0x1000100, len));
		/* Starting one byte before the base. */
		ck_assert_ptr_null(find(&bus, 0x1000000 - 1, len));
		ck_assert_ptr_null(find(&bus, 0x1000000 - len, len));
	}
	/* Odd widths: KVM reports the access size as it is. */
	ck_assert_str_eq(find(&bus, 0x10000fd, 3), "dev");
	ck_assert_ptr_null(find(&bus, 0x10000fe, 3));
}
END_TEST

/* A region smaller than the access cannot hold it. */
START_TEST(test_mmio_access_larger_than_region)
{
	struct mmio_bus bus = { 0 };

	ck_assert_int_eq(add(&bus, 0x2000, 4, "small"), 0);
	ck_assert_str_eq(find(&bus, 0x2000, 4), "small");
	ck_assert_ptr_null(find(&bus, 0x2000, 8));
	ck_assert_ptr_null(find(&bus, 0x1ffc, 8));
}
END_TEST

/* Neighbours that touch are fine; sharing even one byte is refused. */
static const struct {
	uint64_t base, size;
	int ret;
} overlaps[] = {
	/* against [0x10000, 0x11000) */
	{ 0x10000, 0x1000, -EBUSY }, /* the same */
	{ 0xf000, 0x1000, 0 }, /* ends where it starts */
	{ 0x11000, 0x1000, 0 }, /* starts where it ends */
	{ 0xf000, 0x1001, -EBUSY }, /* its first byte */
	{ 0x10fff, 0x1000, -EBUSY }, /* its last byte */
	{ 0x10800, 0x10, -EBUSY }, /* inside */
	{ 0x0, 0x100000, -EBUSY }, /* around */
	{ 0x10000, 1, -EBUSY },
	{ 0x10fff, 1, -EBUSY },
	{ 0xffff, 1, 0 },
	{ 0x11000, 1, 0 },
	{ 0x0, UINT64_MAX, -EBUSY },
};

START_TEST(test_mmio_overlap)
{
	struct mmio_bus bus = { 0 };

	ck_assert_int_eq(add(&bus, 0x10000, 0x1000, "a"), 0);
	ck_assert_int_eq(add(&bus, overlaps[_i].base, overlaps[_i].size, "b"),
			 overlaps[_i].ret);
	/* A refused region leaves no trace. */
	if (overlaps[_i].ret) {
		ck_assert_uint_eq(bus.nr, 1);
		ck_assert_str_eq(find(&bus, 0x10000, 1), "a");
		ck_assert_str_eq(find(&bus, 0x10fff, 1), "a");
	}
}
END_TEST

/* Overlap is checked against every region, not only the last one. */
START_TEST(test_mmio_overlap_any)
{
	struct mmio_bus bus = { 0 };

	for (uint64_t i = 0; i < 8; i++)
		ck_assert_int_eq(add(&bus, 0x100000 * (i + 1), 0x1000, "r"), 0);
	ck_assert_int_eq(add(&bus, 0x100fff, 2, "x"), -EBUSY);
	ck_assert_int_eq(add(&bus, 0x400800, 1, "x"), -EBUSY);
	ck_assert_int_eq(add(&bus, 0x7ff000, 0x2000, "x"), -EBUSY);
	ck_assert_int_eq(add(&bus, 0x801000, 0x1000, "x"), 0);
}
END_TEST

/* An empty region or one running past 2^64 describes nothing valid. */
START_TEST(test_mmio_invalid)
{
	struct mmio_bus bus = { 0 };

	ck_assert_int_eq(add(&bus, 0x1000, 0, "empty"), -EINVAL);
	ck_assert_int_eq(add(&bus, UINT64_MAX, 2, "wrap"), -EINVAL);
	ck_assert_int_eq(add(&bus, UINT64_MAX - 0xfff, 0x2000, "wrap"),
			 -EINVAL);
	ck_assert_int_eq(add(&bus, 0x1000, UINT64_MAX, "wrap"), -EINVAL);
	ck_assert_uint_eq(bus.nr, 0);
	ck_assert_ptr_null(find(&bus, 0x1000, 1));
	ck_assert_ptr_null(find(&bus, 0, 1));
}
END_TEST

/* The bus holds MMIO_BUS_MAX regions; then -ENOSPC, and nothing lost. */
START_TEST(test_mmio_full)
{
	struct mmio_bus bus = { 0 };
	unsigned int i;

	for (i = 0; i < MMIO_BUS_MAX; i++)
		ck_assert_int_eq(add(&bus, 0x1000 * i, 0x1000, "r"), 0);
	ck_assert_int_eq(add(&bus, 0x1000 * i, 0x1000, "extra"), -ENOSPC);
	for (i = 0; i < MMIO_BUS_MAX; i++)
		ck_assert_uint_eq(
			mmio_bus_find(&bus, 0x1000 * i + 0x10, 4)->base,
			0x1000 * i);
	ck_assert_ptr_null(find(&bus, 0x1000 * i, 1));
}
END_TEST

/* Near 2^64, address + length must not wrap into a match. */
START_TEST(test_mmio_top_of_address_space)
{
	struct mmio_bus bus = { 0 };
	const uint64_t top = 0xffffffffffffe000ULL;

	ck_assert_int_eq(add(&bus, 0, 0x1000, "low"), 0);
	ck_assert_int_eq(add(&bus, top, 0x1000, "high"), 0);

	/* [2^64 - 1, 2^64 + 7) would wrap to [.., 7): it holds "low". */
	ck_assert_ptr_null(find(&bus, UINT64_MAX, 8));
	ck_assert_ptr_null(find(&bus, UINT64_MAX - 3, 8));
	ck_assert_ptr_null(find(&bus, UINT64_MAX, 1));

	ck_assert_str_eq(find(&bus, top, 8), "high");
	ck_assert_str_eq(find(&bus, top + 0xff8, 8), "high");
	ck_assert_ptr_null(find(&bus, top + 0xffc, 8));
	ck_assert_ptr_null(find(&bus, top + 0x1000, 1));
	ck_assert_str_eq(find(&bus, 0, 8), "low");
	ck_assert_str_eq(find(&bus, 0xff8, 8), "low");
	ck_assert_ptr_null(find(&bus, 0xffc, 8));
}
END_TEST

/*
 * A region that ends exactly at 2^64 may be refused, but if it is taken it
 * must hold the top bytes and nothing at address 0.
 */
START_TEST(test_mmio_region_ending_at_top)
{
	struct mmio_bus bus = { 0 };
	int ret = add(&bus, 0xfffffffffffff000ULL, 0x1000, "top");

	if (ret) {
		ck_assert_int_eq(ret, -EINVAL);
		return;
	}
	ck_assert_str_eq(find(&bus, UINT64_MAX - 7, 8), "top");
	ck_assert_str_eq(find(&bus, UINT64_MAX, 1), "top");
	ck_assert_ptr_null(find(&bus, 0, 1));
	ck_assert_int_eq(add(&bus, 0, 0x1000, "low"), 0);
	ck_assert_int_eq(add(&bus, 0xfffffffffffff800ULL, 0x10, "x"), -EBUSY);
}
END_TEST

Suite *mmio_suite(void)
{
	Suite *s = suite_create("mmio");
	TCase *tc = tcase_create("bus");

	tcase_add_test(tc, test_mmio_empty);
	tcase_add_test(tc, test_mmio_add_find);
	tcase_add_test(tc, test_mmio_bounds);
	tcase_add_test(tc, test_mmio_access_larger_than_region);
	tcase_add_loop_test(tc, test_mmio_overlap, 0, ARRAY_SIZE(overlaps));
	tcase_add_test(tc, test_mmio_overlap_any);
	tcase_add_test(tc, test_mmio_invalid);
	tcase_add_test(tc, test_mmio_full);
	tcase_add_test(tc, test_mmio_top_of_address_space);
	tcase_add_test(tc, test_mmio_region_ending_at_top);
	suite_add_tcase(s, tc);
	return s;
}
