// SPDX-License-Identifier: GPL-2.0
/*
 * pty-run SECONDS TEXT KEYS CMD [ARGS...]: runs CMD on a new pseudo
 * terminal, as if a person ran it in a terminal; copies what it prints to
 * stdout; once TEXT has appeared, types KEYS (C escapes: \xHH, \r, \n);
 * prints "PTY-EXIT <status>" when CMD ends, or kills it and prints
 * "PTY-TIMEOUT" after SECONDS. For the lab's raw-console checks.
 */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unescape.h"

int main(int argc, char **argv)
{
	char keys[256], seen[8192];
	size_t nkeys, nseen = 0;
	bool typed = false;
	time_t end;
	int master, status;
	pid_t pid;

	if (argc < 5 || strlen(argv[3]) >= sizeof(keys)) {
		fprintf(stderr,
			"usage: pty-run SECONDS TEXT KEYS CMD [ARGS...]\n");
		return 2;
	}
	end = time(NULL) + atoi(argv[1]);
	nkeys = unescape(argv[3], keys);
	pid = forkpty(&master, NULL, NULL, NULL);
	if (pid < 0) {
		perror("pty-run: forkpty");
		return 1;
	}
	if (!pid) {
		execv(argv[4], argv + 4);
		perror("pty-run: exec");
		_exit(127);
	}
	for (;;) {
		struct pollfd p = { .fd = master, .events = POLLIN };
		char buf[512];
		ssize_t n;

		if (time(NULL) > end) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			printf("\nPTY-TIMEOUT\n");
			return 0;
		}
		if (poll(&p, 1, 200) <= 0)
			continue;
		n = read(master, buf, sizeof(buf));
		if (n <= 0)
			break; /* EIO: the child closed the terminal */
		fwrite(buf, 1, n, stdout);
		fflush(stdout);
		if (!typed && nseen + n < sizeof(seen)) {
			memcpy(seen + nseen, buf, n);
			nseen += n;
			seen[nseen] = 0;
			if (memmem(seen, nseen, argv[2], strlen(argv[2]))) {
				typed = true;
				if (write(master, keys, nkeys) !=
				    (ssize_t)nkeys)
					perror("pty-run: write");
			}
		}
	}
	waitpid(pid, &status, 0);
	printf("\nPTY-EXIT %d\n", WIFEXITED(status) ? WEXITSTATUS(status) :
						      128 + WTERMSIG(status));
	return 0;
}
