// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for vmm/options.c: options_parse on a command line.
 *
 * The input split at its NUL bytes gives argv[1..] (at most MAX_ARGS
 * arguments, empty ones included; a NUL at the very end ends the last
 * one), argv[0] is "lkvm". Each argument is a heap copy of exactly its
 * length, so that ASan sees a read past one.
 *
 * The same command line is parsed twice, with main's 256-byte error
 * buffer and with a short one: same answer, and the short message is the
 * long one cut, NUL-terminated within its buffer.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "../../vmm/options.h"

#define MAX_ARGS 64
#define ERR_SIZE 256 /* vmm/main.c's */
#define NAME_MAX_LEN 64
#define MAX_CPUS 4096
#define MEM_MAX_MIB (1024ull * 1024)
#define TIMEOUT_MAX (7u * 24 * 3600)
/* sun_path's 108 bytes less lkvm's ".<pid>" (8), NUL included. */
#define SOCKET_PATH_MAX 100

struct cmdline {
	int argc;
	char *argv[MAX_ARGS + 2];
};

/* Whether p is NULL or points into one of the arguments. */
static bool from_argv(const struct cmdline *cl, const char *p)
{
	if (!p)
		return true;
	for (int i = 1; i < cl->argc; i++) {
		size_t len = strlen(cl->argv[i]);

		if (p >= cl->argv[i] && p <= cl->argv[i] + len)
			return true;
	}
	return false;
}

/* --name: 1 to 64 of [A-Za-z0-9._-] (the socket's file name). */
static bool name_ok(const char *name, size_t size)
{
	size_t len = strnlen(name, size);

	if (len == 0 || len > NAME_MAX_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = name[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		      ch == '.'))
			return false;
	}
	return true;
}

/* --socket: from the command line, 1 to 99 bytes, not a folder's path. */
static bool socket_ok(const struct cmdline *cl, const char *sock)
{
	size_t len;

	if (!sock)
		return true;
	len = strlen(sock);
	return from_argv(cl, sock) && len > 0 && len < SOCKET_PATH_MAX &&
	       sock[len - 1] != '/';
}

/* A client's guest: by --name or by --socket, never both. */
static void check_guest(const struct cmdline *cl, const struct sdei_opts *s)
{
	CHECK(!s->name[0] != !s->socket);
	CHECK(!s->name[0] || name_ok(s->name, sizeof(s->name)));
	CHECK(socket_ok(cl, s->socket));
}

static void check_run(const struct cmdline *cl, const struct run_opts *r)
{
	/* A kernel or firmware, never both. */
	CHECK(!r->kernel != !r->firmware);
	CHECK(from_argv(cl, r->kernel) && from_argv(cl, r->firmware));
	CHECK(!r->firmware_addr || r->firmware);
	CHECK(from_argv(cl, r->initrd));
	CHECK(from_argv(cl, r->params));
	CHECK(from_argv(cl, r->dump_dtb));
	CHECK(from_argv(cl, r->console_log));
	CHECK(r->nr_cpus >= 1 && r->nr_cpus <= MAX_CPUS);
	CHECK(r->mem_mib >= OPT_MEM_MIN_MIB && r->mem_mib <= MEM_MAX_MIB);
	CHECK(!r->name[0] || name_ok(r->name, sizeof(r->name)));
	CHECK(socket_ok(cl, r->socket));
	CHECK(r->console == CONSOLE_SERIAL || r->console == CONSOLE_VIRTIO);
	CHECK(r->loglevel >= LOG_ERROR && r->loglevel <= LOG_DEBUG);
	CHECK(r->timeout_s <= TIMEOUT_MAX);
	CHECK(!r->e2h0 || r->nested);
	/* kvmtool's default RAM when -m is not given. */
	CHECK(r->mem_given || r->mem_mib == 64 * (r->nr_cpus + 3ULL));
	CHECK(!r->sve_max_vl ||
	      (!r->no_sve && r->sve_max_vl >= 128 && r->sve_max_vl <= 2048 &&
	       !(r->sve_max_vl & (r->sve_max_vl - 1))));
	CHECK(r->nr_sdei_events <= SDEI_MAX_PLATFORM_EVENTS);
	CHECK(!r->no_sdei || !r->nr_sdei_events);
	for (unsigned int i = 0; i < r->nr_sdei_events; i++) {
		CHECK(r->sdei_events[i].num >= 1 &&
		      r->sdei_events[i].num <= SDEI_PLATFORM_EVENT_MAX);
		for (unsigned int j = 0; j < i; j++)
			CHECK(r->sdei_events[i].num != r->sdei_events[j].num);
	}
	CHECK(r->nr_disks <= OPT_MAX_DISKS);
	for (unsigned int i = 0; i < r->nr_disks; i++) {
		const struct disk_opt *d = &r->disks[i];
		size_t len = strnlen(d->path, sizeof(d->path));

		CHECK(len > 0 && len < sizeof(d->path));
	}
}

