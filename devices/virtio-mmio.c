// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport, modern layout only (virtio 1.2 section 4.2.2,
 * Version 2). Every value the driver writes is checked before it is kept;
 * queue areas are checked by virtq_start when the driver makes a queue
 * ready. What the device model set (sizes, config_len) is clamped to what
 * the arrays hold, so that a wrong setting cannot make an access stray.
 *
 * Where the spec leaves the device a choice:
 * - DRIVER_OK is taken only with FEATURES_OK (set before or in the same
 *   write), and ACT_DRIVER_OK is returned once, when the bit goes on (the
 *   device may still not be live: see virtio_mmio_live).
 * - QueueReady 1 before FEATURES_OK, or with QueueNum never written, is a
 *   broken queue like rings outside RAM: the device needs a reset.
 * - QueueReady takes 0 and 1 only; 1 on a ready queue does not restart it.
 * - Status bits 16, 32 and above 128 are not status bits and are dropped.
 * - Config writes follow the rules of config reads (natural alignment,
 *   1, 2, 4 or 8 bytes), inside the first config_writable bytes.
 */
#include <string.h>

#include "virtio-mmio.h"

#define BIT64(n) ((uint64_t)1 << (n))

/* The status bits a driver may set (section 2.1); NEEDS_RESET is not one. */
#define STATUS_DRIVER_BITS                                     \
	(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |    \
	 VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK | \
	 VIRTIO_STATUS_FAILED)

/* InterruptStatus bits defined by section 4.2.2. */
#define INT_BITS (VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG)

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void zero_fill(uint8_t *data, unsigned int len)
{
	if (data && len)
		memset(data, 0, len);
}

static unsigned int nr_queues(const struct virtio_mmio *d)
{
	return d->nr_queues < VIRTIO_MMIO_MAX_QUEUES ? d->nr_queues :
						       VIRTIO_MMIO_MAX_QUEUES;
}

static uint16_t queue_num_max(const struct virtio_mmio *d)
{
	return d->queue_num_max < VIRTQ_MAX_SIZE ? d->queue_num_max :
						   VIRTQ_MAX_SIZE;
}

static uint32_t config_len(const struct virtio_mmio *d)
{
	if (!d->config)
		return 0;
	return d->config_len < VIRTIO_MMIO_CONFIG_MAX ? d->config_len :
							VIRTIO_MMIO_CONFIG_MAX;
}

static uint32_t config_writable(const struct virtio_mmio *d)
{
	uint32_t len = config_len(d);

	return d->config_writable < len ? d->config_writable : len;
}

/* 4.2.2 QueueSel: a queue past the device's last one does not exist. */
static bool queue_exists(const struct virtio_mmio *d, uint32_t idx)
{
	return idx < nr_queues(d);
}

static bool queue_ready(const struct virtio_mmio *d, uint32_t idx)
{
	return queue_exists(d, idx) && d->queue_ready[idx];
}

static void set_low(uint64_t *v, uint32_t low)
{
	*v = (*v & 0xffffffff00000000ull) | low;
}

static void set_high(uint64_t *v, uint32_t high)
{
	*v = (*v & 0xffffffffull) | (uint64_t)high << 32;
}

void virtio_mmio_reset(struct virtio_mmio *d)
{
	struct virtio_mmio keep = *d;

	/* 2.1.2, 4.2.2 Status: reset puts status and everything else at 0. */
	memset(d, 0, sizeof(*d));
	d->device_id = keep.device_id;
	d->device_features = keep.device_features;
	d->nr_queues = keep.nr_queues;
	d->queue_num_max = keep.queue_num_max;
	d->config = keep.config;
	d->config_len = keep.config_len;
	d->config_writable = keep.config_writable;
	d->config_generation = keep.config_generation;
}

bool virtio_mmio_interrupt(struct virtio_mmio *d, uint32_t bits)
{
	bool was = virtio_mmio_irq_level(d);

	d->interrupt_status |= bits & INT_BITS;
	return was != virtio_mmio_irq_level(d);
}

bool virtio_mmio_needs_reset(struct virtio_mmio *d)
{
	bool was = virtio_mmio_irq_level(d);

	/*
	 * 2.1.2: the device sets DEVICE_NEEDS_RESET and, once DRIVER_OK is
	 * set, sends a configuration change notification (4.2.2: bit 1 of
	 * InterruptStatus).
	 */
	d->status |= VIRTIO_STATUS_NEEDS_RESET;
	if (d->status & VIRTIO_STATUS_DRIVER_OK)
		d->interrupt_status |= VIRTIO_MMIO_INT_CONFIG;
	return was != virtio_mmio_irq_level(d);
}

