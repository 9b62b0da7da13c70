// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk requests (virtio 1.2 section 5.2): the features and the
 * configuration space lkvm offers, and the decoding of a descriptor chain
 * into a request for the I/O backend. Pure: nothing here touches a file.
 *
 * The driver is hostile and the chain's buffers lie in guest RAM, where
 * the guest may change them while they are decoded: every byte a decision
 * depends on (the header, the discard segments) is copied out once and
 * only the copy is looked at. The data itself is never read here.
 *
 * No framing is assumed (sections 2.7.4 and 5.2.6.4): the readable bytes
 * and the writable bytes of the chain are each seen as one sequence,
 * whatever the buffers they are cut into.
 */
#include <endian.h>
#include <stddef.h>
#include <string.h>

#include "virtio-blk.h"
#include "virtio-mmio.h"

/* struct virtio_blk_req's header: le32 type, le32 reserved, le64 sector. */
#define BLK_HDR_LEN 16
/* struct virtio_blk_discard_write_zeroes: le64, le32, le32 flags. */
#define BLK_DWZ_LEN 16

/* r->type before a header was read (no request type has this value). */
#define BLK_T_NONE UINT32_MAX

/* The bytes of n buffers, one after the other. */
static uint64_t segs_len(const struct virtq_seg *s, unsigned int n)
{
	uint64_t len = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		len += s[i].len;
	return len;
}

/*
 * Copies len bytes at offset off of the sequence of n buffers into dst;
 * the caller made sure off + len is within the sequence.
 */
static void gather(const struct virtq_seg *s, unsigned int n, uint64_t off,
		   void *dst, size_t len)
{
	uint8_t *d = dst;
	unsigned int i;

	for (i = 0; i < n && len; i++) {
		uint64_t chunk;

		if (off >= s[i].len) {
			off -= s[i].len;
			continue;
		}
		chunk = s[i].len - off;
		if (chunk > len)
			chunk = len;
		memcpy(d, s[i].addr + off, chunk);
		d += chunk;
		len -= chunk;
		off = 0;
	}
}

/* Copies len bytes of src at the start of the sequence of n buffers. */
static void scatter(const struct virtq_seg *s, unsigned int n, const void *src,
		    size_t len)
{
	const uint8_t *p = src;
	unsigned int i;

	for (i = 0; i < n && len; i++) {
		size_t chunk = s[i].len < len ? s[i].len : len;

		memcpy(s[i].addr, p, chunk);
		p += chunk;
		len -= chunk;
	}
}

/*
 * Sets r->iov to the pieces of the sequence of n buffers that cover
 * [off, off + len), at most one a buffer, and r->len to len.
 */
static void map_iov(struct virtio_blk_req *r, const struct virtq_seg *s,
		    unsigned int n, uint64_t off, uint64_t len)
{
	unsigned int i;

	r->nr_iov = 0;
	r->len = len;
	for (i = 0; i < n && len && r->nr_iov < VIRTQ_MAX_SEGS; i++) {
		uint64_t chunk;

		if (off >= s[i].len) {
			off -= s[i].len;
			continue;
		}
		chunk = s[i].len - off;
		if (chunk > len)
			chunk = len;
		r->iov[r->nr_iov].iov_base = s[i].addr + off;
		r->iov[r->nr_iov].iov_len = chunk;
		r->nr_iov++;
		len -= chunk;
		off = 0;
	}
}

/* The last byte of the sequence of n buffers, or NULL when it is empty. */
static uint8_t *last_byte(const struct virtq_seg *s, unsigned int n)
{
	while (n--) {
		if (s[n].len)
			return s[n].addr + s[n].len - 1;
	}
	return NULL;
}

static uint32_t load_le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static uint64_t load_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

/*
 * Whether nr sectors from sector lie within capacity, with no sum that
 * could wrap: a driver MUST NOT read or write beyond capacity (5.2.6.1).
 */
static bool range_ok(uint64_t sector, uint64_t nr, uint64_t capacity)
{
	return sector <= capacity && nr <= capacity - sector;
}

