// SPDX-License-Identifier: GPL-2.0
/*
 * Fails on purpose with code 42, by returning it from main(): proves the
 * failure path (PSCI SYSTEM_RESET2, lkvm exits 3 and reports code 42).
 */
#include "runtime.h"

int main(void *dtb)
{
	(void)dtb;
	rt_puts("FAIL-GUEST: failing on purpose");
	return 42;
}
