// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net (virtio 1.2 section 5.1) between the guest's queues and a
 * backend, on the I/O thread. Transmit: each chain is decoded
 * (virtio-net.c), its frame sent, the chain returned. Receive: frames the
 * backend hands over wait in a short queue of their own until the driver
 * has buffers for them; a frame takes one chain, or several with
 * mergeable buffers, all returned at once. The device's lock is held for
 * everything the backend does, so that a frame slirp answers at once
 * (inside a transmit) lands in the receive queue safely.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "net-backend.h"
#include "virtio-dev.h"
#include "virtio-net-dev.h"
#include "virtio-net.h"
#include "../vmm/log.h"

/* Received frames held while the guest has no buffer for them. */
#define NET_PENDING_MAX 64

struct net_frame {
	uint8_t *data;
	size_t len;
};

struct virtio_net_dev {
	struct virtio_dev vdev;
	struct virtio_net_config cfg;
	struct net_backend *be;
	struct io_hook hook;
	/* Receive: the frame's first chain (its header) and the current. */
	struct virtq_chain first, cur;
	uint16_t heads[VIRTQ_MAX_SIZE];
	uint32_t written[VIRTQ_MAX_SIZE];
	struct net_frame pending[NET_PENDING_MAX];
	unsigned int pend_head, pend_count;
	/* Transmit. */
	struct virtq_chain txc;
	uint8_t txbuf[VIRTIO_NET_MAX_FRAME];
	unsigned int tx_warned; /* bits: the errors logged once */
	uint64_t rx_dropped, tx_dropped;
};

static bool net_rx_ready(const struct virtio_net_dev *n)
{
	const struct virtio_dev *d = &n->vdev;

	return virtio_mmio_live(&d->t) && d->t.queue_ready[VIRTIO_NET_RXQ];
}

static void net_pending_drop_first(struct virtio_net_dev *n)
{
	free(n->pending[n->pend_head].data);
	n->pending[n->pend_head].data = NULL;
	n->pend_head = (n->pend_head + 1) % NET_PENDING_MAX;
	n->pend_count--;
}

static void net_pending_clear(struct virtio_net_dev *n)
{
	while (n->pend_count)
		net_pending_drop_first(n);
}

/*
 * A frame into the receive queue. Returns 1 when placed, 0 when the
 * driver has not made enough buffers available yet (nothing consumed),
 * -1 when this frame can never fit its buffers (dropped), -2 when the
 * driver broke the rules (the device failed).
 */
static int net_rx_place(struct virtio_net_dev *n, const uint8_t *frame,
			size_t len)
{
	struct virtio_dev *d = &n->vdev;
	struct virtq *vq = &d->t.queues[VIRTIO_NET_RXQ];
	bool merge = d->t.driver_features & 1ULL << VIRTIO_NET_F_MRG_RXBUF;
	struct virtio_net_rx rx;
	unsigned int k = 0;
	int ret = 0;

	virtio_net_rx_start(&rx, frame, len, merge);
	while (!ret) {
		struct virtq_chain *c = k ? &n->cur : &n->first;
		int got;

		/* The whole ring would not hold it: it never will. */
		if (k == vq->num) {
			virtq_unpop(vq, k);
			return -1;
		}
		got = virtio_dev_pop(d, VIRTIO_NET_RXQ, c);
		if (got < 0)
			return -2;
		if (!got) {
			/* Wait for more buffers; these stay the driver's. */
			virtq_unpop(vq, k);
			return 0;
		}
		ret = virtio_net_rx_put(&rx, c, &n->written[k]);
		n->heads[k++] = c->head;
	}
	if (ret < 0) {
		virtq_unpop(vq, k);
		/* Without mergeable buffers, a frame too big for them. */
		if (!merge && n->first.in_len >= VIRTIO_NET_HDR_LEN)
			return -1;
		/* Every receive buffer holds a header (5.1.6.3.1). */
		virtio_dev_fail(d, "a receive buffer shorter than a header");
		return -2;
	}
	virtio_net_rx_finish(&rx, &n->first);
	virtq_push_n(vq, &d->ram, n->heads, n->written, k);
	return 1;
}

/* Moves held frames into the receive queue while it has room. */
static void net_rx_flush(struct virtio_net_dev *n)
{
	unsigned int placed = 0;

	while (n->pend_count && net_rx_ready(n)) {
		const struct net_frame *f = &n->pending[n->pend_head];
		int ret = net_rx_place(n, f->data, f->len);

		if (!ret)
			break;
		if (ret == -2) {
			net_pending_clear(n);
			break;
		}
		if (ret < 0)
			n->rx_dropped++;
		else
			placed++;
		net_pending_drop_first(n);
	}
	if (placed)
		virtio_dev_used(&n->vdev, VIRTIO_NET_RXQ);
}

