// SPDX-License-Identifier: GPL-2.0
/*
 * Options as kvmtool spells them: "-k FILE", "-kFILE", "--kernel FILE" and
 * "--kernel=FILE" all work; a lone non-option argument of `lkvm run` is the
 * kernel, as in kvmtool.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "../arm64/layout.h"

enum opt_id {
	OPT_KERNEL,
	OPT_INITRD,
	OPT_PARAMS,
	OPT_CPUS,
	OPT_MEM,
	OPT_NAME,
	OPT_CONSOLE,
	OPT_NODEFAULTS,
	OPT_DUMP_DTB,
	OPT_LOGLEVEL,
	OPT_NESTED,
	OPT_E2H0,
	OPT_SDEI_EVENT,
	OPT_NO_SDEI,
	OPT_REBOOT,
	OPT_TIMEOUT,
	OPT_CONSOLE_LOG,
	OPT_HELP,
	OPT_JSON,
	OPT_CPU,
	OPT_DISK,
	OPT_DISK_IO,
	OPT_RNG,
	OPT_NO_SANDBOX,
	OPT_USER,
	OPT_SOCKET,
};

struct opt_spec {
	const char *name; /* long name, without "--" */
	char short_name; /* 0: none */
	bool has_arg;
	enum opt_id id;
};

static const struct opt_spec run_specs[] = {
	{ "kernel", 'k', true, OPT_KERNEL },
	{ "initrd", 'i', true, OPT_INITRD },
	{ "params", 'p', true, OPT_PARAMS },
	{ "cpus", 'c', true, OPT_CPUS },
	{ "mem", 'm', true, OPT_MEM },
	{ "name", 'n', true, OPT_NAME },
	{ "console", 0, true, OPT_CONSOLE },
	{ "nodefaults", 0, false, OPT_NODEFAULTS },
	{ "dump-dtb", 0, true, OPT_DUMP_DTB },
	{ "loglevel", 0, true, OPT_LOGLEVEL },
	{ "nested", 0, false, OPT_NESTED },
	{ "e2h0", 0, false, OPT_E2H0 },
	{ "sdei-event", 0, true, OPT_SDEI_EVENT },
	{ "no-sdei", 0, false, OPT_NO_SDEI },
	{ "reboot", 0, true, OPT_REBOOT },
	{ "timeout", 0, true, OPT_TIMEOUT },
	{ "console-log", 0, true, OPT_CONSOLE_LOG },
	{ "disk", 'd', true, OPT_DISK },
	{ "disk-io", 0, true, OPT_DISK_IO },
	{ "rng", 0, false, OPT_RNG },
	{ "no-sandbox", 0, false, OPT_NO_SANDBOX },
	{ "user", 0, true, OPT_USER },
	{ "socket", 0, true, OPT_SOCKET },
	{ "help", 'h', false, OPT_HELP },
	{ NULL, 0, false, 0 },
};

static const struct opt_spec probe_specs[] = {
	{ "json", 0, false, OPT_JSON },
	{ "help", 'h', false, OPT_HELP },
	{ NULL, 0, false, 0 },
};

static const struct opt_spec sdei_specs[] = {
	{ "name", 'n', true, OPT_NAME },  { "socket", 0, true, OPT_SOCKET },
	{ "cpu", 0, true, OPT_CPU },	  { "json", 0, false, OPT_JSON },
	{ "help", 'h', false, OPT_HELP }, { NULL, 0, false, 0 },
};

/* lkvm stop, pause and resume. */
static const struct opt_spec guest_specs[] = {
	{ "name", 'n', true, OPT_NAME },
	{ "socket", 0, true, OPT_SOCKET },
	{ "help", 'h', false, OPT_HELP },
	{ NULL, 0, false, 0 },
};

static const char usage_main[] =
	"usage: lkvm <command> [<options>]\n"
	"\n"
	"commands:\n"
	"  run      boot a guest kernel\n"
	"  probe    show what this host's KVM offers lkvm\n"
	"  list     the running guests: name, pid, vCPUs, memory, state\n"
	"  stop     stop a running guest (lkvm stop --name NAME)\n"
	"  pause    pause a running guest's vCPUs\n"
	"  resume   let a paused guest run again\n"
	"  sdei     raise an SDEI event in a running guest, or show SDEI state\n"
	"  help     show this text, or `lkvm help <command>`\n"
	"  version  show lkvm's version\n";

