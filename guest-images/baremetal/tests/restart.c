// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm --reboot=restart: after a reset the guest boots again in a new VM,
 * and nothing of the old one may be left: not RAM, not the GIC, not SDEI.
 * Run with lkvm -c 2 --reboot=restart --sdei-event 100 --sdei-event
 * 300,shared; the lab scenario (tests/lab/scenarios/44-baremetal-restart.sh)
 * drives it through several boots. The same program runs on every boot and
 * cannot tell which one it is (its RAM starts afresh): each boot checks,
 * then leaves behind as much as it can.
 *
 *  1. Fresh, before any SDEI call that changes state (it never calls
 *     PRIVATE_RESET or SHARED_RESET: a firmware that keeps state would be
 *     hidden by them, as Linux's probe hides it):
 *     - RAM: a word 64 MiB into RAM, outside the image, is 0.
 *     - GIC distributor: group 1 disabled (GICD_CTLR), and the UART's SPI
 *       (INTID 32) disabled, edge-triggered (KVM's default), priority 0,
 *       routed to affinity 0.
 *     - SDEI on cpu0: EVENT_STATUS 0 (not registered, enabled or running)
 *       for event 0, 100 (private), 300 (shared) and lkvm's first shared
 *       bind slot (event 0x40000000, firmware-emu/sdei.h); INTERRUPT_RELEASE
 *       of that slot is INVALID_PARAMETERS (nothing bound); PE_MASK returns
 *       0: the PE was masked already (1 would mean this call masked it:
 *       DEN0054B PE_MASK, lkvm's sdei_pe_mask(), TF-A's).
 *     - SDEI on cpu1, started with PSCI CPU_ON: EVENT_STATUS 0 for events
 *       0, 100, 300, and PE_MASK returns 0. (CPU_ON itself masks the PE
 *       and drops its private registrations, so on cpu1 these also hold
 *       after a reset that kept the SDEI state; cpu0 and the shared state
 *       are what tell.)
 *     Prints "RESTART: boot state fresh (<n> checks)".
 *  2. Dirty, each change read back: the RAM word written; the GIC's group
 *     1 enabled, INTID 32 enabled, level-triggered, priority 0xa0, routed
 *     to cpu1; on both CPUs events 0 and 100 registered and enabled; 300
 *     registered RM_PE to cpu1 and enabled; INTID 32 bound (to the first
 *     slot, 0x40000000), its event registered RM_PE to cpu0 and enabled;
 *     both PEs unmasked. Nothing is triggered, and for 200 ms nothing runs
 *     (a trigger or a bound line level left from before would). Prints
 *     "RESTART: WAIT 300 ..." and waits for the host to signal event 300
 *     (`lkvm sdei signal 300`).
 *  3. 300's handler runs on cpu1 and never completes. cpu0 signals event
 *     0 to cpu1 (pending: a normal event cannot preempt the running
 *     normal 300), then raises the UART's interrupt (IER.ETBEI): the bound
 *     event's handler runs on cpu0, signals event 0 to cpu0 (pending
 *     behind it) and, still in the handler with the line high, resets
 *     the system with PSCI SYSTEM_RESET. So at the reset: registrations,
 *     a binding, an asserted bound line, unmasked PEs, two handlers
 *     running and two triggers pending, which a kept SDEI state would
 *     carry into the next boot, where step 1 finds them.
 *
 * A failure prints "RESTART: FAIL cpu<n>: <what> (code <c>)" and fails
 * with one of the codes of enum restart_fail (lkvm exits 3). Every wait is
 * bounded; an unexpected exception fails the same way.
 */
#include "arm64/layout.h"

/* A FAIL line must not re-raise the UART's interrupt: quiet it first. */
#define SDEI_TEST "RESTART"
#define SDEI_TEST_SMP_CHECKS
#define SDEI_TEST_BEFORE_FAIL() rt_writeb(0, LKVM_UART_BASE + 1)
#include "sdei-guest.h"

#define EV0 0
#define EV_PRIVATE 100
#define EV_SHARED 300
/* lkvm numbers its INTERRUPT_BIND slots from here, shared slots first. */
#define EV_BIND_SLOT 0x40000000ULL

#define ARG_EV0 0x4e57a47000000000ULL
#define ARG_PRIVATE 0x4e57a47000000100ULL
#define ARG_SHARED 0x4e57a47000000300ULL
#define ARG_BIND 0x4e57a47040000000ULL

/* 64 MiB into RAM: past the image and its stacks, below the DTB. */
#define RAM_MARK (LKVM_RAM_BASE + 0x4000000ULL)
#define RAM_MARK_VALUE 0x5245535441525421ULL /* "RESTART!" */

#define UART_IER 1
#define UART_IER_ETBEI 0x02
#define UART_INTID 32

#define GICD_CTLR LKVM_GIC_DIST_BASE
#define GICD_CTLR_ENABLE_G1 (1u << 1) /* with DS = 1, as KVM's vGICv3 */
#define GICD_ISENABLER(n) (LKVM_GIC_DIST_BASE + 0x100 + 4 * (n))
#define GICD_IPRIORITYR(n) (LKVM_GIC_DIST_BASE + 0x400 + 4 * (n))
#define GICD_ICFGR(n) (LKVM_GIC_DIST_BASE + 0xc00 + 4 * (n))
#define GICD_IROUTER(intid) (LKVM_GIC_DIST_BASE + 0x6000 + 8 * (intid))
#define GIC_PRIORITY 0xa0

#define QUIET_MS 200 /* nothing may run for this long */
#define DELIVERY_MS 1000
#define STAGE_MS 5000 /* one CPU waiting for the other */
#define HOST_MS 60000 /* the host signals 300 within this */
#define RESET_MS 5000 /* SYSTEM_RESET takes effect within this */

enum restart_fail {
	RS_F_VERSION = 1, /* no SDEI 1.x */
	RS_F_CATALOGUE = 2, /* 100 private, 300 shared: not declared? */
	RS_F_CPU_ON = 3, /* run with -c 2 */
	RS_F_WAIT_CPU = 4, /* the other CPU did not reach a stage */
	RS_F_COMPLETE_RETURNED = 5,
	/* 1. left over from a previous boot */
	RS_F_STALE_RAM = 10,
	RS_F_STALE_GIC = 11,
	RS_F_STALE_STATUS = 12, /* an event registered, enabled or running */
	RS_F_STALE_BINDING = 13, /* the bind slot still bound */
	RS_F_STALE_UNMASKED = 14, /* PE_MASK found the PE unmasked */
	RS_F_STALE_RUN = 15, /* a handler ran with nothing triggered */
	/* 2. dirtying */
	RS_F_DIRTY_RAM = 20,
	RS_F_DIRTY_GIC = 21,
	RS_F_DIRTY_SDEI = 22, /* a REGISTER, ENABLE, BIND... failed */
	RS_F_DIRTY_STATUS = 23, /* not registered and enabled after that */
	/* 3. the reset */
	RS_F_WAIT_HOST = 30, /* the host did not signal 300 */
	RS_F_SHARED_ROUTE = 31, /* 300, RM_PE to cpu1, ran elsewhere */
	RS_F_SHARED_STATUS = 32, /* 300 not running while its handler runs */
	RS_F_SIGNAL = 33, /* EVENT_SIGNAL(0) failed */
	RS_F_BIND_DELIVERY = 34, /* the bound event did not run */
	RS_F_RESET_RETURNED = 35, /* PSCI SYSTEM_RESET returned */
	RS_F_NO_RESET = 36, /* SYSTEM_RESET did not take effect */
};

/* ---- shared state ---- */

static volatile u64 mpidr0, mpidr1;
static volatile u64 stage0, stage1; /* each CPU's script position */

/* Set by cpu0 when 300 may run (WAIT printed) and when the line is up. */
static volatile u64 host_may_signal, line_raised;
/* Set by the handlers. */
static volatile u64 shared_running, shared_cpu, bind_ran;

/* ---- helpers ---- */

void sdei_complete_returned(u64 ret)
{
	fail(RS_F_COMPLETE_RETURNED,
	     "EVENT_COMPLETE in the handler returned %lld", (s64)ret);
}

static void set_stage(volatile u64 *stage, u64 n)
{
	smp_mb();
	*stage = n;
	dsb(sy);
}

/* This CPU waits for the other to reach stage n. */
static void wait_stage(u64 n)
{
	bool cpu0 = rt_smp_processor_id() == 0;

	if (!sdei_wait_reach(cpu0 ? &stage1 : &stage0, n, STAGE_MS))
		fail(RS_F_WAIT_CPU, "cpu%u did not reach stage %llu in %u ms",
		     cpu0 ? 1 : 0, n, STAGE_MS);
	smp_mb();
}

/* ---- the handlers: one entry for every event ---- */

void restart_handler(u64 event, u64 arg, u64 pc, u64 pstate);
SDEI_HANDLER_ENTRY(restart_entry, restart_handler);

/*
 * 300 (shared, RM_PE to cpu1) stays running until the reset; the bound
 * event resets the system from its handler. Nothing else may run: events
 * 0 and 100 are never signalled to a PE that could take them.
 */
__attribute__((target("general-regs-only"))) void
restart_handler(u64 event, u64 arg, u64 pc, u64 pstate)
{
	unsigned int cpu = rt_smp_processor_id();
	u64 r;

	(void)pc;
	(void)pstate;
	if (event == EV_SHARED && arg == ARG_SHARED) {
		if (!host_may_signal)
			fail(RS_F_STALE_RUN,
			     "event 300 ran before the host signalled it");
		shared_cpu = cpu;
		smp_wmb();
		shared_running = 1;
		dsb(sy);
		/* cpu0 resets the system meanwhile. */
		sdei_delay_ms(RESET_MS);
		fail(RS_F_NO_RESET,
		     "still in event 300's handler %u ms later: no reset",
		     RESET_MS);
	}
	if (event == EV_BIND_SLOT && arg == ARG_BIND) {
		if (!line_raised)
			fail(RS_F_STALE_RUN,
			     "the bound event ran while the UART's line was low: a line level left from before");
		bind_ran = 1;
		dsb(sy);
		r = sdei(SDEI_EVENT_SIGNAL, EV0, mpidr0);
		if (r != SDEI_SUCCESS)
			fail(RS_F_SIGNAL,
			     "EVENT_SIGNAL(0, cpu0) in the bound handler is %lld",
			     (s64)r);
		rt_psci_system_reset();
		fail(RS_F_RESET_RETURNED, "PSCI SYSTEM_RESET returned");
	}
	fail(RS_F_STALE_RUN, "event %#llx (x1 %#llx) ran: nothing signalled it",
	     event, arg);
}

static u64 do_register(u64 ev, u64 arg, u64 flags, u64 aff)
{
	return rt_smccc_call7(SDEI_EVENT_REGISTER, ev, (u64)restart_entry, arg,
			      flags, aff, 0, 0)
		.x0;
}

/* ---- 1. fresh ---- */

static void fresh_ram(void)
{
	expect(rt_readq(RAM_MARK), 0, RS_F_STALE_RAM,
	       "the RAM word at 0x84000000");
}

static void fresh_gic(void)
{
	expect(rt_readl(GICD_CTLR) & GICD_CTLR_ENABLE_G1, 0, RS_F_STALE_GIC,
	       "GICD_CTLR.EnableGrp1");
	expect(rt_readl(GICD_ISENABLER(UART_INTID / 32)) &
		       (1u << (UART_INTID % 32)),
	       0, RS_F_STALE_GIC, "INTID 32's GICD_ISENABLER bit");
	expect(rt_readl(GICD_ICFGR(UART_INTID / 16)) &
		       (2u << (UART_INTID % 16 * 2)),
	       2u << (UART_INTID % 16 * 2), RS_F_STALE_GIC,
	       "INTID 32's GICD_ICFGR edge bit");
	expect((rt_readl(GICD_IPRIORITYR(UART_INTID / 4)) >>
		(UART_INTID % 4 * 8)) &
		       0xff,
	       0, RS_F_STALE_GIC, "INTID 32's priority");
	expect(rt_readq(GICD_IROUTER(UART_INTID)), 0, RS_F_STALE_GIC,
	       "INTID 32's GICD_IROUTER");
}

/* The events this CPU can see: event 0 and 100 its own, 300 and the slot. */
static void fresh_status(bool with_slot)
{
	expect(sdei(SDEI_EVENT_STATUS, EV0, 0), 0, RS_F_STALE_STATUS,
	       "EVENT_STATUS(0)");
	expect(sdei(SDEI_EVENT_STATUS, EV_PRIVATE, 0), 0, RS_F_STALE_STATUS,
	       "EVENT_STATUS(100)");
	expect(sdei(SDEI_EVENT_STATUS, EV_SHARED, 0), 0, RS_F_STALE_STATUS,
	       "EVENT_STATUS(300)");
	if (!with_slot)
		return;
	expect(sdei(SDEI_EVENT_STATUS, EV_BIND_SLOT, 0), 0, RS_F_STALE_STATUS,
	       "EVENT_STATUS(0x40000000), the bind slot");
	expect(sdei(SDEI_INTERRUPT_RELEASE, EV_BIND_SLOT, 0),
	       SDEI_INVALID_PARAMETERS, RS_F_STALE_BINDING,
	       "INTERRUPT_RELEASE(0x40000000): a binding left");
}

static void fresh_mask(void)
{
	expect(sdei(SDEI_PE_MASK, 0, 0), 0, RS_F_STALE_UNMASKED,
	       "PE_MASK (1: the PE was unmasked)");
}

/*
 * This CPU's private events, 0 and 100, registered and enabled (fail()
 * names the CPU).
 */
static void dirty_private(void)
{
	expect(do_register(EV0, ARG_EV0, 0, 0), SDEI_SUCCESS, RS_F_DIRTY_SDEI,
	       "EVENT_REGISTER(0)");
	expect(sdei(SDEI_EVENT_ENABLE, EV0, 0), SDEI_SUCCESS, RS_F_DIRTY_SDEI,
	       "EVENT_ENABLE(0)");
	expect(do_register(EV_PRIVATE, ARG_PRIVATE, 0, 0), SDEI_SUCCESS,
	       RS_F_DIRTY_SDEI, "EVENT_REGISTER(100)");
	expect(sdei(SDEI_EVENT_ENABLE, EV_PRIVATE, 0), SDEI_SUCCESS,
	       RS_F_DIRTY_SDEI, "EVENT_ENABLE(100)");
}

/* ---- cpu1 ---- */

static void cpu1_main(void *unused)
{
	(void)unused;
	mpidr1 = read_sysreg(mpidr_el1) & MPIDR_HWID_MASK;
	fresh_status(false);
	fresh_mask();
	set_stage(&stage1, 1);

	wait_stage(1); /* cpu0 has dirtied its part */
	dirty_private();
	expect(sdei(SDEI_EVENT_STATUS, EV0, 0),
	       SDEI_STATUS_REGISTERED | SDEI_STATUS_ENABLED, RS_F_DIRTY_STATUS,
	       "EVENT_STATUS(0) on cpu1 after REGISTER, ENABLE");
	expect(sdei(SDEI_EVENT_STATUS, EV_PRIVATE, 0),
	       SDEI_STATUS_REGISTERED | SDEI_STATUS_ENABLED, RS_F_DIRTY_STATUS,
	       "EVENT_STATUS(100) on cpu1 after REGISTER, ENABLE");
	expect(sdei(SDEI_PE_UNMASK, 0, 0), SDEI_SUCCESS, RS_F_DIRTY_SDEI,
	       "PE_UNMASK on cpu1");
	set_stage(&stage1, 2);

	/* 300's handler interrupts this wait on cpu1 and never returns. */
	if (!sdei_wait_reach(&shared_running, 1, HOST_MS + RESET_MS))
		fail(RS_F_WAIT_HOST, "event 300 did not come within %u s",
		     (HOST_MS + RESET_MS) / 1000);
	fail(RS_F_SHARED_ROUTE, "event 300, RM_PE to cpu1, ran on cpu%llu",
	     shared_cpu);
}

/* ---- cpu0 ---- */

static void dirty_gic(void)
{
	unsigned long prio = GICD_IPRIORITYR(UART_INTID / 4);
	unsigned long cfg = GICD_ICFGR(UART_INTID / 16);
	unsigned int pshift = UART_INTID % 4 * 8;
	unsigned int cbit = 2u << (UART_INTID % 16 * 2);

	rt_writel(rt_readl(GICD_CTLR) | GICD_CTLR_ENABLE_G1, GICD_CTLR);
	rt_writel(1u << (UART_INTID % 32), GICD_ISENABLER(UART_INTID / 32));
	rt_writel(rt_readl(cfg) & ~cbit, cfg);
	rt_writel((rt_readl(prio) & ~(0xffu << pshift)) | GIC_PRIORITY
								  << pshift,
		  prio);
	rt_writeq(mpidr1 & 0xff00ffffffULL, GICD_IROUTER(UART_INTID));

	expect(rt_readl(GICD_CTLR) & GICD_CTLR_ENABLE_G1, GICD_CTLR_ENABLE_G1,
	       RS_F_DIRTY_GIC, "GICD_CTLR.EnableGrp1 after setting it");
	expect(rt_readl(GICD_ISENABLER(UART_INTID / 32)) &
		       (1u << (UART_INTID % 32)),
	       1u << (UART_INTID % 32), RS_F_DIRTY_GIC,
	       "INTID 32 enabled after GICD_ISENABLER");
	expect(rt_readl(cfg) & cbit, 0, RS_F_DIRTY_GIC,
	       "INTID 32's edge bit after making it level");
	expect((rt_readl(prio) >> pshift) & 0xff, GIC_PRIORITY, RS_F_DIRTY_GIC,
	       "INTID 32's priority after writing 0xa0");
	expect(rt_readq(GICD_IROUTER(UART_INTID)), mpidr1 & 0xff00ffffffULL,
	       RS_F_DIRTY_GIC, "INTID 32's GICD_IROUTER after routing it");
}

static void dirty_sdei(void)
{
	u64 ev;

	dirty_private();
	expect(do_register(EV_SHARED, ARG_SHARED, SDEI_RM_PE, mpidr1),
	       SDEI_SUCCESS, RS_F_DIRTY_SDEI,
	       "EVENT_REGISTER(300, RM_PE cpu1)");
	expect(sdei(SDEI_EVENT_ENABLE, EV_SHARED, 0), SDEI_SUCCESS,
	       RS_F_DIRTY_SDEI, "EVENT_ENABLE(300)");
	expect(sdei(SDEI_EVENT_GET_INFO, EV_SHARED, SDEI_INFO_ROUTING_AFF),
	       mpidr1, RS_F_DIRTY_SDEI, "GET_INFO(300, ROUTING_AFF)");

	/* Fresh, the only shared slot is free: BIND takes it. */
	ev = sdei(SDEI_INTERRUPT_BIND, UART_INTID, 0);
	expect(ev, EV_BIND_SLOT, RS_F_DIRTY_SDEI, "INTERRUPT_BIND(32)");
	expect(do_register(ev, ARG_BIND, SDEI_RM_PE, mpidr0), SDEI_SUCCESS,
	       RS_F_DIRTY_SDEI, "EVENT_REGISTER(bound event, RM_PE cpu0)");
	expect(sdei(SDEI_EVENT_ENABLE, ev, 0), SDEI_SUCCESS, RS_F_DIRTY_SDEI,
	       "EVENT_ENABLE(bound event)");
}

static void dirty_status(void)
{
	static const u64 events[] = { EV0, EV_PRIVATE, EV_SHARED,
				      EV_BIND_SLOT };

	for (unsigned int i = 0; i < RT_ARRAY_SIZE(events); i++) {
		u64 r = sdei(SDEI_EVENT_STATUS, events[i], 0);

		if (r != (SDEI_STATUS_REGISTERED | SDEI_STATUS_ENABLED))
			fail(RS_F_DIRTY_STATUS,
			     "EVENT_STATUS(%#llx) on cpu0 is %#llx, expected registered and enabled",
			     events[i], r);
		checks++;
	}
}

static void catalogue(void)
{
	u64 v = sdei(SDEI_VERSION, 0, 0);

	if ((s64)v < 0 || ((v >> 48) & 0x7fff) != 1)
		fail(RS_F_VERSION, "VERSION is %#llx: no SDEI 1.x", v);
	expect(sdei(SDEI_EVENT_GET_INFO, EV_PRIVATE, SDEI_INFO_TYPE), 0,
	       RS_F_CATALOGUE,
	       "GET_INFO(100, TYPE) (declare --sdei-event 100)");
	expect(sdei(SDEI_EVENT_GET_INFO, EV_SHARED, SDEI_INFO_TYPE), 1,
	       RS_F_CATALOGUE,
	       "GET_INFO(300, TYPE) (declare --sdei-event 300,shared)");
}

int main(void *dtb)
{
	unsigned int fresh;
	int ret;

	(void)dtb;
	sdei_catch_exceptions();
	mpidr0 = read_sysreg(mpidr_el1) & MPIDR_HWID_MASK;
	rt_printf("RESTART: at EL%u, conduit %s\n", rt_current_el(),
		  rt_current_el() == 2 ? "SMC" : "HVC");
	catalogue();

	/* 1. Fresh: cpu0, then cpu1 once CPU_ON has started it. */
	checks = 0; /* catalogue()'s are not about state */
	fresh_ram();
	fresh_gic();
	fresh_status(true);
	fresh_mask();
	ret = rt_cpu_on(1, rt_kvm_vcpu_mpidr(1), cpu1_main, NULL);
	if (ret != RT_PSCI_RET_SUCCESS)
		fail(RS_F_CPU_ON, "rt_cpu_on(1) returned %d (run with -c 2)",
		     ret);
	wait_stage(1);
	fresh = checks + checks1;
	rt_printf("RESTART: boot state fresh (%u checks)\n", fresh);

	/* 2. Dirty. */
	rt_writeq(RAM_MARK_VALUE, RAM_MARK);
	expect(rt_readq(RAM_MARK), RAM_MARK_VALUE, RS_F_DIRTY_RAM,
	       "the RAM word after writing it");
	dirty_gic();
	dirty_sdei();
	set_stage(&stage0, 1);
	wait_stage(2); /* cpu1: 0 and 100 registered, enabled, unmasked */
	expect(sdei(SDEI_PE_UNMASK, 0, 0), SDEI_SUCCESS, RS_F_DIRTY_SDEI,
	       "PE_UNMASK on cpu0");
	dirty_status();
	/* Nothing was triggered: whatever runs now came from before. */
	sdei_delay_ms(QUIET_MS);
	checks++;

	/* 3. The host's 300 starts the reset. */
	host_may_signal = 1;
	dsb(sy);
	rt_printf(
		"RESTART: WAIT 300 (events 0, 100 registered, enabled on both vCPUs, 300 RM_PE to cpu1, INTID 32 bound to 0x40000000, PEs unmasked, RAM and GIC written; %u checks)\n",
		checks + checks1 - fresh);
	if (!sdei_wait_reach(&shared_running, 1, HOST_MS))
		fail(RS_F_WAIT_HOST, "event 300 did not come within %u s",
		     HOST_MS / 1000);
	smp_rmb();
	if (shared_cpu != 1)
		fail(RS_F_SHARED_ROUTE,
		     "event 300, RM_PE to cpu1, ran on cpu%llu", shared_cpu);
	expect(sdei(SDEI_EVENT_STATUS, EV_SHARED, 0),
	       SDEI_STATUS_REGISTERED | SDEI_STATUS_ENABLED |
		       SDEI_STATUS_RUNNING,
	       RS_F_SHARED_STATUS, "EVENT_STATUS(300) while it runs on cpu1");
	expect(sdei(SDEI_EVENT_SIGNAL, EV0, mpidr1), SDEI_SUCCESS, RS_F_SIGNAL,
	       "EVENT_SIGNAL(0, cpu1) while 300 runs there");

	line_raised = 1;
	dsb(sy);
	rt_writeb(UART_IER_ETBEI, LKVM_UART_BASE + UART_IER);
	/* The bound event's handler resets the system; it never returns. */
	if (!sdei_wait_reach(&bind_ran, 1, DELIVERY_MS))
		fail(RS_F_BIND_DELIVERY,
		     "the bound event did not run within %u ms of the UART's line",
		     DELIVERY_MS);
	sdei_delay_ms(RESET_MS);
	fail(RS_F_NO_RESET, "the bound event ran, but no reset came");
}