static uint32_t features_word(uint64_t features, uint32_t sel)
{
	/* 4.2.2 DeviceFeatures: word 0 bits 0-31, word 1 bits 32-63. */
	if (sel == 0)
		return (uint32_t)features;
	if (sel == 1)
		return (uint32_t)(features >> 32);
	return 0;
}

static uint32_t reg_read(const struct virtio_mmio *d, uint64_t off)
{
	bool exists = queue_exists(d, d->queue_sel);
	const struct virtq *q = exists ? &d->queues[d->queue_sel] : NULL;

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return 2; /* 4.2.2: modern devices only */
	case VIRTIO_MMIO_DEVICE_ID:
		return d->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return features_word(d->device_features,
				     d->device_features_sel);
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		/* 4.2.2: 0 when the queue is not available. */
		return q ? queue_num_max(d) : 0;
	case VIRTIO_MMIO_QUEUE_NUM:
		return q ? q->num : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		/* 4.2.2: the last value written; 0 for no queue. */
		return queue_ready(d, d->queue_sel);
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return d->interrupt_status;
	case VIRTIO_MMIO_STATUS:
		return d->status;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
		return q ? (uint32_t)q->desc_gpa : 0;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		return q ? (uint32_t)(q->desc_gpa >> 32) : 0;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
		return q ? (uint32_t)q->avail_gpa : 0;
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		return q ? (uint32_t)(q->avail_gpa >> 32) : 0;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
		return q ? (uint32_t)q->used_gpa : 0;
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		return q ? (uint32_t)(q->used_gpa >> 32) : 0;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		/* 4.2.2: a length of all ones: no such region (none here). */
		return 0xffffffff;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return d->config_generation;
	default:
		/* Write-only, reserved and QueueReset (no VIRTIO_F_RING_RESET). */
		return 0;
	}
}

/*
 * 2.2.2: a subset of the device's features; 6.1, 6.2: VIRTIO_F_VERSION_1
 * among them, without which a modern device does not operate.
 */
static bool features_acceptable(const struct virtio_mmio *d)
{
	return !(d->driver_features & ~d->device_features) &&
	       (d->driver_features & BIT64(VIRTIO_F_VERSION_1));
}

static unsigned int status_write(struct virtio_mmio *d, uint32_t v)
{
	uint32_t add;
	unsigned int act = 0;

	if (v == 0) {
		/* 4.2.2 Status: writing 0 resets the device. */
		bool was = virtio_mmio_irq_level(d);

		virtio_mmio_reset(d);
		return VIRTIO_MMIO_ACT_RESET | (was ? VIRTIO_MMIO_ACT_IRQ : 0);
	}
	/*
	 * 2.1.1: the driver must not clear bits, so clearing is ignored; only
	 * bits of section 2.1 the driver may set are taken (DEVICE_NEEDS_RESET
	 * is the device's, 2.1.2).
	 */
	add = v & ~d->status & STATUS_DRIVER_BITS;
	/* 2.2.2, 3.1.1: FEATURES_OK stays clear for features we refuse. */
	if ((add & VIRTIO_STATUS_FEATURES_OK) && !features_acceptable(d))
		add &= ~VIRTIO_STATUS_FEATURES_OK;
	/*
	 * 3.1.1: DRIVER_OK comes after FEATURES_OK; a modern device cannot
	 * run without negotiated features, so DRIVER_OK stays clear too.
	 */
	if ((add & VIRTIO_STATUS_DRIVER_OK) &&
	    !((d->status | add) & VIRTIO_STATUS_FEATURES_OK))
		add &= ~VIRTIO_STATUS_DRIVER_OK;
	d->status |= add;
	if (add & VIRTIO_STATUS_DRIVER_OK) {
		act |= VIRTIO_MMIO_ACT_DRIVER_OK;
		/* 2.1.2: a reset needed earlier is notified now. */
		if ((d->status & VIRTIO_STATUS_NEEDS_RESET) &&
		    virtio_mmio_interrupt(d, VIRTIO_MMIO_INT_CONFIG))
			act |= VIRTIO_MMIO_ACT_IRQ;
	}
	return act;
}

static unsigned int queue_ready_write(struct virtio_mmio *d,
				      const struct guest_ram *ram, uint32_t v)
{
	uint32_t sel = d->queue_sel;
	struct virtq *q;

	if (!queue_exists(d, sel))
		return 0;
	if (v == 0) {
		d->queue_ready[sel] = false;
		return 0;
	}
	/* 4.2.2 QueueReady: 1 is the only other value; no restart when ready. */
	if (v != 1 || d->queue_ready[sel])
		return 0;
	q = &d->queues[sel];
	q->event_idx = d->driver_features & BIT64(VIRTIO_F_EVENT_IDX);
	q->indirect = d->driver_features & BIT64(VIRTIO_F_INDIRECT_DESC);
	/*
	 * 3.1.1: queues are set up after FEATURES_OK (the ring format depends
	 * on the features); 4.2.3.2: the driver must write QueueNum. Anything
	 * else is a broken queue (2.1.2).
	 */
	if (!(d->status & VIRTIO_STATUS_FEATURES_OK) || q->num == 0 ||
	    virtq_start(q, ram) != 0)
		return virtio_mmio_needs_reset(d) ? VIRTIO_MMIO_ACT_IRQ : 0;
	d->queue_ready[sel] = true;
	return 0;
}

