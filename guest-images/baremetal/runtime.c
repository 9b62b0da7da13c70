// SPDX-License-Identifier: GPL-2.0
/*
 * The runtime's C core: boot, SMCCC (Arm DEN0028) and PSCI (Arm DEN0022)
 * calls, the pass/fail ABI of vmm/exit-codes.h, and secondary CPUs.
 */
#include "rt-internal.h"

#include "vmm/exit-codes.h"

const u32 rt_reset2_guest_failure = LKVM_RESET2_GUEST_FAILURE;

u64 rt_boot_args[4];
bool rt_smp_active;

/* ---- SMCCC ---- */

enum smccc_conduit rt_smccc_conduit(void)
{
	return rt_current_el() == 2 ? SMCCC_CONDUIT_SMC : SMCCC_CONDUIT_HVC;
}

/*
 * SMCCC 1.0 lets the callee clobber x4-x17; later versions preserve them.
 * Assume the worst: lkvm is the callee under test.
 */
struct smccc_res rt_smccc_call_via(enum smccc_conduit conduit, u32 fid, u64 a1,
				   u64 a2, u64 a3, u64 a4, u64 a5, u64 a6,
				   u64 a7)
{
	register u64 x0 asm("x0") = fid;
	register u64 x1 asm("x1") = a1;
	register u64 x2 asm("x2") = a2;
	register u64 x3 asm("x3") = a3;
	register u64 x4 asm("x4") = a4;
	register u64 x5 asm("x5") = a5;
	register u64 x6 asm("x6") = a6;
	register u64 x7 asm("x7") = a7;

	if (conduit == SMCCC_CONDUIT_SMC)
		asm volatile("smc #0"
			     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4),
			       "+r"(x5), "+r"(x6), "+r"(x7)
			     :
			     : "x8", "x9", "x10", "x11", "x12", "x13", "x14",
			       "x15", "x16", "x17", "memory");
	else
		asm volatile("hvc #0"
			     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4),
			       "+r"(x5), "+r"(x6), "+r"(x7)
			     :
			     : "x8", "x9", "x10", "x11", "x12", "x13", "x14",
			       "x15", "x16", "x17", "memory");

	return (struct smccc_res){ .x0 = x0, .x1 = x1, .x2 = x2, .x3 = x3 };
}

struct smccc_res rt_smccc_call7(u32 fid, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5,
				u64 a6, u64 a7)
{
	return rt_smccc_call_via(rt_smccc_conduit(), fid, a1, a2, a3, a4, a5,
				 a6, a7);
}

struct smccc_res rt_smccc_call(u32 fid, u64 a1, u64 a2, u64 a3)
{
	return rt_smccc_call7(fid, a1, a2, a3, 0, 0, 0, 0);
}

/* ---- PSCI ---- */

/* PSCI returns an int32 (DEN0022 5.2.2), sign-extended by SMC64 callees. */
static int rt_psci_call(u32 fid, u64 a1, u64 a2, u64 a3)
{
	return (int)rt_smccc_call(fid, a1, a2, a3).x0;
}

u32 rt_psci_version(void)
{
	return (u32)rt_smccc_call(RT_PSCI_FN_PSCI_VERSION, 0, 0, 0).x0;
}

int rt_psci_features(u32 fid)
{
	return rt_psci_call(RT_PSCI_FN_PSCI_FEATURES, fid, 0, 0);
}

int rt_psci_cpu_on(u64 target_mpidr, u64 entry, u64 context_id)
{
	return rt_psci_call(RT_PSCI_FN64_CPU_ON, target_mpidr, entry,
			    context_id);
}

int rt_psci_cpu_off(void)
{
	return rt_psci_call(RT_PSCI_FN_CPU_OFF, 0, 0, 0);
}

int rt_psci_affinity_info(u64 target_mpidr, u32 lowest_level)
{
	return rt_psci_call(RT_PSCI_FN64_AFFINITY_INFO, target_mpidr,
			    lowest_level, 0);
}

int rt_psci_system_off(void)
{
	return rt_psci_call(RT_PSCI_FN_SYSTEM_OFF, 0, 0, 0);
}

int rt_psci_system_reset(void)
{
	return rt_psci_call(RT_PSCI_FN_SYSTEM_RESET, 0, 0, 0);
}

int rt_psci_system_reset2(u32 reset_type, u64 cookie)
{
	return rt_psci_call(RT_PSCI_FN64_SYSTEM_RESET2, reset_type, cookie, 0);
}

/* ---- pass and fail ---- */

static void __noreturn halt(void)
{
	rt_local_daif_save();
	for (;;)
		rt_wfi();
}

void rt_test_fail(int code)
{
	int ret;

	if (code < 1 || code > 0xffff) {
		rt_printf(
			"rt_test_fail: code %d is outside 1..65535, failing with %#x\n",
			code, RT_FAIL_BAD_CODE);
		code = RT_FAIL_BAD_CODE;
	}
	ret = rt_psci_system_reset2(LKVM_RESET2_GUEST_FAILURE | (u32)code, 0);
	/* Still never a pass: a plain reset makes lkvm exit 2. */
	rt_printf(
		"rt_test_fail: PSCI SYSTEM_RESET2 returned %d, trying SYSTEM_RESET\n",
		ret);
	ret = rt_psci_system_reset();
	rt_printf("rt_test_fail: PSCI SYSTEM_RESET returned %d, halting\n",
		  ret);
	halt();
}