static const char usage_run[] =
	"usage: lkvm run [<options>] [<kernel>]\n"
	"\n"
	"  -k, --kernel FILE     arm64 Image (or a raw binary, loaded at RAM+0x80000)\n"
	"  -i, --initrd FILE     initial ramdisk\n"
	"  -p, --params STRING   kernel command line, after lkvm's defaults\n"
	"  -c, --cpus N          number of vCPUs (default 1)\n"
	"  -m, --mem SIZE        guest RAM in MiB, or with a M/G suffix (default 256)\n"
	"  -n, --name NAME       guest name (default guest-<pid>)\n"
	"      --socket PATH     the control socket at PATH (its folder must exist)\n"
	"                        instead of <folder>/NAME.sock; the folder is\n"
	"                        $XDG_RUNTIME_DIR/lkvm, else ~/.lkvm where HOME\n"
	"                        can hold it, else /tmp/lkvm-<uid>\n"
	"      --console serial|virtio\n"
	"                        console device on stdin/stdout: the 8250 UART\n"
	"                        (ttyS0, the default) or virtio-console (hvc0)\n"
	"      --console-log FILE  keep a copy of the guest's console output\n"
	"  -d, --disk FILE[,ro]  a raw disk image as a virtio-blk disk (vda, vdb...;\n"
	"                        repeatable, up to 8); ,ro: read-only\n"
	"      --disk-io uring|sync\n"
	"                        disk I/O through io_uring (default) or plain\n"
	"                        preadv/pwritev\n"
	"      --rng             a virtio-rng device (the guest's hwrng)\n"
	"      --user NAME|UID[:GID]\n"
	"                        started as root: run as this user once set up\n"
	"      --no-sandbox      keep capabilities and allow every system call\n"
	"                        (for debugging lkvm)\n"
	"      --nodefaults      no default kernel parameters (console=ttyS0)\n"
	"      --dump-dtb FILE   write the guest's device tree blob to FILE\n"
	"      --loglevel LEVEL  error, warning (default), info or debug\n"
	"      --nested          vCPUs with EL2: the guest starts at EL2 (VHE)\n"
	"      --e2h0            with --nested: EL2 without VHE (E2H = 0)\n"
	"      --sdei-event NUM[,private|shared][,normal|critical]\n"
	"                        declare a platform SDEI event (repeatable)\n"
	"      --no-sdei         offer no SDEI (no DT node, calls not forwarded)\n"
	"      --reboot exit|restart\n"
	"                        a guest reset ends lkvm with status 2 (exit, the\n"
	"                        default) or boots the guest again, afresh\n"
	"      --timeout SECONDS stop the guest after SECONDS (exit status 5)\n"
	"  -h, --help            show this text\n"
	"\n"
	"exit status: 0 guest powered off, 1 lkvm error, 2 guest reset,\n"
	"             3 guest reported failure, 4 guest panic, 5 timeout,\n"
	"             6 stopped (lkvm stop, Ctrl-A x), 128+N signal N\n"
	"\n"
	"On a terminal the console is raw: keys go to the guest, Ctrl-A x quits.\n";

static const char usage_probe[] =
	"usage: lkvm probe [--json]\n"
	"\n"
	"  --json    print the facts as one JSON object\n";

static const char usage_sdei[] =
	"usage: lkvm sdei --name NAME|--socket PATH signal EVENT [--cpu N]\n"
	"       lkvm sdei --name NAME|--socket PATH status [--json]\n"
	"\n"
	"  -n, --name NAME      the guest (lkvm run --name NAME)\n"
	"      --socket PATH    the guest started with lkvm run --socket PATH\n"
	"      --cpu N          the vCPU of a private event (0, 1, ...); a shared\n"
	"                       event goes where its registration routes it\n"
	"      --json           status as one JSON object\n"
	"\n"
	"status shows each vCPU's mask and running handlers and each event's\n"
	"type, priority, route and state (per vCPU for private events).\n"
	"\n"
	"EVENT is 0 or an event the guest was started with (--sdei-event).\n"
	"Prints the guest's answer: \"ok pending\" or \"ok merged\" (it was\n"
	"pending already), with \"held=unregistered|disabled|running|masked\"\n"
	"when it cannot run yet; exits 0, or 1 with one line on an error.\n";

