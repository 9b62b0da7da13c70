// SPDX-License-Identifier: GPL-2.0
/*
 * A 9P2000.L server over a host folder (see p9-fs.h for the model).
 *
 * Why the share cannot be left:
 *  - the guest names one component at a time (p9-proto.c refuses '/',
 *    ".", ".." and NUL in names), so an *at() call on a fid's folder with
 *    such a name touches an entry of that folder and nothing else;
 *  - a walk opens each name with openat2(RESOLVE_BENEATH |
 *    RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS) and O_PATH | O_NOFOLLOW:
 *    a symlink gives a descriptor of the link itself, never its target;
 *  - ".." is this server's: at the share's root it stays there (as other
 *    9p servers do), elsewhere it is the folder's parent, which is inside
 *    the share since the folder is and is not its root;
 *  - a file is (re)opened with openat2 on its folder and its name, the
 *    same resolve flags and O_NOFOLLOW, then checked to be the fid's
 *    inode: a name swapped for a symlink or another file meanwhile fails
 *    (ELOOP or ESTALE), and /proc/self/fd is never used;
 *  - only regular files and folders are opened: a FIFO would block the
 *    server, a device node would hand the guest the host's device.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "p9-fs.h"

/* fchmodat2(2), Linux 6.6; the same number on every architecture. */
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif

#define P9_RESOLVE \
	(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS)

/*
 * A fid: its file (O_PATH), the folder holding it (O_PATH; -1 at the
 * share's root, whose folder is the share itself, named ".") and its name
 * there; open_fd once Tlopen or Tlcreate opened it.
 */
struct p9_fid {
	bool used;
	int fd;
	int dirfd;
	int open_fd;
	p9_name name;
	struct p9_xattr *xattr; /* an xattr fid's value, else NULL */
};

/*
 * An xattr fid: Txattrwalk's newfid holds the value (or the list of
 * names) the guest then reads; a fid after Txattrcreate holds the value
 * the guest writes, set on the file at Tclunk.
 */
struct p9_xattr {
	bool write;
	int flags; /* XATTR_CREATE, XATTR_REPLACE */
	p9_name name;
	size_t len, copied;
	uint8_t value[];
};

