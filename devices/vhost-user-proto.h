/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vhost-user protocol (QEMU's docs/interop/vhost-user.rst), the front
 * end's side of the messages lkvm sends and the replies it reads. Pure:
 * bytes in, bytes or plain values out; the socket and the descriptors
 * that go with some messages (SCM_RIGHTS) are the caller's.
 *
 * A message is a 12-byte header (u32 request, u32 flags, u32 size, all
 * little-endian on the hosts lkvm runs on) then size bytes of payload.
 */
#ifndef LKVM_VHOST_USER_PROTO_H
#define LKVM_VHOST_USER_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest-ram.h"
#include "virtq.h"

/* Front-end requests ("Front-end message types"). */
#define VHOST_USER_GET_FEATURES 1
#define VHOST_USER_SET_FEATURES 2
#define VHOST_USER_SET_OWNER 3
#define VHOST_USER_SET_MEM_TABLE 5
#define VHOST_USER_SET_VRING_NUM 8
#define VHOST_USER_SET_VRING_ADDR 9
#define VHOST_USER_SET_VRING_BASE 10
#define VHOST_USER_GET_VRING_BASE 11
#define VHOST_USER_SET_VRING_KICK 12
#define VHOST_USER_SET_VRING_CALL 13
#define VHOST_USER_GET_PROTOCOL_FEATURES 15
#define VHOST_USER_SET_PROTOCOL_FEATURES 16
#define VHOST_USER_GET_QUEUE_NUM 17
#define VHOST_USER_SET_VRING_ENABLE 18

/* Header flags: bits 0-1 the version (1), bit 2 a reply, bit 3 need reply. */
#define VHOST_USER_VERSION 1
#define VHOST_USER_VERSION_MASK 3
#define VHOST_USER_FLAG_REPLY (1U << 2)
#define VHOST_USER_FLAG_NEED_REPLY (1U << 3)

#define VHOST_USER_HDR_SIZE 12

/* The virtio feature bit that says the back end has protocol features. */
#define VHOST_USER_F_PROTOCOL_FEATURES 30

/* Protocol feature bits lkvm uses ("Protocol features"). */
#define VHOST_USER_PROTOCOL_F_MQ 0
#define VHOST_USER_PROTOCOL_F_REPLY_ACK 3

/* SET_VRING_KICK/CALL's u64: the queue in bits 0-7, bit 8 no descriptor. */
#define VHOST_USER_VRING_IDX_MASK 0xffULL
#define VHOST_USER_VRING_NOFD (1ULL << 8)

/* Memory regions lkvm sends: guest RAM is one. */
#define VHOST_USER_MAX_REGIONS 8

/* The largest message lkvm builds (SET_MEM_TABLE with 8 regions). */
#define VHOST_USER_MSG_MAX (VHOST_USER_HDR_SIZE + 8 + 32 * 8)

/* The largest reply payload lkvm accepts: every reply it asks for is 8. */
#define VHOST_USER_REPLY_MAX 8

/* A vring's state (SET_VRING_NUM, _BASE, _ENABLE, GET_VRING_BASE). */
struct vhost_user_state {
	uint32_t index;
	uint32_t num;
};

/* SET_VRING_ADDR: lkvm's own addresses of the three areas. */
struct vhost_user_vring_addr {
	uint32_t index;
	uint32_t flags;
	uint64_t desc, used, avail, log;
};

/* One region of SET_MEM_TABLE; its descriptor travels with SCM_RIGHTS. */
struct vhost_user_region {
	uint64_t guest_phys_addr;
	uint64_t memory_size;
	uint64_t userspace_addr;
	uint64_t mmap_offset;
};

/*
 * The message for request into buf (VHOST_USER_MSG_MAX bytes), with
 * size bytes of payload (a u64, a state, ... as the request wants),
 * asking for a reply when need_reply. Returns its length, or 0 when the
 * payload is too big.
 */
size_t vhost_user_msg(uint8_t *buf, uint32_t request, bool need_reply,
		      const void *payload, uint32_t size);

/* A u64 payload (features, KICK/CALL's index word). */
size_t vhost_user_msg_u64(uint8_t *buf, uint32_t request, bool need_reply,
			  uint64_t v);

/* A vring state payload. */
size_t vhost_user_msg_state(uint8_t *buf, uint32_t request, bool need_reply,
			    uint32_t index, uint32_t num);

/*
 * SET_MEM_TABLE for nregions regions (1..VHOST_USER_MAX_REGIONS): u32
 * nregions, u32 padding, then the regions. Returns its length, or 0.
 */
size_t vhost_user_msg_mem_table(uint8_t *buf, bool need_reply,
				const struct vhost_user_region *r,
				unsigned int nregions);

/*
 * SET_VRING_ADDR for queue index of q, the rings as lkvm's addresses of
 * guest RAM (the back end maps them through SET_MEM_TABLE's
 * userspace_addr, as the kernel's vhost does). Returns its length, or 0
 * when an area is not wholly inside RAM or q has no size.
 */
size_t vhost_user_msg_vring_addr(uint8_t *buf, bool need_reply, uint32_t index,
				 const struct virtq *q,
				 const struct guest_ram *ram);

/*
 * A reply's header (VHOST_USER_HDR_SIZE bytes) to the message request:
 * the same request, version 1, the reply flag, a payload no bigger than
 * VHOST_USER_REPLY_MAX. Returns the payload's size, or -EPROTO.
 */
int vhost_user_reply_hdr(const uint8_t *hdr, uint32_t request);

/*
 * A whole reply (header and payload, len bytes) to request whose payload
 * is a u64 (GET_FEATURES, GET_PROTOCOL_FEATURES, GET_QUEUE_NUM, and the
 * REPLY_ACK of any request: 0 is success). Returns 0 with *v, or -EPROTO.
 */
int vhost_user_reply_u64(const uint8_t *buf, size_t len, uint32_t request,
			 uint64_t *v);

/* The same for a vring state (GET_VRING_BASE). */
int vhost_user_reply_state(const uint8_t *buf, size_t len, uint32_t request,
			   struct vhost_user_state *s);

#endif
