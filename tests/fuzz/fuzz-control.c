// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for vmm/control-proto.c: a request line from the
 * control socket (any local process of the user may write one).
 *
 * The input up to its first NUL is the line, without its newline, as
 * vmm/control.c hands it over: a heap copy of exactly its length and the
 * NUL. A line that parses must survive control_format and control_parse
 * again unchanged. control_parse_number takes the same text, checked
 * against a reference written here from its documentation, and
 * control_dir and control_path with the text as environment variables.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "../../vmm/control-proto.h"

/* The reply "error TEXT" is one printable line. */
static void check_err(const char *err, size_t size)
{
	const char *end = memchr(err, 0, size);

	CHECK(end);
	CHECK(end > err);
	for (const char *p = err; p < end; p++)
		CHECK(*p >= 0x20 && *p <= 0x7e);
}

static void check_req(const struct control_req *req)
{
	switch (req->op) {
	case CONTROL_SDEI_SIGNAL:
		/* DEN0054B 4.1: event numbers are positive 32-bit integers. */
		CHECK(req->event <= 0x7fffffff);
		CHECK(req->cpu == CONTROL_CPU_ROUTED ||
		      (req->cpu >= 0 && req->cpu <= 4095));
		CHECK(!req->json);
		break;
	case CONTROL_SDEI_STATUS:
		CHECK(req->event == 0 && req->cpu == 0);
		break;
	case CONTROL_INFO:
	case CONTROL_STOP:
	case CONTROL_PAUSE:
	case CONTROL_RESUME:
		CHECK(req->event == 0 && req->cpu == 0 && !req->json);
		break;
	default:
		CHECK(!"unknown request");
	}
}

/* control_format, then control_parse of its line: the same request. */
static void round_trip(const struct control_req *req)
{
	struct control_req again;
	char err[CONTROL_LINE_MAX];
	char *buf;
	int n;

	buf = malloc(CONTROL_LINE_MAX);
	if (!buf)
		abort();
	n = control_format(req, buf, CONTROL_LINE_MAX);
	CHECK(n > 1 && n < CONTROL_LINE_MAX);
	CHECK((size_t)n == strlen(buf) && buf[n - 1] == '\n');
	free(buf);

	/* Exactly the room it needs, and one byte short of it. */
	buf = malloc(n + 1);
	if (!buf)
		abort();
	CHECK(control_format(req, buf, n + 1) == n);
	CHECK(control_format(req, buf, n) == -1);
	CHECK(control_format(req, buf, n + 1) == n);
	buf[n - 1] = 0;
	CHECK(control_parse(buf, &again, err, sizeof(err)) == 0);
	CHECK(!memcmp(&again, req, sizeof(again)));
	free(buf);
}

