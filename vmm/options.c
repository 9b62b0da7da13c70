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
	OPT_VSOCK,
	OPT_9P,
	OPT_NO_SANDBOX,
	OPT_USER,
	OPT_SOCKET,
	OPT_NETWORK,
	OPT_PSCI,
	OPT_IRQCHIP,
	OPT_VIRTIO_TRANSPORT,
	OPT_DEBUG,
	OPT_DEBUG_MMIO,
	OPT_DISABLE_MTE,
	OPT_NO_PVTIME,
	OPT_PMU,
	OPT_SVE_MAX_VL,
	OPT_NO_SVE,
	OPT_NO_PTRAUTH,
	OPT_DUMP,
	OPT_SYSRQ,
	OPT_FIRMWARE,
	OPT_FIRMWARE_ADDRESS,
	OPT_VCPU_AFFINITY,
	OPT_KASLR_SEED,
	OPT_COUNTER_OFFSET,
	OPT_HUGETLBFS,
	OPT_AARCH32,
	OPT_PROTECTED,
	OPT_VIRTIO_FS,
};

struct opt_spec {
	const char *name; /* long name, without "--" */
	char short_name; /* 0: none */
	bool has_arg;
	enum opt_id id;
	/* The value may be left out (kvmtool's bare -n): NULL then. */
	bool optional_arg;
};

static const struct opt_spec run_specs[] = {
	{ "kernel", 'k', true, OPT_KERNEL, false },
	{ "initrd", 'i', true, OPT_INITRD, false },
	{ "params", 'p', true, OPT_PARAMS, false },
	{ "cpus", 'c', true, OPT_CPUS, false },
	{ "mem", 'm', true, OPT_MEM, false },
	/* kvmtool's run: -n is the network, --name long only. */
	{ "name", 0, true, OPT_NAME, false },
	{ "network", 'n', true, OPT_NETWORK, true },
	{ "console", 0, true, OPT_CONSOLE, false },
	{ "nodefaults", 0, false, OPT_NODEFAULTS, false },
	{ "dump-dtb", 0, true, OPT_DUMP_DTB, false },
	{ "loglevel", 0, true, OPT_LOGLEVEL, false },
	{ "nested", 0, false, OPT_NESTED, false },
	{ "e2h0", 0, false, OPT_E2H0, false },
	{ "sdei-event", 0, true, OPT_SDEI_EVENT, false },
	{ "no-sdei", 0, false, OPT_NO_SDEI, false },
	{ "reboot", 0, true, OPT_REBOOT, false },
	{ "timeout", 0, true, OPT_TIMEOUT, false },
	{ "console-log", 0, true, OPT_CONSOLE_LOG, false },
	{ "disk", 'd', true, OPT_DISK, false },
	{ "disk-io", 0, true, OPT_DISK_IO, false },
	{ "rng", 0, false, OPT_RNG, false },
	{ "vsock", 0, true, OPT_VSOCK, false },
	{ "virtio-fs", 0, true, OPT_VIRTIO_FS, false },
	{ "9p", 0, true, OPT_9P, false },
	{ "no-sandbox", 0, false, OPT_NO_SANDBOX, false },
	{ "user", 0, true, OPT_USER, false },
	{ "socket", 0, true, OPT_SOCKET, false },
	{ "psci", 0, false, OPT_PSCI, false },
	{ "irqchip", 0, true, OPT_IRQCHIP, false },
	{ "virtio-transport", 0, true, OPT_VIRTIO_TRANSPORT, false },
	{ "debug", 0, false, OPT_DEBUG, false },
	{ "debug-mmio", 0, false, OPT_DEBUG_MMIO, false },
	{ "disable-mte", 0, false, OPT_DISABLE_MTE, false },
	{ "no-pvtime", 0, false, OPT_NO_PVTIME, false },
	{ "pmu", 0, false, OPT_PMU, false },
	{ "firmware", 'f', true, OPT_FIRMWARE, false },
	{ "firmware-address", 0, true, OPT_FIRMWARE_ADDRESS, false },
	{ "vcpu-affinity", 0, true, OPT_VCPU_AFFINITY, false },
	{ "kaslr-seed", 0, true, OPT_KASLR_SEED, false },
	{ "counter-offset", 0, true, OPT_COUNTER_OFFSET, false },
	{ "hugetlbfs", 0, true, OPT_HUGETLBFS, false },
	{ "aarch32", 0, false, OPT_AARCH32, false },
	{ "protected", 0, false, OPT_PROTECTED, false },
	{ "sve-max-vl", 0, true, OPT_SVE_MAX_VL, false },
	{ "no-sve", 0, false, OPT_NO_SVE, false },
	{ "no-ptrauth", 0, false, OPT_NO_PTRAUTH, false },
	{ "help", 'h', false, OPT_HELP, false },
	{ "help-all", 0, false, OPT_HELP, false },
	{ NULL, 0, false, 0, false },
};

/*
 * kvmtool's `run` options (arm64) that lkvm does not offer, each refused
 * with why and what to use instead: never "unknown option" for one of
 * them. README.md's table lists every kvmtool option.
 */
struct refused_opt {
	const char *name;
	char short_name;
	const char *why;
};

