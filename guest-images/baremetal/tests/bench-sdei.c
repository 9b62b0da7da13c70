// SPDX-License-Identifier: GPL-2.0
/*
 * SDEI benchmark: prints figures, never fails on a slow one, only on a
 * functional error. Run with lkvm -c 2, at EL1 (HVC) or with --nested
 * (EL2, SMC). Time is the generic timer (CNTVCT_EL0 / CNTFRQ_EL0); each
 * measurement runs a fixed number of iterations, sized by a short
 * calibration run to take about BENCH_TARGET_MS.
 *
 *  1. Round trip of SDEI_VERSION (answered by lkvm in user space) against
 *     SMCCC_VERSION (answered by KVM in the kernel): ns per call each and
 *     their ratio; and against the plain exit to user space, a read of the
 *     UART's line status register that lkvm answers from kvm_run with no
 *     other system call (kvm-unit-tests' mmio_read_user).
 *  2. Self-signalled events on cpu0: event 0 registered, enabled, PE
 *     unmasked, then EVENT_SIGNAL(0, self) -> handler -> EVENT_COMPLETE in
 *     a loop; events per second. The handler must have run once per call.
 *  3. cpu1 (the VM's last vCPU, so that a run with many vCPUs measures
 *     lkvm's cost of them) registers, enables and unmasks its event 0 and
 *     spins on a flag;
 *     cpu0 reads the counter, signals cpu1 and waits for cpu1's handler to
 *     store the counter value it read at entry. Median and max of (entry
 *     - signal) over the rounds (the counters are synchronised across
 *     vCPUs), their mean, and the median as a multiple of the SDEI_VERSION
 *     round trip.
 *
 * Output, one figure a line, for the lab to parse:
 *
 *   BENCH: sdei_version_ns <n> ns
 *   BENCH: smccc_version_ns <n> ns
 *   BENCH: forwarded_vs_kernel_ratio <n.nn> x
 *   BENCH: mmio_read_user_ns <n> ns
 *   BENCH: sdei_version_vs_mmio_read <n.nn> x
 *   BENCH: self_signal_per_s <n> /s
 *   BENCH: vcpus <n> vcpus
 *   BENCH: cross_vcpu_median_ns <n> ns
 *   BENCH: cross_vcpu_mean_ns <n> ns
 *   BENCH: cross_vcpu_max_ns <n> ns
 *   BENCH: cross_vcpu_vs_roundtrip <n.nn> x
 *   BENCH-SDEI: DONE
 *
 * or "BENCH-SDEI: FAIL <what>" and a failure with one of the codes of
 * enum bench_fail. Every wait is bounded on the generic timer.
 */
#define SDEI_TEST "BENCH-SDEI"
#include "sdei-guest.h"
#include "arm64/layout.h"

/* SMCCC_VERSION (DEN0028): KVM answers it without exiting to lkvm. */
#define SMCCC_VERSION_FN 0x80000000u

#define ARG_CPU0 0xbe5d1e0000000a00ULL
#define ARG_CPU1 0xbe5d1e0000000a01ULL

#define BENCH_TARGET_MS 500 /* each measurement's intended length */
#define CALIB_ITERS 64 /* the calibration run */
#define MIN_ITERS 64
#define MAX_ITERS 200000
#define MAX_ROUNDS 2048 /* cross-vCPU rounds: one sample each */
#define DELIVERY_MS 1000 /* a signal must be handled within this */
#define STAGE_MS 5000 /* one CPU waiting for the other */
#define CPU1_LIFE_MS 30000 /* cpu1 gives up waiting for the end */

#define NSEC_PER_SEC 1000000000ULL

