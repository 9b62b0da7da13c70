// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk in the running VM (virtio 1.2 section 5.2): requests are
 * decoded by the pure virtio-blk.c and run on the I/O thread, through
 * io_uring with up to a queue's worth in flight, or synchronously.
 *
 * Durability: a FLUSH completes only after fsync of the file has; at the
 * end of the run every request in flight is waited for. A device that
 * needs a reset takes no new request, so nothing is written after it
 * failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <unistd.h>

#include "virtio-blk-dev.h"
#include "virtio-blk.h"
#include "virtio-dev.h"
#include "../vmm/log.h"

#define BLK_RING_ENTRIES 256

/* One request between its decoding and its completion. */
struct blk_op {
	struct virtio_blk_req req;
	uint16_t head;
	uint64_t data_len; /* as decoded: the rest shrinks r->len */
	unsigned int generation; /* the device's at submission */
	unsigned int ops_left; /* io_uring operations still out */
	uint64_t start_ns; /* CLOCK_MONOTONIC when it was decoded */
	bool via_uring; /* submitted to io_uring */
	bool punt; /* to an io-wq worker at once (IOSQE_ASYNC) */
	int fd; /* the descriptor it runs on */
	uint8_t status;
	struct blk_op *next_free;
};

struct virtio_blk_dev {
	struct virtio_dev vdev;
	struct virtio_blk_disk disk;
	struct virtio_blk_config cfg;
	char name[32];
	int fd; /* buffered */
	int direct_fd; /* O_DIRECT, with ,direct; else -1 */
	struct virtio_blk_backend be;
	bool sync;
	bool uring;
	struct io_uring ring;
	int ring_efd; /* io_uring signals completions here */
	struct blk_op ops[VIRTQ_MAX_SIZE];
	struct blk_op *free_ops;
	unsigned int inflight;
	bool starved; /* a chain waited for a free op */
	struct virtq_chain chain; /* scratch for virtq_pop */
	struct virtio_blk_stats stats;
	bool reaping_inline; /* reaping in the notify that submitted */
	bool io_error_logged;
};

static struct virtio_blk_dev *blk_of(struct virtio_dev *d)
{
	return d->priv;
}

static struct blk_op *blk_op_get(struct virtio_blk_dev *b)
{
	struct blk_op *op = b->free_ops;

	if (op) {
		b->free_ops = op->next_free;
		b->inflight++;
	}
	return op;
}

static void blk_op_put(struct virtio_blk_dev *b, struct blk_op *op)
{
	op->next_free = b->free_ops;
	b->free_ops = op;
	b->inflight--;
}

static void blk_log_io_error(struct virtio_blk_dev *b, const char *what,
			     int err)
{
	if (!b->io_error_logged)
		pr_warn("%s: %s: %s (the guest gets an I/O error)", b->name,
			what, strerror(err));
	b->io_error_logged = true;
}

static enum virtio_blk_kind blk_kind(uint32_t type)
{
	switch (type) {
	case VIRTIO_BLK_T_IN:
		return BLK_KIND_READ;
	case VIRTIO_BLK_T_OUT:
		return BLK_KIND_WRITE;
	case VIRTIO_BLK_T_FLUSH:
		return BLK_KIND_FLUSH;
	default:
		return BLK_KIND_OTHER;
	}
}

/*
 * Where a request's time went: counted by kind, and for io_uring whether
 * it completed inline, for the exit's report.
 */
static void blk_account(struct virtio_blk_dev *b, const struct blk_op *op)
{
	struct virtio_blk_stats *st = &b->stats;
	enum virtio_blk_kind k = blk_kind(op->req.type);
	uint64_t ns = log_monotonic_ns() - op->start_ns;

	st->requests++;
	st->done[k]++;
	st->bytes[k] += op->data_len;
	st->busy_ns[k] += ns;
	if (ns > st->max_ns)
		st->max_ns = ns;
	if (op->via_uring) {
		if (b->reaping_inline)
			st->uring_inline[k]++;
		else
			st->uring_async[k]++;
	}
}

/*
 * Gives the request back to the driver with its status. A request of an
 * earlier generation (the driver reset the device since) only frees its
 * slot: its buffers are no longer the device's to write.
 */
