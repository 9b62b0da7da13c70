// SPDX-License-Identifier: GPL-2.0
/*
 * SDEI events raised from the host (`lkvm sdei --name N signal ...`, the
 * control socket) into a guest that spins where it wants to be
 * interrupted. Run with lkvm -c 2 and the events
 *
 *   --sdei-event 100 (private, normal) --sdei-event 200,critical (private)
 *   --sdei-event 300,shared (normal)
 *
 * The lab scenario (tests/lab/scenarios/45-baremetal-sdei-host.sh) reads
 * the console: at each "SDEI-HOST: WAIT <what>" line it sends the signal
 * the stage waits for. Stages:
 *
 *  regs     cpu0 spins with DAIF all masked and known values in x0..x30
 *           (x9 = the flag it polls, 0; x10 = the flag's address). Event
 *           100 on cpu0 from the host: the handler finds x0 = 100, x1 = its
 *           argument, x2 = a PC inside the loop, x3 = the loop's PSTATE
 *           (DAIF masked, the client EL), x4..x30 and SP as the loop held
 *           them, EVENT_CONTEXT(0..17) = the loop's x0..x17. It sets the
 *           flag and COMPLETEs: the loop ends with every register as it
 *           was (x9 = the flag) and the same SP.
 *  normal   event 100 again (a plain handler). It prints "WAIT critical",
 *           signals event 0 to itself (a normal event: it must not
 *           preempt) and spins until the critical handler ran.
 *  critical event 200 from the host preempts the running normal handler:
 *           its x2 is inside the normal handler, EVENT_STATUS of both is
 *           running. After both COMPLETE, event 0's handler runs.
 *  route-pe1, route-pe0, route-any  the shared event 300, registered
 *           RM_PE to cpu1: runs on cpu1 only; ROUTING_SET to cpu0: on
 *           cpu0; RM_ANY: once, on either.
 *           Bad ROUTING_SETs (enabled, private, no such PE, bad flags) and
 *           GET_INFO(ROUTING_MODE) of a private event are refused.
 *  unregister  300 again: its handler UNREGISTERs it (PENDING, status
 *           running only); after COMPLETE it is unregistered.
 *  masked   cpu1 PE_MASKs; event 100 to cpu1 from the host stays pending
 *           (the scenario checks lkvm's "held=masked" reply; its next
 *           signal, event 100 to cpu0, says it is done) until cpu1's
 *           PE_UNMASK, whose completion runs it.
 *
 * Prints "SDEI-HOST: PASS <n> checks" or "SDEI-HOST: FAIL <what>" and fails
 * with one of the codes of enum host_fail. Each wait for the host is
 * bounded (HOST_MS); an unexpected exception prints a FAIL line.
 */
#include <stddef.h>

#define SDEI_TEST "SDEI-HOST"
#include "sdei-guest.h"

#define EV_NORMAL 100
#define EV_CRITICAL 200
#define EV_SHARED 300

#define ARG_REGS 0x5d1eb0570000a001ULL
#define ARG_NORMAL 0x5d1eb0570000a100ULL
#define ARG_CRITICAL 0x5d1eb0570000a200ULL
#define ARG_SHARED 0x5d1eb0570000a300ULL
#define ARG_EV0 0x5d1eb0570000a000ULL

#define HOST_MS 60000 /* the host answers a WAIT line within this */
#define STAGE_MS 5000 /* one CPU waiting for the other */
#define QUIET_MS 200 /* nothing must run for this long */

/* The value the loop holds in xN (not x9, x10). */
#define K(n) (0x4b1d000000000000ULL | ((u64)(n) << 8) | (n))

#define PSR_DAIF (0xfULL << 6)

