// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport, Version 2, against the virtio 1.2 spec
 * (section 4.2.2 registers, 2.1 device status, 2.2 feature bits, 3.1
 * device initialisation) and what Linux's virtio_mmio driver does. The
 * register offsets and bits are written here from the spec, not taken
 * from virtio-mmio.h; only the struct and the ACT_* flags (lkvm's own
 * interface) come from it.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "../../devices/virtio-mmio.h"

Suite *virtio_mmio_suite(void);

/* Section 4.2.2, table "MMIO Device Register Layout". */
#define R_MAGIC 0x000
#define R_VERSION 0x004
#define R_DEVICE_ID 0x008
#define R_VENDOR_ID 0x00c
#define R_DEV_FEAT 0x010
#define R_DEV_FEAT_SEL 0x014
#define R_DRV_FEAT 0x020
#define R_DRV_FEAT_SEL 0x024
#define R_QUEUE_SEL 0x030
#define R_QUEUE_NUM_MAX 0x034
#define R_QUEUE_NUM 0x038
#define R_QUEUE_READY 0x044
#define R_QUEUE_NOTIFY 0x050
#define R_INT_STATUS 0x060
#define R_INT_ACK 0x064
#define R_STATUS 0x070
#define R_DESC_LO 0x080
#define R_DESC_HI 0x084
#define R_DRIVER_LO 0x090
#define R_DRIVER_HI 0x094
#define R_DEVICE_LO 0x0a0
#define R_DEVICE_HI 0x0a4
#define R_SHM_SEL 0x0ac
#define R_SHM_LEN_LO 0x0b0
#define R_SHM_LEN_HI 0x0b4
#define R_SHM_BASE_LO 0x0b8
#define R_SHM_BASE_HI 0x0bc
#define R_QUEUE_RESET 0x0c0
#define R_CONFIG_GEN 0x0fc
#define R_CONFIG 0x100
#define WINDOW 0x200

/* Section 2.1 device status field. */
#define S_ACK 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8
#define S_NEEDS_RESET 64
#define S_FAILED 128
#define S_READY (S_ACK | S_DRIVER | S_FEATURES_OK)
#define S_LIVE (S_READY | S_DRIVER_OK)

/* InterruptStatus: bit 0 used buffer, bit 1 configuration change. */
#define INT_USED 1
#define INT_CONFIG 2

/* Section 6 reserved feature bits, and two device-specific ones. */
#define F_INDIRECT (1ull << 28)
#define F_EVENT_IDX (1ull << 29)
#define F_VERSION_1 (1ull << 32)
#define F_DEV_A (1ull << 5)
#define F_DEV_B (1ull << 9)
#define DEV_FEATURES \
	(F_VERSION_1 | F_EVENT_IDX | F_INDIRECT | F_DEV_A | F_DEV_B)

#define MAGIC 0x74726976 /* "virt" */
#define VENDOR 0x4d564b4c /* lkvm's vendor ID, "LKVM" */

/* Guest RAM, and split rings of QUEUE_MAX entries placed inside it. */
#define RAM_BASE 0x80000000ull
#define RAM_SIZE 0x10000ull
#define DESC (RAM_BASE + 0x1000)
#define AVAIL (RAM_BASE + 0x2000)
#define USED (RAM_BASE + 0x3000)
#define DESC1 (RAM_BASE + 0x5000)
#define AVAIL1 (RAM_BASE + 0x6000)
#define USED1 (RAM_BASE + 0x7000)

#define NR_QUEUES 2
#define QUEUE_MAX 128
#define CONFIG_LEN 24
#define CONFIG_WRITABLE 8
#define CONFIG_SLACK 16 /* bytes after config[] that must stay untouched */

static struct virtio_mmio dev;
static struct guest_ram ram;
static uint8_t config_buf[CONFIG_LEN + CONFIG_SLACK];

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void setup(void)
{
	unsigned int i;

	ram.base = RAM_BASE;
	ram.size = RAM_SIZE;
	ram.host = calloc(1, RAM_SIZE);
	ck_assert_ptr_nonnull(ram.host);
	for (i = 0; i < sizeof(config_buf); i++)
		config_buf[i] = i < CONFIG_LEN ? 0x10 + i : 0xee;
	memset(&dev, 0, sizeof(dev));
	dev.device_id = 2;
	dev.device_features = DEV_FEATURES;
	dev.nr_queues = NR_QUEUES;
	dev.queue_num_max = QUEUE_MAX;
	dev.config = config_buf;
	dev.config_len = CONFIG_LEN;
	dev.config_writable = CONFIG_WRITABLE;
	virtio_mmio_reset(&dev);
}

static void teardown(void)
{
	free(ram.host);
	ram.host = NULL;
}

static struct virtio_mmio_result access(uint64_t off, uint8_t *data,
					unsigned int len, bool is_write)
{
	return virtio_mmio_access(&dev, &ram, off, data, len, is_write);
}

/* A 32-bit register read; reads never ask anything of the caller. */
static uint32_t rd(uint64_t off)
{
	uint8_t b[4] = { 0xaa, 0xaa, 0xaa, 0xaa };
	struct virtio_mmio_result r = access(off, b, 4, false);

	ck_assert_uint_eq(r.actions, 0);
	return le32(b);
}

static struct virtio_mmio_result wr(uint64_t off, uint32_t v)
{
	uint8_t b[4] = { v, v >> 8, v >> 16, v >> 24 };

	return access(off, b, 4, true);
}

static unsigned int wra(uint64_t off, uint32_t v)
{
	return wr(off, v).actions;
}

static bool no_config_slack_touched(void)
{
	unsigned int i;

	for (i = CONFIG_LEN; i < sizeof(config_buf); i++)
		if (config_buf[i] != 0xee)
			return false;
	return true;
}

/* Steps 1-6 of section 3.1.1, as Linux's virtio core does them. */
static uint32_t negotiate(uint64_t features)
{
	ck_assert_uint_eq(wra(R_STATUS, 0), VIRTIO_MMIO_ACT_RESET);
	ck_assert_uint_eq(rd(R_STATUS), 0);
	ck_assert_uint_eq(wra(R_STATUS, S_ACK), 0);
	ck_assert_uint_eq(wra(R_STATUS, rd(R_STATUS) | S_DRIVER), 0);
	wra(R_DRV_FEAT_SEL, 1);
	wra(R_DRV_FEAT, features >> 32);
	wra(R_DRV_FEAT_SEL, 0);
	wra(R_DRV_FEAT, (uint32_t)features);
	ck_assert_uint_eq(wra(R_STATUS, rd(R_STATUS) | S_FEATURES_OK), 0);
	return rd(R_STATUS);
}

/* Section 4.2.3.2: queue set-up, ending with the QueueReady write. */
static unsigned int setup_queue(uint32_t sel, uint32_t num, uint64_t desc,
				uint64_t avail, uint64_t used)
{
	wra(R_QUEUE_SEL, sel);
	ck_assert_uint_eq(rd(R_QUEUE_READY), 0);
	ck_assert_uint_eq(rd(R_QUEUE_NUM_MAX), QUEUE_MAX);
	if (num)
		wra(R_QUEUE_NUM, num);
	wra(R_DESC_LO, (uint32_t)desc);
	wra(R_DESC_HI, desc >> 32);
	wra(R_DRIVER_LO, (uint32_t)avail);
	wra(R_DRIVER_HI, avail >> 32);
	wra(R_DEVICE_LO, (uint32_t)used);
	wra(R_DEVICE_HI, used >> 32);
	return wra(R_QUEUE_READY, 1);
}

/* A device with queue 0 ready and DRIVER_OK set. */
static void go_live(uint64_t features)
{
	ck_assert_uint_eq(negotiate(features), S_READY);
	ck_assert_uint_eq(setup_queue(0, QUEUE_MAX, DESC, AVAIL, USED), 0);
	ck_assert_uint_eq(rd(R_QUEUE_READY), 1);
	ck_assert_uint_eq(wra(R_STATUS, S_LIVE), VIRTIO_MMIO_ACT_DRIVER_OK);
	ck_assert_uint_eq(rd(R_STATUS), S_LIVE);
}

static struct virtio_mmio_result notify(uint32_t queue)
{
	return wr(R_QUEUE_NOTIFY, queue);
}

