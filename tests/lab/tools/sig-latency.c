// SPDX-License-Identifier: GPL-2.0
/*
 * sig-latency SOCKET EVENT CPU N GAP_MS: sends "sdei signal EVENT CPU" N
 * times (CPU "-": no vCPU, for a shared event) to a guest's control
 * socket, one at a time, and prints for each "SIG <i> <t_send> <t_reply>
 * <reply>", the times being this host's virtual counter (CNTVCT_EL0, the
 * clock KVM offsets the guest's counter from) just before the request and
 * just after its reply.
 *
 * Before each signal it waits until the event is idle there, neither
 * pending nor running (lkvm's "sdei status json": the event's entry, or
 * for a private event its entry for vCPU CPU), then GAP_MS more. A signal
 * that found the handler still running would be answered "ok pending
 * held=running" and delivered only at its COMPLETE, and one that found the
 * previous trigger not yet dispatched "ok merged": the round would time
 * the handler, not the signal, or be lost. So every reply must be "ok
 * pending"; a caller checks that, and the guest's count of handler runs.
 * An event that stays busy for 10 s ends the tool with status 1.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define BUSY_LIMIT_MS 10000
/* lkvm's longest reply: the status of a guest with many vCPUs. */
#define REPLY_MAX 65536

static int fd;
static char buf[REPLY_MAX];
static size_t buf_len;

static uint64_t cntvct(void)
{
	uint64_t v;

	asm volatile("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
	return v;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void send_line(const char *line)
{
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
		perror("sig-latency: write");
		exit(1);
	}
}

/* Reads the next reply line into line (without its newline). */
static void read_line(char *line, size_t size)
{
	char *nl;
	size_t n;

	while (!(nl = memchr(buf, '\n', buf_len))) {
		ssize_t r;

		if (buf_len == sizeof(buf)) {
			fprintf(stderr, "sig-latency: reply line too long\n");
			exit(1);
		}
		r = read(fd, buf + buf_len, sizeof(buf) - buf_len);
		if (r <= 0) {
			perror("sig-latency: read");
			exit(1);
		}
		buf_len += r;
	}
	n = nl - buf;
	if (n >= size) {
		fprintf(stderr, "sig-latency: reply line too long\n");
		exit(1);
	}
	memcpy(line, buf, n);
	line[n] = 0;
	buf_len -= n + 1;
	memmove(buf, nl + 1, buf_len);
}

/*
 * Whether the event is idle in lkvm's status JSON: its object
 * {"event":E,...} has "running":false,"pending":false, for a private event
 * in its vCPU's entry {"vcpu":C,...} of the object's "vcpus" list.
 */
static bool event_idle(const char *json, const char *event, const char *cpu)
{
	static const char idle[] = "\"running\":false,\"pending\":false";
	char key[64];
	const char *p, *end;

	snprintf(key, sizeof(key), "{\"event\":%s,", event);
	p = strstr(json, key);
	if (!p)
		return false;
	/* An event's object ends at "]}" (private) or at its first '}'. */
	end = strchr(p, '}');
	if (strcmp(cpu, "-")) {
		snprintf(key, sizeof(key), "{\"vcpu\":%s,", cpu);
		end = strstr(p, "]}");
		p = strstr(p, key);
		if (!p || !end || p > end)
			return false;
		end = strchr(p, '}');
	}
	p = strstr(p, idle);
	return p && end && p < end;
}

static void wait_idle(const char *event, const char *cpu)
{
	static char json[REPLY_MAX];
	uint64_t start = now_ms();
	unsigned int lines;
	char line[64];

	for (;;) {
		send_line("sdei status json\n");
		/* "ok N" (N padded with spaces), then N lines: one here. */
		read_line(line, sizeof(line));
		if (sscanf(line, "ok %u", &lines) != 1 || lines != 1) {
			fprintf(stderr, "sig-latency: sdei status: %s\n", line);
			exit(1);
		}
		read_line(json, sizeof(json));
		if (event_idle(json, event, cpu))
			return;
		if (now_ms() - start > BUSY_LIMIT_MS) {
			fprintf(stderr,
				"sig-latency: event %s (cpu %s) still pending or running after %d ms: %s\n",
				event, cpu, BUSY_LIMIT_MS, json);
			exit(1);
		}
		usleep(1000);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char req[64], reply[256];
	int n, gap_ms;

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
		uint64_t t0, t1;

		wait_idle(argv[2], argv[3]);
		usleep(gap_ms * 1000);
		t0 = cntvct();
		send_line(req);
		read_line(reply, sizeof(reply));
		t1 = cntvct();
		printf("SIG %d %llu %llu %s\n", i, (unsigned long long)t0,
		       (unsigned long long)t1, reply);
	}
	/* The last round's handler has run when the event is idle again. */
	wait_idle(argv[2], argv[3]);
	return 0;
}
