// SPDX-License-Identifier: GPL-2.0
/*
 * vsock-echo: the lab's AF_VSOCK peer, in L1 and in the L2 guest.
 *
 *   vsock-echo listen PORT          accept one connection on PORT (any
 *                                   CID), read one line, send it back;
 *                                   prints "vsock-echo: listening on
 *                                   port PORT" once it listens, then
 *                                   "vsock-echo: echoed N bytes to CID C"
 *   vsock-echo connect CID PORT TEXT
 *                                   connect to CID:PORT, send TEXT and a
 *                                   newline, print the line that comes
 *                                   back ("vsock-echo: reply TEXT")
 *   vsock-echo cid                  print this machine's own CID
 *                                   ("vsock-echo: local CID N")
 *
 * Exits 0 on success, 1 with a line on stderr otherwise; 30 s at most.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/vm_sockets.h>

#define LINE_MAX_LEN 4096

static int die(const char *what)
{
	fprintf(stderr, "vsock-echo: %s: %s\n", what, strerror(errno));
	return 1;
}

/* Reads up to a newline (kept) or the end; returns the length or -1. */
static ssize_t read_line(int fd, char *buf, size_t max)
{
	size_t n = 0;

	while (n < max) {
		ssize_t r = read(fd, buf + n, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		if (buf[n++] == '\n')
			break;
	}
	return n;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		len -= w;
	}
	return 0;
}

static unsigned int number(const char *s)
{
	char *e;
	unsigned long v = strtoul(s, &e, 10);

	if (!*s || *e || v > 0xffffffffUL) {
		fprintf(stderr, "vsock-echo: '%s' is not a number\n", s);
		exit(1);
	}
	return v;
}

static int do_listen(unsigned int port)
{
	struct sockaddr_vm sa = { .svm_family = AF_VSOCK,
				  .svm_cid = VMADDR_CID_ANY,
				  .svm_port = port };
	struct sockaddr_vm peer;
	socklen_t plen = sizeof(peer);
	char buf[LINE_MAX_LEN];
	ssize_t n;
	int s, c;

	s = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (s < 0)
		return die("socket(AF_VSOCK)");
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return die("bind");
	if (listen(s, 1) < 0)
		return die("listen");
	printf("vsock-echo: listening on port %u\n", port);
	fflush(stdout);
	c = accept(s, (struct sockaddr *)&peer, &plen);
	if (c < 0)
		return die("accept");
	n = read_line(c, buf, sizeof(buf));
	if (n < 0)
		return die("read");
	if (write_all(c, buf, n) < 0)
		return die("write");
	printf("vsock-echo: echoed %zd bytes to CID %u\n", n, peer.svm_cid);
	close(c);
	close(s);
	return 0;
}

static int do_connect(unsigned int cid, unsigned int port, const char *text)
{
	struct sockaddr_vm sa = { .svm_family = AF_VSOCK,
				  .svm_cid = cid,
				  .svm_port = port };
	char buf[LINE_MAX_LEN];
	ssize_t n;
	int s;

	s = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (s < 0)
		return die("socket(AF_VSOCK)");
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return die("connect");
	if (write_all(s, text, strlen(text)) < 0 || write_all(s, "\n", 1) < 0)
		return die("write");
	n = read_line(s, buf, sizeof(buf) - 1);
	if (n < 0)
		return die("read");
	if (n && buf[n - 1] == '\n')
		n--;
	buf[n] = 0;
	printf("vsock-echo: reply %s\n", buf);
	close(s);
	return 0;
}

static int do_cid(void)
{
	unsigned int cid;
	int fd = open("/dev/vsock", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return die("/dev/vsock");
	if (ioctl(fd, IOCTL_VM_SOCKETS_GET_LOCAL_CID, &cid) < 0)
		return die("IOCTL_VM_SOCKETS_GET_LOCAL_CID");
	printf("vsock-echo: local CID %u\n", cid);
	return 0;
}

int main(int argc, char **argv)
{
	alarm(30);
	if (argc == 3 && !strcmp(argv[1], "listen"))
		return do_listen(number(argv[2]));
	if (argc == 2 && !strcmp(argv[1], "cid"))
		return do_cid();
	if (argc == 5 && !strcmp(argv[1], "connect"))
		return do_connect(number(argv[2]), number(argv[3]), argv[4]);
	fprintf(stderr,
		"usage: vsock-echo listen PORT | connect CID PORT TEXT | cid\n");
	return 2;
}
