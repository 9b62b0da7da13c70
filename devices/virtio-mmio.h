/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-mmio transport, modern layout only (virtio 1.2 section 4.2.2,
 * Version 2): the register file a driver sees, feature negotiation, the
 * device status, queue set-up and interrupt status. Pure: the caller
 * serialises accesses (one lock per device) and acts on what an access
 * returns (a queue to serve, a reset, a change of the interrupt line).
 */
#ifndef LKVM_VIRTIO_MMIO_H
#define LKVM_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "guest-ram.h"
#include "virtq.h"

/* Each device's window: registers, then its configuration space. */
#define VIRTIO_MMIO_SIZE 0x200
#define VIRTIO_MMIO_CONFIG 0x100
#define VIRTIO_MMIO_MAX_QUEUES 4
#define VIRTIO_MMIO_CONFIG_MAX (VIRTIO_MMIO_SIZE - VIRTIO_MMIO_CONFIG)

/* Register offsets (section 4.2.2). */
#define VIRTIO_MMIO_MAGIC_VALUE 0x000 /* "virt" */
#define VIRTIO_MMIO_VERSION 0x004
#define VIRTIO_MMIO_DEVICE_ID 0x008
#define VIRTIO_MMIO_VENDOR_ID 0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_SHM_SEL 0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW 0x0b0
#define VIRTIO_MMIO_SHM_LEN_HIGH 0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW 0x0b8
#define VIRTIO_MMIO_SHM_BASE_HIGH 0x0bc
#define VIRTIO_MMIO_QUEUE_RESET 0x0c0
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc

#define VIRTIO_MMIO_MAGIC 0x74726976
#define VIRTIO_MMIO_VENDOR 0x4d564b4c /* "LKVM" */

/* Device status bits (section 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED 128

/* InterruptStatus bits (section 4.2.2). */
#define VIRTIO_MMIO_INT_VRING 1
#define VIRTIO_MMIO_INT_CONFIG 2

/* Feature bits every device here offers or understands (section 6). */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32

/* What an access asks of the caller (flags of virtio_mmio_result.actions). */
#define VIRTIO_MMIO_ACT_NOTIFY 1 /* serve queue .queue */
#define VIRTIO_MMIO_ACT_RESET 2 /* the driver reset the device */
#define VIRTIO_MMIO_ACT_IRQ 4 /* the interrupt line's level changed */
#define VIRTIO_MMIO_ACT_DRIVER_OK 8 /* the driver set DRIVER_OK */
#define VIRTIO_MMIO_ACT_CONFIG_WRITE 16 /* the driver wrote config space */

struct virtio_mmio_result {
	unsigned int actions;
	unsigned int queue;
};

struct virtio_mmio {
	/* Set by the device model before the guest runs. */
	uint32_t device_id; /* 2 block, 3 console, 4 entropy */
	uint64_t device_features; /* VIRTIO_F_VERSION_1 always among them */
	unsigned int nr_queues; /* 1..VIRTIO_MMIO_MAX_QUEUES */
	uint16_t queue_num_max; /* 1..VIRTQ_MAX_SIZE */
	uint8_t *config; /* the device's configuration space, little-endian */
	uint32_t config_len; /* 0..VIRTIO_MMIO_CONFIG_MAX */
	uint32_t config_writable; /* bytes from the start the driver may write */

	/* What the driver set, and the device's state. */
	uint64_t driver_features;
	uint32_t device_features_sel, driver_features_sel;
	uint32_t queue_sel;
	uint32_t status;
	uint32_t interrupt_status;
	uint32_t config_generation;
	struct virtq queues[VIRTIO_MMIO_MAX_QUEUES];
	bool queue_ready[VIRTIO_MMIO_MAX_QUEUES];
};

/*
 * Puts the transport in its reset state (status 0, nothing negotiated, no
 * queue ready), keeping what the device model set.
 */
void virtio_mmio_reset(struct virtio_mmio *d);

/*
 * A guest access of len bytes at offset off of the device's window; data
 * is little-endian, as KVM_EXIT_MMIO gives it. Registers take aligned
 * 32-bit accesses only (others read 0 and are ignored), configuration
 * space any naturally aligned access inside config_len. ram is used to
 * check a queue the driver makes ready.
 */
struct virtio_mmio_result virtio_mmio_access(struct virtio_mmio *d,
					     const struct guest_ram *ram,
					     uint64_t off, uint8_t *data,
					     unsigned int len, bool is_write);

/* The level of the device's interrupt line: some InterruptStatus bit set. */
static inline bool virtio_mmio_irq_level(const struct virtio_mmio *d)
{
	return d->interrupt_status != 0;
}

/*
 * The device raises InterruptStatus bits (VIRTIO_MMIO_INT_*). Returns
 * whether the line's level changed.
 */
bool virtio_mmio_interrupt(struct virtio_mmio *d, uint32_t bits);

/*
 * The device found the driver broke the rules (a broken queue): sets
 * DEVICE_NEEDS_RESET and, once the driver has set DRIVER_OK, raises a
 * configuration change (section 2.1.2).
 * Returns whether the line's level changed.
 */
bool virtio_mmio_needs_reset(struct virtio_mmio *d);

/* Whether the driver has set DRIVER_OK and the device does not need a reset. */
static inline bool virtio_mmio_live(const struct virtio_mmio *d)
{
	return (d->status & VIRTIO_STATUS_DRIVER_OK) &&
	       !(d->status &
		 (VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED));
}

#endif
