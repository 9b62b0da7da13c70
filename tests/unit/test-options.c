// SPDX-License-Identifier: GPL-2.0
/*
 * options_parse: `lkvm run`, `probe`, `help` and `version`, with kvmtool's
 * option names (kvmtool's builtin-run.c: -k/--kernel, -i/--initrd,
 * -p/--params, -c/--cpus, -m/--mem, -n/--name, --console, --nodefaults) and
 * the conventions of getopt_long (--opt value, --opt=value, -o value,
 * -ovalue). User errors get one line naming the option (ARCHITECTURE.md,
 * "Errors").
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "../../vmm/options.h"

static char err[256];

/* Parses "lkvm" followed by the NULL-terminated args. */
static int parse_argv(struct lkvm_opts *o, const char *const *args)
{
	const char *argv[32] = { "lkvm" };
	int argc = 1;

	while (args[argc - 1]) {
		ck_assert_int_lt(argc, (int)ARRAY_SIZE(argv) - 1);
		argv[argc] = args[argc - 1];
		argc++;
	}
	argv[argc] = NULL;
	memset(err, 0, sizeof(err));
	return options_parse(argc, (char *const *)argv, o, err, sizeof(err));
}

#define PARSE(o, ...) parse_argv(o, (const char *const[]){ __VA_ARGS__, NULL })

/* A successful parse of `lkvm run ...`. */
#define RUN_OK(o, ...)                                                     \
	do {                                                               \
		int __ret = PARSE(o, "run", __VA_ARGS__);                  \
		ck_assert_msg(__ret == 0, "refused (%d): %s", __ret, err); \
		ck_assert_int_eq((o)->cmd, CMD_RUN);                       \
	} while (0)

/* The error is one line, without lkvm's own prefix, naming one of a or b. */
static void check_err(int ret, const char *a, const char *b)
{
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_msg(err[0], "no error message");
	ck_assert_msg(!strchr(err, '\n'), "message of more than one line: %s",
		      err);
	ck_assert_msg(strncmp(err, "lkvm:", 5), "message with a prefix: %s",
		      err);
	ck_assert_msg(strstr(err, a) || (b && strstr(err, b)),
		      "'%s' names neither %s nor %s", err, a, b ? b : "-");
}

/* lkvm run: 1 vCPU, 256 MiB, the serial console, warnings (the usage). */
START_TEST(test_options_defaults)
{
	struct lkvm_opts o;

	RUN_OK(&o, "-k", "Image");
	ck_assert_str_eq(o.run.kernel, "Image");
	ck_assert_ptr_null(o.run.initrd);
	ck_assert_ptr_null(o.run.params);
	ck_assert_ptr_null(o.run.dump_dtb);
	ck_assert_str_eq(o.run.name, "");
	ck_assert_uint_eq(o.run.nr_cpus, 1);
	ck_assert_uint_eq(o.run.mem_mib, 256);
	ck_assert_int_eq(o.run.console, CONSOLE_SERIAL);
	ck_assert(!o.run.nodefaults);
	ck_assert(!o.run.nested);
	ck_assert(!o.run.e2h0);
	ck_assert_int_eq(o.run.loglevel, LOG_WARNING);
}
END_TEST

/* Every option of run, long, with its value in the next argument. */
START_TEST(test_options_long)
{
	struct lkvm_opts o;

	RUN_OK(&o, "--kernel", "k.img", "--initrd", "rd.cpio", "--params",
	       "quiet loglevel=8", "--cpus", "4", "--mem", "1024", "--name",
	       "web-1", "--console", "serial", "--nodefaults", "--dump-dtb",
	       "out.dtb", "--loglevel", "debug");
	ck_assert_str_eq(o.run.kernel, "k.img");
	ck_assert_str_eq(o.run.initrd, "rd.cpio");
	ck_assert_str_eq(o.run.params, "quiet loglevel=8");
	ck_assert_uint_eq(o.run.nr_cpus, 4);
	ck_assert_uint_eq(o.run.mem_mib, 1024);
	ck_assert_str_eq(o.run.name, "web-1");
	ck_assert_int_eq(o.run.console, CONSOLE_SERIAL);
	ck_assert(o.run.nodefaults);
	ck_assert_str_eq(o.run.dump_dtb, "out.dtb");
	ck_assert_int_eq(o.run.loglevel, LOG_DEBUG);
}
END_TEST

/* The same, as --opt=value; a value may itself hold '='. */
START_TEST(test_options_long_equals)
{
	struct lkvm_opts o;

	RUN_OK(&o, "--kernel=k.img", "--initrd=rd.cpio",
	       "--params=console=ttyS0 rdinit=/bin/sh", "--cpus=8", "--mem=2G",
	       "--name=db_2.test", "--console=serial", "--dump-dtb=a=b.dtb",
	       "--loglevel=info");
	ck_assert_str_eq(o.run.kernel, "k.img");
	ck_assert_str_eq(o.run.initrd, "rd.cpio");
	ck_assert_str_eq(o.run.params, "console=ttyS0 rdinit=/bin/sh");
	ck_assert_uint_eq(o.run.nr_cpus, 8);
	ck_assert_uint_eq(o.run.mem_mib, 2048);
	ck_assert_str_eq(o.run.name, "db_2.test");
	ck_assert_str_eq(o.run.dump_dtb, "a=b.dtb");
	ck_assert_int_eq(o.run.loglevel, LOG_INFO);
	ck_assert(!o.run.nodefaults);
}
END_TEST

/* Short options, with the value separate. */
START_TEST(test_options_short)
{
	struct lkvm_opts o;

	RUN_OK(&o, "-k", "k.img", "-i", "rd", "-p", "quiet", "-c", "2", "-m",
	       "512", "-n", "mode=none", "--name", "vm0");
	ck_assert_str_eq(o.run.kernel, "k.img");
	ck_assert_str_eq(o.run.initrd, "rd");
	ck_assert_str_eq(o.run.params, "quiet");
	ck_assert_uint_eq(o.run.nr_cpus, 2);
	ck_assert_uint_eq(o.run.mem_mib, 512);
	ck_assert_str_eq(o.run.name, "vm0");
}
END_TEST

/* Short options with the value attached: -kFILE, -c4, -m1G. */
START_TEST(test_options_short_attached)
{
	struct lkvm_opts o;

	RUN_OK(&o, "-kk.img", "-ird", "-pquiet", "-c16", "-m1G", "-nmode=none",
	       "--name=vm1");
	ck_assert_str_eq(o.run.kernel, "k.img");
	ck_assert_str_eq(o.run.initrd, "rd");
	ck_assert_str_eq(o.run.params, "quiet");
	ck_assert_uint_eq(o.run.nr_cpus, 16);
	ck_assert_uint_eq(o.run.mem_mib, 1024);
	ck_assert_str_eq(o.run.name, "vm1");
}
END_TEST

/* kvmtool: a lone non-option argument of run is the kernel. */
START_TEST(test_options_positional_kernel)
{
	struct lkvm_opts o;

	RUN_OK(&o, "Image");
	ck_assert_str_eq(o.run.kernel, "Image");
	RUN_OK(&o, "-c", "2", "/boot/Image", "-m", "64");
	ck_assert_str_eq(o.run.kernel, "/boot/Image");
	ck_assert_uint_eq(o.run.nr_cpus, 2);
	ck_assert_uint_eq(o.run.mem_mib, 64);
}
END_TEST

/* A value is taken as it is, even when it starts with '-'. */
START_TEST(test_options_value_like_option)
{
	struct lkvm_opts o;

	RUN_OK(&o, "-k", "Image", "-p", "--verbose");
	ck_assert_str_eq(o.run.params, "--verbose");
	ck_assert_str_eq(o.run.kernel, "Image");
}
END_TEST

/* --nested gives the vCPUs EL2; --e2h0 only makes sense with it. */
START_TEST(test_options_nested)
{
	struct lkvm_opts o;

	RUN_OK(&o, "-k", "I", "--nested");
	ck_assert(o.run.nested);
	ck_assert(!o.run.e2h0);
	RUN_OK(&o, "-k", "I", "--nested", "--e2h0");
	ck_assert(o.run.nested);
	ck_assert(o.run.e2h0);
	/* In either order. */
	RUN_OK(&o, "--e2h0", "-k", "I", "--nested");
	ck_assert(o.run.nested);
	ck_assert(o.run.e2h0);
	check_err(PARSE(&o, "run", "-k", "I", "--e2h0"), "--e2h0", NULL);
	check_err(PARSE(&o, "run", "-k", "I", "--nested=1"), "--nested", NULL);
	check_err(PARSE(&o, "run", "-k", "I", "--e2h0=yes", "--nested"),
		  "--e2h0", NULL);
}
END_TEST

/*
 * --sdei-event NUM[,private|shared][,normal|critical] is repeatable; each
 * declaration is kept in order. A bad one is refused naming the option.
 */
