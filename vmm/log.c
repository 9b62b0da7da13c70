// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"

static const char *const level_names[] = {
	[LOG_ERROR] = "error",
	[LOG_WARNING] = "warning",
	[LOG_INFO] = "info",
	[LOG_DEBUG] = "debug",
};

/* Written once at start-up, before any thread exists. */
static enum log_level max_level = LOG_WARNING;

void log_set_level(enum log_level level)
{
	max_level = level;
}

bool log_enabled(enum log_level level)
{
	return level <= max_level;
}

int log_level_parse(const char *name)
{
	for (unsigned int i = 0; i < sizeof(level_names) / sizeof(*level_names);
	     i++)
		if (!strcmp(name, level_names[i]))
			return (int)i;
	return -1;
}

double log_monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

uint64_t log_monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	if (!log_enabled(level))
		return;
	/* Errors are the one line a user reads: no level name before them. */
	if (level == LOG_ERROR)
		n = snprintf(line, sizeof(line), "lkvm: ");
	else
		n = snprintf(line, sizeof(line),
			     "lkvm: %s: ", level_names[level]);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	/* One write per line keeps lines whole when vCPU threads log. */
	n = strlen(line);
	line[n++] = '\n';
	fwrite(line, 1, n, stderr);
}
