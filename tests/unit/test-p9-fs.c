// SPDX-License-Identifier: GPL-2.0
/*
 * The 9P2000.L server (devices/p9-fs.c) on a temporary folder, driven as
 * the Linux client drives it: messages written byte by byte from the
 * protocol's layouts, replies read at the layouts' offsets. The host's
 * side is checked with plain syscalls on the folder.
 *
 * The folder: BASE/outside/secret (the host's files that no request may
 * touch) and BASE/share, the share.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "unit.h"
#include "../../devices/p9-fs.h"

Suite *p9_fs_suite(void);

#define MSIZE 8192
#define ROOT 0 /* the attached fid */

/* Message types, from the protocol (not from p9-proto.h). */
enum {
	RLERROR = 7,
	TSTATFS = 8,
	TLOPEN = 12,
	TLCREATE = 14,
	TSYMLINK = 16,
	TMKNOD = 18,
	TRENAME = 20,
	TREADLINK = 22,
	TGETATTR = 24,
	TSETATTR = 26,
	TXATTRWALK = 30,
	TXATTRCREATE = 32,
	TREADDIR = 40,
	TFSYNC = 50,
	TLOCK = 52,
	TGETLOCK = 54,
	TLINK = 70,
	TMKDIR = 72,
	TRENAMEAT = 74,
	TUNLINKAT = 76,
	TVERSION = 100,
	TATTACH = 104,
	TFLUSH = 108,
	TWALK = 110,
	TREAD = 116,
	TWRITE = 118,
	TCLUNK = 120,
	TREMOVE = 122,
};

static char base[64], share[96], outside[96], secret[128];
static struct p9_server *srv;
static int fds_before; /* the open fds before the server: none leak */
static uint8_t req[MSIZE + 64], rep[MSIZE];
static size_t req_len;
static int rep_len;

static void le(uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		req[req_len++] = (uint8_t)(v >> (8 * i));
}

static void str(const char *s)
{
	size_t len = strlen(s);

	le(len, 2);
	memcpy(req + req_len, s, len);
	req_len += len;
}

static void start(uint8_t type)
{
	req_len = 0;
	le(0, 4);
	le(type, 1);
	le(0x1234, 2);
}

static uint64_t rd(int off, unsigned int bytes)
{
	uint64_t v = 0;

	ck_assert_int_ge(rep_len, off + (int)bytes);
	while (bytes--)
		v = v << 8 | rep[off + bytes];
	return v;
}

/*
 * Sends the message; returns 0 when the reply is the R-message of its
 * type, or the Rlerror's errno negated. Checks the reply's frame.
 */
static int send_msg(void)
{
	uint8_t type = req[4];

	for (unsigned int i = 0; i < 4; i++)
		req[i] = (uint8_t)(req_len >> (8 * i));
	rep_len = p9_handle(srv, req, req_len, rep, sizeof(rep));
	ck_assert_int_ge(rep_len, 7);
	ck_assert_uint_eq(rd(0, 4), (uint64_t)rep_len);
	ck_assert_uint_eq(rd(5, 2), 0x1234);
	if (rep[4] == RLERROR) {
		ck_assert_int_eq(rep_len, 11);
		return -(int)rd(7, 4);
	}
	ck_assert_uint_eq(rep[4], type + 1);
	return 0;
}

static int t_version(uint32_t msize, const char *version)
{
	start(TVERSION);
	le(msize, 4);
	str(version);
	return send_msg();
}

static int t_attach(uint32_t fid)
{
	start(TATTACH);
	le(fid, 4);
	le(0xffffffff, 4);
	str("root");
	str("");
	le(0, 4);
	return send_msg();
}

/* Twalk of n names; returns nwqid or -errno. */
static int t_walk(uint32_t fid, uint32_t newfid, int n, ...)
{
	va_list ap;
	int ret;

	start(TWALK);
	le(fid, 4);
	le(newfid, 4);
	le((uint64_t)n, 2);
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		str(va_arg(ap, const char *));
	va_end(ap);
	ret = send_msg();
	return ret ? ret : (int)rd(7, 2);
}

/* The qid of Rwalk's i-th entry: type and path. */
static uint8_t walk_qtype(int i)
{
	return (uint8_t)rd(9 + 13 * i, 1);
}

static uint64_t walk_qpath(int i)
{
	return rd(9 + 13 * i + 5, 8);
}

static int t_fid(uint8_t type, uint32_t fid)
{
	start(type);
	le(fid, 4);
	return send_msg();
}

static int t_lopen(uint32_t fid, uint32_t flags)
{
	start(TLOPEN);
	le(fid, 4);
	le(flags, 4);
	return send_msg();
}

static int t_lcreate(uint32_t fid, const char *name, uint32_t flags,
		     uint32_t mode)
{
	start(TLCREATE);
	le(fid, 4);
	str(name);
	le(flags, 4);
	le(mode, 4);
	le(0, 4);
	return send_msg();
}

static int t_write(uint32_t fid, uint64_t off, const char *data)
{
	size_t len = strlen(data);
	int ret;

	start(TWRITE);
	le(fid, 4);
	le(off, 8);
	le(len, 4);
	memcpy(req + req_len, data, len);
	req_len += len;
	ret = send_msg();
	return ret ? ret : (int)rd(7, 4);
}

/* Tread into buf (NUL-terminated); returns the count or -errno. */
static int t_read(uint32_t fid, uint64_t off, uint32_t count, char *buf)
{
	int ret;

	start(TREAD);
	le(fid, 4);
	le(off, 8);
	le(count, 4);
	ret = send_msg();
	if (ret)
		return ret;
	ret = (int)rd(7, 4);
	ck_assert_int_eq(rep_len, 11 + ret);
	memcpy(buf, rep + 11, (size_t)ret);
	buf[ret] = '\0';
	return ret;
}