static const char usage_list[] =
	"usage: lkvm list [--json]\n"
	"\n"
	"The guests running as this user: name, pid, vCPUs, memory in MiB and\n"
	"state (running, paused). Sockets of guests that are gone are removed.\n"
	"Only the guests whose socket is in the folder are listed\n"
	"($XDG_RUNTIME_DIR/lkvm, else ~/.lkvm where HOME can hold it, else\n"
	"/tmp/lkvm-<uid>), not those started with --socket PATH.\n"
	"  --json    one JSON array\n";

static const char usage_guest[] =
	"usage: lkvm stop|pause|resume --name NAME|--socket PATH\n"
	"\n"
	"  stop      stop the guest: its lkvm exits with status 6\n"
	"  pause     stop every vCPU until resume (the console and the\n"
	"            control socket keep working)\n"
	"  resume    let a paused guest run again\n"
	"\n"
	"  -n, --name NAME      the guest (lkvm run --name NAME)\n"
	"      --socket PATH    the guest started with lkvm run --socket PATH\n";

const char *options_usage(enum lkvm_cmd cmd)
{
	switch (cmd) {
	case CMD_RUN:
		return usage_run;
	case CMD_PROBE:
		return usage_probe;
	case CMD_SDEI:
		return usage_sdei;
	case CMD_LIST:
		return usage_list;
	case CMD_STOP:
	case CMD_PAUSE:
	case CMD_RESUME:
		return usage_guest;
	default:
		return usage_main;
	}
}

static int fail(char *err, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Parses a decimal number with nothing after it. */
static int parse_u64(const char *s, uint64_t *v, char **end)
{
	char *e;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &e, 10);
	if (errno)
		return -ERANGE;
	*end = e;
	return 0;
}

static int parse_mem(const char *s, uint64_t *mib)
{
	uint64_t v, scale = 1;
	char *end;

	if (parse_u64(s, &v, &end))
		return -EINVAL;
	if (*end == 'M' || *end == 'm') {
		end++;
	} else if (*end == 'G' || *end == 'g') {
		scale = 1024;
		end++;
	}
	if (*end || v > OPT_MEM_MAX_MIB / scale)
		return -EINVAL;
	*mib = v * scale;
	return 0;
}

static bool name_is_valid(const char *s)
{
	size_t len = strlen(s);

	if (!len || len > OPT_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9') && *s != '-' && *s != '_' &&
		    *s != '.')
			return false;
	return true;
}

/* --name NAME into name (OPT_NAME_MAX + 1 bytes): the socket's file name. */
static int parse_name(const char *arg, char *name, char *err, size_t size)
{
	if (!name_is_valid(arg))
		return fail(
			err, size,
			"--name: '%s': use 1 to %d letters, digits, '-', '_' or '.'",
			arg, OPT_NAME_MAX);
	strcpy(name, arg);
	return 0;
}

/*
 * --socket PATH: a Unix socket's path must fit in sun_path with the room
 * lkvm's temporary name needs (CONTROL_SOCKET_PATH_MAX).
 */
static int parse_socket(const char *arg, const char **socket, char *err,
			size_t size)
{
	size_t len = strlen(arg);

	if (!len)
		return fail(err, size, "--socket: no path given");
	if (arg[len - 1] == '/')
		return fail(
			err, size,
			"--socket: '%s' names a folder: give the socket's path",
			arg);
	if (len >= CONTROL_SOCKET_PATH_MAX)
		return fail(
			err, size,
			"--socket: the path is %zu bytes, a control socket's at most %d",
			len, CONTROL_SOCKET_PATH_MAX - 1);
	*socket = arg;
	return 0;
}

/*
 * -d/--disk FILE[,ro], kvmtool's form: a trailing ",ro" makes the disk
 * read-only; the rest is the file's path. The file itself is checked when
 * the VM is planned.
 */
