// SPDX-License-Identifier: GPL-2.0
/*
 * SDEI (Arm DEN0054 v1.1) across two vCPUs, as lkvm emulates it, through
 * the guest's own calls (HVC at EL1, SMC at EL2 with --nested). Run with
 * lkvm -c 2. cpu0 is main(), cpu1 runs cpu1_first() and later
 * cpu1_second() through rt_cpu_on(); the two follow a script, each waiting
 * (boundedly) for the other's stage.
 *
 *  1. The Linux probe: VERSION (1.1), PRIVATE_RESET on cpu0, rt_cpu_on(cpu1),
 *     PRIVATE_RESET on cpu1, SHARED_RESET. Each CPU registers its own
 *     private event 0 with sdei_smp_entry and its own argument, enables
 *     it and PE_UNMASKs.
 *  2. EVENT_SIGNAL(0, cpu1) from cpu0 runs the handler on cpu1 (MPIDR,
 *     CPU index, x0 = 0, x1 = cpu1's argument), not on cpu0, within 1 s;
 *     EVENT_SIGNAL(0, cpu0) from cpu1 likewise runs it on cpu0 only.
 *  3. cpu1 disables event 0; EVENT_SIGNAL(0, cpu1) from cpu0 succeeds
 *     but nothing runs for 200 ms; cpu1's EVENT_ENABLE returns 0 and the
 *     handler ran at that call's completion (x2 = the PC after its
 *     HVC/SMC).
 *  4. cpu1 returns from cpu1_first(): the runtime calls PSCI CPU_OFF;
 *     cpu0 waits for AFFINITY_INFO OFF and CPU_ONs it again. On cpu1
 *     EVENT_STATUS(0) is 0 (CPU_ON wiped the private registration); it
 *     registers (a new argument) and enables again but does not unmask: a
 *     signal from cpu0 is not delivered for 200 ms (CPU_ON left the PE
 *     masked), nor after cpu1's PE_UNMASK (a masked PE drops event 0's
 *     signal, as Trusted Firmware-A does); cpu1's signal to itself then
 *     runs at that call's completion, with the new argument. cpu0's own
 *     event 0 stays registered and enabled throughout.
 *  5. EVENT_SIGNAL to an MPIDR that is no vCPU, and of events other than
 *     0: INVALID_PARAMETERS. At the end each handler ran exactly as often
 *     as the test delivered to it.
 *
 * Prints "SDEI-SMP: PASS <n> checks", or "SDEI-SMP: FAIL <what>" and fails
 * with one of the codes of enum sdei_smp_fail (from either CPU). Every
 * wait is bounded on the generic timer; an unexpected exception prints a
 * FAIL line and fails through the runtime (0xe000 + vector).
 */
#define SDEI_TEST "SDEI-SMP"
#define SDEI_TEST_SMP_CHECKS
#include "sdei-guest.h"

/* The registered arguments: x1 in the handler. */
#define ARG_CPU0 0x5d1e5a0000000a00ULL
#define ARG_CPU1 0x5d1e5a0000000a01ULL
#define ARG_CPU1_AGAIN 0x5d1e5a0000000b01ULL /* after CPU_OFF / CPU_ON */

/* MPIDRs that are no vCPU: KVM's default Aff0 is below 16. */
#define BAD_MPIDR_AFF0 0xffULL
#define BAD_MPIDR_AFF3 (0xffULL << 32)

#define DELIVERY_MS 1000 /* a signal must be handled within this */
#define QUIET_MS 200 /* ... and must not be, while masked, for this long */
#define STAGE_MS 5000 /* one CPU waiting for the other's next stage */