START_TEST(test_vmmio_identity)
{
	static const uint32_t sels[] = { 0, 1, 2, 0xffffffff };
	static const uint64_t write_only[] = {
		R_DEV_FEAT_SEL, R_DRV_FEAT, R_DRV_FEAT_SEL, R_QUEUE_SEL,
		R_QUEUE_NOTIFY, R_INT_ACK,  R_SHM_SEL,	    R_QUEUE_RESET,
	};
	static const uint64_t reserved[] = { 0x018, 0x028, 0x03c, 0x040,
					     0x048, 0x054, 0x068, 0x074,
					     0x098, 0x0a8, 0x0c4, 0x0f8 };
	uint8_t b[4];
	unsigned int i;

	access(R_MAGIC, b, 4, false);
	ck_assert_mem_eq(b, "virt", 4);
	ck_assert_uint_eq(rd(R_MAGIC), MAGIC);
	ck_assert_uint_eq(rd(R_VERSION), 2);
	ck_assert_uint_eq(rd(R_DEVICE_ID), 2);
	ck_assert_uint_eq(rd(R_VENDOR_ID), VENDOR);
	ck_assert_uint_eq(rd(R_CONFIG_GEN), 0);
	dev.config_generation = 7;
	ck_assert_uint_eq(rd(R_CONFIG_GEN), 7);
	dev.device_id = 4;
	ck_assert_uint_eq(rd(R_DEVICE_ID), 4);

	/* No shared memory region: length ~0 (what Linux checks for). */
	for (i = 0; i < ARRAY_SIZE(sels); i++) {
		wra(R_SHM_SEL, sels[i]);
		ck_assert_uint_eq(rd(R_SHM_LEN_LO), 0xffffffff);
		ck_assert_uint_eq(rd(R_SHM_LEN_HI), 0xffffffff);
		ck_assert_uint_eq(rd(R_SHM_BASE_LO), 0xffffffff);
		ck_assert_uint_eq(rd(R_SHM_BASE_HI), 0xffffffff);
	}

	/* Write-only registers read 0, even after a write. */
	for (i = 0; i < ARRAY_SIZE(write_only); i++) {
		if (write_only[i] != R_QUEUE_NOTIFY &&
		    write_only[i] != R_INT_ACK)
			wra(write_only[i], 1);
		ck_assert_uint_eq(rd(write_only[i]), 0);
	}
	for (i = 0; i < ARRAY_SIZE(reserved); i++) {
		ck_assert_uint_eq(wra(reserved[i], 0xffffffff), 0);
		ck_assert_uint_eq(rd(reserved[i]), 0);
	}
	/* None of this changed the device's state. */
	ck_assert_uint_eq(rd(R_STATUS), 0);
	ck_assert_uint_eq(rd(R_INT_STATUS), 0);
}
END_TEST

START_TEST(test_vmmio_device_features)
{
	ck_assert_uint_eq(rd(R_DEV_FEAT), (uint32_t)DEV_FEATURES);
	wra(R_DEV_FEAT_SEL, 1);
	ck_assert_uint_eq(rd(R_DEV_FEAT), DEV_FEATURES >> 32);
	ck_assert_uint_eq(rd(R_DEV_FEAT), 1); /* VERSION_1 is bit 32 */
	wra(R_DEV_FEAT_SEL, 2);
	ck_assert_uint_eq(rd(R_DEV_FEAT), 0);
	wra(R_DEV_FEAT_SEL, 0xffffffff);
	ck_assert_uint_eq(rd(R_DEV_FEAT), 0);
	wra(R_DEV_FEAT_SEL, 0x80000000);
	ck_assert_uint_eq(rd(R_DEV_FEAT), 0);
	wra(R_DEV_FEAT_SEL, 0);
	ck_assert_uint_eq(rd(R_DEV_FEAT), (uint32_t)DEV_FEATURES);

	dev.device_features = 0xfedcba9876543210ull;
	ck_assert_uint_eq(rd(R_DEV_FEAT), 0x76543210);
	wra(R_DEV_FEAT_SEL, 1);
	ck_assert_uint_eq(rd(R_DEV_FEAT), 0xfedcba98);
}
END_TEST

/* What Linux does from probe to DRIVER_OK, then its notifications. */
START_TEST(test_vmmio_linux_init)
{
	uint64_t features;
	struct virtio_mmio_result r;

	ck_assert_uint_eq(rd(R_MAGIC), MAGIC);
	ck_assert_uint_eq(rd(R_VERSION), 2);
	ck_assert_uint_ne(rd(R_DEVICE_ID), 0);
	ck_assert_uint_eq(wra(R_STATUS, 0), VIRTIO_MMIO_ACT_RESET);
	ck_assert_uint_eq(wra(R_STATUS, S_ACK), 0);
	ck_assert_uint_eq(rd(R_STATUS), S_ACK);
	ck_assert_uint_eq(wra(R_STATUS, S_ACK | S_DRIVER), 0);
	ck_assert_uint_eq(rd(R_STATUS), S_ACK | S_DRIVER);

	wra(R_DEV_FEAT_SEL, 1);
	features = (uint64_t)rd(R_DEV_FEAT) << 32;
	wra(R_DEV_FEAT_SEL, 0);
	features |= rd(R_DEV_FEAT);
	ck_assert_uint_eq(features, DEV_FEATURES);

	/* The driver takes VERSION_1, EVENT_IDX and one device feature. */
	wra(R_DRV_FEAT_SEL, 1);
	wra(R_DRV_FEAT, 1);
	wra(R_DRV_FEAT_SEL, 0);
	wra(R_DRV_FEAT, (uint32_t)(F_EVENT_IDX | F_DEV_B));
	ck_assert_uint_eq(wra(R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK), 0);
	ck_assert_uint_eq(rd(R_STATUS), S_READY);
	ck_assert_uint_eq(dev.driver_features,
			  F_VERSION_1 | F_EVENT_IDX | F_DEV_B);

	/* Linux's SHM probe: no region. */
	wra(R_SHM_SEL, 0);
	ck_assert_uint_eq(rd(R_SHM_LEN_LO), 0xffffffff);
	ck_assert_uint_eq(rd(R_SHM_LEN_HI), 0xffffffff);

	ck_assert_uint_eq(setup_queue(0, QUEUE_MAX, DESC, AVAIL, USED), 0);
	ck_assert_uint_eq(rd(R_QUEUE_READY), 1);
	ck_assert_uint_eq(rd(R_QUEUE_NUM), QUEUE_MAX);
	ck_assert_uint_eq(rd(R_DESC_LO), (uint32_t)DESC);
	ck_assert_uint_eq(rd(R_DESC_HI), 0);
	ck_assert_uint_eq(rd(R_DRIVER_LO), (uint32_t)AVAIL);
	ck_assert_uint_eq(rd(R_DEVICE_LO), (uint32_t)USED);
	ck_assert(dev.queue_ready[0]);
	ck_assert_uint_eq(dev.queues[0].num, QUEUE_MAX);
	ck_assert_uint_eq(dev.queues[0].desc_gpa, DESC);
	ck_assert_uint_eq(dev.queues[0].avail_gpa, AVAIL);
	ck_assert_uint_eq(dev.queues[0].used_gpa, USED);
	ck_assert(dev.queues[0].event_idx);
	ck_assert(!dev.queues[0].indirect);
	ck_assert(!dev.queues[0].broken);
	ck_assert_uint_eq(rd(R_STATUS), S_READY);

	/* 2.1.2: nothing is served before DRIVER_OK. */
	ck_assert_uint_eq(notify(0).actions, 0);

	ck_assert_uint_eq(wra(R_STATUS, S_LIVE), VIRTIO_MMIO_ACT_DRIVER_OK);
	ck_assert_uint_eq(rd(R_STATUS), S_LIVE);
	ck_assert(virtio_mmio_live(&dev));

	r = notify(0);
	ck_assert_uint_eq(r.actions, VIRTIO_MMIO_ACT_NOTIFY);
	ck_assert_uint_eq(r.queue, 0);
	ck_assert_uint_eq(notify(1).actions, 0); /* exists, not ready */
	ck_assert_uint_eq(notify(2).actions, 0); /* does not exist */
	ck_assert_uint_eq(notify(VIRTIO_MMIO_MAX_QUEUES).actions, 0);
	ck_assert_uint_eq(notify(0x10000).actions, 0);
	ck_assert_uint_eq(notify(0xffffffff).actions, 0);
	/* QueueNotify does not depend on QueueSel. */
	wra(R_QUEUE_SEL, 1);
	r = notify(0);
	ck_assert_uint_eq(r.actions, VIRTIO_MMIO_ACT_NOTIFY);
	ck_assert_uint_eq(r.queue, 0);

	/* Once the device needs a reset, nothing more is served. */
	ck_assert(virtio_mmio_needs_reset(&dev));
	ck_assert_uint_eq(rd(R_STATUS), S_LIVE | S_NEEDS_RESET);
	ck_assert_uint_eq(rd(R_INT_STATUS), INT_CONFIG);
	ck_assert_uint_eq(notify(0).actions, 0);
}
END_TEST

/* Two queues, the second set up like the first; each notifies alone. */
START_TEST(test_vmmio_two_queues)
{
	struct virtio_mmio_result r;

	ck_assert_uint_eq(negotiate(F_VERSION_1), S_READY);
	ck_assert_uint_eq(setup_queue(0, 64, DESC, AVAIL, USED), 0);
	ck_assert_uint_eq(setup_queue(1, 16, DESC1, AVAIL1, USED1), 0);
	ck_assert_uint_eq(wra(R_STATUS, S_LIVE), VIRTIO_MMIO_ACT_DRIVER_OK);
	ck_assert_uint_eq(rd(R_QUEUE_NUM), 16);
	wra(R_QUEUE_SEL, 0);
	ck_assert_uint_eq(rd(R_QUEUE_NUM), 64);
	ck_assert_uint_eq(dev.queues[1].desc_gpa, DESC1);
	r = notify(1);
	ck_assert_uint_eq(r.actions, VIRTIO_MMIO_ACT_NOTIFY);
	ck_assert_uint_eq(r.queue, 1);
	r = notify(0);
	ck_assert_uint_eq(r.actions, VIRTIO_MMIO_ACT_NOTIFY);
	ck_assert_uint_eq(r.queue, 0);

	/* QueueReady 0 on queue 1: its notifications are ignored again. */
	wra(R_QUEUE_SEL, 1);
	ck_assert_uint_eq(wra(R_QUEUE_READY, 0), 0);
	ck_assert_uint_eq(rd(R_QUEUE_READY), 0);
	ck_assert_uint_eq(notify(1).actions, 0);
	ck_assert_uint_eq(notify(0).actions, VIRTIO_MMIO_ACT_NOTIFY);
}
END_TEST

