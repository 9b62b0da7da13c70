// SPDX-License-Identifier: GPL-2.0
/*
 * The plan of `lkvm run` (vmm/plan.c): the options as options_parse gives
 * them, checked against files each test makes in a folder of its own. A
 * refusal is one line on stderr naming the option and the file
 * (ARCHITECTURE.md, "Errors"): the tests read that line back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "../../vmm/log.h"
#include "../../vmm/options.h"
#include "../../vmm/plan.h"

/* The test's folder, and a file's path in it. */
#define DIR_LEN 256
#define PATH_LEN (DIR_LEN + 64)

static char dir[DIR_LEN];
static struct lkvm_opts opts;
static struct vm_plan plan;
static char out[1024]; /* what lkvm wrote to stderr */

/* dir/name, in one of a few buffers that live until the test ends. */
static const char *path(const char *name)
{
	static char bufs[8][PATH_LEN];
	static unsigned int next;
	char *p = bufs[next++ % ARRAY_SIZE(bufs)];

	ck_assert_uint_lt(strlen(name), PATH_LEN - DIR_LEN);
	snprintf(p, PATH_LEN, "%s/%s", dir, name);
	return p;
}

/* A file of size bytes, zeros: as a kernel, a raw binary. */
static void make_file(const char *name, off_t size)
{
	int fd = open(path(name), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		      0644);

	ck_assert_msg(fd >= 0, "creating %s: %s", name, strerror(errno));
	ck_assert_int_eq(ftruncate(fd, size), 0);
	close(fd);
}

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");

	ck_assert_int_lt(snprintf(dir, sizeof(dir), "%s/lkvm-unit-plan-XXXXXX",
				  tmp && *tmp ? tmp : "/tmp"),
			 (int)sizeof(dir));
	ck_assert_msg(mkdtemp(dir), "mkdtemp %s: %s", dir, strerror(errno));
	make_file("kernel", 4096);
	make_file("disk", 1 << 20);
	make_file("odd-disk", 1000);
	ck_assert_int_eq(mkdir(path("folder"), 0755), 0);
	memset(&plan, 0, sizeof(plan));
}

static void close_fd(int fd)
{
	/* After vm_plan's memset, a descriptor not yet opened reads 0. */
	if (fd > STDERR_FILENO)
		close(fd);
}

/* Frees what the last plan holds (vm_plan starts from a blank one). */
static void plan_release(void)
{
	free(plan.bootargs);
	close_fd(plan.kernel_fd);
	close_fd(plan.initrd_fd);
	close_fd(plan.console_log_fd);
	close_fd(plan.dump_dtb_fd);
	for (unsigned int i = 0; i < OPT_MAX_DISKS; i++) {
		close_fd(plan.disk_fd[i]);
		close_fd(plan.disk_direct_fd[i]);
	}
	memset(&plan, 0, sizeof(plan));
}

static void teardown(void)
{
	static const char *const files[] = { "kernel", "disk", "odd-disk",
					     "passwd" };

	plan_release();
	for (unsigned int i = 0; i < ARRAY_SIZE(files); i++)
		unlink(path(files[i]));
	rmdir(path("folder"));
	rmdir(dir);
}

/*
 * `lkvm run` with the NULL-terminated args (and -k DIR/kernel unless they
 * start with a -k of their own), parsed (which must succeed) and planned:
 * vm_plan's return.
 */
static int plan_args(const char *const *args)
{
	const char *argv[32] = { "lkvm", "run" };
	char err[256];
	int argc = 2, ret;

	if (!args[0] || (strcmp(args[0], "-k") && strcmp(args[0], "-f"))) {
		argv[argc++] = "-k";
		argv[argc++] = path("kernel");
	}
	while (*args) {
		ck_assert_int_lt(argc, (int)ARRAY_SIZE(argv) - 1);
		argv[argc++] = *args++;
	}
	argv[argc] = NULL;
	ck_assert_msg(!options_parse(argc, (char *const *)argv, &opts, err,
				     sizeof(err)),
		      "options refused: %s", err);
	plan_release();
	UNIT_CAPTURE_STDERR(out, ret, vm_plan(&plan, &opts.run));
	return ret;
}

#define PLAN(...) plan_args((const char *const[]){ __VA_ARGS__, NULL })

/* vm_plan refused, with exactly this one line. */
#define ck_refused(ret, ...)                                   \
	do {                                                   \
		char __want[1024];                             \
                                                               \
		snprintf(__want, sizeof(__want), __VA_ARGS__); \
		ck_assert_int_eq((ret), -1);                   \
		ck_assert_str_eq(out, __want);                 \
	} while (0)

/*
 * Kernel parameters: kvmtool's default console (the UART's, or hvc0 with
 * --console virtio), then -p; --nodefaults leaves -p alone.
 */
