// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console (virtio 1.2 section 5.3) with one port and no optional
 * feature: queue 0 (receiveq) carries host input to the guest, queue 1
 * (transmitq) the guest's output, which goes where the UART's goes
 * (stdout, --console-log, the panic watcher).
 */
#include <stdlib.h>
#include <string.h>

#include "virtio-console-dev.h"
#include "virtio-dev.h"
#include "../vmm/log.h"

#define VIRTIO_ID_CONSOLE 3
#define CONSOLE_RX 0
#define CONSOLE_TX 1

/* Section 5.3.4: only meaningful with features lkvm does not offer. */
struct virtio_console_config {
	uint16_t cols;
	uint16_t rows;
	uint32_t max_nr_ports;
	uint32_t emerg_wr;
} __attribute__((packed));

struct virtio_console_dev {
	struct virtio_dev vdev;
	struct virtio_console_config cfg;
	struct virtq_chain chain;
};

/* The guest's output: every readable buffer of each chain, in order. */
static void console_transmit(struct virtio_dev *d, struct virtq *vq)
{
	struct virtio_console_dev *c = d->priv;
	unsigned int served = 0;

	while (virtio_dev_pop(d, CONSOLE_TX, &c->chain) > 0) {
		for (unsigned int i = 0; i < c->chain.nr_out; i++)
			d->host->console_output(d->host->ctx,
						c->chain.segs[i].addr,
						c->chain.segs[i].len);
		virtq_push(vq, &d->ram, c->chain.head, 0);
		served++;
	}
	if (served)
		virtio_dev_used(d, CONSOLE_TX);
}

static void console_serve(struct virtio_dev *d, unsigned int q)
{
	/* Receive buffers are taken when input comes (the I/O loop retries). */
	if (q == CONSOLE_TX)
		console_transmit(d, &d->t.queues[q]);
}

static const struct virtio_dev_ops console_ops = {
	.serve = console_serve,
};

/* Copies up to len bytes of buf into the chain's writable buffers. */
static size_t console_fill(const struct virtq_chain *c, const uint8_t *buf,
			   size_t len)
{
	size_t done = 0;

	for (unsigned int i = c->nr_out; i < c->nr_segs && done < len; i++) {
		size_t n = c->segs[i].len < len - done ? c->segs[i].len :
							 len - done;

		memcpy(c->segs[i].addr, buf + done, n);
		done += n;
	}
	return done;
}

size_t virtio_console_dev_input(struct virtio_console_dev *c,
				const uint8_t *buf, size_t len)
{
	struct virtio_dev *d = &c->vdev;
	struct virtq *vq = &d->t.queues[CONSOLE_RX];
	size_t done = 0;

	pthread_mutex_lock(&d->lock);
	while (done < len && virtio_mmio_live(&d->t) &&
	       d->t.queue_ready[CONSOLE_RX] &&
	       virtio_dev_pop(d, CONSOLE_RX, &c->chain) > 0) {
		size_t n = console_fill(&c->chain, buf + done, len - done);

		virtq_push(vq, &d->ram, c->chain.head, n);
		done += n;
	}
	if (done)
		virtio_dev_used(d, CONSOLE_RX);
	pthread_mutex_unlock(&d->lock);
	return done;
}

struct virtio_console_dev *
virtio_console_dev_create(const struct dev_host *host, uint64_t base,
			  uint32_t intid)
{
	struct virtio_console_dev *c = calloc(1, sizeof(*c));
	struct virtio_dev *d;

	if (!c) {
		pr_err("virtio-console: out of memory");
		return NULL;
	}
	d = &c->vdev;
	d->name = "virtio-console";
	d->priv = c;
	d->ops = &console_ops;
	d->t.device_id = VIRTIO_ID_CONSOLE;
	d->t.device_features = VIRTIO_DEV_FEATURES;
	d->t.nr_queues = 2;
	d->t.queue_num_max = VIRTQ_MAX_SIZE;
	d->t.config = (uint8_t *)&c->cfg;
	d->t.config_len = sizeof(c->cfg);
	if (virtio_dev_add(d, host, base, intid)) {
		virtio_console_dev_destroy(c);
		return NULL;
	}
	return c;
}

void virtio_console_dev_destroy(struct virtio_console_dev *c)
{
	if (!c)
		return;
	virtio_dev_release(&c->vdev);
	free(c);
}