static int t_dir_name(uint8_t type, uint32_t dfid, const char *name,
		      uint32_t mode)
{
	start(type);
	le(dfid, 4);
	str(name);
	le(mode, 4);
	if (type == TMKNOD) {
		le(0, 4);
		le(0, 4);
	}
	le(0, 4); /* gid */
	return send_msg();
}

static int t_symlink(uint32_t dfid, const char *name, const char *target)
{
	start(TSYMLINK);
	le(dfid, 4);
	str(name);
	str(target);
	le(0, 4);
	return send_msg();
}

static int t_link(uint32_t dfid, uint32_t fid, const char *name)
{
	start(TLINK);
	le(dfid, 4);
	le(fid, 4);
	str(name);
	return send_msg();
}

static int t_rename(uint32_t fid, uint32_t dfid, const char *name)
{
	start(TRENAME);
	le(fid, 4);
	le(dfid, 4);
	str(name);
	return send_msg();
}

static int t_renameat(uint32_t od, const char *on, uint32_t nd, const char *nn)
{
	start(TRENAMEAT);
	le(od, 4);
	str(on);
	le(nd, 4);
	str(nn);
	return send_msg();
}

static int t_unlinkat(uint32_t dfid, const char *name, uint32_t flags)
{
	start(TUNLINKAT);
	le(dfid, 4);
	str(name);
	le(flags, 4);
	return send_msg();
}

static int t_setattr(uint32_t fid, uint32_t valid, uint32_t mode, uint64_t size,
		     uint64_t mtime)
{
	start(TSETATTR);
	le(fid, 4);
	le(valid, 4);
	le(mode, 4);
	le(0, 4);
	le(0, 4);
	le(size, 8);
	le(0, 8);
	le(0, 8);
	le(mtime, 8);
	le(0, 8);
	return send_msg();
}

/* Rgetattr: valid[8] qid[13] mode[4] uid gid nlink[8] rdev size ... */
static int t_getattr(uint32_t fid)
{
	start(TGETATTR);
	le(fid, 4);
	le(0x3fff, 8);
	return send_msg();
}

#define GA_MODE 28
#define GA_NLINK 40
#define GA_SIZE 56
#define GA_MTIME 96

static int t_lock(uint8_t type, uint32_t fid, uint8_t ltype, uint64_t start_,
		  uint64_t len)
{
	start(type);
	le(fid, 4);
	le(ltype, 1);
	if (type == TLOCK)
		le(0, 4);
	le(start_, 8);
	le(len, 8);
	le(99, 4);
	str("guest");
	return send_msg();
}

static void host_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", share, name);
}

static void host_write(const char *name, const char *data)
{
	char p[256];
	int fd;

	host_path(p, sizeof(p), name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, strlen(data)), (int)strlen(data));
	close(fd);
}

static void host_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	n = read(fd, buf, size - 1);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	close(fd);
}

