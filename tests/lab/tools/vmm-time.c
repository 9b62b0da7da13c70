// SPDX-License-Identifier: GPL-2.0
/*
 * vmm-time [-l SECS] [-m TEXT]... [-s TEXT -r MIB [-S FILE] [-P FILE] [-k KEYS]] -- VMM ARGS...
 *
 * Runs a VMM (lkvm, or the kvmtool peer of bench/run --peer) on a new
 * pseudo terminal and times it the same way whichever VMM it is, from the
 * outside: both see a terminal (raw mode) as their console, both are
 * timed on this tool's CLOCK_MONOTONIC from just before the fork.
 *
 *   -m TEXT   the time the first console line holding TEXT arrived
 *             (repeatable, in the order given)
 *   -s TEXT   when the first line holding TEXT arrives, sample the VMM's
 *             memory from /proc/PID/smaps: Pss and Rss summed over every
 *             mapping but the guest RAM, which is the mappings at least
 *             -r MIB long (the guest's RAM size; a VMM may map a little
 *             more than the guest's RAM in one piece, never less)
 *   -S FILE   with -s: a copy of the smaps read there, for a closer look
 *   -P FILE   with -s: the addresses (hex, one a line) of the pages of
 *             the VMM's own executable mapped there (/proc/PID/pagemap;
 *             root only): with fault-around off, the pages it ran or read
 *             (scripts/hot-symbols)
 *   -k KEYS   typed on the console right after that sample (C escapes
 *             \r, \n, \xHH); without -k, this tool's stdin is copied to
 *             the console as it comes
 *   -l SECS   time limit (default 600): the VMM is killed then
 *
 * The console goes to stdout as it comes. Results go to stderr, one line
 * each, after the VMM has exited (reaped, its memory freed):
 *
 *   VMM-TIME mark N SECONDS        the -m TEXT number N (from 1), or
 *   VMM-TIME mark N none           when it never came
 *   VMM-TIME mem PSS RSS MAPS RAM  KiB besides guest RAM (Pss, Rss), the
 *                                  guest RAM mappings and their Rss KiB
 *   VMM-TIME exit SECONDS STATUS   the VMM reaped: its exit status (128 +
 *                                  the signal's number if killed)
 *
 * and exits with the VMM's status (124 at the time limit).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "unescape.h"

#define MAX_MARKS 8
#define LINE_MAX_LEN 4096

struct mem_sample {
	bool taken;
	unsigned long long pss_kib, rss_kib; /* besides guest RAM */
	unsigned long long ram_rss_kib;
	unsigned int ram_maps;
};

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Sums /proc/PID/smaps: a mapping's header line "START-END perms ...",
 * then "Key: N kB" lines, of which Rss and Pss count, for the guest RAM
 * (mappings of at least ram_bytes) or for the rest.
 */
static int sample_smaps(pid_t pid, unsigned long long ram_bytes,
			struct mem_sample *m, const char *copy)
{
	char path[64], line[512];
	unsigned long long start, end, kib;
	bool ram = false;
	FILE *f, *c = NULL;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (copy)
		c = fopen(copy, "w");
	*m = (struct mem_sample){ .taken = true };
	while (fgets(line, sizeof(line), f)) {
		if (c)
			fputs(line, c);
		if (sscanf(line, "%llx-%llx ", &start, &end) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			ram = end - start >= ram_bytes;
			m->ram_maps += ram;
		} else if (sscanf(line, "Rss: %llu kB", &kib) == 1) {
			if (ram)
				m->ram_rss_kib += kib;
			else
				m->rss_kib += kib;
		} else if (sscanf(line, "Pss: %llu kB", &kib) == 1 && !ram) {
			m->pss_kib += kib;
		}
	}
	fclose(f);
	if (c)
		fclose(c);
	return 0;
}

/*
 * Writes to FILE each page of the VMM's executable (the mappings of the
 * file /proc/PID/exe names) that is present in its page tables: bit 63 of
 * its /proc/PID/pagemap entry.
 */
