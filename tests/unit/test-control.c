// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's protocol (vmm/control-proto.c): request lines from
 * an untrusted peer, the lines lkvm sdei sends, and where sockets live.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "../../vmm/control-proto.h"
#include "../../vmm/control-status.h"

static char err[128];

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

START_TEST(test_control_paths)
{
	char dir[CONTROL_PATH_MAX], path[CONTROL_PATH_MAX], long_dir[200];

	ck_assert_int_eq(control_dir("/run/user/1000", "/home/u", dir,
				     sizeof(dir), err, sizeof(err)),
			 0);
	ck_assert_str_eq(dir, "/run/user/1000/lkvm");
	/* XDG_RUNTIME_DIR unset, empty or relative: ~/.lkvm. */
	ck_assert_int_eq(control_dir(NULL, "/home/u", dir, sizeof(dir), err,
				     sizeof(err)),
			 0);
	ck_assert_str_eq(dir, "/home/u/.lkvm");
	ck_assert_int_eq(control_dir("", "/home/u", dir, sizeof(dir), err,
				     sizeof(err)),
			 0);
	ck_assert_str_eq(dir, "/home/u/.lkvm");
	ck_assert_int_eq(
		control_dir("run", "/", dir, sizeof(dir), err, sizeof(err)), 0);
	ck_assert_str_eq(dir, "/.lkvm");
	ck_assert_int_eq(control_dir(NULL, NULL, dir, sizeof(dir), err,
				     sizeof(err)),
			 -ENOENT);
	ck_assert_int_eq(control_dir(NULL, "relative", dir, sizeof(dir), err,
				     sizeof(err)),
			 -ENOENT);
	ck_assert_int_eq(control_path("/run/user/1000/lkvm", "ci-7", path,
				      sizeof(path), err, sizeof(err)),
			 0);
	ck_assert_str_eq(path, "/run/user/1000/lkvm/ci-7.sock");
	/* sun_path holds 108 bytes: a longer path is refused, not cut. */
	memset(long_dir, 'd', sizeof(long_dir));
	long_dir[0] = '/';
	long_dir[95] = 0;
	ck_assert_int_eq(control_path(long_dir, "name-of-guest", path,
				      sizeof(path), err, sizeof(err)),
			 -ENAMETOOLONG);
	ck_assert_ptr_nonnull(strstr(err, "too long"));
	long_dir[95] = 'd';
	long_dir[sizeof(long_dir) - 1] = 0;
	ck_assert_int_eq(control_dir(long_dir, NULL, dir, sizeof(dir), err,
				     sizeof(err)),
			 -ENAMETOOLONG);
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
	tcase_add_loop_test(tc, test_control_bad, 0, ARRAY_SIZE(bad_lines));
	tcase_add_test(tc, test_control_too_long);
	tcase_add_test(tc, test_control_random);
	tcase_add_test(tc, test_control_format);
	tcase_add_test(tc, test_control_paths);
	tcase_add_test(tc, test_control_status);
	suite_add_tcase(s, tc);
	return s;
}