enum bench_fail {
	BENCH_F_NO_TIMER = 1, /* CNTFRQ_EL0 reads 0 */
	BENCH_F_VERSION = 2, /* SDEI_VERSION is an error or not 1.x */
	BENCH_F_SMCCC_VERSION = 3, /* SMCCC_VERSION is an error */
	BENCH_F_PRIVATE_RESET = 4,
	BENCH_F_SHARED_RESET = 5,
	BENCH_F_REGISTER0 = 6,
	BENCH_F_ENABLE0 = 7,
	BENCH_F_UNMASK0 = 8,
	BENCH_F_VERSION_LOOP = 9, /* a VERSION in the timed loop changed */
	BENCH_F_SMCCC_LOOP = 10, /* an SMCCC_VERSION in the loop changed */
	BENCH_F_SPURIOUS = 11, /* a handler ran with nothing signalled */
	BENCH_F_SELF_SIGNAL = 12, /* EVENT_SIGNAL(0, self) failed */
	BENCH_F_SELF_COUNT = 13, /* handler runs != self signals */
	BENCH_F_HANDLER = 14, /* handler saw the wrong event or argument */
	BENCH_F_COMPLETE_RETURNED = 15, /* EVENT_COMPLETE in the handler */
	BENCH_F_CPU_ON = 16, /* rt_cpu_on(1) failed: run with -c 2 */
	BENCH_F_CPU1_READY = 17, /* cpu1 did not get ready within 5 s */
	BENCH_F_REGISTER1 = 18,
	BENCH_F_ENABLE1 = 19,
	BENCH_F_UNMASK1 = 20,
	BENCH_F_CROSS_SIGNAL = 21, /* EVENT_SIGNAL(0, cpu1) failed */
	BENCH_F_CROSS_NOT_DELIVERED = 22, /* cpu1's handler: not in 1 s */
	BENCH_F_CROSS_WRONG_CPU = 23, /* cpu0's handler ran instead */
	BENCH_F_CROSS_TIME = 24, /* entry time before the signal time */
	BENCH_F_CPU1_TIMEOUT = 25, /* cpu1 was never told to stop */
	BENCH_F_CPU1_DONE = 26, /* cpu1 did not finish within 5 s */
	BENCH_F_STRAY = 27, /* a handler ran on another CPU index */
};

/* ---- the handler's entry (sdei-guest.h) ---- */

void bench_sdei_handler(u64 event, u64 arg, u64 pc, u64 pstate);
SDEI_HANDLER_ENTRY(bench_sdei_entry, bench_sdei_handler);

/* ---- state shared by the CPUs ---- */

static volatile u64 h_count[2]; /* handler runs per CPU index */
static volatile u64 h_entry[2]; /* CNTVCT at the last entry */
static volatile u64 h_bad; /* runs with a wrong event or argument */
static volatile u64 h_stray; /* runs on another CPU index */

static volatile u64 mpidr1;
static volatile u64 cpu1_ready, cpu1_stop, cpu1_done;
static volatile int cpu1_err; /* a failure code cpu1 hit, or 0 */

static u64 samples[MAX_ROUNDS];

/* ---- the handler (C part) ---- */

/* On the interrupted SP, DAIF masked: no FP, no lock, no rt_printf. */
__attribute__((target("general-regs-only"))) void
bench_sdei_handler(u64 event, u64 arg, u64 pc, u64 pstate)
{
	u64 now;

	(void)pc;
	(void)pstate;
	unsigned int cpu;

	isb();
	now = read_sysreg(cntvct_el0);
	cpu = rt_smp_processor_id();
	if (cpu >= 2) {
		h_stray = h_stray + 1;
		return;
	}
	if (event != 0 || arg != (cpu ? ARG_CPU1 : ARG_CPU0))
		h_bad = h_bad + 1;
	h_entry[cpu] = now;
	smp_wmb();
	h_count[cpu] = h_count[cpu] + 1;
	dsb(sy);
}

/* ---- helpers ---- */

void sdei_complete_returned(u64 ret)
{
	fail(BENCH_F_COMPLETE_RETURNED,
	     "EVENT_COMPLETE in the handler returned %lld", (s64)ret);
}

static void expect(u64 got, u64 want, int code, const char *what)
{
	if (got != want)
		fail(code, "%s returned %#llx (%lld), want %#llx", what, got,
		     (s64)got, want);
}

static u64 sdei_register(u64 arg)
{
	/* x4 = 0: RM_ANY, ignored for a private event. */
	return rt_smccc_call7(SDEI_EVENT_REGISTER, 0, (u64)bench_sdei_entry,
			      arg, 0, 0, 0, 0)
		.x0;
}

