/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a virtio-net device's frames go on the host: a tap device or
 * libslirp's user-mode network. A backend is opened from the user's -n
 * before the sandbox (a tap needs /dev/net/tun and maybe CAP_NET_ADMIN, a
 * port forward binds its socket), lives as long as lkvm (a guest booted
 * again by --reboot=restart finds it as it was), and runs on the I/O
 * thread only: its descriptors and timers are polled through the
 * device's io_hook, and every call below, rx included, happens with the
 * device's lock held.
 */
#ifndef LKVM_NET_BACKEND_H
#define LKVM_NET_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../vmm/options.h"

struct pollfd;
struct net_backend;

struct net_backend_ops {
	/* A frame from the guest (without its virtio header). */
	void (*send)(struct net_backend *b, const uint8_t *frame, size_t len);
	/*
	 * The backend's descriptors for this round, and its timers through
	 * *timeout_ms. want_rx: the device can take frames now (a tap is
	 * not read otherwise, so that its queue waits in the kernel).
	 */
	unsigned int (*fill)(struct net_backend *b, struct pollfd *fds,
			     unsigned int max, int *timeout_ms, bool want_rx);
	void (*dispatch)(struct net_backend *b, struct pollfd *fds,
			 unsigned int n);
};

/*
 * What the backend hands received frames to: returns true while the
 * device can take more.
 */
typedef bool (*net_rx_fn)(void *opaque, const uint8_t *frame, size_t len);

struct net_backend {
	const struct net_backend_ops *ops;
	char desc[48]; /* for the log: "tap tap0", "user (slirp)" */
	net_rx_fn rx; /* set by the device; NULL: frames are dropped */
	void *rx_opaque;
};

/*
 * Opens the backend -n asked for (mode user or tap). Returns it, or NULL
 * after one line naming -n and what is wrong.
 */
struct net_backend *net_backend_open(const struct net_opt *o);

struct net_backend *net_tap_open(const struct net_opt *o);
struct net_backend *net_slirp_open(const struct net_opt *o);

/* Hands a received frame to the device, if there is one. */
static inline bool net_backend_rx(struct net_backend *b, const uint8_t *frame,
				  size_t len)
{
	return b->rx ? b->rx(b->rx_opaque, frame, len) : true;
}

#endif
