// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the pure 9P2000.L layer and virtio-9p's chain
 * handling, without a file system (fuzz-p9 serves messages on a real
 * folder, at a few hundred runs a second; this one runs the decoder and
 * encoders alone, fast enough for the long runs every parser must have):
 *
 *   - devices/p9-proto.c: p9_decode of a hostile T-message under a
 *     hostile msize, the names it hands on (valid single names), the
 *     encoders of the replies built from what was decoded, into buffers
 *     of every size (never past cap; a size field equal to the length);
 *   - devices/virtio-9p.c: the message split over the readable buffers
 *     of a chain (gathered back whole, or cut at cap), a reply scattered
 *     over writable buffers (each an allocation of exactly its size, so
 *     that ASan sees a byte past any of them).
 *
 * Input layout:
 *   0   u32  msize for p9_decode
 *   4   u8   the reply buffer's cap: 0..255, or (bit 7 set) 8192
 *   5   u8   readable buffers: 1 + (value % 8), cut points from the next
 *            bytes (one u8 each, a share of the message)
 *   ..  u8   writable buffers: value % 9 (0: none), each 1 + u8 bytes
 *   ..  the T-message (the rest of the input)
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "../../devices/p9-proto.h"
#include "../../devices/virtio-9p.h"

#define MAX_OUT 8
#define MAX_IN 8

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A reply as every encoder must make it: in cap, its size field its length. */
static void check_reply(const uint8_t *buf, size_t cap, int len, uint8_t type,
			uint16_t tag)
{
	if (len == -EMSGSIZE)
		return;
	CHECK(len >= P9_HDR_LEN);
	CHECK((size_t)len <= cap);
	CHECK(le32(buf) == (uint32_t)len);
	CHECK(buf[4] == type);
	CHECK((buf[5] | buf[6] << 8) == tag);
}

static void check_name(const char *name)
{
	CHECK(p9_name_valid(name, strlen(name)));
}

/* The names p9_decode hands the server are single, valid names. */
static void check_names(const struct p9_tmsg *m)
{
	switch (m->type) {
	case P9_TWALK:
		CHECK(m->u.walk.nwname <= P9_MAXWELEM);
		for (unsigned int i = 0; i < m->u.walk.nwname; i++) {
			const char *w = m->u.walk.wnames[i];

			/* ".." is the one name a walk may carry besides */
			CHECK(!strcmp(w, "..") || p9_name_valid(w, strlen(w)));
		}
		break;
	case P9_TLCREATE:
		check_name(m->u.lcreate.name);
		break;
	case P9_TMKDIR:
		check_name(m->u.mkdir.name);
		break;
	case P9_TSYMLINK:
		check_name(m->u.symlink.name);
		CHECK(strlen(m->u.symlink.target) <= P9_TARGET_MAX);
		break;
	case P9_TLINK:
		check_name(m->u.link.name);
		break;
	case P9_TRENAME:
		check_name(m->u.rename.name);
		break;
	case P9_TRENAMEAT:
		check_name(m->u.renameat.oldname);
		check_name(m->u.renameat.newname);
		break;
	case P9_TUNLINKAT:
		check_name(m->u.unlinkat.name);
		break;
	case P9_TMKNOD:
		check_name(m->u.mknod.name);
		break;
	case P9_TXATTRCREATE:
		check_name(m->u.xattrcreate.name);
		break;
	default:
		break;
	}
}

/* Replies built from the decoded message, into a buffer of exactly cap. */
static void encode_replies(const struct p9_tmsg *m, size_t cap)
{
	uint8_t *buf = malloc(cap ? cap : 1);
	struct p9_qid qids[P9_MAXWELEM] = { 0 };
	struct p9_qid q = { .type = P9_QTDIR, .version = 1, .path = 2 };
	int len;

	if (!buf)
		return;
	len = p9_encode_rlerror(buf, cap, m->tag, EINVAL);
	check_reply(buf, cap, len, P9_RLERROR, m->tag);
	if (len != -EMSGSIZE)
		CHECK(len == P9_HDR_LEN + 4);
	switch (m->type) {
	case P9_TVERSION:
		len = p9_encode_rversion(buf, cap, m->tag, m->u.version.msize,
					 m->u.version.version);
		check_reply(buf, cap, len, P9_RVERSION, m->tag);
		break;
	case P9_TWALK:
		len = p9_encode_rwalk(buf, cap, m->tag, qids, m->u.walk.nwname);
		check_reply(buf, cap, len, P9_RWALK, m->tag);
		if (len != -EMSGSIZE)
			CHECK(len ==
			      P9_HDR_LEN + 2 + P9_QID_LEN * m->u.walk.nwname);
		break;
	case P9_TLCREATE:
		len = p9_encode_ropen(buf, cap, P9_RLCREATE, m->tag, &q,
				      m->u.lcreate.mode);
		check_reply(buf, cap, len, P9_RLCREATE, m->tag);
		break;
	case P9_TMKDIR:
		len = p9_encode_rqid(buf, cap, P9_RMKDIR, m->tag, &q);
		check_reply(buf, cap, len, P9_RMKDIR, m->tag);
		break;
	case P9_TWRITE:
		CHECK(m->u.write.count == 0 || m->u.write.data != NULL);
		len = p9_encode_rwrite(buf, cap, m->tag, m->u.write.count);
		check_reply(buf, cap, len, P9_RWRITE, m->tag);
		break;
	case P9_TREAD:
		/* the data would lie in buf already: a count that fits */
		if (cap >= P9_IOHDR_LEN) {
			uint32_t n = m->u.read.count % (cap - P9_IOHDR_LEN + 1);

			len = p9_encode_rdata(buf, cap, P9_RREAD, m->tag, n);
			check_reply(buf, cap, len, P9_RREAD, m->tag);
		}
		break;
	case P9_TSYMLINK:
		len = p9_encode_rreadlink(buf, cap, m->tag, m->u.symlink.target,
					  strlen(m->u.symlink.target));
		check_reply(buf, cap, len, P9_RREADLINK, m->tag);
		break;
	case P9_TXATTRCREATE:
		len = p9_encode_rxattrwalk(buf, cap, m->tag,
					   m->u.xattrcreate.size);
		check_reply(buf, cap, len, P9_RXATTRWALK, m->tag);
		break;
	default:
		len = p9_encode_empty(buf, cap, (uint8_t)(m->type + 1), m->tag);
		check_reply(buf, cap, len, (uint8_t)(m->type + 1), m->tag);
		break;
	}
	free(buf);
}

