// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's protocol (vmm/control-proto.c): request lines from
 * an untrusted peer, the lines lkvm sdei sends, and where sockets live.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "unit.h"
#include "../../vmm/control-proto.h"
#include "../../vmm/control-status.h"

static char err[256];

static int parse(const char *line, struct control_req *req)
{
	memset(err, 0, sizeof(err));
	return control_parse(line, req, err, sizeof(err));
}

START_TEST(test_control_signal)
{
	struct control_req r;

	ck_assert_int_eq(parse("sdei signal 5", &r), 0);
	ck_assert_int_eq(r.op, CONTROL_SDEI_SIGNAL);
	ck_assert_uint_eq(r.event, 5);
	ck_assert_int_eq(r.cpu, CONTROL_CPU_ROUTED);
	ck_assert_int_eq(parse("  sdei   signal 0x7fffffff  3 ", &r), 0);
	ck_assert_uint_eq(r.event, 0x7fffffff);
	ck_assert_int_eq(r.cpu, 3);
	ck_assert_int_eq(parse("sdei signal 0 4095", &r), 0);
	ck_assert_uint_eq(r.event, 0);
	ck_assert_int_eq(r.cpu, 4095);
}
END_TEST

/* The one-word requests and sdei status. */
START_TEST(test_control_requests)
{
	static const struct {
		const char *line;
		enum control_op op;
		bool json;
	} ok[] = {
		{ "info", CONTROL_INFO, false },
		{ "stop", CONTROL_STOP, false },
		{ " pause ", CONTROL_PAUSE, false },
		{ "resume", CONTROL_RESUME, false },
		{ "sdei status", CONTROL_SDEI_STATUS, false },
		{ "sdei status json", CONTROL_SDEI_STATUS, true },
	};
	struct control_req r, back;
	char buf[64];

	for (unsigned int i = 0; i < ARRAY_SIZE(ok); i++) {
		ck_assert_msg(!parse(ok[i].line, &r), "%s: %s", ok[i].line,
			      err);
		ck_assert_int_eq(r.op, ok[i].op);
		ck_assert_int_eq(r.json, ok[i].json);
		ck_assert_int_eq(control_reply_has_body(&r),
				 ok[i].op == CONTROL_SDEI_STATUS);
		/* What lkvm's own client sends parses back the same. */
		ck_assert_int_gt(control_format(&r, buf, sizeof(buf)), 0);
		buf[strlen(buf) - 1] = 0;
		ck_assert_int_eq(parse(buf, &back), 0);
		ck_assert_int_eq(back.op, r.op);
		ck_assert_int_eq(back.json, r.json);
	}
}
END_TEST

/* Each is refused with one line of reason, never crashes. */
static const char *const bad_lines[] = {
	"",
	"   ",
	"sdei",
	"sdei signal",
	"sdei signal 5 1 2",
	"sdei signal -1",
	"sdei signal 0x80000000",
	"sdei signal 99999999999999999999999",
	"sdei signal 5x",
	"sdei signal 0x",
	"sdei signal 0x0x12c", /* strtoull takes a second 0x (fuzz-control) */
	"sdei signal 0X0x5",
	"sdei signal 0x+5",
	"sdei signal 5 0x0x1",
	"sdei signal 5 -1",
	"sdei signal 5 4096",
	"sdei signal 5 cpu1",
	"sdei raise 5",
	"SDEI signal 5",
	"stop now please",
	"sdei\tsignal 5",
	"sdei signal 5\x01",
	"sdei signal \xff",
	"a b c d e f g h i j",
	"info now",
	"stop 1",
	"pause pause",
	"sdei status yaml",
	"sdei status json json",
};