START_TEST(test_plan_bootargs)
{
	static const struct {
		const char *args[6];
		const char *want;
	} cases[] = {
		{ { NULL }, "console=ttyS0" },
		{ { "-p", "root=/dev/vda rw", NULL },
		  "console=ttyS0 root=/dev/vda rw" },
		{ { "--console", "serial", "-p", "quiet", NULL },
		  "console=ttyS0 quiet" },
		{ { "--console", "virtio", NULL }, "console=hvc0" },
		{ { "--console", "virtio", "-p", "quiet", NULL },
		  "console=hvc0 quiet" },
		{ { "--nodefaults", "-p", "console=ttyAMA0", NULL },
		  "console=ttyAMA0" },
		{ { "--nodefaults", NULL }, "" },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		ck_assert_msg(!plan_args(cases[i].args), "case %u: %s", i, out);
		ck_assert_str_eq(out, "");
		ck_assert_ptr_nonnull(plan.bootargs);
		ck_assert_msg(!strcmp(plan.bootargs, cases[i].want),
			      "case %u: \"%s\", not \"%s\"", i, plan.bootargs,
			      cases[i].want);
		ck_assert_int_ge(plan.kernel_fd, 0);
		ck_assert_uint_eq(plan.kernel.file_size, 4096);
	}
}
END_TEST

/*
 * With a disk, kvmtool's root=/dev/vda rw comes after the console, unless
 * -p names a root (any "root=", as kvmtool looks) or --nodefaults.
 */
/* -f: the image planned at RAM's base; bootargs are -p alone, or none. */
START_TEST(test_plan_firmware)
{
	char fw[512];

	snprintf(fw, sizeof(fw), "%s", path("kernel"));
	ck_assert_int_eq(plan_args((const char *const[]){ "-f", fw, NULL }), 0);
	ck_assert_ptr_null(plan.bootargs);
	ck_assert_uint_eq(plan.layout.kernel_addr, 0x80000000);
	ck_assert_uint_eq(plan.layout.fdt_addr, 0x80200000);
	ck_assert_uint_eq(plan.kernel.file_size, 4096);
	ck_assert_int_eq(plan_args((const char *const[]){
				 "-f", fw, "-p", "console=ttyS0", "-d",
				 path("disk"), "--firmware-address",
				 "0x80080000", NULL }),
			 0);
	ck_assert_str_eq(plan.bootargs, "console=ttyS0");
	ck_assert_uint_eq(plan.layout.kernel_addr, 0x80080000);
	ck_assert_int_eq(plan_args((const char *const[]){
				 "-f", fw, "-i", path("kernel"), NULL }),
			 0);
	ck_assert_ptr_nonnull(strstr(out, "--initrd"));
	ck_assert_uint_eq(plan.layout.initrd_size, 0);
	ck_refused(
		plan_args((const char *const[]){ "-f", path("empty-x"), NULL }),
		"lkvm: --firmware %s: No such file or directory\n",
		path("empty-x"));
	ck_assert_int_eq(plan_args((const char *const[]){ "-f", fw,
							  "--firmware-address",
							  "0x1000", NULL }),
			 -1);
	ck_assert_ptr_nonnull(strstr(out, "--firmware"));
}
END_TEST

/* --hugetlbfs: a folder on hugetlbfs, or one line saying what it is not. */
START_TEST(test_plan_hugetlbfs)
{
	const char *d = path("folder");

	ck_refused(
		PLAN("--hugetlbfs", d),
		"lkvm: --hugetlbfs %s: not a hugetlbfs mount (mount -t hugetlbfs none DIR)\n",
		d);
	d = path("no-such-folder");
	ck_refused(PLAN("--hugetlbfs", d),
		   "lkvm: --hugetlbfs %s: No such file or directory\n", d);
	ck_assert_int_eq(PLAN("-m", "64"), 0);
	ck_assert_int_eq(plan.ram_fd, -1);
}
END_TEST

START_TEST(test_plan_bootargs_root)
{
	static const struct {
		const char *args[6];
		const char *want;
	} cases[] = {
		{ { NULL }, "console=ttyS0 root=/dev/vda rw" },
		{ { "-p", "quiet", NULL },
		  "console=ttyS0 root=/dev/vda rw quiet" },
		{ { "--console", "virtio", NULL },
		  "console=hvc0 root=/dev/vda rw" },
		{ { "-p", "root=/dev/vdb ro", NULL },
		  "console=ttyS0 root=/dev/vdb ro" },
		{ { "-p", "nfsroot=h:/x", NULL },
		  "console=ttyS0 nfsroot=h:/x" },
		{ { "--nodefaults", "-p", "quiet", NULL }, "quiet" },
	};
	char disk[512];

	snprintf(disk, sizeof(disk), "%s", path("disk"));
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *args[10] = { "-d", disk };
		unsigned int n = 2;

		for (unsigned int j = 0; cases[i].args[j]; j++)
			args[n++] = cases[i].args[j];
		ck_assert_msg(!plan_args(args), "case %u: %s", i, out);
		ck_assert_msg(!strcmp(plan.bootargs, cases[i].want),
			      "case %u: \"%s\", not \"%s\"", i, plan.bootargs,
			      cases[i].want);
	}
}
END_TEST