static void rm_tree(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static int count_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

/* A fresh share with a session and the root attached as fid ROOT. */
static void setup(void)
{
	int fd;

	strcpy(base, "/tmp/lkvm-p9-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(base));
	snprintf(share, sizeof(share), "%s/share", base);
	snprintf(outside, sizeof(outside), "%s/outside", base);
	snprintf(secret, sizeof(secret), "%s/secret", outside);
	ck_assert_int_eq(mkdir(share, 0755), 0);
	ck_assert_int_eq(mkdir(outside, 0755), 0);
	fd = open(secret, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "host secret", 11), 11);
	close(fd);
	fds_before = count_fds();
	srv = calloc(1, sizeof(*srv));
	ck_assert_ptr_nonnull(srv);
	ck_assert_int_eq(p9_server_init(srv, share, 1024), 0);
	ck_assert_int_eq(t_version(MSIZE, "9P2000.L"), 0);
	ck_assert_int_eq(t_attach(ROOT), 0);
}

/* The host's files outside the share are as setup left them. */
static void check_outside_untouched(void)
{
	char buf[64];
	struct stat st;
	char cmd[256];

	host_read(secret, buf, sizeof(buf));
	ck_assert_str_eq(buf, "host secret");
	ck_assert_int_eq(stat(secret, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_uint_eq(st.st_nlink, 1);
	ck_assert_uint_eq(st.st_size, 11);
	/* outside holds secret only; base holds share and outside only */
	snprintf(cmd, sizeof(cmd), "test \"$(ls -A '%s')\" = secret", outside);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd),
		 "test \"$(ls -A '%s' | tr '\\n' ' ')\" = 'outside share '",
		 base);
	ck_assert_int_eq(system(cmd), 0);
}

static void teardown(void)
{
	p9_server_destroy(srv);
	free(srv);
	ck_assert_int_eq(count_fds(), fds_before);
	rm_tree(base);
}

START_TEST(test_version)
{
	ck_assert_int_eq(t_version(MSIZE, "9P2000"), 0);
	ck_assert_uint_eq(rd(11, 2), 7);
	ck_assert_mem_eq(rep + 13, "unknown", 7);
	/* no session: nothing but Tversion */
	ck_assert_int_eq(t_attach(1), -EPROTO);
	ck_assert_int_eq(t_version(100, "9P2000.L"), -EINVAL);
	ck_assert_int_eq(t_version(0xffffffff, "9P2000.L"), 0);
	ck_assert_uint_eq(rd(7, 4), 512 * 1024);
	ck_assert_int_eq(t_version(MSIZE, "9P2000.L"), 0);
	ck_assert_uint_eq(rd(7, 4), MSIZE);
	/* Tversion ended the session: its fids are gone */
	ck_assert_uint_eq(p9_server_nr_fids(srv), 0);
	ck_assert_int_eq(t_walk(ROOT, 1, 0), -EBADF);
	ck_assert_int_eq(t_attach(ROOT), 0);
	ck_assert_int_eq(t_attach(ROOT), -EBADF); /* in use */
	start(TFLUSH);
	le(7, 2);
	ck_assert_int_eq(send_msg(), 0);
}
END_TEST

START_TEST(test_create_write_read)
{
	char buf[MSIZE], path[256];

	ck_assert_int_eq(t_walk(ROOT, 1, 0), 0);
	ck_assert_int_eq(t_lcreate(1, "f", 2, 0640), 0);
	ck_assert_uint_eq(rd(7, 1), 0); /* qid.type: a file */
	ck_assert_uint_eq(rd(20, 4), MSIZE - 24); /* iounit */
	ck_assert_int_eq(t_write(1, 0, "hello, "), 7);
	ck_assert_int_eq(t_write(1, 7, "world"), 5);
	ck_assert_int_eq(t_read(1, 0, 100, buf), 12);
	ck_assert_str_eq(buf, "hello, world");
	ck_assert_int_eq(t_read(1, 7, 3, buf), 3);
	ck_assert_str_eq(buf, "wor");
	ck_assert_int_eq(t_read(1, 100, 3, buf), 0);
	/* a count bigger than msize is cut to fit the reply */
	ck_assert_int_eq(t_read(1, 0, 0xffffffff, buf), 12);
	ck_assert_int_eq(t_read(1, 1ull << 63, 3, buf), -EINVAL);
	host_path(path, sizeof(path), "f");
	host_read(path, buf, sizeof(buf));
	ck_assert_str_eq(buf, "hello, world");
	/* a second create of the same name fails */
	ck_assert_int_eq(t_walk(ROOT, 2, 0), 0);
	ck_assert_int_eq(t_lcreate(2, "f", 2, 0640), -EEXIST);
	/* Tlopen of the file by walk, read-only: a write fails */
	ck_assert_int_eq(t_walk(ROOT, 3, 1, "f"), 1);
	ck_assert_int_eq(t_lopen(3, 0), 0);
	ck_assert_int_eq(t_write(3, 0, "x"), -EBADF);
	ck_assert_int_eq(t_lopen(3, 0), -EBADF); /* already open */
	/* O_TRUNC (01000) */
	ck_assert_int_eq(t_walk(ROOT, 4, 1, "f"), 1);
	ck_assert_int_eq(t_lopen(4, 01001), 0);
	ck_assert_int_eq(t_read(3, 0, 100, buf), 0);
	/* reads and writes on a fid not opened */
	ck_assert_int_eq(t_read(2, 0, 1, buf), -EBADF);
	ck_assert_int_eq(t_fid(TFSYNC, 2), -EBADF);
	ck_assert_int_eq(t_fid(TFSYNC, 1), 0);
	ck_assert_int_eq(t_fid(TCLUNK, 1), 0);
	ck_assert_int_eq(t_fid(TCLUNK, 1), -EBADF);
	check_outside_untouched();
}
END_TEST

START_TEST(test_dirs_rename_unlink)
{
	char path[256], buf[64];
	struct stat st;

	host_write("a", "A");
	ck_assert_int_eq(t_dir_name(TMKDIR, ROOT, "d", 0750), 0);
	ck_assert_uint_eq(rd(7, 1), 0x80);
	host_path(path, sizeof(path), "d");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 0777, 0750 & ~umask(022));
	umask(022);
	ck_assert_int_eq(t_dir_name(TMKDIR, ROOT, "d", 0750), -EEXIST);
	/* Trenameat a -> d/b */
	ck_assert_int_eq(t_walk(ROOT, 1, 1, "d"), 1);
	ck_assert_int_eq(t_renameat(ROOT, "a", 1, "b"), 0);
	host_path(path, sizeof(path), "d/b");
	host_read(path, buf, sizeof(buf));
	ck_assert_str_eq(buf, "A");
	/* Trename the fid of d/b to c at the root: the fid follows */
	ck_assert_int_eq(t_walk(1, 2, 1, "b"), 1);
	ck_assert_int_eq(t_rename(2, ROOT, "c"), 0);
	host_path(path, sizeof(path), "c");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(t_lopen(2, 0), 0);
	ck_assert_int_eq(t_read(2, 0, 10, buf), 1);
	ck_assert_str_eq(buf, "A");
	/* Tremove of c clunks fid 2 */
	ck_assert_int_eq(t_fid(TREMOVE, 2), 0);
	ck_assert_int_eq(stat(path, &st), -1);
	ck_assert_int_eq(t_fid(TCLUNK, 2), -EBADF);
	/* Tunlinkat of a folder needs AT_REMOVEDIR */
	ck_assert_int_eq(t_unlinkat(ROOT, "d", 0), -EISDIR);
	ck_assert_int_eq(t_unlinkat(ROOT, "d", 0x200), 0);
	ck_assert_int_eq(t_unlinkat(ROOT, "d", 0x200), -ENOENT);
	ck_assert_int_eq(t_unlinkat(ROOT, "x", 0x1), -EINVAL);
	/* the root can be neither removed nor renamed */
	ck_assert_int_eq(t_walk(ROOT, 3, 0), 0);
	ck_assert_int_eq(t_rename(3, ROOT, "r"), -EBUSY);
	ck_assert_int_eq(t_fid(TREMOVE, 3), -EBUSY);
	/* mknod: a FIFO yes, a device no */
	ck_assert_int_eq(t_dir_name(TMKNOD, ROOT, "p", 010644), 0);
	ck_assert_int_eq(t_dir_name(TMKNOD, ROOT, "dev", 020644), -EPERM);
	/* a FIFO is never opened by the server (it would block) */
	ck_assert_int_eq(t_walk(ROOT, 4, 1, "p"), 1);
	ck_assert_int_eq(t_lopen(4, 0), -EOPNOTSUPP);
	check_outside_untouched();
}
END_TEST