/* debug dump, debug sysrq C: one printable character, formatted back. */
START_TEST(test_control_debug)
{
	static const char *const bad[] = {
		"debug",
		"debug dump x",
		"debug sysrq",
		"debug sysrq ab",
		"debug sysrq t u",
		"debug dumps",
		"debug sysrq \x7f",
	};
	struct control_req r, back;
	char buf[64];

	ck_assert_int_eq(parse("debug dump", &r), 0);
	ck_assert_int_eq(r.op, CONTROL_DEBUG_DUMP);
	ck_assert(control_reply_has_body(&r));
	ck_assert_int_eq(parse(" debug  sysrq t ", &r), 0);
	ck_assert_int_eq(r.op, CONTROL_DEBUG_SYSRQ);
	ck_assert_int_eq(r.key, 't');
	ck_assert(!control_reply_has_body(&r));
	ck_assert_int_gt(control_format(&r, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "debug sysrq t\n");
	buf[strlen(buf) - 1] = 0;
	ck_assert_int_eq(parse(buf, &back), 0);
	ck_assert_int_eq(back.key, 't');
	r.op = CONTROL_DEBUG_DUMP;
	ck_assert_int_gt(control_format(&r, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "debug dump\n");
	/* No key lkvm could not send back. */
	r.op = CONTROL_DEBUG_SYSRQ;
	r.key = ' ';
	ck_assert_int_eq(control_format(&r, buf, sizeof(buf)), -1);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		ck_assert_msg(parse(bad[i], &r) == -EINVAL, "'%s' accepted",
			      bad[i]);
		ck_assert_msg(err[0] && !strchr(err, '\n'), "%s: %s", bad[i],
			      err);
	}
}
END_TEST

START_TEST(test_control_bad)
{
	struct control_req r;

	ck_assert_int_eq(parse(bad_lines[_i], &r), -EINVAL);
	ck_assert_msg(err[0], "no reason for '%s'", bad_lines[_i]);
	ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

/* A line longer than the protocol allows: refused, not truncated. */
START_TEST(test_control_too_long)
{
	char line[CONTROL_LINE_MAX + 16];
	struct control_req r;

	memset(line, ' ', sizeof(line));
	memcpy(line, "sdei signal 5", 13);
	line[sizeof(line) - 1] = 0;
	ck_assert_int_eq(parse(line, &r), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "too long"));
}
END_TEST

/* Random bytes: always refused or parsed, and a parse is in range. */
START_TEST(test_control_random)
{
	unsigned int seed = 12345;
	char line[64];
	struct control_req r;

	for (unsigned int n = 0; n < 20000; n++) {
		size_t len = rand_r(&seed) % (sizeof(line) - 1);

		for (size_t i = 0; i < len; i++) {
			/* Mostly the protocol's own characters. */
			static const char alpha[] = "sdeignal 0123456789x";
			int c = rand_r(&seed);

			line[i] = c & 1 ? alpha[c % (sizeof(alpha) - 1)] :
					  (char)(c >> 8);
			if (!line[i])
				line[i] = ' ';
		}
		line[len] = 0;
		if (parse(line, &r)) {
			ck_assert(err[0]);
		} else if (r.op == CONTROL_SDEI_SIGNAL) {
			ck_assert_uint_le(r.event, 0x7fffffff);
			ck_assert(r.cpu == CONTROL_CPU_ROUTED ||
				  (r.cpu >= 0 && r.cpu <= 4095));
		}
	}
}
END_TEST

/* What lkvm sdei sends parses back to the same request. */
START_TEST(test_control_format)
{
	struct control_req in = { .op = CONTROL_SDEI_SIGNAL,
				  .event = 300,
				  .cpu = CONTROL_CPU_ROUTED };
	struct control_req out;
	char buf[CONTROL_LINE_MAX];
	int n;

	n = control_format(&in, buf, sizeof(buf));
	ck_assert_int_eq(n, (int)strlen("sdei signal 300\n"));
	ck_assert_str_eq(buf, "sdei signal 300\n");
	buf[n - 1] = 0;
	ck_assert_int_eq(parse(buf, &out), 0);
	ck_assert_mem_eq(&in, &out, sizeof(in));
	in.cpu = 1;
	n = control_format(&in, buf, sizeof(buf));
	ck_assert_str_eq(buf, "sdei signal 300 1\n");
	buf[n - 1] = 0;
	ck_assert_int_eq(parse(buf, &out), 0);
	ck_assert_mem_eq(&in, &out, sizeof(in));
	ck_assert_int_eq(control_format(&in, buf, 8), -1);
}
END_TEST

/* control_dir() with these variables, HOME's existence and euid. */
static int dir_of(const char *xdg, const char *home, bool home_usable,
		  unsigned int euid, char *dir, size_t size)
{
	const struct control_env env = { .xdg = xdg,
					 .home = home,
					 .home_usable = home_usable,
					 .euid = euid };

	memset(err, 0, sizeof(err));
	return control_dir(&env, dir, size, err, sizeof(err));
}

/* XDG_RUNTIME_DIR, else an existing HOME, else /tmp/lkvm-<euid>. */
static const struct {
	const char *xdg, *home;
	bool home_usable;
	unsigned int euid;
	const char *dir;
} dirs[] = {
	{ "/run/user/1000", "/home/u", true, 1000, "/run/user/1000/lkvm" },
	{ "/run/user/1000/", "/home/u", true, 1000, "/run/user/1000/lkvm" },
	/* XDG first, whether or not HOME exists. */
	{ "/run/user/1000", "/nonexistent", false, 1000,
	  "/run/user/1000/lkvm" },
	/* XDG_RUNTIME_DIR unset, empty or relative: ~/.lkvm. */
	{ NULL, "/home/u", true, 1000, "/home/u/.lkvm" },
	{ "", "/home/u", true, 1000, "/home/u/.lkvm" },
	{ "run", "/", true, 0, "/.lkvm" },
	/* No usable HOME either (a service user, a CI job): /tmp. */
	{ NULL, "/nonexistent", false, 0, "/tmp/lkvm-0" },
	{ NULL, "/nonexistent", false, 65534, "/tmp/lkvm-65534" },
	{ NULL, NULL, false, 1000, "/tmp/lkvm-1000" },
	{ "", "", false, 1000, "/tmp/lkvm-1000" },
	{ "relative", "relative", false, 1000, "/tmp/lkvm-1000" },
	/* A relative HOME is no HOME, even if it names a folder. */
	{ NULL, "relative", true, 1000, "/tmp/lkvm-1000" },
	{ NULL, NULL, false, 4294967295u, "/tmp/lkvm-4294967295" },
};

START_TEST(test_control_dirs)
{
	char dir[CONTROL_PATH_MAX];

	ck_assert_int_eq(dir_of(dirs[_i].xdg, dirs[_i].home,
				dirs[_i].home_usable, dirs[_i].euid, dir,
				sizeof(dir)),
			 0);
	ck_assert_str_eq(dir, dirs[_i].dir);
}
END_TEST

START_TEST(test_control_paths)
{
	char dir[CONTROL_PATH_MAX], path[CONTROL_PATH_MAX], long_dir[200];
	int n;

	ck_assert_int_eq(control_path("/run/user/1000/lkvm", "ci-7", path,
				      sizeof(path), err, sizeof(err)),
			 0);
	ck_assert_str_eq(path, "/run/user/1000/lkvm/ci-7.sock");
	/*
	 * sun_path holds 108 bytes, and lkvm binds PATH.<pid> first: a
	 * path of more than 99 bytes is refused, not cut.
	 */
	memset(long_dir, 'd', sizeof(long_dir));
	long_dir[0] = '/';
	n = CONTROL_SOCKET_PATH_MAX - 1 - (int)strlen("/g.sock");
	long_dir[n] = 0;
	ck_assert_int_eq(control_path(long_dir, "g", path, sizeof(path), err,
				      sizeof(err)),
			 0);
	ck_assert_uint_eq(strlen(path), CONTROL_SOCKET_PATH_MAX - 1);
	ck_assert_uint_eq(strlen(path) + strlen(".4194304"),
			  CONTROL_PATH_MAX - 1);
	ck_assert_int_eq(control_path(long_dir, "gg", path, sizeof(path), err,
				      sizeof(err)),
			 -ENAMETOOLONG);
	ck_assert_ptr_nonnull(strstr(err, "too long"));
	long_dir[n] = 'd';
	long_dir[sizeof(long_dir) - 1] = 0;
	ck_assert_int_eq(dir_of(long_dir, NULL, false, 0, dir, sizeof(dir)),
			 -ENAMETOOLONG);
	ck_assert_int_eq(dir_of(NULL, long_dir, true, 0, dir, sizeof(dir)),
			 -ENAMETOOLONG);
	/* The fallback is short: it always fits. */
	ck_assert_int_eq(dir_of(NULL, long_dir, false, 0, dir, sizeof(dir)), 0);
	ck_assert_str_eq(dir, "/tmp/lkvm-0");
}
END_TEST

/* lstat()'s view of a folder: mode, owner; the user; what must be said. */
static const struct {
	unsigned int mode, uid, euid;
	int ret;
	const char *says;
} dir_checks[] = {
	{ S_IFDIR | 0700, 1000, 1000, 0, NULL },
	{ S_IFDIR | 0700, 0, 0, 0, NULL },
	{ S_IFDIR | 01700, 0, 0, 0, NULL },
	{ S_IFDIR | 0500, 1000, 1000, 0, NULL },
	/* Any group or other bit: others could enter, or place sockets. */
	{ S_IFDIR | 0770, 0, 0, -EPERM, "mode 0770" },
	{ S_IFDIR | 0702, 0, 0, -EPERM, "mode 0702" },
	{ S_IFDIR | 0755, 0, 0, -EPERM, "mode 0755" },
	{ S_IFDIR | 0710, 0, 0, -EPERM, "mode 0710" },
	{ S_IFDIR | 0701, 0, 0, -EPERM, "mode 0701" },
	{ S_IFDIR | 01777, 0, 0, -EPERM, "mode 1777" },
	/* Someone else's folder, even a private one: not ours to use. */
	{ S_IFDIR | 0700, 1000, 0, -EPERM, "uid 1000" },
	{ S_IFDIR | 0700, 0, 1000, -EPERM, "uid 0" },
	/* lstat() of a symlink: it could lead to anyone's folder. */
	{ S_IFLNK | 0777, 0, 0, -EPERM, "symbolic link" },
	{ S_IFREG | 0600, 0, 0, -EPERM, "not a folder" },
	{ S_IFSOCK | 0600, 0, 0, -EPERM, "not a folder" },
};

START_TEST(test_control_dir_check)
{
	char msg[512];
	int ret;

	memset(msg, 0, sizeof(msg));
	ret = control_dir_check("/tmp/lkvm-0", dir_checks[_i].mode,
				dir_checks[_i].uid, dir_checks[_i].euid, msg,
				sizeof(msg));
	ck_assert_int_eq(ret, dir_checks[_i].ret);
	if (!ret)
		return;
	/* One line naming the folder, what is wrong and what to do. */
	ck_assert_msg(!strchr(msg, '\n'), "two lines: %s", msg);
	ck_assert_ptr_nonnull(strstr(msg, "/tmp/lkvm-0 "));
	ck_assert_msg(strstr(msg, dir_checks[_i].says), "'%s' lacks '%s'", msg,
		      dir_checks[_i].says);
	ck_assert_ptr_nonnull(strstr(msg, "XDG_RUNTIME_DIR"));
	ck_assert_ptr_nonnull(strstr(msg, "--socket PATH"));
}
END_TEST

/* The folder of a --socket path, which must exist. */
START_TEST(test_control_socket_dir)
{
	static const char *const cases[][2] = {
		{ "/w/pub/x.sock", "/w/pub" },
		{ "/x.sock", "/" },
		{ "x.sock", "." },
		{ "a/x.sock", "a" },
		{ "./x", "." },
		{ "/a//x", "/a/" },
	};
	char dir[CONTROL_PATH_MAX];

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		ck_assert_int_eq(
			control_socket_dir(cases[i][0], dir, sizeof(dir)), 0);
		ck_assert_str_eq(dir, cases[i][1]);
	}
	ck_assert_int_eq(control_socket_dir("/abcdef/x", dir, 7),
			 -ENAMETOOLONG);
	ck_assert_int_eq(control_socket_dir("/abcde/x", dir, 7), 0);
	ck_assert_str_eq(dir, "/abcde");
}
END_TEST