static void blk_complete(struct virtio_blk_dev *b, struct blk_op *op)
{
	struct virtio_dev *d = &b->vdev;

	if (op->generation == d->generation && !d->t.queues[0].broken) {
		op->req.len = op->data_len;
		*op->req.status = op->status;
		virtq_push(&d->t.queues[0], &d->ram, op->head,
			   virtio_blk_written(&op->req, op->status));
	}
	blk_account(b, op);
	blk_op_put(b, op);
}

/* Drops n transferred bytes from the front of the request's iov. */
static void blk_iov_advance(struct virtio_blk_req *r, uint64_t done)
{
	uint64_t n = done;
	unsigned int i = 0;

	while (i < r->nr_iov && n >= r->iov[i].iov_len)
		n -= r->iov[i++].iov_len;
	memmove(r->iov, r->iov + i, (r->nr_iov - i) * sizeof(r->iov[0]));
	r->nr_iov -= i;
	if (r->nr_iov) {
		r->iov[0].iov_base = (uint8_t *)r->iov[0].iov_base + n;
		r->iov[0].iov_len -= n;
	}
	r->offset += done;
	r->len -= done;
}

/* --- synchronous backend ------------------------------------------- */

static uint8_t blk_sync_rw(struct virtio_blk_dev *b, int fd,
			   struct virtio_blk_req *r)
{
	bool write = r->type == VIRTIO_BLK_T_OUT;

	while (r->len) {
		ssize_t n = write ? pwritev(fd, r->iov, r->nr_iov, r->offset) :
				    preadv(fd, r->iov, r->nr_iov, r->offset);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			blk_log_io_error(b, write ? "write" : "read",
					 n ? errno : EIO);
			return VIRTIO_BLK_S_IOERR;
		}
		blk_iov_advance(r, n);
	}
	return VIRTIO_BLK_S_OK;
}

/* Runs r at once on fd (fsync and discard: on the buffered one). */
static uint8_t blk_sync_run(struct virtio_blk_dev *b, int fd,
			    struct virtio_blk_req *r)
{
	switch (r->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		return blk_sync_rw(b, fd, r);
	case VIRTIO_BLK_T_FLUSH:
		if (fsync(b->fd)) {
			blk_log_io_error(b, "fsync", errno);
			return VIRTIO_BLK_S_IOERR;
		}
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_DISCARD:
		for (unsigned int i = 0; i < r->nr_ranges; i++)
			if (fallocate(b->fd,
				      FALLOC_FL_PUNCH_HOLE |
					      FALLOC_FL_KEEP_SIZE,
				      r->ranges[i].sector * VIRTIO_BLK_SECTOR,
				      (uint64_t)r->ranges[i].nr_sectors *
					      VIRTIO_BLK_SECTOR)) {
				blk_log_io_error(b, "discard", errno);
				return VIRTIO_BLK_S_IOERR;
			}
		return VIRTIO_BLK_S_OK;
	default: /* GET_ID: answered by the decoder */
		return VIRTIO_BLK_S_OK;
	}
}

/*
 * A buffered read at once, as far as the page cache has it (RWF_NOWAIT
 * never waits for the device). True when op is done, its status set;
 * false when the rest (op->req, advanced) must wait.
 */
static bool blk_nowait_read(struct virtio_blk_dev *b, struct blk_op *op)
{
	struct virtio_blk_req *r = &op->req;

	while (r->len) {
		ssize_t n = preadv2(b->fd, r->iov, r->nr_iov, r->offset,
				    RWF_NOWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			blk_log_io_error(b, "read", n ? errno : EIO);
			op->status = VIRTIO_BLK_S_IOERR;
			return true;
		}
		blk_iov_advance(r, n);
	}
	if (r->len)
		b->stats.nowait_misses++;
	else
		b->stats.nowait_hits++;
	return !r->len;
}

/* --- io_uring backend ---------------------------------------------- */

/* A free submission entry; submits what is queued when the ring is full. */
static struct io_uring_sqe *blk_sqe(struct virtio_blk_dev *b)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&b->ring);

	if (!sqe) {
		io_uring_submit(&b->ring);
		sqe = io_uring_get_sqe(&b->ring);
	}
	return sqe;
}

static bool blk_uring_rw(struct virtio_blk_dev *b, struct blk_op *op)
{
	struct io_uring_sqe *sqe = blk_sqe(b);
	struct virtio_blk_req *r = &op->req;

	if (!sqe)
		return false;
	if (r->type == VIRTIO_BLK_T_OUT)
		io_uring_prep_writev(sqe, op->fd, r->iov, r->nr_iov, r->offset);
	else
		io_uring_prep_readv(sqe, op->fd, r->iov, r->nr_iov, r->offset);
	if (op->punt)
		sqe->flags |= IOSQE_ASYNC;
	io_uring_sqe_set_data(sqe, op);
	op->ops_left = 1;
	op->via_uring = true;
	return true;
}

