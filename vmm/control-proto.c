// SPDX-License-Identifier: GPL-2.0
/* The control socket's protocol: request lines and socket paths. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "control-proto.h"

#define CONTROL_MAX_WORDS 8

static int fail(char *err, size_t size, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t size, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return ret;
}

int control_parse_number(const char *s, uint64_t max, uint64_t *v)
{
	int base = 10;
	char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	/*
	 * Digits only: strtoull would also take a sign, blanks and, in base
	 * 16, a second "0x" ("0x0x1f", found by fuzz-control).
	 */
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') ||
		      (base == 16 &&
		       ((*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')))))
			return -EINVAL;
	if (!*s)
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, base);
	if (errno || *end || *v > max)
		return -EINVAL;
	return 0;
}

/* Splits line into at most max words, in place in buf. */
static int split_words(const char *line, char *buf, size_t size, char **words,
		       int max)
{
	int n = 0;
	char *p;

	if (strlen(line) >= size)
		return -E2BIG;
	strcpy(buf, line);
	for (p = strtok(buf, " "); p; p = strtok(NULL, " ")) {
		if (n == max)
			return -E2BIG;
		words[n++] = p;
	}
	return n;
}

static int parse_sdei_signal(char **w, int n, struct control_req *req,
			     char *err, size_t size)
{
	uint64_t v;

	if (n < 3 || n > 4)
		return fail(err, size, -EINVAL,
			    "usage: sdei signal EVENT [CPU]");
	/* Event numbers are positive 32-bit integers (DEN0054B 4.1). */
	if (control_parse_number(w[2], 0x7fffffff, &v))
		return fail(err, size, -EINVAL,
			    "'%s' is not an event number (0 to 0x7fffffff)",
			    w[2]);
	req->op = CONTROL_SDEI_SIGNAL;
	req->event = (uint32_t)v;
	req->cpu = CONTROL_CPU_ROUTED;
	if (n == 4) {
		if (control_parse_number(w[3], 4095, &v))
			return fail(err, size, -EINVAL,
				    "'%s' is not a vCPU index", w[3]);
		req->cpu = (int)v;
	}
	return 0;
}

/* debug dump | debug sysrq C (one printable character). */
static int parse_debug(char **w, int n, struct control_req *req, char *err,
		       size_t size)
{
	if (n == 2 && !strcmp(w[1], "dump")) {
		req->op = CONTROL_DEBUG_DUMP;
		return 0;
	}
	if (n == 3 && !strcmp(w[1], "sysrq") && strlen(w[2]) == 1) {
		req->op = CONTROL_DEBUG_SYSRQ;
		req->key = w[2][0];
		return 0;
	}
	return fail(err, size, -EINVAL, "usage: debug dump | debug sysrq C");
}

/* The requests of one word. */
static const struct {
	const char *word;
	enum control_op op;
} plain[] = {
	{ "info", CONTROL_INFO },
	{ "stop", CONTROL_STOP },
	{ "pause", CONTROL_PAUSE },
	{ "resume", CONTROL_RESUME },
};

int control_parse(const char *line, struct control_req *req, char *err,
		  size_t err_size)
{
	char buf[CONTROL_LINE_MAX];
	char *w[CONTROL_MAX_WORDS];
	int n;

	memset(req, 0, sizeof(*req));
	n = split_words(line, buf, sizeof(buf), w, CONTROL_MAX_WORDS);
	if (n < 0)
		return fail(err, err_size, -EINVAL, "request too long");
	if (n == 0)
		return fail(err, err_size, -EINVAL, "empty request");
	for (const char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			return fail(err, err_size, -EINVAL,
				    "request is not printable text");
	if (!strcmp(w[0], "sdei") && n > 1 && !strcmp(w[1], "signal"))
		return parse_sdei_signal(w, n, req, err, err_size);
	if (!strcmp(w[0], "sdei") && n > 1 && !strcmp(w[1], "status")) {
		if (n > 3 || (n == 3 && strcmp(w[2], "json")))
			return fail(err, err_size, -EINVAL,
				    "usage: sdei status [json]");
		req->op = CONTROL_SDEI_STATUS;
		req->json = n == 3;
		return 0;
	}
	if (!strcmp(w[0], "debug"))
		return parse_debug(w, n, req, err, err_size);
	for (unsigned int i = 0; i < sizeof(plain) / sizeof(*plain); i++) {
		if (strcmp(w[0], plain[i].word))
			continue;
		if (n > 1)
			return fail(err, err_size, -EINVAL,
				    "'%s' takes no arguments", w[0]);
		req->op = plain[i].op;
		return 0;
	}
	return fail(err, err_size, -EINVAL, "unknown request '%s%s%s'", w[0],
		    n > 1 ? " " : "", n > 1 ? w[1] : "");
}

int control_format(const struct control_req *req, char *buf, size_t size)
{
	int n = -1;

	switch (req->op) {
	case CONTROL_SDEI_SIGNAL:
		if (req->cpu == CONTROL_CPU_ROUTED)
			n = snprintf(buf, size, "sdei signal %u\n", req->event);
		else
			n = snprintf(buf, size, "sdei signal %u %d\n",
				     req->event, req->cpu);
		break;
	case CONTROL_SDEI_STATUS:
		n = snprintf(buf, size, "sdei status%s\n",
			     req->json ? " json" : "");
		break;
	case CONTROL_DEBUG_DUMP:
		n = snprintf(buf, size, "debug dump\n");
		break;
	case CONTROL_DEBUG_SYSRQ:
		/* One printable character, as control_parse() takes it. */
		if (req->key > 0x20 && req->key < 0x7f)
			n = snprintf(buf, size, "debug sysrq %c\n", req->key);
		break;
	default:
		for (unsigned int i = 0; i < sizeof(plain) / sizeof(*plain);
		     i++)
			if (plain[i].op == req->op)
				n = snprintf(buf, size, "%s\n", plain[i].word);
		break;
	}
	return n < 0 || (size_t)n >= size ? -1 : n;
}

/* The separator to put after dir: none when it ends with one ("/"). */
static const char *slash(const char *dir)
{
	return dir[strlen(dir) - 1] == '/' ? "" : "/";
}

int control_dir(const struct control_env *env, char *buf, size_t size,
		char *err, size_t err_size)
{
	const char *xdg = env->xdg, *home = env->home;
	int n;

	/* The XDG base directory spec: relative paths are to be ignored. */
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, size, "%s%slkvm", xdg, slash(xdg));
	else if (home && home[0] == '/' && env->home_usable)
		n = snprintf(buf, size, "%s%s.lkvm", home, slash(home));
	else
		/*
		 * Service users and CI jobs often have no home
		 * (HOME=/nonexistent), or one they cannot write: a runtime
		 * folder of this user in /tmp,
		 * which the edge checks as any other (control_dir_check()).
		 */
		n = snprintf(buf, size, "/tmp/lkvm-%u", env->euid);
	if (n < 0 || (size_t)n >= size)
		return fail(err, err_size, -ENAMETOOLONG,
			    "control socket folder too long: %s", buf);
	return 0;
}

/* What the user can do about a folder lkvm will not use. */
#define DIR_ADVICE \
	"set XDG_RUNTIME_DIR to a folder of yours, or use --socket PATH"

int control_dir_check(const char *dir, unsigned int mode, unsigned int uid,
		      unsigned int euid, char *err, size_t err_size)
{
	/* lstat()'s answer: a symlink could lead anywhere. */
	if (S_ISLNK(mode))
		return fail(
			err, err_size, -EPERM,
			"control socket folder %s is a symbolic link: remove it, " DIR_ADVICE,
			dir);
	if (!S_ISDIR(mode))
		return fail(
			err, err_size, -EPERM,
			"control socket folder %s is not a folder: " DIR_ADVICE,
			dir);
	/* Nobody else may place or reach sockets there. */
	if (uid != euid)
		return fail(
			err, err_size, -EPERM,
			"control socket folder %s belongs to uid %u, not to this user (uid %u): " DIR_ADVICE,
			dir, uid, euid);
	if (mode & 077)
		return fail(
			err, err_size, -EPERM,
			"control socket folder %s has mode %04o, open to others: chmod 0700 it, or " DIR_ADVICE,
			dir, mode & 07777);
	return 0;
}

int control_path(const char *dir, const char *name, char *buf, size_t size,
		 char *err, size_t err_size)
{
	int n = snprintf(buf, size, "%s/%s.sock", dir, name);

	if (n < 0 || (size_t)n >= size || n >= CONTROL_SOCKET_PATH_MAX)
		return fail(
			err, err_size, -ENAMETOOLONG,
			"control socket path too long (%d bytes, at most %d): %s/%s.sock",
			n, CONTROL_SOCKET_PATH_MAX - 1, dir, name);
	return 0;
}

int control_socket_dir(const char *path, char *buf, size_t size)
{
	const char *last = strrchr(path, '/');
	int n;

	if (!last)
		n = snprintf(buf, size, ".");
	else if (last == path)
		n = snprintf(buf, size, "/");
	else
		n = snprintf(buf, size, "%.*s", (int)(last - path), path);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}