START_TEST(test_symlink_link)
{
	char path[256];
	struct stat st;

	host_write("f", "data");
	ck_assert_int_eq(t_symlink(ROOT, "s", "f"), 0);
	ck_assert_uint_eq(rd(7, 1), 0x02);
	ck_assert_int_eq(t_walk(ROOT, 1, 1, "s"), 1);
	ck_assert_uint_eq(walk_qtype(0), 0x02);
	ck_assert_int_eq(t_fid(TREADLINK, 1), 0);
	ck_assert_uint_eq(rd(7, 2), 1);
	ck_assert_uint_eq(rep[9], 'f');
	/* a hard link of f */
	ck_assert_int_eq(t_walk(ROOT, 2, 1, "f"), 1);
	ck_assert_int_eq(t_link(ROOT, 2, "h"), 0);
	host_path(path, sizeof(path), "f");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_nlink, 2);
	ck_assert_int_eq(t_getattr(2), 0);
	ck_assert_uint_eq(rd(GA_NLINK, 8), 2);
	ck_assert_int_eq(t_link(ROOT, 2, "h"), -EEXIST);
	ck_assert_int_eq(t_fid(TREADLINK, 2), -EINVAL); /* not a link */
}
END_TEST

/* Treaddir with a small count, again and again from the last offset. */
START_TEST(test_readdir)
{
	char name[16], seen[64] = { 0 };
	uint64_t off = 0;
	int dots = 0, calls = 0;

	for (int i = 0; i < 60; i++) {
		snprintf(name, sizeof(name), "file%02d", i);
		host_write(name, "x");
	}
	ck_assert_int_eq(t_walk(ROOT, 1, 0), 0);
	ck_assert_int_eq(t_lopen(1, 0), 0);
	ck_assert_uint_eq(rd(7, 1), 0x80);
	for (;;) {
		uint32_t count;
		int pos;

		start(TREADDIR);
		le(1, 4);
		le(off, 8);
		le(200, 4);
		ck_assert_int_eq(send_msg(), 0);
		count = (uint32_t)rd(7, 4);
		ck_assert_uint_le(count, 200);
		ck_assert_int_eq(rep_len, 11 + (int)count);
		if (!count)
			break;
		calls++;
		/* qid[13] offset[8] type[1] name[s] */
		for (pos = 11; pos < rep_len;) {
			size_t len = rd(pos + 22, 2);
			char n[256];

			memcpy(n, rep + pos + 24, len);
			n[len] = '\0';
			off = rd(pos + 13, 8);
			if (!strcmp(n, ".") || !strcmp(n, "..")) {
				dots++;
			} else {
				int i = atoi(n + 4);

				ck_assert_int_eq(strncmp(n, "file", 4), 0);
				ck_assert_int_eq(seen[i], 0);
				seen[i] = 1;
				ck_assert_uint_eq(rep[pos + 21],
						  8); /* DT_REG */
			}
			pos += 24 + (int)len;
		}
		ck_assert_int_eq(pos, rep_len);
	}
	ck_assert_int_eq(dots, 2);
	ck_assert_int_gt(calls, 5);
	for (int i = 0; i < 60; i++)
		ck_assert_int_eq(seen[i], 1);
	/* a fid not opened */
	ck_assert_int_eq(t_walk(ROOT, 2, 0), 0);
	start(TREADDIR);
	le(2, 4);
	le(0, 8);
	le(200, 4);
	ck_assert_int_eq(send_msg(), -EBADF);
}
END_TEST

START_TEST(test_getattr_setattr)
{
	char path[256];
	struct stat st;

	host_write("f", "0123456789");
	ck_assert_int_eq(t_walk(ROOT, 1, 1, "f"), 1);
	ck_assert_int_eq(t_getattr(1), 0);
	ck_assert_uint_eq(rd(7, 8), 0x7ff);
	ck_assert_uint_eq(rd(GA_MODE, 4), 0100644);
	ck_assert_uint_eq(rd(GA_SIZE, 8), 10);
	/* mode 0600, size 4, mtime 1000000 (MTIME | MTIME_SET) */
	ck_assert_int_eq(
		t_setattr(1, 0x1 | 0x8 | 0x20 | 0x100, 0600, 4, 1000000), 0);
	host_path(path, sizeof(path), "f");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode, 0100600);
	ck_assert_int_eq(st.st_size, 4);
	ck_assert_int_eq(st.st_mtim.tv_sec, 1000000);
	ck_assert_int_eq(t_getattr(1), 0);
	ck_assert_uint_eq(rd(GA_MTIME, 8), 1000000);
	/* a size on a folder */
	ck_assert_int_eq(t_setattr(ROOT, 0x8, 0, 0, 0), -EISDIR);
	/* statfs */
	ck_assert_int_eq(t_fid(TSTATFS, 1), 0);
	ck_assert_uint_eq(rd(63, 4), 255); /* namelen */
	ck_assert_int_eq(t_fid(TSTATFS, 77), -EBADF);
}
END_TEST

/* Setuid and setgid never reach the host (p9-fs.h: P9_FS_MODE_BITS). */
START_TEST(test_no_setid_bits)
{
	char path[256];
	struct stat st;

	ck_assert_int_eq(t_walk(ROOT, 1, 0), 0);
	ck_assert_int_eq(t_lcreate(1, "suid", 2, 06755), 0);
	host_path(path, sizeof(path), "suid");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0755 & ~umask(022));
	umask(022);
	/* a folder and a FIFO: the same */
	ck_assert_int_eq(t_dir_name(TMKDIR, ROOT, "sgid", 02775), 0);
	host_path(path, sizeof(path), "sgid");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07000, 0);
	ck_assert_int_eq(t_dir_name(TMKNOD, ROOT, "fifo", 010000 | 06666), 0);
	host_path(path, sizeof(path), "fifo");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07000, 0);
	host_path(path, sizeof(path), "suid");
	/* chmod: the permission and sticky bits pass, the set-id bits not */
	ck_assert_int_eq(t_setattr(1, 0x1, 07777, 0, 0), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 01777);
	ck_assert_int_eq(t_setattr(1, 0x1, 04711, 0, 0), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0711);
	check_outside_untouched();
}
END_TEST

