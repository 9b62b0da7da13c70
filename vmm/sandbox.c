// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm's sandbox: no capabilities, and a seccomp allow-list of the system
 * calls its threads make once the VM's files are open (the I/O thread:
 * poll, console, control socket, io_uring; the vCPU threads: KVM_RUN and
 * its exits; the creation of a VM again for --reboot=restart; the end of
 * the run). Anything else traps: lkvm says which call it was and exits 1,
 * so a missing entry is found at once, never silently.
 */
#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/vhost.h>
#include <seccomp.h>
#include <stdint.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "exit-codes.h"
#include "log.h"
#include "sandbox.h"

/* KVM's ioctls are all of type KVMIO (linux/kvm.h): bits 15..8 of the number. */
#define SANDBOX_KVMIO 0xAE
/* The terminal's, for the raw console (tcgetattr, tcsetattr, isatty). */
#define SANDBOX_TCGETS 0x5401
#define SANDBOX_TCSETS 0x5402
#define SANDBOX_TCSETSW 0x5403
#define SANDBOX_TIOCGWINSZ 0x5413
/* libslirp's on its sockets: bytes waiting, and non-blocking mode. */
#define SANDBOX_FIONREAD 0x541B
#define SANDBOX_FIONBIO 0x5421

static const int allowed[] = {
	/* I/O on descriptors lkvm holds */
	SCMP_SYS(read),
	SCMP_SYS(write),
	SCMP_SYS(readv),
	SCMP_SYS(writev),
	SCMP_SYS(pread64),
	SCMP_SYS(pwrite64),
	SCMP_SYS(preadv),
	SCMP_SYS(pwritev),
	/* virtio-blk: a buffered read at once when the page cache has it */
	SCMP_SYS(preadv2),
	SCMP_SYS(close),
	SCMP_SYS(fcntl),
	SCMP_SYS(fstat),
	SCMP_SYS(newfstatat),
	SCMP_SYS(lseek),
	SCMP_SYS(ppoll),
	SCMP_SYS(eventfd2),
	SCMP_SYS(pipe2),
	SCMP_SYS(dup),
	SCMP_SYS(dup3),
	SCMP_SYS(fsync),
	SCMP_SYS(fdatasync),
	SCMP_SYS(fallocate),
	SCMP_SYS(ftruncate),
	SCMP_SYS(getrandom),
	SCMP_SYS(io_uring_setup),
	SCMP_SYS(io_uring_enter),
	SCMP_SYS(io_uring_register),
	/* the control socket: its clients, and the socket's removal at exit */
	SCMP_SYS(accept4),
	SCMP_SYS(getsockopt),
	SCMP_SYS(recvfrom),
	SCMP_SYS(sendto),
	SCMP_SYS(recvmsg),
	SCMP_SYS(sendmsg),
	SCMP_SYS(shutdown),
	SCMP_SYS(unlinkat),
	/* memory: guest RAM, thread stacks, malloc */
	SCMP_SYS(mmap),
	SCMP_SYS(munmap),
	SCMP_SYS(mprotect),
	SCMP_SYS(madvise),
	SCMP_SYS(mremap),
	SCMP_SYS(brk),
	/* threads, signals (vCPU kicks), time */
	SCMP_SYS(clone),
	SCMP_SYS(clone3),
	SCMP_SYS(futex),
	SCMP_SYS(set_robust_list),
	SCMP_SYS(rseq),
	SCMP_SYS(exit),
	SCMP_SYS(exit_group),
	SCMP_SYS(rt_sigaction),
	SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigreturn),
	/* Kicks (vcpu-kick.c): a pending one is taken, a retry is timed. */
	SCMP_SYS(rt_sigtimedwait),
	SCMP_SYS(timer_create),
	SCMP_SYS(timer_settime),
	SCMP_SYS(timer_delete),
	SCMP_SYS(tgkill),
	SCMP_SYS(getpid),
	SCMP_SYS(gettid),
	SCMP_SYS(getuid),
	SCMP_SYS(geteuid),
	SCMP_SYS(sched_yield),
	SCMP_SYS(sched_getaffinity),
	/* --vcpu-affinity: each vCPU thread pins itself when it starts. */
	SCMP_SYS(sched_setaffinity),
	SCMP_SYS(clock_gettime),
	SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep),
	SCMP_SYS(gettimeofday),
	SCMP_SYS(prlimit64),
};

/*
 * -n mode=user: libslirp opens a host socket for each of the guest's TCP
 * connections and UDP flows (socket, connect, bind, setsockopt, send and
 * receive), and accepts the connections of the user's hostfwd= on the
 * sockets it listens on (listen again after a forward's connection).
 * A tap needs nothing more than read and write.
 */