static const struct refused_opt run_refused[] = {
	{ "balloon", 0,
	  "lkvm has no virtio-balloon device: size the guest with -m" },
	{ "vnc", 0,
	  "lkvm has no framebuffer: the console is the UART or virtio-console (--console)" },
	{ "gtk", 0,
	  "lkvm has no framebuffer: the console is the UART or virtio-console (--console)" },
	{ "sdl", 0,
	  "lkvm has no framebuffer: the console is the UART or virtio-console (--console)" },
	{ "dev", 0, "lkvm always uses /dev/kvm" },
	{ "tty", 0,
	  "lkvm's console is on its standard input and output; --console-log FILE keeps a copy" },
	{ "sandbox", 0,
	  "kvmtool's script mode needs its 9p root file system, which lkvm does not offer; lkvm's own sandbox (seccomp, no capabilities) is always on" },
	{ "virtio-legacy", 0,
	  "lkvm's virtio devices are virtio-mmio 1.2 (modern) only: use --virtio-transport mmio" },
	{ "force-pci", 0,
	  "lkvm has no PCI bus: its virtio devices are virtio-mmio (--virtio-transport mmio)" },
	{ "flash", 'F', "lkvm has no CFI flash device" },
	{ "no-dhcp", 0,
	  "it only applies to kvmtool's 9p root file system, which lkvm does not offer" },
	{ "vfio-pci", 0, "lkvm has no PCI bus and no device assignment" },
	{ "debug-single-step", 0,
	  "lkvm does not single-step guests: lkvm run --loglevel debug logs the guest's firmware calls" },
	{ "debug-ioport", 0,
	  "arm64 has no I/O ports: lkvm logs accesses to unmapped MMIO (--debug-mmio)" },
	{ "debug-iodelay", 0,
	  "lkvm adds no artificial delay to disk requests" },
	{ "override-bad-firmware-cntfrq", 0,
	  "KVM gives the guest the host's counter frequency, which lkvm does not override" },
	{ NULL, 0, NULL },
};

static const struct opt_spec probe_specs[] = {
	{ "json", 0, false, OPT_JSON, false },
	{ "help", 'h', false, OPT_HELP, false },
	{ NULL, 0, false, 0, false },
};

static const struct opt_spec sdei_specs[] = {
	{ "name", 'n', true, OPT_NAME, false },
	{ "socket", 0, true, OPT_SOCKET, false },
	{ "cpu", 0, true, OPT_CPU, false },
	{ "json", 0, false, OPT_JSON, false },
	{ "help", 'h', false, OPT_HELP, false },
	{ NULL, 0, false, 0, false },
};

/* lkvm debug, kvmtool's: -d/--dump, -s/--sysrq. */
static const struct opt_spec debug_specs[] = {
	{ "name", 'n', true, OPT_NAME, false },
	{ "socket", 0, true, OPT_SOCKET, false },
	{ "dump", 'd', false, OPT_DUMP, false },
	{ "sysrq", 's', true, OPT_SYSRQ, false },
	{ "help", 'h', false, OPT_HELP, false },
	{ NULL, 0, false, 0, false },
};

/* lkvm stop, pause and resume. */
static const struct opt_spec guest_specs[] = {
	{ "name", 'n', true, OPT_NAME, false },
	{ "socket", 0, true, OPT_SOCKET, false },
	{ "help", 'h', false, OPT_HELP, false },
	{ NULL, 0, false, 0, false },
};

/*
 * kvmtool's shape: tools made for kvmtool look for "The most commonly used
 * lkvm commands are:" to recognise the tool.
 */
static const char usage_main[] =
	"\n"
	" To boot a guest kernel run 'lkvm run -k Image'\n"
	"\n"
	"usage: lkvm COMMAND [ARGS]\n"
	"\n"
	" The most commonly used lkvm commands are:\n"
	"   run       Start the virtual machine\n"
	"   pause     Pause the virtual machine\n"
	"   resume    Resume the virtual machine\n"
	"   version   Print the version of lkvm\n"
	"   list      Print a list of running instances on the host.\n"
	"   stop      Stop a running instance\n"
	"   probe     Show what this host's KVM offers lkvm\n"
	"   sdei      Raise an SDEI event in a running instance, or show SDEI state\n"
	"   debug     Print debug information from a running instance\n"
	"\n"
	" See 'lkvm help COMMAND' for more information on a specific command.\n"
	"\n";

