// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for devices/p9-proto.c and devices/p9-fs.c: a stream
 * of 9P2000.L messages from a hostile guest, served by p9_handle on a
 * real folder.
 *
 * The file system side, not the protocol layer alone: the escapes are
 * what matters, and they only show on a folder. Each input gets a fresh
 * share (the same few files, made again), so an input's outcome does not
 * depend on the inputs before it; inode numbers, times and directory
 * offsets in the replies differ from run to run, so coverage may vary a
 * little, but a crash replays.
 *
 * The folder, under $TMPDIR (or /tmp): BASE/share, the share, with a
 * file, a folder, an absolute symlink to BASE/outside and one to its file,
 * and a relative symlink "../outside/secret"; BASE/outside/secret, which
 * no input may change, nor add anything beside.
 *
 * Input layout:
 *   0   u8   bit 0: begin with Tversion (msize 8192) and Tattach of fid 0,
 *            so that short inputs reach the operations
 *   then records, until the input ends:
 *   u8   bit 0: write the record's length into the size field (else the
 *        bytes are sent as they are); bits 1-2: the reply buffer, 8192,
 *        64 KiB, 11 + (len % 256), or 0..15 bytes (by bits 4-7)
 *   u16  the message's length, & 0x1fff
 *   ...  the message (zeros past the input's end)
 *
 * Each message and each reply buffer is a heap allocation of exactly its
 * size. Checks: the reply lies within the buffer and within msize, its
 * size field is its length, it carries the request's tag, it is Rlerror
 * (exactly 11 bytes) or the request's R-type; nothing outside the share
 * changes; no descriptor leaks once the server is destroyed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "../../devices/p9-fs.h"

#define SECRET "host secret"
#define MAX_MSG 0x1fff

static char base[4096], share[4200], outside[4200], secret[4300];
static struct p9_server *srv;
static int fds_at_start = -1;

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	/*
	 * The guest may have left a folder without permissions: make it
	 * removable first. Folders only: chmod follows a symlink, and the
	 * share's links point outside.
	 */
	if (flag == FTW_DP)
		chmod(path, 0700);
	return remove(path);
}

static void remove_tree(const char *path)
{
	nftw(path, remove_entry, 64, FTW_DEPTH | FTW_PHYS);
}

static void remove_base(void)
{
	remove_tree(base);
}

static void must(bool ok, const char *what)
{
	if (!ok) {
		perror(what);
		abort();
	}
}

static void make_file(const char *path, const char *data, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	must(fd >= 0, path);
	must(write(fd, data, strlen(data)) == (ssize_t)strlen(data), path);
	close(fd);
}

static void make_share(void)
{
	char p[4400];

	remove_tree(share);
	must(!mkdir(share, 0755), share);
	snprintf(p, sizeof(p), "%s/file", share);
	make_file(p, "some data", 0644);
	snprintf(p, sizeof(p), "%s/dir", share);
	must(!mkdir(p, 0755), p);
	snprintf(p, sizeof(p), "%s/dir/inner", share);
	make_file(p, "inner", 0644);
	snprintf(p, sizeof(p), "%s/abs", share);
	must(!symlink(outside, p), p);
	snprintf(p, sizeof(p), "%s/absfile", share);
	must(!symlink(secret, p), p);
	snprintf(p, sizeof(p), "%s/rel", share);
	must(!symlink("../outside/secret", p), p);
}

