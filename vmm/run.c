// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O thread of `lkvm run` (the main thread): starts the vCPUs, feeds
 * stdin to the console, and waits for the guest, a signal or an error to
 * end the run.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "console-escape.h"
#include "../devices/virtio-console-dev.h"
#include "log.h"
#include "vm.h"
#include "vm-control.h"
#include "run.h"
#include "vcpu-hypercall.h"

/*
 * After the first line of a panic on the console, how long the report may
 * take to end ("---[ end Kernel panic"), or a crash kernel to be started,
 * before lkvm stops the guest anyway. Between the panic line and
 * "Starting crashdump kernel..." the kernel prints its stack and waits up
 * to a second for the other CPUs to stop (crash_smp_send_stop()), each
 * console byte an exit: under nested emulation that takes seconds.
 */
#define IO_PANIC_GRACE_S 10.0

/* The write end of a pipe the signal handler uses to wake the I/O loop. */
static int signal_pipe[2] = { -1, -1 };

static void stop_signal_handler(int sig)
{
	unsigned char s = sig;
	int saved = errno;

	if (write(signal_pipe[1], &s, 1) < 0) {
		/* Nothing to do: the pipe is full, a stop is pending anyway. */
	}
	errno = saved;
}

static int install_stop_signals(void)
{
	struct sigaction sa;

	/* Once per process: a restarted guest keeps the same pipe. */
	if (signal_pipe[0] >= 0)
		return 0;
	if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK)) {
		pr_err("pipe: %s", strerror(errno));
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = stop_signal_handler;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A closed stdout reader must not kill lkvm mid-write. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static struct termios saved_termios;
static bool termios_saved;

/*
 * An interactive console is raw: keys reach the guest as they are typed,
 * Ctrl-C included, without the host's echo; Ctrl-A x quits (the escape
 * key, console-escape.h). Without a terminal, input passes through as it
 * comes.
 */
static void console_enter(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_termios))
		return;
	termios_saved = true;
	t = saved_termios;
	t.c_lflag &= ~(ICANON | ECHO | ECHONL | IEXTEN | ISIG);
	t.c_iflag &= ~(ICRNL | IXON | INLCR | IGNCR | BRKINT | ISTRIP);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &t);
	fprintf(stderr, "lkvm: console on this terminal: %s\r\n",
		CONSOLE_ESCAPE_HELP);
}

static void console_leave(void)
{
	if (termios_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
	termios_saved = false;
}

struct input_buf {
	uint8_t data[256];
	size_t len;
	bool eof;
	struct console_escape escape;
};

/*
 * Moves what the console (the UART, or virtio-console's receive buffers)
 * can take; keeps the rest for the next round.
 */
static void input_flush(struct vm *vm, struct input_buf *in)
{
	size_t n = vm->vcon ? virtio_console_dev_input(vm->vcon, in->data,
						       in->len) :
			      serial_input(&vm->serial, in->data, in->len);

	memmove(in->data, in->data + n, in->len - n);
	in->len -= n;
}

/* On a terminal, the escape key's commands never reach the guest. */
static void input_escape(struct vm *vm, struct input_buf *in, uint8_t *raw,
			 size_t n)
{
	while (n) {
		size_t out, used;
		enum console_action act;

		act = console_escape_filter(&in->escape, raw, n,
					    in->data + in->len, &out, &used);
		in->len += out;
		raw += used;
		n -= used;
		if (act == CONSOLE_QUIT) {
			fprintf(stderr, "\r\n");
			pr_info("Ctrl-A x: stopping the guest");
			vm_stop(vm, LKVM_EXIT_STOPPED);
			return;
		}
		if (act == CONSOLE_HELP)
			fprintf(stderr, "\r\nlkvm: %s\r\n",
				CONSOLE_ESCAPE_HELP);
	}
}

static void input_read(struct vm *vm, struct input_buf *in)
{
	uint8_t raw[sizeof(in->data)];
	ssize_t n = read(STDIN_FILENO, raw, sizeof(raw) - in->len);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		in->eof = true;
		return;
	}
	if (!termios_saved) {
		memcpy(in->data + in->len, raw, n);
		in->len += n;
		return;
	}
	input_escape(vm, in, raw, n);
}

/* Milliseconds to wait for until `at` (CLOCK_MONOTONIC seconds), at least 0. */
static int ms_until(double at, double now)
{
	return at <= now ? 0 : (int)((at - now) * 1000) + 1;
}

/* A vCPU's dump line, at error level: the default log shows it. */
static void log_dump_line(void *ctx, const char *s)
{
	(void)ctx;
	pr_err("%s", s);
}

/*
 * What the I/O thread waits for besides its descriptors: held input, the
 * --timeout, the grace after a panic's first console line. Stops the VM
 * when one of the deadlines has passed; returns the poll timeout.
 */
static int io_deadlines(struct vm *vm, const struct input_buf *in,
			double *panic_at)
{
	double now = log_monotonic_seconds();
	int timeout = in->len ? 10 : -1;

	if (!atomic_load(&vm->panic_seen))
		*panic_at = 0; /* none, or a crash kernel took over */
	else if (!*panic_at)
		*panic_at = now + IO_PANIC_GRACE_S;
	if (vm->plan.timeout_at && now >= vm->plan.timeout_at) {
		pr_err("--timeout %u: the guest ran for %u s: stopping it",
		       vm->opts->timeout_s, vm->opts->timeout_s);
		vm_stop(vm, LKVM_EXIT_TIMEOUT);
	}
	if (*panic_at && now >= *panic_at) {
		pr_info("the guest's panic report did not end: stopping it");
		vm_stop(vm, LKVM_EXIT_PANIC);
	}
	if (vm->plan.timeout_at) {
		int t = ms_until(vm->plan.timeout_at, now);

		timeout = timeout < 0 || t < timeout ? t : timeout;
	}
	if (*panic_at) {
		int t = ms_until(*panic_at, now);

		timeout = timeout < 0 || t < timeout ? t : timeout;
	}
	return timeout;
}