enum host_fail {
	HOST_F_VERSION = 1,
	HOST_F_SETUP = 2, /* a call of the set-up failed */
	HOST_F_CPU_ON = 3, /* rt_cpu_on(1) failed: run with -c 2 */
	HOST_F_WAIT_HOST = 4, /* the host's signal did not come */
	HOST_F_WAIT_CPU = 5, /* the other CPU did not reach a stage */
	HOST_F_COMPLETE_RETURNED = 6,
	/* regs */
	HOST_F_REGS_X0X1 = 10, /* event number or argument */
	HOST_F_REGS_PC = 11, /* x2 is not inside the loop */
	HOST_F_REGS_PSTATE = 12, /* x3: not the loop's EL or DAIF */
	HOST_F_REGS_ENTRY = 13, /* x4..x30 or SP changed at entry */
	HOST_F_REGS_CONTEXT = 14, /* EVENT_CONTEXT is not the loop's x0..x17 */
	HOST_F_REGS_AFTER = 15, /* x0..x30 or SP changed after COMPLETE */
	HOST_F_REGS_CPU = 16, /* the handler ran on cpu1 */
	/* normal / critical */
	HOST_F_NEST_ORDER = 20, /* event 0 preempted the normal handler */
	HOST_F_NEST_CRIT_PC = 21, /* critical x2 not in the normal handler */
	HOST_F_NEST_STATUS = 22, /* EVENT_STATUS in the critical handler */
	HOST_F_NEST_EV0 = 23, /* event 0 did not run after both completed */
	HOST_F_NEST_COUNT = 24,
	/* routing */
	HOST_F_ROUTE_INFO = 30, /* GET_INFO ROUTING_MODE / ROUTING_AFF */
	HOST_F_ROUTE_PE1 = 31, /* RM_PE to cpu1 ran elsewhere */
	HOST_F_ROUTE_PE0 = 32,
	HOST_F_ROUTE_ANY = 33,
	HOST_F_ROUTE_SET = 34, /* ROUTING_SET failed */
	HOST_F_ROUTE_ERRORS = 35, /* a bad ROUTING_SET was not refused */
	HOST_F_UNREG_PENDING = 36, /* UNREGISTER in the handler: not PENDING */
	HOST_F_UNREG_DONE = 37, /* still registered after its COMPLETE */
	/* masked */
	HOST_F_MASKED_RAN = 40, /* ran on cpu1 while it was masked */
	HOST_F_MASKED_UNMASK = 41, /* not run at PE_UNMASK's completion */
};

/* ---- shared state ---- */

/* cpu1's script: cpu0 sets want1, cpu1 answers with at1. */
static volatile u64 want1, at1;
static volatile int cpu1_err;
static u64 mpidr0, mpidr1;
static unsigned int checks;

/* Handler runs: per event kind and CPU. */
static volatile u64 n_normal[2], n_critical[2], n_shared[2], n_ev0[2];
static volatile u64 n_shared_any; /* shared handler runs on any CPU */
static volatile u64 shared_arg_bad;

/* ---- helpers ---- */

void sdei_complete_returned(u64 ret)
{
	fail(HOST_F_COMPLETE_RETURNED,
	     "EVENT_COMPLETE in the handler returned %lld", (s64)ret);
}

static void expect(u64 got, u64 want, int code, const char *what)
{
	if (got != want)
		fail(code, "%s returned %#llx (%lld), expected %#llx (%lld)",
		     what, got, (s64)got, want, (s64)want);
	checks++;
}

/* Prints the line the scenario answers, then waits for *p to reach n. */
static void wait_host(const char *what, const volatile u64 *p, u64 n)
{
	rt_printf("SDEI-HOST: WAIT %s\n", what);
	if (!sdei_wait_reach(p, n, HOST_MS))
		fail(HOST_F_WAIT_HOST, "no event for 'WAIT %s' within %u s",
		     what, HOST_MS / 1000);
	checks++;
}

static u64 do_register(u64 ev, void (*entry)(void), u64 arg, u64 flags, u64 aff)
{
	return rt_smccc_call7(SDEI_EVENT_REGISTER, ev, (u64)entry, arg, flags,
			      aff, 0, 0)
		.x0;
}

static void setup_call(u64 r, const char *what)
{
	expect(r, SDEI_SUCCESS, HOST_F_SETUP, what);
}

/* ---- stage "regs": the loop and its handler ---- */

/* What host_regs_entry found: x0..x30 and SP as the dispatcher left them. */
struct host_regs {
	u64 x[31];
	u64 sp;
};
_Static_assert(offsetof(struct host_regs, sp) == 248, "asm offsets");

/* The loop's flag, then x0..x30 and SP after it, SP before it. */
struct host_loop {
	u64 flag;
	u64 x[31];
	u64 sp_after;
	u64 sp_before;
};
_Static_assert(offsetof(struct host_loop, x) == 8, "asm offsets");
_Static_assert(offsetof(struct host_loop, sp_after) == 256, "asm offsets");
_Static_assert(offsetof(struct host_loop, sp_before) == 264, "asm offsets");

struct host_regs host_entry_regs;
static struct host_loop loop_area;
static u64 regs_context[18];

void host_regs_entry(void);
void host_regs_loop(struct host_loop *area);
extern const char host_regs_loop_start[], host_regs_loop_end[];
void host_regs_handler(u64 event, u64 arg, u64 pc, u64 pstate);

/*
 * host_regs_entry records x0..x30 and SP before anything changes them
 * (x29, x30 and x18 go to the stack first, x30 then holds the record's
 * address), calls host_regs_handler, restores x18, x29, x30 and COMPLETEs.
 *
 * host_regs_loop(area) saves what the C ABI wants kept, masks DAIF, loads
 * K(n) into x0..x30 but x9 (the flag it polls) and x10 (&area->flag),
 * records SP, and spins until the flag is set; then it stores x0..x30
 * and SP in area and returns.
 */
