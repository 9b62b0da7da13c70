// SPDX-License-Identifier: GPL-2.0
/* lkvm: a small, fast VMM for KVM on arm64. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exit-codes.h"
#include "log.h"
#include "options.h"
#include "probe.h"
#include "sandbox.h"
#include "../devices/net-backend.h"
#include "../devices/virtio-vsock-dev.h"
#include "../devices/virtio-fs-dev.h"
#include "vm.h"
#include "run.h"
#include "vm-control.h"

#ifndef LKVM_VERSION
#define LKVM_VERSION "unknown"
#endif

static int cmd_probe(const struct probe_opts *opts)
{
	struct kvm_caps caps;
	int fd = kvm_open();

	if (fd < 0 || kvm_caps_read(fd, &caps, true))
		return LKVM_EXIT_ERROR;
	probe_report(stdout, &caps, opts->json);
	return LKVM_EXIT_POWEROFF;
}

/* The value of a "Key: N kB" line of a /proc file, or 0. */
static unsigned long field_kib(const char *line, const char *key)
{
	size_t len = strlen(key);

	if (strncmp(line, key, len))
		return 0;
	return strtoul(line + len, NULL, 10);
}

/*
 * lkvm's own memory: the process's resident set without guest RAM, from
 * /proc/self/smaps (the RAM mapping's Rss) and /proc/self/status (VmRSS).
 */
/* Opened before the sandbox, which opens no file; read at the end. */
static int smaps_fd = -1, status_fd = -1;

static void report_memory_prepare(void)
{
	if (!log_enabled(LOG_INFO))
		return;
	smaps_fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC);
	status_fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
}

static void report_memory(const struct vm *vm)
{
	unsigned long total = 0, ram = 0, start, end;
	bool in_ram = false;
	char line[256], perms[8];
	FILE *f;

	f = smaps_fd >= 0 ? fdopen(smaps_fd, "r") : NULL;
	while (f && fgets(line, sizeof(line), f)) {
		/* A mapping's header line, then its "Key: value" lines. */
		if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) == 3)
			in_ram = start == (unsigned long)vm->kvm.ram;
		else if (in_ram && !ram)
			ram = field_kib(line, "Rss:");
	}
	if (f)
		fclose(f);
	f = status_fd >= 0 ? fdopen(status_fd, "r") : NULL;
	while (f && fgets(line, sizeof(line), f) && !total)
		total = field_kib(line, "VmRSS:");
	if (f)
		fclose(f);
	pr_info("resident memory: lkvm %lu KiB, guest RAM %lu KiB", total - ram,
		ram);
}

/*
 * lkvm sdei, stop, pause, resume: one request to a running guest; its
 * reply on stdout (a body without its "ok N" line), an error on stderr.
 */
static int cmd_request(const struct sdei_opts *opts)
{
	static char reply[CONTROL_REPLY_MAX];
	const char *nl;

	if (control_request(opts->socket ? NULL : opts->name, opts->socket,
			    &opts->req, reply, sizeof(reply)))
		return LKVM_EXIT_ERROR;
	if (strncmp(reply, "ok", 2)) {
		pr_err("%s: %s", opts->socket ? opts->socket : opts->name,
		       strncmp(reply, "error ", 6) ? reply : reply + 6);
		return LKVM_EXIT_ERROR;
	}
	nl = strchr(reply, '\n');
	puts(control_reply_has_body(&opts->req) && nl ? nl + 1 : reply);
	return LKVM_EXIT_POWEROFF;
}

static void list_text(void *ctx, const struct control_guest *g)
{
	(void)ctx;
	printf("%-24s %8d %5u %8llu %s\n", g->name, g->pid, g->vcpus,
	       g->mem_mib, g->state);
}

/* Guest names are letters, digits, '-', '_' and '.': no JSON escapes. */
static void list_json(void *ctx, const struct control_guest *g)
{
	int *n = ctx;

	printf("%s{\"name\":\"%s\",\"pid\":%d,\"vcpus\":%u,\"mem_mib\":%llu,\"state\":\"%s\"}",
	       (*n)++ ? "," : "", g->name, g->pid, g->vcpus, g->mem_mib,
	       g->state);
}

static int cmd_list(const struct sdei_opts *opts)
{
	int n = 0;

	if (opts->json) {
		putchar('[');
		if (control_list(list_json, &n) < 0)
			return LKVM_EXIT_ERROR;
		puts("]");
		return LKVM_EXIT_POWEROFF;
	}
	printf("%-24s %8s %5s %8s %s\n", "NAME", "PID", "VCPUS", "MEM_MIB",
	       "STATE");
	return control_list(list_text, NULL) < 0 ? LKVM_EXIT_ERROR :
						   LKVM_EXIT_POWEROFF;
}