/* FAILED (2.1) also stops the device serving. */
START_TEST(test_vmmio_failed_stops_notify)
{
	go_live(F_VERSION_1);
	ck_assert_uint_eq(notify(0).actions, VIRTIO_MMIO_ACT_NOTIFY);
	ck_assert_uint_eq(wra(R_STATUS, S_LIVE | S_FAILED), 0);
	ck_assert_uint_eq(rd(R_STATUS), S_LIVE | S_FAILED);
	ck_assert_uint_eq(notify(0).actions, 0);
}
END_TEST

/* 2.2.2: FEATURES_OK is not set for features the device did not offer. */
START_TEST(test_vmmio_features_unknown)
{
	ck_assert_uint_eq(negotiate(F_VERSION_1 | (1ull << 40)),
			  S_ACK | S_DRIVER);
	ck_assert_uint_eq(negotiate(F_VERSION_1 | (1ull << 3)),
			  S_ACK | S_DRIVER);
	ck_assert_uint_eq(negotiate(F_VERSION_1 | (1ull << 63)),
			  S_ACK | S_DRIVER);
	ck_assert_uint_eq(negotiate(~0ull), S_ACK | S_DRIVER);
	/* Everything offered is fine. */
	ck_assert_uint_eq(negotiate(DEV_FEATURES), S_READY);
}
END_TEST

/* 6.1, 6.2: a modern device needs VIRTIO_F_VERSION_1 negotiated. */
START_TEST(test_vmmio_features_no_version_1)
{
	ck_assert_uint_eq(negotiate(0), S_ACK | S_DRIVER);
	ck_assert_uint_eq(negotiate(F_EVENT_IDX | F_INDIRECT | F_DEV_A),
			  S_ACK | S_DRIVER);
	/* A refused FEATURES_OK does not freeze the features: retry. */
	wra(R_DRV_FEAT_SEL, 1);
	wra(R_DRV_FEAT, 1);
	ck_assert_uint_eq(wra(R_STATUS, S_READY), 0);
	ck_assert_uint_eq(rd(R_STATUS), S_READY);
	ck_assert_uint_eq(dev.driver_features,
			  F_VERSION_1 | F_EVENT_IDX | F_INDIRECT | F_DEV_A);
}
END_TEST

/* DriverFeatures: the selected word only, frozen after FEATURES_OK. */
START_TEST(test_vmmio_driver_features_frozen)
{
	wra(R_STATUS, S_ACK | S_DRIVER);
	wra(R_DRV_FEAT_SEL, 0);
	wra(R_DRV_FEAT, 0xffffffff);
	ck_assert_uint_eq(dev.driver_features, 0xffffffffull);
	wra(R_DRV_FEAT, (uint32_t)F_DEV_A);
	ck_assert_uint_eq(dev.driver_features, F_DEV_A);
	wra(R_DRV_FEAT_SEL, 1);
	wra(R_DRV_FEAT, 1);
	ck_assert_uint_eq(dev.driver_features, F_VERSION_1 | F_DEV_A);
	/* Words past the second are ignored. */
	wra(R_DRV_FEAT_SEL, 2);
	wra(R_DRV_FEAT, 0xffffffff);
	wra(R_DRV_FEAT_SEL, 0xffffffff);
	wra(R_DRV_FEAT, 0xffffffff);
	ck_assert_uint_eq(dev.driver_features, F_VERSION_1 | F_DEV_A);

	ck_assert_uint_eq(wra(R_STATUS, S_READY), 0);
	ck_assert_uint_eq(rd(R_STATUS), S_READY);
	wra(R_DRV_FEAT_SEL, 0);
	wra(R_DRV_FEAT, (uint32_t)(F_EVENT_IDX | F_INDIRECT));
	wra(R_DRV_FEAT_SEL, 1);
	wra(R_DRV_FEAT, 0);
	ck_assert_uint_eq(dev.driver_features, F_VERSION_1 | F_DEV_A);
	ck_assert_uint_eq(wra(R_STATUS, S_LIVE), VIRTIO_MMIO_ACT_DRIVER_OK);
	wra(R_DRV_FEAT, 0);
	ck_assert_uint_eq(dev.driver_features, F_VERSION_1 | F_DEV_A);
	/* The queue uses what was negotiated, not what was written later. */
	ck_assert_uint_eq(setup_queue(0, 8, DESC, AVAIL, USED), 0);
	ck_assert(!dev.queues[0].event_idx);
	ck_assert(!dev.queues[0].indirect);
}
END_TEST

/* EVENT_IDX and INDIRECT_DESC reach the queue when negotiated. */
START_TEST(test_vmmio_queue_features)
{
	ck_assert_uint_eq(negotiate(F_VERSION_1 | F_EVENT_IDX | F_INDIRECT),
			  S_READY);
	ck_assert_uint_eq(setup_queue(0, 32, DESC, AVAIL, USED), 0);
	ck_assert(dev.queues[0].event_idx);
	ck_assert(dev.queues[0].indirect);

	ck_assert_uint_eq(negotiate(F_VERSION_1 | F_INDIRECT), S_READY);
	ck_assert_uint_eq(setup_queue(0, 32, DESC, AVAIL, USED), 0);
	ck_assert(!dev.queues[0].event_idx);
	ck_assert(dev.queues[0].indirect);

	ck_assert_uint_eq(negotiate(F_VERSION_1), S_READY);
	ck_assert_uint_eq(setup_queue(0, 32, DESC, AVAIL, USED), 0);
	ck_assert(!dev.queues[0].event_idx);
	ck_assert(!dev.queues[0].indirect);
}
END_TEST

/* 4.2.2: a ready queue's size and areas cannot change under the device. */
START_TEST(test_vmmio_queue_regs_ready)
{
	struct virtq before;

	go_live(F_VERSION_1);
	wra(R_QUEUE_SEL, 0);
	before = dev.queues[0];
	wra(R_QUEUE_NUM, 16);
	wra(R_DESC_LO, (uint32_t)DESC1);
	wra(R_DESC_HI, 1);
	wra(R_DRIVER_LO, (uint32_t)AVAIL1);
	wra(R_DRIVER_HI, 1);
	wra(R_DEVICE_LO, (uint32_t)USED1);
	wra(R_DEVICE_HI, 1);
	ck_assert_uint_eq(rd(R_QUEUE_NUM), QUEUE_MAX);
	ck_assert_uint_eq(rd(R_DESC_LO), (uint32_t)DESC);
	ck_assert_uint_eq(rd(R_DESC_HI), 0);
	ck_assert_uint_eq(rd(R_DRIVER_LO), (uint32_t)AVAIL);
	ck_assert_uint_eq(rd(R_DRIVER_HI), 0);
	ck_assert_uint_eq(rd(R_DEVICE_LO), (uint32_t)USED);
	ck_assert_uint_eq(rd(R_DEVICE_HI), 0);
	ck_assert_mem_eq(&dev.queues[0], &before, sizeof(before));

	/* QueueReady 1 again: no restart of a running queue. */
	dev.queues[0].last_avail = 5;
	dev.queues[0].used_idx = 3;
	ck_assert_uint_eq(wra(R_QUEUE_READY, 1), 0);
	ck_assert_uint_eq(dev.queues[0].last_avail, 5);
	ck_assert_uint_eq(dev.queues[0].used_idx, 3);

	/* Once not ready, the registers take writes again. */
	ck_assert_uint_eq(wra(R_QUEUE_READY, 0), 0);
	ck_assert_uint_eq(rd(R_QUEUE_READY), 0);
	ck_assert(!dev.queue_ready[0]);
	wra(R_QUEUE_NUM, 16);
	wra(R_DESC_LO, (uint32_t)DESC1);
	wra(R_DRIVER_LO, (uint32_t)AVAIL1);
	wra(R_DEVICE_LO, (uint32_t)USED1);
	ck_assert_uint_eq(rd(R_QUEUE_NUM), 16);
	ck_assert_uint_eq(rd(R_DESC_LO), (uint32_t)DESC1);
	ck_assert_uint_eq(wra(R_QUEUE_READY, 1), 0);
	ck_assert_uint_eq(rd(R_QUEUE_READY), 1);
	ck_assert_uint_eq(dev.queues[0].num, 16);
	ck_assert_uint_eq(dev.queues[0].used_gpa, USED1);
	/* virtq_start cleared the device's ring state. */
	ck_assert_uint_eq(dev.queues[0].last_avail, 0);
	ck_assert_uint_eq(dev.queues[0].used_idx, 0);
	ck_assert_uint_eq(notify(0).actions, VIRTIO_MMIO_ACT_NOTIFY);
}
END_TEST

/* QueueReady takes 1 and 0 only. */
START_TEST(test_vmmio_queue_ready_values)
{
	ck_assert_uint_eq(negotiate(F_VERSION_1), S_READY);
	ck_assert_uint_eq(setup_queue(0, 8, DESC, AVAIL, USED), 0);
	ck_assert_uint_eq(wra(R_QUEUE_READY, 2), 0);
	ck_assert_uint_eq(rd(R_QUEUE_READY), 1);
	ck_assert_uint_eq(wra(R_QUEUE_READY, 0), 0);
	ck_assert_uint_eq(wra(R_QUEUE_READY, 0xffffffff), 0);
	ck_assert_uint_eq(rd(R_QUEUE_READY), 0);
	ck_assert_uint_eq(wra(R_QUEUE_READY, 3), 0);
	ck_assert_uint_eq(rd(R_QUEUE_READY), 0);
	ck_assert_uint_eq(rd(R_STATUS), S_READY);
}
END_TEST

