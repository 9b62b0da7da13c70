// SPDX-License-Identifier: GPL-2.0
/*
 * 9P2000.L messages (see p9-proto.h for the sources of the layouts):
 * decoding of T-messages, encoding of R-messages. Pure.
 *
 * Decoding reads through a cursor that never passes the end of the
 * message: each get checks the bytes left first and records a failure
 * instead of reading, so a message cut anywhere fails with EPROTO. A body
 * must end exactly where the message ends.
 */
#include <errno.h>
#include <string.h>

#include "p9-proto.h"

/* What is left of the message being decoded, and the first failure. */
struct p9_in {
	const uint8_t *p;
	size_t n;
	int err;
};

static void in_fail(struct p9_in *in, int err)
{
	if (!in->err)
		in->err = err;
	in->n = 0;
}

/* The next bytes as a little-endian number; 0 once the input failed. */
static uint64_t get_le(struct p9_in *in, unsigned int bytes)
{
	uint64_t v = 0;

	if (in->err)
		return 0;
	if (in->n < bytes) {
		in_fail(in, -EPROTO);
		return 0;
	}
	for (unsigned int i = 0; i < bytes; i++)
		v |= (uint64_t)in->p[i] << (8 * i);
	in->p += bytes;
	in->n -= bytes;
	return v;
}

static uint8_t get_u8(struct p9_in *in)
{
	return (uint8_t)get_le(in, 1);
}

static uint16_t get_u16(struct p9_in *in)
{
	return (uint16_t)get_le(in, 2);
}

static uint32_t get_u32(struct p9_in *in)
{
	return (uint32_t)get_le(in, 4);
}

static uint64_t get_u64(struct p9_in *in)
{
	return get_le(in, 8);
}

/*
 * A string s (len[2] bytes[len]) into dst[max + 1], NUL-terminated.
 * Returns its length. A string longer than max fails with ENAMETOOLONG,
 * one holding a NUL with EINVAL (it would end early on the host).
 */
static size_t get_str(struct p9_in *in, char *dst, size_t max)
{
	size_t len = get_u16(in);

	dst[0] = '\0';
	if (in->err)
		return 0;
	if (in->n < len) {
		in_fail(in, -EPROTO);
		return 0;
	}
	if (len > max) {
		in_fail(in, -ENAMETOOLONG);
		return 0;
	}
	if (memchr(in->p, '\0', len)) {
		in_fail(in, -EINVAL);
		return 0;
	}
	memcpy(dst, in->p, len);
	dst[len] = '\0';
	in->p += len;
	in->n -= len;
	return len;
}