START_TEST(test_options_sdei_event)
{
	struct lkvm_opts o;

	RUN_OK(&o, "-k", "I");
	ck_assert_uint_eq(o.run.nr_sdei_events, 0);
	RUN_OK(&o, "-k", "I", "--sdei-event", "5,shared,critical",
	       "--sdei-event=7");
	ck_assert_uint_eq(o.run.nr_sdei_events, 2);
	ck_assert_uint_eq(o.run.sdei_events[0].num, 5);
	ck_assert(o.run.sdei_events[0].shared);
	ck_assert(o.run.sdei_events[0].critical);
	ck_assert_uint_eq(o.run.sdei_events[1].num, 7);
	ck_assert(!o.run.sdei_events[1].shared);
	ck_assert(!o.run.sdei_events[1].critical);
	check_err(PARSE(&o, "run", "-k", "I", "--sdei-event", "5,loud"),
		  "--sdei-event", NULL);
	check_err(PARSE(&o, "run", "-k", "I", "--sdei-event", "0"),
		  "--sdei-event", NULL);
	check_err(PARSE(&o, "run", "-k", "I", "--sdei-event"), "--sdei-event",
		  NULL);
	/* The same number twice, whatever the spelling. */
	check_err(PARSE(&o, "run", "-k", "I", "--sdei-event", "9,shared",
			"--sdei-event", "0x9"),
		  "--sdei-event", "twice");
	/* --no-sdei offers nothing, so declaring events with it is an error. */
	RUN_OK(&o, "-k", "I", "--no-sdei");
	ck_assert(o.run.no_sdei);
	check_err(PARSE(&o, "run", "-k", "I", "--no-sdei", "--sdei-event", "3"),
		  "--sdei-event", NULL);
}
END_TEST

/* The last of a repeated option wins, as with getopt. */
START_TEST(test_options_repeated)
{
	struct lkvm_opts o;

	RUN_OK(&o, "-k", "a", "-c", "2", "--cpus", "3", "-m", "64", "-m",
	       "128");
	ck_assert_uint_eq(o.run.nr_cpus, 3);
	ck_assert_uint_eq(o.run.mem_mib, 128);
}
END_TEST

/*
 * --mem in kvmtool's forms: a number in C's bases, one unit letter (B, K,
 * M, G, T, P; MiB without one), @ADDR likewise; lkvm takes whole MiB from
 * 8 MiB to 1 TiB, and RAM only at 2 GiB.
 */
static const struct {
	const char *arg;
	uint64_t mib; /* 0: refused */
} mems[] = {
	{ "8", 8 },
	{ "9", 9 },
	{ "256", 256 },
	{ "512M", 512 },
	{ "512m", 512 },
	{ "8M", 8 },
	{ "1G", 1024 },
	{ "2g", 2048 },
	{ "1024G", 1048576 }, /* 1 TiB */
	{ "1T", 1048576 },
	{ "1t", 1048576 },
	{ "1048576", 1048576 },
	{ "0x100", 256 },
	{ "0X100", 256 },
	{ "0400", 256 }, /* octal, as kvmtool's strtoull(base 0) */
	{ "1048576K", 1024 },
	{ "268435456B", 256 },
	{ "268435456b", 256 },
	{ "512M@2G", 512 },
	{ "512M@2048", 512 },
	{ "512M@2048M", 512 },
	{ "512M@0x800", 512 },
	{ "512M@2147483648B", 512 },
	{ "0", 0 },
	{ "7", 0 },
	{ "7M", 0 },
	{ "0G", 0 },
	{ "1025G", 0 },
	{ "1048577", 0 },
	{ "2T", 0 },
	{ "1P", 0 },
	{ "99999999999999999999G", 0 },
	{ "18446744073709551615", 0 },
	{ "18446744073709551616", 0 },
	{ "18014398509481984G", 0 }, /* 2^54 G: 2^64 MiB wraps to 0 */
	{ "18014398509481985G", 0 }, /* wraps to 1024 */
	{ "17592186044416P", 0 }, /* 2^44 P: 2^94 bytes */
	{ "", 0 },
	{ "M", 0 },
	{ "-256", 0 },
	{ "+256", 0 },
	{ " 256", 0 },
	{ "256 ", 0 },
	{ "256K", 0 }, /* not a whole MiB */
	{ "1000000B", 0 },
	{ "1.5G", 0 },
	{ "512MB", 0 },
	{ "512MM", 0 },
	{ "0x", 0 },
	{ "0x20000000B", 0 }, /* B is a hex digit: 0x20000000b MiB */
	{ "09", 0 },
	{ "abc", 0 },
	{ "512M@", 0 },
	{ "512M@0x80000000", 0 }, /* 0x80000000 MiB, as kvmtool reads it */
	{ "512M@1G", 0 },
	{ "512M@0", 0 },
	{ "512M@4G", 0 },
	{ "512M@2G@2G", 0 },
	{ "512M@2GB", 0 },
	{ "512M@x", 0 },
	{ "@2G", 0 },
};

START_TEST(test_options_mem)
{
	struct lkvm_opts o;
	int ret;

	ret = PARSE(&o, "run", "-k", "Image", "--mem", mems[_i].arg);
	if (mems[_i].mib) {
		ck_assert_msg(ret == 0, "--mem %s refused: %s", mems[_i].arg,
			      err);
		ck_assert_uint_eq(o.run.mem_mib, mems[_i].mib);
	} else {
		ck_assert_msg(ret != 0, "--mem '%s' accepted as %llu MiB",
			      mems[_i].arg, (unsigned long long)o.run.mem_mib);
		check_err(ret, "--mem", "-m");
	}
	/* The short form agrees. */
	ret = PARSE(&o, "run", "-k", "Image", "-m", mems[_i].arg);
	ck_assert_int_eq(ret == 0, mems[_i].mib != 0);
}
END_TEST

/* --cpus: 1 to 4096 (lkvm's limit), a plain decimal number. */
static const struct {
	const char *arg;
	unsigned int cpus; /* 0: refused */
} cpus[] = {
	{ "1", 1 },
	{ "2", 2 },
	{ "512", 512 },
	{ "4096", 4096 },
	{ "0", 0 },
	{ "4097", 0 },
	{ "65536", 0 },
	{ "4294967297", 0 }, /* 2^32 + 1: 1 if truncated */
	{ "99999999999999999999", 0 },
	{ "", 0 },
	{ "-1", 0 },
	{ "+2", 0 },
	{ " 2", 0 },
	{ "2x", 0 },
	{ "0x10", 0 },
	{ "two", 0 },
};

START_TEST(test_options_cpus)
{
	struct lkvm_opts o;
	int ret;

	ret = PARSE(&o, "run", "-k", "Image", "--cpus", cpus[_i].arg);
	if (cpus[_i].cpus) {
		ck_assert_msg(ret == 0, "--cpus %s refused: %s", cpus[_i].arg,
			      err);
		ck_assert_uint_eq(o.run.nr_cpus, cpus[_i].cpus);
	} else {
		ck_assert_msg(ret != 0, "--cpus '%s' accepted as %u",
			      cpus[_i].arg, o.run.nr_cpus);
		check_err(ret, "--cpus", "-c");
	}
	ret = PARSE(&o, "run", "-k", "Image", "-c", cpus[_i].arg);
	ck_assert_int_eq(ret == 0, cpus[_i].cpus != 0);
}
END_TEST

/* --name: 1 to 64 letters, digits, '-', '_' or '.'. */
START_TEST(test_options_name)
{
	static const char *const bad[] = { "",	       "a b",  "a/b", "a:b",
					   "\xc3\xa4", "x\ty", "a*",  "$HOME" };
	char name[80];
	struct lkvm_opts o;

	RUN_OK(&o, "-k", "I", "--name", "Az09-_.");
	ck_assert_str_eq(o.run.name, "Az09-_.");

	memset(name, 'n', 64);
	name[64] = 0;
	RUN_OK(&o, "-k", "I", "--name", name);
	ck_assert_str_eq(o.run.name, name);

	name[64] = 'n';
	name[65] = 0;
	check_err(PARSE(&o, "run", "-k", "I", "--name", name), "--name", "-n");

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
		check_err(PARSE(&o, "run", "-k", "I", "--name", bad[i]),
			  "--name", NULL);
}
END_TEST

/* --console serial or virtio; --loglevel takes four names. */
START_TEST(test_options_console_loglevel)
{
	static const struct {
		const char *name;
		enum log_level level;
	} levels[] = {
		{ "error", LOG_ERROR },
		{ "warning", LOG_WARNING },
		{ "info", LOG_INFO },
		{ "debug", LOG_DEBUG },
	};
	struct lkvm_opts o;

	for (unsigned int i = 0; i < ARRAY_SIZE(levels); i++) {
		RUN_OK(&o, "-k", "I", "--loglevel", levels[i].name);
		ck_assert_int_eq(o.run.loglevel, levels[i].level);
	}
	check_err(PARSE(&o, "run", "-k", "I", "--loglevel", "verbose"),
		  "--loglevel", NULL);
	check_err(PARSE(&o, "run", "-k", "I", "--loglevel", "3"), "--loglevel",
		  NULL);
	check_err(PARSE(&o, "run", "-k", "I", "--loglevel", "ERROR"),
		  "--loglevel", NULL);
	RUN_OK(&o, "-k", "I", "--console", "serial");
	ck_assert_int_eq(o.run.console, CONSOLE_SERIAL);
	RUN_OK(&o, "-k", "I", "--console", "virtio");
	ck_assert_int_eq(o.run.console, CONSOLE_VIRTIO);
	check_err(PARSE(&o, "run", "-k", "I", "--console=hvc"), "--console",
		  NULL);
	check_err(PARSE(&o, "run", "-k", "I", "--console=Virtio"), "--console",
		  NULL);
}
END_TEST

