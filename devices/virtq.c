// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueues, the device side (virtio 1.2, section 2.7).
 *
 * The driver runs concurrently and may be hostile, so:
 *  - every ring field is read exactly once into a local, and each
 *    descriptor is copied out of guest RAM once; only the copies are
 *    checked and used, so the driver cannot change a value between its
 *    check and its use;
 *  - chains are walked by counting, never by trusting the driver not to
 *    loop, and every buffer is checked to lie wholly in guest RAM;
 *  - any rule broken marks the queue broken, and a broken queue does
 *    nothing more until the driver resets the device (section 2.1.2).
 *
 * Memory ordering with the driver: avail->idx is read with acquire before
 * the ring entries and descriptors it publishes; used ring entries are
 * written before used->idx is stored with release; full fences separate
 * our stores from our reads of the driver's suppression fields, pairing
 * with the driver's own barriers (sections 2.7.13.3.1, 2.7.13.4.1, 2.7.14).
 */
#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "virtq.h"

/* Layout of the three parts, offsets in bytes (section 2.7). */
#define DESC_SIZE 16
#define AVAIL_FLAGS 0
#define AVAIL_IDX 2
#define AVAIL_RING 4 /* le16 ring[num], then le16 used_event */
#define USED_IDX 2
#define USED_RING 4 /* struct used_elem ring[num], then le16 avail_event */

/* A descriptor (section 2.7.5), as laid out in guest RAM (little-endian). */
struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
_Static_assert(sizeof(struct desc) == DESC_SIZE, "descriptor layout");

/* A used ring entry (section 2.7.8), as laid out in guest RAM. */
struct used_elem {
	uint32_t id;
	uint32_t len;
};
_Static_assert(sizeof(struct used_elem) == 8, "used element layout");

static uint64_t desc_table_bytes(uint16_t num)
{
	return (uint64_t)DESC_SIZE * num;
}

/* flags, idx, ring[num] and used_event (section 2.7.6). */
static uint64_t avail_ring_bytes(uint16_t num)
{
	return 6 + 2 * (uint64_t)num;
}

/* flags, idx, ring[num] and avail_event (section 2.7.8). */
static uint64_t used_ring_bytes(uint16_t num)
{
	return 6 + (uint64_t)sizeof(struct used_elem) * num;
}

static uint64_t used_event_off(uint16_t num)
{
	return AVAIL_RING + 2 * (uint64_t)num;
}

static uint64_t avail_event_off(uint16_t num)
{
	return USED_RING + (uint64_t)sizeof(struct used_elem) * num;
}

/*
 * Ring fields are 16-bit and naturally aligned (map_area checked it), so
 * the atomic accesses are single loads and stores: the driver's value is
 * read once, and ours is seen whole.
 */
static uint16_t load16(const uint8_t *p)
{
	return le16toh(__atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED));
}

static uint16_t load16_acquire(const uint8_t *p)
{
	return le16toh(__atomic_load_n((const uint16_t *)p, __ATOMIC_ACQUIRE));
}

static void store16(uint8_t *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)p, htole16(v), __ATOMIC_RELAXED);
}

static void store16_release(uint8_t *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)p, htole16(v), __ATOMIC_RELEASE);
}

/* The driver broke a rule: refuse everything until a reset (2.1.2). */
static int break_queue(struct virtq *q)
{
	q->broken = true;
	return -EIO;
}

/*
 * The host address of a virtqueue part, or NULL when it is not wholly in
 * RAM or not aligned. The host address is checked too: the atomic ring
 * accesses need it aligned, whatever the mapping's offset.
 */
static uint8_t *map_area(const struct guest_ram *ram, uint64_t gpa,
			 uint64_t len, uint64_t align)
{
	uint8_t *p = guest_ram_ptr(ram, gpa, len);

	if (!p || (gpa & (align - 1)) || ((uintptr_t)p & (align - 1)))
		return NULL;
	return p;
}