bool p9_name_valid(const char *name, size_t len)
{
	if (len == 0 || len > P9_NAME_MAX)
		return false;
	if (memchr(name, '/', len) || memchr(name, '\0', len))
		return false;
	if (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.')))
		return false;
	return true;
}

/* A name that must pass p9_name_valid. */
static void get_name(struct p9_in *in, p9_name dst)
{
	size_t len = get_str(in, dst, P9_NAME_MAX);

	if (!in->err && !p9_name_valid(dst, len))
		in_fail(in, -EINVAL);
}

/* A walk element: a valid name, or "..", which the server interprets. */
static void get_wname(struct p9_in *in, p9_name dst)
{
	size_t len = get_str(in, dst, P9_NAME_MAX);

	if (in->err)
		return;
	if (len == 2 && !strcmp(dst, ".."))
		return;
	if (!p9_name_valid(dst, len))
		in_fail(in, -EINVAL);
}

static void decode_walk(struct p9_in *in, struct p9_tmsg *m)
{
	m->u.walk.fid = get_u32(in);
	m->u.walk.newfid = get_u32(in);
	m->u.walk.nwname = get_u16(in);
	if (!in->err && m->u.walk.nwname > P9_MAXWELEM) {
		in_fail(in, -EINVAL);
		return;
	}
	for (unsigned int i = 0; i < m->u.walk.nwname && !in->err; i++)
		get_wname(in, m->u.walk.wnames[i]);
}

static void decode_write(struct p9_in *in, struct p9_tmsg *m)
{
	m->u.write.fid = get_u32(in);
	m->u.write.offset = get_u64(in);
	m->u.write.count = get_u32(in);
	if (in->err)
		return;
	if (in->n != m->u.write.count) {
		in_fail(in, -EPROTO);
		return;
	}
	m->u.write.data = in->p;
	in->p += in->n;
	in->n = 0;
}

static void decode_setattr(struct p9_in *in, struct p9_tmsg *m)
{
	m->u.setattr.fid = get_u32(in);
	m->u.setattr.valid = get_u32(in);
	m->u.setattr.mode = get_u32(in);
	m->u.setattr.uid = get_u32(in);
	m->u.setattr.gid = get_u32(in);
	m->u.setattr.size = get_u64(in);
	m->u.setattr.atime_sec = get_u64(in);
	m->u.setattr.atime_nsec = get_u64(in);
	m->u.setattr.mtime_sec = get_u64(in);
	m->u.setattr.mtime_nsec = get_u64(in);
}

/* Tlock and Tgetlock: the same layout, Tgetlock without flags. */
static void decode_lock(struct p9_in *in, struct p9_tmsg *m, bool has_flags)
{
	m->u.lock.fid = get_u32(in);
	m->u.lock.type = get_u8(in);
	m->u.lock.flags = has_flags ? get_u32(in) : 0;
	m->u.lock.start = get_u64(in);
	m->u.lock.length = get_u64(in);
	m->u.lock.proc_id = get_u32(in);
	get_str(in, m->u.lock.client_id, P9_SHORT_STR_MAX);
	if (!in->err && m->u.lock.type > P9_LOCK_TYPE_UNLCK)
		in_fail(in, -EINVAL);
}

static void decode_xattrwalk(struct p9_in *in, struct p9_tmsg *m)
{
	size_t len;

	m->u.xattrwalk.fid = get_u32(in);
	m->u.xattrwalk.newfid = get_u32(in);
	len = get_str(in, m->u.xattrwalk.name, P9_NAME_MAX);
	/* An empty name asks for the list of names. */
	if (!in->err && len && !p9_name_valid(m->u.xattrwalk.name, len))
		in_fail(in, -EINVAL);
}

static void decode_xattrcreate(struct p9_in *in, struct p9_tmsg *m)
{
	m->u.xattrcreate.fid = get_u32(in);
	get_name(in, m->u.xattrcreate.name);
	m->u.xattrcreate.size = get_u64(in);
	m->u.xattrcreate.flags = get_u32(in);
	if (!in->err && m->u.xattrcreate.size > P9_XATTR_SIZE_MAX)
		in_fail(in, -E2BIG);
}

static void decode_symlink(struct p9_in *in, struct p9_tmsg *m)
{
	size_t len;

	m->u.symlink.fid = get_u32(in);
	get_name(in, m->u.symlink.name);
	len = get_str(in, m->u.symlink.target, P9_TARGET_MAX);
	/* The target is stored, never resolved by lkvm: any text but "". */
	if (!in->err && !len)
		in_fail(in, -EINVAL);
	m->u.symlink.gid = get_u32(in);
}

/* The body of m->type; returns false for a type lkvm does not serve. */
static bool decode_body(struct p9_in *in, struct p9_tmsg *m)
{
	switch (m->type) {
	case P9_TVERSION:
		m->u.version.msize = get_u32(in);
		get_str(in, m->u.version.version, P9_SHORT_STR_MAX);
		break;
	case P9_TATTACH:
		m->u.attach.fid = get_u32(in);
		m->u.attach.afid = get_u32(in);
		get_str(in, m->u.attach.uname, P9_SHORT_STR_MAX);
		get_str(in, m->u.attach.aname, P9_SHORT_STR_MAX);
		m->u.attach.n_uname = get_u32(in);
		break;
	case P9_TWALK:
		decode_walk(in, m);
		break;
	case P9_TLOPEN:
		m->u.lopen.fid = get_u32(in);
		m->u.lopen.flags = get_u32(in);
		break;
	case P9_TLCREATE:
		m->u.lcreate.fid = get_u32(in);
		get_name(in, m->u.lcreate.name);
		m->u.lcreate.flags = get_u32(in);
		m->u.lcreate.mode = get_u32(in);
		m->u.lcreate.gid = get_u32(in);
		break;
	case P9_TREAD:
		m->u.read.fid = get_u32(in);
		m->u.read.offset = get_u64(in);
		m->u.read.count = get_u32(in);
		break;
	case P9_TWRITE:
		decode_write(in, m);
		break;
	case P9_TCLUNK:
	case P9_TREMOVE:
	case P9_TREADLINK:
	case P9_TSTATFS:
		m->u.fid.fid = get_u32(in);
		break;
	case P9_TGETATTR:
		m->u.getattr.fid = get_u32(in);
		m->u.getattr.mask = get_u64(in);
		break;
	case P9_TSETATTR:
		decode_setattr(in, m);
		break;
	case P9_TREADDIR:
		m->u.readdir.fid = get_u32(in);
		m->u.readdir.offset = get_u64(in);
		m->u.readdir.count = get_u32(in);
		break;
	case P9_TFSYNC:
		/* datasync[4] came with Linux 3.x; older clients omit it. */
		m->u.fsync.fid = get_u32(in);
		if (in->n)
			m->u.fsync.datasync = get_u32(in);
		break;
	case P9_TMKDIR:
		m->u.mkdir.dfid = get_u32(in);
		get_name(in, m->u.mkdir.name);
		m->u.mkdir.mode = get_u32(in);
		m->u.mkdir.gid = get_u32(in);
		break;
	case P9_TSYMLINK:
		decode_symlink(in, m);
		break;
	case P9_TLINK:
		m->u.link.dfid = get_u32(in);
		m->u.link.fid = get_u32(in);
		get_name(in, m->u.link.name);
		break;
	case P9_TRENAME:
		m->u.rename.fid = get_u32(in);
		m->u.rename.dfid = get_u32(in);
		get_name(in, m->u.rename.name);
		break;
	case P9_TRENAMEAT:
		m->u.renameat.olddirfid = get_u32(in);
		get_name(in, m->u.renameat.oldname);
		m->u.renameat.newdirfid = get_u32(in);
		get_name(in, m->u.renameat.newname);
		break;
	case P9_TUNLINKAT:
		m->u.unlinkat.dirfid = get_u32(in);
		get_name(in, m->u.unlinkat.name);
		m->u.unlinkat.flags = get_u32(in);
		break;
	case P9_TLOCK:
		decode_lock(in, m, true);
		break;
	case P9_TGETLOCK:
		decode_lock(in, m, false);
		break;
	case P9_TMKNOD:
		m->u.mknod.dfid = get_u32(in);
		get_name(in, m->u.mknod.name);
		m->u.mknod.mode = get_u32(in);
		m->u.mknod.major = get_u32(in);
		m->u.mknod.minor = get_u32(in);
		m->u.mknod.gid = get_u32(in);
		break;
	case P9_TXATTRWALK:
		decode_xattrwalk(in, m);
		break;
	case P9_TXATTRCREATE:
		decode_xattrcreate(in, m);
		break;
	case P9_TFLUSH:
		m->u.flush.oldtag = get_u16(in);
		break;
	default:
		return false;
	}
	return true;
}

uint16_t p9_peek_tag(const uint8_t *buf, size_t len)
{
	if (len < P9_HDR_LEN)
		return P9_NOTAG;
	return (uint16_t)(buf[5] | buf[6] << 8);
}

int p9_decode(const uint8_t *buf, size_t len, uint32_t msize, struct p9_tmsg *m)
{
	struct p9_in in = { .p = buf, .n = len };
	uint32_t size;

	memset(m, 0, sizeof(*m));
	m->tag = p9_peek_tag(buf, len);
	if (len < P9_HDR_LEN)
		return -EPROTO;
	size = get_u32(&in);
	m->type = get_u8(&in);
	get_u16(&in);
	if (size != len || len > msize)
		return -EPROTO;
	if (!decode_body(&in, m))
		return -EOPNOTSUPP;
	if (in.err)
		return in.err;
	/* Bytes past the layout: a client that disagrees with us. */
	if (in.n)
		return -EPROTO;
	return 0;
}

void p9_out_begin(struct p9_out *o, uint8_t *buf, size_t cap, uint8_t type,
		  uint16_t tag)
{
	o->buf = buf;
	o->cap = cap;
	o->len = 0;
	o->overflow = false;
	p9_put_u32(o, 0);
	p9_put_u8(o, type);
	p9_put_u16(o, tag);
}

bool p9_out_room(const struct p9_out *o, size_t n)
{
	return !o->overflow && o->cap - o->len >= n;
}

static void put_le(struct p9_out *o, uint64_t v, unsigned int bytes)
{
	if (!p9_out_room(o, bytes)) {
		o->overflow = true;
		return;
	}
	for (unsigned int i = 0; i < bytes; i++)
		o->buf[o->len++] = (uint8_t)(v >> (8 * i));
}

void p9_put_u8(struct p9_out *o, uint8_t v)
{
	put_le(o, v, 1);
}

void p9_put_u16(struct p9_out *o, uint16_t v)
{
	put_le(o, v, 2);
}

void p9_put_u32(struct p9_out *o, uint32_t v)
{
	put_le(o, v, 4);
}

void p9_put_u64(struct p9_out *o, uint64_t v)
{
	put_le(o, v, 8);
}

void p9_put_bytes(struct p9_out *o, const void *p, size_t len)
{
	if (!p9_out_room(o, len)) {
		o->overflow = true;
		return;
	}
	if (len)
		memcpy(o->buf + o->len, p, len);
	o->len += len;
}

void p9_put_str(struct p9_out *o, const char *s, size_t len)
{
	if (len > UINT16_MAX) {
		o->overflow = true;
		return;
	}
	p9_put_u16(o, (uint16_t)len);
	p9_put_bytes(o, s, len);
}

void p9_put_qid(struct p9_out *o, const struct p9_qid *q)
{
	p9_put_u8(o, q->type);
	p9_put_u32(o, q->version);
	p9_put_u64(o, q->path);
}

int p9_out_end(struct p9_out *o)
{
	if (o->overflow || o->len > UINT32_MAX)
		return -EMSGSIZE;
	for (unsigned int i = 0; i < 4; i++)
		o->buf[i] = (uint8_t)(o->len >> (8 * i));
	return (int)o->len;
}

int p9_encode_rlerror(uint8_t *buf, size_t cap, uint16_t tag, uint32_t ecode)
{
	struct p9_out o;

	p9_out_begin(&o, buf, cap, P9_RLERROR, tag);
	p9_put_u32(&o, ecode);
	return p9_out_end(&o);
}

int p9_encode_rversion(uint8_t *buf, size_t cap, uint16_t tag, uint32_t msize,
		       const char *version)
{
	struct p9_out o;

	p9_out_begin(&o, buf, cap, P9_RVERSION, tag);
	p9_put_u32(&o, msize);
	p9_put_str(&o, version, strlen(version));
	return p9_out_end(&o);
}

int p9_encode_rqid(uint8_t *buf, size_t cap, uint8_t type, uint16_t tag,
		   const struct p9_qid *q)
{
	struct p9_out o;

	p9_out_begin(&o, buf, cap, type, tag);
	p9_put_qid(&o, q);
	return p9_out_end(&o);
}

int p9_encode_ropen(uint8_t *buf, size_t cap, uint8_t type, uint16_t tag,
		    const struct p9_qid *q, uint32_t iounit)
{
	struct p9_out o;

	p9_out_begin(&o, buf, cap, type, tag);
	p9_put_qid(&o, q);
	p9_put_u32(&o, iounit);
	return p9_out_end(&o);
}

int p9_encode_rwalk(uint8_t *buf, size_t cap, uint16_t tag,
		    const struct p9_qid *qids, uint16_t nwqid)
{
	struct p9_out o;

	p9_out_begin(&o, buf, cap, P9_RWALK, tag);
	p9_put_u16(&o, nwqid);
	for (unsigned int i = 0; i < nwqid; i++)
		p9_put_qid(&o, &qids[i]);
	return p9_out_end(&o);
}

int p9_encode_empty(uint8_t *buf, size_t cap, uint8_t type, uint16_t tag)
{
	struct p9_out o;

	p9_out_begin(&o, buf, cap, type, tag);
	return p9_out_end(&o);
}

int p9_encode_rwrite(uint8_t *buf, size_t cap, uint16_t tag, uint32_t count)
{
	struct p9_out o;

	p9_out_begin(&o, buf, cap, P9_RWRITE, tag);
	p9_put_u32(&o, count);
	return p9_out_end(&o);
}

int p9_encode_rdata(uint8_t *buf, size_t cap, uint8_t type, uint16_t tag,
		    uint32_t count)
{
	struct p9_out o;

	if (cap < P9_IOHDR_LEN || cap - P9_IOHDR_LEN < count)
		return -EMSGSIZE;
	p9_out_begin(&o, buf, cap, type, tag);
	p9_put_u32(&o, count);
	o.len += count; /* the data is in place already */
	return p9_out_end(&o);
}

int p9_encode_rreadlink(uint8_t *buf, size_t cap, uint16_t tag,
			const char *target, size_t len)
{
	struct p9_out o;

	p9_out_begin(&o, buf, cap, P9_RREADLINK, tag);
	p9_put_str(&o, target, len);
	return p9_out_end(&o);
}

int p9_encode_rgetattr(uint8_t *buf, size_t cap, uint16_t tag,
		       const struct p9_rgetattr *a)
{
	struct p9_out o;

	p9_out_begin(&o, buf, cap, P9_RGETATTR, tag);
	p9_put_u64(&o, a->valid);
	p9_put_qid(&o, &a->qid);
	p9_put_u32(&o, a->mode);
	p9_put_u32(&o, a->uid);
	p9_put_u32(&o, a->gid);
	p9_put_u64(&o, a->nlink);
	p9_put_u64(&o, a->rdev);
	p9_put_u64(&o, a->size);
	p9_put_u64(&o, a->blksize);
	p9_put_u64(&o, a->blocks);
	p9_put_u64(&o, a->atime_sec);
	p9_put_u64(&o, a->atime_nsec);
	p9_put_u64(&o, a->mtime_sec);
	p9_put_u64(&o, a->mtime_nsec);
	p9_put_u64(&o, a->ctime_sec);
	p9_put_u64(&o, a->ctime_nsec);
	p9_put_u64(&o, a->btime_sec);
	p9_put_u64(&o, a->btime_nsec);
	p9_put_u64(&o, a->gen);
	p9_put_u64(&o, a->data_version);
	return p9_out_end(&o);
}

int p9_encode_rstatfs(uint8_t *buf, size_t cap, uint16_t tag,
		      const struct p9_rstatfs *s)
{
	struct p9_out o;

	p9_out_begin(&o, buf, cap, P9_RSTATFS, tag);
	p9_put_u32(&o, s->type);
	p9_put_u32(&o, s->bsize);
	p9_put_u64(&o, s->blocks);
	p9_put_u64(&o, s->bfree);
	p9_put_u64(&o, s->bavail);
	p9_put_u64(&o, s->files);
	p9_put_u64(&o, s->ffree);
	p9_put_u64(&o, s->fsid);
	p9_put_u32(&o, s->namelen);
	return p9_out_end(&o);
}

int p9_encode_rlock(uint8_t *buf, size_t cap, uint16_t tag, uint8_t status)
{
	struct p9_out o;

	p9_out_begin(&o, buf, cap, P9_RLOCK, tag);
	p9_put_u8(&o, status);
	return p9_out_end(&o);
}

int p9_encode_rgetlock(uint8_t *buf, size_t cap, uint16_t tag,
		       const struct p9_rgetlock *l)
{
	struct p9_out o;

	p9_out_begin(&o, buf, cap, P9_RGETLOCK, tag);
	p9_put_u8(&o, l->type);
	p9_put_u64(&o, l->start);
	p9_put_u64(&o, l->length);
	p9_put_u32(&o, l->proc_id);
	p9_put_str(&o, l->client_id, l->client_id_len);
	return p9_out_end(&o);
}

int p9_encode_rxattrwalk(uint8_t *buf, size_t cap, uint16_t tag, uint64_t size)
{
	struct p9_out o;

	p9_out_begin(&o, buf, cap, P9_RXATTRWALK, tag);
	p9_put_u64(&o, size);
	return p9_out_end(&o);
}

bool p9_put_dirent(struct p9_out *o, const struct p9_qid *q, uint64_t offset,
		   uint8_t type, const char *name, size_t len)
{
	if (len > UINT16_MAX || !p9_out_room(o, P9_QID_LEN + 8 + 1 + 2 + len))
		return false;
	p9_put_qid(o, q);
	p9_put_u64(o, offset);
	p9_put_u8(o, type);
	p9_put_str(o, name, len);
	return true;
}