/* 4.2.2 QueueNum: 1..QueueNumMax, anything else is not taken. */
START_TEST(test_vmmio_queue_num_bounds)
{
	wra(R_QUEUE_SEL, 0);
	ck_assert_uint_eq(rd(R_QUEUE_NUM), 0);
	wra(R_QUEUE_NUM, 0);
	ck_assert_uint_eq(rd(R_QUEUE_NUM), 0);
	wra(R_QUEUE_NUM, QUEUE_MAX + 1);
	ck_assert_uint_eq(rd(R_QUEUE_NUM), 0);
	wra(R_QUEUE_NUM, 1);
	ck_assert_uint_eq(rd(R_QUEUE_NUM), 1);
	wra(R_QUEUE_NUM, QUEUE_MAX);
	ck_assert_uint_eq(rd(R_QUEUE_NUM), QUEUE_MAX);
	wra(R_QUEUE_NUM, QUEUE_MAX + 1);
	ck_assert_uint_eq(rd(R_QUEUE_NUM), QUEUE_MAX);
	wra(R_QUEUE_NUM, 0);
	ck_assert_uint_eq(rd(R_QUEUE_NUM), QUEUE_MAX);
	wra(R_QUEUE_NUM, 0x10000 + 8); /* no truncation to 16 bits */
	ck_assert_uint_eq(rd(R_QUEUE_NUM), QUEUE_MAX);
	wra(R_QUEUE_NUM, 0xffffffff);
	ck_assert_uint_eq(rd(R_QUEUE_NUM), QUEUE_MAX);
	wra(R_QUEUE_NUM, 64);
	ck_assert_uint_eq(rd(R_QUEUE_NUM), 64);
	/* Per queue. */
	wra(R_QUEUE_SEL, 1);
	ck_assert_uint_eq(rd(R_QUEUE_NUM), 0);
	wra(R_QUEUE_NUM, 2);
	ck_assert_uint_eq(rd(R_QUEUE_NUM), 2);
	wra(R_QUEUE_SEL, 0);
	ck_assert_uint_eq(rd(R_QUEUE_NUM), 64);

	/* A device model offering more than lkvm's rings take: clamped. */
	dev.queue_num_max = 0xffff;
	ck_assert_uint_eq(rd(R_QUEUE_NUM_MAX), VIRTQ_MAX_SIZE);
	wra(R_QUEUE_NUM, VIRTQ_MAX_SIZE + 1);
	ck_assert_uint_eq(rd(R_QUEUE_NUM), 64);
	wra(R_QUEUE_NUM, VIRTQ_MAX_SIZE);
	ck_assert_uint_eq(rd(R_QUEUE_NUM), VIRTQ_MAX_SIZE);
}
END_TEST

/* 4.2.3.2: the driver must write QueueNum; QueueReady without it fails. */
START_TEST(test_vmmio_queue_num_missing)
{
	ck_assert_uint_eq(negotiate(F_VERSION_1), S_READY);
	ck_assert_uint_eq(setup_queue(0, 0, DESC, AVAIL, USED), 0);
	ck_assert_uint_eq(rd(R_QUEUE_READY), 0);
	ck_assert_uint_eq(rd(R_STATUS), S_READY | S_NEEDS_RESET);
	ck_assert_uint_eq(rd(R_INT_STATUS), 0);
}
END_TEST

/* 3.1.1: queues are set up after FEATURES_OK. */
START_TEST(test_vmmio_queue_before_features_ok)
{
	wra(R_STATUS, S_ACK | S_DRIVER);
	wra(R_DRV_FEAT_SEL, 1);
	wra(R_DRV_FEAT, 1);
	ck_assert_uint_eq(setup_queue(0, 8, DESC, AVAIL, USED), 0);
	ck_assert_uint_eq(rd(R_QUEUE_READY), 0);
	ck_assert_uint_eq(rd(R_STATUS), S_ACK | S_DRIVER | S_NEEDS_RESET);
}
END_TEST

/* Rings virtq_start must refuse: outside RAM, or misaligned (2.7). */
static const struct {
	uint64_t desc, avail, used;
} bad_rings[] = {
	{ RAM_BASE - 0x1000, AVAIL, USED }, /* below RAM */
	{ DESC + (1ull << 32), AVAIL, USED }, /* QueueDescHigh set */
	{ DESC, RAM_BASE + RAM_SIZE, USED }, /* just past RAM */
	{ DESC, AVAIL, RAM_BASE + RAM_SIZE - 8 }, /* crosses the end */
	{ RAM_BASE + RAM_SIZE - 16, AVAIL, USED }, /* crosses the end */
	{ 0, 0, 0 }, /* never written */
	{ DESC + 8, AVAIL, USED }, /* descriptors: 16-byte alignment */
	{ DESC, AVAIL + 1, USED }, /* driver area: 2-byte alignment */
	{ DESC, AVAIL, USED + 2 }, /* device area: 4-byte alignment */
	{ ~0ull - 15, AVAIL, USED }, /* the sum would wrap */
};

/*
 * 2.1.2: a broken queue stays not ready and the device needs a reset;
 * the driver hears of it (configuration change) once DRIVER_OK is set.
 */
START_TEST(test_vmmio_bad_ring)
{
	ck_assert_uint_eq(negotiate(F_VERSION_1), S_READY);
	ck_assert_uint_eq(setup_queue(0, QUEUE_MAX, bad_rings[_i].desc,
				      bad_rings[_i].avail, bad_rings[_i].used),
			  0);
	ck_assert_uint_eq(rd(R_QUEUE_READY), 0);
	ck_assert(!dev.queue_ready[0]);
	ck_assert_uint_eq(rd(R_STATUS), S_READY | S_NEEDS_RESET);
	ck_assert_uint_eq(rd(R_INT_STATUS), 0);

	ck_assert_uint_eq(wra(R_STATUS, S_LIVE),
			  VIRTIO_MMIO_ACT_DRIVER_OK | VIRTIO_MMIO_ACT_IRQ);
	ck_assert_uint_eq(rd(R_STATUS), S_LIVE | S_NEEDS_RESET);
	ck_assert_uint_eq(rd(R_INT_STATUS), INT_CONFIG);
	ck_assert(!virtio_mmio_live(&dev));
	ck_assert_uint_eq(notify(0).actions, 0);
	/* The registers still read what the driver wrote. */
	ck_assert_uint_eq(rd(R_DESC_LO), (uint32_t)bad_rings[_i].desc);
	ck_assert_uint_eq(rd(R_DESC_HI), bad_rings[_i].desc >> 32);
	ck_assert_uint_eq(rd(R_DRIVER_LO), (uint32_t)bad_rings[_i].avail);
	ck_assert_uint_eq(rd(R_DEVICE_LO), (uint32_t)bad_rings[_i].used);
}
END_TEST

/* A broken queue after DRIVER_OK: the configuration interrupt at once. */
START_TEST(test_vmmio_bad_ring_live)
{
	go_live(F_VERSION_1);
	ck_assert_uint_eq(setup_queue(1, 8, DESC1 + 4, AVAIL1, USED1),
			  VIRTIO_MMIO_ACT_IRQ);
	ck_assert_uint_eq(rd(R_QUEUE_READY), 0);
	ck_assert_uint_eq(rd(R_STATUS), S_LIVE | S_NEEDS_RESET);
	ck_assert_uint_eq(rd(R_INT_STATUS), INT_CONFIG);
	ck_assert(virtio_mmio_irq_level(&dev));
	/* Again: the line is already high. */
	ck_assert_uint_eq(wra(R_QUEUE_READY, 1), 0);
	ck_assert_uint_eq(rd(R_INT_STATUS), INT_CONFIG);
	ck_assert_uint_eq(notify(0).actions, 0);
	/* The driver acknowledges; the line drops. */
	ck_assert_uint_eq(wra(R_INT_ACK, INT_CONFIG), VIRTIO_MMIO_ACT_IRQ);
	ck_assert(!virtio_mmio_irq_level(&dev));
}
END_TEST

/* InterruptStatus and InterruptACK, and the line's level. */
START_TEST(test_vmmio_interrupts)
{
	go_live(F_VERSION_1);
	ck_assert(!virtio_mmio_irq_level(&dev));
	ck_assert(!virtio_mmio_interrupt(&dev, 0));
	ck_assert(virtio_mmio_interrupt(&dev, VIRTIO_MMIO_INT_VRING));
	ck_assert(virtio_mmio_irq_level(&dev));
	ck_assert_uint_eq(rd(R_INT_STATUS), INT_USED);
	ck_assert(!virtio_mmio_interrupt(&dev, VIRTIO_MMIO_INT_VRING));
	ck_assert(!virtio_mmio_interrupt(&dev, VIRTIO_MMIO_INT_CONFIG));
	ck_assert_uint_eq(rd(R_INT_STATUS), INT_USED | INT_CONFIG);

	ck_assert_uint_eq(wra(R_INT_ACK, 0), 0);
	ck_assert_uint_eq(wra(R_INT_ACK, INT_USED), 0); /* config still set */
	ck_assert_uint_eq(rd(R_INT_STATUS), INT_CONFIG);
	ck_assert(virtio_mmio_irq_level(&dev));
	ck_assert_uint_eq(wra(R_INT_ACK, INT_CONFIG), VIRTIO_MMIO_ACT_IRQ);
	ck_assert_uint_eq(rd(R_INT_STATUS), 0);
	ck_assert(!virtio_mmio_irq_level(&dev));
	ck_assert_uint_eq(wra(R_INT_ACK, 0xffffffff), 0);

	ck_assert(virtio_mmio_interrupt(&dev, VIRTIO_MMIO_INT_CONFIG));
	ck_assert_uint_eq(wra(R_INT_ACK, 0xffffffff), VIRTIO_MMIO_ACT_IRQ);
	ck_assert_uint_eq(rd(R_INT_STATUS), 0);

	/* A register read does not acknowledge anything. */
	ck_assert(virtio_mmio_interrupt(&dev, VIRTIO_MMIO_INT_VRING));
	ck_assert_uint_eq(rd(R_INT_STATUS), INT_USED);
	ck_assert_uint_eq(rd(R_INT_STATUS), INT_USED);
}
END_TEST