static const char usage_run[] =
	"usage: lkvm run [<options>] [<kernel>]\n"
	"\n"
	"  -k, --kernel FILE     arm64 Image (or a raw binary, loaded at RAM+0x80000)\n"
	"  -f, --firmware FILE   a raw firmware image instead of a kernel, at RAM's\n"
	"                        base (or --firmware-address ADDR), entered there\n"
	"                        with x0 = the device tree, which follows at the\n"
	"                        next 2 MiB boundary; -p is its bootargs as given\n"
	"  -i, --initrd FILE     initial ramdisk\n"
	"  -p, --params STRING   kernel command line, after lkvm's defaults\n"
	"  -c, --cpus N          number of vCPUs (default 1)\n"
	"  -m, --mem SIZE[@ADDR] guest RAM: a number (0x hex too), then B, K, M, G,\n"
	"                        T or P; MiB without a unit. Default 64 MiB per\n"
	"                        vCPU + 192 MiB. @ADDR: only 2G, where lkvm puts RAM\n"
	"      --name NAME       guest name (default guest-<pid>)\n"
	"  -n, --network mode=user[,hostfwd=RULE...][,guest_mac=MAC]\n"
	"                        a virtio-net device on libslirp's user-mode\n"
	"                        network (10.0.2.15 by DHCP, host 10.0.2.2, DNS\n"
	"                        10.0.2.3); RULE: [tcp|udp]:[HOSTADDR]:HOSTPORT-\n"
	"                        [GUESTADDR]:GUESTPORT, e.g. tcp::2222-:22\n"
	"  -n, --network mode=tap[,tapif=NAME][,guest_mac=MAC]\n"
	"                        a virtio-net device on host tap NAME (an existing\n"
	"                        one, or a new one with CAP_NET_ADMIN); a bare -n\n"
	"                        is mode=tap, as in kvmtool\n"
	"  -n, --network mode=none\n"
	"                        no network device (lkvm's default)\n"
	"      --socket PATH     the control socket at PATH (its folder must exist)\n"
	"                        instead of <folder>/NAME.sock; the folder is\n"
	"                        $XDG_RUNTIME_DIR/lkvm, else ~/.lkvm where HOME\n"
	"                        can hold it, else /tmp/lkvm-<uid>\n"
	"      --console serial|virtio\n"
	"                        console device on stdin/stdout: the 8250 UART\n"
	"                        (ttyS0, the default) or virtio-console (hvc0)\n"
	"      --console-log FILE  keep a copy of the guest's console output\n"
	"  -d, --disk FILE[,ro][,direct]\n"
	"                        a raw disk image as a virtio-blk disk (vda, vdb...;\n"
	"                        repeatable, up to 8); ,ro: read-only; ,direct:\n"
	"                        O_DIRECT, past the host's page cache\n"
	"      --disk-io uring|sync\n"
	"                        disk I/O through io_uring where it is faster\n"
	"                        (default) or all with plain preadv/pwritev\n"
	"      --rng             a virtio-rng device (the guest's hwrng)\n"
	"      --9p DIR[,TAG]    the host folder DIR as a virtio-9p share (9P2000.L),\n"
	"                        which the guest mounts read-write by TAG (default\n"
	"                        kvm_9p): mount -t 9p -o trans=virtio TAG /mnt;\n"
	"                        files are created as lkvm's user, without setuid\n"
	"                        or setgid bits (repeatable, up to 4)\n"
	"      --vsock CID       a virtio-vsock device with guest CID (> 2), through\n"
	"                        the host's vhost-vsock (/dev/vhost-vsock)\n"
	"      --virtio-fs DIR,TAG[,sandbox=namespace|chroot|none][,virtiofsd=PATH]\n"
	"                        a virtio-fs device sharing the host folder DIR\n"
	"                        (mount -t virtiofs TAG /mnt): lkvm starts\n"
	"                        virtiofsd (/usr/libexec/virtiofsd) and stops it\n"
	"      --virtio-fs socket=PATH,tag=TAG\n"
	"                        the same through a vhost-user back end already\n"
	"                        listening on PATH (virtiofsd --socket-path=PATH)\n"
	"      --user NAME|UID[:GID]\n"
	"                        started as root: run as this user once set up\n"
	"      --no-sandbox      keep capabilities and allow every system call\n"
	"                        (for debugging lkvm)\n"
	"      --nodefaults      no default kernel parameters (console=ttyS0, and\n"
	"                        root=/dev/vda rw with a disk and no root= in -p)\n"
	"      --dump-dtb FILE   write the guest's device tree blob to FILE\n"
	"      --loglevel LEVEL  error, warning (default), info or debug\n"
	"      --debug           the same as --loglevel debug\n"
	"      --debug-mmio      log every access to unmapped MMIO (else the first 10)\n"
	"      --psci            accepted: lkvm always answers PSCI itself\n"
	"      --irqchip gicv3   accepted: the only one lkvm offers\n"
	"      --virtio-transport mmio\n"
	"                        accepted: the only one lkvm offers\n"
	"      --pmu             a PMUv3 on every vCPU (perf in the guest)\n"
	"      --aarch32         the guest's EL1 is AArch32: a 32-bit kernel (zImage\n"
	"                        or raw) at RAM + 0x8000, entered in SVC mode with\n"
	"                        r0 = 0, r1 = ~0, r2 = the device tree\n"
	"      --hugetlbfs DIR   guest RAM in huge pages: a file on the hugetlbfs\n"
	"                        mounted at DIR\n"
	"      --protected       a pKVM protected VM (host booted with\n"
	"                        kvm-arm.mode=protected): the host cannot read\n"
	"                        the memory the guest uses; no virtio devices\n"
	"      --kaslr-seed N    the device tree's kaslr-seed (default: random)\n"
	"      --counter-offset N\n"
	"                        the guest's counters read the host's minus N\n"
	"      --vcpu-affinity CPULIST\n"
	"                        run the vCPU threads on these host CPUs (0-3,8)\n"
	"      --sve-max-vl BITS SVE vector lengths up to BITS (default: the\n"
	"                        host's; SVE is on where KVM offers it)\n"
	"      --no-sve, --no-ptrauth\n"
	"                        no SVE, no pointer authentication (both on by\n"
	"                        default where KVM offers them)\n"
	"      --no-pvtime       no stolen time (on by default where KVM has it)\n"
	"      --disable-mte     no MTE (on by default where KVM has it)\n"
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
	"kvmtool's other options are refused with the reason (README.md has the\n"
	"table).\n"
	"\n"
	"exit status: 0 guest powered off, 1 lkvm error, 2 guest reset,\n"
	"             3 guest reported failure, 4 guest panic, 5 timeout,\n"
	"             6 stopped (lkvm stop, Ctrl-A x), 7 guest panicked and its\n"
	"             crash kernel ran, 128+N signal N\n"
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