uint64_t virtio_blk_features(const struct virtio_blk_disk *disk)
{
	uint64_t f = 1ULL << VIRTIO_F_VERSION_1 |
		     1ULL << VIRTIO_F_INDIRECT_DESC |
		     1ULL << VIRTIO_F_EVENT_IDX;

	/* 5.2.3; FLUSH: a device SHOULD always offer it (5.2.5.2). */
	f |= 1ULL << VIRTIO_BLK_F_SEG_MAX | 1ULL << VIRTIO_BLK_F_BLK_SIZE |
	     1ULL << VIRTIO_BLK_F_FLUSH;
	if (disk->read_only)
		f |= 1ULL << VIRTIO_BLK_F_RO;
	/* A discard changes the disk: none on a read-only one. */
	else if (disk->discard)
		f |= 1ULL << VIRTIO_BLK_F_DISCARD;
	return f;
}

void virtio_blk_config_init(struct virtio_blk_config *cfg,
			    const struct virtio_blk_disk *disk)
{
	uint64_t capacity = disk->size / VIRTIO_BLK_SECTOR;

	/* Whatever is not offered reads 0, unused0/unused1 too (5.2.5.2). */
	memset(cfg, 0, sizeof(*cfg));
	/* 5.2.4: capacity in 512-byte sectors, always present. */
	cfg->capacity = htole64(capacity);
	cfg->seg_max = htole32(VIRTIO_BLK_SEG_MAX);
	cfg->blk_size =
		htole32(disk->blk_size ? disk->blk_size : VIRTIO_BLK_SECTOR);
	cfg->num_queues = htole16(1);
	if (virtio_blk_features(disk) & 1ULL << VIRTIO_BLK_F_DISCARD) {
		/* One segment may cover the whole disk, as le32 allows. */
		uint32_t max = capacity < UINT32_MAX ? (uint32_t)capacity :
						       UINT32_MAX;

		cfg->max_discard_sectors = htole32(max);
		cfg->max_discard_seg = htole32(VIRTIO_BLK_MAX_DISCARD_SEG);
		cfg->discard_sector_alignment = htole32(1);
	}
}

/*
 * IN and OUT: len data bytes at offset off of the n buffers s, for the
 * sectors from sector.
 */
static int decode_rw(struct virtio_blk_req *r, const struct virtq_seg *s,
		     unsigned int n, uint64_t off, uint64_t len,
		     uint64_t sector, uint64_t capacity)
{
	/* 5.2.6.1: data is a multiple of 512 bytes, within capacity. */
	if (len % VIRTIO_BLK_SECTOR ||
	    !range_ok(sector, len / VIRTIO_BLK_SECTOR, capacity))
		return VIRTIO_BLK_S_IOERR;
	/* sector <= capacity = size / 512: no overflow. */
	r->offset = sector * VIRTIO_BLK_SECTOR;
	map_iov(r, s, n, off, len);
	return VIRTIO_BLK_S_OK;
}

/* DISCARD: the segments in the readable bytes after the header. */
static int decode_discard(struct virtio_blk_req *r,
			  const struct virtio_blk_disk *disk,
			  const struct virtq_seg *out, unsigned int nr_out,
			  uint64_t out_len, uint64_t capacity)
{
	uint8_t raw[VIRTIO_BLK_MAX_DISCARD_SEG][BLK_DWZ_LEN];
	uint64_t payload = out_len - BLK_HDR_LEN;
	unsigned int nr, i;

	/* Only with VIRTIO_BLK_F_DISCARD offered (5.2.3). */
	if (!(virtio_blk_features(disk) & 1ULL << VIRTIO_BLK_F_DISCARD))
		return VIRTIO_BLK_S_UNSUPP;
	/*
	 * 5.2.6.1: data is one or more segments (5.2.6), a multiple of
	 * their size, and no more than max_discard_seg of them. The spec
	 * gives the device no status for a driver breaking these: IOERR is
	 * "device or driver error" (5.2.6).
	 */
	if (!payload || payload % BLK_DWZ_LEN || payload > sizeof(raw))
		return VIRTIO_BLK_S_IOERR;
	nr = payload / BLK_DWZ_LEN;
	/* Each segment is read once, into raw. */
	gather(out, nr_out, BLK_HDR_LEN, raw, payload);

	/*
	 * 5.2.6.2: the device MUST answer UNSUPP for a discard with any
	 * unknown flag set, and with unmap set (unmap is for write zeroes
	 * only, 5.2.6): for a discard every flag bit must be 0. This takes
	 * precedence over a range past the end, so it is checked first.
	 */
	for (i = 0; i < nr; i++) {
		if (load_le32(raw[i] + 12))
			return VIRTIO_BLK_S_UNSUPP;
	}

	for (i = 0; i < nr; i++) {
		uint64_t sector = load_le64(raw[i]);
		uint32_t nr_sectors = load_le32(raw[i] + 8);

		/*
		 * Within capacity (5.2.6.1); max_discard_sectors is
		 * min(capacity, UINT32_MAX), so a segment within capacity
		 * is within it too. A segment of 0 sectors is refused as
		 * well: the spec gives it no meaning, no driver sends one,
		 * and so an accepted discard has 1 to max_discard_seg
		 * ranges, none empty, for the backend to punch.
		 */
		if (!nr_sectors || !range_ok(sector, nr_sectors, capacity)) {
			r->nr_ranges = 0;
			return VIRTIO_BLK_S_IOERR;
		}
		r->ranges[r->nr_ranges].sector = sector;
		r->ranges[r->nr_ranges].nr_sectors = nr_sectors;
		r->nr_ranges++;
	}
	return VIRTIO_BLK_S_OK;
}