/* needs_reset: the configuration interrupt only once DRIVER_OK is set. */
START_TEST(test_vmmio_needs_reset_levels)
{
	ck_assert_uint_eq(negotiate(F_VERSION_1), S_READY);
	ck_assert(!virtio_mmio_needs_reset(&dev));
	ck_assert_uint_eq(rd(R_STATUS), S_READY | S_NEEDS_RESET);
	ck_assert_uint_eq(rd(R_INT_STATUS), 0);

	go_live(F_VERSION_1);
	ck_assert(virtio_mmio_interrupt(&dev, VIRTIO_MMIO_INT_VRING));
	ck_assert(!virtio_mmio_needs_reset(&dev)); /* line already high */
	ck_assert_uint_eq(rd(R_INT_STATUS), INT_USED | INT_CONFIG);
	ck_assert_uint_eq(rd(R_STATUS), S_LIVE | S_NEEDS_RESET);
	ck_assert_uint_eq(notify(0).actions, 0);
}
END_TEST

/* 2.1.2, 4.2.2: writing 0 to Status resets the device. */
START_TEST(test_vmmio_reset)
{
	static const struct virtq zero_q;
	uint8_t b[4] = { 0xa1, 0xa2, 0xa3, 0xa4 };
	unsigned int i;

	go_live(F_VERSION_1 | F_EVENT_IDX);
	ck_assert_uint_eq(setup_queue(1, 8, DESC1, AVAIL1, USED1), 0);
	wra(R_DEV_FEAT_SEL, 1);
	wra(R_SHM_SEL, 3);
	ck_assert_uint_eq(access(R_CONFIG, b, 4, true).actions,
			  VIRTIO_MMIO_ACT_CONFIG_WRITE);
	dev.config_generation = 3;
	ck_assert(virtio_mmio_interrupt(&dev, VIRTIO_MMIO_INT_VRING));

	ck_assert_uint_eq(wra(R_STATUS, 0),
			  VIRTIO_MMIO_ACT_RESET | VIRTIO_MMIO_ACT_IRQ);
	ck_assert(!virtio_mmio_irq_level(&dev));
	ck_assert_uint_eq(rd(R_STATUS), 0);
	ck_assert_uint_eq(rd(R_INT_STATUS), 0);
	ck_assert_uint_eq(dev.driver_features, 0);
	ck_assert_uint_eq(dev.device_features_sel, 0);
	ck_assert_uint_eq(dev.driver_features_sel, 0);
	ck_assert_uint_eq(dev.queue_sel, 0);
	for (i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++) {
		ck_assert(!dev.queue_ready[i]);
		ck_assert_mem_eq(&dev.queues[i], &zero_q, sizeof(zero_q));
	}
	/* What the device model set is kept. */
	ck_assert_uint_eq(dev.device_id, 2);
	ck_assert_uint_eq(dev.device_features, DEV_FEATURES);
	ck_assert_uint_eq(dev.nr_queues, NR_QUEUES);
	ck_assert_uint_eq(dev.queue_num_max, QUEUE_MAX);
	ck_assert_ptr_eq(dev.config, config_buf);
	ck_assert_uint_eq(dev.config_len, CONFIG_LEN);
	ck_assert_uint_eq(dev.config_writable, CONFIG_WRITABLE);
	ck_assert_uint_eq(dev.config_generation, 3);
	ck_assert_mem_eq(config_buf, b, 4);

	/* Through the registers. */
	ck_assert_uint_eq(rd(R_DEV_FEAT), (uint32_t)DEV_FEATURES);
	ck_assert_uint_eq(rd(R_QUEUE_READY), 0);
	ck_assert_uint_eq(rd(R_QUEUE_NUM), 0);
	ck_assert_uint_eq(rd(R_DESC_LO), 0);
	ck_assert_uint_eq(rd(R_QUEUE_NUM_MAX), QUEUE_MAX);
	ck_assert_uint_eq(rd(R_CONFIG_GEN), 3);
	ck_assert_uint_eq(rd(R_MAGIC), MAGIC);
	ck_assert_uint_eq(notify(0).actions, 0);

	/* The line low: only the reset. */
	ck_assert_uint_eq(wra(R_STATUS, 0), VIRTIO_MMIO_ACT_RESET);
}
END_TEST

/* After a reset, a device that needed one works again. */
START_TEST(test_vmmio_reset_after_needs_reset)
{
	go_live(F_VERSION_1);
	ck_assert(virtio_mmio_needs_reset(&dev));
	ck_assert_uint_eq(wra(R_STATUS, 0),
			  VIRTIO_MMIO_ACT_RESET | VIRTIO_MMIO_ACT_IRQ);
	ck_assert_uint_eq(rd(R_STATUS), 0);
	go_live(F_VERSION_1);
	ck_assert_uint_eq(notify(0).actions, VIRTIO_MMIO_ACT_NOTIFY);

	/* virtio_mmio_reset itself, as the device model calls it. */
	virtio_mmio_reset(&dev);
	ck_assert_uint_eq(dev.status, 0);
	ck_assert(!dev.queue_ready[0]);
	ck_assert_uint_eq(dev.queues[0].num, 0);
	ck_assert_uint_eq(dev.device_id, 2);
	ck_assert_uint_eq(notify(0).actions, 0);
}
END_TEST

/* 4.2.2.2: the control registers take aligned 32-bit accesses only. */
START_TEST(test_vmmio_reg_width)
{
	static const unsigned int lens[] = { 1, 2, 3, 8 };
	static const uint64_t offs[] = { R_MAGIC,  R_VERSION,	 R_VENDOR_ID,
					 R_STATUS, R_SHM_LEN_LO, R_CONFIG_GEN };
	uint8_t b[16];
	unsigned int i, j, k;

	dev.config_generation = 0x01020304;
	wra(R_STATUS, S_ACK);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		for (j = 0; j < ARRAY_SIZE(offs); j++) {
			memset(b, 0xaa, sizeof(b));
			ck_assert_uint_eq(
				access(offs[j], b, lens[i], false).actions, 0);
			for (k = 0; k < sizeof(b); k++)
				ck_assert_uint_eq(b[k], k < lens[i] ? 0 : 0xaa);
		}
	}
	/* Writes of other widths are ignored: no reset, no status bits. */
	memset(b, 0, sizeof(b));
	for (i = 0; i < ARRAY_SIZE(lens); i++)
		ck_assert_uint_eq(access(R_STATUS, b, lens[i], true).actions,
				  0);
	ck_assert_uint_eq(rd(R_STATUS), S_ACK);
	memset(b, 0xff, sizeof(b));
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		access(R_STATUS, b, lens[i], true);
		access(R_QUEUE_NUM, b, lens[i], true);
		access(R_DESC_LO, b, lens[i], true);
		access(R_DEV_FEAT_SEL, b, lens[i], true);
	}
	ck_assert_uint_eq(rd(R_STATUS), S_ACK);
	ck_assert_uint_eq(rd(R_QUEUE_NUM), 0);
	ck_assert_uint_eq(rd(R_DESC_LO), 0);
	ck_assert_uint_eq(rd(R_DEV_FEAT), (uint32_t)DEV_FEATURES);
	/* A two-byte QueueNum is not taken even when in range. */
	b[0] = 8;
	b[1] = 0;
	access(R_QUEUE_NUM, b, 2, true);
	ck_assert_uint_eq(rd(R_QUEUE_NUM), 0);
	/* Nothing at all for an empty access. */
	ck_assert_uint_eq(access(R_MAGIC, NULL, 0, false).actions, 0);
	ck_assert_uint_eq(access(R_STATUS, NULL, 0, true).actions, 0);
}
END_TEST

START_TEST(test_vmmio_reg_misaligned)
{
	static const uint64_t offs[] = { 0x001, 0x002, 0x003, 0x005,
					 0x0fd, 0x0fe, 0x0ff };
	uint8_t b[8];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		memset(b, 0xaa, sizeof(b));
		access(offs[i], b, 4, false);
		ck_assert_uint_eq(le32(b), 0);
		ck_assert_uint_eq(b[4], 0xaa);
	}
	wra(R_STATUS, S_ACK);
	memset(b, 0, sizeof(b));
	for (i = R_STATUS - 3; i < R_STATUS + 4; i++)
		if (i != R_STATUS)
			ck_assert_uint_eq(access(i, b, 4, true).actions, 0);
	memset(b, 0xff, sizeof(b));
	for (i = R_STATUS - 3; i < R_STATUS + 4; i++)
		if (i != R_STATUS)
			access(i, b, 4, true);
	ck_assert_uint_eq(rd(R_STATUS), S_ACK);
	/* An 8-byte access at 0x0fc would reach config space: still 0. */
	memset(b, 0xaa, sizeof(b));
	access(R_CONFIG_GEN, b, 8, false);
	for (i = 0; i < 8; i++)
		ck_assert_uint_eq(b[i], 0);
}
END_TEST