static bool is_dec(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
	return is_dec(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * control_parse_number as control-proto.h documents it: decimal, or hex
 * after 0x, at least one digit, nothing else, no more than max.
 */
static int ref_number(const char *s, uint64_t max, uint64_t *v)
{
	unsigned int base = 10;
	uint64_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned int d;

		if (base == 10 ? !is_dec(*s) : !is_hex(*s))
			return -EINVAL;
		d = is_dec(*s) ? (unsigned int)(*s - '0') :
				 (unsigned int)((*s | 0x20) - 'a' + 10);
		if (n > (UINT64_MAX - d) / base)
			return -EINVAL;
		n = n * base + d;
	}
	if (n > max)
		return -EINVAL;
	*v = n;
	return 0;
}

static void check_number(const char *s)
{
	static const uint64_t maxes[] = { 0, 9, 4095, 0x7fffffff, UINT64_MAX };

	for (unsigned int i = 0; i < sizeof(maxes) / sizeof(*maxes); i++) {
		uint64_t v = 0, ref = 0;
		int ret = control_parse_number(s, maxes[i], &v);
		int want = ref_number(s, maxes[i], &ref);

		CHECK(ret == 0 || ret == -EINVAL);
		CHECK(ret == want);
		if (!ret)
			CHECK(v == ref);
	}
}

/*
 * The socket's folder and path from environment variables the user set:
 * the line as XDG_RUNTIME_DIR, its second half as HOME (existing or not),
 * and the line as a guest name and a --socket path. Buffers of exactly
 * sun_path's size, as vmm/control.c has.
 */
static void check_paths(const char *line, size_t len)
{
	char *dir = malloc(CONTROL_PATH_MAX), *path = malloc(CONTROL_PATH_MAX);
	char *err = malloc(256);
	const char *home = line + len / 2;
	int ret;

	if (!dir || !path || !err)
		abort();
	for (unsigned int i = 0; i < 6; i++) {
		const struct control_env env = {
			.xdg = i % 3 == 1 ? NULL : line,
			.home = i % 3 == 0 ? NULL : home,
			.home_usable = i >= 3,
			.euid = (unsigned int)len * 4099u,
		};
		bool use_xdg = env.xdg && env.xdg[0] == '/';
		bool use_home = !use_xdg && env.home && env.home[0] == '/' &&
				env.home_usable;

		ret = control_dir(&env, dir, CONTROL_PATH_MAX, err, 256);
		CHECK(ret == 0 || ret == -ENAMETOOLONG);
		if (ret) {
			CHECK(memchr(err, 0, 256) && err[0]);
			/* Only a user's variable makes it too long. */
			CHECK(use_xdg || use_home);
			continue;
		}
		CHECK(strnlen(dir, CONTROL_PATH_MAX) < CONTROL_PATH_MAX);
		CHECK(dir[0] == '/');
		/* XDG first, then an existing HOME, then /tmp; relative
		 * paths do not count. */
		if (use_xdg)
			CHECK(!strncmp(dir, env.xdg, strlen(env.xdg)));
		else if (use_home)
			CHECK(!strncmp(dir, env.home, strlen(env.home)));
		else
			CHECK(!strncmp(dir, "/tmp/lkvm-", 10));
		ret = control_path(dir, line, path, CONTROL_PATH_MAX, err, 256);
		CHECK(ret == 0 || ret == -ENAMETOOLONG);
		if (ret) {
			CHECK(memchr(err, 0, 256) && err[0]);
			continue;
		}
		/* It must fit in sun_path with lkvm's ".<pid>" after it. */
		CHECK(strlen(path) < CONTROL_SOCKET_PATH_MAX);
		CHECK(!strncmp(path, dir, strlen(dir)));
	}
	/* The folder of the line as a --socket path: a prefix of it. */
	ret = control_socket_dir(line, dir, CONTROL_PATH_MAX);
	CHECK(ret == 0 || ret == -ENAMETOOLONG);
	if (!ret && strchr(line, '/'))
		CHECK(!strncmp(dir, line, strlen(dir)) &&
		      (line[strlen(dir)] == '/' || !strcmp(dir, "/")));
	else if (!ret)
		CHECK(!strcmp(dir, "."));
	free(err);
	free(path);
	free(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t len = nul ? (size_t)(nul - data) : size;
	struct control_req req;
	char *line, *err;
	int ret;

	line = malloc(len + 1);
	err = malloc(CONTROL_LINE_MAX); /* vmm/control.c's */
	if (!line || !err)
		abort();
	memcpy(line, data, len);
	line[len] = 0;
	memset(err, 0xaa, CONTROL_LINE_MAX);

	ret = control_parse(line, &req, err, CONTROL_LINE_MAX);
	CHECK(ret == 0 || ret == -EINVAL);
	if (ret) {
		check_err(err, CONTROL_LINE_MAX);
	} else {
		/* A line longer than CONTROL_LINE_MAX is refused. */
		CHECK(len < CONTROL_LINE_MAX);
		check_req(&req);
		round_trip(&req);
	}
	check_number(line);
	check_paths(line, len);

	free(err);
	free(line);
	return 0;
}