/* Queues op's operations; false when the ring has no room at all. */
static bool blk_uring_submit(struct virtio_blk_dev *b, struct blk_op *op)
{
	struct virtio_blk_req *r = &op->req;
	struct io_uring_sqe *sqe;

	switch (r->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		return blk_uring_rw(b, op);
	case VIRTIO_BLK_T_FLUSH:
		sqe = blk_sqe(b);
		if (!sqe)
			return false;
		io_uring_prep_fsync(sqe, op->fd, 0);
		io_uring_sqe_set_data(sqe, op);
		op->ops_left = 1;
		op->via_uring = true;
		return true;
	case VIRTIO_BLK_T_DISCARD:
		op->ops_left = 0;
		for (unsigned int i = 0; i < r->nr_ranges; i++) {
			sqe = blk_sqe(b);
			if (!sqe && op->ops_left) {
				/* The ranges queued complete it, failed. */
				op->status = VIRTIO_BLK_S_IOERR;
				return true;
			}
			if (!sqe)
				return false;
			io_uring_prep_fallocate(
				sqe, op->fd,
				FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				r->ranges[i].sector * VIRTIO_BLK_SECTOR,
				(uint64_t)r->ranges[i].nr_sectors *
					VIRTIO_BLK_SECTOR);
			io_uring_sqe_set_data(sqe, op);
			op->ops_left++;
			op->via_uring = true;
		}
		return true;
	default:
		return false;
	}
}

/* One completion of op's: done when its last operation is. */
static void blk_uring_done(struct virtio_blk_dev *b, struct blk_op *op, int res)
{
	struct virtio_blk_req *r = &op->req;
	bool rw = r->type == VIRTIO_BLK_T_IN || r->type == VIRTIO_BLK_T_OUT;

	op->ops_left--;
	if (res < 0) {
		blk_log_io_error(b, rw ? "read/write" : "flush/discard", -res);
		op->status = VIRTIO_BLK_S_IOERR;
	} else if (rw && op->status == VIRTIO_BLK_S_OK) {
		if (!res && r->len) {
			blk_log_io_error(b, "read/write", EIO);
			op->status = VIRTIO_BLK_S_IOERR;
		} else if ((uint64_t)res < r->len) {
			/* A short transfer: the rest goes out again. */
			blk_iov_advance(r, res);
			if (blk_uring_rw(b, op))
				return;
			op->status = VIRTIO_BLK_S_IOERR;
		}
	}
	if (!op->ops_left)
		blk_complete(b, op);
}

static void blk_serve(struct virtio_dev *d, unsigned int q);

/*
 * Completes what io_uring has finished, in batches: the completion
 * queue's head moves once per batch. Returns how many.
 */
static unsigned int blk_uring_reap(struct virtio_blk_dev *b)
{
	struct io_uring_cqe *cqes[32];
	unsigned int done = 0, n;

	while ((n = io_uring_peek_batch_cqe(&b->ring, cqes, 32))) {
		for (unsigned int i = 0; i < n; i++)
			blk_uring_done(b, io_uring_cqe_get_data(cqes[i]),
				       cqes[i]->res);
		io_uring_cq_advance(&b->ring, n);
		done += n;
	}
	return done;
}