/* --no-sandbox, --user USER (resolved later), and not the two together. */
START_TEST(test_options_sandbox)
{
	struct lkvm_opts o;

	RUN_OK(&o, "-k", "I");
	ck_assert(!o.run.no_sandbox);
	ck_assert_ptr_null(o.run.user);
	RUN_OK(&o, "-k", "I", "--no-sandbox");
	ck_assert(o.run.no_sandbox);
	RUN_OK(&o, "-k", "I", "--user", "1000:1000");
	ck_assert_str_eq(o.run.user, "1000:1000");
	RUN_OK(&o, "-k", "I", "--user=nobody");
	ck_assert_str_eq(o.run.user, "nobody");
	check_err(PARSE(&o, "run", "-k", "I", "--user", "nobody",
			"--no-sandbox"),
		  "--user", "--no-sandbox");
	check_err(PARSE(&o, "run", "-k", "I", "--user="), "--user", NULL);
	check_err(PARSE(&o, "run", "-k", "I", "--user"), "--user", NULL);
	check_err(PARSE(&o, "run", "-k", "I", "--no-sandbox=1"), "--no-sandbox",
		  NULL);
}
END_TEST

/*
 * --vsock CID (kvmtool's): a 32-bit guest CID; 0, 1, 2 (hypervisor, local,
 * host) and U32_MAX (any) are refused, as is anything not a plain number.
 */
START_TEST(test_options_vsock)
{
	static const char *const bad[] = {
		"0", "1",  "2",	   "4294967295", "4294967296",		"-3",
		"",  "3x", "0x10", " 5",	 "99999999999999999999"
	};
	struct lkvm_opts o;

	RUN_OK(&o, "-k", "I");
	ck_assert_uint_eq(o.run.vsock_cid, 0);
	RUN_OK(&o, "-k", "I", "--vsock", "3");
	ck_assert_uint_eq(o.run.vsock_cid, 3);
	RUN_OK(&o, "-k", "I", "--vsock=42");
	ck_assert_uint_eq(o.run.vsock_cid, 42);
	RUN_OK(&o, "-k", "I", "--vsock", "4294967294");
	ck_assert_uint_eq(o.run.vsock_cid, 4294967294U);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check_err(PARSE(&o, "run", "-k", "I", "--vsock", bad[i]),
			  "--vsock", NULL);
	check_err(PARSE(&o, "run", "-k", "I", "--vsock"), "--vsock", NULL);
	check_err(PARSE(&o, "run", "-k", "I", "--vsock", "3", "--protected"),
		  "--vsock", NULL);
}
END_TEST

/*
 * -d/--disk FILE[,ro][,direct] (kvmtool's form), repeatable up to 8 times, in
 * order; --disk-io uring|sync; --rng.
 */
START_TEST(test_options_disks_rng)
{
	char longpath[OPT_DISK_PATH_MAX + 1];
	struct lkvm_opts o;

	RUN_OK(&o, "-k", "I");
	ck_assert_uint_eq(o.run.nr_disks, 0);
	ck_assert(!o.run.rng);
	ck_assert(!o.run.disk_sync);
	RUN_OK(&o, "-k", "I", "-d", "root.img", "--disk", "data.img,ro",
	       "--disk=a,b.img", "-d", "x,ro,ro", "--rng", "--disk-io", "sync");
	ck_assert_uint_eq(o.run.nr_disks, 4);
	ck_assert_str_eq(o.run.disks[0].path, "root.img");
	ck_assert(!o.run.disks[0].read_only);
	ck_assert_str_eq(o.run.disks[1].path, "data.img");
	ck_assert(o.run.disks[1].read_only);
	ck_assert_str_eq(o.run.disks[2].path, "a,b.img");
	ck_assert(!o.run.disks[2].read_only);
	ck_assert_str_eq(o.run.disks[3].path, "x,ro");
	ck_assert(o.run.disks[3].read_only);
	ck_assert(o.run.rng);
	ck_assert(o.run.disk_sync);
	ck_assert(!o.run.disks[0].direct && !o.run.disks[3].direct);
	RUN_OK(&o, "-k", "I", "--disk-io=uring");
	ck_assert(!o.run.disk_sync);
	/* ,direct (kvmtool's), with ,ro in either order, each once. */
	RUN_OK(&o, "-k", "I", "-d", "a.img,direct", "-d", "b.img,ro,direct",
	       "-d", "c.img,direct,ro", "-d", "d.img,direct,direct", "-d",
	       "e,direct.img");
	ck_assert_uint_eq(o.run.nr_disks, 5);
	ck_assert_str_eq(o.run.disks[0].path, "a.img");
	ck_assert(o.run.disks[0].direct && !o.run.disks[0].read_only);
	ck_assert_str_eq(o.run.disks[1].path, "b.img");
	ck_assert(o.run.disks[1].direct && o.run.disks[1].read_only);
	ck_assert_str_eq(o.run.disks[2].path, "c.img");
	ck_assert(o.run.disks[2].direct && o.run.disks[2].read_only);
	ck_assert_str_eq(o.run.disks[3].path, "d.img,direct");
	ck_assert(o.run.disks[3].direct && !o.run.disks[3].read_only);
	ck_assert_str_eq(o.run.disks[4].path, "e,direct.img");
	ck_assert(!o.run.disks[4].direct);
	check_err(PARSE(&o, "run", "-k", "I", "-d", ",direct"), "--disk", NULL);
	check_err(PARSE(&o, "run", "-k", "I", "-d", ",ro,direct"), "--disk",
		  NULL);
	check_err(PARSE(&o, "run", "-k", "I", "--disk-io", "aio"), "--disk-io",
		  NULL);
	check_err(PARSE(&o, "run", "-k", "I", "-d", ",ro"), "--disk", NULL);
	check_err(PARSE(&o, "run", "-k", "I", "-d", ""), "--disk", NULL);
	check_err(PARSE(&o, "run", "-k", "I", "-d"), "-d", "--disk");
	check_err(PARSE(&o, "run", "-k", "I", "--rng=1"), "--rng", NULL);
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = 0;
	check_err(PARSE(&o, "run", "-k", "I", "-d", longpath), "--disk", NULL);
	longpath[OPT_DISK_PATH_MAX - 1] = 0;
	RUN_OK(&o, "-k", "I", "-d", longpath);
	ck_assert_uint_eq(strlen(o.run.disks[0].path), OPT_DISK_PATH_MAX - 1);
	check_err(PARSE(&o, "run", "-k", "I", "-d", "1", "-d", "2", "-d", "3",
			"-d", "4", "-d", "5", "-d", "6", "-d", "7", "-d", "8",
			"-d", "9"),
		  "--disk", NULL);
}
END_TEST

