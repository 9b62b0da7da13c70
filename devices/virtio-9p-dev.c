// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-9p in the running VM (virtio 1.2 section 5.11): one request
 * queue; each chain is one T-message in and one R-message out (5.11.6),
 * served by p9-fs.c over the share.
 *
 * Threads: requests are served on the I/O thread (the queue's notify
 * eventfd), never on a vCPU, so a slow call on the host (an fsync, a big
 * folder) stalls neither the guest's CPUs nor its other devices' MMIO. One
 * request at a time, under the device's lock, as p9_handle wants (its
 * decoded message and scratch buffer live in the server); the 9P protocol
 * lets the client have many in flight, and they are answered in order.
 *
 * Guest input: the chain's readable part is gathered into a buffer of the
 * largest msize (cut there: p9_decode then refuses the message's size
 * field), the reply is built in a buffer bounded by the writable part's
 * length and scattered back, so no byte is read or written outside the
 * guest's own buffers (virtq.c checked them).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "p9-fs.h"
#include "p9-proto.h"
#include "virtio-9p-dev.h"
#include "virtio-9p.h"
#include "virtio-dev.h"
#include "../vmm/log.h"

struct virtio_9p_dev {
	struct virtio_dev vdev;
	struct virtio_9p_config cfg;
	struct p9_server *server;
	char name[32];
	struct virtq_chain chain; /* scratch for virtio_dev_pop */
	uint8_t req[P9_MSIZE_MAX];
	uint8_t reply[P9_MSIZE_MAX];
	bool bad_chain_logged;
	/* This run's account, for --loglevel info at the end. */
	uint64_t requests, notifies, in_bytes, out_bytes, busy_ns, max_ns;
};

/* A chain the device cannot use as a request: logged once. */
static void p9_bad_chain(struct virtio_9p_dev *p, const char *why)
{
	if (!p->bad_chain_logged)
		pr_warn("%s: %s", p->name, why);
	p->bad_chain_logged = true;
}

/* Serves one chain; returns the bytes written into its writable part. */
static uint32_t p9_serve_one(struct virtio_9p_dev *p)
{
	const struct virtq_chain *c = &p->chain;
	size_t room = virtio_9p_reply_room(c, sizeof(p->reply));
	long in_len = virtio_9p_gather(c, p->req, sizeof(p->req));
	int out_len;

	if (in_len < 0) {
		p9_bad_chain(p, "a request with no readable buffer");
		return 0;
	}
	out_len = p9_handle(p->server, p->req, (size_t)in_len, p->reply, room);
	if (out_len < 0) {
		/* Not even room for an Rlerror: the driver gets nothing. */
		p9_bad_chain(p, "a request with no room for its reply");
		return 0;
	}
	return virtio_9p_scatter(c, p->reply, (size_t)out_len);
}

/* The I/O thread, the lock held: every request the driver made available. */
static void p9_serve(struct virtio_dev *d, unsigned int q)
{
	struct virtio_9p_dev *p = d->priv;
	unsigned int done = 0;

	p->notifies++;
	while (virtio_dev_pop(d, q, &p->chain) > 0) {
		uint64_t t0 = log_monotonic_ns(), ns;
		uint32_t written = p9_serve_one(p);

		virtq_push(&d->t.queues[q], &d->ram, p->chain.head, written);
		ns = log_monotonic_ns() - t0;
		p->requests++;
		p->in_bytes += p->chain.out_len;
		p->out_bytes += written;
		p->busy_ns += ns;
		if (ns > p->max_ns)
			p->max_ns = ns;
		done++;
	}
	if (done)
		virtio_dev_used(d, q);
}

/*
 * The driver reset the device: nothing is in flight (requests complete
 * before the lock is let go). The fids stay until the next Tversion,
 * which begins a new session and clunks them all (version(5)).
 */
static void p9_reset(struct virtio_dev *d)
{
	struct virtio_9p_dev *p = d->priv;

	p->bad_chain_logged = false;
}

static const struct virtio_dev_ops p9_ops = {
	.serve = p9_serve,
	.reset = p9_reset,
};

struct virtio_9p_dev *virtio_9p_dev_create(const struct dev_host *host,
					   uint64_t base, uint32_t intid,
					   struct p9_server *server,
					   const char *tag)
{
	struct virtio_9p_dev *p = calloc(1, sizeof(*p));
	struct virtio_dev *d;
	int cfg_len;

	if (!p) {
		pr_err("virtio-9p %s: out of memory", tag);
		return NULL;
	}
	snprintf(p->name, sizeof(p->name), "virtio-9p %.20s", tag);
	cfg_len = virtio_9p_config_init(&p->cfg, tag);
	if (cfg_len < 0) {
		pr_err("%s: the mount tag does not fit the config space",
		       p->name);
		free(p);
		return NULL;
	}
	p->server = server;
	d = &p->vdev;
	d->name = p->name;
	d->priv = p;
	d->ops = &p9_ops;
	d->t.device_id = VIRTIO_ID_9P;
	d->t.device_features = VIRTIO_DEV_FEATURES |
			       1ULL << VIRTIO_9P_F_MOUNT_TAG;
	d->t.nr_queues = 1;
	d->t.queue_num_max = VIRTQ_MAX_SIZE;
	d->t.config = (uint8_t *)&p->cfg;
	d->t.config_len = (uint32_t)cfg_len;
	d->t.config_writable = 0;
	if (virtio_dev_add(d, host, base, intid)) {
		virtio_9p_dev_destroy(p);
		return NULL;
	}
	pr_info("%s: the host folder shared as 9P2000.L", p->name);
	return p;
}

/*
 * What the share served in this run, for --loglevel info: requests, bytes
 * each way, and each request's mean and longest time in lkvm (from the
 * chain's pop to its push: the host's share of the guest's latency).
 */
static void p9_report(const struct virtio_9p_dev *p)
{
	if (!p->requests)
		return;
	pr_info("%s: %llu requests (%llu KiB in, %llu KiB out), %llu notifies; in lkvm per request: mean %llu us, max %llu us",
		p->name, (unsigned long long)p->requests,
		(unsigned long long)(p->in_bytes >> 10),
		(unsigned long long)(p->out_bytes >> 10),
		(unsigned long long)p->notifies,
		(unsigned long long)(p->busy_ns / p->requests / 1000),
		(unsigned long long)(p->max_ns / 1000));
}

void virtio_9p_dev_drain(struct virtio_9p_dev *p)
{
	pthread_mutex_lock(&p->vdev.lock);
	p9_report(p);
	p->requests = p->notifies = p->in_bytes = p->out_bytes = 0;
	p->busy_ns = p->max_ns = 0;
	pthread_mutex_unlock(&p->vdev.lock);
}

void virtio_9p_dev_destroy(struct virtio_9p_dev *p)
{
	if (!p)
		return;
	virtio_dev_release(&p->vdev);
	free(p);
}
