// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket: its file, the I/O thread's side of the connections,
 * and the client that `lkvm sdei` uses. Every byte from a connection is
 * untrusted: lines are bounded, replies never block the I/O thread, and a
 * misbehaving client is disconnected without disturbing the guest.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "log.h"

/* How long `lkvm sdei` waits for the guest's reply. */
#define CONTROL_REPLY_TIMEOUT_MS 10000

static int socket_address(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -1;
	strcpy(sa->sun_path, path);
	return 0;
}

/* The environment as control_dir() needs it. */
static void env_read(struct control_env *env)
{
	char dot[CONTROL_PATH_MAX + 8];
	struct stat st;

	env->xdg = getenv("XDG_RUNTIME_DIR");
	env->home = getenv("HOME");
	env->home_usable = false;
	if (env->home && env->home[0] == '/' && !stat(env->home, &st) &&
	    S_ISDIR(st.st_mode)) {
		/* kvmtool's ~/.lkvm, where it is or can be made. */
		snprintf(dot, sizeof(dot), "%s/.lkvm", env->home);
		env->home_usable = !lstat(dot, &st) ||
				   !access(env->home, W_OK | X_OK);
	}
	env->euid = geteuid();
}

/*
 * The folder of this user's sockets (control_dir()), made when make and
 * missing. A folder that is there must pass control_dir_check(), for the
 * clients too: they must not talk to sockets someone else placed. Returns
 * 0, 1 when the folder does not exist (and make is false), or -1 after
 * logging one line.
 */
static int socket_dir(bool make, char *dir, size_t size)
{
	struct control_env env;
	char err[512];
	struct stat st;

	env_read(&env);
	if (control_dir(&env, dir, size, err, sizeof(err))) {
		pr_err("%s", err);
		return -1;
	}
	if (make && mkdir(dir, 0700) && errno != EEXIST) {
		pr_err("control socket folder %s: %s (set XDG_RUNTIME_DIR to a folder of yours, or use --socket PATH)",
		       dir, strerror(errno));
		return -1;
	}
	if (lstat(dir, &st)) {
		if (errno == ENOENT && !make)
			return 1;
		pr_err("control socket folder %s: %s", dir, strerror(errno));
		return -1;
	}
	if (control_dir_check(dir, st.st_mode, st.st_uid, env.euid, err,
			      sizeof(err))) {
		pr_err("%s", err);
		return -1;
	}
	return 0;
}

/*
 * The socket of guest name in this user's folder, the folder made when
 * make_dir. 0, or -1 after logging one line.
 */
static int socket_path(const char *name, bool make_dir, char *path, size_t size)
{
	char dir[CONTROL_PATH_MAX], err[256];

	if (socket_dir(make_dir, dir, sizeof(dir)) < 0)
		return -1;
	if (control_path(dir, name, path, size, err, sizeof(err))) {
		pr_err("%s", err);
		return -1;
	}
	return 0;
}

/* lkvm run --socket PATH: the path is the user's; its folder must exist. */
static int socket_given(const char *sock, char *path, size_t size)
{
	char dir[CONTROL_PATH_MAX];
	struct stat st;

	if (strlen(sock) >= CONTROL_SOCKET_PATH_MAX || strlen(sock) >= size ||
	    control_socket_dir(sock, dir, sizeof(dir))) {
		pr_err("--socket %s: path too long (at most %d bytes)", sock,
		       CONTROL_SOCKET_PATH_MAX - 1);
		return -1;
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		pr_err("--socket %s: no folder %s (lkvm does not make it)",
		       sock, dir);
		return -1;
	}
	strcpy(path, sock);
	return 0;
}

/*
 * A socket file already at path: a live guest answers connect(), a dead
 * one's socket refuses it and is removed.
 */