static const int net_user_allowed[] = {
	SCMP_SYS(socket),      SCMP_SYS(connect),     SCMP_SYS(bind),
	SCMP_SYS(listen),      SCMP_SYS(accept),      SCMP_SYS(setsockopt),
	SCMP_SYS(getsockname), SCMP_SYS(getpeername),
};
#define NR_NET_USER (sizeof(net_user_allowed) / sizeof(net_user_allowed[0]))

/*
 * --9p: what p9_handle makes on a share (devices/p9-fs.h lists them),
 * beyond the list above (close, fcntl, fstat, newfstatat, lseek, preadv,
 * pwritev, fsync, fdatasync, ftruncate, unlinkat): every open is an
 * openat2 beneath a descriptor of the share (RESOLVE_BENEATH, no
 * symlinks), every change an *at() call on a descriptor and one name.
 * glibc's renameat2 with no flags is the older renameat system call,
 * where the architecture has it (arm64 does: seen in the lab).
 * The folder itself was opened before the sandbox (vm_plan).
 */
/* Linux 6.6's, arm64 and generic: newer than the build's headers. */
#define SANDBOX_NR_FCHMODAT2 452
static const int p9_allowed[] = {
	SCMP_SYS(openat2),    SCMP_SYS(getdents64), SCMP_SYS(fstatfs),
	SCMP_SYS(mkdirat),    SCMP_SYS(mknodat),    SCMP_SYS(symlinkat),
	SCMP_SYS(linkat),     SCMP_SYS(renameat2),  SCMP_SYS(renameat),
	SCMP_SYS(readlinkat), SCMP_SYS(fchownat),   SCMP_SYS(utimensat),
	SCMP_SYS(fchmod),     SANDBOX_NR_FCHMODAT2, SCMP_SYS(fgetxattr),
	SCMP_SYS(flistxattr), SCMP_SYS(fsetxattr),  SCMP_SYS(fremovexattr),
};
#define NR_P9 (sizeof(p9_allowed) / sizeof(p9_allowed[0]))

#if defined(__SANITIZE_ADDRESS__)
/*
 * The ASan/UBSan runtime's own calls (make lkvm-asan only), found in the
 * lab (tests/lab/run --asan; 42-sandbox's LKVM_SANDBOX_SELFTEST=asan): the
 * rest of what it does when a thread starts or ends and when it prints a
 * report (mmap, munmap, madvise, read, write, close, fcntl, newfstatat,
 * getpid, gettid, ioctl TCGETS on stderr, exit_group) is on the list
 * already. The normal build's list above stays as it is.
 */
static const int asan_allowed[] = {
	/*
	 * Each thread started after set-up (the vCPUs') gets an alternate
	 * signal stack for the runtime's SIGSEGV handler, and it goes when
	 * the thread ends; refused, the runtime's CHECK ends lkvm.
	 */
	SCMP_SYS(sigaltstack),
};
#define NR_ASAN_ARRAY (sizeof(asan_allowed) / sizeof(asan_allowed[0]))
/* and openat, read-only (sandbox_rules) */
#define NR_ASAN_ALLOWED (NR_ASAN_ARRAY + 1)
#else
#define NR_ASAN_ALLOWED 0
#endif

unsigned int sandbox_nr_allowed(bool net_user, bool p9)
{
	/*
	 * and ioctl, for KVM's and the terminal's numbers only (and FIONREAD,
	 * FIONBIO with net_user); with net_user, openat too, which fails
	 * (sandbox_rules)
	 */
	return sizeof(allowed) / sizeof(allowed[0]) + NR_ASAN_ALLOWED + 1 +
	       (net_user ? NR_NET_USER + !NR_ASAN_ALLOWED : 0) +
	       (p9 ? NR_P9 : 0);
}

/* Formats n in decimal at the end of buf; returns where it starts. */
static char *decimal(char *end, long n)
{
	unsigned long u = n < 0 ? -(unsigned long)n : (unsigned long)n;

	do {
		*--end = '0' + u % 10;
		u /= 10;
	} while (u);
	if (n < 0)
		*--end = '-';
	return end;
}

/* A refused call: say which (async-signal-safe), then end lkvm. */
static void sandbox_refused(int sig, siginfo_t *info, void *ctx)
{
	static const char head[] =
		"lkvm: error: the sandbox refused system call ";
	static const char tail[] =
		": stopping (a bug in lkvm's allow-list; --no-sandbox runs without it)\n";
	char num[24], *p = decimal(num + sizeof(num), info->si_syscall);

	(void)sig, (void)ctx;
	if (write(STDERR_FILENO, head, sizeof(head) - 1) < 0 ||
	    write(STDERR_FILENO, p, num + sizeof(num) - p) < 0 ||
	    write(STDERR_FILENO, tail, sizeof(tail) - 1) < 0) {
		/* Nothing more to do: lkvm ends either way. */
	}
	_exit(LKVM_EXIT_ERROR);
}