/* Unknown options, missing values and stray arguments, each named. */
static const struct {
	const char *args[8];
	const char *names; /* what the message must name */
	const char *or_names; /* or this */
} bad_args[] = {
	{ { "run", "-k", "I", "--bogus" }, "--bogus", NULL },
	/* A newline in an argument must not break the one line (fuzz-options). */
	{ { "frob\nnicate" }, "frob?nicate", NULL },
	{ { "run", "-k", "I", "--name", "a\nb" }, "a?b", NULL },
	{ { "run", "-k", "I", "--timeout", "0x0x3c" }, "--timeout", NULL },
	{ { "run", "-k", "I", "--sdei-event", "5,x\ny" }, "5,x?y", NULL },
	{ { "run", "--bogus", "-k", "I" }, "--bogus", NULL },
	{ { "run", "-k", "I", "-x" }, "-x", NULL },
	{ { "run", "-k", "I", "--kern", "J" }, "--kern", NULL },
	{ { "run", "-k", "I", "--kernelx=J" }, "--kernelx", NULL },
	{ { "run", "-k", "I", "--KERNEL", "J" }, "--KERNEL", NULL },
	{ { "run", "-k", "I", "--json" }, "--json", NULL },
	{ { "run", "-k" }, "-k", "--kernel" },
	{ { "run", "--kernel" }, "--kernel", NULL },
	{ { "run", "-k", "I", "--cpus" }, "--cpus", NULL },
	{ { "run", "-k", "I", "-c" }, "-c", "--cpus" },
	{ { "run", "-k", "I", "-m" }, "-m", "--mem" },
	{ { "run", "-k", "I", "--mem" }, "--mem", NULL },
	{ { "run", "-k", "I", "--initrd" }, "--initrd", NULL },
	{ { "run", "-k", "I", "-i" }, "-i", "--initrd" },
	{ { "run", "-k", "I", "-p" }, "-p", "--params" },
	{ { "run", "-k", "I", "--name" }, "--name", NULL },
	{ { "run", "-k", "I", "--dump-dtb" }, "--dump-dtb", NULL },
	{ { "run", "-k", "I", "--loglevel" }, "--loglevel", NULL },
	{ { "run", "-k", "I", "--console" }, "--console", NULL },
	{ { "run", "-k", "I", "--nodefaults=yes" }, "--nodefaults", NULL },
	{ { "run", "-k", "I", "--help=run" }, "--help", NULL },
	{ { "run", "-k", "I", "J" }, "J", NULL },
	{ { "run", "I", "J" }, "J", NULL },
	{ { "run", "-k", "I", "--", "x" }, "--", NULL },
	{ { "run" }, "kernel", NULL },
	{ { "run", "-c", "2" }, "kernel", NULL },
	{ { "probe", "--bogus" }, "--bogus", NULL },
	{ { "probe", "-k", "I" }, "-k", NULL },
	{ { "probe", "--json=yes" }, "--json", NULL },
	{ { "probe", "--nested" }, "--nested", NULL },
	{ { "probe", "extra" }, "extra", NULL },
	{ { "frobnicate" }, "frobnicate", NULL },
	{ { "--bogus" }, "--bogus", NULL },
	{ { "Run", "-k", "I" }, "Run", NULL },
	{ { "run", "-k", "I", "--reboot", "halt" }, "--reboot", NULL },
	{ { "run", "-k", "I", "--reboot" }, "--reboot", NULL },
	{ { "run", "-k", "I", "--timeout", "0" }, "--timeout", NULL },
	{ { "run", "-k", "I", "--timeout", "-1" }, "--timeout", NULL },
	{ { "run", "-k", "I", "--timeout", "1s" }, "--timeout", NULL },
	{ { "run", "-k", "I", "--timeout", "604801" }, "--timeout", NULL },
	{ { "run", "-k", "I", "--console-log" }, "--console-log", NULL },
	{ { "sdei", "signal", "5" }, "--name", NULL },
	{ { "sdei", "--name", "g" }, "usage", NULL },
	{ { "sdei", "--name", "g", "signal" }, "usage", NULL },
	{ { "sdei", "--name", "g", "raise", "5" }, "raise", NULL },
	{ { "sdei", "--name", "g", "signal", "-5" }, "-5", NULL },
	{ { "sdei", "--name", "g", "signal", "0x80000000" },
	  "0x80000000",
	  NULL },
	{ { "sdei", "--name", "g", "signal", "5x" }, "5x", NULL },
	{ { "sdei", "--name", "g", "signal", "5", "6" }, "6", NULL },
	{ { "sdei", "--name", "g", "signal", "5", "--cpu", "x" },
	  "--cpu",
	  NULL },
	{ { "sdei", "--name", "g", "signal", "5", "--cpu", "4096" },
	  "--cpu",
	  NULL },
	{ { "sdei", "--name", "a/b", "signal", "5" }, "--name", NULL },
	{ { "sdei", "-k", "I" }, "-k", NULL },
	{ { "sdei", "--name", "g", "status", "--cpu", "1" }, "--cpu", NULL },
	{ { "sdei", "--name", "g", "signal", "1", "--json" }, "--json", NULL },
	{ { "sdei", "--name", "g", "status", "extra" }, "extra", NULL },
	{ { "stop" }, "--name", NULL },
	{ { "stop" }, "--socket", NULL },
	{ { "sdei", "status" }, "--socket", NULL },
	/* One way to name the guest. */
	{ { "stop", "--name", "g", "--socket", "/s" }, "--socket", NULL },
	{ { "sdei", "--socket", "/s", "-n", "g", "status" }, "--name", NULL },
	{ { "stop", "--socket" }, "--socket", NULL },
	{ { "stop", "--socket", "" }, "--socket", NULL },
	{ { "stop", "--socket", "/w/pub/" }, "--socket", NULL },
	{ { "run", "-k", "I", "--socket=" }, "--socket", NULL },
	{ { "run", "-k", "I", "--socket", "/tmp/" }, "folder", NULL },
	/* lkvm list reads the folder only. */
	{ { "list", "--socket", "/s" }, "--socket", NULL },
	{ { "pause", "--cpu", "1" }, "--cpu", NULL },
	{ { "resume", "--name", "g", "now" }, "now", NULL },
	{ { "list", "--name", "g" }, "--name", NULL },
};

START_TEST(test_options_bad)
{
	struct lkvm_opts o;

	check_err(parse_argv(&o, bad_args[_i].args), bad_args[_i].names,
		  bad_args[_i].or_names);
}
END_TEST

/* No command at all: an error that points at --help. */
START_TEST(test_options_no_command)
{
	const char *argv[] = { "lkvm", NULL };
	struct lkvm_opts o;

	/* As kvmtool: the commands, on stdout, exit 0. */
	ck_assert_int_eq(
		options_parse(1, (char *const *)argv, &o, err, sizeof(err)), 0);
	ck_assert_int_eq(o.cmd, CMD_HELP);
	ck_assert_int_eq(o.help_for, CMD_HELP);
}
END_TEST

/* lkvm --help, -h, help [command]. */
START_TEST(test_options_help_command)
{
	struct lkvm_opts o;

	ck_assert_int_eq(PARSE(&o, "help"), 0);
	ck_assert_int_eq(o.cmd, CMD_HELP);
	ck_assert_int_eq(o.help_for, CMD_HELP);
	ck_assert_int_eq(PARSE(&o, "--help"), 0);
	ck_assert_int_eq(o.cmd, CMD_HELP);
	ck_assert_int_eq(o.help_for, CMD_HELP);
	ck_assert_int_eq(PARSE(&o, "-h"), 0);
	ck_assert_int_eq(o.cmd, CMD_HELP);
	ck_assert_int_eq(PARSE(&o, "help", "run"), 0);
	ck_assert_int_eq(o.cmd, CMD_HELP);
	ck_assert_int_eq(o.help_for, CMD_RUN);
	ck_assert_int_eq(PARSE(&o, "help", "probe"), 0);
	ck_assert_int_eq(o.cmd, CMD_HELP);
	ck_assert_int_eq(o.help_for, CMD_PROBE);
}
END_TEST

/* --help of a command, wherever it stands, and with no kernel given. */
static const struct {
	const char *args[8];
	enum lkvm_cmd help_for;
} helps[] = {
	{ { "run", "--help" }, CMD_RUN },
	{ { "run", "-h" }, CMD_RUN },
	{ { "run", "--help", "-k", "I" }, CMD_RUN },
	{ { "run", "-k", "I", "--help" }, CMD_RUN },
	{ { "run", "-c", "2", "-h", "-m", "64" }, CMD_RUN },
	{ { "run", "Image", "--help" }, CMD_RUN },
	{ { "run", "--nodefaults", "--help", "Image" }, CMD_RUN },
	{ { "probe", "--help" }, CMD_PROBE },
	{ { "probe", "-h" }, CMD_PROBE },
	{ { "probe", "--json", "--help" }, CMD_PROBE },
};

START_TEST(test_options_help_anywhere)
{
	struct lkvm_opts o;
	int ret = parse_argv(&o, helps[_i].args);

	ck_assert_msg(ret == 0, "refused: %s", err);
	ck_assert_int_eq(o.cmd, CMD_HELP);
	ck_assert_int_eq(o.help_for, helps[_i].help_for);
}
END_TEST

START_TEST(test_options_version)
{
	struct lkvm_opts o;

	ck_assert_int_eq(PARSE(&o, "version"), 0);
	ck_assert_int_eq(o.cmd, CMD_VERSION);
	ck_assert_int_eq(PARSE(&o, "--version"), 0);
	ck_assert_int_eq(o.cmd, CMD_VERSION);
}
END_TEST

START_TEST(test_options_probe)
{
	struct lkvm_opts o;

	ck_assert_int_eq(PARSE(&o, "probe"), 0);
	ck_assert_int_eq(o.cmd, CMD_PROBE);
	ck_assert(!o.probe.json);
	ck_assert_int_eq(PARSE(&o, "probe", "--json"), 0);
	ck_assert_int_eq(o.cmd, CMD_PROBE);
	ck_assert(o.probe.json);
}
END_TEST

/* A previous parse leaves nothing behind. */
START_TEST(test_options_fresh_state)
{
	struct lkvm_opts o;

	RUN_OK(&o, "-k", "I", "-c", "7", "--nodefaults", "--name", "x", "-i",
	       "r", "--nested", "--e2h0");
	RUN_OK(&o, "-k", "J");
	ck_assert_uint_eq(o.run.nr_cpus, 1);
	ck_assert(!o.run.nodefaults);
	ck_assert(!o.run.nested);
	ck_assert(!o.run.e2h0);
	ck_assert_str_eq(o.run.name, "");
	ck_assert_ptr_null(o.run.initrd);
	ck_assert_int_eq(PARSE(&o, "probe"), 0);
	ck_assert(!o.probe.json);
}
END_TEST

/* A small error buffer gets a truncated, terminated message. */
START_TEST(test_options_small_err_buffer)
{
	const char *argv[] = { "lkvm", "run", "-k", "I", "--cpus", "0", NULL };
	struct lkvm_opts o;
	char small[9];

	memset(small, 'x', sizeof(small));
	ck_assert_int_eq(options_parse(6, (char *const *)argv, &o, small,
				       sizeof(small)),
			 -EINVAL);
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
}
END_TEST