static int cmd_run(const struct run_opts *opts)
{
	static struct vm vm;
	int kvm_fd, code;

	log_set_level(opts->loglevel);
	if (vm_plan(&vm.plan, opts))
		return LKVM_EXIT_ERROR;
	/*
	 * The network's backend: a tap needs /dev/net/tun (and maybe
	 * CAP_NET_ADMIN), a port forward binds its socket; both the user's
	 * errors, before any VM, and both before the sandbox.
	 */
	if (opts->net.mode != NET_NONE) {
		vm.net_backend = net_backend_open(&opts->net);
		if (!vm.net_backend)
			return LKVM_EXIT_ERROR;
	}
	/* vhost-vsock: the module, the device's access and the CID. */
	if (opts->vsock_cid) {
		vm.vhost_vsock_fd = vhost_vsock_open(opts->vsock_cid,
						     &vm.vhost_vsock_features);
		if (vm.vhost_vsock_fd < 0)
			return LKVM_EXIT_ERROR;
	}
	/* virtio-fs: the folder, virtiofsd or the user's socket, the handshake. */
	if (opts->vfs.tag[0]) {
		vm.vfs_backend = vfs_backend_open(&opts->vfs);
		if (!vm.vfs_backend)
			return LKVM_EXIT_ERROR;
		sandbox_allow_child(vfs_backend_pid(vm.vfs_backend));
	}
	/* A name in use is the user's error too: refused before any VM. */
	if (control_open(&vm.control, vm.plan.name, opts->socket,
			 vm_control_handle, &vm)) {
		vfs_backend_close(vm.vfs_backend);
		return LKVM_EXIT_ERROR;
	}
	kvm_fd = kvm_open();
	report_memory_prepare();
	if (kvm_fd >= 0 && opts->protected_vm &&
	    vm_protected_memlock(vm.plan.ram_size)) {
		control_close(&vm.control);
		vfs_backend_close(vm.vfs_backend);
		return LKVM_EXIT_ERROR;
	}
	if (kvm_fd >= 0 && !opts->no_sandbox &&
	    sandbox_enter(vm.plan.switch_user, vm.plan.uid, vm.plan.gid,
			  opts->net.mode == NET_USER, opts->vsock_cid != 0,
			  opts->nr_p9 != 0)) {
		control_close(&vm.control);
		vfs_backend_close(vm.vfs_backend);
		return LKVM_EXIT_ERROR;
	}
	atomic_init(&vm.user_stop, -1);
	for (unsigned int boot = 1;; boot++) {
		if (kvm_fd < 0 || vm_create(&vm, opts, kvm_fd)) {
			control_close(&vm.control);
			vfs_backend_close(vm.vfs_backend);
			return LKVM_EXIT_ERROR;
		}
		pr_info("guest %s: %u vCPUs, %llu MiB%s", vm.plan.name,
			vm.nr_vcpus, (unsigned long long)opts->mem_mib,
			boot > 1 ? ", booted again after a reset" : "");
		code = vm_run(&vm);
		if (code != LKVM_EXIT_RESET || !opts->reboot_restart)
			break;
		/* lkvm stop (or a signal) came after the reset: it wins. */
		if (atomic_load(&vm.user_stop) >= 0) {
			code = atomic_load(&vm.user_stop);
			pr_info("guest %s reset, and stopped: not restarting it",
				vm.plan.name);
			break;
		}
		/* A new VM: nothing of the old one (SDEI, GIC, RAM) survives. */
		pr_info("guest %s reset: restarting it (boot %u)", vm.plan.name,
			boot + 1);
		vm_destroy(&vm);
	}
	if (lkvm_exit_after_crash(code, atomic_load(&vm.crash_kernel)) !=
	    code) {
		pr_warn("guest %s: its crash kernel ran, then %s: exit status %d",
			vm.plan.name,
			code == LKVM_EXIT_POWEROFF ? "powered off" : "reset",
			LKVM_EXIT_CRASH_KERNEL);
		code = LKVM_EXIT_CRASH_KERNEL;
	}
	control_close(&vm.control);
	vfs_backend_close(vm.vfs_backend);
	if (log_enabled(LOG_INFO))
		report_memory(&vm);
	return code;
}

int main(int argc, char **argv)
{
	struct lkvm_opts opts;
	char err[256];

	if (options_parse(argc, argv, &opts, err, sizeof(err))) {
		pr_err("%s", err);
		return LKVM_EXIT_ERROR;
	}
	switch (opts.cmd) {
	case CMD_RUN:
		return cmd_run(&opts.run);
	case CMD_PROBE:
		return cmd_probe(&opts.probe);
	case CMD_SDEI:
	case CMD_STOP:
	case CMD_PAUSE:
	case CMD_RESUME:
	case CMD_DEBUG:
		return cmd_request(&opts.sdei);
	case CMD_LIST:
		return cmd_list(&opts.sdei);
	case CMD_VERSION:
		printf("lkvm %s\n", LKVM_VERSION);
		return LKVM_EXIT_POWEROFF;
	case CMD_HELP:
	default:
		fputs(options_usage(opts.help_for), stdout);
		return LKVM_EXIT_POWEROFF;
	}
}