asm(".pushsection .text, \"ax\"\n"
    "	.globl	host_regs_entry\n"
    "	.type	host_regs_entry, %function\n"
    "	.balign	4\n"
    "host_regs_entry:\n"
    "	stp	x29, x30, [sp, #-32]!\n"
    "	str	x18, [sp, #16]\n"
    "	adrp	x30, host_entry_regs\n"
    "	add	x30, x30, :lo12:host_entry_regs\n"
    "	stp	x0, x1, [x30, #0]\n"
    "	stp	x2, x3, [x30, #16]\n"
    "	stp	x4, x5, [x30, #32]\n"
    "	stp	x6, x7, [x30, #48]\n"
    "	stp	x8, x9, [x30, #64]\n"
    "	stp	x10, x11, [x30, #80]\n"
    "	stp	x12, x13, [x30, #96]\n"
    "	stp	x14, x15, [x30, #112]\n"
    "	stp	x16, x17, [x30, #128]\n"
    "	stp	x18, x19, [x30, #144]\n"
    "	stp	x20, x21, [x30, #160]\n"
    "	stp	x22, x23, [x30, #176]\n"
    "	stp	x24, x25, [x30, #192]\n"
    "	stp	x26, x27, [x30, #208]\n"
    "	str	x28, [x30, #224]\n"
    "	ldp	x4, x5, [sp]\n"
    "	stp	x4, x5, [x30, #232]\n"
    "	add	x4, sp, #32\n"
    "	str	x4, [x30, #248]\n"
    "	mov	x29, sp\n"
    "	bl	host_regs_handler\n"
    "	ldr	x18, [sp, #16]\n"
    "	ldp	x29, x30, [sp], #32\n"
    "	movz	x0, #0x0025\n"
    "	movk	x0, #0xc400, lsl #16\n"
    "	mov	x1, #0\n"
    "	mrs	x9, CurrentEL\n"
    "	cmp	x9, #(2 << 2)\n"
    "	b.eq	1f\n"
    "	hvc	#0\n"
    "	b	2f\n"
    "1:	smc	#0\n"
    "2:	bl	sdei_complete_returned\n"
    "	.size	host_regs_entry, . - host_regs_entry\n"
    "\n"
    "	.globl	host_regs_loop\n"
    "	.type	host_regs_loop, %function\n"
    "	.balign	4\n"
    "host_regs_loop:\n"
    "	stp	x29, x30, [sp, #-112]!\n"
    "	mov	x29, sp\n"
    "	stp	x19, x20, [sp, #16]\n"
    "	stp	x21, x22, [sp, #32]\n"
    "	stp	x23, x24, [sp, #48]\n"
    "	stp	x25, x26, [sp, #64]\n"
    "	stp	x27, x28, [sp, #80]\n"
    "	mrs	x9, daif\n"
    "	str	x9, [sp, #96]\n"
    "	msr	daifset, #0xf\n"
    "	mov	x10, x0\n"
    "	mov	x9, sp\n"
    "	str	x9, [x10, #264]\n"
    "	.irp	r, 0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14, 15, 16, 17, "
    "18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30\n"
    "	movz	x\\r, #0x4b1d, lsl #48\n"
    "	movk	x\\r, #(\\r << 8) | \\r\n"
    "	.endr\n"
    "	mov	x9, #0\n"
    "	.globl	host_regs_loop_start\n"
    "host_regs_loop_start:\n"
    "1:	ldr	x9, [x10]\n"
    "	cbz	x9, 1b\n"
    "	.globl	host_regs_loop_end\n"
    "host_regs_loop_end:\n"
    "	stp	x0, x1, [x10, #8]\n"
    "	stp	x2, x3, [x10, #24]\n"
    "	stp	x4, x5, [x10, #40]\n"
    "	stp	x6, x7, [x10, #56]\n"
    "	stp	x8, x9, [x10, #72]\n"
    "	stp	x10, x11, [x10, #88]\n"
    "	stp	x12, x13, [x10, #104]\n"
    "	stp	x14, x15, [x10, #120]\n"
    "	stp	x16, x17, [x10, #136]\n"
    "	stp	x18, x19, [x10, #152]\n"
    "	stp	x20, x21, [x10, #168]\n"
    "	stp	x22, x23, [x10, #184]\n"
    "	stp	x24, x25, [x10, #200]\n"
    "	stp	x26, x27, [x10, #216]\n"
    "	stp	x28, x29, [x10, #232]\n"
    "	str	x30, [x10, #248]\n"
    "	mov	x9, sp\n"
    "	str	x9, [x10, #256]\n"
    "	ldr	x9, [sp, #96]\n"
    "	msr	daif, x9\n"
    "	ldp	x19, x20, [sp, #16]\n"
    "	ldp	x21, x22, [sp, #32]\n"
    "	ldp	x23, x24, [sp, #48]\n"
    "	ldp	x25, x26, [sp, #64]\n"
    "	ldp	x27, x28, [sp, #80]\n"
    "	ldp	x29, x30, [sp], #112\n"
    "	ret\n"
    "	.size	host_regs_loop, . - host_regs_loop\n"
    ".popsection\n");

