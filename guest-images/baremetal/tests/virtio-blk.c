// SPDX-License-Identifier: GPL-2.0
/*
 * A virtio-blk driver that breaks the rules on purpose, against lkvm's
 * first virtio-mmio device (run with -d IMAGE, a 1 MiB image of zeros).
 * The layout and values come from the virtio 1.2 spec (4.2.2 the
 * registers, 2.7 split virtqueues, 5.2 the block device), written here
 * independently of lkvm's own headers.
 *
 * With the device set up as a driver should: an OUT of sector 0 (pattern
 * 0xa5), FLUSH, an IN of it, GET_ID ("lkvm-vda"), an OUT past the end
 * (IOERR) and an unknown type (UNSUPP) get their spec's status; buffers
 * a byte off alignment read and write as well as aligned ones (sectors
 * 3 and 8-15). Then each
 * of these rt_puts the device in DEVICE_NEEDS_RESET with a configuration
 * interrupt, and nothing more is served until a reset:
 *   - a descriptor chain that loops (0 -> 1 -> 0),
 *   - a buffer outside guest RAM,
 *   - an available index 1000 ahead of the device's,
 *   - a queue whose rings lie outside guest RAM (at QueueReady).
 * After the loop, a valid OUT of sector 1 (pattern 0xb6) is posted and
 * must not be written (the lab checks the image: sector 1 stays zeros).
 * After each reset the device works again; finally an OUT of sector 2
 * (pattern 0xc7) succeeds. Prints "VIRTIO-BLK: PASS N checks" and powers
 * off, or "VIRTIO-BLK: FAIL <what>" and fails.
 *
 * With the MMU off the guest's accesses are non-cacheable; the lab's
 * emulated host keeps that coherent with lkvm's view of guest RAM.
 */
#include "runtime.h"

#include "arm64/layout.h"

/* virtio-mmio registers (virtio 1.2 section 4.2.2). */
#define MAGIC 0x000
#define VERSION 0x004
#define DEVICE_ID 0x008
#define DEV_FEATURES 0x010
#define DEV_FEATURES_SEL 0x014
#define DRV_FEATURES 0x020
#define DRV_FEATURES_SEL 0x024
#define QUEUE_SEL 0x030
#define QUEUE_NUM_MAX 0x034
#define QUEUE_NUM 0x038
#define QUEUE_READY 0x044
#define QUEUE_NOTIFY 0x050
#define INT_STATUS 0x060
#define INT_ACK 0x064
#define STATUS 0x070
#define QUEUE_DESC 0x080
#define QUEUE_DRIVER 0x090
#define QUEUE_DEVICE 0x0a0
#define CONFIG 0x100

#define S_ACK 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8
#define S_NEEDS_RESET 64

/* Descriptor flags (2.7.5) and block requests (5.2.6). */
#define F_NEXT 1
#define F_WRITE 2
#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define T_GET_ID 8

#define QSIZE 8
#define SECTOR 512

struct desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

struct blk_hdr {
	u32 type;
	u32 reserved;
	u64 sector;
};

static unsigned long base;
static struct desc descs[QSIZE] __attribute__((aligned(16)));
static struct {
	u16 flags, idx, ring[QSIZE], used_event;
} avail __attribute__((aligned(4)));
static volatile struct {
	u16 flags, idx;
	struct {
		u32 id, len;
	} ring[QSIZE];
	u16 avail_event;
} used __attribute__((aligned(4)));
static struct blk_hdr hdr;
static u8 data[SECTOR] __attribute__((aligned(16)));
/* For ,direct: a 4 KiB-aligned buffer, and one a byte off alignment. */
static u8 block[4096] __attribute__((aligned(4096)));
static u8 odd_store[4096 + 1] __attribute__((aligned(4096)));
#define odd (odd_store + 1)
static volatile u8 status_byte;
static u16 last_used;
static unsigned int checks;

#define CHECK(cond, ...)                                \
	do {                                            \
		checks++;                               \
		if (!(cond)) {                          \
			rt_printf("VIRTIO-BLK: FAIL "); \
			rt_printf(__VA_ARGS__);         \
			rt_printf("\n");                \
			rt_test_fail(checks);           \
		}                                       \
	} while (0)

static u32 reg(unsigned int off)
{
	return rt_readl(base + off);
}

static void set(unsigned int off, u32 val)
{
	rt_writel(val, base + off);
}

static void set64(unsigned int off, u64 val)
{
	set(off, (u32)val);
	set(off + 4, val >> 32);
}

static u64 ms_to_ticks(u64 ms)
{
	return read_sysreg(cntfrq_el0) / 1000 * ms;
}

