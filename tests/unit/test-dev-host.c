// SPDX-License-Identifier: GPL-2.0
/*
 * A virtio device on a dev_host of the test's own (devices/dev-host.h):
 * virtio-rng, as devices/virtio-dev.c wires it, with guest RAM, the MMIO
 * bus, the interrupt line, the I/O thread's watch and the ioeventfd all
 * the test's. The guest's side is driven through the MMIO bus as a driver
 * would (virtio 1.2 sections 3.1, 4.2.3); the registers and the split
 * ring's layout (section 2.7) are written here from the spec.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "../../devices/dev-host.h"
#include "../../devices/virtio-rng-dev.h"

/* Section 4.2.2, "MMIO Device Register Layout". */
#define R_MAGIC 0x000
#define R_DEVICE_ID 0x008
#define R_DRV_FEAT 0x020
#define R_DRV_FEAT_SEL 0x024
#define R_QUEUE_SEL 0x030
#define R_QUEUE_NUM 0x038
#define R_QUEUE_READY 0x044
#define R_QUEUE_NOTIFY 0x050
#define R_INT_STATUS 0x060
#define R_INT_ACK 0x064
#define R_STATUS 0x070
#define R_DESC_LO 0x080
#define R_DRIVER_LO 0x090
#define R_DEVICE_LO 0x0a0
#define WINDOW 0x200

/* Section 2.1: ACKNOWLEDGE, DRIVER, FEATURES_OK, then DRIVER_OK. */
#define S_READY (1 | 2 | 8)
#define S_LIVE (S_READY | 4)

#define BASE 0xa000000ull
#define INTID 40
#define RAM_BASE 0x80000000ull
#define RAM_SIZE 0x10000ull
#define DESC (RAM_BASE + 0x1000)
#define AVAIL (RAM_BASE + 0x2000)
#define USED (RAM_BASE + 0x3000)
#define BUF (RAM_BASE + 0x4000)
#define BUF_LEN 64
#define QUEUE_NUM 8

/* What the device asked of its host. */
static struct fake_host {
	struct dev_host host;
	struct mmio_bus bus;
	bool irq_full; /* irq_add refuses */
	bool no_ioeventfd; /* ioeventfd fails, as on a host without it */
	unsigned int nr_irq_adds;
	uint32_t irq_added;
	unsigned int nr_irq_sets;
	uint32_t irq_intid;
	bool irq_level;
	unsigned int nr_watches;
	int watch_fd;
	void (*watch_ready)(void *opaque);
	void *watch_opaque;
	unsigned int nr_ioeventfds;
	uint64_t ioev_addr, ioev_datamatch;
	unsigned int ioev_len;
	int ioev_fd;
} fake;

static struct virtio_rng_dev *rng;

static int fake_irq_add(void *ctx, uint32_t intid)
{
	struct fake_host *f = ctx;

	if (f->irq_full)
		return -1;
	f->nr_irq_adds++;
	f->irq_added = intid;
	return 0;
}

static void fake_irq_set(void *ctx, uint32_t intid, bool level)
{
	struct fake_host *f = ctx;

	f->nr_irq_sets++;
	f->irq_intid = intid;
	f->irq_level = level;
}

static int fake_watch_add(void *ctx, int fd, void (*ready)(void *),
			  void *opaque)
{
	struct fake_host *f = ctx;

	f->nr_watches++;
	f->watch_fd = fd;
	f->watch_ready = ready;
	f->watch_opaque = opaque;
	return 0;
}

static int fake_ioeventfd(void *ctx, uint64_t addr, unsigned int len,
			  uint64_t datamatch, int fd)
{
	struct fake_host *f = ctx;

	if (f->no_ioeventfd) {
		errno = ENOSYS;
		return -1;
	}
	f->nr_ioeventfds++;
	f->ioev_addr = addr;
	f->ioev_len = len;
	f->ioev_datamatch = datamatch;
	f->ioev_fd = fd;
	return 0;
}

/* virtio-rng has no console: a device that wrote to it fails the test. */
static void fake_console_output(void *ctx, const uint8_t *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	ck_abort_msg("virtio-rng wrote %zu bytes to the console", len);
}

