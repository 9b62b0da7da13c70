// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-rng (virtio 1.2 section 5.4): each chain's writable buffers are
 * filled with getrandom(2) bytes, and the chain returns with that many
 * written. The device has no configuration and no feature bits of its own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "virtio-dev.h"
#include "virtio-rng-dev.h"
#include "../vmm/log.h"

#define VIRTIO_ID_ENTROPY 4
/* At most this much per request: a guest asking for more gets less. */
#define RNG_MAX_PER_REQUEST 65536

struct virtio_rng_dev {
	struct virtio_dev vdev;
	struct virtq_chain chain;
	uint64_t bytes;
};

/* Fills up to max bytes of c's writable buffers; returns how many. */
static uint32_t rng_fill(const struct virtq_chain *c, uint32_t max)
{
	uint32_t done = 0;

	for (unsigned int i = c->nr_out; i < c->nr_segs && done < max; i++) {
		const struct virtq_seg *s = &c->segs[i];
		uint32_t want = s->len < max - done ? s->len : max - done;
		ssize_t n = getrandom(s->addr, want, 0);

		if (n < 0 && errno == EINTR)
			n = 0;
		if (n < 0) {
			pr_warn("virtio-rng: getrandom: %s", strerror(errno));
			break;
		}
		done += n;
		if ((uint32_t)n < want)
			break;
	}
	return done;
}

static void rng_serve(struct virtio_dev *d, unsigned int q)
{
	struct virtio_rng_dev *r = d->priv;
	unsigned int served = 0;

	while (virtio_dev_pop(d, q, &r->chain) > 0) {
		uint32_t n = rng_fill(&r->chain, RNG_MAX_PER_REQUEST);

		r->bytes += n;
		virtq_push(&d->t.queues[q], &d->ram, r->chain.head, n);
		served++;
	}
	if (served)
		virtio_dev_used(d, q);
}

static const struct virtio_dev_ops rng_ops = {
	.serve = rng_serve,
};

struct virtio_rng_dev *virtio_rng_dev_create(const struct dev_host *host,
					     uint64_t base, uint32_t intid)
{
	struct virtio_rng_dev *r = calloc(1, sizeof(*r));
	struct virtio_dev *d;

	if (!r) {
		pr_err("virtio-rng: out of memory");
		return NULL;
	}
	d = &r->vdev;
	d->name = "virtio-rng";
	d->priv = r;
	d->ops = &rng_ops;
	d->t.device_id = VIRTIO_ID_ENTROPY;
	d->t.device_features = VIRTIO_DEV_FEATURES;
	d->t.nr_queues = 1;
	d->t.queue_num_max = VIRTQ_MAX_SIZE;
	if (virtio_dev_add(d, host, base, intid)) {
		virtio_rng_dev_destroy(r);
		return NULL;
	}
	return r;
}

void virtio_rng_dev_destroy(struct virtio_rng_dev *r)
{
	if (!r)
		return;
	virtio_dev_release(&r->vdev);
	free(r);
}

uint64_t virtio_rng_dev_bytes(struct virtio_rng_dev *r)
{
	uint64_t n;

	pthread_mutex_lock(&r->vdev.lock);
	n = r->bytes;
	pthread_mutex_unlock(&r->vdev.lock);
	return n;
}
