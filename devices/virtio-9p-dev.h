/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-9p (virtio 1.2 section 5.11, device ID 9) in the running VM: a
 * host folder the guest mounts by its tag (--9p DIR,TAG), served by
 * p9-fs.c on the I/O thread. With --9p.
 */
#ifndef LKVM_VIRTIO_9P_DEV_H
#define LKVM_VIRTIO_9P_DEV_H

#include <stdint.h>

struct dev_host;
struct p9_server;
struct virtio_9p_dev;

/*
 * Creates the device on host (which must outlive it) at base, interrupt
 * intid, for the share server (opened before the sandbox; it outlives the
 * device) under the mount tag tag; NULL after logging.
 */
struct virtio_9p_dev *virtio_9p_dev_create(const struct dev_host *host,
					   uint64_t base, uint32_t intid,
					   struct p9_server *server,
					   const char *tag);
/*
 * At the end of a run (nothing is in flight: requests complete under the
 * lock): --loglevel info reports the requests served, their bytes and
 * their time in lkvm, and the counts start again.
 */
void virtio_9p_dev_drain(struct virtio_9p_dev *p);
void virtio_9p_dev_destroy(struct virtio_9p_dev *p);

#endif