static int claim_path(const char *path, const char *who, bool by_name)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, ret;

	if (lstat(path, &st)) {
		if (errno == ENOENT)
			return 0;
		pr_err("%s: socket %s: %s", who, path, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		pr_err("%s: %s exists and is not a socket", who, path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || socket_address(path, &sa))
		return -1;
	ret = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	if (!ret) {
		pr_err("%s: %s (socket %s)", who,
		       by_name ? "a guest of that name is running" :
				 "a guest is running at that socket",
		       path);
		return -1;
	}
	if (errno != ECONNREFUSED) {
		pr_err("%s: socket %s: %s", who, path, strerror(errno));
		return -1;
	}
	pr_info("removing the stale socket %s of a guest that is gone", path);
	return unlink(path) && errno != ENOENT ? -1 : 0;
}

/*
 * Binds and listens on a private name first, then links it to the guest's
 * path: a socket at that path always has a listener (lkvm list removes the
 * ones that refuse connections), and link() fails if another lkvm took
 * the name meanwhile.
 */
static int listen_at(struct control *c, const char *who)
{
	char tmp[CONTROL_PATH_MAX + 16];
	struct sockaddr_un sa;
	mode_t old;
	int ret;

	snprintf(tmp, sizeof(tmp), "%s.%d", c->path, (int)getpid());
	if (socket_address(tmp, &sa)) {
		pr_err("control socket %s: path too long", tmp);
		return -1;
	}
	unlink(tmp);
	c->listen_fd =
		socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->listen_fd < 0) {
		pr_err("control socket: %s", strerror(errno));
		return -1;
	}
	/* Only threads that do not create files exist yet: umask is safe. */
	old = umask(0177);
	ret = bind(c->listen_fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (ret || listen(c->listen_fd, CONTROL_MAX_CLIENTS)) {
		pr_err("control socket %s: %s", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	ret = link(tmp, c->path);
	if (ret && errno == EEXIST)
		pr_err("%s: a guest is starting there (socket %s)", who,
		       c->path);
	else if (ret)
		pr_err("control socket %s: %s", c->path, strerror(errno));
	unlink(tmp);
	return ret ? -1 : 0;
}

int control_open(struct control *c, const char *name, const char *sock,
		 control_handler handler, void *ctx)
{
	char who[CONTROL_PATH_MAX + 16];

	memset(c, 0, sizeof(*c));
	c->listen_fd = -1;
	for (unsigned int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		c->clients[i].fd = -1;
	c->handler = handler;
	c->ctx = ctx;
	snprintf(who, sizeof(who), "%s %s", sock ? "--socket" : "--name",
		 sock ? sock : name);
	if ((sock ? socket_given(sock, c->path, sizeof(c->path)) :
		    socket_path(name, true, c->path, sizeof(c->path))) ||
	    claim_path(c->path, who, !sock) || listen_at(c, who)) {
		if (c->listen_fd >= 0)
			close(c->listen_fd);
		c->listen_fd = -1;
		c->path[0] = 0;
		return -1;
	}
	pr_info("control socket %s", c->path);
	return 0;
}

static void client_drop(struct control_client *cl)
{
	if (cl->fd >= 0)
		close(cl->fd);
	cl->fd = -1;
	cl->len = 0;
}

void control_close(struct control *c)
{
	for (unsigned int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		client_drop(&c->clients[i]);
	if (c->listen_fd < 0)
		return;
	close(c->listen_fd);
	c->listen_fd = -1;
	/*
	 * After --user the socket's folder (root's) is no longer lkvm's to
	 * change: the socket stays, stale; lkvm list and the next guest of
	 * the name remove it.
	 */
	if (unlink(c->path) && errno != ENOENT)
		pr_debug("control socket %s left: %s", c->path,
			 strerror(errno));
}

unsigned int control_pollfds(const struct control *c, struct pollfd *fds,
			     unsigned int max)
{
	unsigned int n = 0;

	if (c->listen_fd < 0 || !max)
		return 0;
	fds[n++] = (struct pollfd){ .fd = c->listen_fd, .events = POLLIN };
	for (unsigned int i = 0; i < CONTROL_MAX_CLIENTS && n < max; i++)
		if (c->clients[i].fd >= 0)
			fds[n++] = (struct pollfd){ .fd = c->clients[i].fd,
						    .events = POLLIN };
	return n;
}

/* A reply never blocks the I/O thread: a client that does not read is cut. */
static int client_send(struct control_client *cl, const char *reply)
{
	size_t len = strlen(reply);
	struct iovec iov[2] = {
		{ .iov_base = (void *)reply, .iov_len = len },
		{ .iov_base = "\n", .iov_len = 1 },
	};
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };

	if (sendmsg(cl->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) !=
	    (ssize_t)len + 1) {
		client_drop(cl);
		return -1;
	}
	return 0;
}

static int client_line(struct control *c, struct control_client *cl,
		       const char *line)
{
	/* The I/O thread is the only caller: one buffer serves every reply. */
	static char reply[CONTROL_REPLY_MAX];
	char err[CONTROL_LINE_MAX];
	struct control_req req;

	if (control_parse(line, &req, err, sizeof(err))) {
		snprintf(reply, sizeof(reply), "error %s", err);
		pr_debug("control socket: refused a request: %s", err);
	} else {
		c->handler(c->ctx, &req, reply, sizeof(reply));
	}
	return client_send(cl, reply);
}

/* Answers every complete line held; returns -1 if the client was cut. */
static int client_lines(struct control *c, struct control_client *cl)
{
	char *nl;

	while ((nl = memchr(cl->buf, '\n', cl->len))) {
		size_t used = nl - cl->buf + 1;

		*nl = 0;
		if (nl > cl->buf && nl[-1] == '\r')
			nl[-1] = 0;
		if (client_line(c, cl, cl->buf))
			return -1;
		memmove(cl->buf, cl->buf + used, cl->len - used);
		cl->len -= used;
	}
	if (cl->len == sizeof(cl->buf)) {
		client_send(cl, "error request too long");
		client_drop(cl);
		return -1;
	}
	return 0;
}

static void client_read(struct control *c, struct control_client *cl)
{
	ssize_t n = read(cl->fd, cl->buf + cl->len, sizeof(cl->buf) - cl->len);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		/* The peer is done: a last line without newline counts. */
		if (n == 0 && cl->len && cl->len < sizeof(cl->buf)) {
			cl->buf[cl->len] = 0;
			client_line(c, cl, cl->buf);
		}
		client_drop(cl);
		return;
	}
	cl->len += n;
	client_lines(c, cl);
}

/* Only this user (or root) may talk to the guest. */
static bool peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return false;
	return cred.uid == geteuid() || cred.uid == 0;
}

static void control_accept(struct control *c)
{
	struct control_client tmp = { .len = 0 };
	unsigned int i;

	tmp.fd =
		accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (tmp.fd < 0)
		return;
	if (!peer_allowed(tmp.fd)) {
		client_send(&tmp, "error permission denied");
		client_drop(&tmp);
		return;
	}
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
		if (c->clients[i].fd < 0)
			break;
	if (i == CONTROL_MAX_CLIENTS) {
		client_send(&tmp, "error too many connections");
		client_drop(&tmp);
		return;
	}
	c->clients[i] = tmp;
}

void control_serve(struct control *c, const struct pollfd *fds, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		if (!fds[i].revents)
			continue;
		for (unsigned int j = 0; j < CONTROL_MAX_CLIENTS; j++)
			if (c->clients[j].fd == fds[i].fd) {
				client_read(c, &c->clients[j]);
				break;
			}
	}
	if (n && fds[0].revents)
		control_accept(c);
}

/* --- The client. */

/*
 * Connects to the guest of --socket sock, or else of --name name; who
 * gets the option, for messages.
 */
static int client_connect(const char *name, const char *sock, char *who,
			  size_t who_size)
{
	char path[CONTROL_PATH_MAX];
	struct sockaddr_un sa;
	int fd;

	snprintf(who, who_size, "%s %s", sock ? "--socket" : "--name",
		 sock ? sock : name);
	if (sock) {
		if (strlen(sock) >= sizeof(path)) {
			pr_err("%s: path too long", who);
			return -1;
		}
		strcpy(path, sock);
	} else if (socket_path(name, false, path, sizeof(path))) {
		return -1;
	}
	if (socket_address(path, &sa))
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		pr_err("socket: %s", strerror(errno));
		return -1;
	}
	if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return fd;
	if (errno == ENOENT)
		pr_err("%s: no such guest (no socket %s)", who, path);
	else if (errno == ECONNREFUSED)
		pr_err("%s: the guest is not running (stale socket %s)", who,
		       path);
	else
		pr_err("%s: socket %s: %s", who, path, strerror(errno));
	close(fd);
	return -1;
}

