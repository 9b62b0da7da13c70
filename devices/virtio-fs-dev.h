/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-fs (--virtio-fs) whose queues a vhost-user back end serves:
 * virtiofsd, which lkvm starts on a host folder, or one the user started
 * (socket=PATH). lkvm keeps the virtio-mmio transport and the interrupt.
 */
#ifndef LKVM_VIRTIO_FS_DEV_H
#define LKVM_VIRTIO_FS_DEV_H

#include <stdint.h>

#include "dev-host.h"
#include "virtio-fs.h"

struct vfs_backend;
struct virtio_fs_dev;

/*
 * Before any VM and before the sandbox: checks the folder and virtiofsd
 * and starts it, or connects to the user's socket, then makes the
 * vhost-user handshake (features, protocol features, owner). Returns the
 * back end, which outlives each VM of --reboot=restart; or NULL after one
 * line saying why (the folder, virtiofsd missing, the socket refused, a
 * back end that exited or does not answer).
 */
struct vfs_backend *vfs_backend_open(const struct vfs_opt *o);

/*
 * The virtiofsd lkvm started (for the sandbox's rule that lets lkvm stop
 * and reap it), or -1.
 */
int vfs_backend_pid(const struct vfs_backend *b);

/*
 * At the end of the run: closes the connection (virtiofsd then exits),
 * and reaps the virtiofsd lkvm started, killing it when it has not gone
 * within a few seconds.
 */
void vfs_backend_close(struct vfs_backend *b);

/*
 * The device for one VM: guest RAM (mapped shared from ram_fd, offset 0)
 * goes to the back end at once (SET_MEM_TABLE), the queues at each
 * DRIVER_OK.
 */
struct virtio_fs_dev *virtio_fs_dev_create(const struct dev_host *host,
					   uint64_t base, uint32_t intid,
					   struct vfs_backend *b, int ram_fd,
					   const char *tag);

/* Stops the back end's use of the guest's queues and frees the device. */
void virtio_fs_dev_destroy(struct virtio_fs_dev *v);

#endif