static void setup(void)
{
	memset(&fake, 0, sizeof(fake));
	fake.watch_fd = fake.ioev_fd = -1;
	fake.host = (struct dev_host){
		.ctx = &fake,
		.irq_add = fake_irq_add,
		.irq_set = fake_irq_set,
		.mmio = &fake.bus,
		.watch_add = fake_watch_add,
		.ioeventfd = fake_ioeventfd,
		.ram = { .base = RAM_BASE, .size = RAM_SIZE },
		.console_output = fake_console_output,
	};
	fake.host.ram.host = calloc(1, RAM_SIZE);
	ck_assert_ptr_nonnull(fake.host.ram.host);
	rng = NULL;
}

static void teardown(void)
{
	virtio_rng_dev_destroy(rng);
	free(fake.host.ram.host);
}

static void *gpa(uint64_t addr)
{
	return fake.host.ram.host + (addr - RAM_BASE);
}

static void put16(uint64_t addr, uint16_t v)
{
	uint8_t *p = gpa(addr);

	p[0] = v;
	p[1] = v >> 8;
}

static void put32(uint64_t addr, uint32_t v)
{
	put16(addr, v);
	put16(addr + 2, v >> 16);
}

static uint16_t get16(uint64_t addr)
{
	const uint8_t *p = gpa(addr);

	return p[0] | p[1] << 8;
}

static uint32_t get32(uint64_t addr)
{
	return get16(addr) | (uint32_t)get16(addr + 2) << 16;
}