/*
 * Reads until reply holds `want` lines (0: the first line decides: "ok N"
 * asks for N more), waiting at most the reply timeout for each read.
 */
static int client_reply(int fd, const char *who, bool body, char *reply,
			size_t size)
{
	unsigned int want = 1, have = 0, n_body;
	size_t len = 0;

	while (have < want) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (len + 1 >= size) {
			pr_err("%s: reply too long", who);
			return -1;
		}
		if (poll(&p, 1, CONTROL_REPLY_TIMEOUT_MS) <= 0) {
			pr_err("%s: no reply from the guest", who);
			return -1;
		}
		n = read(fd, reply + len, size - 1 - len);
		if (n <= 0) {
			pr_err("%s: the guest closed the connection", who);
			return -1;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (reply[len + i] != '\n')
				continue;
			if (++have == 1 && body &&
			    sscanf(reply, "ok %u", &n_body) == 1)
				want += n_body;
		}
		len += n;
		reply[len] = 0;
	}
	/* The last newline ends the reply; a body keeps its inner ones. */
	if (len && reply[len - 1] == '\n')
		reply[len - 1] = 0;
	return 0;
}

int control_request(const char *name, const char *sock,
		    const struct control_req *req, char *reply, size_t size)
{
	char line[CONTROL_LINE_MAX], who[CONTROL_PATH_MAX + 16];
	int fd, n, ret = -1;

	n = control_format(req, line, sizeof(line));
	if (n < 0) {
		pr_err("internal: request too long");
		return -1;
	}
	fd = client_connect(name, sock, who, sizeof(who));
	if (fd < 0)
		return -1;
	if (send(fd, line, n, MSG_NOSIGNAL) != n)
		pr_err("%s: sending: %s", who, strerror(errno));
	else
		ret = client_reply(fd, who, control_reply_has_body(req), reply,
				   size);
	close(fd);
	return ret;
}