/* The status tables and JSON of a small SDEI state (sdei-host's events). */
START_TEST(test_control_status)
{
	static const uint64_t mpidr[2] = { 0, 1 };
	static const struct sdei_event_desc ev[] = {
		{ .num = 100 },
		{ .num = 300, .shared = true, .critical = true },
	};
	struct sdei_config cfg = { .nr_vcpus = 2,
				   .mpidr = mpidr,
				   .events = ev,
				   .nr_events = 2,
				   .client_el = 1 };
	static char buf[8192];
	unsigned int lines;
	struct sdei *s;

	ck_assert_int_eq(sdei_create(&s, &cfg, err, sizeof(err)), 0);
	ck_assert_int_eq(sdei_trigger(s, 100, 1), 0);
	ck_assert_int_eq(
		control_sdei_status(s, false, buf, sizeof(buf), &lines), 0);
	/* 2 PEs and 2 events x 2 vCPUs + 1 shared, with the headers. */
	ck_assert_uint_eq(lines, 1 + 2 + 1 + 2 + 2 + 1);
	ck_assert_ptr_nonnull(strstr(buf, "0     masked    -\n"));
	ck_assert_ptr_nonnull(
		strstr(buf, "100        private normal   1     pending\n"));
	ck_assert_ptr_nonnull(
		strstr(buf, "300        shared  critical -     -\n"));
	ck_assert_int_eq(control_sdei_status(s, true, buf, sizeof(buf), &lines),
			 0);
	ck_assert_uint_eq(lines, 1);
	ck_assert_ptr_nonnull(
		strstr(buf, "{\"vcpu\":1,\"masked\":true,\"running\":[]}"));
	ck_assert_ptr_nonnull(strstr(
		buf, "{\"vcpu\":1,\"registered\":false,\"enabled\":false,"
		     "\"running\":false,\"pending\":true}"));
	ck_assert_ptr_nonnull(strstr(
		buf, "{\"event\":300,\"type\":\"shared\",\"priority\":"
		     "\"critical\",\"signalable\":false,\"registered\":false"));
	ck_assert_int_eq(buf[strlen(buf) - 1], '\n');
	ck_assert_ptr_null(strchr(buf, '\n') + 1 == buf + strlen(buf) ?
				   NULL :
				   "more than one line");
	/* Too small a buffer is an error, never an overrun. */
	for (size_t n = 0; n < 64; n++)
		ck_assert_int_eq(control_sdei_status(s, n & 1, buf, n, &lines),
				 -1);
	sdei_destroy(s);
}
END_TEST

Suite *control_suite(void)
{
	Suite *s = suite_create("control");
	TCase *tc = tcase_create("protocol");

	tcase_add_test(tc, test_control_signal);
	tcase_add_test(tc, test_control_requests);
	tcase_add_test(tc, test_control_debug);
	tcase_add_loop_test(tc, test_control_bad, 0, ARRAY_SIZE(bad_lines));
	tcase_add_test(tc, test_control_too_long);
	tcase_add_test(tc, test_control_random);
	tcase_add_test(tc, test_control_format);
	tcase_add_loop_test(tc, test_control_dirs, 0, ARRAY_SIZE(dirs));
	tcase_add_test(tc, test_control_paths);
	tcase_add_loop_test(tc, test_control_dir_check, 0,
			    ARRAY_SIZE(dir_checks));
	tcase_add_test(tc, test_control_socket_dir);
	tcase_add_test(tc, test_control_status);
	suite_add_tcase(s, tc);
	return s;
}