static int parse_disk(const char *arg, struct run_opts *r, char *err,
		      size_t size)
{
	struct disk_opt *d = &r->disks[r->nr_disks];
	size_t len = strlen(arg);

	if (r->nr_disks == OPT_MAX_DISKS)
		return fail(err, size, "--disk: at most %d disks",
			    OPT_MAX_DISKS);
	d->read_only = len >= 3 && !strcmp(arg + len - 3, ",ro");
	if (d->read_only)
		len -= 3;
	if (!len)
		return fail(err, size, "--disk: '%s': no file named", arg);
	if (len >= sizeof(d->path))
		return fail(err, size,
			    "--disk: the path is longer than %d bytes",
			    OPT_DISK_PATH_MAX - 1);
	memcpy(d->path, arg, len);
	d->path[len] = 0;
	r->nr_disks++;
	return 0;
}

static int run_apply(struct lkvm_opts *o, enum opt_id id, const char *arg,
		     char *err, size_t size)
{
	struct run_opts *r = &o->run;
	uint64_t v;
	char *end;
	int level;

	switch (id) {
	case OPT_KERNEL:
		r->kernel = arg;
		break;
	case OPT_INITRD:
		r->initrd = arg;
		break;
	case OPT_PARAMS:
		r->params = arg;
		break;
	case OPT_CPUS:
		if (parse_u64(arg, &v, &end) || *end || !v || v > LKVM_MAX_CPUS)
			return fail(
				err, size,
				"--cpus: '%s': must be a number from 1 to %d",
				arg, LKVM_MAX_CPUS);
		r->nr_cpus = v;
		break;
	case OPT_MEM:
		if (parse_mem(arg, &v) || v < OPT_MEM_MIN_MIB)
			return fail(
				err, size,
				"--mem: '%s': must be at least %d (MiB), at most 1 TiB",
				arg, OPT_MEM_MIN_MIB);
		r->mem_mib = v;
		break;
	case OPT_NAME:
		return parse_name(arg, r->name, err, size);
	case OPT_SOCKET:
		return parse_socket(arg, &r->socket, err, size);
	case OPT_CONSOLE:
		if (strcmp(arg, "serial") && strcmp(arg, "virtio"))
			return fail(err, size,
				    "--console: '%s': use serial or virtio",
				    arg);
		r->console = strcmp(arg, "serial") ? CONSOLE_VIRTIO :
						     CONSOLE_SERIAL;
		break;
	case OPT_DISK:
		return parse_disk(arg, r, err, size);
	case OPT_DISK_IO:
		if (strcmp(arg, "uring") && strcmp(arg, "sync"))
			return fail(err, size,
				    "--disk-io: '%s': use uring or sync", arg);
		r->disk_sync = !strcmp(arg, "sync");
		break;
	case OPT_RNG:
		r->rng = true;
		break;
	case OPT_NO_SANDBOX:
		r->no_sandbox = true;
		break;
	case OPT_USER:
		if (!*arg)
			return fail(err, size, "--user: no user named");
		r->user = arg;
		break;
	case OPT_NODEFAULTS:
		r->nodefaults = true;
		break;
	case OPT_NESTED:
		r->nested = true;
		break;
	case OPT_E2H0:
		r->e2h0 = true;
		break;
	case OPT_NO_SDEI:
		r->no_sdei = true;
		break;
	case OPT_TIMEOUT:
		if (control_parse_number(arg, OPT_TIMEOUT_MAX, &v) || !v)
			return fail(
				err, size,
				"--timeout: '%s': must be a number of seconds from 1 to %u",
				arg, OPT_TIMEOUT_MAX);
		r->timeout_s = (unsigned int)v;
		break;
	case OPT_CONSOLE_LOG:
		r->console_log = arg;
		break;
	case OPT_REBOOT:
		if (strcmp(arg, "exit") && strcmp(arg, "restart"))
			return fail(err, size,
				    "--reboot: '%s': use exit or restart", arg);
		r->reboot_restart = !strcmp(arg, "restart");
		break;
	case OPT_SDEI_EVENT:
		if (r->nr_sdei_events == SDEI_MAX_PLATFORM_EVENTS)
			return fail(err, size,
				    "--sdei-event: at most %d events",
				    SDEI_MAX_PLATFORM_EVENTS);
		if (sdei_parse_event(arg, &r->sdei_events[r->nr_sdei_events],
				     err, size))
			return -EINVAL;
		/* One declaration per number, caught before any VM exists. */
		for (unsigned int i = 0; i < r->nr_sdei_events; i++)
			if (r->sdei_events[i].num ==
			    r->sdei_events[r->nr_sdei_events].num)
				return fail(
					err, size,
					"--sdei-event: '%s': event %u is declared twice",
					arg, r->sdei_events[i].num);
		r->nr_sdei_events++;
		break;
	case OPT_DUMP_DTB:
		r->dump_dtb = arg;
		break;
	case OPT_LOGLEVEL:
		level = log_level_parse(arg);
		if (level < 0)
			return fail(
				err, size,
				"--loglevel: '%s': use error, warning, info or debug",
				arg);
		r->loglevel = level;
		break;
	default:
		return fail(err, size, "internal: option %d", id);
	}
	return 0;
}