/* On the interrupted SP, DAIF masked: no FP, no lock, no rt_printf. */
__attribute__((target("general-regs-only"))) void
host_regs_handler(u64 event, u64 arg, u64 pc, u64 pstate)
{
	(void)event;
	(void)arg;
	(void)pc;
	(void)pstate;
	for (unsigned int i = 0; i < 18; i++)
		regs_context[i] = sdei_guest_call(SDEI_EVENT_CONTEXT, i, 0);
	loop_area.flag = 1;
	dsb(sy);
}

/* The value the loop held in xN while it spun. */
static u64 loop_value(unsigned int n)
{
	if (n == 9)
		return 0;
	if (n == 10)
		return (u64)&loop_area.flag;
	return K(n);
}

static void check_regs_entry(void)
{
	const struct host_regs *r = &host_entry_regs;
	u64 loop_pc0 = (u64)host_regs_loop_start;
	u64 loop_pc1 = (u64)host_regs_loop_end;

	if (r->x[0] != EV_NORMAL || r->x[1] != ARG_REGS)
		fail(HOST_F_REGS_X0X1, "x0 %#llx x1 %#llx at entry", r->x[0],
		     r->x[1]);
	checks++;
	if (r->x[2] < loop_pc0 || r->x[2] >= loop_pc1)
		fail(HOST_F_REGS_PC,
		     "x2 %#llx is not in the loop [%#llx, %#llx)", r->x[2],
		     loop_pc0, loop_pc1);
	checks++;
	if ((r->x[3] & PSR_DAIF) != PSR_DAIF ||
	    ((r->x[3] >> 2) & 3) != rt_current_el() || (r->x[3] & 0x10))
		fail(HOST_F_REGS_PSTATE,
		     "x3 %#llx: not the loop's PSTATE (EL%u, DAIF masked)",
		     r->x[3], rt_current_el());
	checks++;
	for (unsigned int n = 4; n <= 30; n++)
		if (r->x[n] != loop_value(n))
			fail(HOST_F_REGS_ENTRY,
			     "x%u at entry %#llx, loop had %#llx", n, r->x[n],
			     loop_value(n));
	if (r->sp != loop_area.sp_before)
		fail(HOST_F_REGS_ENTRY, "SP at entry %#llx, loop had %#llx",
		     r->sp, loop_area.sp_before);
	checks++;
	for (unsigned int n = 0; n < 18; n++)
		if (regs_context[n] != loop_value(n))
			fail(HOST_F_REGS_CONTEXT,
			     "EVENT_CONTEXT(%u) %#llx, loop had %#llx", n,
			     regs_context[n], loop_value(n));
	checks++;
}

static void check_regs_after(void)
{
	for (unsigned int n = 0; n <= 30; n++) {
		u64 want = n == 9 ? 1 : loop_value(n);

		if (loop_area.x[n] != want)
			fail(HOST_F_REGS_AFTER,
			     "x%u after COMPLETE %#llx, expected %#llx", n,
			     loop_area.x[n], want);
	}
	if (loop_area.sp_after != loop_area.sp_before)
		fail(HOST_F_REGS_AFTER, "SP after COMPLETE %#llx, before %#llx",
		     loop_area.sp_after, loop_area.sp_before);
	checks++;
}

static void stage_regs(void)
{
	setup_call(do_register(EV_NORMAL, host_regs_entry, ARG_REGS, 0, 0),
		   "REGISTER(100) on cpu0");
	setup_call(sdei_guest_call(SDEI_EVENT_ENABLE, EV_NORMAL, 0),
		   "ENABLE(100) on cpu0");
	rt_printf("SDEI-HOST: WAIT regs\n");
	host_regs_loop(&loop_area);
	check_regs_entry();
	check_regs_after();
	setup_call(sdei_guest_call(SDEI_EVENT_UNREGISTER, EV_NORMAL, 0),
		   "UNREGISTER(100) on cpu0");
}

/* ---- the plain handlers ---- */

