// SPDX-License-Identifier: GPL-2.0
/*
 * A guest that keeps running, for the control socket's scenarios: it
 * prints "TICK <n> <ms>" every 100 ms of the generic timer (n counts the
 * ticks, ms is the virtual counter in milliseconds) for at most 120 s,
 * then "TICKER: DONE" and powers off. The lab pauses, resumes, stops and
 * lists it, and checks that its clock and console go on afterwards.
 */
#include "runtime.h"

#define TICK_MS 100
#define LIFE_MS 120000

static u64 now_ms(u64 freq)
{
	isb();
	return read_sysreg(cntvct_el0) / (freq / 1000);
}

int main(void *dtb)
{
	u64 freq = read_sysreg(cntfrq_el0);
	u64 start, next;
	unsigned int n = 0;

	(void)dtb;
	if (freq < 1000) {
		rt_printf("TICKER: FAIL CNTFRQ_EL0 is %llu\n", freq);
		return 1;
	}
	start = now_ms(freq);
	next = start + TICK_MS;
	rt_printf("TICKER: READY at EL%u\n", rt_current_el());
	while (next - start <= LIFE_MS) {
		u64 t = now_ms(freq);

		if (t < next) {
			rt_cpu_relax();
			continue;
		}
		rt_printf("TICK %u %llu\n", ++n, t);
		next += TICK_MS;
		/* After a pause, tick on from now rather than catching up. */
		if (next < t)
			next = t + TICK_MS;
	}
	rt_printf("TICKER: DONE after %u ticks\n", n);
	return 0;
}