static int probe_apply(struct lkvm_opts *o, enum opt_id id)
{
	if (id == OPT_JSON)
		o->probe.json = true;
	return 0;
}

static int sdei_apply(struct lkvm_opts *o, enum opt_id id, const char *arg,
		      char *err, size_t size)
{
	struct sdei_opts *d = &o->sdei;
	uint64_t v;

	switch (id) {
	case OPT_NAME:
		return parse_name(arg, d->name, err, size);
	case OPT_SOCKET:
		return parse_socket(arg, &d->socket, err, size);
	case OPT_JSON:
		d->json = true;
		break;
	case OPT_CPU:
		if (control_parse_number(arg, LKVM_MAX_CPUS - 1, &v))
			return fail(
				err, size,
				"--cpu: '%s': must be a vCPU index from 0 to %d",
				arg, LKVM_MAX_CPUS - 1);
		d->req.cpu = (int)v;
		break;
	default:
		return fail(err, size, "internal: option %d", id);
	}
	return 0;
}

/* The words of lkvm sdei: "signal EVENT". */
static int sdei_word(struct lkvm_opts *o, unsigned int nth, const char *w,
		     char *err, size_t size)
{
	uint64_t v;

	if (nth == 0) {
		if (!strcmp(w, "signal"))
			o->sdei.req.op = CONTROL_SDEI_SIGNAL;
		else if (!strcmp(w, "status"))
			o->sdei.req.op = CONTROL_SDEI_STATUS;
		else
			return fail(
				err, size,
				"sdei: unknown action '%s' (see lkvm sdei --help)",
				w);
		return 0;
	}
	if (nth == 1 && o->sdei.req.op == CONTROL_SDEI_SIGNAL) {
		/* Event numbers are positive 32-bit integers (DEN0054B). */
		if (control_parse_number(w, 0x7fffffff, &v))
			return fail(
				err, size,
				"sdei signal: '%s': not an event number (0 to 0x7fffffff)",
				w);
		o->sdei.req.event = (uint32_t)v;
		return 0;
	}
	return fail(err, size, "sdei: unexpected argument '%s'", w);
}

static const struct opt_spec *find_long(const struct opt_spec *specs,
					const char *name, size_t len)
{
	for (; specs->name; specs++)
		if (strlen(specs->name) == len &&
		    !strncmp(specs->name, name, len))
			return specs;
	return NULL;
}

static const struct opt_spec *find_short(const struct opt_spec *specs, char c)
{
	for (; specs->name; specs++)
		if (specs->short_name && specs->short_name == c)
			return specs;
	return NULL;
}

/*
 * Splits argv[*i] into an option and its argument, consuming argv[*i + 1]
 * when the argument is separate. Returns the spec, or NULL with err set.
 */
static const struct opt_spec *next_option(const struct opt_spec *specs,
					  const char *cmd, int argc,
					  char *const argv[], int *i,
					  const char **arg, char *err,
					  size_t size)
{
	const char *a = argv[*i];
	const struct opt_spec *s;
	const char *inline_arg = NULL;

	if (a[1] == '-') {
		const char *eq = strchr(a + 2, '=');
		size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);

		s = find_long(specs, a + 2, len);
		if (s && eq)
			inline_arg = eq + 1;
	} else {
		s = find_short(specs, a[1]);
		if (s && a[2])
			inline_arg = a + 2;
	}
	if (!s) {
		fail(err, size, "%s: unknown option '%s' (see lkvm %s --help)",
		     cmd, a, cmd);
		return NULL;
	}
	if (!s->has_arg) {
		if (inline_arg) {
			fail(err, size, "%s: option '%s' takes no value", cmd,
			     a);
			return NULL;
		}
		*arg = NULL;
		return s;
	}
	if (inline_arg) {
		*arg = inline_arg;
	} else if (*i + 1 < argc) {
		*arg = argv[++*i];
	} else {
		fail(err, size, "%s: option '%s' needs a value", cmd, a);
		return NULL;
	}
	return s;
}