/* Each command has a usage text naming its options. */
START_TEST(test_options_usage)
{
	static const char *const run_opts[] = {
		"--kernel",   "--initrd",   "--params",	 "--cpus",
		"--mem",      "--name",	    "--console", "--nodefaults",
		"--dump-dtb", "--loglevel", "--nested",	 "--e2h0",
		"--help",
	};
	const char *u;

	u = options_usage(CMD_RUN);
	ck_assert_ptr_nonnull(u);
	for (unsigned int i = 0; i < ARRAY_SIZE(run_opts); i++)
		ck_assert_msg(strstr(u, run_opts[i]), "run usage lacks %s",
			      run_opts[i]);
	u = options_usage(CMD_PROBE);
	ck_assert_ptr_nonnull(u);
	ck_assert_ptr_nonnull(strstr(u, "--json"));
	u = options_usage(CMD_HELP);
	ck_assert_ptr_nonnull(u);
	ck_assert_ptr_nonnull(strstr(u, "run"));
	ck_assert_ptr_nonnull(strstr(u, "probe"));
	ck_assert_ptr_nonnull(strstr(u, "version"));
	/* What tools made for kvmtool look for. */
	ck_assert_ptr_nonnull(
		strstr(u, "\n The most commonly used lkvm commands are:\n"));
	ck_assert_ptr_nonnull(strstr(u, "\nusage: lkvm COMMAND [ARGS]\n"));
}
END_TEST

/* --reboot: exit (the default) or restart. */
START_TEST(test_options_reboot)
{
	struct lkvm_opts o;

	RUN_OK(&o, "-k", "I");
	ck_assert(!o.run.reboot_restart);
	RUN_OK(&o, "-k", "I", "--reboot=restart");
	ck_assert(o.run.reboot_restart);
	RUN_OK(&o, "-k", "I", "--reboot", "restart", "--reboot", "exit");
	ck_assert(!o.run.reboot_restart);
}
END_TEST

/* --timeout SECONDS and --console-log FILE, for CI. */
START_TEST(test_options_timeout_log)
{
	struct lkvm_opts o;

	RUN_OK(&o, "-k", "I");
	ck_assert_uint_eq(o.run.timeout_s, 0);
	ck_assert_ptr_null(o.run.console_log);
	RUN_OK(&o, "-k", "I", "--timeout", "90", "--console-log=c.log");
	ck_assert_uint_eq(o.run.timeout_s, 90);
	ck_assert_str_eq(o.run.console_log, "c.log");
	RUN_OK(&o, "-k", "I", "--timeout=604800");
	ck_assert_uint_eq(o.run.timeout_s, 604800);
}
END_TEST

/* lkvm sdei --name NAME signal EVENT [--cpu N], options in any place. */
START_TEST(test_options_sdei_signal)
{
	struct lkvm_opts o;

	ck_assert_int_eq(PARSE(&o, "sdei", "--name", "g1", "signal", "7"), 0);
	ck_assert_int_eq(o.cmd, CMD_SDEI);
	ck_assert_str_eq(o.sdei.name, "g1");
	ck_assert_int_eq(o.sdei.req.op, CONTROL_SDEI_SIGNAL);
	ck_assert_uint_eq(o.sdei.req.event, 7);
	ck_assert_int_eq(o.sdei.req.cpu, CONTROL_CPU_ROUTED);
	ck_assert_int_eq(PARSE(&o, "sdei", "signal", "0x7fffffff", "--cpu", "3",
			       "-n", "x.y"),
			 0);
	ck_assert_str_eq(o.sdei.name, "x.y");
	ck_assert_uint_eq(o.sdei.req.event, 0x7fffffff);
	ck_assert_int_eq(o.sdei.req.cpu, 3);
	ck_assert_int_eq(
		PARSE(&o, "sdei", "--name=g", "signal", "0", "--cpu=0"), 0);
	ck_assert_uint_eq(o.sdei.req.event, 0);
	ck_assert_int_eq(o.sdei.req.cpu, 0);
	ck_assert_int_eq(PARSE(&o, "sdei", "--help"), 0);
	ck_assert_int_eq(o.cmd, CMD_HELP);
	ck_assert_int_eq(o.help_for, CMD_SDEI);
	ck_assert_ptr_nonnull(strstr(options_usage(CMD_SDEI), "--cpu"));
}
END_TEST

/*
 * --socket PATH: lkvm run's socket at PATH, and the clients' guest. A
 * path must leave room in sun_path's 108 bytes for lkvm's temporary
 * PATH.<pid>: 99 bytes at most, refused with one line before any VM.
 */
START_TEST(test_options_socket)
{
	char path[CONTROL_SOCKET_PATH_MAX + 1];
	struct lkvm_opts o;

	RUN_OK(&o, "-k", "I");
	ck_assert_ptr_null(o.run.socket);
	RUN_OK(&o, "-k", "I", "--socket", "/w/pub/x.sock", "--name", "p");
	ck_assert_str_eq(o.run.socket, "/w/pub/x.sock");
	ck_assert_str_eq(o.run.name, "p");
	RUN_OK(&o, "-k", "I", "--socket=x.sock");
	ck_assert_str_eq(o.run.socket, "x.sock");

	memset(path, 'p', sizeof(path));
	path[0] = '/';
	path[CONTROL_SOCKET_PATH_MAX - 1] = 0;
	RUN_OK(&o, "-k", "I", "--socket", path);
	ck_assert_uint_eq(strlen(o.run.socket), 99);
	ck_assert_int_eq(PARSE(&o, "stop", "--socket", path), 0);
	ck_assert_str_eq(o.sdei.socket, path);
	path[CONTROL_SOCKET_PATH_MAX - 1] = 'p';
	path[CONTROL_SOCKET_PATH_MAX] = 0;
	check_err(PARSE(&o, "run", "-k", "I", "--socket", path), "--socket",
		  NULL);
	ck_assert_ptr_nonnull(strstr(err, "at most 99"));
	check_err(PARSE(&o, "sdei", "--socket", path, "status"), "--socket",
		  NULL);

	/* The clients: --socket in place of --name. */
	ck_assert_int_eq(
		PARSE(&o, "sdei", "--socket", "/w/x.sock", "signal", "100"), 0);
	ck_assert_str_eq(o.sdei.socket, "/w/x.sock");
	ck_assert_str_eq(o.sdei.name, "");
	ck_assert_int_eq(o.sdei.req.op, CONTROL_SDEI_SIGNAL);
	ck_assert_uint_eq(o.sdei.req.event, 100);
	ck_assert_int_eq(PARSE(&o, "sdei", "status", "--socket=/w/x.sock"), 0);
	ck_assert_int_eq(o.sdei.req.op, CONTROL_SDEI_STATUS);
	ck_assert_int_eq(PARSE(&o, "stop", "--socket", "/w/x.sock"), 0);
	ck_assert_int_eq(o.sdei.req.op, CONTROL_STOP);
	ck_assert_int_eq(PARSE(&o, "pause", "--socket", "/w/x.sock"), 0);
	ck_assert_int_eq(o.sdei.req.op, CONTROL_PAUSE);
	ck_assert_int_eq(PARSE(&o, "resume", "--socket", "/w/x.sock"), 0);
	ck_assert_int_eq(o.sdei.req.op, CONTROL_RESUME);
	ck_assert_int_eq(PARSE(&o, "stop", "--name", "g"), 0);
	ck_assert_ptr_null(o.sdei.socket);

	/* The usage texts say it. */
	ck_assert_ptr_nonnull(strstr(options_usage(CMD_RUN), "--socket PATH"));
	ck_assert_ptr_nonnull(strstr(options_usage(CMD_RUN), "/tmp/lkvm-"));
	ck_assert_ptr_nonnull(strstr(options_usage(CMD_SDEI), "--socket PATH"));
	ck_assert_ptr_nonnull(strstr(options_usage(CMD_STOP), "--socket PATH"));
	ck_assert_ptr_nonnull(strstr(options_usage(CMD_LIST), "--socket"));
}
END_TEST