static void setup_once(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(base, sizeof(base), "%s/lkvm-fuzz-p9-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	must(mkdtemp(base) != NULL, base);
	snprintf(share, sizeof(share), "%s/share", base);
	snprintf(outside, sizeof(outside), "%s/outside", base);
	snprintf(secret, sizeof(secret), "%s/secret", outside);
	must(!mkdir(outside, 0755), outside);
	make_file(secret, SECRET, 0600);
	srv = calloc(1, sizeof(*srv));
	must(srv != NULL, "calloc");
	atexit(remove_base);
}

static int count_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

/* Nothing beside the share changed: outside holds secret, intact. */
static void check_outside(void)
{
	char buf[64];
	struct stat st;
	int fd = open(secret, O_RDONLY);
	ssize_t n;

	CHECK(fd >= 0);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	CHECK(n == (ssize_t)strlen(SECRET) && !memcmp(buf, SECRET, n));
	CHECK(!stat(secret, &st));
	CHECK((st.st_mode & 07777) == 0600 && st.st_nlink == 1);
	CHECK(!stat(outside, &st));
	CHECK(st.st_nlink == 2); /* no folder made inside */
	CHECK(!stat(base, &st));
	CHECK(st.st_nlink == 4); /* share and outside, nothing more */
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	CHECK(d != NULL);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* One message out, its reply checked. */
static void serve(const uint8_t *msg, size_t len, size_t cap)
{
	uint8_t *in = malloc(len ? len : 1);
	uint8_t *out = malloc(cap ? cap : 1);
	uint32_t msize = srv->msize ? srv->msize : P9_MSIZE_MAX;
	int ret;

	CHECK(in && out);
	memcpy(in, msg, len);
	ret = p9_handle(srv, in, len, out, cap);
	if (cap < P9_HDR_LEN + 4) {
		CHECK(ret == -EMSGSIZE);
	} else {
		uint32_t size = out[0] | out[1] << 8 | out[2] << 16 |
				(uint32_t)out[3] << 24;
		uint8_t type = out[4];
		uint16_t tag = (uint16_t)(out[5] | out[6] << 8);

		CHECK(ret >= P9_HDR_LEN && (size_t)ret <= cap);
		/* msize as it was when the request came (Tversion sets it) */
		CHECK((uint32_t)ret <= msize || len < P9_HDR_LEN ||
		      in[4] == P9_TVERSION);
		CHECK(size == (uint32_t)ret);
		CHECK(tag == p9_peek_tag(in, len));
		if (type == P9_RLERROR) {
			uint32_t e = out[7] | out[8] << 8 | out[9] << 16 |
				     (uint32_t)out[10] << 24;

			CHECK(ret == 11 && e > 0 && e < 4096);
		} else {
			CHECK(len >= P9_HDR_LEN && type == in[4] + 1);
		}
	}
	free(in);
	free(out);
}

static void put_le(uint8_t *p, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void start_session(void)
{
	uint8_t m[64];
	size_t n = 0;

	put_le(m, 21, 4); /* Tversion msize[4] version[s] */
	m[4] = P9_TVERSION;
	put_le(m + 5, P9_NOTAG, 2);
	put_le(m + 7, 8192, 4);
	put_le(m + 11, 8, 2);
	memcpy(m + 13, "9P2000.L", 8);
	serve(m, 21, 8192);

	/* Tattach fid[4] afid[4] uname[s] aname[s] n_uname[4] */
	n = 7;
	put_le(m + n, 0, 4);
	put_le(m + n + 4, P9_NOFID, 4);
	put_le(m + n + 8, 0, 2);
	put_le(m + n + 10, 0, 2);
	put_le(m + n + 12, 0, 4);
	n += 16;
	put_le(m, n, 4);
	m[4] = P9_TATTACH;
	put_le(m + 5, 1, 2);
	serve(m, n, 8192);
}

static size_t reply_cap(uint8_t ctl, size_t len)
{
	switch ((ctl >> 1) & 3) {
	case 0:
		return 8192;
	case 1:
		return 65536;
	case 2:
		return 11 + len % 256;
	default:
		return ctl >> 4;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { .p = data, .n = size };
	static uint8_t msg[MAX_MSG];

	if (fds_at_start < 0) {
		setup_once();
		fds_at_start = count_fds();
	}
	make_share();
	CHECK(!p9_server_init(srv, share, 64));
	if (take(&in, 1) & 1)
		start_session();
	while (in.n) {
		uint8_t ctl = (uint8_t)take(&in, 1);
		size_t len = take(&in, 2) & MAX_MSG;

		for (size_t i = 0; i < len; i++)
			msg[i] = (uint8_t)take(&in, 1);
		if ((ctl & 1) && len >= 4)
			put_le(msg, len, 4);
		serve(msg, len, reply_cap(ctl, len));
	}
	p9_server_destroy(srv);
	CHECK(count_fds() == fds_at_start);
	check_outside();
	CHECK(count_entries(outside) == 1);
	return 0;
}