static int sandbox_drop_caps(bool switch_user, unsigned int uid,
			     unsigned int gid)
{
	/*
	 * Nothing lkvm does after set-up needs a capability: KVM, io_uring
	 * and the socket work on descriptors it holds. The bounding set
	 * goes too where lkvm may change it.
	 */
	capng_clear(CAPNG_SELECT_BOTH);
	if (switch_user) {
		int err = capng_change_id(
			uid, gid, CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING);

		if (err) {
			pr_err("--user: switching to uid %u, gid %u failed (%d)",
			       uid, gid, err);
			return -1;
		}
		return 0;
	}
	/*
	 * Capabilities and the bounding set (libcap-ng drops the latter only
	 * with CAP_SETPCAP, which it checks in the process itself). The
	 * ambient set needs no call: the kernel empties it of whatever
	 * leaves the permitted or the inheritable set.
	 */
	if (capng_apply(CAPNG_SELECT_BOTH)) {
		pr_err("sandbox: dropping capabilities failed");
		return -1;
	}
	return 0;
}

/* ioctl when its request number (argument 1) compares as op says. */
static int allow_ioctl(scmp_filter_ctx ctx, enum scmp_compare op,
		       unsigned long a, unsigned long b)
{
	struct scmp_arg_cmp cmp = {
		.arg = 1,
		.op = op,
		.datum_a = a,
		.datum_b = b,
	};

	return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				      &cmp);
}

/*
 * libslirp reads /etc/resolv.conf for the host's DNS server when the guest
 * first asks 10.0.2.3; no file is opened under the sandbox, so that open
 * fails (EACCES) rather than ends lkvm: the guest's DNS through 10.0.2.3
 * then gets no answer (--no-sandbox lets it through).
 */
static int sandbox_net_user_rules(scmp_filter_ctx ctx)
{
	int err = 0;

	for (unsigned int i = 0; !err && i < NR_NET_USER; i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, net_user_allowed[i],
				       0);
	if (!err)
		err = allow_ioctl(ctx, SCMP_CMP_EQ, SANDBOX_FIONREAD, 0);
	if (!err)
		err = allow_ioctl(ctx, SCMP_CMP_EQ, SANDBOX_FIONBIO, 0);
#if !defined(__SANITIZE_ADDRESS__)
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES),
				       SCMP_SYS(openat), 0);
#endif
	return err;
}

/*
 * --vsock: /dev/vhost-vsock is opened, owned and given the guest's CID
 * before the sandbox (vhost_vsock_open); each VM (--reboot=restart makes
 * a new one) hands vhost its RAM, and each DRIVER_OK the queues, then
 * starts it; a reset stops it. Those ioctls, and no other of vhost's
 * (not SET_OWNER, RESET_OWNER, SET_GUEST_CID, the log or backends).
 */
static int sandbox_vhost_vsock_rules(scmp_filter_ctx ctx)
{
	static const unsigned long vhost[] = {
		VHOST_SET_MEM_TABLE,  VHOST_SET_FEATURES,
		VHOST_SET_VRING_NUM,  VHOST_SET_VRING_BASE,
		VHOST_SET_VRING_ADDR, VHOST_SET_VRING_KICK,
		VHOST_SET_VRING_CALL, VHOST_VSOCK_SET_RUNNING,
	};
	int err = 0;

	for (unsigned int i = 0; !err && i < sizeof(vhost) / sizeof(*vhost);
	     i++)
		err = allow_ioctl(ctx, SCMP_CMP_EQ, vhost[i], 0);
	return err;
}

/*
 * --virtio-fs: the virtiofsd lkvm started (before the sandbox), which it
 * reaps at the end of the run and kills if it does not go: wait4 and
 * kill, the latter for that process and SIGKILL only. Its messages
 * (sendmsg, recvmsg, descriptors by SCM_RIGHTS) are allowed to all.
 */
static pid_t sandbox_child = -1;

void sandbox_allow_child(int pid)
{
	sandbox_child = pid;
}

static int sandbox_child_rules(scmp_filter_ctx ctx)
{
	int err;

	if (sandbox_child <= 0)
		return 0;
	err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(wait4), 1,
			       SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)sandbox_child,
				       0));
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 2,
				       SCMP_A0(SCMP_CMP_EQ,
					       (scmp_datum_t)sandbox_child, 0),
				       SCMP_A1(SCMP_CMP_EQ, SIGKILL, 0));
	return err;
}

