// SPDX-License-Identifier: GPL-2.0
/*
 * SDEI INTERRUPT_BIND of an interrupt lkvm raises itself (Arm DEN0054B,
 * "Bound interrupts"): the 8250 UART's SPI (INTID 32, the only device lkvm
 * has). The UART raises its line on demand: enabling the THR-empty
 * interrupt (IER.ETBEI) while THR is empty asserts it, clearing IER (or
 * reading IIR) drops it. The GIC distributor's ISPENDR shows whether the
 * line reached the GIC (set up level-triggered, as the device tree says).
 * On vCPU 0, at EL1 or EL2 (--nested):
 *
 *  1. FEATURES(BIND_SLOTS) is 1 shared slot, 0 private. BIND refuses an
 *     SGI and INTIDs past the vGIC's (INVALID_PARAMETERS), the timer PPIs
 *     and an SPI of no device (DENIED).
 *  2. BIND(32) gives an event number; again the same one. It is shared,
 *     normal, not signalable. ENABLE before REGISTER is DENIED.
 *  3. Bound and not registered, the interrupt is still the guest's: the
 *     UART's line shows pending at the GIC.
 *  4. Registered (RM_PE to vCPU 0) and enabled with the line still high:
 *     the line leaves the GIC (not pending there) and the event runs at
 *     ENABLE's completion. The handler sees x0 = the event, x1 = the
 *     argument, IIR reporting THRE; it clears IER, so it runs once.
 *  5. Level-sensitive: a handler that leaves the line high on its first
 *     run is entered again right after its COMPLETE, and clears it then:
 *     two runs for one assertion, none after. The GIC never saw the line.
 *  6. RELEASE while registered: DENIED. UNREGISTER, RELEASE: the line is
 *     the GIC's again (pending there while asserted), no handler runs.
 *  7. SHARED_RESET releases bindings: BIND, REGISTER, UNREGISTER,
 *     SHARED_RESET, then RELEASE of that event is INVALID_PARAMETERS.
 *
 * Prints "SDEI-BIND: PASS <n> checks" or "SDEI-BIND: FAIL <what>" and fails
 * with one of the codes of enum bind_fail. Every wait is bounded.
 */
#include "arm64/layout.h"

/* A FAIL line must not re-raise the UART's interrupt: quiet it first. */
#define SDEI_TEST "SDEI-BIND"
#define SDEI_TEST_BEFORE_FAIL() rt_writeb(0, LKVM_UART_BASE + 1)
#include "sdei-guest.h"

#define UART_IER 1
#define UART_IIR 2
#define UART_IER_ETBEI 0x02
#define UART_IIR_THRI 0x02
#define UART_INTID 32

#define GICD_ISPENDR(n) (LKVM_GIC_DIST_BASE + 0x200 + 4 * (n))
#define GICD_ICFGR(n) (LKVM_GIC_DIST_BASE + 0xc00 + 4 * (n))

#define BIND_ARG 0xb1d0b1d0b1d00001ULL
#define DELIVERY_MS 1000

enum bind_fail {
	BIND_F_VERSION = 1,
	BIND_F_RESET = 2,
	BIND_F_FEATURES = 3,
	BIND_F_REFUSED = 4, /* an INTID that must be refused was bound */
	BIND_F_BIND = 5, /* BIND(32) failed or changed its number */
	BIND_F_INFO = 6,
	BIND_F_ENABLE_EARLY = 7,
	BIND_F_GIC_UNBOUND = 8, /* bound, unregistered: not at the GIC */
	BIND_F_REGISTER = 9,
	BIND_F_GIC_OWNED = 10, /* registered: the line still at the GIC */
	BIND_F_DELIVERY = 11, /* the handler did not run as expected */
	BIND_F_HANDLER = 12, /* it saw the wrong event, argument or IIR */
	BIND_F_LEVEL = 13, /* no second run while the line stayed high */
	BIND_F_RELEASE = 14,
	BIND_F_GIC_RELEASED = 15, /* released: the line not at the GIC */
	BIND_F_SHARED_RESET = 16,
	BIND_F_COMPLETE_RETURNED = 17,
};

/* ---- the handler ---- */

static volatile u64 h_count, h_event, h_arg, h_iir, h_bad;
/* Runs that leave the line high before clearing it. */
static volatile u64 h_keep_high;

void bind_handler(u64 event, u64 arg, u64 pc, u64 pstate);
SDEI_HANDLER_ENTRY(bind_entry, bind_handler);

__attribute__((target("general-regs-only"))) void
bind_handler(u64 event, u64 arg, u64 pc, u64 pstate)
{
	(void)pc;
	(void)pstate;
	h_event = event;
	h_arg = arg;
	if (rt_smp_processor_id() != 0)
		h_bad = h_bad + 1;
	if (h_keep_high) {
		h_keep_high = h_keep_high - 1;
	} else {
		/* Serve the device: the cause (and the line) goes away. */
		h_iir = rt_readb(LKVM_UART_BASE + UART_IIR);
		rt_writeb(0, LKVM_UART_BASE + UART_IER);
	}
	h_count = h_count + 1;
	dsb(sy);
}

