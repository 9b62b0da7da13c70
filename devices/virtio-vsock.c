// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-vsock (virtio 1.2 section 5.10): the pure part of lkvm's device,
 * whose data path is the kernel's vhost-vsock (virtio-vsock-dev.c).
 */
#include <endian.h>
#include <errno.h>

#include "virtio-mmio.h"
#include "virtio-vsock.h"

void virtio_vsock_config_init(struct virtio_vsock_config *c, uint32_t cid)
{
	/* 5.10.4: le64 guest_cid, of which only the low 32 bits are used. */
	c->guest_cid = htole64(cid);
}

uint64_t virtio_vsock_features(uint64_t vhost_features)
{
	uint64_t want =
		1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_F_INDIRECT_DESC |
		1ULL << VIRTIO_F_EVENT_IDX | 1ULL << VIRTIO_VSOCK_F_SEQPACKET;

	/* The transport always needs version 1, which vhost always has. */
	return (vhost_features & want) | 1ULL << VIRTIO_F_VERSION_1;
}

/* Split virtqueue sizes (2.7): desc 16 n, avail 6 + 2 n, used 6 + 8 n. */
int virtio_vsock_vring(const struct virtq *q, const struct guest_ram *ram,
		       struct virtio_vsock_vring *v)
{
	uint64_t n = q->num;
	void *desc = guest_ram_ptr(ram, q->desc_gpa, 16 * n);
	void *avail = guest_ram_ptr(ram, q->avail_gpa, 6 + 2 * n);
	void *used = guest_ram_ptr(ram, q->used_gpa, 6 + 8 * n);

	if (!n || !desc || !avail || !used)
		return -EINVAL;
	v->desc = (uintptr_t)desc;
	v->avail = (uintptr_t)avail;
	v->used = (uintptr_t)used;
	return 0;
}