void rt_test_pass(void)
{
	int ret = rt_psci_system_off();

	rt_printf("rt_test_pass: PSCI SYSTEM_OFF returned %d\n", ret);
	rt_test_fail(RT_FAIL_SYSTEM_OFF);
}

/* ---- boot ---- */

enum rt_cpu_state {
	RT_CPU_OFF,
	RT_CPU_STARTING, /* CPU_ON called, not yet in rt_secondary_main() */
	RT_CPU_RUNNING,
};

/*
 * What rt_cpu_on() hands to the started CPU; state changes with
 * acquire/release.
 */
struct rt_cpu {
	u64 mpidr; /* affinity fields of the requested PE */
	cpu_fn_t fn;
	void *arg;
	u32 state;
};

static struct rt_cpu rt_cpus[RT_MAX_CPUS];

void rt_boot(void *dtb, u64 mpidr, u64 load_address, u64 link_address)
{
	int ret;

	/*
	 * The image is position-dependent. PC-relative code such as this
	 * still works when moved by whole pages, so it can tell.
	 */
	if (load_address != link_address) {
		rt_printf(
			"baremetal: running at %#llx, linked at %#llx: the image was loaded at the wrong address\n",
			load_address, link_address);
		rt_test_fail(RT_FAIL_LOAD_ADDRESS);
	}

	rt_cpus[0].mpidr = mpidr & MPIDR_HWID_MASK;
	rt_cpus[0].state = RT_CPU_RUNNING;

	ret = main(dtb);
	if (!ret)
		rt_test_pass();
	rt_test_fail(ret);
}

/* ---- secondary CPUs ---- */

unsigned int rt_smp_processor_id(void)
{
	if (rt_current_el() == 2)
		return (unsigned int)read_sysreg(tpidr_el2);
	return (unsigned int)read_sysreg(tpidr_el1);
}

/*
 * No exclusives here (see spinlock_t): rt_cpu_on() runs on one CPU at a time,
 * and each state has a single writer at any moment.
 */
int rt_cpu_on(unsigned int cpu, u64 target_mpidr, cpu_fn_t fn, void *arg)
{
	struct rt_cpu *c;
	int ret;

	if (cpu == 0 || cpu >= RT_MAX_CPUS || !fn)
		return RT_PSCI_RET_INVALID_PARAMS;
	c = &rt_cpus[cpu];
	if (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) != RT_CPU_OFF)
		return RT_PSCI_RET_ALREADY_ON;

	c->mpidr = target_mpidr & MPIDR_HWID_MASK;
	c->fn = fn;
	c->arg = arg;
	__atomic_store_n(&c->state, RT_CPU_STARTING, __ATOMIC_RELEASE);
	WRITE_ONCE(rt_smp_active, true);
	/* The new CPU reads all this with its MMU off, from memory. */
	dsb(sy);

	ret = rt_psci_cpu_on(target_mpidr, (unsigned long)rt_secondary_entry,
			     cpu);
	if (ret != RT_PSCI_RET_SUCCESS) {
		c->fn = NULL;
		__atomic_store_n(&c->state, RT_CPU_OFF, __ATOMIC_RELEASE);
	}
	return ret;
}

void rt_cpu_wait_off(unsigned int cpu)
{
	struct rt_cpu *c;
	int ret;

	if (cpu == 0 || cpu >= RT_MAX_CPUS)
		return;
	c = &rt_cpus[cpu];
	/* Never started: nothing to wait for (and mpidr means nothing). */
	if (!READ_ONCE(c->fn))
		return;

	while (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) != RT_CPU_OFF)
		rt_cpu_relax();
	/*
	 * It has left fn but may not have reached CPU_OFF yet; until PSCI
	 * sees it off, CPU_ON would say ALREADY_ON. An error (e.g. no
	 * AFFINITY_INFO) ends the wait too.
	 */
	do {
		ret = rt_psci_affinity_info(c->mpidr, 0);
		rt_cpu_relax();
	} while (ret == RT_PSCI_AFFINITY_ON ||
		 ret == RT_PSCI_AFFINITY_ON_PENDING);
}

void rt_secondary_main(unsigned int cpu)
{
	struct rt_cpu *c = &rt_cpus[cpu];
	u64 mpidr = read_sysreg(mpidr_el1) & MPIDR_HWID_MASK;
	u32 state = __atomic_load_n(&c->state, __ATOMIC_ACQUIRE);
	int ret;

	/* PSCI started the PE rt_cpu_on() asked for, for this slot? */
	if (state != RT_CPU_STARTING || mpidr != c->mpidr) {
		rt_printf(
			"cpu%u: woke up as MPIDR %#llx in state %u; rt_cpu_on() asked for %#llx\n",
			cpu, mpidr, state, c->mpidr);
		rt_test_fail(RT_FAIL_SECONDARY);
	}
	__atomic_store_n(&c->state, RT_CPU_RUNNING, __ATOMIC_RELEASE);

	c->fn(c->arg);

	/* From here on this CPU touches only its own stack. */
	__atomic_store_n(&c->state, RT_CPU_OFF, __ATOMIC_RELEASE);
	ret = rt_psci_cpu_off();
	rt_printf("cpu%u: PSCI CPU_OFF returned %d\n", cpu, ret);
	rt_test_fail(RT_FAIL_CPU_OFF);
}