/* ---- helpers ---- */

static unsigned int checks;

void sdei_complete_returned(u64 ret)
{
	fail(BIND_F_COMPLETE_RETURNED,
	     "EVENT_COMPLETE in the handler returned %lld", (s64)ret);
}

static void expect(u64 got, u64 want, int code, const char *what)
{
	if (got != want)
		fail(code, "%s returned %#llx (%lld), expected %#llx (%lld)",
		     what, got, (s64)got, want, (s64)want);
	checks++;
}

static bool gic_pending(void)
{
	return rt_readl(GICD_ISPENDR(UART_INTID / 32)) &
	       (1u << (UART_INTID % 32));
}

/*
 * The device tree gives the UART a level-high interrupt; KVM's vGIC starts
 * SPIs edge-triggered, so configure it as Linux would (GICD_ICFGR: two
 * bits per INTID, bit 1 set for edge).
 */
static void gic_set_level_triggered(void)
{
	unsigned long reg = GICD_ICFGR(UART_INTID / 16);
	unsigned int shift = (UART_INTID % 16) * 2 + 1;

	rt_writel(rt_readl(reg) & ~(1u << shift), reg);
}

static void uart_line(bool high)
{
	rt_writeb(high ? UART_IER_ETBEI : 0, LKVM_UART_BASE + UART_IER);
}

/* Waits (boundedly) for h_count to reach n. */
static bool wait_count(u64 n)
{
	return sdei_wait_reach(&h_count, n, DELIVERY_MS);
}

static u64 register_bound(u64 ev)
{
	return rt_smccc_call7(SDEI_EVENT_REGISTER, ev, (u64)bind_entry,
			      BIND_ARG, SDEI_RM_PE,
			      read_sysreg(mpidr_el1) & MPIDR_HWID_MASK, 0, 0)
		.x0;
}

/* ---- the stages ---- */

static void check_refusals(void)
{
	static const struct {
		u64 intid, want;
	} refused[] = {
		{ 5, SDEI_INVALID_PARAMETERS }, /* an SGI */
		{ 27, SDEI_DENIED }, /* the virtual timer: KVM's */
		{ 30, SDEI_DENIED }, /* the physical timer */
		{ 33, SDEI_DENIED }, /* an SPI no device of lkvm's drives */
		{ 1019, SDEI_INVALID_PARAMETERS }, /* past the vGIC's SPIs */
		{ 1ULL << 32, SDEI_INVALID_PARAMETERS },
	};

	expect(sdei_guest_call(SDEI_FEATURES, 0, 0), 1ULL << 16,
	       BIND_F_FEATURES,
	       "FEATURES(BIND_SLOTS): 1 shared slot, 0 private");
	for (unsigned int i = 0; i < RT_ARRAY_SIZE(refused); i++) {
		u64 r = sdei_guest_call(SDEI_INTERRUPT_BIND, refused[i].intid,
					0);

		if (r != refused[i].want)
			fail(BIND_F_REFUSED,
			     "INTERRUPT_BIND(%llu) returned %#llx, expected %lld",
			     refused[i].intid, r, (s64)refused[i].want);
		checks++;
	}
}

static u64 check_bind(void)
{
	u64 ev = sdei_guest_call(SDEI_INTERRUPT_BIND, UART_INTID, 0);

	if ((s64)ev < 0)
		fail(BIND_F_BIND, "INTERRUPT_BIND(32) returned %lld", (s64)ev);
	checks++;
	expect(sdei_guest_call(SDEI_INTERRUPT_BIND, UART_INTID, 0), ev,
	       BIND_F_BIND, "INTERRUPT_BIND(32) again");
	expect(sdei_guest_call(SDEI_EVENT_GET_INFO, ev, SDEI_INFO_TYPE), 1,
	       BIND_F_INFO, "GET_INFO(TYPE): shared");
	expect(sdei_guest_call(SDEI_EVENT_GET_INFO, ev, SDEI_INFO_PRIORITY), 0,
	       BIND_F_INFO, "GET_INFO(PRIORITY): normal");
	expect(sdei_guest_call(SDEI_EVENT_GET_INFO, ev, SDEI_INFO_SIGNALED), 0,
	       BIND_F_INFO, "GET_INFO(SIGNALED): not signalable");
	expect(sdei_guest_call(SDEI_EVENT_ENABLE, ev, 0), SDEI_DENIED,
	       BIND_F_ENABLE_EARLY, "ENABLE before REGISTER");
	rt_printf("SDEI-BIND: INTID 32 bound to event %#llx\n", ev);
	return ev;
}