/* Parses "ok name=N pid=P vcpus=V mem=M state=S". */
static int parse_info(const char *reply, struct control_guest *g)
{
	char name[CONTROL_PATH_MAX];

	memset(g, 0, sizeof(*g));
	if (sscanf(reply, "ok name=%107s pid=%d vcpus=%u mem=%llu state=%15s",
		   name, &g->pid, &g->vcpus, &g->mem_mib, g->state) != 5)
		return -1;
	snprintf(g->name, sizeof(g->name), "%s", name);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Asks the guest of socket file `file` (NAME.sock) in dir for its info. */
static int list_one(const char *dir, const char *file, struct control_guest *g)
{
	const struct control_req req = { .op = CONTROL_INFO };
	char name[CONTROL_PATH_MAX], path[CONTROL_PATH_MAX * 2], line[64];
	char who[CONTROL_PATH_MAX + 8];
	char reply[CONTROL_LINE_MAX];
	struct sockaddr_un sa;
	int fd, n, ret = -1;

	snprintf(name, sizeof(name), "%.*s", (int)(strlen(file) - 5), file);
	snprintf(who, sizeof(who), "--name %s", name);
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || socket_address(path, &sa)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		/* Nobody listens: the guest is gone, its socket stale. */
		if (errno == ECONNREFUSED && !unlink(path))
			pr_info("removed the stale socket %s", path);
		close(fd);
		return -1;
	}
	n = control_format(&req, line, sizeof(line));
	if (n > 0 && send(fd, line, n, MSG_NOSIGNAL) == n &&
	    !client_reply(fd, who, false, reply, sizeof(reply)))
		ret = parse_info(reply, g);
	close(fd);
	return ret;
}

int control_list(void (*fn)(void *ctx, const struct control_guest *g),
		 void *ctx)
{
	char dir[CONTROL_PATH_MAX];
	struct dirent **names;
	int n, found = 0;

	n = socket_dir(false, dir, sizeof(dir));
	if (n)
		return n > 0 ? 0 : -1;
	n = scandir(dir, &names, NULL, by_name);
	if (n < 0) {
		pr_err("control socket folder %s: %s", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const char *f = names[i]->d_name;
		size_t len = strlen(f);
		struct control_guest g;

		if (len > 5 && !strcmp(f + len - 5, ".sock") &&
		    !list_one(dir, f, &g)) {
			fn(ctx, &g);
			found++;
		}
		free(names[i]);
	}
	free(names);
	return found;
}