/* QueueNum is 1..QueueNumMax (section 4.2.2); lkvm offers VIRTQ_MAX_SIZE. */
static bool queue_size_ok(uint16_t num)
{
	return num >= 1 && num <= VIRTQ_MAX_SIZE;
}

/* The available and used rings of a live queue. */
struct rings {
	uint8_t *avail;
	uint8_t *used;
};

/*
 * Finds the rings again for one operation: q holds no pointers, and a
 * queue that was never started, or whose registers changed since, must
 * not be used. Fails when q is broken, and breaks it when the rings do
 * not map any more.
 */
static bool map_rings(struct virtq *q, const struct guest_ram *ram,
		      struct rings *r)
{
	if (q->broken)
		return false;
	if (!queue_size_ok(q->num)) {
		break_queue(q);
		return false;
	}
	r->avail = map_area(ram, q->avail_gpa, avail_ring_bytes(q->num), 2);
	r->used = map_area(ram, q->used_gpa, used_ring_bytes(q->num), 4);
	if (!r->avail || !r->used) {
		break_queue(q);
		return false;
	}
	return true;
}

int virtq_start(struct virtq *q, const struct guest_ram *ram)
{
	uint16_t num = q->num;

	/* Sizes and alignments of the three parts: the table in section 2.7. */
	if (!queue_size_ok(num) ||
	    !map_area(ram, q->desc_gpa, desc_table_bytes(num), 16) ||
	    !map_area(ram, q->avail_gpa, avail_ring_bytes(num), 2) ||
	    !map_area(ram, q->used_gpa, used_ring_bytes(num), 4)) {
		q->broken = true;
		return -EINVAL;
	}
	/*
	 * Both indexes start at 0 (sections 2.7.6, 2.7.8). used->idx is the
	 * device's to write: it is not read back from the guest, whatever
	 * the driver left there.
	 */
	q->last_avail = 0;
	q->used_idx = 0;
	q->signalled_used = 0;
	q->signalled_valid = false;
	q->broken = false;
	return 0;
}

/* One descriptor table: the queue's own, or an indirect one. */
struct desc_table {
	uint64_t gpa;
	unsigned int size; /* in descriptors */
	bool indirect;
};

/* A chain being gathered into c. */
struct chain_walk {
	const struct virtq *q;
	const struct guest_ram *ram;
	struct virtq_chain *c;
	unsigned int nr_bufs; /* buffers met so far, empty ones included */
	bool writable_seen;
};

/*
 * Copies descriptor i of table t out of guest RAM, once: the driver may
 * rewrite it at any time, so only the copy is checked and used. The
 * compiler barrier keeps the compiler from reading guest RAM again in
 * place of the copy.
 */
static bool fetch_desc(const struct guest_ram *ram, const struct desc_table *t,
		       uint16_t i, struct desc *d)
{
	const void *p =
		guest_ram_ptr(ram, t->gpa + (uint64_t)DESC_SIZE * i, DESC_SIZE);

	if (!p)
		return false;
	memcpy(d, p, sizeof(*d));
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	d->addr = le64toh(d->addr);
	d->len = le32toh(d->len);
	d->flags = le16toh(d->flags);
	d->next = le16toh(d->next);
	return true;
}

/* Takes one (non-indirect) descriptor's buffer into the chain. */
static bool add_buffer(struct chain_walk *w, const struct desc *d)
{
	bool write = d->flags & VIRTQ_DESC_F_WRITE;
	struct virtq_chain *c = w->c;
	struct virtq_seg *seg;
	uint8_t *host;

	/*
	 * The device MAY limit a chain's descriptors (2.7.4.1). Empty
	 * buffers count too, so that they cannot make a chain endless.
	 */
	if (++w->nr_bufs > VIRTQ_MAX_SEGS)
		return false;
	/* Writable buffers come after all readable ones (2.7.4.2). */
	if (!write && w->writable_seen)
		return false;
	w->writable_seen |= write;
	/* An empty buffer has nothing to map, and segs never hold one. */
	if (!d->len)
		return true;
	host = guest_ram_ptr(w->ram, d->addr, d->len);
	if (!host)
		return false;
	seg = &c->segs[c->nr_segs++];
	seg->addr = host;
	seg->gpa = d->addr;
	seg->len = d->len;
	seg->write = write;
	if (write) {
		c->nr_in++;
		c->in_len += d->len;
	} else {
		c->nr_out++;
		c->out_len += d->len;
	}
	return true;
}