enum sdei_smp_fail {
	SMP_F_VERSION_CALL = 1, /* VERSION returned an error: no SDEI */
	SMP_F_VERSION = 2, /* not 1.1 or later 1.x */
	SMP_F_PRIVATE_RESET0 = 3,
	SMP_F_PRIVATE_RESET1 = 4,
	SMP_F_SHARED_RESET = 5,
	SMP_F_CPU_ON = 6, /* rt_cpu_on(1) failed: run with -c 2 */
	SMP_F_STATUS_FRESH0 = 7, /* EVENT_STATUS(0) on cpu0 after the resets */
	SMP_F_STATUS_FRESH1 = 8,
	SMP_F_REGISTER0 = 9,
	SMP_F_REGISTER1 = 10,
	SMP_F_ENABLE0 = 11,
	SMP_F_ENABLE1 = 12,
	SMP_F_UNMASK0 = 13, /* PE_UNMASK on cpu0 did not return 0 */
	SMP_F_UNMASK1 = 14, /* PE_UNMASK on cpu1 did not return 0 */
	SMP_F_SPURIOUS = 15, /* a handler ran with nothing signalled */
	SMP_F_COMPLETE_RETURNED = 16, /* EVENT_COMPLETE in the handler */
	/* 2. cross-CPU signals */
	SMP_F_SIGNAL_0TO1 = 20, /* EVENT_SIGNAL(0, cpu1) did not succeed */
	SMP_F_NOT_DELIVERED_1 = 21, /* cpu1's handler did not run in 1 s */
	SMP_F_WRONG_CPU_1 = 22, /* signal to cpu1 ran the handler on cpu0 */
	SMP_F_HANDLER_1 = 23, /* cpu1's handler: event, arg or MPIDR wrong */
	SMP_F_SIGNAL_1TO0 = 24, /* EVENT_SIGNAL(0, cpu0) from cpu1 */
	SMP_F_NOT_DELIVERED_0 = 25, /* cpu0's handler did not run in 1 s */
	SMP_F_WRONG_CPU_0 = 26, /* signal to cpu0 ran the handler on cpu1 */
	SMP_F_HANDLER_0 = 27, /* cpu0's handler: event, arg or MPIDR wrong */
	/* 3. cpu1 masked */
	SMP_F_PE_MASK1 = 30, /* EVENT_DISABLE(0) on cpu1 failed */
	SMP_F_SIGNAL_MASKED = 31, /* EVENT_SIGNAL(0, cpu1, disabled) failed */
	SMP_F_RAN_MASKED = 32, /* the handler ran while cpu1 had it off */
	SMP_F_UNMASK_LATE = 33, /* ran, but after PE_UNMASK had returned */
	SMP_F_UNMASK_NOT_DELIVERED = 34, /* did not run within 1 s */
	SMP_F_UNMASK_PC = 35, /* x2 is not the PC after PE_UNMASK's call */
	SMP_F_UNMASK_HANDLER = 36, /* event, arg or MPIDR wrong */
	SMP_F_UNMASK_EXTRA = 37, /* ran more than once, or on cpu0 */
	SMP_F_UNMASK_PENDING = 38, /* that PE_UNMASK did not return 0 */
	/* 4. CPU_OFF / CPU_ON */
	SMP_F_CPU_OFF = 40, /* cpu1 not OFF (AFFINITY_INFO) within 1 s */
	SMP_F_CPU_ON_AGAIN = 41, /* rt_cpu_on(1) the second time */
	SMP_F_STATUS_AFTER_ON = 42, /* EVENT_STATUS(0) on cpu1 is not 0 */
	SMP_F_REREGISTER1 = 43,
	SMP_F_REENABLE1 = 44,
	SMP_F_RESTATUS1 = 45, /* not registered|enabled after that */
	SMP_F_SIGNAL_AFTER_ON = 46,
	SMP_F_RAN_AFTER_ON = 47, /* delivered before cpu1's PE_UNMASK */
	SMP_F_REUNMASK1 = 48, /* that PE_UNMASK did not return 0 */
	SMP_F_REUNMASK_LATE = 49,
	SMP_F_REUNMASK_NOT_DELIVERED = 50,
	SMP_F_REUNMASK_PC = 51,
	SMP_F_REUNMASK_HANDLER = 52, /* event, old arg or MPIDR wrong */
	SMP_F_STATUS_CPU0 = 53, /* cpu0's event 0 changed by cpu1's OFF/ON */
	SMP_F_CPU_OFF_AGAIN = 54,
	/* 5. errors */
	SMP_F_BAD_TARGET_AFF0 = 60,
	SMP_F_BAD_TARGET_AFF3 = 61,
	SMP_F_BAD_EVENT_1 = 62,
	SMP_F_BAD_EVENT_BIG = 63,
	SMP_F_FINAL_COUNT = 64, /* handler runs at the end differ */
	/* A CPU waited in vain for the other: base + the stage it wanted. */
	SMP_F_WAIT_CPU1 = 80, /* 81..87: cpu0 waiting for cpu1 */
	SMP_F_WAIT_CPU0 = 90, /* 91..96: cpu1 waiting for cpu0 */
};