static int dump_exe_pages(pid_t pid, const char *file)
{
	char path[64], exe[512], line[1024];
	unsigned long long start, end, addr, entry;
	long page = sysconf(_SC_PAGESIZE);
	FILE *maps, *out;
	ssize_t n;
	int pm;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n < 0)
		return -errno;
	exe[n] = 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	maps = fopen(path, "r");
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	pm = open(path, O_RDONLY | O_CLOEXEC);
	out = fopen(file, "w");
	if (!maps || pm < 0 || !out) {
		fprintf(stderr,
			"vmm-time: -P: /proc/%d/maps, pagemap or %s: %s\n",
			(int)pid, file, strerror(errno));
		if (maps)
			fclose(maps);
		if (out)
			fclose(out);
		if (pm >= 0)
			close(pm);
		return -1;
	}
	while (fgets(line, sizeof(line), maps)) {
		char *name = strchr(line, '/');

		if (!name || sscanf(line, "%llx-%llx", &start, &end) != 2)
			continue;
		name[strcspn(name, "\n")] = 0;
		if (strcmp(name, exe))
			continue;
		for (addr = start; addr < end; addr += page)
			if (pread(pm, &entry, sizeof(entry),
				  addr / page * sizeof(entry)) ==
				    sizeof(entry) &&
			    (entry >> 63))
				fprintf(out, "%llx\n", addr);
	}
	fclose(out);
	fclose(maps);
	close(pm);
	return 0;
}

static void write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		buf += w;
		n -= (size_t)w;
	}
}

/* The console as it arrives: lines matched against the marks. */
struct console_state {
	char line[LINE_MAX_LEN + 1];
	size_t nline;
	const char **marks;
	double *mark_t;
	unsigned int nmarks;
	const char *sample_at; /* sample memory at the first line with it */
	const char *smaps_copy; /* and copy the smaps there */
	const char *pages_file; /* and list the executable's pages there */
	unsigned long long ram_bytes;
	const char *keys; /* then type these */
	size_t nkeys;
	pid_t pid;
	int master;
	struct mem_sample mem;
};

