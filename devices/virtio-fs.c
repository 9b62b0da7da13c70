// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-fs (virtio 1.2 section 5.11): the pure part of lkvm's device,
 * whose queues a vhost-user back end serves (virtio-fs-dev.c).
 */
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "vhost-user-proto.h"
#include "virtio-fs.h"
#include "virtio-mmio.h"

void virtio_fs_config_init(struct virtio_fs_config *c, const char *tag)
{
	size_t n = strnlen(tag, VIRTIO_FS_TAG_MAX);

	memset(c, 0, sizeof(*c));
	memcpy(c->tag, tag, n);
	c->num_request_queues = htole32(VIRTIO_FS_NR_REQUEST_QUEUES);
}

uint64_t virtio_fs_features(uint64_t backend_features)
{
	uint64_t want = 1ULL << VIRTIO_F_VERSION_1 |
			1ULL << VIRTIO_F_INDIRECT_DESC |
			1ULL << VIRTIO_F_EVENT_IDX;

	if (!(backend_features & 1ULL << VIRTIO_F_VERSION_1))
		return 0;
	return backend_features & want;
}

uint64_t virtio_fs_backend_ack(uint64_t backend_features,
			       uint64_t driver_features)
{
	uint64_t pf = 1ULL << VHOST_USER_F_PROTOCOL_FEATURES;

	return (driver_features & virtio_fs_features(backend_features)) |
	       (backend_features & pf);
}

uint64_t virtio_fs_protocol_ack(uint64_t backend_protocol_features)
{
	return backend_protocol_features &
	       (1ULL << VHOST_USER_PROTOCOL_F_REPLY_ACK |
		1ULL << VHOST_USER_PROTOCOL_F_MQ);
}

/*
 * One field of --virtio-fs (up to the next comma) into dst (max bytes with
 * the NUL). Returns 0, or -1 when it does not fit.
 */
static int vfs_field(char *dst, size_t max, const char *s, size_t n)
{
	if (n >= max)
		return -1;
	memcpy(dst, s, n);
	dst[n] = 0;
	return 0;
}

/*
 * A tag (5.11.4): 1 to 36 bytes; lkvm takes printable ASCII without
 * spaces, so that it is also a word on the guest's mount command line.
 */
static bool vfs_tag_ok(const char *t)
{
	if (!*t || strlen(t) > VIRTIO_FS_TAG_MAX)
		return false;
	for (; *t; t++)
		if (*t <= ' ' || *t > '~')
			return false;
	return true;
}

static int vfs_key(struct vfs_opt *o, const char *f, size_t n, char *err,
		   size_t size)
{
	static const struct {
		const char *key;
		size_t off, max;
	} keys[] = {
		{ "tag=", offsetof(struct vfs_opt, tag), sizeof(o->tag) },
		{ "socket=", offsetof(struct vfs_opt, socket),
		  sizeof(o->socket) },
		{ "sandbox=", offsetof(struct vfs_opt, sandbox),
		  sizeof(o->sandbox) },
		{ "virtiofsd=", offsetof(struct vfs_opt, virtiofsd),
		  sizeof(o->virtiofsd) },
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		size_t k = strlen(keys[i].key);
		char *dst = (char *)o + keys[i].off;

		if (n < k || memcmp(f, keys[i].key, k))
			continue;
		if (n == k || vfs_field(dst, keys[i].max, f + k, n - k)) {
			snprintf(err, size, "--virtio-fs: %.*s: %s", (int)n, f,
				 n == k ? "no value" : "too long");
			return -EINVAL;
		}
		return 0;
	}
	snprintf(
		err, size,
		"--virtio-fs: '%.*s': unknown (DIR,TAG[,sandbox=MODE][,virtiofsd=PATH] or socket=PATH,tag=TAG)",
		(int)n, f);
	return -EINVAL;
}

/*
 * The fields: DIR and TAG first (no '='), then keys; or keys alone
 * (socket=, tag=). A tag too long is left empty: the caller's check of
 * the tag says why.
 */
static int vfs_fields(struct vfs_opt *o, const char *s, char *err, size_t size)
{
	for (unsigned int nth = 0; *s; nth++) {
		size_t n = strcspn(s, ",");
		bool plain = !memchr(s, '=', n);
		int r = 0;

		if (!n) {
			snprintf(err, size, "--virtio-fs: an empty field");
			return -EINVAL;
		}
		if (nth == 0 && plain) {
			if (vfs_field(o->dir, sizeof(o->dir), s, n)) {
				snprintf(
					err, size,
					"--virtio-fs: the folder's name is too long");
				return -EINVAL;
			}
		} else if (nth == 1 && plain && o->dir[0]) {
			if (vfs_field(o->tag, sizeof(o->tag), s, n))
				o->tag[0] = 0;
		} else {
			r = vfs_key(o, s, n, err, size);
		}
		if (r)
			return r;
		s += n + (s[n] == ',');
	}
	return 0;
}

int virtio_fs_parse_opt(struct vfs_opt *o, const char *arg, char *err,
			size_t size)
{
	static const char *const sandboxes[] = { "namespace", "chroot",
						 "none" };
	bool sandbox_ok = false;
	int r;

	if (o->tag[0]) {
		snprintf(
			err, size,
			"--virtio-fs: given twice (lkvm offers one virtio-fs device)");
		return -EINVAL;
	}
	memset(o, 0, sizeof(*o));
	r = vfs_fields(o, arg, err, size);
	if (r)
		goto out;
	r = -EINVAL;
	if (!o->dir[0] == !o->socket[0]) {
		snprintf(
			err, size,
			"--virtio-fs: '%s': give DIR,TAG (lkvm starts virtiofsd) or socket=PATH,tag=TAG (one already running)",
			arg);
		goto out;
	}
	if (!vfs_tag_ok(o->tag)) {
		snprintf(
			err, size,
			"--virtio-fs: '%s': the tag is 1 to %d printable characters without spaces or commas",
			arg, VIRTIO_FS_TAG_MAX);
		goto out;
	}
	if (o->socket[0] && (o->sandbox[0] || o->virtiofsd[0])) {
		snprintf(
			err, size,
			"--virtio-fs: sandbox= and virtiofsd= are for the virtiofsd lkvm starts, not with socket=");
		goto out;
	}
	for (size_t i = 0; i < sizeof(sandboxes) / sizeof(sandboxes[0]); i++)
		sandbox_ok |= !strcmp(o->sandbox, sandboxes[i]);
	if (o->sandbox[0] && !sandbox_ok) {
		snprintf(
			err, size,
			"--virtio-fs: sandbox=%s: use namespace, chroot or none (virtiofsd's --sandbox)",
			o->sandbox);
		goto out;
	}
	return 0;
out:
	memset(o, 0, sizeof(*o));
	return r;
}
