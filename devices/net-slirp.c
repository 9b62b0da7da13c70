// SPDX-License-Identifier: GPL-2.0
/*
 * The user-mode backend: libslirp's TCP/IP stack in lkvm, with slirp's
 * usual network (10.0.2.0/24; the guest 10.0.2.15 by DHCP, the gateway
 * and the host's loopback 10.0.2.2, DNS 10.0.2.3) and the user's port
 * forwards (hostfwd=). slirp's sockets and timers run on lkvm's I/O
 * thread: each round it says which descriptors it wants (fill), and after
 * the poll it reads and writes them and runs due timers (dispatch).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <slirp/libslirp.h>

#include "net-backend.h"
#include "../vmm/log.h"

/*
 * DNS at 10.0.2.3: libslirp forwards the guest's queries to the host's
 * first nameserver, which it reads with fopen("/etc/resolv.conf") when
 * the guest first asks and again whenever its cache (1 s) is stale and
 * the file's stat() changed. Under lkvm's sandbox no file can be opened
 * then, so the file is opened once before (net_slirp_open) and the link
 * wraps fopen (-Wl,--wrap=fopen): that one path, read-only, is read from
 * the start of the descriptor kept open; anything else goes to the C
 * library. A file replaced on the host later (a new inode) is not seen:
 * the nameservers are those of lkvm's start.
 */
#define RESOLV_CONF "/etc/resolv.conf"

static int resolv_fd = -1;

FILE *__real_fopen(const char *path, const char *mode);

FILE *__wrap_fopen(const char *path, const char *mode)
{
	FILE *f;
	int fd;

	if (resolv_fd < 0 || strcmp(path, RESOLV_CONF) || strcmp(mode, "r"))
		return __real_fopen(path, mode);
	/* Only the I/O thread runs libslirp: the shared offset is ours. */
	fd = fcntl(resolv_fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	if (lseek(fd, 0, SEEK_SET) < 0 || !(f = fdopen(fd, "r"))) {
		close(fd);
		return NULL;
	}
	return f;
}

/* libslirp's timers: a few (router advertisements, DNS, TCP). */
#define SLIRP_MAX_TIMERS 16

struct slirp_timer {
	bool used;
	int64_t expire_ms; /* -1: not armed */
	SlirpTimerCb cb;
	void *cb_opaque;
};

struct net_slirp {
	struct net_backend b;
	Slirp *slirp;
	struct slirp_timer timers[SLIRP_MAX_TIMERS];
	/* This round's descriptors, as fill gave them to the I/O thread. */
	struct pollfd *fds;
	unsigned int nr_fds, max_fds;
	bool fds_short; /* more wanted than there was room for */
};

static ssize_t slirp_cb_send(const void *buf, size_t len, void *opaque)
{
	struct net_slirp *s = opaque;

	/* A frame the device cannot take is dropped; TCP sends it again. */
	net_backend_rx(&s->b, buf, len);
	return len;
}

static void slirp_cb_guest_error(const char *msg, void *opaque)
{
	(void)opaque;
	pr_debug("-n mode=user: the guest: %s", msg);
}

static int64_t slirp_cb_clock(void *opaque)
{
	(void)opaque;
	return (int64_t)log_monotonic_ns();
}

static void *slirp_cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct net_slirp *s = opaque;

	for (int i = 0; i < SLIRP_MAX_TIMERS; i++) {
		struct slirp_timer *t = &s->timers[i];

		if (!t->used) {
			*t = (struct slirp_timer){ .used = true,
						   .expire_ms = -1,
						   .cb = cb,
						   .cb_opaque = cb_opaque };
			return t;
		}
	}
	/* libslirp has no way to hear of a failure: a bug to find at once. */
	pr_err("-n mode=user: libslirp wants more than %d timers",
	       SLIRP_MAX_TIMERS);
	abort();
}

static void slirp_cb_timer_free(void *timer, void *opaque)
{
	struct slirp_timer *t = timer;

	(void)opaque;
	t->used = false;
}

/* expire_time is in milliseconds of the clock above (libslirp.h). */
static void slirp_cb_timer_mod(void *timer, int64_t expire_time, void *opaque)
{
	struct slirp_timer *t = timer;

	(void)opaque;
	t->expire_ms = expire_time;
}

static void slirp_cb_fd(int fd, void *opaque)
{
	/* Descriptors are asked for afresh each round: nothing to keep. */
	(void)fd, (void)opaque;
}

static void slirp_cb_notify(void *opaque)
{
	/* Each round asks slirp again: nothing to wake. */
	(void)opaque;
}

static const SlirpCb slirp_cbs = {
	.send_packet = slirp_cb_send,
	.guest_error = slirp_cb_guest_error,
	.clock_get_ns = slirp_cb_clock,
	.timer_new = slirp_cb_timer_new,
	.timer_free = slirp_cb_timer_free,
	.timer_mod = slirp_cb_timer_mod,
	.register_poll_fd = slirp_cb_fd,
	.unregister_poll_fd = slirp_cb_fd,
	.notify = slirp_cb_notify,
};

static void net_slirp_send(struct net_backend *b, const uint8_t *frame,
			   size_t len)
{
	struct net_slirp *s = (struct net_slirp *)b;

	slirp_input(s->slirp, frame, (int)len);
}

static int slirp_add_poll(int fd, int events, void *opaque)
{
	struct net_slirp *s = opaque;
	short ev = 0;

	if (s->nr_fds == s->max_fds) {
		s->fds_short = true;
		return -1;
	}
	if (events & SLIRP_POLL_IN)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	s->fds[s->nr_fds] = (struct pollfd){ .fd = fd, .events = ev };
	return s->nr_fds++;
}

