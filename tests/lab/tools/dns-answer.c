// SPDX-License-Identifier: GPL-2.0
/*
 * dns-answer: the lab's DNS server in L1, for user-mode networking's
 * 10.0.2.3 (69-virtio-net).
 *
 *   dns-answer ADDR IPV4   listen on UDP ADDR:53, answer each query for
 *                          an A record with IPV4 (any name), print
 *                          "dns-answer: listening on ADDR" once it
 *                          listens, then "dns-answer: NAME from PEER"
 *                          for each query (RFC 1035 section 4.1)
 *
 * Runs until killed; a malformed packet is skipped.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DNS_HDR 12

/* The query's name as dotted text; the offset past QNAME, or -1. */
static int qname(const uint8_t *p, int len, char *out, size_t cap)
{
	int i = DNS_HDR;
	size_t o = 0;

	while (i < len && p[i]) {
		int n = p[i++];

		if (n > 63 || i + n > len || o + n + 2 > cap)
			return -1;
		if (o)
			out[o++] = '.';
		memcpy(out + o, p + i, n);
		o += n;
		i += n;
	}
	if (i >= len)
		return -1;
	out[o] = '\0';
	return i + 1;
}

/* Builds the answer in p (the query, len bytes); its length or -1. */
static int answer(uint8_t *p, int len, int end, struct in_addr a)
{
	static const uint8_t rr[] = {
		0xc0, DNS_HDR, /* the name: a pointer to the question's */
		0,    1,       0, 1, /* type A, class IN */
		0,    0,       0, 60, /* TTL */
		0,    4, /* RDLENGTH */
	};
	uint16_t qtype;

	if (end + 4 > len || end + 4 + (int)sizeof(rr) + 4 > 512)
		return -1;
	qtype = (uint16_t)(p[end] << 8 | p[end + 1]);
	p[2] = 0x84 | (p[2] & 0x01); /* QR, AA, the query's RD */
	p[3] = 0x80; /* RA, NOERROR */
	p[4] = 0, p[5] = 1; /* one question */
	p[6] = 0, p[7] = qtype == 1; /* an answer for type A only */
	memset(p + 8, 0, 4);
	end += 4;
	if (qtype != 1)
		return end;
	memcpy(p + end, rr, sizeof(rr));
	memcpy(p + end + sizeof(rr), &a, 4);
	return end + (int)sizeof(rr) + 4;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(53) };
	struct in_addr a;
	uint8_t buf[512];
	char name[256];
	int fd;

	if (argc != 3 || !inet_pton(AF_INET, argv[1], &sa.sin_addr) ||
	    !inet_pton(AF_INET, argv[2], &a)) {
		fprintf(stderr, "usage: dns-answer ADDR IPV4\n");
		return 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("dns-answer: bind");
		return 1;
	}
	printf("dns-answer: listening on %s\n", argv[1]);
	fflush(stdout);
	for (;;) {
		struct sockaddr_in peer;
		socklen_t pl = sizeof(peer);
		int len = (int)recvfrom(fd, buf, sizeof(buf), 0,
					(struct sockaddr *)&peer, &pl);
		int end, n;

		if (len < DNS_HDR)
			continue;
		end = qname(buf, len, name, sizeof(name));
		if (end < 0)
			continue;
		printf("dns-answer: %s from %s\n", name,
		       inet_ntoa(peer.sin_addr));
		fflush(stdout);
		n = answer(buf, len, end, a);
		if (n > 0)
			sendto(fd, buf, n, 0, (struct sockaddr *)&peer, pl);
	}
}