/* lkvm list, stop, pause, resume and sdei status. */
START_TEST(test_options_control)
{
	struct lkvm_opts o;

	ck_assert_int_eq(PARSE(&o, "list"), 0);
	ck_assert_int_eq(o.cmd, CMD_LIST);
	ck_assert(!o.sdei.json);
	ck_assert_int_eq(PARSE(&o, "list", "--json"), 0);
	ck_assert(o.sdei.json);
	ck_assert_int_eq(PARSE(&o, "stop", "--name", "g"), 0);
	ck_assert_int_eq(o.cmd, CMD_STOP);
	ck_assert_int_eq(o.sdei.req.op, CONTROL_STOP);
	ck_assert_str_eq(o.sdei.name, "g");
	ck_assert_int_eq(PARSE(&o, "pause", "-n", "g"), 0);
	ck_assert_int_eq(o.sdei.req.op, CONTROL_PAUSE);
	ck_assert_int_eq(PARSE(&o, "resume", "--name=g"), 0);
	ck_assert_int_eq(o.sdei.req.op, CONTROL_RESUME);
	ck_assert_int_eq(PARSE(&o, "sdei", "--name", "g", "status"), 0);
	ck_assert_int_eq(o.sdei.req.op, CONTROL_SDEI_STATUS);
	ck_assert(!o.sdei.req.json);
	ck_assert_int_eq(PARSE(&o, "sdei", "status", "--json", "-n", "g"), 0);
	ck_assert(o.sdei.req.json);
	ck_assert_int_eq(PARSE(&o, "help", "list"), 0);
	ck_assert_int_eq(o.help_for, CMD_LIST);
	ck_assert_int_eq(PARSE(&o, "stop", "--help"), 0);
	ck_assert_int_eq(o.help_for, CMD_STOP);
	ck_assert_ptr_nonnull(strstr(options_usage(CMD_STOP), "pause"));
	ck_assert_ptr_nonnull(strstr(options_usage(CMD_HELP), "list"));
}
END_TEST

/*
 * -n/--network, kvmtool's syntax: mode=none, user and tap (kvmtool's
 * default, also a bare -n); lkvm's hostfwd= (QEMU's syntax) for user
 * mode; guest_mac=; every refusal names the parameter.
 */
START_TEST(test_options_network)
{
	static const char *const none[] = {
		"mode=none",	     "mode,none",
		"mode=none,tapif=x", "guest_mac=02:00:00:00:00:01,mode=none",
		"mode=nonesuch", /* kvmtool compares a prefix */
		"mode=none,bogus=1", /* none ends the parse */
	};
	static const struct {
		const char *arg;
		const char *names;
	} refused[] = {
		{ "mode=vde", "vde" },
		{ "bogus=1", "bogus" },
		{ "name=vm0", "name" },
		{ "mode", "without a value" },
		{ "mode=user,tapif=t0", "tapif" },
		{ "mode=tap,hostfwd=tcp::1-:2", "hostfwd" },
		{ "tapif=0123456789abcdef", "tapif" },
		{ "tapif=a/b", "tapif" },
		{ "guest_mac=01:00:00:00:00:01", "guest_mac" }, /* multicast */
		{ "guest_mac=02:00:00:00:00", "guest_mac" },
		{ "guest_mac=02:00:00:00:00:0g", "guest_mac" },
		{ "guest_mac=02:00:00:00:00:011", "guest_mac" },
		{ "guest_ip=10.0.2.16", "guest_ip" },
		{ "host_ip=10.0.2.1", "host_ip" },
		{ "script=/bin/true", "script" },
		{ "vhost=1", "vhost" },
		{ "trans=pci", "trans" },
		{ "mode=user,hostfwd=tcp:2222-:22", "hostfwd" },
		{ "mode=user,hostfwd=sctp::2222-:22", "hostfwd" },
		{ "mode=user,hostfwd=tcp::0-:22", "hostfwd" },
		{ "mode=user,hostfwd=tcp::65536-:22", "hostfwd" },
		{ "mode=user,hostfwd=tcp::2222-:", "hostfwd" },
		{ "mode=user,hostfwd=tcp::2222:22", "hostfwd" },
		{ "mode=user,hostfwd=tcp:1.2.3:2222-:22", "hostfwd" },
		{ "mode=user,hostfwd=tcp:1.2.3.256:2222-:22", "hostfwd" },
		{ "mode=user,hostfwd=tcp::2222-10.0.2.15x:22", "hostfwd" },
	};
	struct lkvm_opts o;

	for (unsigned int i = 0; i < ARRAY_SIZE(none); i++) {
		RUN_OK(&o, "-k", "I", "-n", none[i]);
		ck_assert_int_eq(o.run.net.mode, NET_NONE);
		RUN_OK(&o, "-k", "I", "--network", none[i]);
		ck_assert_str_eq(o.run.name, "");
	}
	RUN_OK(&o, "-k", "I", "--network=mode=none", "--name", "n");
	ck_assert_str_eq(o.run.name, "n");
	/* Without -n: no NIC (lkvm's default, see README). */
	RUN_OK(&o, "-k", "I");
	ck_assert_int_eq(o.run.net.mode, NET_NONE);
	for (unsigned int i = 0; i < ARRAY_SIZE(refused); i++) {
		int ret = PARSE(&o, "run", "-k", "I", "-n", refused[i].arg);

		check_err(ret, "--network", NULL);
		ck_assert_msg(strstr(err, refused[i].names),
			      "-n %s: '%s' does not name %s", refused[i].arg,
			      err, refused[i].names);
	}
	/* A bare -n is kvmtool's tap NIC, also before another option. */
	RUN_OK(&o, "-k", "I", "-n");
	ck_assert_int_eq(o.run.net.mode, NET_TAP);
	ck_assert_str_eq(o.run.net.tapif, "");
	ck_assert(!o.run.net.mac_set);
	RUN_OK(&o, "-n", "-k", "I");
	ck_assert_int_eq(o.run.net.mode, NET_TAP);
	RUN_OK(&o, "-k", "I", "-n", "mode=tap,tapif=tap0,trans=mmio");
	ck_assert_int_eq(o.run.net.mode, NET_TAP);
	ck_assert_str_eq(o.run.net.tapif, "tap0");
	RUN_OK(&o, "-k", "I", "-n", "tapif=012345678901234");
	ck_assert_str_eq(o.run.net.tapif, "012345678901234");
	/* User mode with two forwards and a MAC. */
	RUN_OK(&o, "-k", "I", "-n",
	       "mode=user,hostfwd=tcp::2222-:22,guest_mac=52:54:00:AB:cd:0F,"
	       "hostfwd=udp:127.0.0.1:5353-10.0.2.15:53");
	ck_assert_int_eq(o.run.net.mode, NET_USER);
	ck_assert(o.run.net.mac_set);
	ck_assert_uint_eq(o.run.net.mac[0], 0x52);
	ck_assert_uint_eq(o.run.net.mac[3], 0xab);
	ck_assert_uint_eq(o.run.net.mac[4], 0xcd);
	ck_assert_uint_eq(o.run.net.mac[5], 0x0f);
	ck_assert_uint_eq(o.run.net.nr_fwd, 2);
	ck_assert(!o.run.net.fwd[0].udp);
	ck_assert_uint_eq(o.run.net.fwd[0].host_addr, 0);
	ck_assert_uint_eq(o.run.net.fwd[0].host_port, 2222);
	ck_assert_uint_eq(o.run.net.fwd[0].guest_addr, 0);
	ck_assert_uint_eq(o.run.net.fwd[0].guest_port, 22);
	ck_assert(o.run.net.fwd[1].udp);
	ck_assert_uint_eq(o.run.net.fwd[1].host_addr, 0x7f000001);
	ck_assert_uint_eq(o.run.net.fwd[1].host_port, 5353);
	ck_assert_uint_eq(o.run.net.fwd[1].guest_addr, 0x0a00020f);
	ck_assert_uint_eq(o.run.net.fwd[1].guest_port, 53);
	RUN_OK(&o, "-k", "I", "-n", "mode=user,hostfwd=::8080-:80");
	ck_assert(!o.run.net.fwd[0].udp);
	/* One NIC: a second is refused; mode=none turns it off. */
	check_err(PARSE(&o, "run", "-k", "I", "-n", "mode=user", "-n",
			"mode=tap"),
		  "--network", "one network device");
	RUN_OK(&o, "-k", "I", "-n", "mode=user", "-n", "mode=none");
	ck_assert_int_eq(o.run.net.mode, NET_NONE);
	/* A protected guest's memory is not the device's to read. */
	check_err(PARSE(&o, "run", "-k", "I", "--protected", "-n", "mode=user"),
		  "--protected", "-n/--network");
}
END_TEST

/* --9p DIR[,TAG], kvmtool's: repeatable, the tag checked before any VM. */
START_TEST(test_options_9p)
{
	char long_tag[OPT_9P_TAG_MAX + 2], arg[OPT_9P_TAG_MAX + 8];
	struct lkvm_opts o;

	RUN_OK(&o, "-k", "I");
	ck_assert_uint_eq(o.run.nr_p9, 0);
	RUN_OK(&o, "-k", "I", "--9p", "/srv/a,share", "--9p=/srv/b,c,d");
	ck_assert_uint_eq(o.run.nr_p9, 2);
	ck_assert_str_eq(o.run.p9[0].dir, "/srv/a");
	ck_assert_str_eq(o.run.p9[0].tag, "share");
	/* the folder ends at the first comma, as in kvmtool */
	ck_assert_str_eq(o.run.p9[1].dir, "/srv/b");
	ck_assert_str_eq(o.run.p9[1].tag, "c,d");
	/* no tag: kvmtool's default */
	RUN_OK(&o, "-k", "I", "--9p", "dir");
	ck_assert_str_eq(o.run.p9[0].tag, "kvm_9p");
	check_err(PARSE(&o, "run", "-k", "I", "--9p", "dir,"), "--9p", "empty");
	check_err(PARSE(&o, "run", "-k", "I", "--9p", ",tag"), "--9p",
		  "no folder");
	check_err(PARSE(&o, "run", "-k", "I", "--9p", "a,t", "--9p", "b,t"),
		  "--9p", "twice");
	memset(long_tag, 'x', OPT_9P_TAG_MAX);
	long_tag[OPT_9P_TAG_MAX] = 0;
	snprintf(arg, sizeof(arg), "d,%s", long_tag);
	RUN_OK(&o, "-k", "I", "--9p", arg);
	ck_assert_uint_eq(strlen(o.run.p9[0].tag), OPT_9P_TAG_MAX);
	strcat(long_tag, "y");
	snprintf(arg, sizeof(arg), "d,%s", long_tag);
	check_err(PARSE(&o, "run", "-k", "I", "--9p", arg), "--9p",
		  "at most 254");
	check_err(PARSE(&o, "run", "-k", "I", "--9p", "a,1", "--9p", "b,2",
			"--9p", "c,3", "--9p", "d,4", "--9p", "e,5"),
		  "--9p", "at most 4");
	check_err(PARSE(&o, "run", "-k", "I", "--protected", "--9p", "a,t"),
		  "--protected", "--9p");
}
END_TEST

