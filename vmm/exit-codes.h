/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lkvm's exit status: one meaning per value, so that CI scripts can tell what
 * happened to the guest. Documented in README.md and man/lkvm.1.
 */
#ifndef LKVM_EXIT_CODES_H
#define LKVM_EXIT_CODES_H

#include <stdbool.h>

enum lkvm_exit {
	LKVM_EXIT_POWEROFF = 0, /* guest powered off (PSCI SYSTEM_OFF) */
	LKVM_EXIT_ERROR = 1, /* lkvm's own error: options, files, KVM */
	LKVM_EXIT_RESET = 2, /* guest reset (SYSTEM_RESET, SYSTEM_RESET2) */
	LKVM_EXIT_GUEST_FAILURE = 3, /* guest reported failure (see below) */
	LKVM_EXIT_PANIC = 4, /* guest panicked (pvpanic, or its console) */
	LKVM_EXIT_TIMEOUT = 5, /* --timeout expired */
	LKVM_EXIT_STOPPED = 6, /* stopped from outside: lkvm stop, Ctrl-A x */
	/*
	 * The guest panicked, its crash (kdump) kernel took over, and that
	 * kernel then powered off or reset: the dump's run, told apart from a
	 * clean poweroff (0) and from a panic nothing handled (4).
	 */
	LKVM_EXIT_CRASH_KERNEL = 7,
};

/*
 * A guest reports failure with PSCI SYSTEM_RESET2 and a vendor-specific
 * reset type (bit 31 set, PSCI DEN0022 5.16): reset_type = this base | code.
 * lkvm prints the code and exits with LKVM_EXIT_GUEST_FAILURE. The bare-metal
 * test runtime uses it to fail a test.
 */
#define LKVM_RESET2_GUEST_FAILURE 0x80000000U

/*
 * Whether an outcome is the user's stop (lkvm stop, Ctrl-A x, --timeout, a
 * signal) rather than something the guest or lkvm itself did: with
 * --reboot=restart, such a stop that comes after the guest's reset, while
 * the old VM still winds down, still ends the run instead of being lost to
 * the restart.
 */
static inline bool lkvm_exit_is_user_stop(int code)
{
	return code == LKVM_EXIT_STOPPED || code == LKVM_EXIT_TIMEOUT ||
	       code > 128;
}

/*
 * The run's exit status from how its guest ended (code) and whether a
 * crash kernel had taken over a panic first: that kernel powering off or
 * resetting ends a crash's run (7), whatever else it ends with keeps its
 * meaning (its own panic 4, --timeout 5, a stop 6, ...).
 */
static inline int lkvm_exit_after_crash(int code, bool crash_kernel)
{
	if (crash_kernel &&
	    (code == LKVM_EXIT_POWEROFF || code == LKVM_EXIT_RESET))
		return LKVM_EXIT_CRASH_KERNEL;
	return code;
}

#endif