static void check_opts(const struct cmdline *cl, const struct lkvm_opts *o)
{
	const struct sdei_opts *s = &o->sdei;

	switch (o->cmd) {
	case CMD_RUN:
		check_run(cl, &o->run);
		break;
	case CMD_SDEI:
		check_guest(cl, s);
		CHECK(s->req.op == CONTROL_SDEI_SIGNAL ||
		      s->req.op == CONTROL_SDEI_STATUS);
		CHECK(s->req.event <= 0x7fffffff);
		CHECK(s->req.cpu == CONTROL_CPU_ROUTED ||
		      (s->req.cpu >= 0 && s->req.cpu < MAX_CPUS));
		break;
	case CMD_STOP:
	case CMD_PAUSE:
	case CMD_RESUME:
		check_guest(cl, s);
		CHECK(s->req.op == (o->cmd == CMD_STOP	? CONTROL_STOP :
				    o->cmd == CMD_PAUSE ? CONTROL_PAUSE :
							  CONTROL_RESUME));
		break;
	case CMD_DEBUG:
		check_guest(cl, s);
		CHECK(s->req.op == CONTROL_DEBUG_DUMP ||
		      (s->req.op == CONTROL_DEBUG_SYSRQ && s->req.key > 0x20 &&
		       s->req.key < 0x7f));
		break;
	case CMD_PROBE:
	case CMD_HELP:
	case CMD_VERSION:
	case CMD_LIST:
		break;
	default:
		CHECK(!"unknown command");
	}
}

static char *dup_bytes(const uint8_t *p, size_t len)
{
	char *s = malloc(len + 1);

	if (!s)
		abort();
	memcpy(s, p, len);
	s[len] = 0;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cmdline cl = { 0 };
	struct lkvm_opts *o1, *o2;
	char *err1, *err2;
	size_t small, pos = 0, len1, len2;
	int ret1, ret2;

	cl.argv[cl.argc++] = dup_bytes((const uint8_t *)"lkvm", 4);
	while (pos < size && cl.argc <= MAX_ARGS) {
		const uint8_t *nul = memchr(data + pos, 0, size - pos);
		size_t len = nul ? (size_t)(nul - data - pos) : size - pos;

		cl.argv[cl.argc] = dup_bytes(data + pos, len);
		cl.argc++;
		pos += len + 1;
	}
	cl.argv[cl.argc] = NULL;

	o1 = malloc(sizeof(*o1));
	o2 = malloc(sizeof(*o2));
	err1 = malloc(ERR_SIZE);
	small = 1 + size % 48;
	err2 = malloc(small);
	if (!o1 || !o2 || !err1 || !err2)
		abort();
	memset(err1, 0xaa, ERR_SIZE);
	memset(err2, 0xaa, small);

	ret1 = options_parse(cl.argc, cl.argv, o1, err1, ERR_SIZE);
	ret2 = options_parse(cl.argc, cl.argv, o2, err2, small);

	CHECK(ret1 == 0 || ret1 == -EINVAL);
	CHECK(ret2 == ret1);
	if (ret1) {
		/* One line, NUL-terminated within the buffer, however short. */
		CHECK(memchr(err1, 0, ERR_SIZE));
		CHECK(memchr(err2, 0, small));
		len1 = strlen(err1);
		len2 = strlen(err2);
		CHECK(len1 > 0);
		CHECK(!strchr(err1, '\n'));
		CHECK(len2 == (len1 < small - 1 ? len1 : small - 1));
		CHECK(!memcmp(err1, err2, len2));
	} else {
		CHECK(!memcmp(o1, o2, sizeof(*o1)));
		check_opts(&cl, o1);
	}

	for (int i = 0; i < cl.argc; i++)
		free(cl.argv[i]);
	free(o1);
	free(o2);
	free(err1);
	free(err2);
	return 0;
}
