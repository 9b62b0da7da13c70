/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtio-mmio device in the running VM: the pure transport
 * (virtio-mmio.h) behind a lock, its MMIO window, its interrupt line and
 * its queue notifications.
 *
 * Threads: vCPU threads make the guest's register accesses
 * (virtio_dev_mmio); the I/O thread serves the queues. A queue notify
 * write goes to an eventfd registered with KVM_IOEVENTFD (one per queue,
 * matched on the queue index), so the vCPU does not leave the kernel for
 * it; the I/O thread polls those eventfds. Interrupts are level-sensitive
 * (InterruptStatus non-zero) and driven through the host's irq_set, so
 * that an SDEI INTERRUPT_BIND of the line works as for lkvm's other
 * devices. All of it goes through a struct dev_host, never the VM.
 */
#ifndef LKVM_VIRTIO_DEV_H
#define LKVM_VIRTIO_DEV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "dev-host.h"
#include "guest-ram.h"
#include "virtio-mmio.h"

struct virtio_dev;

/* What a device model does; every hook runs with the device's lock held. */
struct virtio_dev_ops {
	/* The I/O thread: the driver notified queue q (or work is due). */
	void (*serve)(struct virtio_dev *d, unsigned int q);
	/*
	 * The driver reset the device (a vCPU thread): forget the queues.
	 * Requests still in flight in the backend must not touch the guest
	 * after this: the device tells them apart by d->generation.
	 */
	void (*reset)(struct virtio_dev *d);
	/* The driver set DRIVER_OK (a vCPU thread). */
	void (*driver_ok)(struct virtio_dev *d);
};

/* What the I/O thread's watch of a notify eventfd knows. */
struct virtio_dev_notify {
	struct virtio_dev *d;
	unsigned int q;
};

struct virtio_dev {
	struct virtio_mmio t; /* under lock */
	pthread_mutex_t lock;
	const struct virtio_dev_ops *ops;
	void *priv; /* the device model's */
	const char *name; /* for the log: "virtio-blk vda" */
	const struct dev_host *host;
	struct guest_ram ram; /* the host's */
	uint64_t base; /* of the MMIO window */
	uint32_t intid;
	int notify_fd[VIRTIO_MMIO_MAX_QUEUES]; /* eventfds, -1: none */
	struct virtio_dev_notify notify[VIRTIO_MMIO_MAX_QUEUES];
	bool ioeventfd; /* KVM took the notify eventfds */
	/*
	 * Bits: queues whose notify eventfd another reader takes (the
	 * kernel's vhost), which the I/O thread must then not watch. Set by
	 * the model before virtio_dev_add.
	 */
	uint32_t unwatched_notify;
	unsigned int generation; /* bumped at each reset */
	bool failed_logged; /* NEEDS_RESET was logged once */
};

/*
 * Sets d up at base with interrupt intid: the transport's fields
 * (device_id, features, queues, config) must be filled by the model
 * first. Adds the MMIO region and the line to the host, the notify
 * eventfds to its ioeventfd and its I/O thread. host must outlive d.
 * Returns 0, or -1 after logging.
 */
int virtio_dev_add(struct virtio_dev *d, const struct dev_host *host,
		   uint64_t base, uint32_t intid);

/* Undoes virtio_dev_add's allocations (the host itself is going away). */
void virtio_dev_release(struct virtio_dev *d);

/* With the lock held: raise InterruptStatus bits and drive the line. */
void virtio_dev_interrupt(struct virtio_dev *d, uint32_t bits);

/*
 * The I/O thread, without the lock: a back end that serves the queues
 * itself (vhost, vhost-user) used buffers and signalled call_fd, its call
 * eventfd. Drains it and, while *running (read under the lock) and the
 * transport is live, raises the vring interrupt: the back end already
 * asked the driver's event index whether to signal.
 */
void virtio_dev_backend_called(struct virtio_dev *d, int call_fd,
			       const bool *running);

/*
 * With the lock held: after pushing used entries on queue q, interrupt if
 * the driver wants it.
 */
void virtio_dev_used(struct virtio_dev *d, unsigned int q);

/*
 * With the lock held: the driver broke the rules (why says how). The
 * device stops serving and asks for a reset (DEVICE_NEEDS_RESET); logged
 * once per device.
 */
void virtio_dev_fail(struct virtio_dev *d, const char *why);

/*
 * With the lock held: the next chain the driver made available on queue q,
 * into *c. Returns 1; or 0 when there is none (the driver is then asked to
 * notify the next one); or -1 when the queue is malformed (the device
 * needs a reset: virtio_dev_fail).
 */
int virtio_dev_pop(struct virtio_dev *d, unsigned int q, struct virtq_chain *c);

/* The features every device here offers: version 1, indirect, event index. */
#define VIRTIO_DEV_FEATURES                                            \
	(1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_F_INDIRECT_DESC | \
	 1ULL << VIRTIO_F_EVENT_IDX)

/* Makes the I/O thread serve queue q soon (from any thread). */
void virtio_dev_kick(struct virtio_dev *d, unsigned int q);

#endif
