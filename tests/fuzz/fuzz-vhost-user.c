// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for devices/vhost-user-proto.c's reply checks and
 * devices/virtio-fs.c's option parser: what a hostile vhost-user back
 * end (another process) sends lkvm, and what a user types.
 *
 * Input layout:
 *   0   u8   the request lkvm sent (low 5 bits; 0..31)
 *   1   u8   the reply's length as lkvm's reader would hand it: the bytes
 *            read (its header's size field decides, as in
 *            virtio-fs-dev.c) when bit 7 is clear, else any length
 *   2   the reply's bytes; the same bytes, up to a NUL, as a
 *       --virtio-fs argument
 *
 * Each reply is a heap copy of exactly its length, so that ASan sees a
 * read past it. Checks: a reply is taken only with the request, version
 * 1, the reply flag and an 8-byte payload, and then its value is the
 * little-endian payload; a parsed option has a valid tag and exactly one
 * of a folder or a socket.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "../../devices/vhost-user-proto.h"
#include "../../devices/virtio-fs.h"

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The reference rule, from vhost-user.rst's message specification. */
static bool acceptable(const uint8_t *b, size_t len, uint32_t request)
{
	uint32_t flags;

	if (len != VHOST_USER_HDR_SIZE + 8)
		return false;
	flags = le32(b + 4);
	return le32(b) == request && (flags & 3) == 1 && (flags & 4) &&
	       le32(b + 8) == 8;
}

static void replies(const uint8_t *data, size_t size, uint32_t request,
		    size_t len)
{
	uint8_t *b = malloc(len ? len : 1);
	struct vhost_user_state s;
	uint64_t v;
	int hdr = -EPROTO, r;

	if (!b)
		return;
	memcpy(b, data, len);
	if (len >= VHOST_USER_HDR_SIZE) {
		hdr = vhost_user_reply_hdr(b, request);
		CHECK(hdr == -EPROTO ||
		      (hdr >= 0 && hdr <= VHOST_USER_REPLY_MAX));
	}
	r = vhost_user_reply_u64(b, len, request, &v);
	CHECK(r == 0 || r == -EPROTO);
	CHECK((r == 0) == acceptable(b, len, request));
	if (!r) {
		CHECK(hdr == 8);
		CHECK(v == (le32(b + 12) | (uint64_t)le32(b + 16) << 32));
	}
	r = vhost_user_reply_state(b, len, request, &s);
	CHECK((r == 0) == acceptable(b, len, request));
	if (!r)
		CHECK(s.index == le32(b + 12) && s.num == le32(b + 16));
	free(b);
	(void)size;
}

static void option(const uint8_t *data, size_t size)
{
	size_t n = strnlen((const char *)data, size);
	char *arg = malloc(n + 1);
	static struct vfs_opt o;
	char err[128];

	if (!arg)
		return;
	memcpy(arg, data, n);
	arg[n] = 0;
	memset(&o, 0, sizeof(o));
	if (!virtio_fs_parse_opt(&o, arg, err, sizeof(err))) {
		size_t t = strlen(o.tag);

		CHECK(t >= 1 && t <= VIRTIO_FS_TAG_MAX);
		CHECK(!o.dir[0] != !o.socket[0]);
		CHECK(!o.socket[0] || (!o.sandbox[0] && !o.virtiofsd[0]));
		for (size_t i = 0; i < t; i++)
			CHECK(o.tag[i] > ' ' && o.tag[i] <= '~' &&
			      o.tag[i] != ',');
	} else {
		CHECK(!strncmp(err, "--virtio-fs", 11));
		CHECK(!o.tag[0]);
	}
	free(arg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t request;
	size_t len;

	if (size < 2)
		return 0;
	request = data[0] & 31;
	data += 2;
	size -= 2;
	if (!(data[-1] & 0x80) && size >= VHOST_USER_HDR_SIZE) {
		/* As the reader: the header, then its size if acceptable. */
		int hdr = vhost_user_reply_hdr(data, request);

		len = VHOST_USER_HDR_SIZE + (hdr > 0 ? (size_t)hdr : 0);
		if (len > size)
			len = size;
	} else {
		len = (data[-1] & 0x7f) % (size + 1);
	}
	replies(data, size, request, len);
	option(data, size);
	return 0;
}
