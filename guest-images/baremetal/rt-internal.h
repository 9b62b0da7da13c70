/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the runtime's own files share and tests must not use.
 */
#ifndef BAREMETAL_RT_INTERNAL_H
#define BAREMETAL_RT_INTERNAL_H

#include "runtime.h"

/* Called from start.S and vectors.S. */
void rt_boot(void *dtb, u64 mpidr, u64 load_address,
	     u64 link_address) __noreturn;
void rt_secondary_main(unsigned int cpu) __noreturn;
void rt_exception(unsigned int vector, struct exception_frame *frame);
void rt_fail_early(u32 code) __noreturn;

/* start.S: the PSCI CPU_ON entry point. */
extern char rt_secondary_entry[];

/* Read by rt_fail_early, which cannot include vmm/exit-codes.h. */
extern const u32 rt_reset2_guest_failure;

/*
 * Set once rt_cpu_on() has started a CPU: until then nothing needs a lock,
 * and the runtime keeps off the exclusives (see spinlock_t).
 */
extern bool rt_smp_active;

/* rt_printf without the console lock, for the unexpected-exception report. */
int rt_printf_unlocked(const char *fmt, ...) __printf(1, 2);

/* One character to the UART, '\n' as "\r\n"; no lock. */
void rt_console_putc(char c);

#endif
