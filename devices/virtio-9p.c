// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-9p's config space and chain handling (see virtio-9p.h). Pure.
 */
#include <errno.h>
#include <string.h>

#include "virtio-9p.h"

int virtio_9p_config_init(struct virtio_9p_config *cfg, const char *tag)
{
	size_t len = strlen(tag);

	if (!len || len > VIRTIO_9P_TAG_MAX)
		return -EINVAL;
	memset(cfg, 0, sizeof(*cfg));
	/* little-endian, as every virtio 1.x field (section 2.5) */
	((uint8_t *)&cfg->tag_len)[0] = len & 0xff;
	((uint8_t *)&cfg->tag_len)[1] = len >> 8;
	memcpy(cfg->tag, tag, len);
	return (int)(sizeof(cfg->tag_len) + len);
}

long virtio_9p_gather(const struct virtq_chain *c, uint8_t *buf, size_t cap)
{
	size_t done = 0;

	if (!c->nr_out)
		return -EPROTO;
	/* The readable buffers come first (virtq.h). */
	for (unsigned int i = 0; i < c->nr_out && done < cap; i++) {
		size_t n = c->segs[i].len;

		if (n > cap - done)
			n = cap - done;
		memcpy(buf + done, c->segs[i].addr, n);
		done += n;
	}
	return (long)done;
}

size_t virtio_9p_reply_room(const struct virtq_chain *c, size_t cap)
{
	return c->in_len < cap ? (size_t)c->in_len : cap;
}

uint32_t virtio_9p_scatter(const struct virtq_chain *c, const uint8_t *reply,
			   size_t len)
{
	size_t done = 0;

	for (unsigned int i = c->nr_out; i < c->nr_segs && done < len; i++) {
		size_t n = c->segs[i].len;

		if (n > len - done)
			n = len - done;
		memcpy(c->segs[i].addr, reply + done, n);
		done += n;
	}
	return (uint32_t)done;
}