static int slirp_get_revents(int idx, void *opaque)
{
	struct net_slirp *s = opaque;
	short r;
	int ev = 0;

	if (idx < 0 || (unsigned int)idx >= s->nr_fds)
		return 0;
	r = s->fds[idx].revents;
	if (r & POLLIN)
		ev |= SLIRP_POLL_IN;
	if (r & POLLOUT)
		ev |= SLIRP_POLL_OUT;
	if (r & POLLPRI)
		ev |= SLIRP_POLL_PRI;
	if (r & (POLLERR | POLLNVAL))
		ev |= SLIRP_POLL_ERR;
	if (r & POLLHUP)
		ev |= SLIRP_POLL_HUP;
	return ev;
}

static unsigned int net_slirp_fill(struct net_backend *b, struct pollfd *fds,
				   unsigned int max, int *timeout_ms,
				   bool want_rx)
{
	struct net_slirp *s = (struct net_slirp *)b;
	uint32_t t = *timeout_ms < 0 ? UINT32_MAX : (uint32_t)*timeout_ms;
	int64_t now = (int64_t)log_monotonic_ns() / 1000000;

	(void)want_rx;
	s->fds = fds;
	s->nr_fds = 0;
	s->max_fds = max;
	slirp_pollfds_fill(s->slirp, &t, slirp_add_poll, s);
	if (s->fds_short) {
		pr_warn("-n mode=user: more sockets than lkvm polls (%u): some wait",
			max);
		s->fds_short = false;
	}
	for (int i = 0; i < SLIRP_MAX_TIMERS; i++) {
		const struct slirp_timer *tm = &s->timers[i];
		int64_t left;

		if (!tm->used || tm->expire_ms < 0)
			continue;
		left = tm->expire_ms > now ? tm->expire_ms - now : 0;
		if ((uint64_t)left < t)
			t = left;
	}
	*timeout_ms = t == UINT32_MAX ? -1 :
					(int)(t > INT32_MAX ? INT32_MAX : t);
	return s->nr_fds;
}

static void net_slirp_dispatch(struct net_backend *b, struct pollfd *fds,
			       unsigned int n)
{
	struct net_slirp *s = (struct net_slirp *)b;
	int64_t now = (int64_t)log_monotonic_ns() / 1000000;

	s->fds = fds;
	s->nr_fds = n;
	slirp_pollfds_poll(s->slirp, 0, slirp_get_revents, s);
	for (int i = 0; i < SLIRP_MAX_TIMERS; i++) {
		struct slirp_timer *t = &s->timers[i];

		if (t->used && t->expire_ms >= 0 && t->expire_ms <= now) {
			t->expire_ms = -1;
			t->cb(t->cb_opaque);
		}
	}
}

static const struct net_backend_ops slirp_ops = {
	.send = net_slirp_send,
	.fill = net_slirp_fill,
	.dispatch = net_slirp_dispatch,
};

static struct in_addr ip4(uint32_t host_order)
{
	return (struct in_addr){ .s_addr = htonl(host_order) };
}

/* The user's forwards; a port in use is the user's error. */
static int slirp_forwards(struct net_slirp *s, const struct net_opt *o)
{
	for (unsigned int i = 0; i < o->nr_fwd; i++) {
		const struct hostfwd_opt *f = &o->fwd[i];
		char host[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &(struct in_addr){ htonl(f->host_addr) },
			  host, sizeof(host));
		if (slirp_add_hostfwd(s->slirp, f->udp, ip4(f->host_addr),
				      f->host_port, ip4(f->guest_addr),
				      f->guest_port)) {
			pr_err("-n mode=user: hostfwd=%s:%s:%u: cannot listen there (%s)",
			       f->udp ? "udp" : "tcp", host, f->host_port,
			       errno ? strerror(errno) : "port in use?");
			return -1;
		}
		pr_info("-n mode=user: %s %s:%u on the host goes to the guest's port %u",
			f->udp ? "udp" : "tcp", host, f->host_port,
			f->guest_port);
	}
	return 0;
}

struct net_backend *net_slirp_open(const struct net_opt *o)
{
	SlirpConfig cfg = {
		.version = 1,
		.in_enabled = true,
		.vnetwork = ip4(0x0a000200), /* 10.0.2.0 */
		.vnetmask = ip4(0xffffff00),
		.vhost = ip4(0x0a000202), /* 10.0.2.2 */
		.vdhcp_start = ip4(0x0a00020f), /* 10.0.2.15 */
		.vnameserver = ip4(0x0a000203), /* 10.0.2.3 */
		.vhostname = "lkvm",
	};
	struct net_slirp *s = calloc(1, sizeof(*s));

	if (!s) {
		pr_err("-n mode=user: out of memory");
		return NULL;
	}
	if (resolv_fd < 0) {
		resolv_fd = open(RESOLV_CONF, O_RDONLY | O_CLOEXEC);
		if (resolv_fd < 0)
			pr_info("-n mode=user: %s: %s: no DNS at 10.0.2.3",
				RESOLV_CONF, strerror(errno));
	}
	s->b.ops = &slirp_ops;
	snprintf(s->b.desc, sizeof(s->b.desc), "user (libslirp %s)",
		 slirp_version_string());
	s->slirp = slirp_new(&cfg, &slirp_cbs, s);
	if (!s->slirp) {
		pr_err("-n mode=user: libslirp would not start");
		free(s);
		return NULL;
	}
	errno = 0;
	if (slirp_forwards(s, o)) {
		slirp_cleanup(s->slirp);
		free(s);
		return NULL;
	}
	return &s->b;
}