/* The I/O thread: io_uring has completions. */
static void blk_uring_ready(void *opaque)
{
	struct virtio_blk_dev *b = opaque;
	struct virtio_dev *d = &b->vdev;
	unsigned int done;
	uint64_t count;

	if (read(b->ring_efd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		pr_debug("%s: completion eventfd: %s", b->name,
			 strerror(errno));
	pthread_mutex_lock(&d->lock);
	/* Under the lock, as every other count that drain reads and resets. */
	b->stats.completion_wakeups++;
	done = blk_uring_reap(b);
	io_uring_submit(&b->ring);
	if (done)
		virtio_dev_used(d, 0);
	/* Chains left waiting for a free slot can go now. */
	if (b->starved && virtio_mmio_live(&d->t) && d->t.queue_ready[0])
		blk_serve(d, 0);
	pthread_mutex_unlock(&d->lock);
}

/* --- the queue ----------------------------------------------------- */

/* Submits op to io_uring; a full ring fails it at once. */
static void blk_uring_start(struct virtio_blk_dev *b, struct blk_op *op,
			    unsigned int *completed)
{
	if (blk_uring_submit(b, op))
		return;
	/* The ring is full even after a submit: not expected. */
	op->status = VIRTIO_BLK_S_IOERR;
	blk_complete(b, op);
	(*completed)++;
}

/* Runs or submits one decoded request, where virtio_blk_path says. */
static void blk_start(struct virtio_blk_dev *b, struct blk_op *op, int status,
		      unsigned int *completed)
{
	op->status = status;
	op->data_len = op->req.len;
	op->start_ns = log_monotonic_ns();
	op->via_uring = false;
	op->punt = false;
	op->fd = b->be.direct ? b->direct_fd : b->fd;
	if (status == VIRTIO_BLK_S_OK) {
		switch (virtio_blk_path(&op->req, &b->be)) {
		case VIRTIO_BLK_PATH_NONE:
			break;
		case VIRTIO_BLK_PATH_SYNC:
			op->status = blk_sync_run(b, op->fd, &op->req);
			break;
		case VIRTIO_BLK_PATH_BUFFERED:
			b->stats.buffered++;
			op->status = blk_sync_run(b, b->fd, &op->req);
			break;
		case VIRTIO_BLK_PATH_NOWAIT:
			if (blk_nowait_read(b, op))
				break;
			op->punt = true;
			blk_uring_start(b, op, completed);
			return;
		case VIRTIO_BLK_PATH_URING:
			blk_uring_start(b, op, completed);
			return;
		}
	}
	blk_complete(b, op);
	(*completed)++;
}

/* Takes what the driver made available, while there are free slots. */
static void blk_serve(struct virtio_dev *d, unsigned int q)
{
	struct virtio_blk_dev *b = blk_of(d);
	unsigned int completed = 0;

	b->starved = false;
	for (;;) {
		struct blk_op *op;
		int ret, status;

		if (!b->free_ops) {
			b->starved = true;
			break;
		}
		ret = virtio_dev_pop(d, q, &b->chain);
		if (ret <= 0)
			break;
		op = blk_op_get(b);
		op->head = b->chain.head;
		op->generation = d->generation;
		status = virtio_blk_decode(&b->chain, &b->disk, &op->req);
		if (status < 0) {
			blk_op_put(b, op);
			virtio_dev_fail(
				d, "a request with no room for its status");
			break;
		}
		blk_start(b, op, status, &completed);
	}
	/*
	 * io_uring runs a request inline at submission when it need not
	 * wait (page-cache hits): complete those now, in this wake-up,
	 * instead of in the next one its eventfd causes.
	 */
	if (b->uring) {
		io_uring_submit(&b->ring);
		b->reaping_inline = true;
		completed += blk_uring_reap(b);
		b->reaping_inline = false;
		/* A short transfer's rest, queued by the reaping. */
		io_uring_submit(&b->ring);
	}
	if (completed)
		virtio_dev_used(d, q);
}

static void blk_notified(struct virtio_dev *d, unsigned int q)
{
	blk_of(d)->stats.notifies++;
	blk_serve(d, q);
}

/* With the lock held: waits until no request is in flight. */
static void blk_drain_locked(struct virtio_blk_dev *b)
{
	if (!b->uring)
		return;
	io_uring_submit(&b->ring);
	while (b->inflight) {
		struct io_uring_cqe *cqe;
		int err = io_uring_wait_cqe(&b->ring, &cqe);

		if (err == -EINTR)
			continue;
		if (err) {
			pr_warn("%s: waiting for requests in flight: %s",
				b->name, strerror(-err));
			break;
		}
		blk_uring_done(b, io_uring_cqe_get_data(cqe), cqe->res);
		io_uring_cqe_seen(&b->ring, cqe);
		io_uring_submit(&b->ring);
	}
}

/*
 * The driver reset the device (section 2.4): once this returns, no request
 * of before may touch guest memory, so wait for those in flight here
 * (their completions no longer reach the rings: the generation moved on).
 */
static void blk_reset(struct virtio_dev *d)
{
	struct virtio_blk_dev *b = blk_of(d);

	blk_drain_locked(b);
	b->starved = false;
	b->io_error_logged = false;
}

static const struct virtio_dev_ops blk_ops = {
	.serve = blk_notified,
	.reset = blk_reset,
};

/* --- set-up and teardown ------------------------------------------- */

/*
 * Whether the file's buffered reads take RWF_NOWAIT (ext4 does, tmpfs
 * answers EOPNOTSUPP): one read of the first sector tells.
 */
static bool blk_takes_nowait(struct virtio_blk_dev *b)
{
	uint8_t sector[VIRTIO_BLK_SECTOR];
	struct iovec iov = { sector, sizeof(sector) };

	return preadv2(b->fd, &iov, 1, 0, RWF_NOWAIT) >= 0 ||
	       errno != EOPNOTSUPP;
}

static int blk_uring_init(struct virtio_blk_dev *b, const struct dev_host *host)
{
	int err = io_uring_queue_init(BLK_RING_ENTRIES, &b->ring, 0);

	if (err) {
		pr_warn("%s: io_uring: %s: using synchronous I/O", b->name,
			strerror(-err));
		return 0;
	}
	b->ring_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->ring_efd < 0 ||
	    io_uring_register_eventfd(&b->ring, b->ring_efd)) {
		pr_err("%s: io_uring eventfd: %s", b->name, strerror(errno));
		return -1;
	}
	b->uring = true;
	b->be.uring = true;
	b->be.nowait = blk_takes_nowait(b);
	return host->watch_add(host->ctx, b->ring_efd, blk_uring_ready, b);
}

static void blk_disk_init(struct virtio_blk_dev *b,
			  const struct virtio_blk_dev_cfg *c)
{
	b->disk.size = c->size;
	b->disk.read_only = c->read_only;
	b->disk.discard = c->discard && !c->read_only;
	/* With O_DIRECT, blocks of its alignment keep requests aligned. */
	if (c->direct_fd >= 0 && c->dio_offset_align > VIRTIO_BLK_SECTOR)
		b->disk.blk_size = c->dio_offset_align;
	snprintf(b->disk.id, sizeof(b->disk.id), "lkvm-vd%c",
		 'a' + (int)c->index);
	virtio_blk_config_init(&b->cfg, &b->disk);
}

/*
 * LKVM_BENCH_BLK_EVENT_IDX=off, for 62-bench-blk alone: the disks do not
 * offer VIRTIO_F_EVENT_IDX, so that the benchmark can tell what the
 * notification and interrupt suppression it brings is worth (virtio 1.2
 * sections 2.7.7 and 2.7.10). No user needs it off.
 */
static bool blk_event_idx_off(void)
{
	const char *s = getenv("LKVM_BENCH_BLK_EVENT_IDX");

	return s && !strcmp(s, "off");
}

struct virtio_blk_dev *virtio_blk_dev_create(const struct dev_host *host,
					     const struct virtio_blk_dev_cfg *c,
					     uint64_t base, uint32_t intid)
{
	struct virtio_blk_dev *b = calloc(1, sizeof(*b));
	struct virtio_dev *d;

	if (!b) {
		pr_err("%s: out of memory", c->path);
		return NULL;
	}
	d = &b->vdev;
	/* The plan's descriptor stays for a restarted guest (--reboot). */
	b->fd = fcntl(c->fd, F_DUPFD_CLOEXEC, 0);
	if (b->fd < 0) {
		pr_err("--disk %s: %s", c->path, strerror(errno));
		free(b);
		return NULL;
	}
	b->sync = c->sync;
	b->ring_efd = -1;
	b->direct_fd = -1;
	if (c->direct_fd >= 0) {
		b->direct_fd = fcntl(c->direct_fd, F_DUPFD_CLOEXEC, 0);
		if (b->direct_fd < 0) {
			pr_err("--disk %s: %s", c->path, strerror(errno));
			close(b->fd);
			free(b);
			return NULL;
		}
		b->be.direct = true;
		b->be.dio_mem_align = c->dio_mem_align;
		b->be.dio_offset_align = c->dio_offset_align;
	}
	snprintf(b->name, sizeof(b->name), "virtio-blk vd%c",
		 'a' + (int)c->index);
	blk_disk_init(b, c);
	for (unsigned int i = 0; i < VIRTQ_MAX_SIZE; i++)
		blk_op_put(b, &b->ops[i]);
	b->inflight = 0;

	d->name = b->name;
	d->priv = b;
	d->ops = &blk_ops;
	d->t.device_id = VIRTIO_ID_BLOCK;
	d->t.device_features = virtio_blk_features(&b->disk);
	if (blk_event_idx_off())
		d->t.device_features &= ~(1ULL << VIRTIO_F_EVENT_IDX);
	d->t.nr_queues = 1;
	d->t.queue_num_max = VIRTQ_MAX_SIZE;
	d->t.config = (uint8_t *)&b->cfg;
	d->t.config_len = sizeof(b->cfg);
	d->t.config_writable = 0;
	if (virtio_dev_add(d, host, base, intid) ||
	    (!c->sync && blk_uring_init(b, host))) {
		virtio_blk_dev_destroy(b);
		return NULL;
	}
	pr_info("%s: %s, %llu sectors%s%s%s%s, %s I/O", b->name, c->path,
		(unsigned long long)(c->size / VIRTIO_BLK_SECTOR),
		c->read_only ? ", read-only" : "",
		b->disk.discard ? ", discard" : "",
		b->be.direct ? ", direct" : "",
		blk_event_idx_off() ? ", no EVENT_IDX" : "",
		b->uring ? "io_uring" : "synchronous");
	return b;
}

/*
 * What the disk did in this run, for --loglevel info: the requests by
 * type, and their mean and longest time from decoding to completion in
 * lkvm (the backend's share of the guest's latency; bench-blk reads it).
 */
static void blk_report(const struct virtio_blk_dev *b)
{
	static const char *const kinds[BLK_KINDS] = { "reads", "writes",
						      "flushes", "other" };
	const struct virtio_blk_stats *st = &b->stats;
	uint64_t busy = 0;

	if (!st->requests)
		return;
	for (unsigned int k = 0; k < BLK_KINDS; k++)
		busy += st->busy_ns[k];
	pr_info("%s: %llu requests (%llu reads, %llu KiB; %llu writes, %llu KiB; %llu flushes), %llu notifies, %llu completion wakeups; in lkvm per request: mean %llu us, max %llu us (%s)",
		b->name, (unsigned long long)st->requests,
		(unsigned long long)st->done[BLK_KIND_READ],
		(unsigned long long)(st->bytes[BLK_KIND_READ] >> 10),
		(unsigned long long)st->done[BLK_KIND_WRITE],
		(unsigned long long)(st->bytes[BLK_KIND_WRITE] >> 10),
		(unsigned long long)st->done[BLK_KIND_FLUSH],
		(unsigned long long)st->notifies,
		(unsigned long long)st->completion_wakeups,
		(unsigned long long)(busy / st->requests / 1000),
		(unsigned long long)(st->max_ns / 1000),
		b->uring ? "io_uring" : "synchronous");
	/* Per kind: the mean, and how io_uring ran them (inline/waited). */
	for (unsigned int k = 0; k < BLK_KINDS; k++) {
		if (!st->done[k])
			continue;
		pr_info("%s: %s: %llu, mean %llu us; io_uring inline %llu, waited %llu",
			b->name, kinds[k], (unsigned long long)st->done[k],
			(unsigned long long)(st->busy_ns[k] / st->done[k] /
					     1000),
			(unsigned long long)st->uring_inline[k],
			(unsigned long long)st->uring_async[k]);
	}
	if (st->nowait_hits || st->nowait_misses || st->buffered)
		pr_info("%s: buffered reads at once %llu, handed to io_uring %llu; through the page cache (O_DIRECT refused) %llu",
			b->name, (unsigned long long)st->nowait_hits,
			(unsigned long long)st->nowait_misses,
			(unsigned long long)st->buffered);
}

/* At the end of a run: what is in flight finishes, then the report. */
void virtio_blk_dev_drain(struct virtio_blk_dev *b)
{
	pthread_mutex_lock(&b->vdev.lock);
	blk_drain_locked(b);
	blk_report(b);
	b->stats = (struct virtio_blk_stats){ 0 };
	pthread_mutex_unlock(&b->vdev.lock);
}

void virtio_blk_dev_destroy(struct virtio_blk_dev *b)
{
	if (!b)
		return;
	virtio_blk_dev_drain(b);
	if (b->uring)
		io_uring_queue_exit(&b->ring);
	if (b->ring_efd >= 0)
		close(b->ring_efd);
	close(b->fd);
	if (b->direct_fd >= 0)
		close(b->direct_fd);
	virtio_dev_release(&b->vdev);
	free(b);
}

void virtio_blk_dev_stats(struct virtio_blk_dev *b, struct virtio_blk_stats *s)
{
	pthread_mutex_lock(&b->vdev.lock);
	*s = b->stats;
	pthread_mutex_unlock(&b->vdev.lock);
}
