// SPDX-License-Identifier: GPL-2.0
/*
 * Secondary CPUs through rt_cpu_on(): every vCPU lkvm has (tried with KVM's
 * default MPIDRs until CPU_ON says INVALID_PARAMETERS) runs a function on
 * its own stack at the boot CPU's EL, takes a spinlock against the others,
 * and turns itself off; then CPU 1 is started a second time. Passes with
 * any number of vCPUs and prints "SMP: PASS with N CPUs".
 */
#include "runtime.h"

#define ROUNDS 100
#define TIMEOUT_SECONDS 60

static spinlock_t lock = SPINLOCK_INIT;
static u32 counter; /* under lock */
static atomic_t done;
static u64 seen_mpidr[RT_MAX_CPUS];
static unsigned int seen_el[RT_MAX_CPUS];

static void count(void)
{
	unsigned int i;

	for (i = 0; i < ROUNDS; i++) {
		rt_spin_lock(&lock);
		WRITE_ONCE(counter, READ_ONCE(counter) + 1);
		rt_spin_unlock(&lock);
	}
}

static void secondary(void *arg)
{
	unsigned int cpu = rt_smp_processor_id();

	(void)arg;
	seen_mpidr[cpu] = read_sysreg(mpidr_el1) & MPIDR_HWID_MASK;
	seen_el[cpu] = rt_current_el();
	count();
	rt_printf("SMP: cpu%u up, MPIDR %#llx, EL%u\n", cpu, seen_mpidr[cpu],
		  seen_el[cpu]);
	rt_atomic_inc(&done);
}

/* Waits for done to reach n, on the virtual counter. */
static bool wait_done(int n)
{
	u64 freq = read_sysreg(cntfrq_el0);
	u64 start = read_sysreg(cntvct_el0);

	if (!freq)
		freq = 1000000000;
	while (rt_atomic_read(&done) < n) {
		if (read_sysreg(cntvct_el0) - start > TIMEOUT_SECONDS * freq)
			return false;
		rt_cpu_relax();
	}
	return true;
}

int main(void *dtb)
{
	unsigned int n, cpu;
	int ret;

	(void)dtb;
	for (n = 1; n < RT_MAX_CPUS; n++) {
		ret = rt_cpu_on(n, rt_kvm_vcpu_mpidr(n), secondary, NULL);
		if (ret == RT_PSCI_RET_INVALID_PARAMS)
			break;
		if (ret != RT_PSCI_RET_SUCCESS) {
			rt_printf("SMP: FAIL CPU_ON for cpu%u returned %d\n", n,
				  ret);
			return 1;
		}
	}
	count();
	if (!wait_done(n - 1)) {
		rt_printf("SMP: FAIL only %d of %u secondaries ran\n",
			  rt_atomic_read(&done), n - 1);
		return 2;
	}
	for (cpu = 1; cpu < n; cpu++) {
		rt_cpu_wait_off(cpu);
		if (seen_mpidr[cpu] != rt_kvm_vcpu_mpidr(cpu) ||
		    seen_el[cpu] != rt_current_el()) {
			rt_printf(
				"SMP: FAIL cpu%u ran as MPIDR %#llx at EL%u\n",
				cpu, seen_mpidr[cpu], seen_el[cpu]);
			return 3;
		}
	}
	if (READ_ONCE(counter) != n * ROUNDS) {
		rt_printf("SMP: FAIL counter %u, expected %u\n", counter,
			  n * ROUNDS);
		return 4;
	}

	/* A CPU that turned itself off can be started again. */
	if (n > 1) {
		ret = rt_cpu_on(1, rt_kvm_vcpu_mpidr(1), secondary, NULL);
		if (ret != RT_PSCI_RET_SUCCESS || !wait_done(n)) {
			rt_printf(
				"SMP: FAIL restarting cpu1: CPU_ON returned %d\n",
				ret);
			return 5;
		}
		rt_cpu_wait_off(1);
	}

	rt_printf("SMP: PASS with %u CPUs\n", n);
	return 0;
}
