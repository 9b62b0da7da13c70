// SPDX-License-Identifier: GPL-2.0
/*
 * The latency of an SDEI event raised from the host: vCPU 0 registers the
 * private platform event 100 (lkvm run --sdei-event 100), unmasks, prints
 * "LATENCY: READY <n>" and spins; the lab's sig-latency tool then signals
 * it n times through the control socket. The handler stores the virtual
 * counter at each entry; after n runs the guest prints them,
 * "LAT <i> <counter>", and "LATENCY: DONE <CNTFRQ>", for the scenario to
 * set against the host's times of each request (lkvm logs the offset
 * between its counter and the guest's).
 */
#define SDEI_TEST "LATENCY"
#include "sdei-guest.h"

#define ROUNDS 200
#define EVENT 100
#define WAIT_MS 120000

static volatile u64 count;
static u64 entry[ROUNDS];

void latency_handler(u64 event, u64 arg, u64 pc, u64 pstate);
SDEI_HANDLER_ENTRY(latency_entry, latency_handler);

__attribute__((target("general-regs-only"))) void
latency_handler(u64 event, u64 arg, u64 pc, u64 pstate)
{
	u64 now;

	(void)event;
	(void)arg;
	(void)pc;
	(void)pstate;
	isb();
	now = read_sysreg(cntvct_el0);
	if (count < ROUNDS)
		entry[count] = now;
	count = count + 1;
	dsb(sy);
}

void sdei_complete_returned(u64 ret)
{
	fail(2, "EVENT_COMPLETE in the handler returned %lld", (s64)ret);
}

int main(void *dtb)
{
	(void)dtb;
	sdei_catch_exceptions();
	if (sdei_guest_call(SDEI_PRIVATE_RESET, 0, 0) ||
	    sdei_guest_call(SDEI_SHARED_RESET, 0, 0) ||
	    rt_smccc_call7(SDEI_EVENT_REGISTER, EVENT, (u64)latency_entry, 0, 0,
			   0, 0, 0)
		    .x0 ||
	    sdei_guest_call(SDEI_EVENT_ENABLE, EVENT, 0) ||
	    sdei_guest_call(SDEI_PE_UNMASK, 0, 0))
		fail(1, "setting up event %d failed", EVENT);
	rt_printf("LATENCY: READY %d\n", ROUNDS);
	if (!sdei_wait_reach(&count, ROUNDS, WAIT_MS))
		fail(3, "%llu of %d events arrived", count, ROUNDS);
	for (unsigned int i = 0; i < ROUNDS; i++)
		rt_printf("LAT %u %llu\n", i, entry[i]);
	rt_printf("LATENCY: DONE %llu\n", read_sysreg(cntfrq_el0));
	return 0;
}
