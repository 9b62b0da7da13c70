// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-vsock (virtio 1.2 section 5.10) through the kernel's vhost-vsock
 * (drivers/vhost/vsock.c), as kvmtool and QEMU's vhost-vsock do.
 *
 * lkvm keeps the virtio-mmio transport. Guest RAM is handed to vhost once
 * per VM (VHOST_SET_MEM_TABLE); when the driver sets DRIVER_OK, the rx and
 * tx queues go to vhost: their size, rings, a kick eventfd (the one KVM
 * signals for the guest's QueueNotify write of that queue, which lkvm's
 * I/O thread does not watch) and a call eventfd, which the I/O thread does
 * watch: vhost signals it after pushing used entries, and lkvm sets the
 * used-buffer bit of InterruptStatus and raises the line (a KVM_IRQFD
 * would raise the line without the bit, which the Linux driver reads).
 * The event queue stays in lkvm and stays empty: lkvm never moves the
 * guest to another host. A reset stops vhost (VHOST_VSOCK_SET_RUNNING 0);
 * the next DRIVER_OK sets the queues up afresh.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vhost.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "virtio-dev.h"
#include "virtio-vsock-dev.h"
#include "virtio-vsock.h"
#include "../vmm/log.h"

#define VHOST_VSOCK_PATH "/dev/vhost-vsock"

struct virtio_vsock_dev {
	struct virtio_dev vdev;
	struct virtio_vsock_config cfg;
	int vhost_fd; /* the process's, not the device's */
	int call_fd[VIRTIO_VSOCK_NR_VHOST_QUEUES];
	struct virtio_dev_notify call[VIRTIO_VSOCK_NR_VHOST_QUEUES];
	bool running; /* vhost has the queues */
};