static volatile bool nesting_test; /* the normal handler waits for 200 */
static volatile u64 crit_pc, crit_status_normal, crit_status_crit;
static volatile u64 ev0_during_normal;
/* The shared handler UNREGISTERs its own event, and records the answers. */
static volatile bool unregister_test;
static volatile u64 unreg_ret, unreg_status;

/*
 * host_spin_until(p, n, deadline): spins until *p >= n or CNTVCT reaches
 * deadline. The normal handler waits for the critical event in it, so the
 * critical handler's x2 must lie in [host_spin_until, host_spin_end).
 */
void host_spin_until(const volatile u64 *p, u64 n, u64 deadline);
extern const char host_spin_end[];
asm(".pushsection .text, \"ax\"\n"
    "	.globl	host_spin_until\n"
    "	.type	host_spin_until, %function\n"
    "	.balign	4\n"
    "host_spin_until:\n"
    "1:	ldr	x3, [x0]\n"
    "	cmp	x3, x1\n"
    "	b.hs	2f\n"
    "	isb\n"
    "	mrs	x3, cntvct_el0\n"
    "	cmp	x3, x2\n"
    "	b.lo	1b\n"
    "2:	ret\n"
    "	.globl	host_spin_end\n"
    "host_spin_end:\n"
    "	.size	host_spin_until, . - host_spin_until\n"
    ".popsection\n");

void host_normal_handler(u64 event, u64 arg, u64 pc, u64 pstate);
void host_critical_handler(u64 event, u64 arg, u64 pc, u64 pstate);
void host_shared_handler(u64 event, u64 arg, u64 pc, u64 pstate);
void host_ev0_handler(u64 event, u64 arg, u64 pc, u64 pstate);
SDEI_HANDLER_ENTRY(host_normal_entry, host_normal_handler);
SDEI_HANDLER_ENTRY(host_critical_entry, host_critical_handler);
SDEI_HANDLER_ENTRY(host_shared_entry, host_shared_handler);
SDEI_HANDLER_ENTRY(host_ev0_entry, host_ev0_handler);

static unsigned int this_cpu(void)
{
	return rt_smp_processor_id() & 1;
}

/*
 * Event 100. In the nesting test it tells the host to send the critical
 * event (the interrupted code is main's wait loop, which holds no console
 * lock), signals event 0 to itself, and waits for the critical handler.
 */
__attribute__((target("general-regs-only"))) void
host_normal_handler(u64 event, u64 arg, u64 pc, u64 pstate)
{
	unsigned int cpu = this_cpu();

	(void)pc;
	(void)pstate;
	if (event != EV_NORMAL || arg != ARG_NORMAL)
		shared_arg_bad = shared_arg_bad + 1;
	if (nesting_test) {
		u64 before = n_critical[cpu];

		sdei_guest_call(SDEI_EVENT_SIGNAL, 0,
				read_sysreg(mpidr_el1) & MPIDR_HWID_MASK);
		rt_puts("SDEI-HOST: WAIT critical");
		/* Bounded: main reports the missing critical event. */
		isb();
		host_spin_until(&n_critical[cpu], before + 1,
				read_sysreg(cntvct_el0) +
					read_sysreg(cntfrq_el0) / 1000 *
						HOST_MS);
		ev0_during_normal = n_ev0[cpu];
	}
	n_normal[cpu] = n_normal[cpu] + 1;
	dsb(sy);
}

__attribute__((target("general-regs-only"))) void
host_critical_handler(u64 event, u64 arg, u64 pc, u64 pstate)
{
	unsigned int cpu = this_cpu();

	(void)pstate;
	if (event != EV_CRITICAL || arg != ARG_CRITICAL)
		shared_arg_bad = shared_arg_bad + 1;
	crit_pc = pc;
	crit_status_normal = sdei_guest_call(SDEI_EVENT_STATUS, EV_NORMAL, 0);
	crit_status_crit = sdei_guest_call(SDEI_EVENT_STATUS, EV_CRITICAL, 0);
	n_critical[cpu] = n_critical[cpu] + 1;
	dsb(sy);
}

__attribute__((target("general-regs-only"))) void
host_shared_handler(u64 event, u64 arg, u64 pc, u64 pstate)
{
	unsigned int cpu = this_cpu();

	(void)pc;
	(void)pstate;
	if (event != EV_SHARED || arg != ARG_SHARED)
		shared_arg_bad = shared_arg_bad + 1;
	if (unregister_test) {
		unreg_ret =
			sdei_guest_call(SDEI_EVENT_UNREGISTER, EV_SHARED, 0);
		unreg_status = sdei_guest_call(SDEI_EVENT_STATUS, EV_SHARED, 0);
	}
	n_shared[cpu] = n_shared[cpu] + 1;
	n_shared_any = n_shared_any + 1;
	dsb(sy);
}

