// SPDX-License-Identifier: GPL-2.0
/*
 * The vhost-user protocol, front end (QEMU's docs/interop/vhost-user.rst):
 * building lkvm's messages and checking the back end's replies. Pure.
 *
 * The back end is another process, possibly hostile or dying: a reply is
 * taken only when its header names the request lkvm sent, carries version
 * 1 and the reply flag, and its payload has exactly the size that reply
 * has ("Message specification": the size field).
 */
#include <errno.h>
#include <string.h>

#include "vhost-user-proto.h"

static void put32(uint8_t *p, uint32_t v)
{
	for (unsigned int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static void put64(uint8_t *p, uint64_t v)
{
	for (unsigned int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put_hdr(uint8_t *buf, uint32_t request, bool need_reply,
		    uint32_t size)
{
	put32(buf, request);
	put32(buf + 4, VHOST_USER_VERSION |
			       (need_reply ? VHOST_USER_FLAG_NEED_REPLY : 0));
	put32(buf + 8, size);
}

size_t vhost_user_msg(uint8_t *buf, uint32_t request, bool need_reply,
		      const void *payload, uint32_t size)
{
	if (size > VHOST_USER_MSG_MAX - VHOST_USER_HDR_SIZE)
		return 0;
	put_hdr(buf, request, need_reply, size);
	if (size)
		memcpy(buf + VHOST_USER_HDR_SIZE, payload, size);
	return VHOST_USER_HDR_SIZE + size;
}

size_t vhost_user_msg_u64(uint8_t *buf, uint32_t request, bool need_reply,
			  uint64_t v)
{
	put_hdr(buf, request, need_reply, 8);
	put64(buf + VHOST_USER_HDR_SIZE, v);
	return VHOST_USER_HDR_SIZE + 8;
}

size_t vhost_user_msg_state(uint8_t *buf, uint32_t request, bool need_reply,
			    uint32_t index, uint32_t num)
{
	put_hdr(buf, request, need_reply, 8);
	put32(buf + VHOST_USER_HDR_SIZE, index);
	put32(buf + VHOST_USER_HDR_SIZE + 4, num);
	return VHOST_USER_HDR_SIZE + 8;
}

size_t vhost_user_msg_mem_table(uint8_t *buf, bool need_reply,
				const struct vhost_user_region *r,
				unsigned int nregions)
{
	uint8_t *p = buf + VHOST_USER_HDR_SIZE;

	if (!nregions || nregions > VHOST_USER_MAX_REGIONS)
		return 0;
	put_hdr(buf, VHOST_USER_SET_MEM_TABLE, need_reply, 8 + 32 * nregions);
	put32(p, nregions);
	put32(p + 4, 0);
	p += 8;
	for (unsigned int i = 0; i < nregions; i++, p += 32) {
		put64(p, r[i].guest_phys_addr);
		put64(p + 8, r[i].memory_size);
		put64(p + 16, r[i].userspace_addr);
		put64(p + 24, r[i].mmap_offset);
	}
	return p - buf;
}

/* Split virtqueue sizes (virtio 1.2 2.7): desc 16 n, avail 6 + 2 n, used 6 + 8 n. */
size_t vhost_user_msg_vring_addr(uint8_t *buf, bool need_reply, uint32_t index,
				 const struct virtq *q,
				 const struct guest_ram *ram)
{
	uint64_t n = q->num;
	uint8_t *desc = guest_ram_ptr(ram, q->desc_gpa, 16 * n);
	uint8_t *avail = guest_ram_ptr(ram, q->avail_gpa, 6 + 2 * n);
	uint8_t *used = guest_ram_ptr(ram, q->used_gpa, 6 + 8 * n);
	uint8_t *p = buf + VHOST_USER_HDR_SIZE;

	if (!n || !desc || !avail || !used)
		return 0;
	/* index, flags (no logging), desc, used, avail, log. */
	put_hdr(buf, VHOST_USER_SET_VRING_ADDR, need_reply, 40);
	put32(p, index);
	put32(p + 4, 0);
	put64(p + 8, (uintptr_t)desc);
	put64(p + 16, (uintptr_t)used);
	put64(p + 24, (uintptr_t)avail);
	put64(p + 32, 0);
	return VHOST_USER_HDR_SIZE + 40;
}

int vhost_user_reply_hdr(const uint8_t *hdr, uint32_t request)
{
	uint32_t flags = get32(hdr + 4), size = get32(hdr + 8);

	if (get32(hdr) != request ||
	    (flags & VHOST_USER_VERSION_MASK) != VHOST_USER_VERSION ||
	    !(flags & VHOST_USER_FLAG_REPLY) || size > VHOST_USER_REPLY_MAX)
		return -EPROTO;
	return size;
}

/* A whole reply whose payload must be 8 bytes: its payload, or NULL. */
static const uint8_t *reply8(const uint8_t *buf, size_t len, uint32_t request)
{
	if (len != VHOST_USER_HDR_SIZE + 8 ||
	    vhost_user_reply_hdr(buf, request) != 8)
		return NULL;
	return buf + VHOST_USER_HDR_SIZE;
}

int vhost_user_reply_u64(const uint8_t *buf, size_t len, uint32_t request,
			 uint64_t *v)
{
	const uint8_t *p = reply8(buf, len, request);

	if (!p)
		return -EPROTO;
	*v = get64(p);
	return 0;
}

int vhost_user_reply_state(const uint8_t *buf, size_t len, uint32_t request,
			   struct vhost_user_state *s)
{
	const uint8_t *p = reply8(buf, len, request);

	if (!p)
		return -EPROTO;
	s->index = get32(p);
	s->num = get32(p + 4);
	return 0;
}