static const char usage_debug[] =
	"usage: lkvm debug --name NAME|--socket PATH --dump|--sysrq C\n"
	"\n"
	"  -d, --dump        each vCPU's registers: PC, PSTATE (its EL), SP, LR,\n"
	"                    ESR and FAR of the current EL (the guest pauses\n"
	"                    while they are read)\n"
	"  -s, --sysrq C     magic SysRq C on the guest's console (a break then C\n"
	"                    on the UART, Ctrl-O then C on virtio-console)\n"
	"  -n, --name NAME   the guest (lkvm run --name NAME)\n"
	"      --socket PATH the guest started with lkvm run --socket PATH\n";

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
	case CMD_DEBUG:
		return usage_debug;
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

/*
 * --vsock CID (kvmtool's): the guest's context ID, 32 bits. 0, 1 and 2
 * are the hypervisor's, the local loopback's and the host's, and
 * U32_MAX is VMADDR_CID_ANY: none of them names a guest.
 */
static int parse_vsock(struct run_opts *r, const char *arg, char *err,
		       size_t size)
{
	uint64_t v;
	char *e;

	if (parse_u64(arg, &v, &e) || *e || v > UINT32_MAX)
		return fail(
			err, size,
			"--vsock: '%s': the guest's CID is a number from 3 to 4294967294",
			arg);
	if (v <= 2 || v == UINT32_MAX)
		return fail(
			err, size,
			"--vsock: %llu is reserved (0 the hypervisor, 1 local, 2 the host, 4294967295 any): use 3 to 4294967294",
			(unsigned long long)v);
	r->vsock_cid = v;
	return 0;
}

/*
 * One -m quantity as kvmtool reads it (builtin-run.c): a number in C's
 * bases (0x hex, 0 octal, decimal), then at most one unit letter, B, K,
 * M, G, T or P in either case; none means MiB. Returns bytes in *bytes
 * and the text after it in *end; -EINVAL for no number, -ERANGE when it
 * does not fit 64 bits.
 */
static int parse_mem_quantity(const char *s, uint64_t *bytes, char **end)
{
	static const char units[] = "bkmgtp";
	const char *u;
	uint64_t v;
	char *e;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &e, 0);
	if (errno)
		return -ERANGE;
	u = *e ? strchr(units, *e | 0x20) : NULL;
	if (u)
		e++;
	else
		u = units + 2; /* MiB */
	if (v > (UINT64_MAX >> (10 * (u - units))))
		return -ERANGE;
	*bytes = v << (10 * (u - units));
	*end = e;
	return 0;
}

#define MIB (1ULL << 20)

/*
 * -m/--mem SIZE[@ADDR] (kvmtool's syntax): the size, and RAM's address,
 * which lkvm accepts where it puts RAM (LKVM_RAM_BASE, kvmtool's default
 * too). The address is in MiB without a unit, as in kvmtool.
 */
static int parse_mem(const char *arg, uint64_t *mib, char *err, size_t size)
{
	uint64_t bytes, addr;
	char *end;
	int ret;

	ret = parse_mem_quantity(arg, &bytes, &end);
	if (ret == -ERANGE)
		return fail(err, size, "--mem: '%s': too large", arg);
	if (ret || (*end && *end != '@'))
		return fail(
			err, size,
			"--mem: '%s': not a size (a number, then one of B, K, M, G, T, P; MiB without one)",
			arg);
	if (bytes % MIB)
		return fail(err, size,
			    "--mem: '%s': lkvm gives guests whole MiB of RAM",
			    arg);
	if (bytes < OPT_MEM_MIN_MIB * MIB || bytes > OPT_MEM_MAX_MIB * MIB)
		return fail(
			err, size,
			"--mem: '%s': %llu MiB: must be at least %d MiB, at most 1 TiB",
			arg, (unsigned long long)(bytes / MIB),
			OPT_MEM_MIN_MIB);
	if (*end == '@') {
		ret = parse_mem_quantity(end + 1, &addr, &end);
		if (ret || *end)
			return fail(
				err, size,
				"--mem: '%s': not an address after '@' (a number, then one of B, K, M, G, T, P; MiB without one)",
				arg);
		if (addr != LKVM_RAM_BASE)
			return fail(
				err, size,
				"--mem: '%s': RAM at 0x%llx (an address without a unit is in MiB, as in kvmtool): lkvm puts RAM at 0x%llx only (@2G or @2048)",
				arg, (unsigned long long)addr,
				(unsigned long long)LKVM_RAM_BASE);
	}
	*mib = bytes / MIB;
	return 0;
}

/* A MAC address "xx:xx:xx:xx:xx:xx", unicast (a NIC's own); 0 or -1. */
static int parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		unsigned int v = 0;

		for (int k = 0; k < 2; k++, s++) {
			char c = *s;

			if (c >= '0' && c <= '9')
				v = v * 16 + (c - '0');
			else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				v = v * 16 + ((c | 0x20) - 'a' + 10);
			else
				return -1;
		}
		if (*s != (i == 5 ? '\0' : ':'))
			return -1;
		s += i < 5;
		mac[i] = v;
	}
	/* The I/G bit: a multicast address cannot be a NIC's. */
	return mac[0] & 1 ? -1 : 0;
}

/* A dotted IPv4 address (four decimal bytes) up to stop; 0 or -1. */
static int parse_ipv4(const char *s, const char *stop, uint32_t *addr)
{
	uint32_t a = 0;

	for (int i = 0; i < 4; i++) {
		unsigned int v = 0, digits = 0;

		while (s < stop && *s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (*s++ - '0');
			digits++;
		}
		if (!digits || v > 255)
			return -1;
		a = a << 8 | v;
		if (i < 3 && (s >= stop || *s++ != '.'))
			return -1;
	}
	if (s != stop)
		return -1;
	*addr = a;
	return 0;
}