START_TEST(test_locks)
{
	host_write("f", "x");
	ck_assert_int_eq(t_walk(ROOT, 1, 1, "f"), 1);
	ck_assert_int_eq(t_lopen(1, 2), 0);
	ck_assert_int_eq(t_walk(ROOT, 2, 1, "f"), 1);
	ck_assert_int_eq(t_lopen(2, 2), 0);
	/* a write lock on 0..99 through fid 1 */
	ck_assert_int_eq(t_lock(TLOCK, 1, 1, 0, 100), 0);
	ck_assert_uint_eq(rd(7, 1), 0); /* SUCCESS */
	/* fid 2 (another open) conflicts: BLOCKED, and getlock sees it */
	ck_assert_int_eq(t_lock(TLOCK, 2, 0, 50, 10), 0);
	ck_assert_uint_eq(rd(7, 1), 1);
	ck_assert_int_eq(t_lock(TGETLOCK, 2, 0, 50, 10), 0);
	ck_assert_uint_eq(rd(7, 1), 1); /* WRLCK */
	ck_assert_uint_eq(rd(8, 8), 0);
	ck_assert_uint_eq(rd(16, 8), 100);
	/* past the lock: free */
	ck_assert_int_eq(t_lock(TLOCK, 2, 0, 100, 0), 0);
	ck_assert_uint_eq(rd(7, 1), 0);
	/* unlock, then fid 2 may lock */
	ck_assert_int_eq(t_lock(TLOCK, 1, 2, 0, 100), 0);
	ck_assert_uint_eq(rd(7, 1), 0);
	ck_assert_int_eq(t_lock(TLOCK, 2, 1, 0, 100), 0);
	ck_assert_uint_eq(rd(7, 1), 0);
	ck_assert_int_eq(t_lock(TGETLOCK, 1, 0, 0, 0), 0);
	ck_assert_uint_eq(rd(7, 1), 1);
	/* clunking fid 2 releases its lock */
	ck_assert_int_eq(t_fid(TCLUNK, 2), 0);
	ck_assert_int_eq(t_lock(TGETLOCK, 1, 1, 0, 0), 0);
	ck_assert_uint_eq(rd(7, 1), 2); /* UNLCK: nobody holds one */
	/* a range off_t cannot hold */
	ck_assert_int_eq(t_lock(TLOCK, 1, 1, 1ull << 63, 1), -EINVAL);
	ck_assert_int_eq(t_lock(TLOCK, 3, 1, 0, 1), -EBADF);
}
END_TEST

START_TEST(test_fids)
{
	ck_assert_uint_eq(p9_server_nr_fids(srv), 1);
	ck_assert_int_eq(t_walk(ROOT, 1, 0), 0);
	ck_assert_int_eq(t_walk(ROOT, 1, 0), -EBADF); /* newfid in use */
	ck_assert_int_eq(t_walk(5, 6, 0), -EBADF); /* no fid 5 */
	ck_assert_int_eq(t_walk(ROOT, 1024, 0), -EBADF); /* past max_fids */
	ck_assert_int_eq(t_walk(ROOT, 0xffffffff, 0), -EBADF);
	ck_assert_int_eq(t_getattr(0x80000000), -EBADF);
	ck_assert_int_eq(t_walk(ROOT, 1023, 0), 0);
	ck_assert_uint_eq(p9_server_nr_fids(srv), 3);
	/* a walk that fails at its first name creates no fid */
	ck_assert_int_eq(t_walk(ROOT, 7, 1, "nothing"), -ENOENT);
	/* one that fails later answers the names it walked, no fid */
	ck_assert_int_eq(t_dir_name(TMKDIR, ROOT, "d", 0755), 0);
	ck_assert_int_eq(t_walk(ROOT, 7, 2, "d", "nothing"), 1);
	ck_assert_uint_eq(p9_server_nr_fids(srv), 3);
	ck_assert_int_eq(t_fid(TCLUNK, 7), -EBADF);
	/* a walk onto itself */
	ck_assert_int_eq(t_walk(1, 1, 1, "d"), 1);
	ck_assert_int_eq(t_walk(1, 1, 1, ".."), 1);
	ck_assert_int_eq(t_fid(TCLUNK, 1), 0);
	ck_assert_int_eq(t_fid(TCLUNK, 1023), 0);
	ck_assert_uint_eq(p9_server_nr_fids(srv), 1);
	/* an unknown type, a short message */
	start(112);
	le(0, 4);
	ck_assert_int_eq(send_msg(), -EOPNOTSUPP);
	rep_len = p9_handle(srv, req, 3, rep, sizeof(rep));
	ck_assert_int_eq(rep_len, 11);
	ck_assert_uint_eq(rep[4], RLERROR);
	ck_assert_uint_eq(rd(5, 2), 0xffff);
	ck_assert_uint_eq(rd(7, 4), EPROTO);
	/* no room even for an Rlerror */
	ck_assert_int_eq(p9_handle(srv, req, req_len, rep, 10), -EMSGSIZE);
}
END_TEST

static int t_xattrwalk(uint32_t fid, uint32_t newfid, const char *name)
{
	int ret;

	start(TXATTRWALK);
	le(fid, 4);
	le(newfid, 4);
	str(name);
	ret = send_msg();
	return ret ? ret : (int)rd(7, 8);
}

static int t_xattrcreate(uint32_t fid, const char *name, uint64_t size,
			 uint32_t flags)
{
	start(TXATTRCREATE);
	le(fid, 4);
	str(name);
	le(size, 8);
	le(flags, 4);
	return send_msg();
}