__attribute__((target("general-regs-only"))) void
host_ev0_handler(u64 event, u64 arg, u64 pc, u64 pstate)
{
	unsigned int cpu = this_cpu();

	(void)pc;
	(void)pstate;
	if (event != 0 || arg != ARG_EV0)
		shared_arg_bad = shared_arg_bad + 1;
	n_ev0[cpu] = n_ev0[cpu] + 1;
	dsb(sy);
}

/* ---- stage "normal" / "critical" ---- */

/* Whether pc lies in the normal handler's wait for the critical event. */
static bool in_normal_handler(u64 pc)
{
	return pc >= (u64)host_spin_until && pc < (u64)host_spin_end;
}

static void stage_nesting(void)
{
	setup_call(do_register(EV_NORMAL, host_normal_entry, ARG_NORMAL, 0, 0),
		   "REGISTER(100) on cpu0");
	setup_call(do_register(EV_CRITICAL, host_critical_entry, ARG_CRITICAL,
			       0, 0),
		   "REGISTER(200) on cpu0");
	setup_call(do_register(0, host_ev0_entry, ARG_EV0, 0, 0),
		   "REGISTER(0) on cpu0");
	setup_call(sdei_guest_call(SDEI_EVENT_ENABLE, EV_NORMAL, 0),
		   "ENABLE(100)");
	setup_call(sdei_guest_call(SDEI_EVENT_ENABLE, EV_CRITICAL, 0),
		   "ENABLE(200)");
	setup_call(sdei_guest_call(SDEI_EVENT_ENABLE, 0, 0), "ENABLE(0)");
	nesting_test = true;
	wait_host("normal", &n_normal[0], 1);
	nesting_test = false;
	if (n_critical[0] != 1)
		fail(HOST_F_NEST_COUNT,
		     "critical handler ran %llu times during the normal one",
		     n_critical[0]);
	checks++;
	if (!in_normal_handler(crit_pc))
		fail(HOST_F_NEST_CRIT_PC,
		     "critical x2 %#llx is not in the normal handler's wait [%#llx, %#llx)",
		     crit_pc, (u64)host_spin_until, (u64)host_spin_end);
	checks++;
	expect(crit_status_normal, 7, HOST_F_NEST_STATUS,
	       "EVENT_STATUS(100) in the critical handler");
	expect(crit_status_crit, 7, HOST_F_NEST_STATUS,
	       "EVENT_STATUS(200) in the critical handler");
	if (ev0_during_normal)
		fail(HOST_F_NEST_ORDER,
		     "event 0 (normal) ran inside the normal handler");
	checks++;
	/* Event 0 was pending behind the normal handler: it runs now. */
	if (!sdei_wait_reach(&n_ev0[0], 1, STAGE_MS))
		fail(HOST_F_NEST_EV0,
		     "event 0 did not run after the normal handler completed");
	checks++;
	if (shared_arg_bad)
		fail(HOST_F_NEST_COUNT, "a handler saw a wrong event or arg");
}

/* ---- stage "route-*" and "masked": cpu1's side ---- */

enum cpu1_stage {
	C1_READY = 1, /* registered its event 100, unmasked */
	C1_MASKED = 2, /* PE_MASKed */
	C1_UNMASKED = 3, /* PE_UNMASK returned */
	C1_DONE = 4,
};

static void cpu1_wait(u64 stage)
{
	if (!sdei_wait_reach(&want1, stage, HOST_MS + STAGE_MS))
		cpu1_err = HOST_F_WAIT_CPU;
}

static void cpu1_main(void *unused)
{
	(void)unused;
	if (do_register(EV_NORMAL, host_normal_entry, ARG_NORMAL, 0, 0) ||
	    sdei_guest_call(SDEI_EVENT_ENABLE, EV_NORMAL, 0) ||
	    sdei_guest_call(SDEI_PE_UNMASK, 0, 0))
		cpu1_err = HOST_F_SETUP;
	at1 = C1_READY;
	cpu1_wait(C1_MASKED);
	if (sdei_guest_call(SDEI_PE_MASK, 0, 0) != 1)
		cpu1_err = HOST_F_SETUP;
	at1 = C1_MASKED;
	cpu1_wait(C1_UNMASKED);
	sdei_guest_call(SDEI_PE_UNMASK, 0, 0);
	/* The completion of that call ran the pending event. */
	at1 = C1_UNMASKED;
	cpu1_wait(C1_DONE);
	at1 = C1_DONE;
}