static u64 now(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

static u64 freq;

/* Ticks to ns without overflowing for any span the benchmark sees. */
static u64 ticks_ns(u64 t)
{
	return t / freq * NSEC_PER_SEC + t % freq * NSEC_PER_SEC / freq;
}

static u64 ms_ticks(unsigned int ms)
{
	return freq / 1000 * ms;
}

/* Whether *p reaches want within ms milliseconds. */
static bool wait_reach(const volatile u64 *p, u64 want, unsigned int ms)
{
	u64 start = now(), span = ms_ticks(ms);

	while (*p < want) {
		if (now() - start > span)
			return *p >= want;
		rt_cpu_relax();
	}
	return true;
}

/* Iterations of something that took t ticks for CALIB_ITERS of them. */
static u64 scale_iters(u64 t, u64 max)
{
	u64 n = CALIB_ITERS * ms_ticks(BENCH_TARGET_MS) / (t ? t : 1);

	if (n < MIN_ITERS)
		n = MIN_ITERS;
	return n > max ? max : n;
}

/* a / b as "q.hh" (two decimals, truncated). */
static void print_ratio(const char *name, u64 a, u64 b)
{
	u64 r = b ? a * 100 / b : 0;

	rt_printf("BENCH: %s %llu.%02llu x\n", name, r / 100, r % 100);
}

/* n calls of fid, each must return want; the ticks they took. */
static u64 time_calls(u32 fid, u64 n, u64 want, int code, const char *what)
{
	u64 i, t0, t1, r;

	t0 = now();
	for (i = 0; i < n; i++) {
		r = sdei_guest_call(fid, 0, 0);
		if (r != want)
			fail(code, "%s call %llu returned %#llx, want %#llx",
			     what, i, r, want);
	}
	t1 = now();
	return t1 - t0;
}

/* ns per call of fid, over a calibrated number of calls. */
static u64 bench_call(u32 fid, u64 want, int code, const char *what)
{
	u64 n, t;

	n = scale_iters(time_calls(fid, CALIB_ITERS, want, code, what),
			MAX_ITERS);
	t = time_calls(fid, n, want, code, what);
	rt_printf("BENCH-SDEI: %s: %llu calls in %llu ms\n", what, n,
		  ticks_ns(t) / 1000000);
	return ticks_ns(t) / n;
}

/* The UART's line status register: a read lkvm answers in user space. */
#define BENCH_UART_LSR (LKVM_UART_BASE + 5)

/* n reads of the UART's LSR; the ticks they took. */
static u64 time_mmio_reads(u64 n)
{
	u64 i, t0, t1;

	t0 = now();
	for (i = 0; i < n; i++)
		(void)rt_readb(BENCH_UART_LSR);
	t1 = now();
	return t1 - t0;
}

/* ns per MMIO read that exits to lkvm, over a calibrated number. */
static u64 bench_mmio_read(void)
{
	u64 n, t;

	n = scale_iters(time_mmio_reads(CALIB_ITERS), MAX_ITERS);
	t = time_mmio_reads(n);
	rt_printf("BENCH-SDEI: UART LSR read: %llu reads in %llu ms\n", n,
		  ticks_ns(t) / 1000000);
	return ticks_ns(t) / n;
}

/* n self signals on cpu0; the ticks they took. */
static u64 time_self_signals(u64 mpidr0, u64 n)
{
	u64 i, r, t0, t1, before = h_count[0];

	t0 = now();
	for (i = 0; i < n; i++) {
		r = sdei_guest_call(SDEI_EVENT_SIGNAL, 0, mpidr0);
		if (r != SDEI_SUCCESS)
			fail(BENCH_F_SELF_SIGNAL,
			     "EVENT_SIGNAL(0, self) %llu returned %#llx", i, r);
	}
	t1 = now();
	/* Delivered at each call's completion; allow a late one anyway. */
	if (!wait_reach(&h_count[0], before + n, DELIVERY_MS) ||
	    h_count[0] != before + n)
		fail(BENCH_F_SELF_COUNT,
		     "%llu self signals ran the handler %llu times", n,
		     h_count[0] - before);
	return t1 - t0;
}

static void sort(u64 *a, unsigned int n)
{
	unsigned int gap, i, j;
	u64 v;

	for (gap = n / 2; gap; gap /= 2)
		for (i = gap; i < n; i++) {
			v = a[i];
			for (j = i; j >= gap && a[j - gap] > v; j -= gap)
				a[j] = a[j - gap];
			a[j] = v;
		}
}

/*
 * The VM's vCPU count: the first index, with KVM's MPIDR numbering, that
 * PSCI AFFINITY_INFO does not know (INVALID_PARAMETERS, DEN0022D 5.1.5).
 */
static unsigned int count_vcpus(void)
{
	unsigned int n = 1;

	while (n < 4096 && rt_psci_affinity_info(rt_kvm_vcpu_mpidr(n), 0) !=
				   RT_PSCI_RET_INVALID_PARAMS)
		n++;
	return n;
}

/* ---- cpu1 ---- */

/* cpu1's setup and wait; 0, or the failure code. */
static int cpu1_run(void)
{
	u64 start;

	mpidr1 = read_sysreg(mpidr_el1) & MPIDR_HWID_MASK;
	if (sdei_register(ARG_CPU1) != SDEI_SUCCESS)
		return BENCH_F_REGISTER1;
	if (sdei_guest_call(SDEI_EVENT_ENABLE, 0, 0) != SDEI_SUCCESS)
		return BENCH_F_ENABLE1;
	if (sdei_guest_call(SDEI_PE_UNMASK, 0, 0) != SDEI_SUCCESS)
		return BENCH_F_UNMASK1;
	smp_mb();
	cpu1_ready = 1;
	dsb(sy);

	/* Spin until told to stop; the handler interrupts this loop. */
	start = now();
	while (!cpu1_stop) {
		if (now() - start > ms_ticks(CPU1_LIFE_MS))
			return BENCH_F_CPU1_TIMEOUT;
		rt_cpu_relax();
	}
	return 0;
}

/* Returning makes the runtime call PSCI CPU_OFF. */
static void cpu1_main(void *unused)
{
	(void)unused;
	cpu1_err = cpu1_run();
	smp_mb();
	cpu1_ready = 1;
	cpu1_done = 1;
	dsb(sy);
}

/* ---- cpu0 ---- */

/* One cross-vCPU round: ticks from the signal to cpu1's handler entry. */
static u64 cross_round(unsigned int i)
{
	u64 before = h_count[1], own = h_count[0], t0, r;

	t0 = now();
	r = sdei_guest_call(SDEI_EVENT_SIGNAL, 0, mpidr1);
	if (r != SDEI_SUCCESS)
		fail(BENCH_F_CROSS_SIGNAL,
		     "EVENT_SIGNAL(0, cpu1) round %u returned %#llx", i, r);
	if (!wait_reach(&h_count[1], before + 1, DELIVERY_MS))
		fail(BENCH_F_CROSS_NOT_DELIVERED,
		     "round %u: cpu1's handler did not run within %u ms", i,
		     DELIVERY_MS);
	if (h_count[0] != own || h_count[1] != before + 1)
		fail(BENCH_F_CROSS_WRONG_CPU,
		     "round %u: handler runs cpu0 +%llu, cpu1 +%llu; want 0, 1",
		     i, h_count[0] - own, h_count[1] - before);
	smp_rmb();
	if (h_entry[1] < t0)
		fail(BENCH_F_CROSS_TIME,
		     "round %u: handler entry %#llx before the signal %#llx", i,
		     h_entry[1], t0);
	return h_entry[1] - t0;
}

int main(void *dtb)
{
	u64 v, mpidr0, sdei_ns, smccc_ns, mmio_ns, n, t, med, max;
	unsigned int i, rounds, nr_vcpus;
	int ret;

	(void)dtb;
	sdei_catch_exceptions();
	freq = read_sysreg(cntfrq_el0);
	if (!freq)
		fail(BENCH_F_NO_TIMER, "CNTFRQ_EL0 reads 0");
	mpidr0 = read_sysreg(mpidr_el1) & MPIDR_HWID_MASK;
	rt_printf("BENCH-SDEI: at EL%u, conduit %s, timer %llu Hz\n",
		  rt_current_el(), rt_current_el() == 2 ? "SMC" : "HVC", freq);

	/* The probe, as Linux does it, and event 0 on cpu0. */
	v = sdei_guest_call(SDEI_VERSION, 0, 0);
	if ((s64)v < 0 || ((v >> 48) & 0x7fff) != 1)
		fail(BENCH_F_VERSION, "SDEI_VERSION returned %#llx", v);
	expect(sdei_guest_call(SDEI_PRIVATE_RESET, 0, 0), SDEI_SUCCESS,
	       BENCH_F_PRIVATE_RESET, "PRIVATE_RESET");
	expect(sdei_guest_call(SDEI_SHARED_RESET, 0, 0), SDEI_SUCCESS,
	       BENCH_F_SHARED_RESET, "SHARED_RESET");

	/* 1. Forwarded to lkvm against answered in the kernel. */
	sdei_ns = bench_call(SDEI_VERSION, v, BENCH_F_VERSION_LOOP,
			     "SDEI_VERSION");
	v = sdei_guest_call(SMCCC_VERSION_FN, 0, 0);
	if ((s64)v < 0)
		fail(BENCH_F_SMCCC_VERSION, "SMCCC_VERSION returned %#llx", v);
	smccc_ns = bench_call(SMCCC_VERSION_FN, v, BENCH_F_SMCCC_LOOP,
			      "SMCCC_VERSION");
	rt_printf("BENCH: sdei_version_ns %llu ns\n", sdei_ns);
	rt_printf("BENCH: smccc_version_ns %llu ns\n", smccc_ns);
	print_ratio("forwarded_vs_kernel_ratio", sdei_ns, smccc_ns);
	mmio_ns = bench_mmio_read();
	rt_printf("BENCH: mmio_read_user_ns %llu ns\n", mmio_ns);
	print_ratio("sdei_version_vs_mmio_read", sdei_ns, mmio_ns);

	/* 2. Self-signalled events on cpu0. */
	expect(sdei_register(ARG_CPU0), SDEI_SUCCESS, BENCH_F_REGISTER0,
	       "EVENT_REGISTER(0) on cpu0");
	expect(sdei_guest_call(SDEI_EVENT_ENABLE, 0, 0), SDEI_SUCCESS,
	       BENCH_F_ENABLE0, "EVENT_ENABLE(0) on cpu0");
	expect(sdei_guest_call(SDEI_PE_UNMASK, 0, 0), SDEI_SUCCESS,
	       BENCH_F_UNMASK0, "PE_UNMASK on cpu0");
	if (h_count[0] || h_count[1] || h_stray)
		fail(BENCH_F_SPURIOUS, "handler ran before any signal");
	n = scale_iters(time_self_signals(mpidr0, CALIB_ITERS), MAX_ITERS);
	t = time_self_signals(mpidr0, n);
	rt_printf("BENCH-SDEI: self signal: %llu events in %llu ms\n", n,
		  ticks_ns(t) / 1000000);
	rt_printf("BENCH: self_signal_per_s %llu /s\n", n * freq / (t ? t : 1));

	/* 3. Signal to the last vCPU: latency to its handler's entry. */
	nr_vcpus = count_vcpus();
	rt_printf("BENCH: vcpus %u vcpus\n", nr_vcpus);
	ret = rt_cpu_on(1, rt_kvm_vcpu_mpidr(nr_vcpus - 1), cpu1_main, NULL);
	if (ret != RT_PSCI_RET_SUCCESS)
		fail(BENCH_F_CPU_ON, "rt_cpu_on(1) returned %d (run with -c 2)",
		     ret);
	if (!wait_reach(&cpu1_ready, 1, STAGE_MS))
		fail(BENCH_F_CPU1_READY, "cpu1 not ready within %u ms",
		     STAGE_MS);
	smp_rmb();
	if (cpu1_err)
		fail(cpu1_err, "cpu1's setup of event 0 failed");

	t = now();
	for (i = 0; i < CALIB_ITERS; i++)
		cross_round(i);
	rounds = scale_iters(now() - t, MAX_ROUNDS);
	t = now();
	for (i = 0; i < rounds; i++)
		samples[i] = cross_round(i);
	rt_printf("BENCH-SDEI: cross-vCPU: %u rounds in %llu ms\n", rounds,
		  ticks_ns(now() - t) / 1000000);

	cpu1_stop = 1;
	dsb(sy);
	if (!wait_reach(&cpu1_done, 1, STAGE_MS))
		fail(BENCH_F_CPU1_DONE, "cpu1 did not finish within %u ms",
		     STAGE_MS);
	smp_rmb();
	if (cpu1_err)
		fail(cpu1_err, "cpu1 failed");
	if (h_bad || h_stray)
		fail(h_bad ? BENCH_F_HANDLER : BENCH_F_STRAY,
		     "handler runs with a wrong event or argument %llu, on another CPU %llu",
		     h_bad, h_stray);

	sort(samples, rounds);
	med = ticks_ns(samples[rounds / 2]);
	max = ticks_ns(samples[rounds - 1]);
	/* The mean too: lkvm's account of where the time goes is in means. */
	for (i = 0, t = 0; i < rounds; i++)
		t += samples[i];
	rt_printf("BENCH: cross_vcpu_median_ns %llu ns\n", med);
	rt_printf("BENCH: cross_vcpu_mean_ns %llu ns\n", ticks_ns(t / rounds));
	rt_printf("BENCH: cross_vcpu_max_ns %llu ns\n", max);
	print_ratio("cross_vcpu_vs_roundtrip", med, sdei_ns);

	rt_printf("BENCH-SDEI: DONE\n");
	return 0;
}