int virtio_blk_decode(const struct virtq_chain *c,
		      const struct virtio_blk_disk *disk,
		      struct virtio_blk_req *r)
{
	uint64_t capacity = disk->size / VIRTIO_BLK_SECTOR;
	const struct virtq_seg *out, *in;
	unsigned int nr_out, nr_in;
	uint64_t out_len, in_len, data_in, sector;
	uint8_t hdr[BLK_HDR_LEN];
	size_t id_len;

	r->type = BLK_T_NONE;
	r->offset = 0;
	r->len = 0;
	r->nr_iov = 0;
	r->nr_ranges = 0;
	r->status = NULL;

	/* The readable buffers first, then the writable ones (2.7.4.2). */
	if (c->nr_out > VIRTQ_MAX_SEGS || c->nr_in > VIRTQ_MAX_SEGS - c->nr_out)
		return -1;
	nr_out = c->nr_out;
	nr_in = c->nr_in;
	out = c->segs;
	in = c->segs + nr_out;
	out_len = segs_len(out, nr_out);
	in_len = segs_len(in, nr_in);

	/*
	 * 5.2.6: status is the last byte of the request, device-writable.
	 * Without a writable byte nothing can be reported.
	 */
	r->status = last_byte(in, nr_in);
	if (!r->status)
		return -1;
	/* The writable bytes before the status byte. */
	data_in = in_len - 1;

	/* The header, read once, wherever it is split (2.7.4). */
	if (out_len < BLK_HDR_LEN)
		return VIRTIO_BLK_S_IOERR;
	gather(out, nr_out, 0, hdr, sizeof(hdr));
	r->type = load_le32(hdr);
	sector = load_le64(hdr + 8);

	switch (r->type) {
	case VIRTIO_BLK_T_IN:
		/*
		 * The used length (2.7.8) is a le32: data_in + 1 bytes must
		 * fit in it. Readable bytes after the header are ignored.
		 */
		if (data_in > UINT32_MAX - 1)
			return VIRTIO_BLK_S_IOERR;
		return decode_rw(r, in, nr_in, 0, data_in, sector, capacity);
	case VIRTIO_BLK_T_OUT:
		/*
		 * 5.2.6.2: a write to a read-only device MUST fail with
		 * IOERR and write nothing. Writable bytes before the status
		 * byte are ignored.
		 */
		if (disk->read_only)
			return VIRTIO_BLK_S_IOERR;
		return decode_rw(r, out, nr_out, BLK_HDR_LEN,
				 out_len - BLK_HDR_LEN, sector, capacity);
	case VIRTIO_BLK_T_FLUSH:
		/*
		 * 5.2.6.1: sector is 0 and there is no data; neither is
		 * required of the device. The backend does the flush.
		 */
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		/*
		 * 5.2.6: the ID is a NUL-padded string of up to 20 bytes,
		 * without NUL at 20. The driver gives 20 bytes (5.2.6.1);
		 * a shorter buffer gets what fits.
		 */
		id_len = data_in < VIRTIO_BLK_ID_BYTES ? (size_t)data_in :
							 VIRTIO_BLK_ID_BYTES;
		scatter(in, nr_in, disk->id, id_len);
		map_iov(r, in, nr_in, 0, id_len);
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_DISCARD:
		return decode_discard(r, disk, out, nr_out, out_len, capacity);
	default:
		/*
		 * 5.2.6: UNSUPP for a request the device does not support:
		 * WRITE_ZEROES, GET_LIFETIME, SECURE_ERASE (not offered),
		 * the zoned ones (5.2.6.2: MUST be UNSUPP without
		 * VIRTIO_BLK_F_ZONED), the legacy SCSI ones, anything else.
		 */
		return VIRTIO_BLK_S_UNSUPP;
	}
}