/* Reset, then the initialisation of section 3.1.1 with queue 0 at q. */
static void device_init(u64 desc_at, u64 avail_at, u64 used_at)
{
	set(STATUS, 0);
	CHECK(reg(STATUS) == 0, "status %#x after reset", reg(STATUS));
	set(STATUS, S_ACK);
	set(STATUS, S_ACK | S_DRIVER);
	set(DEV_FEATURES_SEL, 1);
	CHECK(reg(DEV_FEATURES) & 1, "no VIRTIO_F_VERSION_1 offered");
	set(DRV_FEATURES_SEL, 0);
	set(DRV_FEATURES, 0);
	set(DRV_FEATURES_SEL, 1);
	set(DRV_FEATURES, 1); /* VERSION_1 only: no indirect, no event idx */
	set(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	CHECK(reg(STATUS) & S_FEATURES_OK, "FEATURES_OK refused");
	set(QUEUE_SEL, 0);
	CHECK(reg(QUEUE_NUM_MAX) >= QSIZE, "queue max %u", reg(QUEUE_NUM_MAX));
	set(QUEUE_NUM, QSIZE);
	set64(QUEUE_DESC, desc_at);
	set64(QUEUE_DRIVER, avail_at);
	set64(QUEUE_DEVICE, used_at);
	rt_memset(&avail, 0, sizeof(avail));
	rt_memset((void *)&used, 0, sizeof(used));
	last_used = 0;
	dsb(sy);
	set(QUEUE_READY, 1);
	set(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
}

static void device_init_ok(void)
{
	device_init((unsigned long)descs, (unsigned long)&avail,
		    (unsigned long)&used);
	CHECK(reg(QUEUE_READY) == 1, "queue 0 not ready after set-up");
	CHECK(!(reg(STATUS) & S_NEEDS_RESET), "needs reset after set-up");
}

/* Makes head available and notifies. */
static void post(u16 head)
{
	avail.ring[avail.idx % QSIZE] = head;
	dsb(sy);
	avail.idx++;
	dsb(sy);
	set(QUEUE_NOTIFY, 0);
}

/* Waits up to ms for the device to use a chain; false if it did not. */
static bool wait_used(u64 ms)
{
	u64 start = read_sysreg(cntvct_el0);

	while (read_sysreg(cntvct_el0) - start < ms_to_ticks(ms)) {
		dsb(sy);
		if (used.idx != last_used) {
			last_used = used.idx;
			return true;
		}
		rt_cpu_relax();
	}
	return false;
}

/* Waits up to ms for DEVICE_NEEDS_RESET. */
static bool wait_needs_reset(u64 ms)
{
	u64 start = read_sysreg(cntvct_el0);

	while (read_sysreg(cntvct_el0) - start < ms_to_ticks(ms))
		if (reg(STATUS) & S_NEEDS_RESET)
			return true;
	return false;
}

/* A three-descriptor request: header, buf (len bytes), status. */
static void build_buf(u32 type, u64 sector, u8 *buf, u32 len,
		      bool device_writes)
{
	hdr = (struct blk_hdr){ .type = type, .sector = sector };
	status_byte = 0xff;
	descs[0] = (struct desc){ (unsigned long)&hdr, sizeof(hdr), F_NEXT, 1 };
	descs[1] = (struct desc){ (unsigned long)buf, len,
				  F_NEXT | (device_writes ? F_WRITE : 0), 2 };
	descs[2] = (struct desc){ (unsigned long)&status_byte, 1, F_WRITE, 0 };
	if (!len) /* no data: header, then status */
		descs[0].next = 2;
}

static void build(u32 type, u64 sector, u32 len, bool device_writes)
{
	build_buf(type, sector, data, len, device_writes);
}

/*
 * Runs one request on buf; returns its status byte, or -1 if never
 * completed.
 */
static int request_buf(u32 type, u64 sector, u8 *buf, u32 len,
		       bool device_writes)
{
	build_buf(type, sector, buf, len, device_writes);
	post(0);
	if (!wait_used(2000))
		return -1;
	set(INT_ACK, reg(INT_STATUS));
	return status_byte;
}

static int request(u32 type, u64 sector, u32 len, bool device_writes)
{
	return request_buf(type, sector, data, len, device_writes);
}

/* Whether len bytes at p all hold v. */
static bool all(const u8 *p, u32 len, u8 v)
{
	for (u32 i = 0; i < len; i++)
		if (p[i] != v)
			return false;
	return true;
}

/*
 * Buffers of any alignment work (a ,direct disk must take the ones
 * O_DIRECT refuses another way): 8 sectors from sector 8 written (0x3c)
 * from a 4 KiB-aligned buffer and read back into one a byte off; sector
 * 3 written (0x5e) from the odd buffer and read back into the aligned one.
 */
static void any_alignment(void)
{
	rt_memset(block, 0x3c, sizeof(block));
	CHECK(request_buf(T_OUT, 8, block, 4096, false) == 0,
	      "OUT of sectors 8-15, aligned buffer");
	rt_memset(odd, 0, 4096);
	CHECK(request_buf(T_IN, 8, odd, 4096, true) == 0 &&
		      all(odd, 4096, 0x3c),
	      "IN of sectors 8-15 into a buffer a byte off");
	rt_memset(odd, 0x5e, SECTOR);
	CHECK(request_buf(T_OUT, 3, odd, SECTOR, false) == 0,
	      "OUT of sector 3 from a buffer a byte off");
	rt_memset(block, 0, SECTOR);
	CHECK(request_buf(T_IN, 3, block, SECTOR, true) == 0 &&
		      all(block, SECTOR, 0x5e),
	      "IN of sector 3 did not read back 0x5e");
}

static void fill(u8 v)
{
	for (unsigned int i = 0; i < SECTOR; i++)
		data[i] = v;
}

static bool filled(u8 v)
{
	for (unsigned int i = 0; i < SECTOR; i++)
		if (data[i] != v)
			return false;
	return true;
}

/* The device must fail with a config interrupt, and take nothing more. */
static void expect_failed(const char *what)
{
	CHECK(wait_needs_reset(2000), "%s: no DEVICE_NEEDS_RESET", what);
	CHECK(reg(INT_STATUS) & 2, "%s: no configuration interrupt (%#x)", what,
	      reg(INT_STATUS));
	rt_printf("VIRTIO-BLK: %s: the device needs a reset\n", what);
}

static void good_requests(void)
{
	u64 capacity;

	capacity = reg(CONFIG) | (u64)reg(CONFIG + 4) << 32;
	CHECK(capacity == 2048, "capacity %llu sectors, expected 2048",
	      capacity);
	fill(0xa5);
	CHECK(request(T_OUT, 0, SECTOR, false) == 0, "OUT of sector 0");
	CHECK(request(T_FLUSH, 0, 0, false) == 0, "FLUSH");
	fill(0);
	CHECK(request(T_IN, 0, SECTOR, true) == 0 && filled(0xa5),
	      "IN of sector 0 did not read back the pattern");
	fill(0);
	CHECK(request(T_GET_ID, 0, 20, true) == 0 &&
		      !rt_memcmp(data, "lkvm-vda", 9),
	      "GET_ID: '%s'", (char *)data);
	CHECK(request(T_OUT, 2048, SECTOR, false) == 1, "OUT past the end");
	CHECK(request(99, 0, 0, false) == 2, "unknown type");
	any_alignment();
}

int main(void *dtb)
{
	(void)dtb;
	base = LKVM_VIRTIO_ADDR(0);
	CHECK(reg(MAGIC) == 0x74726976, "magic %#x", reg(MAGIC));
	CHECK(reg(VERSION) == 2, "version %u", reg(VERSION));
	CHECK(reg(DEVICE_ID) == 2, "device id %u (run with -d IMAGE)",
	      reg(DEVICE_ID));

	device_init_ok();
	good_requests();

	/* A chain that loops: 0 -> 1 -> 0. */
	descs[0] = (struct desc){ (unsigned long)&hdr, sizeof(hdr), F_NEXT, 1 };
	descs[1] = (struct desc){ (unsigned long)data, SECTOR, F_NEXT, 0 };
	post(0);
	expect_failed("a looping chain");
	/* A valid write now must not happen (the lab checks sector 1). */
	fill(0xb6);
	build(T_OUT, 1, SECTOR, false);
	post(0);
	CHECK(!wait_used(500), "a request was served after the failure");

	device_init_ok();
	fill(0);
	CHECK(request(T_IN, 1, SECTOR, true) == 0 && filled(0),
	      "sector 1 was written after the device failed");

	/* A buffer outside guest RAM. */
	build(T_OUT, 0, SECTOR, false);
	descs[1].addr = 0x10000;
	post(0);
	expect_failed("a buffer outside RAM");

	/* An available index far past what the ring holds. */
	device_init_ok();
	build(T_FLUSH, 0, 0, false);
	avail.idx += 1000;
	dsb(sy);
	set(QUEUE_NOTIFY, 0);
	expect_failed("an available index 1000 ahead");

	/* Rings outside guest RAM: refused when the queue is made ready. */
	device_init(0x10000, 0x20000, 0x30000);
	expect_failed("rings outside RAM");

	device_init_ok();
	fill(0xc7);
	CHECK(request(T_OUT, 2, SECTOR, false) == 0,
	      "OUT of sector 2 after the resets");
	CHECK(request(T_FLUSH, 0, 0, false) == 0, "the last FLUSH");
	rt_printf("VIRTIO-BLK: PASS %u checks\n", checks);
	return 0;
}