/* A chunk of console output that arrived at time t: copied to stdout. */
static void console(struct console_state *c, const char *buf, size_t n,
		    double t)
{
	unsigned int i;

	write_all(1, buf, n);
	for (size_t j = 0; j < n; j++) {
		if (c->nline < LINE_MAX_LEN)
			c->line[c->nline++] = buf[j];
		c->line[c->nline] = 0;
		for (i = 0; i < c->nmarks; i++)
			if (c->mark_t[i] < 0 && strstr(c->line, c->marks[i]))
				c->mark_t[i] = t;
		if (c->sample_at && !c->mem.taken &&
		    strstr(c->line, c->sample_at)) {
			sample_smaps(c->pid, c->ram_bytes, &c->mem,
				     c->smaps_copy);
			if (c->pages_file)
				dump_exe_pages(c->pid, c->pages_file);
			write_all(c->master, c->keys, c->nkeys);
		}
		if (buf[j] == '\n')
			c->nline = 0;
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: vmm-time [-l SECONDS] [-m TEXT]... [-s TEXT -r MIB [-S FILE] [-P FILE] [-k KEYS]] -- VMM ARGS...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *marks[MAX_MARKS], *sample_at = NULL, *keys = NULL;
	double mark_t[MAX_MARKS], t0, limit = 600, t_exit = 0;
	unsigned long long ram_mib = 0;
	static struct console_state con;
	char keybuf[256];
	unsigned int nmarks = 0, i;
	bool stdin_open, exited = false;
	struct termios raw;
	sigset_t chld;
	int opt, master, sfd, status = 0, code;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+l:m:s:r:k:S:P:")) != -1) {
		switch (opt) {
		case 'l':
			limit = atof(optarg);
			break;
		case 'm':
			if (nmarks == MAX_MARKS)
				usage();
			mark_t[nmarks] = -1;
			marks[nmarks++] = optarg;
			break;
		case 's':
			sample_at = optarg;
			break;
		case 'r':
			ram_mib = strtoull(optarg, NULL, 0);
			break;
		case 'S':
			con.smaps_copy = optarg;
			break;
		case 'P':
			con.pages_file = optarg;
			break;
		case 'k':
			if (strlen(optarg) >= sizeof(keybuf))
				usage();
			keys = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc || (sample_at && !ram_mib) || (keys && !sample_at))
		usage();
	con = (struct console_state){
		.smaps_copy = con.smaps_copy,
		.pages_file = con.pages_file,
		.marks = marks,
		.mark_t = mark_t,
		.nmarks = nmarks,
		.sample_at = sample_at,
		.ram_bytes = ram_mib << 20,
		.keys = keybuf,
		.nkeys = keys ? unescape(keys, keybuf) : 0,
	};

	/* SIGCHLD through a signalfd: the exit is seen when it happens. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	sfd = signalfd(-1, &chld, SFD_CLOEXEC);
	if (sfd < 0) {
		perror("vmm-time: signalfd");
		return 1;
	}
	/* A raw terminal from the start, whatever the VMM makes of it. */
	memset(&raw, 0, sizeof(raw));
	cfmakeraw(&raw);
	t0 = mono();
	pid = forkpty(&master, NULL, &raw, NULL);
	if (pid < 0) {
		perror("vmm-time: forkpty");
		return 1;
	}
	if (!pid) {
		sigprocmask(SIG_UNBLOCK, &chld, NULL);
		execvp(argv[optind], argv + optind);
		perror("vmm-time: exec");
		_exit(127);
	}
	con.pid = pid;
	con.master = master;
	stdin_open = !keys;

	while (!exited) {
		struct pollfd p[3] = {
			{ .fd = master, .events = POLLIN },
			{ .fd = stdin_open ? 0 : -1, .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
		};
		char buf[1024];
		ssize_t n;

		if (mono() - t0 > limit) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fprintf(stderr, "VMM-TIME limit %.0f s: killed\n",
				limit);
			return 124;
		}
		if (poll(p, 3, 200) <= 0)
			continue;
		/* The console first: what came before the exit, if both. */
		if (p[0].revents & (POLLIN | POLLHUP)) {
			n = read(master, buf, sizeof(buf));
			if (n > 0) {
				console(&con, buf, (size_t)n, mono() - t0);
			} else if (n == 0 || errno == EIO) {
				/* The VMM closed the terminal: it is exiting. */
				waitpid(pid, &status, 0);
				t_exit = mono() - t0;
				exited = true;
			}
		}
		if (!exited && (p[1].revents & (POLLIN | POLLHUP))) {
			n = read(0, buf, sizeof(buf));
			if (n > 0)
				write_all(master, buf, (size_t)n);
			else
				stdin_open = false;
		}
		if (!exited && (p[2].revents & POLLIN)) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) > 0 &&
			    waitpid(pid, &status, WNOHANG) == pid) {
				t_exit = mono() - t0;
				exited = true;
			}
		}
	}
	/*
	 * Output still unread at the exit was written before it. The pty
	 * hands it to this side asynchronously: read until the closed
	 * terminal says EIO (or nothing more comes for a second).
	 */
	for (;;) {
		struct pollfd p = { .fd = master, .events = POLLIN };
		char buf[1024];
		ssize_t n;

		if (poll(&p, 1, 1000) <= 0)
			break;
		n = read(master, buf, sizeof(buf));
		if (n <= 0)
			break;
		console(&con, buf, (size_t)n, t_exit);
	}
	for (i = 0; i < nmarks; i++) {
		if (mark_t[i] < 0)
			fprintf(stderr, "VMM-TIME mark %u none\n", i + 1);
		else
			fprintf(stderr, "VMM-TIME mark %u %.6f\n", i + 1,
				mark_t[i]);
	}
	if (con.mem.taken)
		fprintf(stderr, "VMM-TIME mem %llu %llu %u %llu\n",
			con.mem.pss_kib, con.mem.rss_kib, con.mem.ram_maps,
			con.mem.ram_rss_kib);
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	fprintf(stderr, "VMM-TIME exit %.6f %d\n", t_exit, code);
	return code;
}