/* A reply buffer smaller than msize: reads are cut, nothing overflows. */
START_TEST(test_small_reply_buffer)
{
	char buf[128];
	uint8_t *small;
	int n;

	ck_assert_int_eq(t_walk(ROOT, 1, 0), 0);
	ck_assert_int_eq(t_lcreate(1, "f", 2, 0644), 0);
	memset(buf, 'z', 100);
	buf[100] = '\0';
	ck_assert_int_eq(t_write(1, 0, buf), 100);
	start(TREAD);
	le(1, 4);
	le(0, 8);
	le(100, 4);
	for (unsigned int i = 0; i < 4; i++)
		req[i] = (uint8_t)(req_len >> (8 * i));
	/* exactly 20 bytes, so that ASan sees a write past them */
	small = malloc(20);
	ck_assert_ptr_nonnull(small);
	n = p9_handle(srv, req, req_len, small, 20);
	ck_assert_int_eq(n, 20);
	ck_assert_uint_eq(small[4], 117); /* Rread */
	ck_assert_uint_eq(small[7], 9); /* count: what fits */
	ck_assert_mem_eq(small + 11, "zzzzzzzzz", 9);
	/* Rgetattr (160 bytes) cannot fit: Rlerror EMSGSIZE */
	start(TGETATTR);
	le(1, 4);
	le(0x7ff, 8);
	for (unsigned int i = 0; i < 4; i++)
		req[i] = (uint8_t)(req_len >> (8 * i));
	n = p9_handle(srv, req, req_len, small, 20);
	ck_assert_int_eq(n, 11);
	ck_assert_uint_eq(small[4], RLERROR);
	ck_assert_uint_eq(small[7], EMSGSIZE);
	free(small);
}
END_TEST