/* Stages 3 and 4: the line moves from the GIC to SDEI at REGISTER. */
static void check_handover(u64 ev)
{
	bool at_gic;

	uart_line(true);
	at_gic = gic_pending();
	if (!at_gic)
		fail(BIND_F_GIC_UNBOUND,
		     "bound but unregistered, the UART's line is not pending at the GIC");
	checks++;
	if (register_bound(ev) != SDEI_SUCCESS)
		fail(BIND_F_REGISTER, "REGISTER of the bound event failed");
	checks++;
	at_gic = gic_pending();
	if (at_gic)
		fail(BIND_F_GIC_OWNED,
		     "registered, the UART's line is still pending at the GIC");
	checks++;
	if (h_count)
		fail(BIND_F_DELIVERY, "the handler ran before ENABLE");
	expect(sdei_guest_call(SDEI_EVENT_ENABLE, ev, 0), SDEI_SUCCESS,
	       BIND_F_REGISTER, "ENABLE");
	if (!wait_count(1))
		fail(BIND_F_DELIVERY,
		     "the handler did not run for the asserted line");
	checks++;
	if (h_event != ev || h_arg != BIND_ARG ||
	    (h_iir & 0x0f) != UART_IIR_THRI || h_bad)
		fail(BIND_F_HANDLER,
		     "handler saw event %#llx arg %#llx IIR %#llx (bad %llu)",
		     h_event, h_arg, h_iir, h_bad);
	checks++;
}

/* Stage 5: still high at COMPLETE, it runs again. */
static void check_level(void)
{
	u64 before = h_count;

	h_keep_high = 1;
	dsb(sy);
	uart_line(true);
	if (!wait_count(before + 2))
		fail(BIND_F_LEVEL,
		     "%llu runs for a line left high once, expected 2",
		     h_count - before);
	checks++;
	sdei_delay_ms(100);
	if (h_count != before + 2 || gic_pending())
		fail(BIND_F_LEVEL,
		     "after the line fell: %llu runs, GIC pending %d",
		     h_count - before, gic_pending());
	checks++;
}

/* Stage 6: back to the GIC. */
static void check_release(u64 ev)
{
	u64 before = h_count;
	bool at_gic;

	expect(sdei_guest_call(SDEI_INTERRUPT_RELEASE, ev, 0), SDEI_DENIED,
	       BIND_F_RELEASE, "RELEASE while registered");
	expect(sdei_guest_call(SDEI_EVENT_UNREGISTER, ev, 0), SDEI_SUCCESS,
	       BIND_F_RELEASE, "UNREGISTER");
	expect(sdei_guest_call(SDEI_INTERRUPT_RELEASE, ev, 0), SDEI_SUCCESS,
	       BIND_F_RELEASE, "RELEASE");
	uart_line(true);
	at_gic = gic_pending();
	uart_line(false);
	if (!at_gic || gic_pending())
		fail(BIND_F_GIC_RELEASED,
		     "released: GIC pending %d while asserted, %d after",
		     at_gic, gic_pending());
	checks++;
	sdei_delay_ms(50);
	if (h_count != before)
		fail(BIND_F_GIC_RELEASED, "the handler ran after RELEASE");
	checks++;
}

static void check_shared_reset(void)
{
	u64 ev = sdei_guest_call(SDEI_INTERRUPT_BIND, UART_INTID, 0);

	if ((s64)ev < 0 || register_bound(ev) != SDEI_SUCCESS ||
	    sdei_guest_call(SDEI_EVENT_UNREGISTER, ev, 0) != SDEI_SUCCESS)
		fail(BIND_F_SHARED_RESET, "BIND, REGISTER, UNREGISTER again");
	expect(sdei_guest_call(SDEI_SHARED_RESET, 0, 0), SDEI_SUCCESS,
	       BIND_F_SHARED_RESET, "SHARED_RESET");
	expect(sdei_guest_call(SDEI_INTERRUPT_RELEASE, ev, 0),
	       SDEI_INVALID_PARAMETERS, BIND_F_SHARED_RESET,
	       "RELEASE after SHARED_RESET released it");
}

int main(void *dtb)
{
	u64 ev, v = sdei_guest_call(SDEI_VERSION, 0, 0);

	(void)dtb;
	if ((s64)v < 0 || (v >> 48) != 1)
		fail(BIND_F_VERSION, "VERSION returned %#llx", v);
	if (sdei_guest_call(SDEI_PRIVATE_RESET, 0, 0) != SDEI_SUCCESS ||
	    sdei_guest_call(SDEI_SHARED_RESET, 0, 0) != SDEI_SUCCESS)
		fail(BIND_F_RESET, "PRIVATE_RESET or SHARED_RESET failed");
	expect(sdei_guest_call(SDEI_PE_UNMASK, 0, 0), SDEI_SUCCESS,
	       BIND_F_RESET, "PE_UNMASK");
	gic_set_level_triggered();
	check_refusals();
	ev = check_bind();
	check_handover(ev);
	check_level();
	check_release(ev);
	check_shared_reset();
	rt_printf("SDEI-BIND: PASS %u checks\n", checks);
	return 0;
}