/* 4.2.2.2: configuration space in 8, 16, 32 (and 64) bit accesses. */
START_TEST(test_vmmio_config_read)
{
	uint8_t b[8];
	unsigned int i, w, k;

	for (w = 1; w <= 8; w *= 2) {
		for (i = 0; i + w <= CONFIG_LEN; i += w) {
			memset(b, 0xaa, sizeof(b));
			ck_assert_uint_eq(
				access(R_CONFIG + i, b, w, false).actions, 0);
			for (k = 0; k < sizeof(b); k++)
				ck_assert_uint_eq(b[k],
						  k < w ? 0x10 + i + k : 0xaa);
		}
	}
	/* Little-endian, as the device wrote it. */
	access(R_CONFIG + 4, b, 4, false);
	ck_assert_uint_eq(le32(b), 0x17161514);
	ck_assert(no_config_slack_touched());
}
END_TEST

START_TEST(test_vmmio_config_bad_read)
{
	static const struct {
		uint64_t off;
		unsigned int len;
	} bad[] = {
		{ R_CONFIG + 1, 2 },
		{ R_CONFIG + 2, 4 },
		{ R_CONFIG + 4, 8 },
		{ R_CONFIG + 12, 8 },
		{ R_CONFIG, 3 },
		{ R_CONFIG, 16 },
		{ R_CONFIG + CONFIG_LEN, 1 }, /* just past config_len */
		{ R_CONFIG + CONFIG_LEN, 2 },
		{ R_CONFIG + CONFIG_LEN, 4 },
		{ R_CONFIG + CONFIG_LEN, 8 },
		{ WINDOW - 1, 1 },
		{ WINDOW - 8, 8 },
		{ WINDOW, 4 },
		{ 0x1000, 4 },
		{ 1ull << 32, 1 },
		{ ~0ull - 3, 4 },
		{ ~0ull, 1 },
		{ ~0ull - 7, 8 },
	};
	uint8_t b[16];
	unsigned int i, k;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(b, 0xaa, sizeof(b));
		ck_assert_uint_eq(
			access(bad[i].off, b, bad[i].len, false).actions, 0);
		for (k = 0; k < sizeof(b); k++)
			ck_assert_msg(b[k] == (k < bad[i].len ? 0 : 0xaa),
				      "access %u byte %u: %#x", i, k, b[k]);
	}

	/* A config_len that is not a multiple of 8: 4 fits, 8 does not. */
	dev.config_len = 20;
	memset(b, 0xaa, sizeof(b));
	access(R_CONFIG + 16, b, 4, false);
	ck_assert_uint_eq(le32(b), 0x23222120);
	memset(b, 0xaa, sizeof(b));
	access(R_CONFIG + 16, b, 8, false);
	for (k = 0; k < 8; k++)
		ck_assert_uint_eq(b[k], 0);

	/* No configuration space at all. */
	dev.config_len = 0;
	memset(b, 0xaa, sizeof(b));
	access(R_CONFIG, b, 1, false);
	ck_assert_uint_eq(b[0], 0);
	dev.config = NULL;
	dev.config_len = 8;
	memset(b, 0xaa, sizeof(b));
	access(R_CONFIG, b, 4, false);
	ck_assert_uint_eq(le32(b), 0);
	ck_assert_uint_eq(access(R_CONFIG, b, 4, true).actions, 0);
}
END_TEST

/* Writes land in the first config_writable bytes only. */
START_TEST(test_vmmio_config_write)
{
	static const struct {
		uint64_t off;
		unsigned int len;
	} bad[] = {
		{ R_CONFIG + CONFIG_WRITABLE, 1 },
		{ R_CONFIG + CONFIG_WRITABLE, 8 },
		{ R_CONFIG + 4, 8 }, /* misaligned and crossing */
		{ R_CONFIG + 6, 4 }, /* misaligned */
		{ R_CONFIG + 1, 2 },
		{ R_CONFIG, 3 },
		{ R_CONFIG + CONFIG_LEN - 1, 1 },
		{ R_CONFIG + CONFIG_LEN, 1 },
		{ WINDOW, 4 },
		{ ~0ull, 1 },
	};
	uint8_t want[CONFIG_LEN + CONFIG_SLACK];
	uint8_t b[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	unsigned int i;

	memcpy(want, config_buf, sizeof(want));
	ck_assert_uint_eq(access(R_CONFIG, b, 8, true).actions,
			  VIRTIO_MMIO_ACT_CONFIG_WRITE);
	memcpy(want, b, 8);
	ck_assert_mem_eq(config_buf, want, sizeof(want));
	b[0] = 0x99;
	ck_assert_uint_eq(access(R_CONFIG + 7, b, 1, true).actions,
			  VIRTIO_MMIO_ACT_CONFIG_WRITE);
	want[7] = 0x99;
	ck_assert_uint_eq(access(R_CONFIG + 2, b, 2, true).actions,
			  VIRTIO_MMIO_ACT_CONFIG_WRITE);
	want[2] = 0x99;
	want[3] = 2;
	ck_assert_uint_eq(access(R_CONFIG + 4, b, 4, true).actions,
			  VIRTIO_MMIO_ACT_CONFIG_WRITE);
	memcpy(want + 4, b, 4);
	ck_assert_mem_eq(config_buf, want, sizeof(want));
	/* And the driver reads back what it wrote. */
	memset(b, 0, sizeof(b));
	access(R_CONFIG, b, 8, false);
	ck_assert_mem_eq(b, want, 8);

	memset(b, 0x77, sizeof(b));
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_uint_eq(
			access(bad[i].off, b, bad[i].len, true).actions, 0);
	ck_assert_mem_eq(config_buf, want, sizeof(want));

	/* config_writable past config_len: config_len bounds it. */
	dev.config_writable = 0x80;
	ck_assert_uint_eq(access(R_CONFIG + CONFIG_LEN, b, 8, true).actions, 0);
	ck_assert_uint_eq(access(R_CONFIG + CONFIG_LEN - 8, b, 8, true).actions,
			  VIRTIO_MMIO_ACT_CONFIG_WRITE);
	memcpy(want + CONFIG_LEN - 8, b, 8);
	ck_assert_mem_eq(config_buf, want, sizeof(want));
	ck_assert(no_config_slack_touched());

	/* Nothing writable. */
	dev.config_writable = 0;
	ck_assert_uint_eq(access(R_CONFIG, b, 1, true).actions, 0);
	ck_assert_mem_eq(config_buf, want, sizeof(want));
}
END_TEST

/* 4.2.2 QueueSel: a queue past the last one does not exist. */
START_TEST(test_vmmio_no_such_queue)
{
	static const uint32_t sels[] = { NR_QUEUES, VIRTIO_MMIO_MAX_QUEUES,
					 0x10000, 0xffffffff };
	static const struct virtq zero_q;
	unsigned int i, j;

	ck_assert_uint_eq(negotiate(F_VERSION_1), S_READY);
	for (i = 0; i < ARRAY_SIZE(sels); i++) {
		wra(R_QUEUE_SEL, sels[i]);
		ck_assert_uint_eq(rd(R_QUEUE_NUM_MAX), 0);
		wra(R_QUEUE_NUM, 8);
		wra(R_DESC_LO, (uint32_t)DESC);
		wra(R_DESC_HI, 0);
		wra(R_DRIVER_LO, (uint32_t)AVAIL);
		wra(R_DEVICE_LO, (uint32_t)USED);
		ck_assert_uint_eq(wra(R_QUEUE_READY, 1), 0);
		ck_assert_uint_eq(rd(R_QUEUE_READY), 0);
		ck_assert_uint_eq(rd(R_QUEUE_NUM), 0);
		ck_assert_uint_eq(rd(R_DESC_LO), 0);
		ck_assert_uint_eq(rd(R_DRIVER_LO), 0);
		ck_assert_uint_eq(rd(R_DEVICE_LO), 0);
		ck_assert_uint_eq(wra(R_QUEUE_READY, 0), 0);
	}
	/* Nothing written reached a queue, nor asked for a reset. */
	ck_assert_uint_eq(rd(R_STATUS), S_READY);
	for (j = 0; j < VIRTIO_MMIO_MAX_QUEUES; j++) {
		ck_assert(!dev.queue_ready[j]);
		ck_assert_mem_eq(&dev.queues[j], &zero_q, sizeof(zero_q));
	}
	/* Selecting queue 0 again gives it back. */
	wra(R_QUEUE_SEL, 0);
	ck_assert_uint_eq(rd(R_QUEUE_NUM_MAX), QUEUE_MAX);
	ck_assert_uint_eq(rd(R_QUEUE_NUM), 0);

	/* A device model claiming more queues than the arrays hold. */
	dev.nr_queues = 100;
	wra(R_QUEUE_SEL, VIRTIO_MMIO_MAX_QUEUES);
	ck_assert_uint_eq(rd(R_QUEUE_NUM_MAX), 0);
	wra(R_QUEUE_SEL, VIRTIO_MMIO_MAX_QUEUES - 1);
	ck_assert_uint_eq(rd(R_QUEUE_NUM_MAX), QUEUE_MAX);
}
END_TEST

/* 2.1.1: the driver never clears bits; only a write of 0 (reset) does. */
START_TEST(test_vmmio_status_no_clear)
{
	wra(R_STATUS, S_ACK | S_DRIVER);
	ck_assert_uint_eq(wra(R_STATUS, S_ACK), 0);
	ck_assert_uint_eq(rd(R_STATUS), S_ACK | S_DRIVER);
	ck_assert_uint_eq(wra(R_STATUS, S_DRIVER), 0);
	ck_assert_uint_eq(rd(R_STATUS), S_ACK | S_DRIVER);
	wra(R_DRV_FEAT_SEL, 1);
	wra(R_DRV_FEAT, 1);
	ck_assert_uint_eq(wra(R_STATUS, S_FEATURES_OK), 0);
	ck_assert_uint_eq(rd(R_STATUS), S_READY);
	ck_assert_uint_eq(wra(R_STATUS, S_ACK), 0);
	ck_assert_uint_eq(rd(R_STATUS), S_READY);

	/* NEEDS_RESET is the device's: the driver can neither set it ... */
	ck_assert_uint_eq(wra(R_STATUS, S_READY | S_NEEDS_RESET), 0);
	ck_assert_uint_eq(rd(R_STATUS), S_READY);
	/* ... nor clear it. */
	ck_assert(!virtio_mmio_needs_reset(&dev));
	ck_assert_uint_eq(wra(R_STATUS, S_READY), 0);
	ck_assert_uint_eq(rd(R_STATUS), S_READY | S_NEEDS_RESET);

	/* Bits 4, 5 and 8 up are not status bits (2.1). */
	ck_assert_uint_eq(wra(R_STATUS, 0x10 | 0x20 | 0x100 | 0x80000000), 0);
	ck_assert_uint_eq(rd(R_STATUS), S_READY | S_NEEDS_RESET);

	/* FAILED may be set by the driver. */
	ck_assert_uint_eq(wra(R_STATUS, S_FAILED), 0);
	ck_assert_uint_eq(rd(R_STATUS), S_READY | S_NEEDS_RESET | S_FAILED);

	ck_assert_uint_eq(wra(R_STATUS, 0), VIRTIO_MMIO_ACT_RESET);
	ck_assert_uint_eq(rd(R_STATUS), 0);
}
END_TEST

/* DRIVER_OK: after FEATURES_OK only (3.1.1), reported once. */
START_TEST(test_vmmio_driver_ok)
{
	wra(R_STATUS, S_ACK | S_DRIVER);
	wra(R_DRV_FEAT_SEL, 1);
	wra(R_DRV_FEAT, 1);
	ck_assert_uint_eq(wra(R_STATUS, S_ACK | S_DRIVER | S_DRIVER_OK), 0);
	ck_assert_uint_eq(rd(R_STATUS), S_ACK | S_DRIVER);
	ck_assert(!virtio_mmio_live(&dev));

	/* FEATURES_OK refused in the same write: no DRIVER_OK either. */
	wra(R_DRV_FEAT, 3);
	ck_assert_uint_eq(wra(R_STATUS, S_LIVE), 0);
	ck_assert_uint_eq(rd(R_STATUS), S_ACK | S_DRIVER);

	/* Both accepted in one write. */
	wra(R_DRV_FEAT, 1);
	ck_assert_uint_eq(wra(R_STATUS, S_LIVE), VIRTIO_MMIO_ACT_DRIVER_OK);
	ck_assert_uint_eq(rd(R_STATUS), S_LIVE);
	/* Written again: nothing new. */
	ck_assert_uint_eq(wra(R_STATUS, S_LIVE), 0);
	ck_assert_uint_eq(wra(R_STATUS, S_DRIVER_OK), 0);
	ck_assert_uint_eq(rd(R_STATUS), S_LIVE);
}
END_TEST

/*
 * Random accesses, many of them with values a driver might write, against
 * a device with an odd config_len. Layouts: config[] alone on the heap (the
 * sanitizers catch any stray byte) or inside guard bytes.
 */
#define RND_ITERATIONS 100000
#define RND_QMAX 8
#define RND_CONFIG_LEN 13
#define RND_CONFIG_WRITABLE 6
#define RND_GUARD 32

static uint64_t rnd_next(uint64_t *s)
{
	/* xorshift64* */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static uint32_t rnd_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)((rnd_next(s) >> 32) % n);
}