/* The message over n_out readable buffers, the reply over n_in writable. */
static void chain_roundtrip(const uint8_t *msg, size_t len, unsigned int n_out,
			    const uint8_t *cuts, const uint8_t *in_lens,
			    unsigned int n_in, size_t cap)
{
	struct virtq_chain *c = calloc(1, sizeof(*c));
	uint8_t *gathered = malloc(cap ? cap : 1);
	uint8_t *reply = malloc(cap ? cap : 1);
	size_t off = 0, room, total_in = 0;
	long got;

	if (!c || !gathered || !reply)
		goto out;
	for (unsigned int i = 0; i < n_out; i++) {
		size_t n = i + 1 == n_out ? len - off :
					    (len - off) * cuts[i] / 256;

		if (!n)
			continue; /* virtq.c never gives an empty buffer */
		c->segs[c->nr_segs].addr = malloc(n);
		if (!c->segs[c->nr_segs].addr)
			goto out;
		memcpy(c->segs[c->nr_segs].addr, msg + off, n);
		c->segs[c->nr_segs].len = (uint32_t)n;
		c->nr_segs++;
		c->nr_out++;
		c->out_len += n;
		off += n;
	}
	for (unsigned int i = 0; i < n_in; i++) {
		size_t n = 1 + in_lens[i];

		c->segs[c->nr_segs].addr = malloc(n);
		if (!c->segs[c->nr_segs].addr)
			goto out;
		c->segs[c->nr_segs].len = (uint32_t)n;
		c->segs[c->nr_segs].write = true;
		c->nr_segs++;
		c->nr_in++;
		c->in_len += n;
		total_in += n;
	}
	got = virtio_9p_gather(c, gathered, cap);
	if (!c->nr_out) {
		CHECK(got == -EPROTO);
	} else {
		CHECK(got >= 0);
		CHECK((size_t)got == (len < cap ? len : cap));
		CHECK(!memcmp(gathered, msg, (size_t)got));
	}
	room = virtio_9p_reply_room(c, cap);
	CHECK(room <= cap && room <= total_in);
	for (size_t i = 0; i < room; i++)
		reply[i] = (uint8_t)(i * 7);
	CHECK(virtio_9p_scatter(c, reply, room) == room);
	/* what landed in the writable buffers is the reply, in order */
	off = 0;
	for (unsigned int i = c->nr_out; i < c->nr_segs && off < room; i++)
		for (uint32_t j = 0; j < c->segs[i].len && off < room;
		     j++, off++)
			CHECK(c->segs[i].addr[j] == (uint8_t)(off * 7));
out:
	if (c)
		for (unsigned int i = 0; i < c->nr_segs; i++)
			free(c->segs[i].addr);
	free(c);
	free(gathered);
	free(reply);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	uint32_t msize = (uint32_t)take(&in, 4);
	unsigned int capsel = (unsigned int)take(&in, 1);
	size_t cap = capsel & 0x80 ? 8192 : capsel;
	unsigned int n_out = 1 + (unsigned int)take(&in, 1) % MAX_OUT;
	uint8_t cuts[MAX_OUT], in_lens[MAX_IN];
	unsigned int n_in;
	struct p9_tmsg *m;
	uint8_t *msg;
	int ret;

	for (unsigned int i = 0; i < n_out; i++)
		cuts[i] = (uint8_t)take(&in, 1);
	n_in = (unsigned int)take(&in, 1) % (MAX_IN + 1);
	for (unsigned int i = 0; i < n_in; i++)
		in_lens[i] = (uint8_t)take(&in, 1);

	/* The message alone in an allocation of its size. */
	msg = malloc(in.n ? in.n : 1);
	m = malloc(sizeof(*m));
	if (!msg || !m)
		goto out;
	memcpy(msg, in.p, in.n);
	ret = p9_decode(msg, in.n, msize, m);
	if (in.n >= P9_HDR_LEN)
		CHECK(m->tag == (msg[5] | msg[6] << 8));
	CHECK(p9_peek_tag(msg, in.n) ==
	      (in.n >= P9_HDR_LEN ? (msg[5] | msg[6] << 8) : P9_NOTAG));
	if (ret) {
		CHECK(ret == -EPROTO || ret == -EINVAL ||
		      ret == -ENAMETOOLONG || ret == -EOPNOTSUPP ||
		      ret == -E2BIG);
	} else {
		CHECK(in.n >= P9_HDR_LEN && in.n <= msize);
		CHECK(le32(msg) == in.n);
		CHECK(m->type == msg[4]);
		check_names(m);
		encode_replies(m, cap);
	}
	chain_roundtrip(msg, in.n, n_out, cuts, in_lens, n_in, cap);
out:
	free(msg);
	free(m);
	return 0;
}