/* ---- the handler's entry (sdei-guest.h) ---- */

void sdei_smp_handler(u64 event, u64 arg, u64 pc, u64 pstate);
SDEI_HANDLER_ENTRY(sdei_smp_entry, sdei_smp_handler);

/* ---- state shared by the CPUs ---- */

/* What the handler saw, per CPU index (0, 1); count last. */
static volatile u64 h_count[2], h_event[2], h_arg[2], h_pc[2], h_mpidr[2];
static volatile u64 h_stray; /* handler runs on another CPU index */

static volatile u64 mpidr0, mpidr1;
/* Script stages: each CPU writes its own, waits for the other's. */
static volatile u64 stage0, stage1;

/* ---- the handler (C part) ---- */

/*
 * Runs on the interrupted SP with DAIF masked, on whichever CPU the event
 * was delivered to. Uses no FP/SIMD register and takes no lock (the
 * interrupted code may hold the console's).
 */
__attribute__((target("general-regs-only"))) void
sdei_smp_handler(u64 event, u64 arg, u64 pc, u64 pstate)
{
	(void)pstate;
	unsigned int cpu = rt_smp_processor_id();

	if (cpu >= 2) {
		h_stray = h_stray + 1;
		return;
	}
	h_event[cpu] = event;
	h_arg[cpu] = arg;
	h_pc[cpu] = pc;
	h_mpidr[cpu] = read_sysreg(mpidr_el1) & MPIDR_HWID_MASK;
	smp_wmb();
	h_count[cpu] = h_count[cpu] + 1;
	dsb(sy);
}

/* ---- helpers ---- */

void sdei_complete_returned(u64 ret)
{
	fail(SMP_F_COMPLETE_RETURNED,
	     "EVENT_COMPLETE in the handler returned %lld", (s64)ret);
}

static u64 sdei_register(u64 arg)
{
	/* x4 = 0: RM_ANY, ignored for a private event. */
	return rt_smccc_call7(SDEI_EVENT_REGISTER, 0, (u64)sdei_smp_entry, arg,
			      0, 0, 0, 0)
		.x0;
}

static void set_stage(volatile u64 *stage, u64 n)
{
	smp_mb();
	*stage = n;
	dsb(sy);
}

/* This CPU waits for the other to reach stage n. */
static void wait_stage(unsigned int n)
{
	bool cpu0 = rt_smp_processor_id() == 0;

	if (!sdei_wait_reach(cpu0 ? &stage1 : &stage0, n, STAGE_MS))
		fail((cpu0 ? SMP_F_WAIT_CPU1 : SMP_F_WAIT_CPU0) + n,
		     "cpu%u did not reach stage %u within %u ms (at %llu)",
		     cpu0 ? 1 : 0, n, STAGE_MS, cpu0 ? stage1 : stage0);
	smp_mb();
}

/* The PC after sdei_guest_call's HVC or SMC: x2 of a handler entered there. */
static u64 call_return_pc(void)
{
	return sdei_guest_call_ret_pc();
}

/* The handler ran on cpu with this argument, as that CPU, for event 0. */
static void check_handler(unsigned int cpu, u64 arg, u64 mpidr, int code,
			  const char *what)
{
	smp_rmb();
	if (h_event[cpu] != 0 || h_arg[cpu] != arg || h_mpidr[cpu] != mpidr)
		fail(code,
		     "%s: handler on cpu%u saw event %llu, x1 %#llx, MPIDR %#llx; want 0, %#llx, %#llx",
		     what, cpu, h_event[cpu], h_arg[cpu], h_mpidr[cpu], arg,
		     mpidr);
	count_check();
}

/*
 * On cpu1, right after a PE_UNMASK that must have delivered the pending
 * event 0: the handler ran once more (count want), during that call.
 */