uint32_t virtio_blk_written(const struct virtio_blk_req *r, uint8_t status)
{
	/* The data the device wrote (2.7.8), then the status byte. */
	if (status == VIRTIO_BLK_S_OK &&
	    (r->type == VIRTIO_BLK_T_IN || r->type == VIRTIO_BLK_T_GET_ID)) {
		/* decode keeps len below UINT32_MAX; saturate regardless. */
		if (r->len >= UINT32_MAX)
			return UINT32_MAX;
		return (uint32_t)r->len + 1;
	}
	return 1;
}

bool virtio_blk_direct_ok(const struct virtio_blk_req *r,
			  const struct virtio_blk_backend *be)
{
	uint64_t mem = be->dio_mem_align, off = be->dio_offset_align;

	/* Unknown alignments: nothing is known to pass. */
	if (!mem || !off || r->offset % off || r->len % off)
		return false;
	for (unsigned int i = 0; i < r->nr_iov; i++) {
		if ((uintptr_t)r->iov[i].iov_base % mem ||
		    r->iov[i].iov_len % off)
			return false;
	}
	return true;
}

/*
 * The choice per request kind, each from a measurement in the lab
 * (tests/lab/scenarios/62-bench-blk.sh prints the figures; December 2026,
 * L1 kernel 7.3):
 *
 * - Buffered reads, where the file takes RWF_NOWAIT (ext4): most are
 *   page-cache hits, a copy: run at once, as cheap as synchronous I/O,
 *   where io_uring adds a submission, a completion and an eventfd wake-up
 *   of the I/O thread. A miss goes to an io-wq worker (IOSQE_ASYNC), which
 *   reads with the file's normal read-ahead while the I/O thread goes on,
 *   so the queue's misses wait at once. (io_uring's own non-blocking
 *   retry of misses read a cold ext4 file at 0.14x synchronous reads.)
 * - Buffered reads where it does not (tmpfs: EOPNOTSUPP): at once.
 *   io_uring can only hand each to a worker: 4 KiB random reads on tmpfs
 *   ran at 0.78x synchronous reads that way.
 * - Buffered writes: at once. Neither tmpfs nor ext4 takes them without
 *   blocking, so io_uring hands every one to an io-wq worker, which
 *   writes one file one request at a time: the same copy plus a hand-off
 *   and a wake-up (sequential writes through io_uring: 0.57x on ext4,
 *   0.70x on tmpfs).
 * - ,direct writes: at once too. Through io_uring each completion costs
 *   the I/O thread a second wake-up (task work, then the eventfd), more
 *   than two writes in flight gained: sequential O_DIRECT writes ran at
 *   0.73x, 0.83x and 0.93x of synchronous ones in three runs.
 * - ,direct reads: io_uring. The wait is the device's, and io_uring keeps
 *   the queue's reads in flight at once without a thread each (4 KiB
 *   random reads, 4 at a time: 1.20x to 3.35x synchronous O_DIRECT in
 *   four runs). Reads and writes O_DIRECT refuses go through the page
 *   cache.
 * - FLUSH and DISCARD: io_uring. fsync and fallocate wait for the device;
 *   the I/O thread, which serves every device and the console, must not.
 */
enum virtio_blk_path virtio_blk_path(const struct virtio_blk_req *r,
				     const struct virtio_blk_backend *be)
{
	bool rw = r->type == VIRTIO_BLK_T_IN || r->type == VIRTIO_BLK_T_OUT;

	if (r->type == VIRTIO_BLK_T_GET_ID)
		return VIRTIO_BLK_PATH_NONE;
	if (rw && be->direct && !virtio_blk_direct_ok(r, be))
		return VIRTIO_BLK_PATH_BUFFERED;
	if (!be->uring)
		return VIRTIO_BLK_PATH_SYNC;
	switch (r->type) {
	case VIRTIO_BLK_T_IN:
		if (be->direct)
			return VIRTIO_BLK_PATH_URING;
		return be->nowait ? VIRTIO_BLK_PATH_NOWAIT :
				    VIRTIO_BLK_PATH_SYNC;
	case VIRTIO_BLK_T_OUT:
		return VIRTIO_BLK_PATH_SYNC;
	default: /* FLUSH, DISCARD */
		return VIRTIO_BLK_PATH_URING;
	}
}