/*
 * Every kvmtool `run` option lkvm does not offer is refused with a reason,
 * naming it, in its long and short forms, with or without a value: never
 * "unknown option".
 */
static const char *const kvmtool_refused[] = {
	"--balloon",
	"--vnc",
	"--gtk",
	"--sdl",
	"--dev=/dev/kvm",
	"--tty=0",
	"--sandbox=x.sh",

	"--virtio-legacy",
	"--force-pci",

	"--flash=x",
	"-Fx",
	"--no-dhcp",
	"--vfio-pci=0:1.0",
	"--debug-single-step",
	"--debug-ioport",
	"--debug-iodelay=5",

	"--override-bad-firmware-cntfrq=1",
};

START_TEST(test_options_kvmtool_refused)
{
	const char *a = kvmtool_refused[_i];
	char name[64];
	struct lkvm_opts o;
	int ret;

	ret = PARSE(&o, "run", "-k", "I", a);
	ck_assert_msg(ret == -EINVAL, "%s accepted", a);
	check_err(ret, "--", NULL);
	ck_assert_msg(!strstr(err, "unknown"), "%s: %s", a, err);
	/* Named by its long name, then why: "--pmu: lkvm ...". */
	if (a[1] == '-') {
		size_t n = strcspn(a, "=");

		snprintf(name, sizeof(name), "%.*s: ", (int)n, a);
		ck_assert_msg(!strncmp(err, name, strlen(name)), "%s: %s", a,
			      err);
	}
	ck_assert_msg(strlen(err) > 20, "%s: no reason: %s", a, err);
}
END_TEST

/* kvmtool options lkvm honours as they are, and --debug. */
START_TEST(test_options_kvmtool_accepted)
{
	struct lkvm_opts o;

	RUN_OK(&o, "-k", "I", "--psci", "--irqchip", "gicv3",
	       "--virtio-transport=mmio", "--disable-mte", "--no-pvtime",
	       "--debug-mmio");
	ck_assert(o.run.debug_mmio);
	ck_assert_int_eq(o.run.loglevel, LOG_WARNING);
	RUN_OK(&o, "-k", "I", "--debug");
	ck_assert_int_eq(o.run.loglevel, LOG_DEBUG);
	ck_assert(!o.run.debug_mmio);
	/* What tools made for kvmtool send. */
	RUN_OK(&o, "--nodefaults", "--network", "mode=none",
	       "--loglevel=warning", "--kernel", "X", "--params", "a b",
	       "--mem", "256", "--cpus", "2", "--nested");
	ck_assert_int_eq(o.run.loglevel, LOG_WARNING);
	ck_assert_uint_eq(o.run.mem_mib, 256);
	check_err(PARSE(&o, "run", "-k", "I", "--irqchip", "gicv3-its"),
		  "--irqchip", NULL);
	check_err(PARSE(&o, "run", "-k", "I", "--irqchip", "gicv2"),
		  "--irqchip", NULL);
	check_err(PARSE(&o, "run", "-k", "I", "--irqchip", "x"), "--irqchip",
		  NULL);
	check_err(PARSE(&o, "run", "-k", "I", "--virtio-transport", "pci"),
		  "--virtio-transport", NULL);
	check_err(PARSE(&o, "run", "-k", "I", "--psci=1"), "--psci", NULL);
	ck_assert_int_eq(PARSE(&o, "run", "--help-all"), 0);
	ck_assert_int_eq(o.cmd, CMD_HELP);
	ck_assert_int_eq(o.help_for, CMD_RUN);
}
END_TEST

/* kvmtool's vCPU options: --pmu, --sve-max-vl BITS; lkvm's --no-sve etc. */
START_TEST(test_options_vcpu_features)
{
	static const char *const bad_vl[] = { "0",   "64",   "127",  "192",
					      "384", "4096", "256k", "x",
					      "",    "-128" };
	struct lkvm_opts o;

	RUN_OK(&o, "-k", "I");
	ck_assert(!o.run.pmu && !o.run.no_sve && !o.run.no_ptrauth &&
		  !o.run.no_pvtime);
	ck_assert_uint_eq(o.run.sve_max_vl, 0);
	RUN_OK(&o, "-k", "I", "--pmu", "--sve-max-vl", "512", "--no-ptrauth",
	       "--no-pvtime");
	ck_assert(o.run.pmu && o.run.no_ptrauth && o.run.no_pvtime);
	ck_assert_uint_eq(o.run.sve_max_vl, 512);
	for (unsigned int vl = 128; vl <= 2048; vl *= 2) {
		char a[16];

		snprintf(a, sizeof(a), "%u", vl);
		RUN_OK(&o, "-k", "I", "--sve-max-vl", a);
		ck_assert_uint_eq(o.run.sve_max_vl, vl);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_vl); i++)
		check_err(PARSE(&o, "run", "-k", "I", "--sve-max-vl",
				bad_vl[i]),
			  "--sve-max-vl", NULL);
	RUN_OK(&o, "-k", "I", "--no-sve");
	ck_assert(o.run.no_sve);
	/*
	 * --protected: a pKVM protected VM. Its RAM is anonymous memory (KVM
	 * cannot donate file-backed pages), and no virtio device, which
	 * would read guest memory the guest has not shared.
	 */
	RUN_OK(&o, "-k", "I", "--protected");
	ck_assert(o.run.protected_vm);
	RUN_OK(&o, "-k", "I", "--protected", "--console", "serial", "-c", "2",
	       "-m", "512", "-i", "R");
	check_err(PARSE(&o, "run", "-k", "I", "--protected", "--hugetlbfs",
			"/dev/hugepages"),
		  "--protected", NULL);
	ck_assert_msg(strstr(err, "--hugetlbfs"), "%s", err);
	check_err(PARSE(&o, "run", "-k", "I", "--protected", "-d", "disk.img"),
		  "--protected", NULL);
	ck_assert_msg(strstr(err, "--disk"), "%s", err);
	check_err(PARSE(&o, "run", "-k", "I", "--rng", "--protected"),
		  "--protected", NULL);
	ck_assert_msg(strstr(err, "--rng"), "%s", err);
	check_err(PARSE(&o, "run", "-k", "I", "--protected", "--console",
			"virtio"),
		  "--protected", NULL);
	ck_assert_msg(strstr(err, "--console virtio"), "%s", err);
	RUN_OK(&o, "-k", "I");
	ck_assert(!o.run.protected_vm);

	/* --aarch32: no EL2, no SVE, RAM below 4 GiB. */
	RUN_OK(&o, "-k", "I", "--aarch32", "-m", "2048");
	ck_assert(o.run.aarch32);
	check_err(PARSE(&o, "run", "-k", "I", "--aarch32", "--nested"),
		  "--aarch32", NULL);
	check_err(PARSE(&o, "run", "-k", "I", "--aarch32", "--sve-max-vl",
			"128"),
		  "--aarch32", NULL);
	check_err(PARSE(&o, "run", "-k", "I", "--aarch32", "-m", "2049"),
		  "--aarch32", NULL);
	check_err(PARSE(&o, "run", "-k", "I", "--no-sve", "--sve-max-vl",
			"256"),
		  "--sve-max-vl", NULL);
}
END_TEST