START_TEST(test_plan_kernel_missing)
{
	const char *k = path("no-such-kernel");

	ck_refused(PLAN("-k", k), "lkvm: --kernel %s: %s\n", k,
		   strerror(ENOENT));
	ck_assert_int_eq(plan.kernel_fd, -1);
}
END_TEST

START_TEST(test_plan_kernel_not_regular)
{
	const char *k = path("folder");

	ck_refused(PLAN("-k", k), "lkvm: --kernel %s: not a regular file\n", k);
	ck_assert_int_eq(plan.kernel_fd, -1);
}
END_TEST

/*
 * A folder as a disk: opening it for writing fails (EISDIR); read-only it
 * opens, and is neither a file nor a block device.
 */
START_TEST(test_plan_disk_folder)
{
	const char *d = path("folder");
	char ro[PATH_LEN + 4];

	ck_refused(PLAN("-d", d), "lkvm: --disk %s: %s\n", d, strerror(EISDIR));
	snprintf(ro, sizeof(ro), "%s,ro", d);
	ck_refused(PLAN("-d", ro),
		   "lkvm: --disk %s: not a regular file or block device\n", d);
}
END_TEST

START_TEST(test_plan_disk_missing)
{
	const char *d = path("no-such-disk");

	ck_refused(PLAN("-d", d), "lkvm: --disk %s: %s\n", d, strerror(ENOENT));
	ck_assert_int_eq(plan.disk_fd[0], -1);
}
END_TEST

/* A disk of whole sectors is planned; a part sector or a second use is not. */
START_TEST(test_plan_disk_checks)
{
	const char *d = path("disk"), *odd = path("odd-disk");

	ck_assert_msg(!PLAN("-d", d), "%s", out);
	ck_assert_str_eq(out, "");
	ck_assert_int_ge(plan.disk_fd[0], 0);
	ck_assert_uint_eq(plan.disk_size[0], 1 << 20);
	ck_assert_int_eq(plan.disk_fd[1], -1);

	ck_refused(
		PLAN("-d", odd),
		"lkvm: --disk %s: its size, 1000 bytes, is not a whole number of 512-byte sectors\n",
		odd);

	/* The first one's lock refuses the second (flock, per open file). */
	ck_refused(
		PLAN("-d", d, "-d", d),
		"lkvm: --disk %s: in use by another process (or given twice)\n",
		d);
}
END_TEST

/*
 * ,direct: the image is opened a second time, with O_DIRECT, and the
 * alignments O_DIRECT needs are found (512 or 4096: a power of two that
 * a read proved); without it, no second descriptor. (The temporary
 * folder's file system must take O_DIRECT: ext4 and tmpfs since Linux
 * 6.6 do.)
 */
START_TEST(test_plan_disk_direct)
{
	const char *d = path("disk");
	char arg[PATH_LEN + 16];

	ck_assert_msg(!PLAN("-d", d), "%s", out);
	ck_assert_int_eq(plan.disk_direct_fd[0], -1);
	plan_release();

	snprintf(arg, sizeof(arg), "%s,direct", d);
	ck_assert_msg(!PLAN("-d", arg), "%s", out);
	ck_assert_str_eq(out, "");
	ck_assert_int_ge(plan.disk_fd[0], 0);
	ck_assert_int_ge(plan.disk_direct_fd[0], 0);
	ck_assert_int_ne(plan.disk_direct_fd[0], plan.disk_fd[0]);
	ck_assert(fcntl(plan.disk_direct_fd[0], F_GETFL) & O_DIRECT);
	ck_assert(!(fcntl(plan.disk_fd[0], F_GETFL) & O_DIRECT));
	ck_assert_msg(plan.disk_dio_offset_align[0] == 512 ||
			      plan.disk_dio_offset_align[0] == 4096,
		      "offset alignment %u", plan.disk_dio_offset_align[0]);
	ck_assert_msg(plan.disk_dio_mem_align[0] == 512 ||
			      plan.disk_dio_mem_align[0] == 4096,
		      "memory alignment %u", plan.disk_dio_mem_align[0]);
	ck_assert_int_eq(plan.disk_direct_fd[1], -1);
}
END_TEST

/*
 * A file system that refuses O_DIRECT (sysfs: open fails with EINVAL)
 * gets one line that says so and names the option.
 */
