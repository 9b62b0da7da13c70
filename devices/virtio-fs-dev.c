// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-fs (virtio 1.2 section 5.11) through a vhost-user back end
 * (QEMU's docs/interop/vhost-user.rst): Debian's virtiofsd, started by
 * lkvm on the user's folder, or one the user started.
 *
 * lkvm keeps the virtio-mmio transport, as for vhost-vsock
 * (virtio-vsock-dev.c): guest RAM, a memfd (or --hugetlbfs file) mapped
 * shared, goes to the back end once per VM (SET_MEM_TABLE, its descriptor
 * by SCM_RIGHTS); at DRIVER_OK each queue's size, rings (lkvm's addresses:
 * the back end maps them through the table's userspace_addr), a kick
 * eventfd (the one KVM signals for the guest's QueueNotify write of that
 * queue, which lkvm's I/O thread does not watch) and a call eventfd, which
 * the I/O thread does watch: the back end signals it after pushing used
 * entries, and lkvm sets the used-buffer bit of InterruptStatus and raises
 * the line. A reset stops the rings (GET_VRING_BASE).
 *
 * The back end is another process: every reply is read with a time limit
 * on the socket (SO_RCVTIMEO) and checked (vhost-user-proto.c); a back
 * end that dies, stalls or answers nonsense breaks the connection for
 * good, and the device asks the driver for a reset (DEVICE_NEEDS_RESET)
 * at its next DRIVER_OK. lkvm itself goes on.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vhost-user-proto.h"
#include "virtio-dev.h"
#include "virtio-fs-dev.h"
#include "../vmm/log.h"

/* A reply (or room to send) within this long, or the back end is gone. */
#define VFS_REPLY_TIMEOUT_S 10
/* At exit: virtiofsd's own time to go once the connection closes. */
#define VFS_EXIT_WAIT_MS 5000
/* virtiofsd's largest queue (its QUEUE_SIZE); lkvm's transport's bound. */
#define VFS_QUEUE_MAX 256

struct vfs_backend {
	int sock;
	pid_t pid; /* the virtiofsd lkvm started, or -1 */
	char name[VFS_SOCKET_MAX + 16]; /* for the log */
	uint64_t features; /* GET_FEATURES */
	uint64_t protocol; /* acknowledged protocol features */
	bool broken; /* an exchange failed: nothing more is sent */
};

struct virtio_fs_dev {
	struct virtio_dev vdev;
	struct virtio_fs_config cfg;
	struct vfs_backend *be;
	bool mem_ok; /* the back end took this VM's RAM */
	bool running; /* the back end has the queues */
	int call_fd[VIRTIO_FS_NR_QUEUES];
	struct virtio_dev_notify call[VIRTIO_FS_NR_QUEUES];
};

static bool vfs_has(const struct vfs_backend *b, unsigned int pf)
{
	return b->protocol & 1ULL << pf;
}

/* The connection is unusable from now on; logged once. */
static int vfs_broken(struct vfs_backend *b, const char *what, int err)
{
	if (!b->broken)
		pr_err("--virtio-fs: %s: %s: %s%s", b->name, what,
		       err == EPROTO ? "a malformed reply" :
		       err == EAGAIN ? "no reply in time" :
		       err == EPIPE  ? "the connection closed" :
				       strerror(err),
		       b->pid > 0 ?
			       " (virtiofsd's own messages, if any, are above)" :
			       "");
	b->broken = true;
	return -1;
}

/* Sends len bytes of msg with nfds descriptors. Returns 0, or -1. */
static int vfs_send(struct vfs_backend *b, const char *what, const uint8_t *msg,
		    size_t len, const int *fds, unsigned int nfds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * VHOST_USER_MAX_REGIONS)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (b->broken || !len)
		return -1;
	if (nfds) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	do
		n = sendmsg(b->sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return vfs_broken(b, what,
				  errno == EWOULDBLOCK ? EAGAIN : errno);
	/* A message goes whole or the stream is out of step. */
	if ((size_t)n != len)
		return vfs_broken(b, what, EAGAIN);
	return 0;
}

/*
 * Reads exactly len bytes; any descriptor the back end sends along is
 * dropped by the kernel (no control buffer). Returns 0, or -1.
 */
static int vfs_read(struct vfs_backend *b, const char *what, uint8_t *buf,
		    size_t len)
{
	struct iovec iov;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	while (len) {
		ssize_t n;

		iov = (struct iovec){ .iov_base = buf, .iov_len = len };
		n = recvmsg(b->sock, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return vfs_broken(b, what,
					  errno == EWOULDBLOCK ? EAGAIN :
					  errno == ECONNRESET  ? EPIPE :
								 errno);
		if (n == 0)
			return vfs_broken(b, what, EPIPE);
		buf += n;
		len -= n;
	}
	return 0;
}

/* The reply to request, whole, into buf (VHOST_USER_MSG_MAX). */
static int vfs_reply(struct vfs_backend *b, const char *what, uint32_t request,
		     uint8_t *buf, size_t *len)
{
	int size;

	if (vfs_read(b, what, buf, VHOST_USER_HDR_SIZE))
		return -1;
	size = vhost_user_reply_hdr(buf, request);
	if (size < 0)
		return vfs_broken(b, what, EPROTO);
	if (vfs_read(b, what, buf + VHOST_USER_HDR_SIZE, size))
		return -1;
	*len = VHOST_USER_HDR_SIZE + size;
	return 0;
}

/*
 * Sends a message that has no reply of its own; with REPLY_ACK it asked
 * for one (need_reply), and the back end's u64 must be 0 (success).
 */
static int vfs_request(struct vfs_backend *b, const char *what,
		       const uint8_t *msg, size_t len, const int *fds,
		       unsigned int nfds)
{
	uint8_t buf[VHOST_USER_MSG_MAX];
	uint32_t request = msg[0] | msg[1] << 8 | msg[2] << 16 |
			   (uint32_t)msg[3] << 24;
	uint64_t status;

	if (vfs_send(b, what, msg, len, fds, nfds))
		return -1;
	if (!vfs_has(b, VHOST_USER_PROTOCOL_F_REPLY_ACK))
		return 0;
	if (vfs_reply(b, what, request, buf, &len))
		return -1;
	if (vhost_user_reply_u64(buf, len, request, &status))
		return vfs_broken(b, what, EPROTO);
	if (status) {
		/* The back end refused; the stream is still in step. */
		pr_err("virtio-fs: %s: %s: refused (status %llu)", b->name,
		       what, (unsigned long long)status);
		return -1;
	}
	return 0;
}

static bool vfs_need_reply(const struct vfs_backend *b)
{
	return vfs_has(b, VHOST_USER_PROTOCOL_F_REPLY_ACK);
}

/* A GET_* whose reply is a u64. */
static int vfs_get_u64(struct vfs_backend *b, const char *what,
		       uint32_t request, uint64_t *v)
{
	uint8_t buf[VHOST_USER_MSG_MAX];
	size_t len = vhost_user_msg(buf, request, false, NULL, 0);

	if (vfs_send(b, what, buf, len, NULL, 0) ||
	    vfs_reply(b, what, request, buf, &len))
		return -1;
	if (vhost_user_reply_u64(buf, len, request, v))
		return vfs_broken(b, what, EPROTO);
	return 0;
}

/* The handshake: what the back end offers, what lkvm takes, the owner. */
static int vfs_handshake(struct vfs_backend *b)
{
	uint8_t buf[VHOST_USER_MSG_MAX];
	uint64_t pf = 0, queues;

	if (vfs_get_u64(b, "GET_FEATURES", VHOST_USER_GET_FEATURES,
			&b->features))
		return -1;
	if (!virtio_fs_features(b->features)) {
		pr_err("virtio-fs: %s: the back end does not offer VIRTIO_F_VERSION_1",
		       b->name);
		return -1;
	}
	if (b->features & 1ULL << VHOST_USER_F_PROTOCOL_FEATURES) {
		if (vfs_get_u64(b, "GET_PROTOCOL_FEATURES",
				VHOST_USER_GET_PROTOCOL_FEATURES, &pf))
			return -1;
		pf = virtio_fs_protocol_ack(pf);
		/* Acknowledged first: its own ack is not asked for. */
		if (vfs_request(b, "SET_PROTOCOL_FEATURES", buf,
				vhost_user_msg_u64(
					buf, VHOST_USER_SET_PROTOCOL_FEATURES,
					false, pf),
				NULL, 0))
			return -1;
		b->protocol = pf;
	}
	if (vfs_has(b, VHOST_USER_PROTOCOL_F_MQ)) {
		if (vfs_get_u64(b, "GET_QUEUE_NUM", VHOST_USER_GET_QUEUE_NUM,
				&queues))
			return -1;
		if (queues < VIRTIO_FS_NR_QUEUES) {
			pr_err("virtio-fs: %s: the back end serves %llu queues, virtio-fs needs %u",
			       b->name, (unsigned long long)queues,
			       VIRTIO_FS_NR_QUEUES);
			return -1;
		}
	}
	return vfs_request(b, "SET_OWNER", buf,
			   vhost_user_msg(buf, VHOST_USER_SET_OWNER,
					  vfs_need_reply(b), NULL, 0),
			   NULL, 0);
}

/* Replies within VFS_REPLY_TIMEOUT_S, sends too; before the sandbox. */
static int vfs_sock_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = VFS_REPLY_TIMEOUT_S };

	return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	       setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int vfs_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* The child: virtiofsd on dir, its listening socket as descriptor 3. */
static void __attribute__((noreturn))
vfs_exec(const struct vfs_opt *o, const char *exe, int listen_fd)
{
	char dir[VFS_PATH_MAX + 16], sandbox[32];
	const char *argv[8];
	unsigned int n = 0;
	int null = open("/dev/null", O_RDONLY);

	/* Gone with lkvm; not in the terminal's way (Ctrl-C is the guest's). */
	setsid();
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	/* stdin is the guest console's, stdout its output: stderr is lkvm's log. */
	if (null < 0 || dup2(null, 0) < 0 || dup2(2, 1) < 0 ||
	    dup2(listen_fd, 3) < 0)
		_exit(127);
	closefrom(4);
	snprintf(dir, sizeof(dir), "--shared-dir=%s", o->dir);
	argv[n++] = exe;
	argv[n++] = "--fd=3";
	argv[n++] = dir;
	if (o->sandbox[0]) {
		snprintf(sandbox, sizeof(sandbox), "--sandbox=%s", o->sandbox);
		argv[n++] = sandbox;
	}
	argv[n++] = log_enabled(LOG_DEBUG) ? "--log-level=debug" :
					     "--log-level=warn";
	argv[n] = NULL;
	execv(exe, (char *const *)argv);
	fprintf(stderr, "lkvm: --virtio-fs: %s: %s\n", exe, strerror(errno));
	_exit(127);
}

/*
 * A listening socket in a fresh private folder, connected to at once (the
 * connection waits in its backlog) and then removed from the file system:
 * virtiofsd gets the listening descriptor (--fd) and accepts lkvm, and
 * nobody else can reach it. Returns lkvm's end, *listen_fd the other.
 */
static int vfs_socket_pair(int *listen_fd)
{
	char dir[] = "/tmp/lkvm-vfs-XXXXXX";
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int lfd = -1, fd = -1;

	if (!mkdtemp(dir))
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/sock", dir);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd >= 0 && !bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) &&
	    !listen(lfd, 1))
		fd = vfs_connect(sa.sun_path);
	unlink(sa.sun_path);
	rmdir(dir);
	if (fd < 0) {
		if (lfd >= 0)
			close(lfd);
		return -1;
	}
	*listen_fd = lfd;
	return fd;
}

static int vfs_start(struct vfs_backend *b, const struct vfs_opt *o)
{
	const char *exe = o->virtiofsd[0] ? o->virtiofsd :
					    VFS_VIRTIOFSD_DEFAULT;
	struct stat st;
	int lfd;

	if (stat(o->dir, &st)) {
		pr_err("--virtio-fs %s: %s", o->dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		pr_err("--virtio-fs %s: not a folder", o->dir);
		return -1;
	}
	if (access(exe, X_OK)) {
		pr_err("--virtio-fs: %s: %s (the host needs virtiofsd: Debian's package virtiofsd, or virtiofsd=PATH)",
		       exe, strerror(errno));
		return -1;
	}
	b->sock = vfs_socket_pair(&lfd);
	if (b->sock < 0) {
		pr_err("--virtio-fs: a socket for virtiofsd: %s",
		       strerror(errno));
		return -1;
	}
	fflush(NULL);
	b->pid = fork();
	if (b->pid < 0) {
		pr_err("--virtio-fs: starting virtiofsd: %s", strerror(errno));
		close(lfd);
		return -1;
	}
	if (b->pid == 0)
		vfs_exec(o, exe, lfd);
	close(lfd);
	snprintf(b->name, sizeof(b->name), "virtiofsd (pid %d)", (int)b->pid);
	return 0;
}

struct vfs_backend *vfs_backend_open(const struct vfs_opt *o)
{
	struct vfs_backend *b = calloc(1, sizeof(*b));

	if (!b) {
		pr_err("--virtio-fs: out of memory");
		return NULL;
	}
	b->pid = -1;
	b->sock = -1;
	if (o->socket[0]) {
		snprintf(b->name, sizeof(b->name), "socket %s", o->socket);
		b->sock = vfs_connect(o->socket);
		if (b->sock < 0) {
			pr_err("--virtio-fs socket=%s: %s (is a vhost-user back end such as virtiofsd --socket-path listening there?)",
			       o->socket, strerror(errno));
			free(b);
			return NULL;
		}
	} else if (vfs_start(b, o)) {
		free(b);
		return NULL;
	}
	if (vfs_sock_timeouts(b->sock)) {
		pr_err("--virtio-fs: %s: socket time limits: %s", b->name,
		       strerror(errno));
		vfs_backend_close(b);
		return NULL;
	}
	/* Each failure of the handshake has said why. */
	if (vfs_handshake(b)) {
		vfs_backend_close(b);
		return NULL;
	}
	pr_info("virtio-fs: %s: features 0x%llx, protocol features 0x%llx",
		b->name, (unsigned long long)b->features,
		(unsigned long long)b->protocol);
	return b;
}

int vfs_backend_pid(const struct vfs_backend *b)
{
	return b ? b->pid : -1;
}

void vfs_backend_close(struct vfs_backend *b)
{
	struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	int status = 0;
	pid_t r = 0;

	if (!b)
		return;
	if (b->sock >= 0)
		close(b->sock);
	/* virtiofsd ends when its front end goes: wait for it, a bounded time. */
	for (unsigned int ms = 0; b->pid > 0 && ms < VFS_EXIT_WAIT_MS;
	     ms += 10) {
		r = waitpid(b->pid, &status, WNOHANG);
		if (r != 0)
			break;
		nanosleep(&tick, NULL);
	}
	if (b->pid > 0 && r == 0) {
		pr_warn("virtio-fs: %s did not exit: killing it", b->name);
		kill(b->pid, SIGKILL);
		r = waitpid(b->pid, &status, 0);
	}
	if (r > 0 && !(WIFEXITED(status) && !WEXITSTATUS(status)))
		pr_info("virtio-fs: %s ended: %s %d", b->name,
			WIFEXITED(status) ? "exit status" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) :
					    WTERMSIG(status));
	free(b);
}

/* With the lock held: the back end lets go of the queues. */
static void vfs_stop(struct virtio_fs_dev *v)
{
	struct vfs_backend *b = v->be;
	uint8_t buf[VHOST_USER_MSG_MAX];
	size_t len;

	if (!v->running)
		return;
	v->running = false;
	for (unsigned int q = 0; q < VIRTIO_FS_NR_QUEUES; q++) {
		struct vhost_user_state s;

		len = vhost_user_msg_state(buf, VHOST_USER_GET_VRING_BASE,
					   false, q, 0);
		if (vfs_send(b, "GET_VRING_BASE", buf, len, NULL, 0) ||
		    vfs_reply(b, "GET_VRING_BASE", VHOST_USER_GET_VRING_BASE,
			      buf, &len))
			return;
		if (vhost_user_reply_state(buf, len, VHOST_USER_GET_VRING_BASE,
					   &s) ||
		    s.index != q) {
			vfs_broken(b, "GET_VRING_BASE", EPROTO);
			return;
		}
	}
}

/* With the lock held: queue q to the back end. Returns 0, or -1. */
static int vfs_vring(struct virtio_fs_dev *v, unsigned int q)
{
	struct virtio_dev *d = &v->vdev;
	struct vfs_backend *b = v->be;
	bool ack = vfs_need_reply(b);
	uint8_t buf[VHOST_USER_MSG_MAX];
	size_t len;

	if (!d->t.queue_ready[q]) {
		virtio_dev_fail(d, "the driver did not make every queue ready");
		return -1;
	}
	len = vhost_user_msg_vring_addr(buf, ack, q, &d->t.queues[q], &d->ram);
	if (!len) {
		virtio_dev_fail(d, "a queue's rings are outside guest RAM");
		return -1;
	}
	if (vfs_request(b, "SET_VRING_NUM", buf,
			vhost_user_msg_state(buf, VHOST_USER_SET_VRING_NUM, ack,
					     q, d->t.queues[q].num),
			NULL, 0) ||
	    vfs_request(b, "SET_VRING_BASE", buf,
			vhost_user_msg_state(buf, VHOST_USER_SET_VRING_BASE,
					     ack, q, 0),
			NULL, 0))
		return -1;
	len = vhost_user_msg_vring_addr(buf, ack, q, &d->t.queues[q], &d->ram);
	if (vfs_request(b, "SET_VRING_ADDR", buf, len, NULL, 0) ||
	    vfs_request(b, "SET_VRING_CALL", buf,
			vhost_user_msg_u64(buf, VHOST_USER_SET_VRING_CALL, ack,
					   q),
			&v->call_fd[q], 1) ||
	    vfs_request(b, "SET_VRING_KICK", buf,
			vhost_user_msg_u64(buf, VHOST_USER_SET_VRING_KICK, ack,
					   q),
			&d->notify_fd[q], 1))
		return -1;
	/* With protocol features the ring starts disabled. */
	if (b->features & 1ULL << VHOST_USER_F_PROTOCOL_FEATURES &&
	    vfs_request(b, "SET_VRING_ENABLE", buf,
			vhost_user_msg_state(buf, VHOST_USER_SET_VRING_ENABLE,
					     ack, q, 1),
			NULL, 0))
		return -1;
	return 0;
}

/* A vCPU thread, the lock held: the driver set DRIVER_OK. */
static void vfs_driver_ok(struct virtio_dev *d)
{
	struct virtio_fs_dev *v = d->priv;
	struct vfs_backend *b = v->be;
	uint8_t buf[VHOST_USER_MSG_MAX];
	uint64_t f = virtio_fs_backend_ack(b->features, d->t.driver_features);

	vfs_stop(v);
	if (!v->mem_ok || b->broken ||
	    vfs_request(b, "SET_FEATURES", buf,
			vhost_user_msg_u64(buf, VHOST_USER_SET_FEATURES,
					   vfs_need_reply(b), f),
			NULL, 0)) {
		virtio_dev_fail(d, "the vhost-user back end is not working");
		return;
	}
	v->running = true; /* from here a reset must stop what was started */
	for (unsigned int q = 0; q < VIRTIO_FS_NR_QUEUES; q++) {
		if (d->t.status & VIRTIO_STATUS_NEEDS_RESET)
			return;
		if (vfs_vring(v, q)) {
			virtio_dev_fail(
				d,
				"handing a queue to the vhost-user back end failed");
			return;
		}
	}
}

/* A vCPU thread, the lock held: the driver reset the device. */
static void vfs_reset(struct virtio_dev *d)
{
	vfs_stop(d->priv);
}

/* The back end serves both queues: lkvm never does. */
static void vfs_serve(struct virtio_dev *d, unsigned int q)
{
	(void)d;
	(void)q;
}

/* The I/O thread: the back end used buffers of a queue. */
static void vfs_called(void *opaque)
{
	struct virtio_dev_notify *n = opaque;
	struct virtio_fs_dev *v = n->d->priv;

	virtio_dev_backend_called(n->d, v->call_fd[n->q], &v->running);
}

/*
 * The connection is of no more use: an eventfd that never fires takes the
 * socket's descriptor number (the back end sees the close), so that the
 * I/O thread's watch of it goes quiet rather than seeing EOF each round.
 */
static void vfs_disconnect(struct vfs_backend *b)
{
	int e = eventfd(0, EFD_CLOEXEC);

	if (e >= 0) {
		dup3(e, b->sock, O_CLOEXEC);
		close(e);
	}
}

/*
 * The I/O thread: the socket is readable between requests (every request
 * is sent and answered under the device's lock, which this takes): the
 * back end closed it, died, or sent what nobody asked for. The device
 * asks the driver for a reset at once (a config change interrupt with
 * DEVICE_NEEDS_RESET), rather than at the next message lkvm sends.
 */
static void vfs_backend_readable(void *opaque)
{
	struct virtio_fs_dev *v = opaque;
	struct virtio_dev *d = &v->vdev;
	struct vfs_backend *b = v->be;
	char c;
	ssize_t n;

	pthread_mutex_lock(&d->lock);
	n = recv(b->sock, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		pthread_mutex_unlock(&d->lock);
		return;
	}
	vfs_broken(b, "between requests",
		   n == 0	       ? EPIPE :
		   n > 0	       ? EPROTO :
		   errno == ECONNRESET ? EPIPE :
					 errno);
	vfs_disconnect(b);
	v->running = false;
	virtio_dev_fail(d, "its vhost-user back end went away");
	pthread_mutex_unlock(&d->lock);
}

static const struct virtio_dev_ops vfs_ops = {
	.serve = vfs_serve,
	.reset = vfs_reset,
	.driver_ok = vfs_driver_ok,
};

/* Guest RAM, one region at offset 0 of ram_fd, for the back end's accesses. */
static int vfs_mem_table(struct virtio_fs_dev *v, int ram_fd)
{
	struct vhost_user_region r = {
		.guest_phys_addr = v->vdev.ram.base,
		.memory_size = v->vdev.ram.size,
		.userspace_addr = (uintptr_t)v->vdev.ram.host,
		.mmap_offset = 0,
	};
	uint8_t buf[VHOST_USER_MSG_MAX];

	return vfs_request(v->be, "SET_MEM_TABLE", buf,
			   vhost_user_msg_mem_table(buf, vfs_need_reply(v->be),
						    &r, 1),
			   &ram_fd, 1);
}

struct virtio_fs_dev *virtio_fs_dev_create(const struct dev_host *host,
					   uint64_t base, uint32_t intid,
					   struct vfs_backend *b, int ram_fd,
					   const char *tag)
{
	struct virtio_fs_dev *v = calloc(1, sizeof(*v));
	struct virtio_dev *d;

	if (!v) {
		pr_err("virtio-fs: out of memory");
		return NULL;
	}
	v->be = b;
	for (unsigned int q = 0; q < VIRTIO_FS_NR_QUEUES; q++)
		v->call_fd[q] = -1;
	d = &v->vdev;
	d->name = "virtio-fs";
	d->priv = v;
	d->ops = &vfs_ops;
	d->t.device_id = VIRTIO_ID_FS;
	d->t.device_features = virtio_fs_features(b->features);
	d->t.nr_queues = VIRTIO_FS_NR_QUEUES;
	d->t.queue_num_max = VFS_QUEUE_MAX;
	virtio_fs_config_init(&v->cfg, tag);
	d->t.config = (uint8_t *)&v->cfg;
	d->t.config_len = sizeof(v->cfg);
	d->t.config_writable = 0;
	/* The back end reads both kick eventfds: the I/O thread must not. */
	d->unwatched_notify = (1U << VIRTIO_FS_NR_QUEUES) - 1;
	if (virtio_dev_add(d, host, base, intid))
		goto fail;
	for (unsigned int q = 0; q < VIRTIO_FS_NR_QUEUES; q++) {
		v->call_fd[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (v->call_fd[q] < 0) {
			pr_err("virtio-fs: eventfd: %s", strerror(errno));
			goto fail;
		}
		v->call[q] = (struct virtio_dev_notify){ .d = d, .q = q };
		if (host->watch_add(host->ctx, v->call_fd[q], vfs_called,
				    &v->call[q]))
			goto fail;
	}
	/* A back end that fails here fails the driver's DRIVER_OK later. */
	v->mem_ok = !vfs_mem_table(v, ram_fd);
	if (!b->broken &&
	    host->watch_add(host->ctx, b->sock, vfs_backend_readable, v))
		goto fail;
	pr_info("virtio-fs: tag %s, through %s", tag, b->name);
	return v;
fail:
	virtio_fs_dev_destroy(v);
	return NULL;
}

void virtio_fs_dev_destroy(struct virtio_fs_dev *v)
{
	if (!v)
		return;
	pthread_mutex_lock(&v->vdev.lock);
	vfs_stop(v);
	pthread_mutex_unlock(&v->vdev.lock);
	for (unsigned int q = 0; q < VIRTIO_FS_NR_QUEUES; q++)
		if (v->call_fd[q] >= 0)
			close(v->call_fd[q]);
	virtio_dev_release(&v->vdev);
	free(v);
}