/* A fid's place while a walk builds it. */
struct p9_path {
	int fd;
	int dirfd;
	p9_name name;
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void path_close(struct p9_path *p)
{
	close_fd(&p->fd);
	close_fd(&p->dirfd);
}

static int open_beneath(int dirfd, const char *name, uint64_t flags,
			uint64_t mode)
{
	struct open_how how = {
		.flags = flags | O_NOFOLLOW | O_CLOEXEC,
		.mode = mode,
		.resolve = P9_RESOLVE,
	};
	long fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

/*
 * The parent of folder dirfd, which is not the share's root (RESOLVE_BENEATH
 * refuses ".." by design; the caller checked the root). openat2 rather
 * than openat, so that the sandbox allows one open call only.
 */
static int open_parent(int dirfd)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS,
	};
	long fd = syscall(SYS_openat2, dirfd, "..", &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

static bool same_inode(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static int fd_stat(int fd, struct stat *st)
{
	return fstat(fd, st) ? -errno : 0;
}

static struct p9_qid qid_of(const struct stat *st)
{
	struct p9_qid q = { .type = P9_QTFILE, .path = st->st_ino };

	if (S_ISDIR(st->st_mode))
		q.type = P9_QTDIR;
	else if (S_ISLNK(st->st_mode))
		q.type = P9_QTSYMLINK;
	return q;
}

static bool is_root(const struct p9_server *s, const struct stat *st)
{
	return st->st_dev == s->root_dev && st->st_ino == s->root_ino;
}

/* The fid table. */

static struct p9_fid *fid_slot(struct p9_server *s, uint32_t fid, bool alloc)
{
	struct p9_fid **chunk;

	if (fid >= s->max_fids)
		return NULL;
	chunk = &s->chunks[fid / P9_FS_FID_CHUNK];
	if (!*chunk) {
		if (!alloc)
			return NULL;
		*chunk = calloc(P9_FS_FID_CHUNK, sizeof(**chunk));
		if (!*chunk)
			return NULL;
	}
	return &(*chunk)[fid % P9_FS_FID_CHUNK];
}

/* A fid in use, or NULL. */
static struct p9_fid *fid_get(struct p9_server *s, uint32_t fid)
{
	struct p9_fid *f = fid_slot(s, fid, false);

	return f && f->used ? f : NULL;
}

/* A free slot for a new fid, or NULL (in use, out of range, no memory). */
static struct p9_fid *fid_new(struct p9_server *s, uint32_t fid)
{
	struct p9_fid *f = fid_slot(s, fid, true);

	return f && !f->used ? f : NULL;
}

static void fid_set(struct p9_fid *f, struct p9_path *p)
{
	f->used = true;
	f->fd = p->fd;
	f->dirfd = p->dirfd;
	f->open_fd = -1;
	f->xattr = NULL;
	memcpy(f->name, p->name, sizeof(f->name));
	p->fd = -1;
	p->dirfd = -1;
}

static void fid_clunk(struct p9_fid *f)
{
	close_fd(&f->fd);
	close_fd(&f->dirfd);
	close_fd(&f->open_fd);
	free(f->xattr);
	f->xattr = NULL;
	f->used = false;
}

static void clunk_all(struct p9_server *s)
{
	for (uint32_t c = 0; c < s->max_fids / P9_FS_FID_CHUNK; c++) {
		if (!s->chunks[c])
			continue;
		for (unsigned int i = 0; i < P9_FS_FID_CHUNK; i++)
			if (s->chunks[c][i].used)
				fid_clunk(&s->chunks[c][i]);
	}
}

unsigned int p9_server_nr_fids(const struct p9_server *s)
{
	unsigned int n = 0;

	for (uint32_t c = 0; c < s->max_fids / P9_FS_FID_CHUNK; c++)
		for (unsigned int i = 0; s->chunks[c] && i < P9_FS_FID_CHUNK;
		     i++)
			n += s->chunks[c][i].used;
	return n;
}

/* The folder holding f and f's name there (the share and "." at root). */
static int fid_parent(const struct p9_server *s, const struct p9_fid *f,
		      const char **name)
{
	*name = f->dirfd >= 0 ? f->name : ".";
	return f->dirfd >= 0 ? f->dirfd : s->root_fd;
}

/*
 * Whether f's folder still holds f's file under f's name: what Tremove,
 * Trename and Tlink act on must be the fid's file, not what replaced it.
 */
static int fid_check_name(struct p9_fid *f)
{
	struct stat a, b;

	if (f->dirfd < 0)
		return -EBUSY; /* the share's root */
	if (fstatat(f->dirfd, f->name, &a, AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (fstat(f->fd, &b))
		return -errno;
	return same_inode(&a, &b) ? 0 : -ESTALE;
}

/* Opens f's file with flags, beneath the share; it must be f's inode. */
static int fid_reopen(struct p9_server *s, struct p9_fid *f, int flags)
{
	struct stat want, got;
	const char *name;
	int dir = fid_parent(s, f, &name);
	int fd, ret;

	ret = fd_stat(f->fd, &want);
	if (ret)
		return ret;
	if (!S_ISREG(want.st_mode) && !S_ISDIR(want.st_mode))
		return S_ISLNK(want.st_mode) ? -ELOOP : -EOPNOTSUPP;
	fd = open_beneath(dir, name, flags, 0);
	if (fd < 0)
		return fd;
	ret = fd_stat(fd, &got);
	if (!ret && !same_inode(&want, &got))
		ret = -ESTALE;
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

/* Tlopen's and Tlcreate's flags (generic Linux values) for this host. */
static int host_open_flags(uint32_t f)
{
	static const struct {
		uint32_t p9;
		int host;
	} map[] = {
		{ P9_DOTL_TRUNC, O_TRUNC },
		{ P9_DOTL_APPEND, O_APPEND },
		{ P9_DOTL_NONBLOCK, O_NONBLOCK },
		{ P9_DOTL_DSYNC, O_DSYNC },
		{ P9_DOTL_DIRECTORY, O_DIRECTORY },
		{ P9_DOTL_SYNC, O_SYNC },
	};
	int host;

	switch (f & P9_DOTL_ACCMODE) {
	case 0:
		host = O_RDONLY;
		break;
	case 1:
		host = O_WRONLY;
		break;
	case 2:
		host = O_RDWR;
		break;
	default:
		return -EINVAL;
	}
	/*
	 * O_DIRECT is left out (the guest's buffers are not aligned for the
	 * host), O_NOATIME too (EPERM on files lkvm does not own); O_CREAT
	 * and O_EXCL are Tlcreate's; O_NOFOLLOW is always added.
	 */
	for (unsigned int i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (f & map[i].p9)
			host |= map[i].host;
	return host | O_LARGEFILE | O_NOCTTY;
}

/* Message handlers: each returns the reply's length or a negative errno. */

struct p9_req {
	struct p9_server *s;
	const struct p9_tmsg *m;
	uint8_t *out;
	size_t cap; /* out's size, at most msize */
};

static int reply_qid(struct p9_req *r, uint8_t type, const struct stat *st)
{
	struct p9_qid q = qid_of(st);

	return p9_encode_rqid(r->out, r->cap, type, r->m->tag, &q);
}

static int do_version(struct p9_req *r)
{
	struct p9_server *s = r->s;
	uint32_t msize = r->m->u.version.msize;

	if (msize < P9_MSIZE_MIN)
		return -EINVAL;
	if (msize > P9_MSIZE_MAX)
		msize = P9_MSIZE_MAX;
	/* A new session: every fid of the old one is gone (version(5)). */
	clunk_all(s);
	if (strcmp(r->m->u.version.version, "9P2000.L")) {
		s->msize = 0;
		return p9_encode_rversion(r->out, r->cap, r->m->tag, msize,
					  "unknown");
	}
	s->msize = msize;
	return p9_encode_rversion(r->out, r->cap, r->m->tag, msize, "9P2000.L");
}

static int do_attach(struct p9_req *r)
{
	struct p9_server *s = r->s;
	struct p9_path p = { .dirfd = -1 };
	struct p9_fid *f;
	struct stat st;
	int ret;

	if (r->m->u.attach.afid != P9_NOFID)
		return -EINVAL; /* no Tauth: no authentication fid */
	f = fid_new(s, r->m->u.attach.fid);
	if (!f)
		return -EBADF;
	p.fd = fcntl(s->root_fd, F_DUPFD_CLOEXEC, 0);
	if (p.fd < 0)
		return -errno;
	strcpy(p.name, ".");
	ret = fd_stat(p.fd, &st);
	if (ret) {
		path_close(&p);
		return ret;
	}
	fid_set(f, &p);
	return reply_qid(r, P9_RATTACH, &st);
}

static int dup_path(const struct p9_fid *f, struct p9_path *p)
{
	p->fd = fcntl(f->fd, F_DUPFD_CLOEXEC, 0);
	p->dirfd = f->dirfd >= 0 ? fcntl(f->dirfd, F_DUPFD_CLOEXEC, 0) : -1;
	memcpy(p->name, f->name, sizeof(p->name));
	if (p->fd < 0 || (f->dirfd >= 0 && p->dirfd < 0)) {
		int err = -errno;

		path_close(p);
		return err;
	}
	return 0;
}

/*
 * The name of the entry of folder dirfd that is the inode st, found by
 * reading the folder (a ".." walk lands on a folder whose name in its own
 * parent is not known otherwise).
 */
static int find_name(int dirfd, const struct stat *st, p9_name name)
{
	int fd = open_beneath(dirfd, ".", O_RDONLY | O_DIRECTORY, 0);
	DIR *d;
	struct dirent *e;
	int ret = -ESTALE;

	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((e = readdir(d))) {
		struct stat est;

		if (e->d_ino != st->st_ino ||
		    !p9_name_valid(e->d_name, strlen(e->d_name)))
			continue;
		if (fstatat(dirfd, e->d_name, &est, AT_SYMLINK_NOFOLLOW) ||
		    !same_inode(&est, st))
			continue;
		strcpy(name, e->d_name);
		ret = 0;
		break;
	}
	closedir(d);
	return ret;
}

/*
 * p moves to its folder's parent: the folder holding p's folder (the
 * share's root stays where it is).
 */
static int walk_up(struct p9_server *s, struct p9_path *p)
{
	struct stat st;
	struct p9_path up = { .fd = -1, .dirfd = -1 };
	int ret = fd_stat(p->fd, &st);

	if (ret)
		return ret;
	if (is_root(s, &st))
		return 0;
	if (p->dirfd < 0)
		return -ESTALE;
	/* p->dirfd is inside the share: it holds p and is not the root. */
	up.fd = fcntl(p->dirfd, F_DUPFD_CLOEXEC, 0);
	if (up.fd < 0)
		return -errno;
	ret = fd_stat(up.fd, &st);
	if (!ret && !is_root(s, &st)) {
		up.dirfd = open_parent(up.fd);
		ret = up.dirfd < 0 ? up.dirfd :
				     find_name(up.dirfd, &st, up.name);
	} else if (!ret) {
		strcpy(up.name, ".");
	}
	if (ret) {
		path_close(&up);
		return ret;
	}
	path_close(p);
	*p = up;
	return 0;
}

/* p moves to the entry name of its folder, without following a link. */
static int walk_down(struct p9_path *p, const char *name)
{
	int fd = open_beneath(p->fd, name, O_PATH, 0);

	if (fd < 0)
		return fd;
	close_fd(&p->dirfd);
	p->dirfd = p->fd;
	p->fd = fd;
	strcpy(p->name, name);
	return 0;
}

static int do_walk(struct p9_req *r)
{
	struct p9_server *s = r->s;
	const struct p9_tmsg *m = r->m;
	struct p9_qid qids[P9_MAXWELEM];
	struct p9_fid *f = fid_get(s, m->u.walk.fid), *nf;
	struct p9_path p;
	unsigned int i;
	int ret;

	if (!f)
		return -EBADF;
	nf = m->u.walk.newfid == m->u.walk.fid ? f :
						 fid_new(s, m->u.walk.newfid);
	if (!nf)
		return -EBADF;
	ret = dup_path(f, &p);
	if (ret)
		return ret;
	for (i = 0; i < m->u.walk.nwname; i++) {
		const char *name = m->u.walk.wnames[i];
		struct stat st;

		ret = strcmp(name, "..") ? walk_down(&p, name) : walk_up(s, &p);
		if (!ret)
			ret = fd_stat(p.fd, &st);
		if (ret)
			break;
		qids[i] = qid_of(&st);
	}
	/* The first name's error is the walk's; later ones cut it short. */
	if (ret && i == 0) {
		path_close(&p);
		return ret;
	}
	if (i == m->u.walk.nwname) {
		if (nf == f)
			fid_clunk(f);
		fid_set(nf, &p);
	}
	path_close(&p);
	return p9_encode_rwalk(r->out, r->cap, m->tag, qids, (uint16_t)i);
}

/*
 * The iounit: what one read or write may carry in a message, msize less
 * Linux's P9_IOHDRSZ (24, Twrite's 23-byte header rounded up).
 */
static uint32_t iounit(const struct p9_server *s)
{
	return s->msize - 24;
}

static int do_lopen(struct p9_req *r)
{
	struct p9_fid *f = fid_get(r->s, r->m->u.lopen.fid);
	struct p9_qid q;
	struct stat st;
	int flags, fd, ret;

	if (!f)
		return -EBADF;
	if (f->open_fd >= 0)
		return -EBADF;
	flags = host_open_flags(r->m->u.lopen.flags);
	if (flags < 0)
		return flags;
	ret = fd_stat(f->fd, &st);
	if (ret)
		return ret;
	if (S_ISDIR(st.st_mode) && (flags & O_ACCMODE) != O_RDONLY)
		return -EISDIR;
	fd = fid_reopen(r->s, f, flags);
	if (fd < 0)
		return fd;
	f->open_fd = fd;
	q = qid_of(&st);
	return p9_encode_ropen(r->out, r->cap, P9_RLOPEN, r->m->tag, &q,
			       iounit(r->s));
}

static int do_lcreate(struct p9_req *r)
{
	const struct p9_tmsg *m = r->m;
	struct p9_fid *f = fid_get(r->s, m->u.lcreate.fid);
	struct stat st, pst;
	struct p9_qid q;
	int flags, fd, pfd, ret;

	if (!f)
		return -EBADF;
	if (f->open_fd >= 0)
		return -EBADF;
	flags = host_open_flags(m->u.lcreate.flags);
	if (flags < 0)
		return flags;
	/* Always a new regular file: never an existing FIFO or device. */
	fd = open_beneath(f->fd, m->u.lcreate.name,
			  (flags & ~O_DIRECTORY) | O_CREAT | O_EXCL,
			  m->u.lcreate.mode & P9_FS_MODE_BITS);
	if (fd < 0)
		return fd;
	pfd = open_beneath(f->fd, m->u.lcreate.name, O_PATH, 0);
	ret = pfd < 0 ? pfd : fd_stat(fd, &st);
	if (!ret)
		ret = fd_stat(pfd, &pst);
	if (!ret && !same_inode(&st, &pst))
		ret = -ESTALE;
	if (ret) {
		close(fd);
		if (pfd >= 0)
			close(pfd);
		return ret;
	}
	/* The fid is now the new file (Tlcreate), opened. */
	close_fd(&f->dirfd);
	f->dirfd = f->fd;
	f->fd = pfd;
	f->open_fd = fd;
	strcpy(f->name, m->u.lcreate.name);
	q = qid_of(&st);
	return p9_encode_ropen(r->out, r->cap, P9_RLCREATE, m->tag, &q,
			       iounit(r->s));
}

/* Tread of an xattr fid: the value (or names) Txattrwalk fetched. */
static int xattr_read(struct p9_req *r, const struct p9_xattr *x,
		      uint32_t count)
{
	uint64_t off = r->m->u.read.offset;

	if (x->write)
		return -EBADF;
	if (off > x->len)
		off = x->len;
	if (count > x->len - off)
		count = (uint32_t)(x->len - off);
	memcpy(r->out + P9_IOHDR_LEN, x->value + off, count);
	return p9_encode_rdata(r->out, r->cap, P9_RREAD, r->m->tag, count);
}

/* Twrite of a fid after Txattrcreate: a piece of the value. */
static int xattr_write(struct p9_req *r, struct p9_xattr *x)
{
	uint64_t off = r->m->u.write.offset;
	uint32_t count = r->m->u.write.count;

	if (!x->write)
		return -EBADF;
	if (off > x->len || count > x->len - off)
		return -ENOSPC; /* past the size Txattrcreate announced */
	memcpy(x->value + off, r->m->u.write.data, count);
	x->copied += count;
	return p9_encode_rwrite(r->out, r->cap, r->m->tag, count);
}

static int do_read(struct p9_req *r)
{
	struct p9_fid *f = fid_get(r->s, r->m->u.read.fid);
	uint32_t count = r->m->u.read.count;
	struct iovec iov;
	ssize_t n;

	if (count > r->cap - P9_IOHDR_LEN)
		count = (uint32_t)(r->cap - P9_IOHDR_LEN);
	if (f && f->xattr)
		return xattr_read(r, f->xattr, count);
	if (!f || f->open_fd < 0)
		return -EBADF;
	if (r->m->u.read.offset > INT64_MAX)
		return -EINVAL;
	iov.iov_base = r->out + P9_IOHDR_LEN;
	iov.iov_len = count;
	n = preadv(f->open_fd, &iov, 1, (off_t)r->m->u.read.offset);
	if (n < 0)
		return -errno;
	return p9_encode_rdata(r->out, r->cap, P9_RREAD, r->m->tag,
			       (uint32_t)n);
}

static int do_write(struct p9_req *r)
{
	struct p9_fid *f = fid_get(r->s, r->m->u.write.fid);
	struct iovec iov;
	ssize_t n;

	if (f && f->xattr)
		return xattr_write(r, f->xattr);
	if (!f || f->open_fd < 0)
		return -EBADF;
	if (r->m->u.write.offset > INT64_MAX)
		return -EINVAL;
	iov.iov_base = (void *)r->m->u.write.data;
	iov.iov_len = r->m->u.write.count;
	n = pwritev(f->open_fd, &iov, 1, (off_t)r->m->u.write.offset);
	if (n < 0)
		return -errno;
	return p9_encode_rwrite(r->out, r->cap, r->m->tag, (uint32_t)n);
}

static int xattr_commit(struct p9_server *s, struct p9_fid *f);

static int do_clunk(struct p9_req *r)
{
	struct p9_fid *f = fid_get(r->s, r->m->u.fid.fid);
	int ret = 0;

	if (!f)
		return -EBADF;
	if (f->xattr && f->xattr->write)
		ret = xattr_commit(r->s, f);
	/* The fid is gone even when setting the xattr failed (clunk(5)). */
	fid_clunk(f);
	return ret ? ret :
		     p9_encode_empty(r->out, r->cap, P9_RCLUNK, r->m->tag);
}

static int do_remove(struct p9_req *r)
{
	struct p9_fid *f = fid_get(r->s, r->m->u.fid.fid);
	struct stat st;
	int ret;

	if (!f)
		return -EBADF;
	ret = fid_check_name(f);
	if (!ret)
		ret = fd_stat(f->fd, &st);
	if (!ret &&
	    unlinkat(f->dirfd, f->name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0))
		ret = -errno;
	/* The fid is clunked even when the remove fails (remove(5)). */
	fid_clunk(f);
	return ret ? ret :
		     p9_encode_empty(r->out, r->cap, P9_RREMOVE, r->m->tag);
}

static int do_getattr(struct p9_req *r)
{
	struct p9_fid *f = fid_get(r->s, r->m->u.getattr.fid);
	struct p9_rgetattr a = { 0 };
	struct stat st;
	int ret;

	if (!f)
		return -EBADF;
	ret = fd_stat(f->fd, &st);
	if (ret)
		return ret;
	a.valid = P9_GETATTR_BASIC;
	a.qid = qid_of(&st);
	a.mode = st.st_mode;
	a.uid = st.st_uid;
	a.gid = st.st_gid;
	a.nlink = st.st_nlink;
	a.rdev = st.st_rdev;
	a.size = (uint64_t)st.st_size;
	a.blksize = (uint64_t)st.st_blksize;
	a.blocks = (uint64_t)st.st_blocks;
	a.atime_sec = (uint64_t)st.st_atim.tv_sec;
	a.atime_nsec = (uint64_t)st.st_atim.tv_nsec;
	a.mtime_sec = (uint64_t)st.st_mtim.tv_sec;
	a.mtime_nsec = (uint64_t)st.st_mtim.tv_nsec;
	a.ctime_sec = (uint64_t)st.st_ctim.tv_sec;
	a.ctime_nsec = (uint64_t)st.st_ctim.tv_nsec;
	return p9_encode_rgetattr(r->out, r->cap, r->m->tag, &a);
}

/*
 * chmod of a fid's file: fchmodat2 on the O_PATH descriptor where the host
 * has it, else through the file opened beneath the share (fchmod does
 * not take O_PATH descriptors). A symlink's mode means nothing on Linux.
 */
static int fid_chmod(struct p9_server *s, struct p9_fid *f, mode_t mode)
{
	int fd;

	if (!syscall(__NR_fchmodat2, f->fd, "", mode, AT_EMPTY_PATH))
		return 0;
	if (errno != ENOSYS && errno != EINVAL)
		return -errno;
	fd = fid_reopen(s, f, O_RDONLY);
	if (fd == -EACCES)
		fd = fid_reopen(s, f, O_WRONLY);
	if (fd < 0)
		return fd;
	if (fchmod(fd, mode)) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	return 0;
}

static int fid_truncate(struct p9_server *s, struct p9_fid *f, uint64_t size)
{
	int fd, ret = 0;

	if (size > INT64_MAX)
		return -EINVAL;
	fd = fid_reopen(s, f, O_WRONLY);
	if (fd < 0)
		return fd;
	if (ftruncate(fd, (off_t)size))
		ret = -errno;
	close(fd);
	return ret;
}

/* A time of Tsetattr: now, the guest's, or left as it is. */
static struct timespec set_time(uint32_t valid, uint32_t bit, uint32_t set_bit,
				uint64_t sec, uint64_t nsec)
{
	struct timespec t = { .tv_nsec = UTIME_OMIT };

	if (!(valid & bit))
		return t;
	if (!(valid & set_bit)) {
		t.tv_nsec = UTIME_NOW;
		return t;
	}
	t.tv_sec = (time_t)sec;
	t.tv_nsec = (long)(nsec % 1000000000);
	return t;
}

/* Tsetattr: mode, owner, size, then times (as a chmod, chown, ...). */
static int do_setattr(struct p9_req *r)
{
	const struct p9_tmsg *m = r->m;
	struct p9_fid *f = fid_get(r->s, m->u.setattr.fid);
	uint32_t valid = m->u.setattr.valid;
	struct timespec ts[2];
	int ret = 0;

	if (!f)
		return -EBADF;
	if (valid & P9_SETATTR_MODE)
		ret = fid_chmod(r->s, f, m->u.setattr.mode & P9_FS_MODE_BITS);
	if (!ret && (valid & (P9_SETATTR_UID | P9_SETATTR_GID))) {
		uid_t uid = valid & P9_SETATTR_UID ? m->u.setattr.uid : -1u;
		gid_t gid = valid & P9_SETATTR_GID ? m->u.setattr.gid : -1u;

		if (fchownat(f->fd, "", uid, gid,
			     AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
			ret = -errno;
	}
	if (!ret && (valid & P9_SETATTR_SIZE))
		ret = fid_truncate(r->s, f, m->u.setattr.size);
	if (!ret && (valid & (P9_SETATTR_ATIME | P9_SETATTR_MTIME))) {
		ts[0] = set_time(valid, P9_SETATTR_ATIME, P9_SETATTR_ATIME_SET,
				 m->u.setattr.atime_sec,
				 m->u.setattr.atime_nsec);
		ts[1] = set_time(valid, P9_SETATTR_MTIME, P9_SETATTR_MTIME_SET,
				 m->u.setattr.mtime_sec,
				 m->u.setattr.mtime_nsec);
		if (utimensat(f->fd, "", ts,
			      AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
			ret = -errno;
	}
	return ret ? ret : p9_encode_empty(r->out, r->cap, P9_RSETATTR, m->tag);
}

/* Rreaddir's type: the dirent's d_type, as Linux's v9fs expects. */
static uint8_t dirent_qtype(uint8_t d_type)
{
	if (d_type == DT_DIR)
		return P9_QTDIR;
	return d_type == DT_LNK ? P9_QTSYMLINK : P9_QTFILE;
}

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/*
 * Treaddir: the entries from offset on, as many as fit in count. The
 * offsets are the folder's own d_off cookies, so a later Treaddir seeks
 * to where the last entry sent left off, whatever happened between.
 */
static int do_readdir(struct p9_req *r)
{
	struct p9_server *s = r->s;
	struct p9_fid *f = fid_get(s, r->m->u.readdir.fid);
	uint32_t count = r->m->u.readdir.count;
	struct p9_out o;
	long n;

	if (!f || f->open_fd < 0)
		return -EBADF;
	if (r->m->u.readdir.offset > INT64_MAX)
		return -EINVAL;
	if (count > r->cap - P9_IOHDR_LEN)
		count = (uint32_t)(r->cap - P9_IOHDR_LEN);
	if (lseek(f->open_fd, (off_t)r->m->u.readdir.offset, SEEK_SET) < 0)
		return -errno;
	o = (struct p9_out){ .buf = r->out + P9_IOHDR_LEN, .cap = count };
	n = syscall(SYS_getdents64, f->open_fd, s->scratch,
		    count < sizeof(s->scratch) ? count : sizeof(s->scratch));
	if (n < 0)
		return -errno;
	for (long pos = 0; pos < n;) {
		struct linux_dirent64 *e = (void *)(s->scratch + pos);
		struct p9_qid q = { .type = dirent_qtype(e->d_type),
				    .path = e->d_ino };

		if (!p9_put_dirent(&o, &q, (uint64_t)e->d_off, e->d_type,
				   e->d_name, strlen(e->d_name)))
			break;
		pos += e->d_reclen;
	}
	return p9_encode_rdata(r->out, r->cap, P9_RREADDIR, r->m->tag,
			       (uint32_t)o.len);
}

static int do_fsync(struct p9_req *r)
{
	struct p9_fid *f = fid_get(r->s, r->m->u.fsync.fid);
	int ret;

	if (!f || f->open_fd < 0)
		return -EBADF;
	ret = r->m->u.fsync.datasync ? fdatasync(f->open_fd) :
				       fsync(f->open_fd);
	if (ret)
		return -errno;
	return p9_encode_empty(r->out, r->cap, P9_RFSYNC, r->m->tag);
}

static int do_readlink(struct p9_req *r)
{
	struct p9_fid *f = fid_get(r->s, r->m->u.fid.fid);
	char target[P9_TARGET_MAX + 1];
	struct stat st;
	ssize_t n;

	if (!f)
		return -EBADF;
	/* readlinkat(fd, "") says ENOENT for a file; readlink(2) EINVAL. */
	if (fstat(f->fd, &st))
		return -errno;
	if (!S_ISLNK(st.st_mode))
		return -EINVAL;
	n = readlinkat(f->fd, "", target, sizeof(target));
	if (n < 0)
		return -errno;
	if ((size_t)n == sizeof(target))
		return -ENAMETOOLONG;
	return p9_encode_rreadlink(r->out, r->cap, r->m->tag, target,
				   (size_t)n);
}

static int do_statfs(struct p9_req *r)
{
	struct p9_fid *f = fid_get(r->s, r->m->u.fid.fid);
	struct p9_rstatfs out;
	struct statfs st;

	if (!f)
		return -EBADF;
	if (fstatfs(f->fd, &st))
		return -errno;
	out = (struct p9_rstatfs){
		.type = (uint32_t)st.f_type,
		.bsize = (uint32_t)st.f_bsize,
		.blocks = st.f_blocks,
		.bfree = st.f_bfree,
		.bavail = st.f_bavail,
		.files = st.f_files,
		.ffree = st.f_ffree,
		.fsid = (uint64_t)(uint32_t)st.f_fsid.__val[0] |
			(uint64_t)(uint32_t)st.f_fsid.__val[1] << 32,
		.namelen = (uint32_t)st.f_namelen,
	};
	return p9_encode_rstatfs(r->out, r->cap, r->m->tag, &out);
}

/* The new entry name in dfid's folder: its qid, for Rmkdir and others. */
static int reply_new(struct p9_req *r, uint8_t type, int dirfd,
		     const char *name)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	return reply_qid(r, type, &st);
}

static int do_mkdir(struct p9_req *r)
{
	struct p9_fid *d = fid_get(r->s, r->m->u.mkdir.dfid);

	if (!d)
		return -EBADF;
	if (mkdirat(d->fd, r->m->u.mkdir.name,
		    r->m->u.mkdir.mode & P9_FS_MODE_BITS))
		return -errno;
	return reply_new(r, P9_RMKDIR, d->fd, r->m->u.mkdir.name);
}

/* The target is stored as the guest's text; lkvm never follows it. */
static int do_symlink(struct p9_req *r)
{
	struct p9_fid *d = fid_get(r->s, r->m->u.symlink.fid);

	if (!d)
		return -EBADF;
	if (symlinkat(r->m->u.symlink.target, d->fd, r->m->u.symlink.name))
		return -errno;
	return reply_new(r, P9_RSYMLINK, d->fd, r->m->u.symlink.name);
}

/*
 * Regular files, FIFOs and sockets only: a device node made by the guest
 * would be the host's device to anyone on the host who opens it.
 */
static int do_mknod(struct p9_req *r)
{
	struct p9_fid *d = fid_get(r->s, r->m->u.mknod.dfid);
	mode_t mode = r->m->u.mknod.mode;

	if (!d)
		return -EBADF;
	if (!S_ISREG(mode) && !S_ISFIFO(mode) && !S_ISSOCK(mode))
		return -EPERM;
	if (mknodat(d->fd, r->m->u.mknod.name,
		    mode & (S_IFMT | P9_FS_MODE_BITS), 0))
		return -errno;
	return reply_new(r, P9_RMKNOD, d->fd, r->m->u.mknod.name);
}

/*
 * A hard link to the fid's file, by its folder and name (linkat with no
 * flag never follows a symlink: a link to a symlink links the symlink).
 */
static int do_link(struct p9_req *r)
{
	struct p9_fid *d = fid_get(r->s, r->m->u.link.dfid);
	struct p9_fid *f = fid_get(r->s, r->m->u.link.fid);
	int ret;

	if (!d || !f)
		return -EBADF;
	ret = fid_check_name(f);
	if (ret)
		return ret == -EBUSY ? -EPERM : ret;
	if (linkat(f->dirfd, f->name, d->fd, r->m->u.link.name, 0))
		return -errno;
	return p9_encode_empty(r->out, r->cap, P9_RLINK, r->m->tag);
}

static int do_rename(struct p9_req *r)
{
	struct p9_fid *f = fid_get(r->s, r->m->u.rename.fid);
	struct p9_fid *d = fid_get(r->s, r->m->u.rename.dfid);
	int ret, nd;

	if (!f || !d)
		return -EBADF;
	ret = fid_check_name(f);
	if (ret)
		return ret;
	nd = fcntl(d->fd, F_DUPFD_CLOEXEC, 0);
	if (nd < 0)
		return -errno;
	if (renameat2(f->dirfd, f->name, d->fd, r->m->u.rename.name, 0)) {
		ret = -errno;
		close(nd);
		return ret;
	}
	/* The fid follows its file. */
	close_fd(&f->dirfd);
	f->dirfd = nd;
	strcpy(f->name, r->m->u.rename.name);
	return p9_encode_empty(r->out, r->cap, P9_RRENAME, r->m->tag);
}

static int do_renameat(struct p9_req *r)
{
	struct p9_fid *od = fid_get(r->s, r->m->u.renameat.olddirfid);
	struct p9_fid *nd = fid_get(r->s, r->m->u.renameat.newdirfid);

	if (!od || !nd)
		return -EBADF;
	if (renameat2(od->fd, r->m->u.renameat.oldname, nd->fd,
		      r->m->u.renameat.newname, 0))
		return -errno;
	return p9_encode_empty(r->out, r->cap, P9_RRENAMEAT, r->m->tag);
}

static int do_unlinkat(struct p9_req *r)
{
	struct p9_fid *d = fid_get(r->s, r->m->u.unlinkat.dirfid);
	uint32_t flags = r->m->u.unlinkat.flags;

	if (!d)
		return -EBADF;
	if (flags & ~P9_AT_REMOVEDIR)
		return -EINVAL;
	if (unlinkat(d->fd, r->m->u.unlinkat.name,
		     flags & P9_AT_REMOVEDIR ? AT_REMOVEDIR : 0))
		return -errno;
	return p9_encode_empty(r->out, r->cap, P9_RUNLINKAT, r->m->tag);
}

/*
 * A guest range as struct flock: length 0 is "to the end", as in POSIX;
 * a range past what off_t holds is refused.
 */
static int lock_range(const struct p9_tmsg *m, struct flock *fl)
{
	static const short types[] = { F_RDLCK, F_WRLCK, F_UNLCK };

	if (m->u.lock.start > INT64_MAX ||
	    m->u.lock.length > INT64_MAX - m->u.lock.start)
		return -EINVAL;
	*fl = (struct flock){
		.l_type = types[m->u.lock.type],
		.l_whence = SEEK_SET,
		.l_start = (off_t)m->u.lock.start,
		.l_len = (off_t)m->u.lock.length,
	};
	return 0;
}

/*
 * Tlock with open file description locks: never waits (a blocking
 * request that conflicts gets BLOCKED, and the Linux client tries again).
 */
static int do_lock(struct p9_req *r)
{
	struct p9_fid *f = fid_get(r->s, r->m->u.lock.fid);
	uint8_t status = P9_LOCK_SUCCESS;
	struct flock fl;
	int ret;

	if (!f || f->open_fd < 0)
		return -EBADF;
	ret = lock_range(r->m, &fl);
	if (ret)
		return ret;
	if (fcntl(f->open_fd, F_OFD_SETLK, &fl))
		status = errno == EAGAIN || errno == EACCES ? P9_LOCK_BLOCKED :
							      P9_LOCK_ERROR;
	return p9_encode_rlock(r->out, r->cap, r->m->tag, status);
}

static int do_getlock(struct p9_req *r)
{
	const struct p9_tmsg *m = r->m;
	struct p9_fid *f = fid_get(r->s, m->u.lock.fid);
	struct p9_rgetlock out = {
		.type = P9_LOCK_TYPE_UNLCK,
		.start = m->u.lock.start,
		.length = m->u.lock.length,
		.proc_id = m->u.lock.proc_id,
		.client_id = m->u.lock.client_id,
		.client_id_len = strlen(m->u.lock.client_id),
	};
	struct flock fl;
	int ret;

	if (!f || f->open_fd < 0)
		return -EBADF;
	ret = lock_range(m, &fl);
	if (ret)
		return ret;
	if (fl.l_type == F_UNLCK)
		return -EINVAL;
	if (fcntl(f->open_fd, F_OFD_GETLK, &fl))
		return -errno;
	if (fl.l_type != F_UNLCK) {
		/* The holder: an open file description has no process. */
		out.type = fl.l_type == F_RDLCK ? P9_LOCK_TYPE_RDLCK :
						  P9_LOCK_TYPE_WRLCK;
		out.start = (uint64_t)fl.l_start;
		out.length = (uint64_t)fl.l_len;
		out.proc_id = 0;
		out.client_id_len = 0;
	}
	return p9_encode_rgetlock(r->out, r->cap, m->tag, &out);
}

/*
 * Only the user namespace: trusted.* and security.* (file capabilities,
 * SELinux labels) set by a guest on the host's files would grant rights
 * on the host when lkvm runs privileged; system.* (ACLs) is left out too.
 */
static bool xattr_name_allowed(const char *name)
{
	return !strncmp(name, "user.", 5) && name[5];
}

/* The file's xattrs are read and written through a reopened descriptor. */
static int xattr_open(struct p9_server *s, struct p9_fid *f)
{
	int fd = fid_reopen(s, f, O_RDONLY);

	return fd == -ELOOP || fd == -EOPNOTSUPP ? -EOPNOTSUPP : fd;
}

/* The user.* names of a listxattr answer, kept in place. */
static size_t keep_user_names(char *list, size_t len)
{
	size_t in = 0, out = 0;

	while (in < len) {
		size_t n = strnlen(list + in, len - in) + 1;

		if (xattr_name_allowed(list + in)) {
			memmove(list + out, list + in, n);
			out += n;
		}
		in += n;
	}
	return out;
}

static struct p9_xattr *xattr_new(size_t len)
{
	return calloc(1, sizeof(struct p9_xattr) + (len ? len : 1));
}

/* Reads the value of name (the list of names when name is "") of fd. */
static int xattr_fetch(int fd, const char *name, struct p9_xattr **out)
{
	struct p9_xattr *x = xattr_new(P9_XATTR_SIZE_MAX);
	ssize_t n;

	if (!x)
		return -ENOMEM;
	if (*name)
		n = fgetxattr(fd, name, x->value, P9_XATTR_SIZE_MAX);
	else
		n = flistxattr(fd, (char *)x->value, P9_XATTR_SIZE_MAX);
	if (n < 0) {
		int err = errno == ERANGE ? -E2BIG : -errno;

		free(x);
		return err;
	}
	x->len = *name ? (size_t)n : keep_user_names((char *)x->value, n);
	*out = x;
	return 0;
}

/* Txattrwalk: newfid holds the value (or names) for Tread. */
static int do_xattrwalk(struct p9_req *r)
{
	const struct p9_tmsg *m = r->m;
	struct p9_fid *f = fid_get(r->s, m->u.xattrwalk.fid), *nf;
	struct p9_xattr *x = NULL;
	struct p9_path p;
	int fd, ret;

	if (!f || m->u.xattrwalk.newfid == m->u.xattrwalk.fid)
		return -EBADF;
	nf = fid_new(r->s, m->u.xattrwalk.newfid);
	if (!nf)
		return -EBADF;
	if (*m->u.xattrwalk.name && !xattr_name_allowed(m->u.xattrwalk.name))
		return -EOPNOTSUPP;
	fd = xattr_open(r->s, f);
	if (fd < 0)
		return fd;
	ret = xattr_fetch(fd, m->u.xattrwalk.name, &x);
	close(fd);
	if (ret)
		return ret;
	ret = dup_path(f, &p);
	if (ret) {
		free(x);
		return ret;
	}
	fid_set(nf, &p);
	nf->xattr = x;
	return p9_encode_rxattrwalk(r->out, r->cap, m->tag, x->len);
}

/* Txattrcreate: the fid becomes the value to write, set at Tclunk. */
static int do_xattrcreate(struct p9_req *r)
{
	const struct p9_tmsg *m = r->m;
	struct p9_fid *f = fid_get(r->s, m->u.xattrcreate.fid);
	struct p9_xattr *x;

	if (!f || f->xattr || f->open_fd >= 0)
		return -EBADF;
	if (!xattr_name_allowed(m->u.xattrcreate.name))
		return -EOPNOTSUPP;
	if (m->u.xattrcreate.flags & ~(uint32_t)(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	x = xattr_new(m->u.xattrcreate.size);
	if (!x)
		return -ENOMEM;
	x->write = true;
	x->flags = (int)m->u.xattrcreate.flags;
	x->len = m->u.xattrcreate.size;
	strcpy(x->name, m->u.xattrcreate.name);
	f->xattr = x;
	return p9_encode_empty(r->out, r->cap, P9_RXATTRCREATE, m->tag);
}

/*
 * At Tclunk: the value written is set; an empty one removes the xattr
 * (how Linux's removexattr reaches the server). A value not written
 * whole is refused.
 */
static int xattr_commit(struct p9_server *s, struct p9_fid *f)
{
	struct p9_xattr *x = f->xattr;
	int fd, ret = 0;

	if (x->copied != x->len)
		return -EINVAL;
	fd = xattr_open(s, f);
	if (fd < 0)
		return fd;
	if (x->len ? fsetxattr(fd, x->name, x->value, x->len, x->flags) :
		     fremovexattr(fd, x->name))
		ret = -errno;
	close(fd);
	return ret;
}

static int dispatch(struct p9_req *r)
{
	switch (r->m->type) {
	case P9_TVERSION:
		return do_version(r);
	case P9_TATTACH:
		return do_attach(r);
	case P9_TWALK:
		return do_walk(r);
	case P9_TLOPEN:
		return do_lopen(r);
	case P9_TLCREATE:
		return do_lcreate(r);
	case P9_TREAD:
		return do_read(r);
	case P9_TWRITE:
		return do_write(r);
	case P9_TCLUNK:
		return do_clunk(r);
	case P9_TREMOVE:
		return do_remove(r);
	case P9_TGETATTR:
		return do_getattr(r);
	case P9_TSETATTR:
		return do_setattr(r);
	case P9_TREADDIR:
		return do_readdir(r);
	case P9_TFSYNC:
		return do_fsync(r);
	case P9_TSTATFS:
		return do_statfs(r);
	case P9_TREADLINK:
		return do_readlink(r);
	case P9_TMKDIR:
		return do_mkdir(r);
	case P9_TSYMLINK:
		return do_symlink(r);
	case P9_TMKNOD:
		return do_mknod(r);
	case P9_TLINK:
		return do_link(r);
	case P9_TRENAME:
		return do_rename(r);
	case P9_TRENAMEAT:
		return do_renameat(r);
	case P9_TUNLINKAT:
		return do_unlinkat(r);
	case P9_TLOCK:
		return do_lock(r);
	case P9_TGETLOCK:
		return do_getlock(r);
	case P9_TFLUSH:
		/* Requests are served one at a time: nothing is pending. */
		return p9_encode_empty(r->out, r->cap, P9_RFLUSH, r->m->tag);
	case P9_TXATTRWALK:
		return do_xattrwalk(r);
	case P9_TXATTRCREATE:
		return do_xattrcreate(r);
	default:
		return -EOPNOTSUPP;
	}
}

int p9_handle(struct p9_server *s, const uint8_t *in, size_t in_len,
	      uint8_t *out, size_t out_cap)
{
	uint32_t msize = s->msize ? s->msize : P9_MSIZE_MAX;
	struct p9_req r = {
		.s = s,
		.m = &s->msg,
		.out = out,
		.cap = out_cap < msize ? out_cap : msize,
	};
	int ret;

	if (r.cap < P9_HDR_LEN + 4)
		return -EMSGSIZE;
	ret = p9_decode(in, in_len, msize, &s->msg);
	/* Nothing but Tversion before a session (version(5)). */
	if (!ret && !s->msize && s->msg.type != P9_TVERSION)
		ret = -EPROTO;
	if (!ret)
		ret = dispatch(&r);
	if (ret < 0)
		ret = p9_encode_rlerror(out, r.cap, s->msg.tag, (uint32_t)-ret);
	return ret;
}

int p9_server_init(struct p9_server *s, const char *dir, uint32_t max_fids)
{
	struct stat st;

	memset(s, 0, sizeof(*s));
	if (!max_fids)
		max_fids = P9_FS_MAX_FIDS_DEFAULT;
	if (max_fids > UINT32_MAX - P9_FS_FID_CHUNK)
		return -EINVAL;
	s->max_fids = (max_fids + P9_FS_FID_CHUNK - 1) / P9_FS_FID_CHUNK *
		      P9_FS_FID_CHUNK;
	s->root_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->root_fd < 0)
		return -errno;
	if (fstat(s->root_fd, &st)) {
		int err = -errno;

		close(s->root_fd);
		return err;
	}
	s->root_dev = st.st_dev;
	s->root_ino = st.st_ino;
	s->chunks = calloc(s->max_fids / P9_FS_FID_CHUNK, sizeof(*s->chunks));
	if (!s->chunks) {
		close(s->root_fd);
		return -ENOMEM;
	}
	return 0;
}

void p9_server_destroy(struct p9_server *s)
{
	clunk_all(s);
	for (uint32_t c = 0; c < s->max_fids / P9_FS_FID_CHUNK; c++)
		free(s->chunks[c]);
	free(s->chunks);
	close(s->root_fd);
	s->root_fd = -1;
}
