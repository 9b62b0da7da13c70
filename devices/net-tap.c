// SPDX-License-Identifier: GPL-2.0
/*
 * The tap backend: frames to and from a host tap device through
 * /dev/net/tun, without a packet-information prefix and without a vnet
 * header (IFF_TAP | IFF_NO_PI): the device completes transmit checksums
 * itself and offers no receive offloads, so plain Ethernet frames are
 * all that crosses.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net-backend.h"
#include "virtio-net.h"
#include "../vmm/log.h"

/* Frames read from the tap per round at most, so others get their turn. */
#define TAP_BURST 64

struct net_tap {
	struct net_backend b;
	int fd;
	uint8_t buf[VIRTIO_NET_MAX_FRAME];
	bool warned_send;
};

static void tap_send(struct net_backend *b, const uint8_t *frame, size_t len)
{
	struct net_tap *t = (struct net_tap *)b;

	/* A full tap queue drops the frame, as a wire would. */
	if (write(t->fd, frame, len) < 0 && errno != EAGAIN &&
	    !t->warned_send) {
		pr_warn("%s: write: %s", b->desc, strerror(errno));
		t->warned_send = true;
	}
}

static unsigned int tap_fill(struct net_backend *b, struct pollfd *fds,
			     unsigned int max, int *timeout_ms, bool want_rx)
{
	struct net_tap *t = (struct net_tap *)b;

	(void)timeout_ms;
	if (!want_rx || !max)
		return 0;
	fds[0] = (struct pollfd){ .fd = t->fd, .events = POLLIN };
	return 1;
}

static void tap_dispatch(struct net_backend *b, struct pollfd *fds,
			 unsigned int n)
{
	struct net_tap *t = (struct net_tap *)b;

	if (!n || !(fds[0].revents & POLLIN))
		return;
	for (int i = 0; i < TAP_BURST; i++) {
		ssize_t len = read(t->fd, t->buf, sizeof(t->buf));

		if (len <= 0)
			return;
		if (!net_backend_rx(b, t->buf, len))
			return;
	}
}

static const struct net_backend_ops tap_ops = {
	.send = tap_send,
	.fill = tap_fill,
	.dispatch = tap_dispatch,
};

/* Whether interface name exists on the host (for the error's wording). */
static bool tap_exists(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/class/net/%s", name);
	return access(path, F_OK) == 0;
}

/* A tap lkvm created is down: up it, as a created one has no script. */
static void tap_up(const char *name)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (!ioctl(s, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr))
			pr_warn("-n mode=tap: %s: cannot set it up: %s", name,
				strerror(errno));
	}
	close(s);
}

static int tap_setiff(int fd, const char *name, char *out)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr))
		return -1;
	snprintf(out, IFNAMSIZ, "%s", ifr.ifr_name);
	return 0;
}

/* One line for a TUNSETIFF that failed with err. */
static void tap_error(const char *name, bool existed, int err)
{
	if (!name[0])
		pr_err("-n mode=tap: creating a tap device: %s (lkvm needs CAP_NET_ADMIN for that; or give it one: ip tuntap add NAME mode tap user USER, then -n mode=tap,tapif=NAME)",
		       strerror(err));
	else if (!existed)
		pr_err("-n mode=tap,tapif=%s: no such tap device, and creating it failed: %s (needs CAP_NET_ADMIN; or: ip tuntap add %s mode tap user USER)",
		       name, strerror(err), name);
	else if (err == EPERM)
		pr_err("-n mode=tap,tapif=%s: permission denied (the tap belongs to another user: ip tuntap add %s mode tap user USER; or lkvm needs CAP_NET_ADMIN)",
		       name, name);
	else if (err == EINVAL)
		pr_err("-n mode=tap,tapif=%s: not a tap device (a tun, or another kind of interface): %s",
		       name, strerror(err));
	else
		pr_err("-n mode=tap,tapif=%s: %s", name, strerror(err));
}

struct net_backend *net_tap_open(const struct net_opt *o)
{
	bool existed = o->tapif[0] && tap_exists(o->tapif);
	char name[IFNAMSIZ];
	struct net_tap *t;
	int fd;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		pr_err("-n mode=tap: /dev/net/tun: %s (the host needs the tun module)",
		       strerror(errno));
		return NULL;
	}
	if (tap_setiff(fd, o->tapif, name)) {
		tap_error(o->tapif, existed, errno);
		close(fd);
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		pr_err("-n mode=tap: out of memory");
		close(fd);
		return NULL;
	}
	t->fd = fd;
	t->b.ops = &tap_ops;
	snprintf(t->b.desc, sizeof(t->b.desc), "tap %s", name);
	if (!existed) {
		tap_up(name);
		pr_info("-n mode=tap: created tap %s (up, without an address: give it one, or bridge it)",
			name);
	}
	return &t->b;
}