/* lkvm debug, kvmtool's: --name or --socket, and --dump or --sysrq C. */
START_TEST(test_options_debug)
{
	struct lkvm_opts o;

	ck_assert_int_eq(PARSE(&o, "debug", "-n", "g", "-d"), 0);
	ck_assert_int_eq(o.cmd, CMD_DEBUG);
	ck_assert_str_eq(o.sdei.name, "g");
	ck_assert_int_eq(o.sdei.req.op, CONTROL_DEBUG_DUMP);
	ck_assert_int_eq(PARSE(&o, "debug", "--socket", "/s", "--sysrq", "t"),
			 0);
	ck_assert_int_eq(o.sdei.req.op, CONTROL_DEBUG_SYSRQ);
	ck_assert_int_eq(o.sdei.req.key, 't');
	ck_assert_int_eq(PARSE(&o, "debug", "--name=g", "-sw"), 0);
	ck_assert_int_eq(o.sdei.req.key, 'w');
	check_err(PARSE(&o, "debug", "--name", "g"), "--dump", NULL);
	check_err(PARSE(&o, "debug", "--dump"), "--name", NULL);
	check_err(PARSE(&o, "debug", "-n", "g", "-d", "-s", "t"),
		  "one at a time", NULL);
	check_err(PARSE(&o, "debug", "-n", "g", "--sysrq", "tt"), "--sysrq",
		  NULL);
	check_err(PARSE(&o, "debug", "-n", "g", "--sysrq", " "), "--sysrq",
		  NULL);
	ck_assert_int_eq(PARSE(&o, "debug", "--help"), 0);
	ck_assert_int_eq(o.help_for, CMD_DEBUG);
	ck_assert_int_eq(PARSE(&o, "help", "debug"), 0);
	ck_assert_int_eq(o.help_for, CMD_DEBUG);
	ck_assert_ptr_nonnull(strstr(options_usage(CMD_DEBUG), "--sysrq"));
}
END_TEST

/* -f/--firmware FILE [--firmware-address ADDR], kvmtool's rules. */
START_TEST(test_options_firmware)
{
	struct lkvm_opts o;

	RUN_OK(&o, "-f", "fw.bin");
	ck_assert_str_eq(o.run.firmware, "fw.bin");
	ck_assert_ptr_null(o.run.kernel);
	ck_assert_uint_eq(o.run.firmware_addr, 0);
	RUN_OK(&o, "--firmware=fw.bin", "--firmware-address", "0x80080000");
	ck_assert_uint_eq(o.run.firmware_addr, 0x80080000);
	RUN_OK(&o, "-ffw.bin", "--firmware-address=2148007936");
	ck_assert_uint_eq(o.run.firmware_addr, 0x80080000);
	check_err(PARSE(&o, "run", "-f", "fw", "-k", "I"), "--firmware", NULL);
	check_err(PARSE(&o, "run", "-f", "fw", "Image"), "Image", NULL);
	check_err(PARSE(&o, "run", "-k", "I", "--firmware-address", "0x1000"),
		  "--firmware-address", NULL);
	check_err(PARSE(&o, "run", "-f", "fw", "--firmware-address", "x"),
		  "--firmware-address", NULL);
	check_err(PARSE(&o, "run", "--firmware-address", "1"), "--firmware",
		  NULL);
	check_err(PARSE(&o, "run"), "-f FILE", NULL);
}
END_TEST

/* --vcpu-affinity: Linux's CPU list syntax, into a bitmap. */
START_TEST(test_options_vcpu_affinity)
{
	static const struct {
		const char *arg;
		uint64_t w0, w15; /* bits 0-63, 960-1023 */
	} ok[] = {
		{ "0", 1, 0 },
		{ "1", 2, 0 },
		{ "0-3", 0xf, 0 },
		{ "0-3,8", 0x10f, 0 },
		{ "8,0-3", 0x10f, 0 },
		{ "0-15:2/4", 0x3333, 0 },
		{ "0-7:1/2", 0x55, 0 },
		{ "63", 1ULL << 63, 0 },
		{ "1023", 0, 1ULL << 63 },
		{ "0-1023:1/1024", 1, 0 },
		{ "3-3", 8, 0 },
	};
	static const char *const bad[] = {
		"",	 "-1",	"1-0", "1024",	  "0-1024",  "a",
		"0,",	 ",0",	"0-",  "0-3:0/2", "0-3:3/2", "0-3:1/0",
		"0-3:1", "0 1", "0x1", "1-2-3",
	};
	struct lkvm_opts o;

	RUN_OK(&o, "-k", "I");
	ck_assert(!o.run.vcpu_affinity_set);
	ck_assert(!o.run.kaslr_seed_set);
	ck_assert_uint_eq(o.run.counter_offset, 0);
	ck_assert_ptr_null(o.run.hugetlbfs);
	RUN_OK(&o, "-k", "I", "--hugetlbfs", "/dev/hugepages");
	ck_assert_str_eq(o.run.hugetlbfs, "/dev/hugepages");
	check_err(PARSE(&o, "run", "-k", "I", "--hugetlbfs="), "--hugetlbfs",
		  NULL);
	RUN_OK(&o, "-k", "I", "--counter-offset", "0x10000000000");
	ck_assert_uint_eq(o.run.counter_offset, 1ULL << 40);
	check_err(PARSE(&o, "run", "-k", "I", "--counter-offset", "1e9"),
		  "--counter-offset", NULL);
	RUN_OK(&o, "-k", "I", "--kaslr-seed", "0");
	ck_assert(o.run.kaslr_seed_set);
	ck_assert_uint_eq(o.run.kaslr_seed, 0);
	RUN_OK(&o, "-k", "I", "--kaslr-seed=0xfedcba9876543210");
	ck_assert_uint_eq(o.run.kaslr_seed, 0xfedcba9876543210ULL);
	check_err(PARSE(&o, "run", "-k", "I", "--kaslr-seed", "-1"),
		  "--kaslr-seed", NULL);
	for (unsigned int i = 0; i < ARRAY_SIZE(ok); i++) {
		RUN_OK(&o, "-k", "I", "--vcpu-affinity", ok[i].arg);
		ck_assert(o.run.vcpu_affinity_set);
		ck_assert_msg(o.run.vcpu_affinity[0] == ok[i].w0 &&
				      o.run.vcpu_affinity[15] == ok[i].w15,
			      "%s: %#llx %#llx", ok[i].arg,
			      (unsigned long long)o.run.vcpu_affinity[0],
			      (unsigned long long)o.run.vcpu_affinity[15]);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
		check_err(PARSE(&o, "run", "-k", "I", "--vcpu-affinity",
				bad[i]),
			  "--vcpu-affinity", NULL);
}
END_TEST

/* kvmtool's default RAM, 64 MiB per vCPU and 192 MiB besides. */
START_TEST(test_options_mem_default)
{
	struct lkvm_opts o;

	RUN_OK(&o, "-k", "I");
	ck_assert_uint_eq(o.run.mem_mib, 256);
	RUN_OK(&o, "-k", "I", "-c", "2");
	ck_assert_uint_eq(o.run.mem_mib, 320);
	RUN_OK(&o, "-c", "64", "-k", "I");
	ck_assert_uint_eq(o.run.mem_mib, 64 * 67);
	RUN_OK(&o, "-m", "128", "-c", "64", "-k", "I");
	ck_assert_uint_eq(o.run.mem_mib, 128);
}
END_TEST

Suite *options_suite(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("run");

	tcase_add_test(tc, test_options_defaults);
	tcase_add_test(tc, test_options_long);
	tcase_add_test(tc, test_options_long_equals);
	tcase_add_test(tc, test_options_short);
	tcase_add_test(tc, test_options_short_attached);
	tcase_add_test(tc, test_options_positional_kernel);
	tcase_add_test(tc, test_options_value_like_option);
	tcase_add_test(tc, test_options_repeated);
	tcase_add_test(tc, test_options_nested);
	tcase_add_test(tc, test_options_sdei_event);
	tcase_add_loop_test(tc, test_options_mem, 0, ARRAY_SIZE(mems));
	tcase_add_loop_test(tc, test_options_cpus, 0, ARRAY_SIZE(cpus));
	tcase_add_test(tc, test_options_name);
	tcase_add_test(tc, test_options_network);
	tcase_add_loop_test(tc, test_options_kvmtool_refused, 0,
			    ARRAY_SIZE(kvmtool_refused));
	tcase_add_test(tc, test_options_kvmtool_accepted);
	tcase_add_test(tc, test_options_mem_default);
	tcase_add_test(tc, test_options_debug);
	tcase_add_test(tc, test_options_firmware);
	tcase_add_test(tc, test_options_vcpu_affinity);
	tcase_add_test(tc, test_options_vcpu_features);
	tcase_add_test(tc, test_options_console_loglevel);
	tcase_add_test(tc, test_options_disks_rng);
	tcase_add_test(tc, test_options_vsock);
	tcase_add_test(tc, test_options_sandbox);
	tcase_add_test(tc, test_options_fresh_state);
	tcase_add_test(tc, test_options_reboot);
	tcase_add_test(tc, test_options_timeout_log);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_loop_test(tc, test_options_bad, 0, ARRAY_SIZE(bad_args));
	tcase_add_test(tc, test_options_no_command);
	tcase_add_test(tc, test_options_small_err_buffer);
	suite_add_tcase(s, tc);

	tc = tcase_create("commands");
	tcase_add_test(tc, test_options_help_command);
	tcase_add_loop_test(tc, test_options_help_anywhere, 0,
			    ARRAY_SIZE(helps));
	tcase_add_test(tc, test_options_version);
	tcase_add_test(tc, test_options_probe);
	tcase_add_test(tc, test_options_usage);
	tcase_add_test(tc, test_options_sdei_signal);
	tcase_add_test(tc, test_options_control);
	tcase_add_test(tc, test_options_socket);
	tcase_add_test(tc, test_options_9p);
	suite_add_tcase(s, tc);
	return s;
}