static uint32_t rnd_ring_addr(uint64_t *s)
{
	static const uint32_t skew[] = { 0, 0, 0, 0, 0, 1, 2, 4, 8 };

	if (rnd_below(s, 8) == 0)
		return (uint32_t)rnd_next(s);
	return (uint32_t)RAM_BASE + rnd_below(s, RAM_SIZE / 0x400) * 0x400 +
	       skew[rnd_below(s, ARRAY_SIZE(skew))];
}

static uint32_t rnd_value(uint64_t *s, uint64_t off)
{
	if (rnd_below(s, 10) == 0)
		return (uint32_t)rnd_next(s);
	switch (off) {
	case R_STATUS:
		return rnd_below(s, 40) ?
			       1u << rnd_below(s, 9) | rnd_below(s, 16) :
			       0;
	case R_DEV_FEAT_SEL:
	case R_DRV_FEAT_SEL:
	case R_QUEUE_READY:
		return rnd_below(s, 3);
	case R_DRV_FEAT:
		switch (rnd_below(s, 3)) {
		case 0:
			return 0;
		case 1:
			return 1; /* VERSION_1 in word 1 */
		default:
			return (uint32_t)DEV_FEATURES;
		}
	case R_QUEUE_SEL:
	case R_QUEUE_NOTIFY:
	case R_INT_ACK:
		return rnd_below(s, 5);
	case R_QUEUE_NUM:
		return rnd_below(s, RND_QMAX + 3);
	case R_DESC_LO:
	case R_DRIVER_LO:
	case R_DEVICE_LO:
		return rnd_ring_addr(s);
	case R_DESC_HI:
	case R_DRIVER_HI:
	case R_DEVICE_HI:
		return rnd_below(s, 8) == 0;
	default:
		return rnd_below(s, 4);
	}
}

static uint64_t rnd_offset(uint64_t *s)
{
	static const uint64_t regs[] = {
		R_MAGIC,	R_VERSION,	 R_DEVICE_ID,	R_VENDOR_ID,
		R_DEV_FEAT,	R_DEV_FEAT_SEL,	 R_DRV_FEAT,	R_DRV_FEAT_SEL,
		R_QUEUE_SEL,	R_QUEUE_NUM_MAX, R_QUEUE_NUM,	R_QUEUE_READY,
		R_QUEUE_NOTIFY, R_INT_STATUS,	 R_INT_ACK,	R_STATUS,
		R_DESC_LO,	R_DESC_HI,	 R_DRIVER_LO,	R_DRIVER_HI,
		R_DEVICE_LO,	R_DEVICE_HI,	 R_SHM_SEL,	R_SHM_LEN_LO,
		R_SHM_LEN_HI,	R_SHM_BASE_LO,	 R_SHM_BASE_HI, R_QUEUE_RESET,
		R_CONFIG_GEN,
	};
	uint32_t pick = rnd_below(s, 100);

	if (pick < 55)
		return regs[rnd_below(s, ARRAY_SIZE(regs))];
	if (pick < 65)
		return rnd_below(s, R_CONFIG);
	if (pick < 90)
		return R_CONFIG + rnd_below(s, 24);
	if (pick < 97)
		return rnd_below(s, 0x400);
	return rnd_next(s);
}

