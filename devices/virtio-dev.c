// SPDX-License-Identifier: GPL-2.0
/*
 * A virtio-mmio device in the running VM: locking, the MMIO window, the
 * interrupt line, and queue notifications through an ioeventfd, all of
 * them the dev_host's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "virtio-dev.h"
#include "../vmm/log.h"

/* With the lock held: the line follows InterruptStatus. */
static void virtio_dev_line(struct virtio_dev *d)
{
	d->host->irq_set(d->host->ctx, d->intid, virtio_mmio_irq_level(&d->t));
}

void virtio_dev_interrupt(struct virtio_dev *d, uint32_t bits)
{
	if (virtio_mmio_interrupt(&d->t, bits))
		virtio_dev_line(d);
}

void virtio_dev_backend_called(struct virtio_dev *d, int call_fd,
			       const bool *running)
{
	uint64_t count;

	if (read(call_fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		pr_debug("%s: call eventfd: %s", d->name, strerror(errno));
	pthread_mutex_lock(&d->lock);
	if (*running && virtio_mmio_live(&d->t))
		virtio_dev_interrupt(d, VIRTIO_MMIO_INT_VRING);
	pthread_mutex_unlock(&d->lock);
}

void virtio_dev_used(struct virtio_dev *d, unsigned int q)
{
	if (virtq_should_interrupt(&d->t.queues[q], &d->ram))
		virtio_dev_interrupt(d, VIRTIO_MMIO_INT_VRING);
}

void virtio_dev_fail(struct virtio_dev *d, const char *why)
{
	if (!d->failed_logged)
		pr_warn("%s: %s: the device needs a reset", d->name, why);
	d->failed_logged = true;
	if (virtio_mmio_needs_reset(&d->t))
		virtio_dev_line(d);
}

int virtio_dev_pop(struct virtio_dev *d, unsigned int q, struct virtq_chain *c)
{
	struct virtq *vq = &d->t.queues[q];

	for (;;) {
		int ret = virtq_pop(vq, &d->ram, c);

		if (ret < 0) {
			virtio_dev_fail(d, "malformed queue");
			return -1;
		}
		if (ret)
			return 1;
		/* Nothing more: ask for a notify, unless more came meanwhile. */
		if (!virtq_arm_notify(vq, &d->ram))
			return 0;
	}
}

void virtio_dev_kick(struct virtio_dev *d, unsigned int q)
{
	uint64_t one = 1;

	if (q < VIRTIO_MMIO_MAX_QUEUES && d->notify_fd[q] >= 0 &&
	    write(d->notify_fd[q], &one, sizeof(one)) < 0)
		pr_debug("%s: notify eventfd: %s", d->name, strerror(errno));
}

/* A vCPU thread: the guest's register access. */
static void virtio_dev_mmio(void *opaque, uint64_t off, uint8_t *data,
			    unsigned int len, bool is_write)
{
	struct virtio_dev *d = opaque;
	struct virtio_mmio_result r;
	bool was_failed;

	pthread_mutex_lock(&d->lock);
	was_failed = d->t.status & VIRTIO_STATUS_NEEDS_RESET;
	r = virtio_mmio_access(&d->t, &d->ram, off, data, len, is_write);
	if (r.actions & VIRTIO_MMIO_ACT_RESET) {
		d->generation++;
		d->failed_logged = false;
		if (d->ops->reset)
			d->ops->reset(d);
	}
	if ((r.actions & VIRTIO_MMIO_ACT_DRIVER_OK) && d->ops->driver_ok)
		d->ops->driver_ok(d);
	if (!was_failed && d->t.status & VIRTIO_STATUS_NEEDS_RESET) {
		/* The transport refused a queue the driver made ready. */
		if (!d->failed_logged)
			pr_warn("%s: the driver made a queue ready that cannot work (outside guest RAM, misaligned, or set up out of order): the device needs a reset",
				d->name);
		d->failed_logged = true;
		virtio_dev_line(d);
	} else if (r.actions & VIRTIO_MMIO_ACT_IRQ) {
		virtio_dev_line(d);
	}
	pthread_mutex_unlock(&d->lock);
	/* Without an ioeventfd the write came here: pass it on. */
	if (r.actions & VIRTIO_MMIO_ACT_NOTIFY)
		virtio_dev_kick(d, r.queue);
}

/* The I/O thread: a queue's notify eventfd is readable. */
static void virtio_dev_notified(void *opaque)
{
	struct virtio_dev_notify *n = opaque;
	struct virtio_dev *d = n->d;
	uint64_t count;

	if (read(d->notify_fd[n->q], &count, sizeof(count)) < 0 &&
	    errno != EAGAIN)
		pr_debug("%s: notify eventfd: %s", d->name, strerror(errno));
	pthread_mutex_lock(&d->lock);
	if (virtio_mmio_live(&d->t) && d->t.queue_ready[n->q])
		d->ops->serve(d, n->q);
	pthread_mutex_unlock(&d->lock);
}

static int virtio_dev_notify_init(struct virtio_dev *d, unsigned int q)
{
	struct virtio_dev_notify *n = &d->notify[q];

	d->notify_fd[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->notify_fd[q] < 0) {
		pr_err("%s: eventfd: %s", d->name, strerror(errno));
		return -1;
	}
	n->d = d;
	n->q = q;
	if (!(d->unwatched_notify & 1U << q) &&
	    d->host->watch_add(d->host->ctx, d->notify_fd[q],
			       virtio_dev_notified, n))
		return -1;
	/*
	 * KVM signals the eventfd for the guest's write of q to QueueNotify
	 * without leaving the kernel. Where it cannot, the write exits to
	 * virtio_dev_mmio, which signals the eventfd itself.
	 */
	if (d->host->ioeventfd(d->host->ctx, d->base + VIRTIO_MMIO_QUEUE_NOTIFY,
			       4, q, d->notify_fd[q]))
		pr_debug("%s: KVM_IOEVENTFD: %s: notifies exit to lkvm",
			 d->name, strerror(errno));
	else
		d->ioeventfd = true;
	return 0;
}

int virtio_dev_add(struct virtio_dev *d, const struct dev_host *host,
		   uint64_t base, uint32_t intid)
{
	struct mmio_region region = {
		.base = base,
		.size = VIRTIO_MMIO_SIZE,
		.handler = virtio_dev_mmio,
		.opaque = d,
		.name = d->name,
	};

	pthread_mutex_init(&d->lock, NULL);
	d->host = host;
	d->base = base;
	d->intid = intid;
	d->ram = host->ram;
	for (unsigned int q = 0; q < VIRTIO_MMIO_MAX_QUEUES; q++)
		d->notify_fd[q] = -1;
	virtio_mmio_reset(&d->t);
	if (host->irq_add(host->ctx, intid)) {
		pr_err("%s: no interrupt line left", d->name);
		return -1;
	}
	if (mmio_bus_add(host->mmio, &region)) {
		pr_err("%s: MMIO window 0x%llx taken", d->name,
		       (unsigned long long)base);
		return -1;
	}
	for (unsigned int q = 0; q < d->t.nr_queues; q++)
		if (virtio_dev_notify_init(d, q))
			return -1;
	pr_debug("%s at 0x%llx, INTID %u, %u queue(s)%s", d->name,
		 (unsigned long long)base, intid, d->t.nr_queues,
		 d->ioeventfd ? ", notified through ioeventfd" : "");
	return 0;
}

void virtio_dev_release(struct virtio_dev *d)
{
	/* The host goes too, and its ioeventfds with it (KVM's: the VM's fd). */
	for (unsigned int q = 0; q < VIRTIO_MMIO_MAX_QUEUES; q++)
		if (d->notify_fd[q] >= 0)
			close(d->notify_fd[q]);
	pthread_mutex_destroy(&d->lock);
}