static int sandbox_rules(scmp_filter_ctx ctx)
{
	static const unsigned long tty[] = { SANDBOX_TCGETS, SANDBOX_TCSETS,
					     SANDBOX_TCSETSW,
					     SANDBOX_TIOCGWINSZ };
	int err = 0;

	for (unsigned int i = 0; !err && i < sizeof(allowed) / sizeof(*allowed);
	     i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
#if defined(__SANITIZE_ADDRESS__)
	for (unsigned int i = 0; !err && i < NR_ASAN_ARRAY; i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, asan_allowed[i], 0);
	/*
	 * A report: the runtime reads /proc/self/maps (the modules the
	 * stack's addresses fall in), and its symbolizer (libbacktrace)
	 * opens /proc/self/exe and the libraries for their debug information,
	 * to name the frames; refused, the report has bare addresses only.
	 * Read-only opens only: no O_CREAT, no O_TRUNC, no writing.
	 */
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
				       SCMP_A2(SCMP_CMP_MASKED_EQ,
					       O_ACCMODE | O_CREAT | O_TRUNC,
					       O_RDONLY));
#endif
	/* A vCPU thread names itself ("vcpu N"): PR_SET_NAME only. */
	if (!err) {
		struct scmp_arg_cmp name = {
			.arg = 0,
			.op = SCMP_CMP_EQ,
			.datum_a = PR_SET_NAME,
		};

		err = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW,
					     SCMP_SYS(prctl), 1, &name);
	}
	if (!err)
		err = allow_ioctl(ctx, SCMP_CMP_MASKED_EQ, 0xff00,
				  SANDBOX_KVMIO << 8);
	for (unsigned int i = 0; !err && i < sizeof(tty) / sizeof(*tty); i++)
		err = allow_ioctl(ctx, SCMP_CMP_EQ, tty[i], 0);
	return err;
}

#if defined(__SANITIZE_ADDRESS__)
/*
 * LKVM_SANDBOX_SELFTEST=asan (ASan builds): a heap-buffer-overflow read
 * under the sandbox, so that the lab sees a whole ASan report come out of
 * a sandboxed lkvm (and lkvm end with ASan's exit code) rather than a
 * refused system call. noinline: the report's stack names this function.
 */
static __attribute__((noinline)) void sandbox_selftest_asan(void)
{
	/* volatile: the compiler knows neither the size nor the read */
	static volatile size_t size = 16;
	size_t n = size;
	volatile char *p = malloc(n);

	if (!p)
		return;
	pr_info("sandbox: selftest: reading one byte past a %zu-byte buffer",
		n);
	(void)p[n];
	free((void *)p);
}
#endif

/* The lab's tests of the sandbox, after the filter is on. */
static void sandbox_selftest(const char *what)
{
#if defined(__SANITIZE_ADDRESS__)
	if (!strcmp(what, "asan")) {
		sandbox_selftest_asan();
		return;
	}
#endif
	/* The refusal path: a call off the list. */
	(void)what;
	(void)getppid();
}

int sandbox_enter(bool switch_user, unsigned int uid, unsigned int gid,
		  bool net_user, bool vhost_vsock, bool p9)
{
	struct sigaction sa;
	scmp_filter_ctx ctx;
	const char *selftest;
	int err;

	if (sandbox_drop_caps(switch_user, uid, gid))
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sandbox_refused;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSYS, &sa, NULL);

	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (!ctx) {
		pr_err("sandbox: seccomp_init failed");
		return -1;
	}
	/* Every thread, and no way back to privileges (no_new_privs). */
	err = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (!err)
		err = sandbox_rules(ctx);
	if (!err && net_user)
		err = sandbox_net_user_rules(ctx);
	if (!err && vhost_vsock)
		err = sandbox_vhost_vsock_rules(ctx);
	for (unsigned int i = 0; !err && p9 && i < NR_P9; i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, p9_allowed[i], 0);
	if (!err)
		err = sandbox_child_rules(ctx);
	if (!err)
		err = seccomp_load(ctx);
	seccomp_release(ctx);
	if (err) {
		pr_err("sandbox: installing the seccomp filter: %s",
		       strerror(-err));
		return -1;
	}
	pr_info("sandbox: no capabilities, %u system calls allowed%s",
		sandbox_nr_allowed(net_user, p9),
		switch_user ? ", running as --user" : "");
	selftest = getenv("LKVM_SANDBOX_SELFTEST");
	if (selftest)
		sandbox_selftest(selftest);
	return 0;
}