static bool walk_table(struct chain_walk *w, const struct desc_table *t,
		       uint16_t first);

/*
 * Follows a descriptor that refers to an indirect table (2.7.5.3). Its
 * own WRITE flag means nothing and is ignored (2.7.5.3.2).
 */
static bool walk_indirect(struct chain_walk *w, const struct desc *d)
{
	struct desc_table t = { .gpa = d->addr, .indirect = true };

	/* Only when VIRTIO_F_INDIRECT_DESC was negotiated (2.7.5.3.1). */
	if (!w->q->indirect)
		return false;
	/* Never together with NEXT: the table ends the chain (2.7.5.3.1). */
	if (d->flags & VIRTQ_DESC_F_NEXT)
		return false;
	/*
	 * A whole number of descriptors (2.7.5.3), at least one, and no
	 * more than a chain may have buffers.
	 */
	if (!d->len || d->len % DESC_SIZE ||
	    d->len > (uint64_t)DESC_SIZE * VIRTQ_MAX_SEGS)
		return false;
	if (!guest_ram_ptr(w->ram, d->addr, d->len))
		return false;
	t.size = d->len / DESC_SIZE;
	/* The first descriptor is at index 0 of the table (2.7.5.3). */
	return walk_table(w, &t, 0);
}

/*
 * Gathers the chain starting at descriptor first of table t. A chain
 * visits each descriptor of its table at most once, so one that visits
 * more than the table holds loops (2.7.5.2: no loops; 2.7.5.3.1: no
 * longer than the queue size); counting catches that whatever the
 * driver wrote.
 */
static bool walk_table(struct chain_walk *w, const struct desc_table *t,
		       uint16_t first)
{
	unsigned int visited = 0;
	uint16_t i = first;
	struct desc d;

	for (;;) {
		if (++visited > t->size)
			return false;
		if (!fetch_desc(w->ram, t, i, &d))
			return false;
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			/* One table per descriptor, no nesting (2.7.5.3.1). */
			if (t->indirect)
				return false;
			return walk_indirect(w, &d);
		}
		if (!add_buffer(w, &d))
			return false;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return true;
		/* next indexes the same table (2.7.5, 2.7.5.3). */
		if (d.next >= t->size)
			return false;
		i = d.next;
	}
}

static bool read_chain(const struct virtq *q, const struct guest_ram *ram,
		       uint16_t head, struct virtq_chain *c)
{
	struct desc_table t = { .gpa = q->desc_gpa, .size = q->num };
	struct chain_walk w = { .q = q, .ram = ram, .c = c };

	c->head = head;
	c->nr_segs = c->nr_out = c->nr_in = 0;
	c->out_len = c->in_len = 0;
	return walk_table(&w, &t, head);
}

int virtq_pop(struct virtq *q, const struct guest_ram *ram,
	      struct virtq_chain *c)
{
	uint16_t avail_idx, pending, head;
	struct rings r;

	if (!map_rings(q, ram, &r))
		return -EIO;
	/* Acquire: the ring entries and descriptors it exposes (2.7.13.3). */
	avail_idx = load16_acquire(r.avail + AVAIL_IDX);
	pending = avail_idx - q->last_avail;
	if (!pending)
		return 0;
	/*
	 * The ring holds num entries, and the driver cannot expose more
	 * chains than the table has heads (2.7.6, 2.7.13): more pending
	 * means it overwrote entries not taken yet.
	 */
	if (pending > q->num)
		return break_queue(q);
	head = load16(r.avail + AVAIL_RING + 2 * (q->last_avail % q->num));
	/* A head indexes the descriptor table (2.7.6). */
	if (head >= q->num)
		return break_queue(q);
	if (!read_chain(q, ram, head, c))
		return break_queue(q);
	q->last_avail++;
	return 1;
}