/* A port, 1 to 65535, in [s, stop); 0 or -1. */
static int parse_port(const char *s, const char *stop, uint16_t *port)
{
	unsigned long v = 0;

	if (s == stop || stop - s > 5)
		return -1;
	for (; s < stop; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (!v || v > 65535)
		return -1;
	*port = v;
	return 0;
}

/* "[ADDR]:PORT" in [s, stop): an empty ADDR is 0. */
static int parse_addr_port(const char *s, const char *stop, uint32_t *addr,
			   uint16_t *port)
{
	const char *colon = memchr(s, ':', stop - s);

	if (!colon)
		return -1;
	*addr = 0;
	if (colon > s && parse_ipv4(s, colon, addr))
		return -1;
	return parse_port(colon + 1, stop, port);
}

/*
 * hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT, QEMU's
 * syntax for its user-mode network (kvmtool has no port forward).
 */
static int parse_hostfwd(const char *v, struct hostfwd_opt *f, char *err,
			 size_t size)
{
	const char *colon = strchr(v, ':'), *dash, *end = v + strlen(v);

	memset(f, 0, sizeof(*f));
	if (!colon)
		goto bad;
	if (colon - v == 3 && !strncmp(v, "udp", 3))
		f->udp = true;
	else if (colon != v && (colon - v != 3 || strncmp(v, "tcp", 3)))
		goto bad;
	dash = strchr(colon + 1, '-');
	if (!dash ||
	    parse_addr_port(colon + 1, dash, &f->host_addr, &f->host_port) ||
	    parse_addr_port(dash + 1, end, &f->guest_addr, &f->guest_port))
		goto bad;
	return 0;
bad:
	return fail(
		err, size,
		"--network: hostfwd=%s: use hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT (e.g. hostfwd=tcp::2222-:22)",
		v);
}

/* kvmtool's keys lkvm does not take, and why. */
static const struct {
	const char *key;
	const char *why;
} net_refused[] = {
	{ "guest_ip",
	  "user mode's addresses are libslirp's (the guest gets 10.0.2.15 by DHCP)" },
	{ "host_ip", "user mode's host is libslirp's 10.0.2.2" },
	{ "script",
	  "lkvm runs no script: give it a tap that is set up (tapif=NAME)" },
	{ "downscript", "lkvm runs no script" },
	{ "fd", "lkvm opens the tap itself (tapif=NAME)" },
	{ "vhost", "lkvm has no vhost-net: frames go through lkvm" },
	{ "mq", "lkvm's virtio-net has one queue pair" },
};

/* One key=value of -n into net; 1 when mode=none ends the parse. */
static int parse_network_key(struct net_opt *net, const char *key,
			     const char *val, char *err, size_t size)
{
	if (!strcmp(key, "mode")) {
		/* kvmtool compares a prefix of each mode's name. */
		if (!strncmp(val, "none", 4))
			return 1;
		if (!strncmp(val, "tap", 3))
			net->mode = NET_TAP;
		else if (!strncmp(val, "user", 4))
			net->mode = NET_USER;
		else
			return fail(
				err, size,
				"--network: mode '%s': use user, tap or none",
				val);
		return 0;
	}
	if (!strcmp(key, "tapif")) {
		if (!*val || strlen(val) > OPT_TAPIF_MAX || strchr(val, '/'))
			return fail(
				err, size,
				"--network: tapif=%s: not an interface name (1 to %d characters, no '/')",
				val, OPT_TAPIF_MAX);
		strcpy(net->tapif, val);
		return 0;
	}
	if (!strcmp(key, "guest_mac")) {
		if (parse_mac(val, net->mac))
			return fail(
				err, size,
				"--network: guest_mac=%s: not a unicast MAC address (xx:xx:xx:xx:xx:xx, first byte even)",
				val);
		net->mac_set = true;
		return 0;
	}
	if (!strcmp(key, "hostfwd")) {
		if (net->nr_fwd == OPT_MAX_HOSTFWD)
			return fail(err, size, "--network: at most %d hostfwd=",
				    OPT_MAX_HOSTFWD);
		return parse_hostfwd(val, &net->fwd[net->nr_fwd++], err, size);
	}
	if (!strcmp(key, "trans")) {
		if (strcmp(val, "mmio"))
			return fail(
				err, size,
				"--network: trans=%s: lkvm's virtio devices are virtio-mmio (trans=mmio)",
				val);
		return 0;
	}
	for (unsigned int k = 0; k < sizeof(net_refused) / sizeof(*net_refused);
	     k++)
		if (!strcmp(key, net_refused[k].key))
			return fail(err, size, "--network: %s: %s", key,
				    net_refused[k].why);
	return fail(err, size, "--network: unknown parameter '%s'", key);
}

/*
 * -n/--network [PARAMS] (kvmtool's syntax): key=value pairs, ',' and '='
 * both separating. A bare -n, or PARAMS without a mode, is kvmtool's
 * default mode, tap; mode=none ends the parse (the rest is ignored, as in
 * kvmtool). lkvm has one network device: a second -n that is not
 * mode=none is refused.
 */
static int parse_network(struct run_opts *r, const char *arg, char *err,
			 size_t size)
{
	struct net_opt net = { .mode = NET_TAP };
	char buf[512], *save = NULL, *key, *val;
	int ret;

	if (arg) {
		if (strlen(arg) >= sizeof(buf))
			return fail(err, size, "--network: too long");
		strcpy(buf, arg);
		key = strtok_r(buf, ",=", &save);
		for (; key; key = strtok_r(NULL, ",=", &save)) {
			val = strtok_r(NULL, ",=", &save);
			if (!val)
				return fail(err, size,
					    "--network: '%s' without a value",
					    key);
			ret = parse_network_key(&net, key, val, err, size);
			if (ret < 0)
				return ret;
			if (ret) {
				/* kvmtool: mode=none turns networking off. */
				memset(&r->net, 0, sizeof(r->net));
				return 0;
			}
		}
	}
	if (r->net.mode != NET_NONE)
		return fail(err, size,
			    "--network: lkvm gives a guest one network device");
	if (net.nr_fwd && net.mode != NET_USER)
		return fail(err, size,
			    "--network: hostfwd= is for mode=user only");
	if (net.tapif[0] && net.mode != NET_TAP)
		return fail(err, size,
			    "--network: tapif= is for mode=tap only");
	r->net = net;
	return 0;
}

/*
 * A Linux CPU list (Documentation/admin-guide/kernel-parameters.rst,
 * "cpu lists"), as kvmtool's --vcpu-affinity takes it: N, N-M and
 * N-M:USED/GROUP (the first USED of every GROUP CPUs), comma-separated,
 * into bits. 0, or -EINVAL.
 */
static int parse_cpulist(const char *s, uint64_t *bits)
{
	memset(bits, 0, OPT_AFFINITY_CPUS / 8);
	for (;;) {
		uint64_t a, b, used = 1, group = 1;
		char *end;

		if (parse_u64(s, &a, &end))
			return -EINVAL;
		b = a;
		if (*end == '-' && parse_u64(end + 1, &b, &end))
			return -EINVAL;
		if (*end == ':' &&
		    (parse_u64(end + 1, &used, &end) || *end != '/' ||
		     parse_u64(end + 1, &group, &end)))
			return -EINVAL;
		if (a > b || b >= OPT_AFFINITY_CPUS || !used || !group ||
		    used > group)
			return -EINVAL;
		for (uint64_t c = a; c <= b; c++)
			if ((c - a) % group < used)
				bits[c / 64] |= 1ULL << (c % 64);
		if (!*end)
			return 0;
		if (*end != ',')
			return -EINVAL;
		s = end + 1;
	}
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

/* Whether the path of len bytes ends with word; if so, len drops it. */
static bool strip_suffix(const char *path, size_t *len, const char *word)
{
	size_t n = strlen(word);

	if (*len < n || memcmp(path + *len - n, word, n))
		return false;
	*len -= n;
	return true;
}

/*
 * -d/--disk FILE[,ro][,direct], kvmtool's form: ",ro" makes the disk
 * read-only, ",direct" opens the image with O_DIRECT (the host's page
 * cache left out), in either order; the rest is the file's path. The file
 * itself is checked when the VM is planned.
 */
static int parse_disk(const char *arg, struct run_opts *r, char *err,
		      size_t size)
{
	struct disk_opt *d = &r->disks[r->nr_disks];
	size_t len = strlen(arg);
	bool more = true;

	if (r->nr_disks == OPT_MAX_DISKS)
		return fail(err, size, "--disk: at most %d disks",
			    OPT_MAX_DISKS);
	d->read_only = false;
	d->direct = false;
	while (more) {
		more = false;
		if (!d->read_only && strip_suffix(arg, &len, ",ro"))
			more = d->read_only = true;
		if (!d->direct && strip_suffix(arg, &len, ",direct"))
			more = d->direct = true;
	}
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

/*
 * --9p DIR[,TAG], kvmtool's form: DIR up to the first comma, the tag
 * after it (kvmtool's default tag without a comma). The tag goes to the
 * guest as the share's name; an empty one could not be mounted and a
 * second share of the same tag could not be told apart. The folder itself
 * is checked when the VM is planned.
 */
static int parse_9p(const char *arg, struct run_opts *r, char *err, size_t size)
{
	struct p9_opt *p = &r->p9[r->nr_p9];
	const char *comma = strchr(arg, ',');
	size_t dir_len = comma ? (size_t)(comma - arg) : strlen(arg);
	const char *tag = comma ? comma + 1 : OPT_9P_DEFAULT_TAG;

	if (r->nr_p9 == OPT_MAX_9P)
		return fail(err, size, "--9p: at most %d shares", OPT_MAX_9P);
	if (!dir_len)
		return fail(err, size, "--9p: '%s': no folder named (DIR,TAG)",
			    arg);
	if (dir_len >= sizeof(p->dir))
		return fail(err, size, "--9p: the path is longer than %d bytes",
			    OPT_DISK_PATH_MAX - 1);
	if (!*tag)
		return fail(
			err, size,
			"--9p: '%s': the mount tag after the comma is empty",
			arg);
	if (strlen(tag) > OPT_9P_TAG_MAX)
		return fail(
			err, size,
			"--9p: the mount tag is %zu bytes long, at most %d fit in the device's config space",
			strlen(tag), OPT_9P_TAG_MAX);
	for (unsigned int i = 0; i < r->nr_p9; i++)
		if (!strcmp(r->p9[i].tag, tag))
			return fail(
				err, size,
				"--9p: the mount tag '%s' is given twice: the guest could not tell the shares apart",
				tag);
	memcpy(p->dir, arg, dir_len);
	p->dir[dir_len] = 0;
	snprintf(p->tag, sizeof(p->tag), "%s", tag);
	r->nr_p9++;
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
		if (parse_mem(arg, &r->mem_mib, err, size))
			return -EINVAL;
		r->mem_given = true;
		break;
	case OPT_NETWORK:
		return parse_network(r, arg, err, size);
	case OPT_PSCI:
		/* lkvm always answers PSCI itself (the SMCCC filter). */
		break;
	case OPT_IRQCHIP:
		if (!strcmp(arg, "gicv3"))
			break;
		if (!strcmp(arg, "gicv3-its") || !strcmp(arg, "gicv2m"))
			return fail(
				err, size,
				"--irqchip: '%s': lkvm has no MSI controller (its virtio-mmio devices use wired interrupts): use gicv3",
				arg);
		if (!strcmp(arg, "gicv2"))
			return fail(
				err, size,
				"--irqchip: 'gicv2': lkvm's interrupt controller is KVM's GICv3: use gicv3");
		return fail(err, size,
			    "--irqchip: '%s': unknown type (lkvm: gicv3)", arg);
	case OPT_VIRTIO_TRANSPORT:
		if (!strcmp(arg, "mmio"))
			break;
		if (!strcmp(arg, "pci") || !strcmp(arg, "pci-legacy") ||
		    !strcmp(arg, "mmio-legacy"))
			return fail(
				err, size,
				"--virtio-transport: '%s': lkvm's virtio devices are virtio-mmio 1.2 (modern): use mmio",
				arg);
		return fail(
			err, size,
			"--virtio-transport: '%s': unknown type (lkvm: mmio)",
			arg);
	case OPT_DEBUG:
		r->loglevel = LOG_DEBUG;
		break;
	case OPT_DEBUG_MMIO:
		r->debug_mmio = true;
		break;
	case OPT_DISABLE_MTE:
		r->disable_mte = true;
		break;
	case OPT_NO_PVTIME:
		r->no_pvtime = true;
		break;
	case OPT_PMU:
		r->pmu = true;
		break;
	case OPT_FIRMWARE:
		r->firmware = arg;
		break;
	case OPT_VCPU_AFFINITY:
		if (parse_cpulist(arg, r->vcpu_affinity))
			return fail(
				err, size,
				"--vcpu-affinity: '%s': a list of host CPUs such as 0-3,8 (0 to %d)",
				arg, OPT_AFFINITY_CPUS - 1);
		r->vcpu_affinity_set = true;
		break;
	case OPT_AARCH32:
		r->aarch32 = true;
		break;
	case OPT_PROTECTED:
		r->protected_vm = true;
		break;
	case OPT_HUGETLBFS:
		if (!*arg)
			return fail(err, size, "--hugetlbfs: no folder named");
		r->hugetlbfs = arg;
		break;
	case OPT_COUNTER_OFFSET:
		/* kvmtool's: 0 leaves KVM's own offset. */
		if (control_parse_number(arg, UINT64_MAX, &r->counter_offset))
			return fail(
				err, size,
				"--counter-offset: '%s': a number of counter ticks, decimal or 0x hex",
				arg);
		break;
	case OPT_KASLR_SEED:
		if (control_parse_number(arg, UINT64_MAX, &v))
			return fail(
				err, size,
				"--kaslr-seed: '%s': a number, decimal or 0x hex",
				arg);
		r->kaslr_seed = v;
		r->kaslr_seed_set = true;
		break;
	case OPT_FIRMWARE_ADDRESS:
		if (control_parse_number(arg, UINT64_MAX, &v))
			return fail(
				err, size,
				"--firmware-address: '%s': an address, decimal or 0x hex",
				arg);
		r->firmware_addr = v;
		break;
	case OPT_NO_SVE:
		r->no_sve = true;
		break;
	case OPT_NO_PTRAUTH:
		r->no_ptrauth = true;
		break;
	case OPT_SVE_MAX_VL:
		/* kvmtool's: bits, a power of two; SVE allows 128 to 2048. */
		if (parse_u64(arg, &v, &end) || *end || v < 128 || v > 2048 ||
		    (v & (v - 1)))
			return fail(
				err, size,
				"--sve-max-vl: '%s': a vector length in bits: 128, 256, 512, 1024 or 2048",
				arg);
		r->sve_max_vl = (unsigned int)v;
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
	case OPT_VSOCK:
		return parse_vsock(r, arg, err, size);
	case OPT_VIRTIO_FS:
		return virtio_fs_parse_opt(&r->vfs, arg, err, size);
	case OPT_9P:
		return parse_9p(arg, r, err, size);
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
	case OPT_DUMP:
		if (d->req.op == CONTROL_DEBUG_SYSRQ)
			return fail(err, size,
				    "debug: --dump or --sysrq, one at a time");
		d->req.op = CONTROL_DEBUG_DUMP;
		break;
	case OPT_SYSRQ:
		if (d->req.op == CONTROL_DEBUG_DUMP)
			return fail(err, size,
				    "debug: --dump or --sysrq, one at a time");
		if (strlen(arg) != 1 || arg[0] <= 0x20 || arg[0] >= 0x7f)
			return fail(
				err, size,
				"--sysrq: '%s': one SysRq key (a letter or digit)",
				arg);
		d->req.op = CONTROL_DEBUG_SYSRQ;
		d->req.key = arg[0];
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
 * An option the command does not take: kvmtool's `run` options that lkvm
 * does not offer get their reason; anything else is unknown.
 */
static void refused_option(const struct opt_spec *specs, const char *cmd,
			   const char *a, char *err, size_t size)
{
	const char *eq = strchr(a, '=');
	size_t len = eq ? (size_t)(eq - a) : strlen(a);

	for (const struct refused_opt *r = run_refused;
	     specs == run_specs && r->name; r++) {
		if ((a[1] == '-' && strlen(r->name) == len - 2 &&
		     !strncmp(a + 2, r->name, len - 2)) ||
		    (a[1] != '-' && r->short_name && a[1] == r->short_name)) {
			fail(err, size, "--%s: %s", r->name, r->why);
			return;
		}
	}
	fail(err, size, "%s: unknown option '%s' (see lkvm %s --help)", cmd, a,
	     cmd);
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
		refused_option(specs, cmd, a, err, size);
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
	} else if (s->optional_arg &&
		   (*i + 1 == argc || argv[*i + 1][0] == '-')) {
		*arg = NULL;
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
	r->mem_mib = OPT_MEM_PER_CPU_MIB * (1 + 3);
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
	case CMD_DEBUG:
		return debug_specs;
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
	case CMD_DEBUG:
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

/*
 * --protected: pKVM takes a protected guest's pages away from the host as
 * the guest touches them (Documentation/virt/kvm/arm/pkvm.rst), so
 *   - its RAM cannot be file-backed (only anonymous memory is donated):
 *     not --hugetlbfs;
 *   - lkvm's virtio devices, which read and write the guest's rings and
 *     buffers in guest RAM directly, would fault on any page the guest
 *     has not shared back, and a guest must never be able to end lkvm:
 *     no -d, --9p, --rng, -n, --vsock, --virtio-fs or --console virtio.
 */
static int check_protected(const struct run_opts *r, char *err, size_t size)
{
	const char *dev = r->nr_disks		       ? "-d/--disk" :
			  r->nr_p9		       ? "--9p" :
			  r->rng		       ? "--rng" :
			  r->vsock_cid		       ? "--vsock" :
			  r->vfs.tag[0]		       ? "--virtio-fs" :
			  r->net.mode != NET_NONE      ? "-n/--network" :
			  r->console == CONSOLE_VIRTIO ? "--console virtio" :
							 NULL;

	if (r->hugetlbfs)
		return fail(
			err, size,
			"--protected: not with --hugetlbfs (a protected guest's RAM must be anonymous memory: KVM cannot give file-backed pages to it)");
	if (dev)
		return fail(
			err, size,
			"--protected: not with %s (lkvm's virtio devices read guest memory that a protected guest has not shared with the host)",
			dev);
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
	if (o->cmd == CMD_DEBUG) {
		if (guest_check(&o->sdei, "debug", err, size))
			return -EINVAL;
		if (o->sdei.req.op != CONTROL_DEBUG_DUMP &&
		    o->sdei.req.op != CONTROL_DEBUG_SYSRQ)
			return fail(
				err, size,
				"debug: nothing asked (use --dump or --sysrq C)");
		return 0;
	}
	if (o->cmd != CMD_RUN)
		return 0;
	/* kvmtool's rule and words. */
	if (o->run.kernel && o->run.firmware)
		return fail(
			err, size,
			"--firmware: only one of --kernel or --firmware can be specified");
	if (o->run.firmware_addr && !o->run.firmware)
		return fail(err, size,
			    "--firmware-address: only with --firmware");
	if (!o->run.kernel && !o->run.firmware)
		return fail(
			err, size,
			"run: no kernel given (use -k FILE, or -f FILE for firmware)");
	if (o->run.no_sdei && o->run.nr_sdei_events)
		return fail(
			err, size,
			"--sdei-event: cannot declare events with --no-sdei");
	/* The switch of user is part of the sandbox. */
	if (o->run.user && o->run.no_sandbox)
		return fail(
			err, size,
			"--user: not with --no-sandbox (the switch is part of the sandbox)");
	/* KVM's AArch32 EL1: no EL2 above it, no SVE; RAM below 4 GiB. */
	if (o->run.aarch32 && o->run.nested)
		return fail(
			err, size,
			"--aarch32: not with --nested (KVM's vCPUs with EL2 are AArch64)");
	if (o->run.aarch32 && o->run.sve_max_vl)
		return fail(
			err, size,
			"--aarch32: not with --sve-max-vl (SVE is AArch64's)");
	if (o->run.aarch32 && o->run.mem_given &&
	    o->run.mem_mib > (4096 - (LKVM_RAM_BASE >> 20)))
		return fail(
			err, size,
			"--aarch32: guest RAM must end below 4 GiB: -m %llu at most",
			(unsigned long long)(4096 - (LKVM_RAM_BASE >> 20)));
	if (o->run.no_sve && o->run.sve_max_vl)
		return fail(err, size, "--sve-max-vl: not with --no-sve");
	if (o->run.protected_vm && check_protected(&o->run, err, size))
		return -EINVAL;
	/* KVM ignores E2H0 without EL2: refuse it rather than boot at EL1. */
	if (o->run.e2h0 && !o->run.nested)
		return fail(err, size, "--e2h0: only together with --nested");
	/* kvmtool's default: 64 MiB for each vCPU and 192 MiB besides. */
	if (!o->run.mem_given)
		o->run.mem_mib = OPT_MEM_PER_CPU_MIB * (o->run.nr_cpus + 3);
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
			if (o->cmd == CMD_RUN && !o->run.kernel &&
			    !o->run.firmware) {
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
	/* As kvmtool: no command shows the commands. */
	if (argc < 2)
		return 0;

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
	} else if (!strcmp(cmd, "debug")) {
		o->cmd = CMD_DEBUG;
		o->sdei.req.cpu = CONTROL_CPU_ROUTED;
		o->sdei.req.op = CONTROL_INFO; /* none yet */
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
		else if (argc > 2 && !strcmp(argv[2], "debug"))
			o->help_for = CMD_DEBUG;
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
