// SPDX-License-Identifier: GPL-2.0
/*
 * sig-latency SOCKET EVENT CPU N GAP_MS: sends "sdei signal EVENT CPU" N
 * times (CPU "-": no vCPU, for a shared event) to a guest's control socket, one at a time, GAP_MS apart, and
 * prints for each "SIG <i> <t_send> <t_reply> <reply>", the times being
 * this host's virtual counter (CNTVCT_EL0, the clock KVM offsets the
 * guest's counter from) just before the request and just after its reply.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static uint64_t cntvct(void)
{
	uint64_t v;

	asm volatile("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
	return v;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char req[64], reply[256];
	int fd, n, gap_ms;

	if (argc != 6 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr,
			"usage: sig-latency SOCKET EVENT CPU N GAP_MS\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	n = atoi(argv[4]);
	gap_ms = atoi(argv[5]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("sig-latency: connect");
		return 1;
	}
	if (!strcmp(argv[3], "-"))
		snprintf(req, sizeof(req), "sdei signal %s\n", argv[2]);
	else
		snprintf(req, sizeof(req), "sdei signal %s %s\n", argv[2],
			 argv[3]);
	for (int i = 0; i < n; i++) {
		size_t len = 0;
		uint64_t t0, t1;

		t0 = cntvct();
		if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
			perror("sig-latency: write");
			return 1;
		}
		while (len < sizeof(reply) - 1) {
			ssize_t r =
				read(fd, reply + len, sizeof(reply) - 1 - len);

			if (r <= 0) {
				perror("sig-latency: read");
				return 1;
			}
			len += r;
			if (memchr(reply, '\n', len))
				break;
		}
		t1 = cntvct();
		reply[len] = 0;
		reply[strcspn(reply, "\n")] = 0;
		printf("SIG %d %llu %llu %s\n", i, (unsigned long long)t0,
		       (unsigned long long)t1, reply);
		usleep(gap_ms * 1000);
	}
	return 0;
}
