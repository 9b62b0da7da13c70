// SPDX-License-Identifier: GPL-2.0
/*
 * ctl-junk SOCKET MODE: hostile peers of a guest's control socket, for the
 * lab (the guest must run on undisturbed, the socket go on answering).
 *
 *   random N   N connections, each sending up to 4 KiB of random bytes
 *              (newlines included) and closing without reading
 *   long       one line of 10 KiB: prints the reply ("error request too
 *              long" expected)
 *   half       "info" without a newline, then shutdown(SHUT_WR): prints
 *              the reply (the request still counts)
 *   many N     holds N connections open, then asks "info" on one more and
 *              prints the reply ("error too many connections" past 8)
 *   flood      sends 20000 "info" lines without reading a reply: lkvm must
 *              cut it rather than block
 *   as-uid U   as user id U (from root), connects and asks "info": prints
 *              "refused: <why>" or the reply
 *
 * Exits 0 when it could run the mode, 1 when the socket could not be
 * reached (the caller then fails).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *path;

static int connect_sock(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd < 0 || strlen(path) >= sizeof(sa.sun_path))
		exit(1);
	strcpy(sa.sun_path, path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "ctl-junk: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return fd;
}

/* Prints what comes back within 5 s, up to the first newline. */
static void print_reply(int fd)
{
	char buf[512];
	size_t len = 0;

	while (len < sizeof(buf) - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 5000) <= 0)
			break;
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += n;
		if (memchr(buf, '\n', len))
			break;
	}
	buf[len] = 0;
	printf("reply: %s%s", len ? buf : "(none)",
	       len && buf[len - 1] == '\n' ? "" : "\n");
}

static void send_all(int fd, const void *buf, size_t len)
{
	if (send(fd, buf, len, MSG_NOSIGNAL) < 0)
		printf("send: %s\n", strerror(errno));
}

int main(int argc, char **argv)
{
	const char *mode;
	int n = argc > 3 ? atoi(argv[3]) : 0;

	if (argc < 3) {
		fprintf(stderr,
			"usage: ctl-junk SOCKET random N|long|half|many N|flood\n");
		return 2;
	}
	path = argv[1];
	mode = argv[2];
	srand(getpid());
	if (!strcmp(mode, "random")) {
		for (int i = 0; i < n; i++) {
			char buf[4096];
			size_t len = rand() % sizeof(buf);
			int fd = connect_sock();

			for (size_t j = 0; j < len; j++)
				buf[j] = rand() % 7 ? rand() : '\n';
			send_all(fd, buf, len);
			close(fd);
		}
		printf("sent %d random connections\n", n);
	} else if (!strcmp(mode, "long")) {
		static char line[10240];
		int fd = connect_sock();

		memset(line, 'a', sizeof(line));
		send_all(fd, line, sizeof(line));
		print_reply(fd);
		close(fd);
	} else if (!strcmp(mode, "half")) {
		int fd = connect_sock();

		send_all(fd, "info", 4);
		shutdown(fd, SHUT_WR);
		print_reply(fd);
		close(fd);
	} else if (!strcmp(mode, "many")) {
		int *fds = calloc(n + 1, sizeof(*fds));

		for (int i = 0; i < n; i++)
			fds[i] = connect_sock();
		/* Let lkvm accept them before the last one asks. */
		usleep(300000);
		fds[n] = connect_sock();
		send_all(fds[n], "info\n", 5);
		print_reply(fds[n]);
		for (int i = 0; i <= n; i++)
			close(fds[i]);
		free(fds);
	} else if (!strcmp(mode, "flood")) {
		int fd = connect_sock();
		int sent = 0;

		for (int i = 0; i < 20000; i++) {
			if (send(fd, "info\n", 5,
				 MSG_NOSIGNAL | MSG_DONTWAIT) != 5)
				break;
			sent++;
		}
		printf("flood: %d requests sent before the socket stopped taking them\n",
		       sent);
		close(fd);
	} else if (!strcmp(mode, "as-uid")) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd;

		if (setgid(n) || setuid(n)) {
			perror("ctl-junk: setuid");
			return 1;
		}
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		strcpy(sa.sun_path, path);
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
			printf("refused: %s\n", strerror(errno));
			return 0;
		}
		send_all(fd, "info\n", 5);
		print_reply(fd);
		close(fd);
	} else {
		fprintf(stderr, "ctl-junk: unknown mode %s\n", mode);
		return 2;
	}
	return 0;
}
