/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-fs (virtio 1.2 section 5.11), the part that needs no back end:
 * the configuration space and the feature bits, offered to the driver
 * and acknowledged to the vhost-user back end (virtiofsd), which serves
 * the queues itself.
 */
#ifndef LKVM_VIRTIO_FS_H
#define LKVM_VIRTIO_FS_H

#include <stddef.h>
#include <stdint.h>

#define VIRTIO_ID_FS 26

/* Queues (5.11.2): the high-priority queue, then the request queues. */
#define VIRTIO_FS_HIPRIO_QUEUE 0
#define VIRTIO_FS_NR_REQUEST_QUEUES 1
#define VIRTIO_FS_NR_QUEUES (1 + VIRTIO_FS_NR_REQUEST_QUEUES)

/* The tag (5.11.4): UTF-8, up to 36 bytes, NUL-padded (not terminated). */
#define VIRTIO_FS_TAG_MAX 36

/* The configuration space (5.11.4), little-endian. */
struct virtio_fs_config {
	uint8_t tag[VIRTIO_FS_TAG_MAX];
	uint32_t num_request_queues;
} __attribute__((packed));

/* tag: 1 to VIRTIO_FS_TAG_MAX bytes (the option parser checked). */
void virtio_fs_config_init(struct virtio_fs_config *c, const char *tag);

/*
 * What the device offers the driver, out of the back end's
 * GET_FEATURES: version 1, indirect descriptors and event index where the
 * back end has them; none of vhost-user's own bits. 0 when the back end
 * lacks version 1 (the virtio-mmio transport needs it).
 */
uint64_t virtio_fs_features(uint64_t backend_features);

/*
 * SET_FEATURES' value: what the driver accepted, and
 * VHOST_USER_F_PROTOCOL_FEATURES when the back end offered it (its rings
 * then wait for SET_VRING_ENABLE).
 */
uint64_t virtio_fs_backend_ack(uint64_t backend_features,
			       uint64_t driver_features);

/* SET_PROTOCOL_FEATURES' value: REPLY_ACK and MQ, where offered. */
uint64_t virtio_fs_protocol_ack(uint64_t backend_protocol_features);

/* --virtio-fs: where the back end is, and the tag the guest mounts. */
#define VFS_PATH_MAX 4096
#define VFS_SOCKET_MAX 107 /* sun_path, NUL-terminated */
struct vfs_opt {
	char tag[VIRTIO_FS_TAG_MAX + 1]; /* empty: no --virtio-fs */
	char dir[VFS_PATH_MAX]; /* DIR: lkvm starts virtiofsd on it */
	char socket[VFS_SOCKET_MAX + 1]; /* socket=PATH: the user's back end */
	char sandbox[16]; /* sandbox=: virtiofsd's --sandbox; empty: its own */
	char virtiofsd[VFS_PATH_MAX]; /* virtiofsd=PATH; empty: the default */
};

/* Debian's virtiofsd (package virtiofsd). */
#define VFS_VIRTIOFSD_DEFAULT "/usr/libexec/virtiofsd"

/*
 * --virtio-fs DIR,TAG[,sandbox=namespace|chroot|none][,virtiofsd=PATH]
 * or --virtio-fs socket=PATH,tag=TAG into *o. Returns 0, or -EINVAL with
 * one line in err naming the option and what is wrong.
 */
int virtio_fs_parse_opt(struct vfs_opt *o, const char *arg, char *err,
			size_t size);

#endif