#define RCHECK(c)                                                             \
	do {                                                                  \
		if (!(c))                                                     \
			ck_abort_msg("iteration %u off %#llx len %u: %s", it, \
				     (unsigned long long)off, len, #c);       \
	} while (0)

static bool rnd_config_ok(uint64_t off, unsigned int len, uint32_t limit)
{
	uint64_t i;

	if (off < R_CONFIG || off >= WINDOW)
		return false;
	i = off - R_CONFIG;
	return i % len == 0 && i + len <= limit;
}

/*
 * Now and then the walk brings the device up as a driver would (with
 * random sizes and ring addresses, not all of them good), so that the
 * random accesses also meet ready queues and a live device.
 */
struct rnd_step {
	uint64_t off;
	uint32_t v;
};

static unsigned int rnd_bring_up(uint64_t *s, struct rnd_step *st)
{
	unsigned int n = 0, q;

	st[n++] = (struct rnd_step){ R_STATUS, 0 };
	st[n++] = (struct rnd_step){ R_STATUS, S_ACK };
	st[n++] = (struct rnd_step){ R_STATUS, S_ACK | S_DRIVER };
	st[n++] = (struct rnd_step){ R_DRV_FEAT_SEL, 1 };
	st[n++] = (struct rnd_step){ R_DRV_FEAT, 1 };
	st[n++] = (struct rnd_step){ R_DRV_FEAT_SEL, 0 };
	st[n++] = (struct rnd_step){ R_DRV_FEAT,
				     (uint32_t)DEV_FEATURES & rnd_next(s) };
	st[n++] = (struct rnd_step){ R_STATUS, S_READY };
	for (q = 0; q < NR_QUEUES; q++) {
		st[n++] = (struct rnd_step){ R_QUEUE_SEL, q };
		st[n++] = (struct rnd_step){ R_QUEUE_NUM,
					     1 + rnd_below(s, RND_QMAX) };
		st[n++] = (struct rnd_step){ R_DESC_LO, rnd_ring_addr(s) };
		st[n++] = (struct rnd_step){ R_DRIVER_LO, rnd_ring_addr(s) };
		st[n++] = (struct rnd_step){ R_DEVICE_LO, rnd_ring_addr(s) };
		st[n++] = (struct rnd_step){ R_QUEUE_READY, 1 };
	}
	st[n++] = (struct rnd_step){ R_STATUS, S_LIVE };
	st[n++] = (struct rnd_step){ R_QUEUE_NOTIFY, rnd_below(s, 3) };
	st[n++] = (struct rnd_step){ R_QUEUE_NOTIFY, rnd_below(s, 3) };
	return n;
}

START_TEST(test_vmmio_random)
{
	static const unsigned int lens[] = { 1, 2, 4, 8 };
	static const uint64_t seeds[] = { 0x9e3779b97f4a7c15ull, 1, 0xdeadbeef,
					  0x123456789abcdefull };
	uint64_t seed = seeds[_i / 2];
	bool guarded = _i % 2;
	struct virtio_mmio d;
	struct rnd_step script[32];
	uint8_t *buf, *config, shadow[RND_CONFIG_LEN];
	unsigned int it, i, len = 0, readies = 0, notifies = 0, live = 0;
	unsigned int script_len = 0, script_pos = 0;
	uint64_t off = 0;

	buf = malloc(guarded ? RND_CONFIG_LEN + 2 * RND_GUARD : RND_CONFIG_LEN);
	ck_assert_ptr_nonnull(buf);
	if (guarded) {
		memset(buf, 0xee, RND_CONFIG_LEN + 2 * RND_GUARD);
		config = buf + RND_GUARD;
	} else {
		config = buf;
	}
	for (i = 0; i < RND_CONFIG_LEN; i++)
		config[i] = shadow[i] = 0x40 + i;

	memset(&d, 0, sizeof(d));
	d.device_id = 3;
	d.device_features = DEV_FEATURES;
	d.nr_queues = NR_QUEUES;
	d.queue_num_max = RND_QMAX;
	d.config = config;
	d.config_len = RND_CONFIG_LEN;
	d.config_writable = RND_CONFIG_WRITABLE;
	virtio_mmio_reset(&d);

	for (it = 0; it < RND_ITERATIONS; it++) {
		bool prev_ready[VIRTIO_MMIO_MAX_QUEUES];
		bool was_high = d.interrupt_status != 0;
		struct virtio_mmio_result r;
		uint8_t data[16];
		bool is_write, changed, scripted = script_pos < script_len;
		unsigned int k;

		memcpy(prev_ready, d.queue_ready, sizeof(prev_ready));
		if (!scripted && rnd_below(&seed, 300) == 0) {
			script_len = rnd_bring_up(&seed, script);
			script_pos = 0;
			scripted = true;
		}
		if (!scripted && rnd_below(&seed, 100) == 0) {
			if (rnd_below(&seed, 2))
				changed = virtio_mmio_interrupt(
					&d, rnd_below(&seed, 4));
			else
				changed = virtio_mmio_needs_reset(&d);
			RCHECK(changed ==
			       (was_high != (d.interrupt_status != 0)));
			RCHECK(!memcmp(prev_ready, d.queue_ready,
				       sizeof(prev_ready)));
			continue;
		}
		memset(data, 0x5a, sizeof(data));
		if (scripted) {
			uint32_t v = script[script_pos].v;

			off = script[script_pos++].off;
			len = 4;
			is_write = true;
			for (k = 0; k < 4; k++)
				data[k] = v >> (8 * k);
		} else {
			off = rnd_offset(&seed);
			len = off < R_CONFIG && rnd_below(&seed, 2) ?
				      4 :
				      lens[rnd_below(&seed, ARRAY_SIZE(lens))];
			is_write = rnd_below(&seed, 2);
		}
		if (is_write && !scripted) {
			uint32_t v = rnd_value(&seed, off);

			for (k = 0; k < len; k++)
				data[k] = k < 4 ? v >> (8 * k) :
						  (uint8_t)rnd_next(&seed);
		}
		r = virtio_mmio_access(&d, &ram, off, data, len, is_write);

		/* Data beyond the access is never written. */
		for (k = len; k < sizeof(data); k++)
			RCHECK(data[k] == 0x5a);
		if (!is_write) {
			RCHECK(r.actions == 0);
			if (off >= R_CONFIG) {
				bool ok =
					rnd_config_ok(off, len, RND_CONFIG_LEN);

				for (k = 0; k < len; k++)
					RCHECK(data[k] ==
					       (ok ? shadow[off - R_CONFIG + k] :
						     0));
			} else if (len != 4 || off % 4) {
				for (k = 0; k < len; k++)
					RCHECK(data[k] == 0);
			} else if (off == R_MAGIC) {
				RCHECK(le32(data) == MAGIC);
			} else if (off == R_VERSION) {
				RCHECK(le32(data) == 2);
			} else if (off == R_QUEUE_NUM_MAX) {
				RCHECK(le32(data) == (d.queue_sel < NR_QUEUES ?
							      RND_QMAX :
							      0));
			} else if (off == R_SHM_LEN_LO || off == R_SHM_LEN_HI) {
				RCHECK(le32(data) == 0xffffffff);
			}
		} else if (off >= R_CONFIG) {
			bool ok = rnd_config_ok(off, len, RND_CONFIG_WRITABLE);

			RCHECK(r.actions ==
			       (ok ? VIRTIO_MMIO_ACT_CONFIG_WRITE : 0u));
			if (ok)
				memcpy(shadow + off - R_CONFIG, data, len);
		} else {
			RCHECK(!(r.actions & VIRTIO_MMIO_ACT_CONFIG_WRITE));
		}

		/* The invariants. */
		RCHECK(!memcmp(config, shadow, RND_CONFIG_LEN));
		if (guarded)
			for (k = 0; k < RND_GUARD; k++)
				RCHECK(buf[k] == 0xee &&
				       config[RND_CONFIG_LEN + k] == 0xee);
		RCHECK(!!(r.actions & VIRTIO_MMIO_ACT_IRQ) ==
		       (was_high != (d.interrupt_status != 0)));
		RCHECK(!(d.interrupt_status &
			 ~(uint32_t)(INT_USED | INT_CONFIG)));
		RCHECK(!(d.status &
			 ~(uint32_t)(S_LIVE | S_NEEDS_RESET | S_FAILED)));
		if (d.status & S_DRIVER_OK)
			RCHECK(d.status & S_FEATURES_OK);
		if (d.status & S_FEATURES_OK)
			RCHECK(!(d.driver_features & ~DEV_FEATURES) &&
			       (d.driver_features & F_VERSION_1));
		if (r.actions & VIRTIO_MMIO_ACT_RESET)
			RCHECK(d.status == 0 && d.interrupt_status == 0 &&
			       off == R_STATUS && len == 4 && is_write);
		if (r.actions & VIRTIO_MMIO_ACT_NOTIFY) {
			RCHECK(off == R_QUEUE_NOTIFY && is_write);
			RCHECK(r.queue < NR_QUEUES && d.queue_ready[r.queue]);
			RCHECK((d.status & S_DRIVER_OK) &&
			       !(d.status & (S_NEEDS_RESET | S_FAILED)));
			notifies++;
		}
		for (k = 0; k < VIRTIO_MMIO_MAX_QUEUES; k++) {
			struct virtq copy;

			if (!d.queue_ready[k])
				continue;
			RCHECK(k < NR_QUEUES);
			RCHECK(d.queues[k].num >= 1 &&
			       d.queues[k].num <= RND_QMAX);
			RCHECK(!d.queues[k].broken);
			copy = d.queues[k];
			RCHECK(virtq_start(&copy, &ram) == 0);
			RCHECK(d.status & S_FEATURES_OK);
			if (prev_ready[k])
				continue;
			/* Only a QueueReady write of 1 makes a queue ready. */
			RCHECK(off == R_QUEUE_READY && is_write && len == 4 &&
			       le32(data) == 1 && d.queue_sel == k);
			readies++;
		}
		if (virtio_mmio_live(&d))
			live++;
	}
	/* The random walk reached the interesting states. */
	ck_assert_uint_gt(readies, 0);
	ck_assert_uint_gt(live, 0);
	ck_assert_uint_gt(notifies, 0);
	free(buf);
}
END_TEST

Suite *virtio_mmio_suite(void)
{
	Suite *s = suite_create("virtio-mmio");
	TCase *tc = tcase_create("registers");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vmmio_identity);
	tcase_add_test(tc, test_vmmio_device_features);
	tcase_add_test(tc, test_vmmio_reg_width);
	tcase_add_test(tc, test_vmmio_reg_misaligned);
	tcase_add_test(tc, test_vmmio_config_read);
	tcase_add_test(tc, test_vmmio_config_bad_read);
	tcase_add_test(tc, test_vmmio_config_write);
	suite_add_tcase(s, tc);

	tc = tcase_create("initialisation");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vmmio_linux_init);
	tcase_add_test(tc, test_vmmio_two_queues);
	tcase_add_test(tc, test_vmmio_failed_stops_notify);
	tcase_add_test(tc, test_vmmio_features_unknown);
	tcase_add_test(tc, test_vmmio_features_no_version_1);
	tcase_add_test(tc, test_vmmio_driver_features_frozen);
	tcase_add_test(tc, test_vmmio_status_no_clear);
	tcase_add_test(tc, test_vmmio_driver_ok);
	suite_add_tcase(s, tc);

	tc = tcase_create("queues");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vmmio_queue_features);
	tcase_add_test(tc, test_vmmio_queue_regs_ready);
	tcase_add_test(tc, test_vmmio_queue_ready_values);
	tcase_add_test(tc, test_vmmio_queue_num_bounds);
	tcase_add_test(tc, test_vmmio_queue_num_missing);
	tcase_add_test(tc, test_vmmio_queue_before_features_ok);
	tcase_add_loop_test(tc, test_vmmio_bad_ring, 0, ARRAY_SIZE(bad_rings));
	tcase_add_test(tc, test_vmmio_bad_ring_live);
	tcase_add_test(tc, test_vmmio_no_such_queue);
	suite_add_tcase(s, tc);

	tc = tcase_create("interrupts and reset");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vmmio_interrupts);
	tcase_add_test(tc, test_vmmio_needs_reset_levels);
	tcase_add_test(tc, test_vmmio_reset);
	tcase_add_test(tc, test_vmmio_reset_after_needs_reset);
	suite_add_tcase(s, tc);

	tc = tcase_create("random");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_vmmio_random, 0, 2 * 4);
	suite_add_tcase(s, tc);
	return s;
}