void virtq_unpop(struct virtq *q, uint16_t n)
{
	q->last_avail -= n;
}

int virtq_push_n(struct virtq *q, const struct guest_ram *ram,
		 const uint16_t *heads, const uint32_t *written, unsigned int n)
{
	struct used_elem e;
	struct rings r;

	if (!map_rings(q, ram, &r))
		return -EIO;
	for (unsigned int i = 0; i < n; i++) {
		/* Heads come from virtq_pop, which checked them: a caller bug. */
		assert(heads[i] < q->num);
		e.id = htole32(heads[i]);
		e.len = htole32(written[i]);
		memcpy(r.used + USED_RING + sizeof(e) * (q->used_idx % q->num),
		       &e, sizeof(e));
		q->used_idx++;
	}
	/* Release: the entries, len included, before idx (2.7.8.2). */
	store16_release(r.used + USED_IDX, q->used_idx);
	return 0;
}

int virtq_push(struct virtq *q, const struct guest_ram *ram, uint16_t head,
	       uint32_t written)
{
	return virtq_push_n(q, ram, &head, &written, 1);
}

/*
 * Whether the driver's used_event names one of the used ring entries
 * [old_idx, new_idx) written since the last check, in 16-bit modular
 * arithmetic: the device MUST notify when it writes the entry of index
 * used_event (2.7.7.2). (new - 1 - event) counts back from the newest
 * entry to used_event; it is less than the number written iff used_event
 * is among them.
 */
static bool used_event_crossed(uint16_t event, uint16_t new_idx,
			       uint16_t old_idx)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

/*
 * With event_idx. signalled_used is the used idx at the last check, not
 * at the last interrupt (as Linux's vhost keeps it). Entries checked once
 * against used_event and found not to need an interrupt need no second
 * look: the driver writes used_event before it re-reads used->idx, with a
 * barrier between (the note in 2.7.14), and we fence between storing
 * used->idx and reading used_event; so either that check saw the new
 * used_event, or the driver sees those entries by itself and does not
 * wait for an interrupt. Keeping old at the last interrupt instead would
 * interrupt for a used_event the driver set behind entries it already saw
 * (the spec says SHOULD NOT), and after 65536 entries without an
 * interrupt the 16-bit window would wrap and miss a used_event the device
 * MUST notify for.
 */
static bool used_event_wants_interrupt(struct virtq *q, const uint8_t *avail)
{
	uint16_t old = q->signalled_used;
	bool valid = q->signalled_valid;

	q->signalled_used = q->used_idx;
	q->signalled_valid = true;
	/* Nothing to compare with yet: interrupting is always safe. */
	if (!valid)
		return true;
	return used_event_crossed(load16(avail + used_event_off(q->num)),
				  q->used_idx, old);
}

bool virtq_should_interrupt(struct virtq *q, const struct guest_ram *ram)
{
	struct rings r;

	if (!map_rings(q, ram, &r))
		return false;
	/*
	 * Our used->idx store before our read of flags or used_event; pairs
	 * with the driver's barrier between writing those and re-reading
	 * used->idx, so that one of the two sides sees the other.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (q->event_idx)
		return used_event_wants_interrupt(q, r.avail);
	/* flags 1 says SHOULD NOT, flags 0 says MUST (2.7.7.2). */
	return !(load16(r.avail + AVAIL_FLAGS) & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

bool virtq_arm_notify(struct virtq *q, const struct guest_ram *ram)
{
	struct rings r;

	if (!map_rings(q, ram, &r))
		return false;
	if (q->event_idx) {
		/* Notify us when the entry of index last_avail comes (2.7.10). */
		store16(r.used + avail_event_off(q->num), q->last_avail);
		/*
		 * avail_event before we re-read avail->idx; pairs with the
		 * driver's barrier between storing avail->idx and reading
		 * avail_event (2.7.13.4.1): either it sees our avail_event and
		 * notifies, or we see its entry here.
		 */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	}
	return load16_acquire(r.avail + AVAIL_IDX) != q->last_avail;
}