static void cpu1_goto(u64 stage)
{
	want1 = stage;
	dsb(sy);
	if (!sdei_wait_reach(&at1, stage, STAGE_MS) || cpu1_err)
		fail(cpu1_err ? cpu1_err : HOST_F_WAIT_CPU,
		     "cpu1 did not reach stage %llu (error %d)", stage,
		     cpu1_err);
}

static u64 routed(u64 info)
{
	return sdei_guest_call(SDEI_EVENT_GET_INFO, EV_SHARED, info);
}

static void route_to(u64 mode, u64 aff)
{
	u64 status = SDEI_STATUS_RUNNING;

	setup_call(sdei_guest_call(SDEI_EVENT_DISABLE, EV_SHARED, 0),
		   "DISABLE(300)");
	/*
	 * ROUTING_SET needs the event not running: the handler on the other
	 * CPU counted its run before its COMPLETE reached lkvm.
	 */
	for (unsigned int i = 0; i < STAGE_MS / 10; i++) {
		status = sdei_guest_call(SDEI_EVENT_STATUS, EV_SHARED, 0);
		if (!(status & SDEI_STATUS_RUNNING))
			break;
		sdei_delay_ms(10);
	}
	if (status & SDEI_STATUS_RUNNING)
		fail(HOST_F_ROUTE_SET, "event 300 still running after %u ms",
		     STAGE_MS);
	setup_call(rt_smccc_call7(SDEI_EVENT_ROUTING_SET, EV_SHARED, mode, aff,
				  0, 0, 0, 0)
			   .x0,
		   "ROUTING_SET(300)");
	setup_call(sdei_guest_call(SDEI_EVENT_ENABLE, EV_SHARED, 0),
		   "ENABLE(300)");
}

static void stage_routing(void)
{
	u64 before;

	setup_call(do_register(EV_SHARED, host_shared_entry, ARG_SHARED,
			       SDEI_RM_PE, mpidr1),
		   "REGISTER(300, RM_PE cpu1)");
	setup_call(sdei_guest_call(SDEI_EVENT_ENABLE, EV_SHARED, 0),
		   "ENABLE(300)");
	expect(routed(SDEI_INFO_ROUTING_MODE), SDEI_RM_PE, HOST_F_ROUTE_INFO,
	       "GET_INFO(300, ROUTING_MODE)");
	expect(routed(SDEI_INFO_ROUTING_AFF), mpidr1, HOST_F_ROUTE_INFO,
	       "GET_INFO(300, ROUTING_AFF)");
	/* DEN0054B EVENT_ROUTING_SET: shared, registered and disabled only. */
	expect(rt_smccc_call7(SDEI_EVENT_ROUTING_SET, EV_SHARED, SDEI_RM_ANY, 0,
			      0, 0, 0, 0)
		       .x0,
	       SDEI_DENIED, HOST_F_ROUTE_ERRORS, "ROUTING_SET while enabled");
	expect(rt_smccc_call7(SDEI_EVENT_ROUTING_SET, EV_NORMAL, SDEI_RM_ANY, 0,
			      0, 0, 0, 0)
		       .x0,
	       SDEI_INVALID_PARAMETERS, HOST_F_ROUTE_ERRORS,
	       "ROUTING_SET of a private event");
	expect(sdei_guest_call(SDEI_EVENT_GET_INFO, EV_NORMAL,
			       SDEI_INFO_ROUTING_MODE),
	       SDEI_INVALID_PARAMETERS, HOST_F_ROUTE_ERRORS,
	       "GET_INFO(ROUTING_MODE) of a private event");
	setup_call(sdei_guest_call(SDEI_EVENT_DISABLE, EV_SHARED, 0),
		   "DISABLE(300)");
	expect(rt_smccc_call7(SDEI_EVENT_ROUTING_SET, EV_SHARED, SDEI_RM_PE,
			      0xff, 0, 0, 0, 0)
		       .x0,
	       SDEI_INVALID_PARAMETERS, HOST_F_ROUTE_ERRORS,
	       "ROUTING_SET RM_PE to an MPIDR of no vCPU");
	expect(rt_smccc_call7(SDEI_EVENT_ROUTING_SET, EV_SHARED, 2, 0, 0, 0, 0,
			      0)
		       .x0,
	       SDEI_INVALID_PARAMETERS, HOST_F_ROUTE_ERRORS,
	       "ROUTING_SET with flags 2");
	setup_call(sdei_guest_call(SDEI_EVENT_ENABLE, EV_SHARED, 0),
		   "ENABLE(300)");
	wait_host("route-pe1", &n_shared[1], 1);
	if (n_shared[0])
		fail(HOST_F_ROUTE_PE1, "RM_PE to cpu1 also ran on cpu0");
	checks++;

	route_to(SDEI_RM_PE, mpidr0);
	wait_host("route-pe0", &n_shared[0], 1);
	if (n_shared[1] != 1)
		fail(HOST_F_ROUTE_PE0, "RM_PE to cpu0 ran on cpu1");
	checks++;

	route_to(SDEI_RM_ANY, 0);
	expect(routed(SDEI_INFO_ROUTING_MODE), SDEI_RM_ANY, HOST_F_ROUTE_INFO,
	       "GET_INFO(300, ROUTING_MODE) after ROUTING_SET");
	before = n_shared[0] + n_shared[1];
	rt_printf("SDEI-HOST: WAIT route-any\n");
	for (unsigned int i = 0; i < HOST_MS / 10; i++) {
		if (n_shared[0] + n_shared[1] > before)
			break;
		sdei_delay_ms(10);
	}
	sdei_delay_ms(QUIET_MS);
	if (n_shared[0] + n_shared[1] != before + 1)
		fail(HOST_F_ROUTE_ANY, "RM_ANY: %llu runs, expected one",
		     n_shared[0] + n_shared[1] - before);
	checks++;
	if (shared_arg_bad)
		fail(HOST_F_ROUTE_ANY, "a handler saw a wrong event or arg");
}