/* The backend's frame for the guest (the lock is held). */
static bool net_rx(void *opaque, const uint8_t *frame, size_t len)
{
	struct virtio_net_dev *n = opaque;
	struct net_frame *f;

	if (!net_rx_ready(n) || n->pend_count == NET_PENDING_MAX ||
	    len > VIRTIO_NET_MAX_FRAME) {
		n->rx_dropped++;
		return n->pend_count < NET_PENDING_MAX;
	}
	f = &n->pending[(n->pend_head + n->pend_count) % NET_PENDING_MAX];
	f->data = malloc(len);
	if (!f->data) {
		n->rx_dropped++;
		return false;
	}
	memcpy(f->data, frame, len);
	f->len = len;
	n->pend_count++;
	net_rx_flush(n);
	/* Frames still held: the guest has no room, the backend waits. */
	return n->pend_count == 0;
}

static void net_tx_drop(struct virtio_net_dev *n, enum virtio_net_tx_error e)
{
	n->tx_dropped++;
	/* A hostile or broken driver: one line per kind, not per frame. */
	if (!(n->tx_warned & 1U << e))
		pr_warn("%s: dropping %s", n->vdev.name,
			virtio_net_tx_error_str(e));
	n->tx_warned |= 1U << e;
}

static void net_tx(struct virtio_net_dev *n)
{
	struct virtio_dev *d = &n->vdev;
	struct virtq *vq = &d->t.queues[VIRTIO_NET_TXQ];
	unsigned int served = 0;

	while (virtio_dev_pop(d, VIRTIO_NET_TXQ, &n->txc) > 0) {
		enum virtio_net_tx_error e;
		size_t len;

		e = virtio_net_tx_decode(&n->txc, d->t.driver_features,
					 n->txbuf, &len);
		if (e)
			net_tx_drop(n, e);
		else
			n->be->ops->send(n->be, n->txbuf, len);
		/* Transmit buffers are only read: 0 bytes written (5.1.6.2). */
		virtq_push(vq, &d->ram, n->txc.head, 0);
		served++;
	}
	if (served)
		virtio_dev_used(d, VIRTIO_NET_TXQ);
}

static void net_serve(struct virtio_dev *d, unsigned int q)
{
	struct virtio_net_dev *n = d->priv;

	if (q == VIRTIO_NET_TXQ)
		net_tx(n);
	else
		net_rx_flush(n);
}

static void net_reset(struct virtio_dev *d)
{
	net_pending_clear(d->priv);
}

static const struct virtio_dev_ops net_ops = {
	.serve = net_serve,
	.reset = net_reset,
};

static unsigned int net_hook_fill(void *opaque, struct pollfd *fds,
				  unsigned int max, int *timeout_ms)
{
	struct virtio_net_dev *n = opaque;
	unsigned int nr;

	pthread_mutex_lock(&n->vdev.lock);
	nr = n->be->ops->fill(n->be, fds, max, timeout_ms,
			      net_rx_ready(n) && !n->pend_count);
	pthread_mutex_unlock(&n->vdev.lock);
	return nr;
}

static void net_hook_dispatch(void *opaque, struct pollfd *fds, unsigned int nr)
{
	struct virtio_net_dev *n = opaque;

	pthread_mutex_lock(&n->vdev.lock);
	n->be->ops->dispatch(n->be, fds, nr);
	pthread_mutex_unlock(&n->vdev.lock);
}

struct virtio_net_dev *virtio_net_dev_create(const struct dev_host *host,
					     uint64_t base, uint32_t intid,
					     struct net_backend *backend,
					     const uint8_t mac[6])
{
	struct virtio_net_dev *n = calloc(1, sizeof(*n));
	struct virtio_dev *d;

	if (!n) {
		pr_err("virtio-net: out of memory");
		return NULL;
	}
	d = &n->vdev;
	d->name = "virtio-net";
	d->priv = n;
	d->ops = &net_ops;
	d->t.device_id = VIRTIO_ID_NET;
	d->t.device_features = virtio_net_features();
	d->t.nr_queues = 2;
	d->t.queue_num_max = VIRTQ_MAX_SIZE;
	virtio_net_config_init(&n->cfg, mac);
	d->t.config = (uint8_t *)&n->cfg;
	d->t.config_len = sizeof(n->cfg);
	d->t.config_writable = 0;
	n->be = backend;
	n->hook = (struct io_hook){ .fill = net_hook_fill,
				    .dispatch = net_hook_dispatch,
				    .opaque = n };
	if (virtio_dev_add(d, host, base, intid) ||
	    host->hook_add(host->ctx, &n->hook)) {
		virtio_net_dev_destroy(n);
		return NULL;
	}
	backend->rx = net_rx;
	backend->rx_opaque = n;
	pr_info("virtio-net: %02x:%02x:%02x:%02x:%02x:%02x on %s", mac[0],
		mac[1], mac[2], mac[3], mac[4], mac[5], backend->desc);
	return n;
}

void virtio_net_dev_destroy(struct virtio_net_dev *n)
{
	if (!n)
		return;
	/* The backend outlives the device (--reboot=restart). */
	if (n->be && n->be->rx_opaque == n)
		n->be->rx = NULL;
	net_pending_clear(n);
	virtio_dev_release(&n->vdev);
	free(n);
}