static void check_unmask_delivery(u64 ret, u64 count, u64 want, u64 arg,
				  int code_ret, int code_late, int code_missing,
				  int code_pc, int code_handler,
				  const char *what)
{
	expect(ret, SDEI_SUCCESS, code_ret, what);
	if (count < want) {
		if (sdei_wait_reach(&h_count[1], want, DELIVERY_MS))
			fail(code_late,
			     "%s: the handler ran, but only after the call had returned",
			     what);
		fail(code_missing,
		     "%s: the pending signal was not delivered within %u ms",
		     what, DELIVERY_MS);
	}
	if (count != want || h_count[0] != 1)
		fail(SMP_F_UNMASK_EXTRA,
		     "%s: handler runs cpu0 %llu, cpu1 %llu; want 1, %llu",
		     what, h_count[0], count, want);
	count_check();
	if (h_pc[1] != call_return_pc())
		fail(code_pc,
		     "%s: handler x2 = %#llx, not the PC after the call, %#llx",
		     what, h_pc[1], call_return_pc());
	count_check();
	check_handler(1, arg, mpidr1, code_handler, what);
}

/* Bounded: cpu1 has called CPU_OFF and PSCI reports it off. */
static void wait_cpu1_off(int code)
{
	u64 freq = read_sysreg(cntfrq_el0);
	u64 span = freq / 1000 * DELIVERY_MS;
	u64 start = read_sysreg(cntvct_el0);
	u64 spins;
	int ret = RT_PSCI_AFFINITY_ON;

	for (spins = 0; spins < (u64)DELIVERY_MS * 1000; spins++) {
		ret = rt_psci_affinity_info(mpidr1, 0);
		if (ret == RT_PSCI_AFFINITY_OFF)
			break;
		if (freq && read_sysreg(cntvct_el0) - start > span)
			break;
		rt_cpu_relax();
	}
	if (ret != RT_PSCI_AFFINITY_OFF)
		fail(code, "AFFINITY_INFO(cpu1) is %d, not OFF, after CPU_OFF",
		     ret);
	count_check();
	/* The runtime's slot is free by now: this returns at once. */
	rt_cpu_wait_off(1);
}

/* ---- cpu1 ---- */

/* cpu1's first life: steps 1 to 3, then CPU_OFF (by the runtime). */
static void cpu1_first(void *unused)
{
	u64 r, count;

	(void)unused;
	mpidr1 = read_sysreg(mpidr_el1) & MPIDR_HWID_MASK;
	/* 1. Linux's probe runs PRIVATE_RESET on every CPU. */
	expect(sdei(SDEI_PRIVATE_RESET, 0, 0), SDEI_SUCCESS,
	       SMP_F_PRIVATE_RESET1, "PRIVATE_RESET on cpu1");
	set_stage(&stage1, 1);

	wait_stage(1); /* cpu0 ran SHARED_RESET and registered */
	expect(sdei(SDEI_EVENT_STATUS, 0, 0), 0, SMP_F_STATUS_FRESH1,
	       "EVENT_STATUS(0) on cpu1 before REGISTER");
	expect(sdei_register(ARG_CPU1), SDEI_SUCCESS, SMP_F_REGISTER1,
	       "EVENT_REGISTER(0) on cpu1");
	expect(sdei(SDEI_EVENT_ENABLE, 0, 0), SDEI_SUCCESS, SMP_F_ENABLE1,
	       "EVENT_ENABLE(0) on cpu1");
	expect(sdei(SDEI_PE_UNMASK, 0, 0), SDEI_SUCCESS, SMP_F_UNMASK1,
	       "PE_UNMASK on cpu1");
	set_stage(&stage1, 2);

	/* 2. cpu0 signals cpu1 (the handler interrupts this wait). */
	wait_stage(2);
	expect(sdei(SDEI_EVENT_SIGNAL, 0, mpidr0), SDEI_SUCCESS,
	       SMP_F_SIGNAL_1TO0, "EVENT_SIGNAL(0, cpu0) from cpu1");
	set_stage(&stage1, 3);

	/* 3. Disabled: cpu0's signal waits for EVENT_ENABLE. */
	wait_stage(3);
	expect(sdei(SDEI_EVENT_DISABLE, 0, 0), SDEI_SUCCESS, SMP_F_PE_MASK1,
	       "EVENT_DISABLE(0) on cpu1");
	set_stage(&stage1, 4);

	wait_stage(4); /* cpu0 signalled, and saw nothing run */
	r = sdei(SDEI_EVENT_ENABLE, 0, 0);
	count = h_count[1];
	check_unmask_delivery(r, count, 2, ARG_CPU1, SMP_F_UNMASK_PENDING,
			      SMP_F_UNMASK_LATE, SMP_F_UNMASK_NOT_DELIVERED,
			      SMP_F_UNMASK_PC, SMP_F_UNMASK_HANDLER,
			      "EVENT_ENABLE(0) on cpu1 with a signal pending");
	set_stage(&stage1, 5);
	/* 4. Returning makes the runtime call PSCI CPU_OFF. */
}