/*
 * The stop eventfd, the signal pipe and stdin, then the devices' watches,
 * then the control socket.
 */
#define IO_FIXED_FDS 3
#define IO_MAX_FDS \
	(IO_FIXED_FDS + VM_MAX_WATCHES + VM_HOOK_FDS + 1 + CONTROL_MAX_CLIENTS)

/* The devices' descriptors after the fixed ones; returns how many. */
static unsigned int watch_pollfds(const struct vm *vm, struct pollfd *fds)
{
	for (unsigned int i = 0; i < vm->nr_watches; i++)
		fds[i] = (struct pollfd){ .fd = vm->watches[i].fd,
					  .events = POLLIN };
	return vm->nr_watches;
}

static void watch_serve(const struct vm *vm, const struct pollfd *fds)
{
	for (unsigned int i = 0; i < vm->nr_watches; i++)
		if (fds[i].revents)
			vm->watches[i].ready(vm->watches[i].opaque);
}

/*
 * The devices' hooks after their watches: each fills what it wants this
 * round (nr[i] entries) and may shorten the timeout for its timers.
 */
static unsigned int hook_pollfds(const struct vm *vm, struct pollfd *fds,
				 unsigned int *nr, int *timeout)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < vm->nr_hooks; i++) {
		const struct io_hook *h = vm->hooks[i];

		nr[i] = h->fill(h->opaque, fds + n, VM_HOOK_FDS - n, timeout);
		n += nr[i];
	}
	return n;
}

static void hook_serve(const struct vm *vm, struct pollfd *fds,
		       const unsigned int *nr)
{
	for (unsigned int i = 0; i < vm->nr_hooks; i++) {
		const struct io_hook *h = vm->hooks[i];

		h->dispatch(h->opaque, fds, nr[i]);
		fds += nr[i];
	}
}

static void io_loop(struct vm *vm)
{
	struct input_buf in = { .len = 0, .eof = false };
	double panic_at = 0;

	while (!atomic_load(&vm->stopping)) {
		struct pollfd fds[IO_MAX_FDS] = {
			{ .fd = vm->stop_fd, .events = POLLIN },
			{ .fd = signal_pipe[0], .events = POLLIN },
			/* Read stdin only when the held input is gone. */
			{ .fd = (in.eof || in.len) ? -1 : STDIN_FILENO,
			  .events = POLLIN },
		};
		int timeout = io_deadlines(vm, &in, &panic_at);
		unsigned int nctl, nw, nh, ctl, hook_nr[VM_MAX_HOOKS];
		unsigned char sig;
		uint64_t wakes;

		if (atomic_load(&vm->stopping))
			break;
		nw = watch_pollfds(vm, fds + IO_FIXED_FDS);
		nh = hook_pollfds(vm, fds + IO_FIXED_FDS + nw, hook_nr,
				  &timeout);
		ctl = IO_FIXED_FDS + nw + nh;
		nctl = control_pollfds(&vm->control, fds + ctl,
				       IO_MAX_FDS - ctl);
		if (poll(fds, ctl + nctl, timeout) < 0 && errno != EINTR) {
			pr_err("poll: %s", strerror(errno));
			vm_stop(vm, LKVM_EXIT_ERROR);
			break;
		}
		if (fds[0].revents &&
		    read(vm->stop_fd, &wakes, sizeof(wakes)) < 0)
			pr_debug("wake eventfd: %s", strerror(errno));
		if (fds[1].revents && read(signal_pipe[0], &sig, 1) == 1) {
			pr_info("stopping the guest on signal %d", sig);
			vm_stop(vm, 128 + sig);
			break;
		}
		if (fds[2].revents)
			input_read(vm, &in);
		if (in.len)
			input_flush(vm, &in);
		watch_serve(vm, fds + IO_FIXED_FDS);
		hook_serve(vm, fds + IO_FIXED_FDS + nw, hook_nr);
		control_serve(&vm->control, fds + ctl, nctl);
	}
}

int vm_run(struct vm *vm)
{
	sigset_t block, old;
	int code;

	vcpu_signals_init();
	if (install_stop_signals())
		return LKVM_EXIT_ERROR;

	/* vCPU threads inherit this mask: stop signals go to the I/O thread. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	/*
	 * What setting up freed (libseccomp's filter building, above all)
	 * goes back to the kernel: glibc keeps freed heap below its trim
	 * threshold, resident for the VM's whole life.
	 */
	malloc_trim(0);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		if (vcpu_start(&vm->vcpus[i])) {
			vm_stop(vm, LKVM_EXIT_ERROR);
			break;
		}
	}
	vcpus_release(vm);
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	console_enter();
	io_loop(vm);
	console_leave();

	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_join(&vm->vcpus[i]);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_log_stops(&vm->vcpus[i]);
	vm_devices_drain(vm);
	code = atomic_load(&vm->exit_code);
	/* Where a failed or hung guest was: for the CI log. */
	if (code < 0 || code == LKVM_EXIT_ERROR || code == LKVM_EXIT_TIMEOUT)
		vm_dump_vcpus(vm, log_dump_line, NULL);
	return code < 0 ? LKVM_EXIT_ERROR : code;
}