static void run_defaults(struct run_opts *r)
{
	memset(r, 0, sizeof(*r));
	r->nr_cpus = 1;
	r->mem_mib = OPT_MEM_DEFAULT_MIB;
	r->console = CONSOLE_SERIAL;
	r->loglevel = LOG_WARNING;
}

static const struct opt_spec *command_specs(enum lkvm_cmd cmd)
{
	switch (cmd) {
	case CMD_RUN:
		return run_specs;
	case CMD_SDEI:
		return sdei_specs;
	case CMD_STOP:
	case CMD_PAUSE:
	case CMD_RESUME:
		return guest_specs;
	default:
		return probe_specs;
	}
}

static int command_apply(struct lkvm_opts *o, enum opt_id id, const char *arg,
			 char *err, size_t size)
{
	switch (o->cmd) {
	case CMD_RUN:
		return run_apply(o, id, arg, err, size);
	case CMD_SDEI:
	case CMD_STOP:
	case CMD_PAUSE:
	case CMD_RESUME:
		return sdei_apply(o, id, arg, err, size);
	case CMD_LIST:
		o->sdei.json = true;
		return 0;
	default:
		return probe_apply(o, id);
	}
}

/* The clients name their guest one way: --name or --socket. */
static int guest_check(const struct sdei_opts *d, const char *cmd, char *err,
		       size_t size)
{
	if (d->name[0] && d->socket)
		return fail(
			err, size,
			"%s: --name and --socket both name the guest: give one",
			cmd);
	if (!d->name[0] && !d->socket)
		return fail(
			err, size,
			"%s: no guest given (use --name NAME or --socket PATH)",
			cmd);
	return 0;
}

/* What a command needs once all its arguments are in. */
static int command_check(struct lkvm_opts *o, unsigned int words, char *err,
			 size_t size)
{
	if (o->cmd == CMD_SDEI) {
		if (guest_check(&o->sdei, "sdei", err, size))
			return -EINVAL;
		if (o->sdei.req.op == CONTROL_SDEI_STATUS && words) {
			if (o->sdei.req.cpu != CONTROL_CPU_ROUTED)
				return fail(err, size,
					    "sdei status: --cpu is for signal");
			o->sdei.req.json = o->sdei.json;
			return 0;
		}
		if (words < 2)
			return fail(
				err, size,
				"sdei: usage: lkvm sdei --name NAME|--socket PATH signal EVENT [--cpu N] | status [--json]");
		if (o->sdei.json)
			return fail(err, size,
				    "sdei signal: --json is for status");
		return 0;
	}
	if (o->cmd == CMD_STOP || o->cmd == CMD_PAUSE || o->cmd == CMD_RESUME) {
		static const char *const names[] = {
			[CMD_STOP] = "stop",
			[CMD_PAUSE] = "pause",
			[CMD_RESUME] = "resume",
		};

		if (guest_check(&o->sdei, names[o->cmd], err, size))
			return -EINVAL;
		o->sdei.req.op = o->cmd == CMD_STOP  ? CONTROL_STOP :
				 o->cmd == CMD_PAUSE ? CONTROL_PAUSE :
						       CONTROL_RESUME;
		return 0;
	}
	if (o->cmd != CMD_RUN)
		return 0;
	if (!o->run.kernel)
		return fail(err, size, "run: no kernel given (use -k FILE)");
	if (o->run.no_sdei && o->run.nr_sdei_events)
		return fail(
			err, size,
			"--sdei-event: cannot declare events with --no-sdei");
	/* The switch of user is part of the sandbox. */
	if (o->run.user && o->run.no_sandbox)
		return fail(
			err, size,
			"--user: not with --no-sandbox (the switch is part of the sandbox)");
	/* KVM ignores E2H0 without EL2: refuse it rather than boot at EL1. */
	if (o->run.e2h0 && !o->run.nested)
		return fail(err, size, "--e2h0: only together with --nested");
	return 0;
}