/* cpu1 after CPU_OFF and a second CPU_ON: step 4. */
static void cpu1_second(void *unused)
{
	u64 r, count;

	(void)unused;
	expect(sdei(SDEI_EVENT_STATUS, 0, 0), 0, SMP_F_STATUS_AFTER_ON,
	       "EVENT_STATUS(0) on cpu1 after CPU_OFF/CPU_ON");
	expect(sdei_register(ARG_CPU1_AGAIN), SDEI_SUCCESS, SMP_F_REREGISTER1,
	       "EVENT_REGISTER(0) on cpu1 after CPU_ON");
	expect(sdei(SDEI_EVENT_ENABLE, 0, 0), SDEI_SUCCESS, SMP_F_REENABLE1,
	       "EVENT_ENABLE(0) on cpu1 after CPU_ON");
	expect(sdei(SDEI_EVENT_STATUS, 0, 0),
	       SDEI_STATUS_REGISTERED | SDEI_STATUS_ENABLED, SMP_F_RESTATUS1,
	       "EVENT_STATUS(0) on cpu1 after REGISTER, ENABLE");
	set_stage(&stage1, 6);

	wait_stage(6); /* cpu0 signalled, and saw nothing run */
	expect(sdei(SDEI_PE_UNMASK, 0, 0), SDEI_SUCCESS, SMP_F_REUNMASK1,
	       "PE_UNMASK on cpu1 after CPU_ON");
	/* The signal that found cpu1 masked was dropped. */
	if (sdei_wait_reach(&h_count[1], 3, QUIET_MS))
		fail(SMP_F_RAN_AFTER_ON,
		     "a signal sent while cpu1 was masked ran after its PE_UNMASK");
	count_check();
	r = sdei(SDEI_EVENT_SIGNAL, 0, mpidr1);
	count = h_count[1];
	check_unmask_delivery(r, count, 3, ARG_CPU1_AGAIN, SMP_F_REUNMASK1,
			      SMP_F_REUNMASK_LATE, SMP_F_REUNMASK_NOT_DELIVERED,
			      SMP_F_REUNMASK_PC, SMP_F_REUNMASK_HANDLER,
			      "EVENT_SIGNAL(0) of cpu1 to itself after CPU_ON");
	set_stage(&stage1, 7);
}

/* ---- cpu0: the test ---- */

/*
 * A signal to cpu1 while it cannot take it (event 0 disabled, or the PE
 * masked) succeeds and does not run.
 */
static void signal_masked_cpu1(u64 count, int code_signal, int code_ran,
			       const char *what)
{
	expect(sdei(SDEI_EVENT_SIGNAL, 0, mpidr1), SDEI_SUCCESS, code_signal,
	       what);
	if (sdei_wait_reach(&h_count[1], count + 1, QUIET_MS))
		fail(code_ran,
		     "%s: the handler ran on cpu1 while it could not take it",
		     what);
	count_check();
}