/*
 * UNREGISTER from inside the running handler answers PENDING (the
 * registration ends at its COMPLETE); the status then says running only.
 */
static void stage_unregister(void)
{
	u64 status = ~0ULL;

	unregister_test = true;
	dsb(sy);
	wait_host("unregister", &n_shared_any, n_shared_any + 1);
	unregister_test = false;
	expect(unreg_ret, SDEI_PENDING, HOST_F_UNREG_PENDING,
	       "UNREGISTER(300) in its running handler");
	expect(unreg_status, SDEI_STATUS_RUNNING, HOST_F_UNREG_PENDING,
	       "EVENT_STATUS(300) after that UNREGISTER");
	/* The handler may run on cpu1: its COMPLETE comes a little later. */
	for (unsigned int i = 0; i < STAGE_MS / 10 && status; i++) {
		status = sdei_guest_call(SDEI_EVENT_STATUS, EV_SHARED, 0);
		if (status)
			sdei_delay_ms(10);
	}
	expect(status, 0, HOST_F_UNREG_DONE,
	       "EVENT_STATUS(300) after the handler completed");
}

/*
 * The host signals event 100 to masked cpu1 (the scenario checks lkvm's
 * "held=masked" reply), then to cpu0 as the go-ahead: by then cpu1 must
 * still not have run it.
 */
static void stage_masked(void)
{
	u64 before = n_normal[0];

	cpu1_goto(C1_MASKED);
	wait_host("masked", &n_normal[0], before + 1);
	if (n_normal[1] || sdei_wait_reach(&n_normal[1], 1, QUIET_MS))
		fail(HOST_F_MASKED_RAN, "event 100 ran on masked cpu1");
	checks++;
}

static void stage_unmask(void)
{
	cpu1_goto(C1_UNMASKED);
	if (n_normal[1] != 1)
		fail(HOST_F_MASKED_UNMASK,
		     "event 100 ran %llu times on cpu1 by PE_UNMASK's return",
		     n_normal[1]);
	checks++;
	cpu1_goto(C1_DONE);
}

int main(void *dtb)
{
	u64 v;

	(void)dtb;
	sdei_catch_exceptions();
	mpidr0 = read_sysreg(mpidr_el1) & MPIDR_HWID_MASK;
	mpidr1 = rt_kvm_vcpu_mpidr(1);
	rt_printf("SDEI-HOST: at EL%u, cpu0 MPIDR %#llx\n", rt_current_el(),
		  mpidr0);
	v = sdei_guest_call(SDEI_VERSION, 0, 0);
	if ((s64)v < 0 || (v >> 48) != 1)
		fail(HOST_F_VERSION, "VERSION returned %#llx", v);
	setup_call(sdei_guest_call(SDEI_PRIVATE_RESET, 0, 0), "PRIVATE_RESET");
	setup_call(sdei_guest_call(SDEI_SHARED_RESET, 0, 0), "SHARED_RESET");
	setup_call(sdei_guest_call(SDEI_PE_UNMASK, 0, 0), "PE_UNMASK on cpu0");
	if (rt_cpu_on(1, mpidr1, cpu1_main, NULL))
		fail(HOST_F_CPU_ON, "rt_cpu_on(1) failed: run with -c 2");
	cpu1_goto(C1_READY);

	stage_regs();
	stage_nesting();
	stage_routing();
	stage_unregister();
	stage_masked();
	stage_unmask();
	rt_printf("SDEI-HOST: PASS %u checks\n", checks);
	return 0;
}