/* user.* xattrs through xattr fids; other namespaces refused. */
START_TEST(test_xattr)
{
	char path[256], buf[64];

	host_write("f", "x");
	host_path(path, sizeof(path), "f");
	/* set: Txattrcreate, Twrite of the value, Tclunk */
	ck_assert_int_eq(t_walk(ROOT, 1, 1, "f"), 1);
	ck_assert_int_eq(t_xattrcreate(1, "user.color", 4, 0), 0);
	ck_assert_int_eq(t_write(1, 0, "bl"), 2);
	ck_assert_int_eq(t_write(1, 2, "ue"), 2);
	ck_assert_int_eq(t_fid(TCLUNK, 1), 0);
	ck_assert_int_eq(getxattr(path, "user.color", buf, sizeof(buf)), 4);
	ck_assert_mem_eq(buf, "blue", 4);
	/* get: Txattrwalk gives the size, Tread the value */
	ck_assert_int_eq(t_walk(ROOT, 2, 1, "f"), 1);
	ck_assert_int_eq(t_xattrwalk(2, 3, "user.color"), 4);
	ck_assert_int_eq(t_read(3, 0, 100, buf), 4);
	ck_assert_str_eq(buf, "blue");
	ck_assert_int_eq(t_read(3, 2, 100, buf), 2);
	ck_assert_int_eq(t_read(3, 9, 100, buf), 0);
	ck_assert_int_eq(t_write(3, 0, "x"), -EBADF);
	ck_assert_int_eq(t_fid(TCLUNK, 3), 0);
	/* the list: user.* names only, NUL-terminated */
	ck_assert_int_eq(t_xattrwalk(2, 3, ""), 11);
	ck_assert_int_eq(t_read(3, 0, 100, buf), 11);
	ck_assert_mem_eq(buf, "user.color\0", 11);
	ck_assert_int_eq(t_xattrwalk(2, 4, "user.none"), -ENODATA);
	ck_assert_int_eq(t_xattrwalk(2, 2, "user.color"), -EBADF);
	/* other namespaces: refused, nothing set */
	ck_assert_int_eq(t_xattrwalk(2, 4, "trusted.x"), -EOPNOTSUPP);
	ck_assert_int_eq(t_xattrcreate(2, "security.capability", 4, 0),
			 -EOPNOTSUPP);
	ck_assert_int_eq(t_xattrcreate(2, "trusted.x", 1, 0), -EOPNOTSUPP);
	ck_assert_int_eq(t_xattrcreate(2, "user.", 1, 0), -EOPNOTSUPP);
	ck_assert_int_eq(t_xattrcreate(2, "user.x", 1, 4), -EINVAL);
	/* more than announced; announced but not written whole */
	ck_assert_int_eq(t_walk(ROOT, 5, 1, "f"), 1);
	ck_assert_int_eq(t_xattrcreate(5, "user.a", 2, 0), 0);
	ck_assert_int_eq(t_write(5, 0, "abc"), -ENOSPC);
	ck_assert_int_eq(t_write(5, 0xffffffffffff, "a"), -ENOSPC);
	ck_assert_int_eq(t_write(5, 0, "a"), 1);
	ck_assert_int_eq(t_fid(TCLUNK, 5), -EINVAL);
	ck_assert_int_eq(getxattr(path, "user.a", buf, sizeof(buf)), -1);
	ck_assert_int_eq(t_fid(TCLUNK, 5), -EBADF); /* clunked anyway */
	/* XATTR_CREATE (1) of an existing one */
	ck_assert_int_eq(t_walk(ROOT, 5, 1, "f"), 1);
	ck_assert_int_eq(t_xattrcreate(5, "user.color", 1, 1), 0);
	ck_assert_int_eq(t_write(5, 0, "r"), 1);
	ck_assert_int_eq(t_fid(TCLUNK, 5), -EEXIST);
	/* an empty value removes it */
	ck_assert_int_eq(t_walk(ROOT, 5, 1, "f"), 1);
	ck_assert_int_eq(t_xattrcreate(5, "user.color", 0, 0), 0);
	ck_assert_int_eq(t_fid(TCLUNK, 5), 0);
	ck_assert_int_eq(getxattr(path, "user.color", buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, ENODATA);
	/* a symlink's xattrs (to outside) are never reached */
	host_path(path, sizeof(path), "abs");
	ck_assert_int_eq(symlink(secret, path), 0);
	ck_assert_int_eq(t_walk(ROOT, 6, 1, "abs"), 1);
	ck_assert_int_eq(t_xattrwalk(6, 7, ""), -EOPNOTSUPP);
	ck_assert_int_eq(t_xattrcreate(6, "user.x", 1, 0), 0);
	ck_assert_int_eq(t_write(6, 0, "x"), 1);
	ck_assert_int_eq(t_fid(TCLUNK, 6), -EOPNOTSUPP);
	ck_assert_int_eq(getxattr(secret, "user.x", buf, sizeof(buf)), -1);
	check_outside_untouched();
}
END_TEST

/* ".." at the root stays there; "../.." too; down and up again. */
START_TEST(test_escape_dotdot)
{
	uint64_t root;

	ck_assert_int_eq(t_walk(ROOT, 1, 0), 0);
	ck_assert_int_eq(t_getattr(ROOT), 0);
	root = rd(15 + 5, 8);
	ck_assert_int_eq(t_walk(ROOT, 1, 0), -EBADF);
	ck_assert_int_eq(t_walk(ROOT, 2, 1, ".."), 1);
	ck_assert_uint_eq(walk_qpath(0), root);
	ck_assert_int_eq(t_walk(ROOT, 3, 2, "..", ".."), 2);
	ck_assert_uint_eq(walk_qpath(1), root);
	ck_assert_int_eq(t_dir_name(TMKDIR, ROOT, "d", 0755), 0);
	ck_assert_int_eq(t_walk(ROOT, 4, 4, "d", "..", "..", ".."), 4);
	ck_assert_uint_eq(walk_qpath(3), root);
	/* past the root, then down to "outside": it is not there */
	ck_assert_int_eq(t_walk(ROOT, 5, 3, "..", "..", "outside"), 2);
	ck_assert_int_eq(t_walk(ROOT, 5, 16, "..", "..", "..", "..", "..", "..",
				"..", "..", "..", "..", "..", "..", "..", "..",
				"..", ".."),
			 16);
	ck_assert_uint_eq(walk_qpath(15), root);
	/* 17 names: refused */
	ck_assert_int_eq(t_walk(ROOT, 6, 17, "..", "..", "..", "..", "..", "..",
				"..", "..", "..", "..", "..", "..", "..", "..",
				"..", "..", ".."),
			 -EINVAL);
	/* the fid walked past the root is the root: a file made there */
	ck_assert_int_eq(t_lcreate(5, "made", 2, 0644), 0);
	check_outside_untouched();
	ck_assert_int_eq(t_walk(ROOT, 7, 1, "made"), 1);
	/* deep: d/e/f, up twice to d, its Tlopen works (name found) */
	ck_assert_int_eq(t_walk(ROOT, 8, 1, "d"), 1);
	ck_assert_int_eq(t_dir_name(TMKDIR, 8, "e", 0755), 0);
	ck_assert_int_eq(t_walk(8, 9, 1, "e"), 1);
	ck_assert_int_eq(t_dir_name(TMKDIR, 9, "f", 0755), 0);
	ck_assert_int_eq(t_walk(9, 10, 3, "f", "..", ".."), 3);
	ck_assert_int_eq(t_lopen(10, 0), 0);
	ck_assert_int_eq(t_rename(10, ROOT, "d2"), 0);
}
END_TEST

/* Symlinks that point out: absolute (to /etc, to outside), relative. */
START_TEST(test_escape_symlinks)
{
	char path[256], buf[64];
	struct stat st;

	host_path(path, sizeof(path), "etc");
	ck_assert_int_eq(symlink("/etc", path), 0);
	host_path(path, sizeof(path), "abs");
	ck_assert_int_eq(symlink(outside, path), 0);
	host_path(path, sizeof(path), "absfile");
	ck_assert_int_eq(symlink(secret, path), 0);

	/* the walk gives the link, never what it points at */
	ck_assert_int_eq(t_walk(ROOT, 1, 1, "etc"), 1);
	ck_assert_uint_eq(walk_qtype(0), 0x02);
	ck_assert_int_eq(t_walk(ROOT, 2, 2, "etc", "passwd"), 1);
	ck_assert_int_eq(t_fid(TCLUNK, 2), -EBADF);
	ck_assert_int_eq(t_walk(1, 2, 1, "passwd"), -ENOTDIR);
	ck_assert_int_eq(t_walk(ROOT, 2, 2, "abs", "secret"), 1);
	ck_assert_int_eq(t_lopen(1, 0), -ELOOP);
	ck_assert_int_eq(t_lcreate(1, "x", 2, 0644), -ENOTDIR);
	ck_assert_int_eq(t_dir_name(TMKDIR, 1, "x", 0755), -ENOTDIR);
	ck_assert_int_eq(t_walk(ROOT, 3, 1, "abs"), 1);
	ck_assert_int_eq(t_lcreate(3, "planted", 2, 0644), -ENOTDIR);
	ck_assert_int_eq(t_symlink(3, "planted", "x"), -ENOTDIR);
	ck_assert_int_eq(t_renameat(ROOT, "absfile", 3, "moved"), -ENOTDIR);
	ck_assert_int_eq(t_unlinkat(3, "secret", 0), -ENOTDIR);
	/* the link to a file: not opened, not truncated, not chmodded */
	ck_assert_int_eq(t_walk(ROOT, 4, 1, "absfile"), 1);
	ck_assert_int_eq(t_lopen(4, 2), -ELOOP);
	ck_assert_int_eq(t_lopen(4, 01001), -ELOOP);
	ck_assert_int_eq(t_setattr(4, 0x8, 0, 0, 0), -ELOOP);
	ck_assert_int_ne(t_setattr(4, 0x1, 0666, 0, 0), 0);
	/* its getattr is the link's own */
	ck_assert_int_eq(t_getattr(4), 0);
	ck_assert_uint_eq(rd(GA_MODE, 4) & 0170000, 0120000);

	/* a link the guest makes, relative, pointing out */
	ck_assert_int_eq(t_symlink(ROOT, "esc", "../outside/secret"), 0);
	ck_assert_int_eq(t_symlink(ROOT, "escd", "../../outside"), 0);
	ck_assert_int_eq(t_walk(ROOT, 5, 1, "esc"), 1);
	ck_assert_uint_eq(walk_qtype(0), 0x02);
	ck_assert_int_eq(t_lopen(5, 0), -ELOOP);
	ck_assert_int_eq(t_lopen(5, 2), -ELOOP);
	ck_assert_int_eq(t_read(5, 0, 10, buf), -EBADF);
	ck_assert_int_eq(t_walk(ROOT, 6, 2, "escd", "secret"), 1);
	ck_assert_int_eq(t_walk(ROOT, 6, 1, "escd"), 1);
	ck_assert_int_eq(t_lcreate(6, "planted", 2, 0644), -ENOTDIR);
	ck_assert_int_eq(t_setattr(5, 0x8, 0, 0, 0), -ELOOP);
	/* the links are still there, as text the guest reads */
	ck_assert_int_eq(t_fid(TREADLINK, 5), 0);
	ck_assert_uint_eq(rd(7, 2), strlen("../outside/secret"));
	host_path(path, sizeof(path), "esc");
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	check_outside_untouched();
}
END_TEST

/* Tlink of a link to outside links the link; Trename to 'a/b' is refused. */
START_TEST(test_escape_link_rename)
{
	char path[256];
	struct stat st;

	host_path(path, sizeof(path), "absfile");
	ck_assert_int_eq(symlink(secret, path), 0);
	ck_assert_int_eq(t_walk(ROOT, 1, 1, "absfile"), 1);
	ck_assert_int_eq(t_link(ROOT, 1, "hard"), 0);
	host_path(path, sizeof(path), "hard");
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	/* the guest-made relative link: the same */
	ck_assert_int_eq(t_symlink(ROOT, "esc", "../outside/secret"), 0);
	ck_assert_int_eq(t_walk(ROOT, 2, 1, "esc"), 1);
	ck_assert_int_eq(t_link(ROOT, 2, "hard2"), 0);
	host_path(path, sizeof(path), "hard2");
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	/* link of the root: refused */
	ck_assert_int_eq(t_link(ROOT, ROOT, "rootlink"), -EPERM);
	/* names with '/' or '..' never reach the host */
	host_write("f", "data");
	ck_assert_int_eq(t_walk(ROOT, 3, 1, "f"), 1);
	ck_assert_int_eq(t_rename(3, ROOT, "../outside/f"), -EINVAL);
	ck_assert_int_eq(t_rename(3, ROOT, "a/b"), -EINVAL);
	ck_assert_int_eq(t_rename(3, ROOT, ".."), -EINVAL);
	ck_assert_int_eq(t_renameat(ROOT, "f", ROOT, "../f"), -EINVAL);
	ck_assert_int_eq(t_renameat(ROOT, "../outside/secret", ROOT, "g"),
			 -EINVAL);
	ck_assert_int_eq(t_unlinkat(ROOT, "../outside/secret", 0), -EINVAL);
	ck_assert_int_eq(t_link(ROOT, 3, "../f2"), -EINVAL);
	ck_assert_int_eq(t_symlink(ROOT, "../s", "x"), -EINVAL);
	ck_assert_int_eq(t_lcreate(ROOT, "../c", 2, 0644), -EINVAL);
	ck_assert_int_eq(t_walk(ROOT, 4, 1, "../outside"), -EINVAL);
	ck_assert_int_eq(t_walk(ROOT, 4, 1, "/etc"), -EINVAL);
	/* a symlink as the new name of a rename is replaced, not followed */
	ck_assert_int_eq(t_renameat(ROOT, "f", ROOT, "absfile"), 0);
	host_path(path, sizeof(path), "absfile");
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	check_outside_untouched();
}
END_TEST

/*
 * The host (or a guest through another fid) swaps a walked file for a
 * symlink to outside: reopening, removing and renaming the fid fail.
 */
START_TEST(test_escape_swap)
{
	char path[256];

	host_write("f", "data");
	ck_assert_int_eq(t_walk(ROOT, 1, 1, "f"), 1);
	host_path(path, sizeof(path), "f");
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(symlink(secret, path), 0);
	ck_assert_int_eq(t_lopen(1, 2), -ELOOP);
	ck_assert_int_eq(t_setattr(1, 0x8, 0, 0, 0), -ELOOP);
	ck_assert_int_eq(t_link(ROOT, 1, "l"), -ESTALE);
	ck_assert_int_eq(t_rename(1, ROOT, "g"), -ESTALE);
	ck_assert_int_eq(t_fid(TREMOVE, 1), -ESTALE);
	/* swapped for another file of the share: ESTALE too */
	host_write("a", "a");
	host_write("b", "b");
	ck_assert_int_eq(t_walk(ROOT, 2, 1, "a"), 1);
	ck_assert_int_eq(t_renameat(ROOT, "b", ROOT, "a"), 0);
	ck_assert_int_eq(t_lopen(2, 0), -ESTALE);
	check_outside_untouched();
}
END_TEST

Suite *p9_fs_suite(void)
{
	Suite *s = suite_create("p9-fs");
	TCase *tc = tcase_create("ops");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_create_write_read);
	tcase_add_test(tc, test_dirs_rename_unlink);
	tcase_add_test(tc, test_symlink_link);
	tcase_add_test(tc, test_readdir);
	tcase_add_test(tc, test_getattr_setattr);
	tcase_add_test(tc, test_no_setid_bits);
	tcase_add_test(tc, test_locks);
	tcase_add_test(tc, test_fids);
	tcase_add_test(tc, test_xattr);
	tcase_add_test(tc, test_small_reply_buffer);
	suite_add_tcase(s, tc);

	tc = tcase_create("escape");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_escape_dotdot);
	tcase_add_test(tc, test_escape_symlinks);
	tcase_add_test(tc, test_escape_link_rename);
	tcase_add_test(tc, test_escape_swap);
	suite_add_tcase(s, tc);
	return s;
}