int main(void *dtb)
{
	u64 v, r;
	int ret;

	(void)dtb;
	sdei_catch_exceptions();
	mpidr0 = read_sysreg(mpidr_el1) & MPIDR_HWID_MASK;
	rt_printf("SDEI-SMP: at EL%u, conduit %s, cpu0 MPIDR %#llx\n",
		  rt_current_el(), rt_current_el() == 2 ? "SMC" : "HVC",
		  mpidr0);

	/* 1. The probe, as Linux does it, and event 0 on both CPUs. */
	v = sdei(SDEI_VERSION, 0, 0);
	if ((s64)v < 0)
		fail(SMP_F_VERSION_CALL, "VERSION returned %lld: no SDEI",
		     (s64)v);
	if (((v >> 48) & 0x7fff) != 1 || ((v >> 32) & 0xffff) < 1)
		fail(SMP_F_VERSION, "VERSION is %#llx: %llu.%llu, want 1.1+", v,
		     (v >> 48) & 0x7fff, (v >> 32) & 0xffff);
	checks++;
	expect(sdei(SDEI_PRIVATE_RESET, 0, 0), SDEI_SUCCESS,
	       SMP_F_PRIVATE_RESET0, "PRIVATE_RESET on cpu0");

	ret = rt_cpu_on(1, rt_kvm_vcpu_mpidr(1), cpu1_first, NULL);
	if (ret != RT_PSCI_RET_SUCCESS)
		fail(SMP_F_CPU_ON,
		     "rt_cpu_on(1, MPIDR %#llx) returned %d (run with -c 2)",
		     rt_kvm_vcpu_mpidr(1), ret);
	checks++;
	wait_stage(1); /* cpu1 ran PRIVATE_RESET */
	rt_printf("SDEI-SMP: cpu1 up, MPIDR %#llx\n", mpidr1);

	expect(sdei(SDEI_SHARED_RESET, 0, 0), SDEI_SUCCESS, SMP_F_SHARED_RESET,
	       "SHARED_RESET");
	expect(sdei(SDEI_EVENT_STATUS, 0, 0), 0, SMP_F_STATUS_FRESH0,
	       "EVENT_STATUS(0) on cpu0 before REGISTER");
	expect(sdei_register(ARG_CPU0), SDEI_SUCCESS, SMP_F_REGISTER0,
	       "EVENT_REGISTER(0) on cpu0");
	expect(sdei(SDEI_EVENT_ENABLE, 0, 0), SDEI_SUCCESS, SMP_F_ENABLE0,
	       "EVENT_ENABLE(0) on cpu0");
	expect(sdei(SDEI_PE_UNMASK, 0, 0), SDEI_SUCCESS, SMP_F_UNMASK0,
	       "PE_UNMASK on cpu0");
	set_stage(&stage0, 1);
	wait_stage(2); /* cpu1 registered, enabled, unmasked */
	if (h_count[0] || h_count[1] || h_stray)
		fail(SMP_F_SPURIOUS,
		     "handler runs before any signal: cpu0 %llu, cpu1 %llu, other %llu",
		     h_count[0], h_count[1], h_stray);
	checks++;

	/* 2. cpu0 -> cpu1, then cpu1 -> cpu0. */
	expect(sdei(SDEI_EVENT_SIGNAL, 0, mpidr1), SDEI_SUCCESS,
	       SMP_F_SIGNAL_0TO1, "EVENT_SIGNAL(0, cpu1) from cpu0");
	if (!sdei_wait_reach(&h_count[1], 1, DELIVERY_MS))
		fail(SMP_F_NOT_DELIVERED_1,
		     "EVENT_SIGNAL(0, cpu1): cpu1's handler did not run within %u ms (cpu0's ran %llu times)",
		     DELIVERY_MS, h_count[0]);
	checks++;
	if (h_count[0] || h_count[1] != 1)
		fail(SMP_F_WRONG_CPU_1,
		     "EVENT_SIGNAL(0, cpu1): handler runs cpu0 %llu, cpu1 %llu; want 0, 1",
		     h_count[0], h_count[1]);
	checks++;
	check_handler(1, ARG_CPU1, mpidr1, SMP_F_HANDLER_1,
		      "EVENT_SIGNAL(0, cpu1)");
	rt_printf("SDEI-SMP: cpu0 -> cpu1: handled on cpu1 (x1 %#llx)\n",
		  h_arg[1]);

	set_stage(&stage0, 2);
	if (!sdei_wait_reach(&h_count[0], 1, DELIVERY_MS))
		fail(SMP_F_NOT_DELIVERED_0,
		     "EVENT_SIGNAL(0, cpu0) from cpu1: cpu0's handler did not run within %u ms",
		     DELIVERY_MS);
	checks++;
	wait_stage(3); /* cpu1's EVENT_SIGNAL returned SUCCESS */
	if (h_count[0] != 1 || h_count[1] != 1)
		fail(SMP_F_WRONG_CPU_0,
		     "EVENT_SIGNAL(0, cpu0): handler runs cpu0 %llu, cpu1 %llu; want 1, 1",
		     h_count[0], h_count[1]);
	checks++;
	check_handler(0, ARG_CPU0, mpidr0, SMP_F_HANDLER_0,
		      "EVENT_SIGNAL(0, cpu0) from cpu1");
	rt_printf("SDEI-SMP: cpu1 -> cpu0: handled on cpu0 (x1 %#llx)\n",
		  h_arg[0]);

	/* 3. cpu1's event 0 disabled: pending until its EVENT_ENABLE. */
	set_stage(&stage0, 3);
	wait_stage(4); /* cpu1's EVENT_DISABLE returned */
	signal_masked_cpu1(1, SMP_F_SIGNAL_MASKED, SMP_F_RAN_MASKED,
			   "EVENT_SIGNAL(0, cpu1) while cpu1 has it disabled");
	set_stage(&stage0, 4);
	wait_stage(5); /* cpu1's EVENT_ENABLE delivered it */
	rt_printf(
		"SDEI-SMP: disabled on cpu1: delivered at its EVENT_ENABLE\n");

	/* 4. CPU_OFF / CPU_ON: private events wiped, PE masked. */
	wait_cpu1_off(SMP_F_CPU_OFF);
	ret = rt_cpu_on(1, mpidr1, cpu1_second, NULL);
	if (ret != RT_PSCI_RET_SUCCESS)
		fail(SMP_F_CPU_ON_AGAIN, "rt_cpu_on(1) again returned %d", ret);
	checks++;
	wait_stage(6); /* cpu1: STATUS 0, registered and enabled again */
	signal_masked_cpu1(
		2, SMP_F_SIGNAL_AFTER_ON, SMP_F_RAN_AFTER_ON,
		"EVENT_SIGNAL(0, cpu1) after CPU_ON, before PE_UNMASK");
	set_stage(&stage0, 6);
	wait_stage(7); /* dropped; cpu1's own signal ran */
	wait_cpu1_off(SMP_F_CPU_OFF_AGAIN);
	expect(sdei(SDEI_EVENT_STATUS, 0, 0),
	       SDEI_STATUS_REGISTERED | SDEI_STATUS_ENABLED, SMP_F_STATUS_CPU0,
	       "EVENT_STATUS(0) on cpu0 after cpu1's CPU_OFF/CPU_ON");
	rt_printf(
		"SDEI-SMP: CPU_OFF/CPU_ON: cpu1 came back unregistered and masked\n");

	/* 5. Errors. */
	expect(sdei(SDEI_EVENT_SIGNAL, 0, BAD_MPIDR_AFF0),
	       SDEI_INVALID_PARAMETERS, SMP_F_BAD_TARGET_AFF0,
	       "EVENT_SIGNAL(0, MPIDR 0xff)");
	expect(sdei(SDEI_EVENT_SIGNAL, 0, BAD_MPIDR_AFF3),
	       SDEI_INVALID_PARAMETERS, SMP_F_BAD_TARGET_AFF3,
	       "EVENT_SIGNAL(0, MPIDR 0xff00000000)");
	expect(sdei(SDEI_EVENT_SIGNAL, 1, mpidr0), SDEI_INVALID_PARAMETERS,
	       SMP_F_BAD_EVENT_1, "EVENT_SIGNAL(1, cpu0)");
	expect(sdei(SDEI_EVENT_SIGNAL, 12345, mpidr0), SDEI_INVALID_PARAMETERS,
	       SMP_F_BAD_EVENT_BIG, "EVENT_SIGNAL(12345, cpu0)");

	r = sdei_wait_reach(&h_count[0], 2, QUIET_MS);
	if (r || h_count[0] != 1 || h_count[1] != 3 || h_stray)
		fail(SMP_F_FINAL_COUNT,
		     "handler runs: cpu0 %llu, cpu1 %llu, other %llu; want 1, 3, 0",
		     h_count[0], h_count[1], h_stray);
	checks++;

	rt_printf("SDEI-SMP: PASS %u checks\n", checks + checks1);
	return 0;
}