static struct virtio_mmio_result reg_write(struct virtio_mmio *d,
					   const struct guest_ram *ram,
					   uint64_t off, uint32_t v)
{
	struct virtio_mmio_result res = { 0, 0 };
	bool exists = queue_exists(d, d->queue_sel);
	struct virtq *q = exists ? &d->queues[d->queue_sel] : NULL;
	bool was;

	/* 4.2.2: queue registers cannot change while the queue is ready. */
	if (q && d->queue_ready[d->queue_sel])
		q = NULL;

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		d->device_features_sel = v;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		d->driver_features_sel = v;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		/* 3.1.1: features are fixed once FEATURES_OK is set. */
		if (d->status &
		    (VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK))
			break;
		if (d->driver_features_sel == 0)
			set_low(&d->driver_features, v);
		else if (d->driver_features_sel == 1)
			set_high(&d->driver_features, v);
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		d->queue_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
		/* 4.2.2 QueueNum: at most QueueNumMax. */
		if (q && v >= 1 && v <= queue_num_max(d))
			q->num = v;
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
		if (q)
			set_low(&q->desc_gpa, v);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		if (q)
			set_high(&q->desc_gpa, v);
		break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
		if (q)
			set_low(&q->avail_gpa, v);
		break;
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		if (q)
			set_high(&q->avail_gpa, v);
		break;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
		if (q)
			set_low(&q->used_gpa, v);
		break;
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		if (q)
			set_high(&q->used_gpa, v);
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		res.actions = queue_ready_write(d, ram, v);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		/*
		 * 4.2.2: without VIRTIO_F_NOTIFICATION_DATA the value is the
		 * queue index; 2.1.2: nothing is served before DRIVER_OK or
		 * once the device needs a reset.
		 */
		if (queue_ready(d, v) && virtio_mmio_live(d)) {
			res.actions = VIRTIO_MMIO_ACT_NOTIFY;
			res.queue = v;
		}
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		/* 4.2.2 InterruptACK: clears the bits written. */
		was = virtio_mmio_irq_level(d);
		d->interrupt_status &= ~v;
		if (was != virtio_mmio_irq_level(d))
			res.actions = VIRTIO_MMIO_ACT_IRQ;
		break;
	case VIRTIO_MMIO_STATUS:
		res.actions = status_write(d, v);
		break;
	default:
		/*
		 * Read-only and reserved registers, ShmSel (no regions) and
		 * QueueReset (VIRTIO_F_RING_RESET is not offered).
		 */
		break;
	}
	return res;
}

/*
 * 4.2.2.2: configuration space takes accesses as wide as its fields and
 * aligned to them; 8 bytes are allowed too. i is the offset in it.
 */
static bool config_ok(uint64_t i, unsigned int len, uint32_t limit)
{
	if (len != 1 && len != 2 && len != 4 && len != 8)
		return false;
	return i % len == 0 && i < limit && len <= limit - i;
}

static struct virtio_mmio_result config_access(struct virtio_mmio *d,
					       uint64_t i, uint8_t *data,
					       unsigned int len, bool is_write)
{
	struct virtio_mmio_result res = { 0, 0 };

	if (!is_write) {
		if (config_ok(i, len, config_len(d)))
			memcpy(data, d->config + i, len);
		else
			zero_fill(data, len);
	} else if (config_ok(i, len, config_writable(d))) {
		memcpy(d->config + i, data, len);
		res.actions = VIRTIO_MMIO_ACT_CONFIG_WRITE;
	}
	return res;
}

struct virtio_mmio_result virtio_mmio_access(struct virtio_mmio *d,
					     const struct guest_ram *ram,
					     uint64_t off, uint8_t *data,
					     unsigned int len, bool is_write)
{
	struct virtio_mmio_result res = { 0, 0 };

	/* Past the window too: config_len is at most VIRTIO_MMIO_CONFIG_MAX. */
	if (off >= VIRTIO_MMIO_CONFIG)
		return config_access(d, off - VIRTIO_MMIO_CONFIG, data, len,
				     is_write);
	/* 4.2.2.2: control registers take aligned 32-bit accesses only. */
	if (len != 4 || off % 4) {
		if (!is_write)
			zero_fill(data, len);
		return res;
	}
	if (!is_write) {
		put_le32(data, reg_read(d, off));
		return res;
	}
	return reg_write(d, ram, off, get_le32(data));
}
