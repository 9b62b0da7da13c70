/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Split virtqueues, the device side (virtio 1.2, section 2.7): descriptor
 * chains with indirect descriptors, the used ring and event-index
 * notification suppression. Pure: rings are read and written in guest RAM
 * through guest_ram_ptr only.
 *
 * The driver is hostile. Every index, address and length it wrote is
 * checked before use, each descriptor is copied out of guest RAM once and
 * only the copy is checked and used, and a ring that breaks a rule (an
 * index past the queue, a loop, a chain longer than allowed, a buffer
 * outside RAM, a readable buffer after a writable one, a nested indirect
 * table) marks the queue broken: every later call fails and the device
 * reports itself in need of a reset (section 2.1.2) instead of guessing.
 */
#ifndef LKVM_VIRTQ_H
#define LKVM_VIRTQ_H

#include <stdbool.h>
#include <stdint.h>

#include "guest-ram.h"

/* The largest queue lkvm offers (QueueNumMax). */
#define VIRTQ_MAX_SIZE 256
/*
 * The most buffers one chain may have, indirect ones included: enough for
 * any chain of the largest queue, and for an indirect table of that size.
 */
#define VIRTQ_MAX_SEGS VIRTQ_MAX_SIZE

/* Descriptor flags (section 2.7.5). */
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_DESC_F_INDIRECT 4
/* Ring flags (sections 2.7.6, 2.7.8). */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_USED_F_NO_NOTIFY 1

/* One buffer of a chain, already checked to lie in guest RAM. */
struct virtq_seg {
	uint8_t *addr; /* host address */
	uint64_t gpa;
	uint32_t len; /* never 0 */
	bool write; /* device-writable */
};

/*
 * A descriptor chain as the device uses it: the driver's readable buffers
 * first (nr_out of them, out_len bytes), then the writable ones (nr_in,
 * in_len bytes).
 */
struct virtq_chain {
	uint16_t head; /* what virtq_push gives back */
	unsigned int nr_segs, nr_out, nr_in;
	uint64_t out_len, in_len;
	struct virtq_seg segs[VIRTQ_MAX_SEGS];
};

struct virtq {
	/* Set by the transport from the driver's registers. */
	uint16_t num; /* queue size, 1..VIRTQ_MAX_SIZE */
	uint64_t desc_gpa, avail_gpa, used_gpa;
	bool event_idx; /* VIRTIO_F_EVENT_IDX negotiated */
	bool indirect; /* VIRTIO_F_INDIRECT_DESC negotiated */

	/* The device's own state. */
	uint16_t last_avail; /* free-running: the next avail entry to take */
	uint16_t used_idx; /* free-running: what used->idx says */
	uint16_t signalled_used; /* used_idx at the last check */
	bool signalled_valid; /* false until the first check */
	bool broken; /* the driver broke a rule: nothing more is done */
};

/*
 * Makes q ready to use after the driver set it up: checks the size and
 * that the three areas lie in guest RAM with their alignment (section
 * 2.7: 16 for the descriptor table, 2 for the available ring, 4 for the
 * used ring), and clears the device's state. Returns 0, or -EINVAL (and
 * marks q broken).
 */
int virtq_start(struct virtq *q, const struct guest_ram *ram);

/*
 * Takes the next available chain into *c. Returns 1 when it did, 0 when
 * the driver has made nothing more available, -EIO when the ring is
 * malformed or q is broken (q->broken is then set; the entry stays
 * unconsumed).
 */
int virtq_pop(struct virtq *q, const struct guest_ram *ram,
	      struct virtq_chain *c);

/*
 * Returns a chain to the driver through the used ring, written bytes
 * written into its writable buffers (section 2.7.8). Returns 0, or -EIO
 * when q is broken.
 */
int virtq_push(struct virtq *q, const struct guest_ram *ram, uint16_t head,
	       uint32_t written);

/*
 * Gives back the last n chains virtq_pop took and nobody pushed yet: they
 * stay in the available ring, and the next virtq_pop takes them again. A
 * device that pops receive buffers for a frame and runs out before the
 * frame is placed does this (nothing was written to the used ring, so
 * the driver sees nothing; section 2.7.13 lets the device take buffers
 * when it likes). n must not exceed what was popped since the last push.
 */
void virtq_unpop(struct virtq *q, uint16_t n);

/*
 * Returns n chains at once (heads[i] with written[i] bytes), publishing
 * used->idx once after all of them, so that the driver never sees a part
 * of a group (a frame in mergeable receive buffers, section 5.1.6.4.2).
 * Returns 0, or -EIO when q is broken.
 */
int virtq_push_n(struct virtq *q, const struct guest_ram *ram,
		 const uint16_t *heads, const uint32_t *written,
		 unsigned int n);

/*
 * After one or more virtq_push: whether the driver asked to be
 * interrupted for them (VIRTQ_AVAIL_F_NO_INTERRUPT, or with event_idx the
 * used_event field, section 2.7.7). Records the interrupt as sent when it
 * returns true.
 */
bool virtq_should_interrupt(struct virtq *q, const struct guest_ram *ram);

/*
 * Before the device waits for the driver's next notification: with
 * event_idx publishes avail_event = last_avail (section 2.7.10), then says
 * whether entries became available meanwhile (the caller then pops again
 * rather than wait).
 */
bool virtq_arm_notify(struct virtq *q, const struct guest_ram *ram);

#endif