START_TEST(test_plan_disk_direct_refused)
{
	const char *f = "/sys/devices/system/cpu/online";

	ck_refused(
		PLAN("-d", "/sys/devices/system/cpu/online,ro,direct"),
		"lkvm: --disk %s,direct: the file system refuses O_DIRECT (drop ,direct)\n",
		f);
}
END_TEST

/* timeout_at is set with --timeout, and only then. */
START_TEST(test_plan_timeout)
{
	double before, after;

	ck_assert_msg(!PLAN("-p", "quiet"), "%s", out);
	ck_assert(plan.timeout_at == 0);

	before = log_monotonic_seconds();
	ck_assert_msg(!PLAN("--timeout", "30"), "%s", out);
	after = log_monotonic_seconds();
	ck_assert_msg(plan.timeout_at >= before + 30 &&
			      plan.timeout_at <= after + 30,
		      "timeout_at %f, not within [%f, %f] + 30",
		      plan.timeout_at, before, after);
}
END_TEST

/* --user against a passwd file of the test's own. */
static const char *passwd(void)
{
	static const char text[] =
		"root:x:0:0:root:/root:/bin/sh\n"
		"alice:x:1001:1002:Alice:/home/alice:/bin/sh\n"
		"bob:x:1003:1003::/home/bob:/bin/sh\n";
	const char *p = path("passwd");
	FILE *f = fopen(p, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, sizeof(text) - 1, f),
			  sizeof(text) - 1);
	fclose(f);
	return p;
}

static int user(const char *arg, bool root, const char *pw)
{
	int ret;

	plan_release();
	UNIT_CAPTURE_STDERR(out, ret, plan_user(&plan, arg, root, pw));
	return ret;
}

/* A number is a uid: its group is the passwd file's, else the same number. */
START_TEST(test_plan_user_numeric)
{
	const char *pw = passwd();

	ck_assert_msg(!user("1001", true, pw), "%s", out);
	ck_assert(plan.switch_user);
	ck_assert_uint_eq(plan.uid, 1001);
	ck_assert_uint_eq(plan.gid, 1002);

	ck_assert_msg(!user("4242", true, pw), "%s", out);
	ck_assert(plan.switch_user);
	ck_assert_uint_eq(plan.uid, 4242);
	ck_assert_uint_eq(plan.gid, 4242);

	ck_assert_msg(!user("4242:77", true, pw), "%s", out);
	ck_assert_uint_eq(plan.uid, 4242);
	ck_assert_uint_eq(plan.gid, 77);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_plan_user_name)
{
	const char *pw = passwd();

	ck_assert_msg(!user("alice", true, pw), "%s", out);
	ck_assert(plan.switch_user);
	ck_assert_uint_eq(plan.uid, 1001);
	ck_assert_uint_eq(plan.gid, 1002);

	ck_refused(user("mallory", true, pw),
		   "lkvm: --user mallory: no such user in %s\n", pw);
	ck_assert(!plan.switch_user);
	/* A name is not a uid: 1001x is nobody's. */
	ck_refused(user("1001x", true, pw),
		   "lkvm: --user 1001x: no such user in %s\n", pw);
}
END_TEST

/* Only root can switch, never to root, and only to what parses. */
START_TEST(test_plan_user_refused)
{
	const char *pw = passwd();

	ck_refused(
		user("alice", false, pw),
		"lkvm: --user alice: only lkvm started as root can switch user\n");
	ck_refused(user("root", true, pw), "lkvm: --user root: that is root\n");
	ck_refused(user("0", true, pw), "lkvm: --user 0: that is root\n");
	ck_refused(user("0:1002", true, pw),
		   "lkvm: --user 0:1002: that is root\n");
	ck_refused(user("1001:x", true, pw),
		   "lkvm: --user 1001:x: use NAME, UID or UID:GID\n");
	ck_assert(!plan.switch_user);
}
END_TEST

Suite *plan_suite(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("files");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_plan_bootargs);
	tcase_add_test(tc, test_plan_bootargs_root);
	tcase_add_test(tc, test_plan_hugetlbfs);
	tcase_add_test(tc, test_plan_firmware);
	tcase_add_test(tc, test_plan_kernel_missing);
	tcase_add_test(tc, test_plan_kernel_not_regular);
	tcase_add_test(tc, test_plan_disk_folder);
	tcase_add_test(tc, test_plan_disk_missing);
	tcase_add_test(tc, test_plan_disk_checks);
	tcase_add_test(tc, test_plan_disk_direct);
	tcase_add_test(tc, test_plan_disk_direct_refused);
	tcase_add_test(tc, test_plan_timeout);
	suite_add_tcase(s, tc);

	tc = tcase_create("user");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_plan_user_numeric);
	tcase_add_test(tc, test_plan_user_name);
	tcase_add_test(tc, test_plan_user_refused);
	suite_add_tcase(s, tc);
	return s;
}
