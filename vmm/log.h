/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Logging to stderr. Every line starts with "lkvm: " and, below the error
 * level, the level's name, so scripts can tell lkvm's lines from the guest's
 * console output on stdout.
 */
#ifndef LKVM_LOG_H
#define LKVM_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum log_level {
	LOG_ERROR,
	LOG_WARNING,
	LOG_INFO,
	LOG_DEBUG,
};

/* The level below which messages are printed; set once by main. */
void log_set_level(enum log_level level);
bool log_enabled(enum log_level level);

/* Parses "error", "warning", "info" or "debug"; -1 if none of them. */
int log_level_parse(const char *name);

/*
 * CLOCK_MONOTONIC in seconds, for log lines that scripts compare with
 * /proc/uptime (the lab's teardown figure).
 */
double log_monotonic_seconds(void);
/* CLOCK_MONOTONIC in nanoseconds, for the figures the devices keep. */
uint64_t log_monotonic_ns(void);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define pr_err(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define pr_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define pr_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