static int parse_command_args(struct lkvm_opts *o, const char *cmd, int argc,
			      char *const argv[], char *err, size_t size)
{
	const struct opt_spec *specs = command_specs(o->cmd);
	unsigned int words = 0;

	for (int i = 0; i < argc; i++) {
		const struct opt_spec *s;
		const char *arg;
		int ret;

		if (argv[i][0] != '-' || !argv[i][1]) {
			if (o->cmd == CMD_SDEI) {
				if (sdei_word(o, words++, argv[i], err, size))
					return -EINVAL;
				continue;
			}
			if (o->cmd == CMD_RUN && !o->run.kernel) {
				o->run.kernel = argv[i];
				continue;
			}
			return fail(err, size, "%s: unexpected argument '%s'",
				    cmd, argv[i]);
		}
		if (!strcmp(argv[i], "--"))
			return fail(err, size, "%s: unexpected argument '--'",
				    cmd);
		s = next_option(specs, cmd, argc, argv, &i, &arg, err, size);
		if (!s)
			return -EINVAL;
		if (s->id == OPT_HELP) {
			o->help_for = o->cmd;
			o->cmd = CMD_HELP;
			return 0;
		}
		ret = command_apply(o, s->id, arg, err, size);
		if (ret)
			return ret;
	}
	return command_check(o, words, err, size);
}

static int parse_command(int argc, char *const argv[], struct lkvm_opts *o,
			 char *err, size_t size);

/*
 * One line, whatever the user's arguments hold: the messages quote them,
 * and control characters (a newline in an argument, found by
 * fuzz-options) show as '?'.
 */
int options_parse(int argc, char *const argv[], struct lkvm_opts *o, char *err,
		  size_t size)
{
	int ret = parse_command(argc, argv, o, err, size);

	for (char *p = err; ret && size && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return ret;
}

static int parse_command(int argc, char *const argv[], struct lkvm_opts *o,
			 char *err, size_t size)
{
	const char *cmd;

	memset(o, 0, sizeof(*o));
	run_defaults(&o->run);
	o->cmd = CMD_HELP;
	o->help_for = CMD_HELP;
	if (argc < 2)
		return fail(err, size, "no command given (see lkvm --help)");

	cmd = argv[1];
	if (!strcmp(cmd, "run")) {
		o->cmd = CMD_RUN;
	} else if (!strcmp(cmd, "probe")) {
		o->cmd = CMD_PROBE;
	} else if (!strcmp(cmd, "sdei")) {
		o->cmd = CMD_SDEI;
		o->sdei.req.cpu = CONTROL_CPU_ROUTED;
	} else if (!strcmp(cmd, "list")) {
		o->cmd = CMD_LIST;
	} else if (!strcmp(cmd, "stop") || !strcmp(cmd, "pause") ||
		   !strcmp(cmd, "resume")) {
		o->cmd = !strcmp(cmd, "stop")  ? CMD_STOP :
			 !strcmp(cmd, "pause") ? CMD_PAUSE :
						 CMD_RESUME;
		o->sdei.req.cpu = CONTROL_CPU_ROUTED;
	} else if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") ||
		   !strcmp(cmd, "-h")) {
		if (argc > 2 && !strcmp(argv[2], "run"))
			o->help_for = CMD_RUN;
		else if (argc > 2 && !strcmp(argv[2], "probe"))
			o->help_for = CMD_PROBE;
		else if (argc > 2 && !strcmp(argv[2], "sdei"))
			o->help_for = CMD_SDEI;
		else if (argc > 2 && !strcmp(argv[2], "list"))
			o->help_for = CMD_LIST;
		else if (argc > 2 && (!strcmp(argv[2], "stop") ||
				      !strcmp(argv[2], "pause") ||
				      !strcmp(argv[2], "resume")))
			o->help_for = CMD_STOP;
		return 0;
	} else if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		o->cmd = CMD_VERSION;
		return 0;
	} else {
		return fail(err, size, "unknown command '%s' (see lkvm --help)",
			    cmd);
	}
	return parse_command_args(o, cmd, argc - 2, argv + 2, err, size);
}
