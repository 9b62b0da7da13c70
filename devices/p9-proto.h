/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 9P2000.L messages: decoding the T-messages the Linux v9fs client sends
 * into plain structs, and encoding the R-messages. Pure: no file is
 * touched here.
 *
 * The layouts are those of the 9P2000.L protocol as the Linux client
 * speaks it (include/net/9p/9p.h, net/9p/client.c; the 9P2000.L page of
 * the diod project and QEMU's 9p documentation describe the same). Every
 * message is size[4] type[1] tag[2] then its body, all little-endian; a
 * string s is len[2] then len bytes, without a NUL.
 *
 * The input is hostile: every length, count and string is checked
 * against the buffer and the negotiated msize; names are validated here
 * (see p9_name_valid) so that the server only ever sees one path
 * component, never "/", ".", ".." or a NUL (Twalk's ".." excepted: the
 * server gives it its meaning).
 */
#ifndef LKVM_P9_PROTO_H
#define LKVM_P9_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* size[4] type[1] tag[2] */
#define P9_HDR_LEN 7
/* Rread's and Rreaddir's header: size[4] type[1] tag[2] count[4]. */
#define P9_IOHDR_LEN 11
#define P9_NOTAG 0xffff
#define P9_NOFID 0xffffffffu

/* The largest msize lkvm accepts, and the smallest that makes sense. */
#define P9_MSIZE_MAX (512 * 1024)
#define P9_MSIZE_MIN 4096

/* Twalk's limit on names (MAXWELEM in the 9P manual, walk(5)). */
#define P9_MAXWELEM 16
/* A name's longest length (NAME_MAX), a symlink target's (PATH_MAX - 1). */
#define P9_NAME_MAX 255
#define P9_TARGET_MAX 4095
/* Tversion's version string, Tattach's names and Tlock's client_id. */
#define P9_SHORT_STR_MAX 255
/* Txattrcreate's largest value (XATTR_SIZE_MAX). */
#define P9_XATTR_SIZE_MAX 65536

/* Message types (include/net/9p/9p.h, enum p9_msg_t). */
enum p9_type {
	P9_TLERROR = 6,
	P9_RLERROR = 7,
	P9_TSTATFS = 8,
	P9_RSTATFS = 9,
	P9_TLOPEN = 12,
	P9_RLOPEN = 13,
	P9_TLCREATE = 14,
	P9_RLCREATE = 15,
	P9_TSYMLINK = 16,
	P9_RSYMLINK = 17,
	P9_TMKNOD = 18,
	P9_RMKNOD = 19,
	P9_TRENAME = 20,
	P9_RRENAME = 21,
	P9_TREADLINK = 22,
	P9_RREADLINK = 23,
	P9_TGETATTR = 24,
	P9_RGETATTR = 25,
	P9_TSETATTR = 26,
	P9_RSETATTR = 27,
	P9_TXATTRWALK = 30,
	P9_RXATTRWALK = 31,
	P9_TXATTRCREATE = 32,
	P9_RXATTRCREATE = 33,
	P9_TREADDIR = 40,
	P9_RREADDIR = 41,
	P9_TFSYNC = 50,
	P9_RFSYNC = 51,
	P9_TLOCK = 52,
	P9_RLOCK = 53,
	P9_TGETLOCK = 54,
	P9_RGETLOCK = 55,
	P9_TLINK = 70,
	P9_RLINK = 71,
	P9_TMKDIR = 72,
	P9_RMKDIR = 73,
	P9_TRENAMEAT = 74,
	P9_RRENAMEAT = 75,
	P9_TUNLINKAT = 76,
	P9_RUNLINKAT = 77,
	P9_TVERSION = 100,
	P9_RVERSION = 101,
	P9_TAUTH = 102,
	P9_RAUTH = 103,
	P9_TATTACH = 104,
	P9_RATTACH = 105,
	P9_TFLUSH = 108,
	P9_RFLUSH = 109,
	P9_TWALK = 110,
	P9_RWALK = 111,
	P9_TREAD = 116,
	P9_RREAD = 117,
	P9_TWRITE = 118,
	P9_RWRITE = 119,
	P9_TCLUNK = 120,
	P9_RCLUNK = 121,
	P9_TREMOVE = 122,
	P9_RREMOVE = 123,
};

/* qid.type bits (QTDIR, QTSYMLINK; a plain file is 0). */
#define P9_QTDIR 0x80
#define P9_QTSYMLINK 0x02
#define P9_QTFILE 0x00

/* Tgetattr's request_mask and Rgetattr's valid (P9_STATS_*). */
#define P9_GETATTR_MODE 0x1ull
#define P9_GETATTR_NLINK 0x2ull
#define P9_GETATTR_UID 0x4ull
#define P9_GETATTR_GID 0x8ull
#define P9_GETATTR_RDEV 0x10ull
#define P9_GETATTR_ATIME 0x20ull
#define P9_GETATTR_MTIME 0x40ull
#define P9_GETATTR_CTIME 0x80ull
#define P9_GETATTR_INO 0x100ull
#define P9_GETATTR_SIZE 0x200ull
#define P9_GETATTR_BLOCKS 0x400ull
#define P9_GETATTR_BASIC 0x7ffull

/* Tsetattr's valid (P9_ATTR_*). */
#define P9_SETATTR_MODE 0x1u
#define P9_SETATTR_UID 0x2u
#define P9_SETATTR_GID 0x4u
#define P9_SETATTR_SIZE 0x8u
#define P9_SETATTR_ATIME 0x10u
#define P9_SETATTR_MTIME 0x20u
#define P9_SETATTR_CTIME 0x40u
#define P9_SETATTR_ATIME_SET 0x80u
#define P9_SETATTR_MTIME_SET 0x100u

/*
 * Tlopen's and Tlcreate's flags (P9_DOTL_*): Linux's generic O_* values,
 * which are not arm64's or x86's for every bit, so the server translates.
 */
#define P9_DOTL_ACCMODE 03u
#define P9_DOTL_CREATE 0100u
#define P9_DOTL_EXCL 0200u
#define P9_DOTL_NOCTTY 0400u
#define P9_DOTL_TRUNC 01000u
#define P9_DOTL_APPEND 02000u
#define P9_DOTL_NONBLOCK 04000u
#define P9_DOTL_DSYNC 010000u
#define P9_DOTL_FASYNC 020000u
#define P9_DOTL_DIRECT 040000u
#define P9_DOTL_LARGEFILE 0100000u
#define P9_DOTL_DIRECTORY 0200000u
#define P9_DOTL_NOFOLLOW 0400000u
#define P9_DOTL_NOATIME 01000000u
#define P9_DOTL_CLOEXEC 02000000u
#define P9_DOTL_SYNC 04000000u

/* Tunlinkat's flags: AT_REMOVEDIR. */
#define P9_AT_REMOVEDIR 0x200u

/* Tlock's and Tgetlock's type, Tlock's flags, Rlock's status. */
#define P9_LOCK_TYPE_RDLCK 0
#define P9_LOCK_TYPE_WRLCK 1
#define P9_LOCK_TYPE_UNLCK 2
#define P9_LOCK_FLAGS_BLOCK 1u
#define P9_LOCK_FLAGS_RECLAIM 2u
#define P9_LOCK_SUCCESS 0
#define P9_LOCK_BLOCKED 1
#define P9_LOCK_ERROR 2

/* qid[13]: type[1] version[4] path[8]. */
#define P9_QID_LEN 13
struct p9_qid {
	uint8_t type;
	uint32_t version;
	uint64_t path;
};

/* A validated name: 1..P9_NAME_MAX bytes, NUL-terminated here. */
typedef char p9_name[P9_NAME_MAX + 1];

/* The decoded T-message: type and tag, then the body of that type. */
struct p9_tmsg {
	uint8_t type;
	uint16_t tag;
	union {
		struct { /* Tversion: msize[4] version[s] */
			uint32_t msize;
			char version[P9_SHORT_STR_MAX + 1];
		} version;
		struct { /* Tattach: fid[4] afid[4] uname[s] aname[s] n_uname[4] */
			uint32_t fid, afid, n_uname;
			char uname[P9_SHORT_STR_MAX + 1];
			char aname[P9_SHORT_STR_MAX + 1];
		} attach;
		struct { /* Twalk: fid[4] newfid[4] nwname[2] nwname*(wname[s]) */
			uint32_t fid, newfid;
			uint16_t nwname;
			p9_name wnames[P9_MAXWELEM];
		} walk;
		struct { /* Tlopen: fid[4] flags[4] */
			uint32_t fid, flags;
		} lopen;
		struct { /* Tlcreate: fid[4] name[s] flags[4] mode[4] gid[4] */
			uint32_t fid, flags, mode, gid;
			p9_name name;
		} lcreate;
		struct { /* Tread: fid[4] offset[8] count[4] */
			uint32_t fid, count;
			uint64_t offset;
		} read;
		struct { /* Twrite: fid[4] offset[8] count[4] data[count] */
			uint32_t fid, count;
			uint64_t offset;
			const uint8_t *data; /* inside the input buffer */
		} write;
		struct { /* Tclunk, Tremove, Treadlink, Tstatfs: fid[4] */
			uint32_t fid;
		} fid;
		struct { /* Tgetattr: fid[4] request_mask[8] */
			uint32_t fid;
			uint64_t mask;
		} getattr;
		struct { /* Tsetattr: fid[4] valid[4] mode[4] uid[4] gid[4]
			    size[8] atime_sec[8] atime_nsec[8] mtime_sec[8]
			    mtime_nsec[8] */
			uint32_t fid, valid, mode, uid, gid;
			uint64_t size, atime_sec, atime_nsec, mtime_sec,
				mtime_nsec;
		} setattr;
		struct { /* Treaddir: fid[4] offset[8] count[4] */
			uint32_t fid, count;
			uint64_t offset;
		} readdir;
		struct { /* Tfsync: fid[4] datasync[4] */
			uint32_t fid, datasync;
		} fsync;
		struct { /* Tmkdir: dfid[4] name[s] mode[4] gid[4] */
			uint32_t dfid, mode, gid;
			p9_name name;
		} mkdir;
		struct { /* Tsymlink: fid[4] name[s] symtgt[s] gid[4] */
			uint32_t fid, gid;
			p9_name name;
			char target[P9_TARGET_MAX + 1];
		} symlink;
		struct { /* Tlink: dfid[4] fid[4] name[s] */
			uint32_t dfid, fid;
			p9_name name;
		} link;
		struct { /* Trename: fid[4] dfid[4] name[s] */
			uint32_t fid, dfid;
			p9_name name;
		} rename;
		struct { /* Trenameat: olddirfid[4] oldname[s] newdirfid[4]
			    newname[s] */
			uint32_t olddirfid, newdirfid;
			p9_name oldname, newname;
		} renameat;
		struct { /* Tunlinkat: dirfid[4] name[s] flags[4] */
			uint32_t dirfid, flags;
			p9_name name;
		} unlinkat;
		struct { /* Tlock: fid[4] type[1] flags[4] start[8] length[8]
			    proc_id[4] client_id[s]; Tgetlock: the same
			    without flags */
			uint32_t fid, flags, proc_id;
			uint8_t type;
			uint64_t start, length;
			char client_id[P9_SHORT_STR_MAX + 1];
		} lock;
		struct { /* Tmknod: dfid[4] name[s] mode[4] major[4] minor[4]
			    gid[4] */
			uint32_t dfid, mode, major, minor, gid;
			p9_name name;
		} mknod;
		struct { /* Txattrwalk: fid[4] newfid[4] name[s] (may be
			    empty: list the names) */
			uint32_t fid, newfid;
			char name[P9_NAME_MAX + 1];
		} xattrwalk;
		struct { /* Txattrcreate: fid[4] name[s] attr_size[8] flags[4] */
			uint32_t fid, flags;
			uint64_t size;
			p9_name name;
		} xattrcreate;
		struct { /* Tflush: oldtag[2] */
			uint16_t oldtag;
		} flush;
	} u;
};

/*
 * Whether name[len] is a valid single name from the guest: 1 to
 * P9_NAME_MAX bytes, no '/' and no NUL, neither "." nor "..".
 */
bool p9_name_valid(const char *name, size_t len);

/*
 * The tag of the message in buf[len], or P9_NOTAG when there is no whole
 * header (the reply to a message too short to carry a tag).
 */
uint16_t p9_peek_tag(const uint8_t *buf, size_t len);

/*
 * Decodes one T-message, buf[len], which must be exactly one message of
 * at most msize bytes. Returns 0, or the errno for the Rlerror:
 *   -EPROTO      a size field other than len, a header cut short, a body
 *                shorter or longer than its type's layout, a count past
 *                the end, a message bigger than msize;
 *   -EINVAL      an invalid name or string (see p9_name_valid), more than
 *                P9_MAXWELEM names in a walk;
 *   -ENAMETOOLONG a name, symlink target or string too long;
 *   -EOPNOTSUPP  a type lkvm does not serve (9P2000 and 9P2000.u ones,
 *                R-messages, Tauth);
 *   -E2BIG       a Txattrcreate size past P9_XATTR_SIZE_MAX.
 * m->tag is set whenever the header is whole, even on error.
 */
int p9_decode(const uint8_t *buf, size_t len, uint32_t msize,
	      struct p9_tmsg *m);

/*
 * An R-message being written into buf[cap]. Once a put would pass cap,
 * overflow is set and nothing more is written; p9_out_end reports it.
 */
struct p9_out {
	uint8_t *buf;
	size_t cap;
	size_t len;
	bool overflow;
};

/* Starts a message of type and tag (the size is written by p9_out_end). */
void p9_out_begin(struct p9_out *o, uint8_t *buf, size_t cap, uint8_t type,
		  uint16_t tag);
void p9_put_u8(struct p9_out *o, uint8_t v);
void p9_put_u16(struct p9_out *o, uint16_t v);
void p9_put_u32(struct p9_out *o, uint32_t v);
void p9_put_u64(struct p9_out *o, uint64_t v);
void p9_put_str(struct p9_out *o, const char *s, size_t len);
void p9_put_qid(struct p9_out *o, const struct p9_qid *q);
void p9_put_bytes(struct p9_out *o, const void *p, size_t len);
/* Whether n more bytes fit. */
bool p9_out_room(const struct p9_out *o, size_t n);
/* Writes the size field; returns the message's length, or -EMSGSIZE. */
int p9_out_end(struct p9_out *o);

/* Rlerror: ecode[4] (a Linux errno, positive). */
int p9_encode_rlerror(uint8_t *buf, size_t cap, uint16_t tag, uint32_t ecode);

/* Rgetattr's body, in its order. */
struct p9_rgetattr {
	uint64_t valid;
	struct p9_qid qid;
	uint32_t mode, uid, gid;
	uint64_t nlink, rdev, size, blksize, blocks;
	uint64_t atime_sec, atime_nsec, mtime_sec, mtime_nsec;
	uint64_t ctime_sec, ctime_nsec, btime_sec, btime_nsec;
	uint64_t gen, data_version;
};

/* Rstatfs's body, in its order. */
struct p9_rstatfs {
	uint32_t type, bsize;
	uint64_t blocks, bfree, bavail, files, ffree, fsid;
	uint32_t namelen;
};

/* Rgetlock's body (Tlock's without flags). */
struct p9_rgetlock {
	uint8_t type;
	uint64_t start, length;
	uint32_t proc_id;
	const char *client_id;
	size_t client_id_len;
};

/*
 * The R-messages with fixed bodies. Each returns the message's length,
 * or -EMSGSIZE when cap is too small.
 */
int p9_encode_rversion(uint8_t *buf, size_t cap, uint16_t tag, uint32_t msize,
		       const char *version);
/* Rattach, Rsymlink, Rmknod, Rmkdir: qid[13]. */
int p9_encode_rqid(uint8_t *buf, size_t cap, uint8_t type, uint16_t tag,
		   const struct p9_qid *q);
/* Rlopen, Rlcreate: qid[13] iounit[4]. */
int p9_encode_ropen(uint8_t *buf, size_t cap, uint8_t type, uint16_t tag,
		    const struct p9_qid *q, uint32_t iounit);
/* Rwalk: nwqid[2] nwqid*(qid[13]). */
int p9_encode_rwalk(uint8_t *buf, size_t cap, uint16_t tag,
		    const struct p9_qid *qids, uint16_t nwqid);
/* A reply with an empty body (Rclunk, Rflush, Rsetattr, ...). */
int p9_encode_empty(uint8_t *buf, size_t cap, uint8_t type, uint16_t tag);
/* Rwrite: count[4]. */
int p9_encode_rwrite(uint8_t *buf, size_t cap, uint16_t tag, uint32_t count);
/*
 * Rread and Rreaddir: count[4] data[count], where the data already lies at
 * buf + P9_IOHDR_LEN (the server reads straight into the reply).
 */
int p9_encode_rdata(uint8_t *buf, size_t cap, uint8_t type, uint16_t tag,
		    uint32_t count);
/* Rreadlink: target[s]. */
int p9_encode_rreadlink(uint8_t *buf, size_t cap, uint16_t tag,
			const char *target, size_t len);
int p9_encode_rgetattr(uint8_t *buf, size_t cap, uint16_t tag,
		       const struct p9_rgetattr *a);
int p9_encode_rstatfs(uint8_t *buf, size_t cap, uint16_t tag,
		      const struct p9_rstatfs *s);
/* Rlock: status[1]. */
int p9_encode_rlock(uint8_t *buf, size_t cap, uint16_t tag, uint8_t status);
int p9_encode_rgetlock(uint8_t *buf, size_t cap, uint16_t tag,
		       const struct p9_rgetlock *l);
/* Rxattrwalk: size[8]. */
int p9_encode_rxattrwalk(uint8_t *buf, size_t cap, uint16_t tag, uint64_t size);

/*
 * One Rreaddir entry, qid[13] offset[8] type[1] name[s], appended to the
 * data being built in o (o->buf is the data, not a message). Returns false,
 * writing nothing, when it does not fit.
 */
bool p9_put_dirent(struct p9_out *o, const struct p9_qid *q, uint64_t offset,
		   uint8_t type, const char *name, size_t len);

#endif