int vhost_vsock_open(uint32_t cid, uint64_t *features)
{
	uint64_t guest_cid = cid;
	int fd = open(VHOST_VSOCK_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
			pr_err("--vsock: %s: %s (the host needs the vhost_vsock module: modprobe vhost_vsock)",
			       VHOST_VSOCK_PATH, strerror(errno));
		else
			pr_err("--vsock: %s: %s (lkvm needs read and write access to it)",
			       VHOST_VSOCK_PATH, strerror(errno));
		return -1;
	}
	if (ioctl(fd, VHOST_SET_OWNER) < 0 ||
	    ioctl(fd, VHOST_GET_FEATURES, features) < 0) {
		pr_err("--vsock: %s: setting up vhost: %s", VHOST_VSOCK_PATH,
		       strerror(errno));
		close(fd);
		return -1;
	}
	if (ioctl(fd, VHOST_VSOCK_SET_GUEST_CID, &guest_cid) < 0) {
		if (errno == EADDRINUSE)
			pr_err("--vsock: CID %u is already in use by another guest on this host",
			       cid);
		else
			pr_err("--vsock: CID %u: %s", cid, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* With the lock held: vhost lets go of the queues. */
static void vsock_stop(struct virtio_vsock_dev *v)
{
	int off = 0;

	if (!v->running)
		return;
	if (ioctl(v->vhost_fd, VHOST_VSOCK_SET_RUNNING, &off) < 0)
		pr_warn("virtio-vsock: stopping vhost: %s", strerror(errno));
	v->running = false;
}

/* With the lock held: queue q to vhost. Returns 0, or an errno. */
static int vsock_vring(struct virtio_vsock_dev *v, unsigned int q)
{
	struct virtio_dev *d = &v->vdev;
	struct virtio_vsock_vring r;
	struct vhost_vring_state num = { .index = q,
					 .num = d->t.queues[q].num };
	struct vhost_vring_state base = { .index = q, .num = 0 };
	struct vhost_vring_addr addr = { .index = q };
	struct vhost_vring_file kick = { .index = q, .fd = d->notify_fd[q] };
	struct vhost_vring_file call = { .index = q, .fd = v->call_fd[q] };

	if (!d->t.queue_ready[q] ||
	    virtio_vsock_vring(&d->t.queues[q], &d->ram, &r))
		return EINVAL;
	addr.desc_user_addr = r.desc;
	addr.avail_user_addr = r.avail;
	addr.used_user_addr = r.used;
	if (ioctl(v->vhost_fd, VHOST_SET_VRING_NUM, &num) < 0 ||
	    ioctl(v->vhost_fd, VHOST_SET_VRING_BASE, &base) < 0 ||
	    ioctl(v->vhost_fd, VHOST_SET_VRING_ADDR, &addr) < 0 ||
	    ioctl(v->vhost_fd, VHOST_SET_VRING_KICK, &kick) < 0 ||
	    ioctl(v->vhost_fd, VHOST_SET_VRING_CALL, &call) < 0)
		return errno;
	return 0;
}

/* A vCPU thread, the lock held: the driver set DRIVER_OK. */
static void vsock_driver_ok(struct virtio_dev *d)
{
	struct virtio_vsock_dev *v = d->priv;
	uint64_t features = d->t.driver_features;
	int on = 1, err = 0;
	char why[96];

	vsock_stop(v);
	if (ioctl(v->vhost_fd, VHOST_SET_FEATURES, &features) < 0)
		err = errno;
	for (unsigned int q = 0; !err && q < VIRTIO_VSOCK_NR_VHOST_QUEUES; q++)
		err = vsock_vring(v, q);
	if (!err && ioctl(v->vhost_fd, VHOST_VSOCK_SET_RUNNING, &on) < 0)
		err = errno;
	if (err) {
		snprintf(why, sizeof(why), "handing the queues to vhost: %s",
			 strerror(err));
		virtio_dev_fail(d, why);
		return;
	}
	v->running = true;
}

/* A vCPU thread, the lock held: the driver reset the device. */
static void vsock_reset(struct virtio_dev *d)
{
	vsock_stop(d->priv);
}

/*
 * The I/O thread: the event queue (5.10.6.5). lkvm sends no event (it
 * never migrates the guest): the driver's buffers stay available.
 */
static void vsock_serve(struct virtio_dev *d, unsigned int q)
{
	(void)d;
	(void)q;
}

/* The I/O thread: vhost used buffers of a queue. */
static void vsock_called(void *opaque)
{
	struct virtio_dev_notify *n = opaque;
	struct virtio_vsock_dev *v = n->d->priv;

	virtio_dev_backend_called(n->d, v->call_fd[n->q], &v->running);
}

static const struct virtio_dev_ops vsock_ops = {
	.serve = vsock_serve,
	.reset = vsock_reset,
	.driver_ok = vsock_driver_ok,
};

/* Guest RAM, one region, for vhost's accesses to rings and buffers. */
static int vsock_mem_table(struct virtio_vsock_dev *v,
			   const struct guest_ram *ram)
{
	struct {
		struct vhost_memory hdr;
		struct vhost_memory_region region;
	} m = {
		.hdr = { .nregions = 1 },
		.region = {
			.guest_phys_addr = ram->base,
			.memory_size = ram->size,
			.userspace_addr = (uintptr_t)ram->host,
		},
	};

	if (ioctl(v->vhost_fd, VHOST_SET_MEM_TABLE, &m) < 0) {
		pr_err("virtio-vsock: VHOST_SET_MEM_TABLE: %s",
		       strerror(errno));
		return -1;
	}
	return 0;
}

struct virtio_vsock_dev *virtio_vsock_dev_create(const struct dev_host *host,
						 uint64_t base, uint32_t intid,
						 int vhost_fd,
						 uint64_t vhost_features,
						 uint32_t cid)
{
	struct virtio_vsock_dev *v = calloc(1, sizeof(*v));
	struct virtio_dev *d;

	if (!v) {
		pr_err("virtio-vsock: out of memory");
		return NULL;
	}
	v->vhost_fd = vhost_fd;
	for (unsigned int q = 0; q < VIRTIO_VSOCK_NR_VHOST_QUEUES; q++)
		v->call_fd[q] = -1;
	d = &v->vdev;
	d->name = "virtio-vsock";
	d->priv = v;
	d->ops = &vsock_ops;
	d->t.device_id = VIRTIO_ID_VSOCK;
	d->t.device_features = virtio_vsock_features(vhost_features);
	d->t.nr_queues = VIRTIO_VSOCK_NR_QUEUES;
	d->t.queue_num_max = VIRTQ_MAX_SIZE;
	virtio_vsock_config_init(&v->cfg, cid);
	d->t.config = (uint8_t *)&v->cfg;
	d->t.config_len = sizeof(v->cfg);
	d->t.config_writable = 0;
	/* vhost reads the rx and tx kick eventfds: the I/O thread must not. */
	d->unwatched_notify = 1U << VIRTIO_VSOCK_RXQ | 1U << VIRTIO_VSOCK_TXQ;
	if (virtio_dev_add(d, host, base, intid) ||
	    vsock_mem_table(v, &host->ram))
		goto fail;
	for (unsigned int q = 0; q < VIRTIO_VSOCK_NR_VHOST_QUEUES; q++) {
		v->call_fd[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (v->call_fd[q] < 0) {
			pr_err("virtio-vsock: eventfd: %s", strerror(errno));
			goto fail;
		}
		v->call[q] = (struct virtio_dev_notify){ .d = d, .q = q };
		if (host->watch_add(host->ctx, v->call_fd[q], vsock_called,
				    &v->call[q]))
			goto fail;
	}
	pr_info("virtio-vsock: guest CID %u, through vhost-vsock", cid);
	return v;
fail:
	virtio_vsock_dev_destroy(v);
	return NULL;
}

void virtio_vsock_dev_destroy(struct virtio_vsock_dev *v)
{
	if (!v)
		return;
	pthread_mutex_lock(&v->vdev.lock);
	vsock_stop(v);
	pthread_mutex_unlock(&v->vdev.lock);
	for (unsigned int q = 0; q < VIRTIO_VSOCK_NR_VHOST_QUEUES; q++)
		if (v->call_fd[q] >= 0)
			close(v->call_fd[q]);
	virtio_dev_release(&v->vdev);
	free(v);
}