/* A 32-bit access to the device's register off, through the host's bus. */
static uint32_t reg(uint64_t off, uint32_t v, bool is_write)
{
	const struct mmio_region *r = mmio_bus_find(&fake.bus, BASE + off, 4);
	uint8_t b[4] = { v, v >> 8, v >> 16, v >> 24 };

	ck_assert_msg(r, "no MMIO region at 0x%llx",
		      (unsigned long long)(BASE + off));
	r->handler(r->opaque, BASE + off - r->base, b, 4, is_write);
	return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

#define rd(off) reg(off, 0, false)
#define wr(off, v) reg(off, v, true)

/* Sections 3.1.1 and 4.2.3.2: VERSION_1 only, queue 0, DRIVER_OK. */
static void driver_init(void)
{
	wr(R_STATUS, 0);
	wr(R_STATUS, 1);
	wr(R_STATUS, 1 | 2);
	wr(R_DRV_FEAT_SEL, 1);
	wr(R_DRV_FEAT, 1); /* bit 32: VIRTIO_F_VERSION_1 */
	wr(R_DRV_FEAT_SEL, 0);
	wr(R_DRV_FEAT, 0);
	wr(R_STATUS, S_READY);
	ck_assert_uint_eq(rd(R_STATUS), S_READY);
	wr(R_QUEUE_SEL, 0);
	wr(R_QUEUE_NUM, QUEUE_NUM);
	wr(R_DESC_LO, (uint32_t)DESC);
	wr(R_DESC_LO + 4, DESC >> 32);
	wr(R_DRIVER_LO, (uint32_t)AVAIL);
	wr(R_DRIVER_LO + 4, AVAIL >> 32);
	wr(R_DEVICE_LO, (uint32_t)USED);
	wr(R_DEVICE_LO + 4, USED >> 32);
	wr(R_QUEUE_READY, 1);
	wr(R_STATUS, S_LIVE);
	ck_assert_uint_eq(rd(R_STATUS), S_LIVE);
}

/* Section 2.7.5: one device-writable buffer, made available as entry 0. */
static void offer_buffer(void)
{
	put32(DESC, (uint32_t)BUF);
	put32(DESC + 4, BUF >> 32);
	put32(DESC + 8, BUF_LEN);
	put16(DESC + 12, 2); /* VIRTQ_DESC_F_WRITE */
	put16(DESC + 14, 0);
	put16(AVAIL + 4, 0); /* ring[0]: descriptor 0 */
	put16(AVAIL + 2, 1); /* idx */
}

/* Section 2.7.8: the used ring holds descriptor 0 with BUF_LEN written. */
static void check_used(void)
{
	static const uint8_t zero[BUF_LEN];

	ck_assert_uint_eq(get16(USED + 2), 1);
	ck_assert_uint_eq(get32(USED + 4), 0);
	ck_assert_uint_eq(get32(USED + 8), BUF_LEN);
	/* 64 random bytes all zero: one chance in 2^512. */
	ck_assert(memcmp(gpa(BUF), zero, BUF_LEN));
	ck_assert_uint_eq(rd(R_INT_STATUS), 1);
	ck_assert_uint_eq(fake.irq_intid, INTID);
	ck_assert(fake.irq_level);
}

/* virtio_dev_add asks the host for its line, window, watch and ioeventfd. */
START_TEST(test_dev_host_wiring)
{
	const struct mmio_region *r;

	rng = virtio_rng_dev_create(&fake.host, BASE, INTID);
	ck_assert_ptr_nonnull(rng);
	ck_assert_uint_eq(fake.nr_irq_adds, 1);
	ck_assert_uint_eq(fake.irq_added, INTID);
	ck_assert_uint_eq(fake.bus.nr, 1);
	r = &fake.bus.regions[0];
	ck_assert_uint_eq(r->base, BASE);
	ck_assert_uint_eq(r->size, WINDOW);
	ck_assert_str_eq(r->name, "virtio-rng");
	/* One queue: one notify eventfd, watched and given to the ioeventfd. */
	ck_assert_uint_eq(fake.nr_watches, 1);
	ck_assert_uint_eq(fake.nr_ioeventfds, 1);
	ck_assert_int_ge(fake.watch_fd, 0);
	ck_assert_int_eq(fake.ioev_fd, fake.watch_fd);
	ck_assert_uint_eq(fake.ioev_addr, BASE + R_QUEUE_NOTIFY);
	ck_assert_uint_eq(fake.ioev_len, 4);
	ck_assert_uint_eq(fake.ioev_datamatch, 0);
	ck_assert_uint_eq(rd(R_MAGIC), 0x74726976); /* "virt" */
	ck_assert_uint_eq(rd(R_DEVICE_ID), 4); /* section 5.4.1: entropy */
	ck_assert_uint_eq(fake.nr_irq_sets, 0);
}
END_TEST

/*
 * A notify signals the eventfd (the host's ioeventfd would); the watch
 * serves the queue: random bytes in guest RAM, the used ring, the line
 * raised through the host, and lowered by InterruptACK.
 */
START_TEST(test_dev_host_serves)
{
	uint64_t one = 1;

	rng = virtio_rng_dev_create(&fake.host, BASE, INTID);
	ck_assert_ptr_nonnull(rng);
	driver_init();
	offer_buffer();
	ck_assert_int_eq(write(fake.ioev_fd, &one, sizeof(one)),
			 (ssize_t)sizeof(one));
	fake.watch_ready(fake.watch_opaque);
	check_used();
	ck_assert_uint_eq(virtio_rng_dev_bytes(rng), BUF_LEN);
	wr(R_INT_ACK, 1);
	ck_assert_uint_eq(fake.irq_intid, INTID);
	ck_assert(!fake.irq_level);
}
END_TEST

/*
 * Without an ioeventfd, the guest's QueueNotify write reaches the device's
 * MMIO handler, which signals the eventfd itself: the watch still serves.
 */
START_TEST(test_dev_host_no_ioeventfd)
{
	uint64_t count = 0;

	fake.no_ioeventfd = true;
	rng = virtio_rng_dev_create(&fake.host, BASE, INTID);
	ck_assert_ptr_nonnull(rng);
	ck_assert_uint_eq(fake.nr_watches, 1);
	driver_init();
	offer_buffer();
	wr(R_QUEUE_NOTIFY, 0);
	ck_assert_int_eq(read(fake.watch_fd, &count, sizeof(count)),
			 (ssize_t)sizeof(count));
	ck_assert_uint_eq(count, 1);
	/* The count was read here: ready() finds the eventfd empty. */
	fake.watch_ready(fake.watch_opaque);
	check_used();
}
END_TEST

/* No line left: no device, and nothing of it on the bus or watched. */
START_TEST(test_dev_host_no_line)
{
	char out[256];

	fake.irq_full = true;
	UNIT_CAPTURE_STDERR(out, rng,
			    virtio_rng_dev_create(&fake.host, BASE, INTID));
	ck_assert_ptr_null(rng);
	ck_assert_str_eq(out, "lkvm: virtio-rng: no interrupt line left\n");
	ck_assert_uint_eq(fake.bus.nr, 0);
	ck_assert_uint_eq(fake.nr_watches, 0);
	ck_assert_uint_eq(fake.nr_ioeventfds, 0);
}
END_TEST

Suite *dev_host_suite(void)
{
	Suite *s = suite_create("dev-host");
	TCase *tc = tcase_create("virtio-rng");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_dev_host_wiring);
	tcase_add_test(tc, test_dev_host_serves);
	tcase_add_test(tc, test_dev_host_no_ioeventfd);
	tcase_add_test(tc, test_dev_host_no_line);
	suite_add_tcase(s, tc);
	return s;
}
