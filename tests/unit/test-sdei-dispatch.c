// SPDX-License-Identifier: GPL-2.0
/*
 * SDEI dispatch on an in-memory register file: the handler's entry frame
 * (DEN0054B "Event handling"; the PSTATE an exception entry sets, worked out
 * by hand below), EVENT_COMPLETE and EVENT_COMPLETE_AND_RESUME, nesting,
 * pending and masking, routing, kicks, the PSCI hooks, and seeded random
 * call sequences that must never break the state's invariants.
 */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "test-sdei.h"
#include "../../firmware-emu/sdei-internal.h"

#define RESUME_AT 0xffff800008010480ULL /* VBAR + 0x480, say */

/* SCTLR_ELx: SPAN is bit 23, DSSBS bit 44. */
#define SPAN (1ULL << 23)
#define DSSBS (1ULL << 44)
#define TGE (1ULL << 27)
#define E2H (1ULL << 34)
#define HCR_VM (1ULL << 0)

/* Events: 5 private critical, 6 private normal, 10 shared, 11 shared crit. */
static const struct sdei_event_desc events[] = {
	{ .num = 5, .critical = true },
	{ .num = 6 },
	{ .num = 10, .shared = true },
	{ .num = 11, .shared = true, .critical = true },
};
static const uint32_t bindable[] = { 33, 34, 23 };

static struct sdei_config plat = {
	.events = events,
	.nr_events = ARRAY_SIZE(events),
	.bindable = bindable,
	.nr_bindable = ARRAY_SIZE(bindable),
	.nr_shared_slots = 2,
	.nr_private_slots = 1,
	.client_el = 1,
};

static struct tvm vm;

TVM_FIXTURES(vm, plat);

/* --- The entry PSTATE, worked out bit by bit from AArch64.TakeException. */

START_TEST(handler_pstate)
{
	static const struct {
		uint64_t interrupted, sctlr, hcr;
		unsigned int el;
		bool mte;
		uint64_t want;
	} t[] = {
		/* EL0t, PAN kept (SPAN=1): EL1h, DAIF masked. */
		{ 0x0, SPAN, 0, 1, false, 0x3c5 },
		/* SPAN=0: PAN set. */
		{ 0x0, 0, 0, 1, false, 0x4003c5 },
		/* EL1h with every bit: NZCV, TCO, DIT, PAN, ALLINT kept;
		 * UAO, SS, IL, SSBS, BTYPE cleared. */
		{ 0xf3f03c05, SPAN, 0, 1, false, 0xf34023c5 },
		/* Same into EL2h (a VHE host: E2H, TGE), SSBS from DSSBS, TCO
		 * with MTE, PAN set from SPAN = 0. */
		{ 0xf3f03c05, DSSBS, E2H | TGE, 2, true, 0xf34033c9 },
		/* No TCO before, MTE: set. */
		{ 0x5, SPAN, 0, 1, true, 0x020003c5 },
		/* AArch32 EL0: NZ..GE, IT, E, T dropped; DIT moves 21 -> 24. */
		{ 0x662ffe30, SPAN, 0, 1, false, 0x610003c5 },
		{ 0x662ffe30, SPAN, 0, 1, true, 0x630003c5 },
		/* AArch32 PAN (bit 22 there too) kept with SPAN=1. */
		{ 0x400010, SPAN, 0, 1, false, 0x4003c5 },
		/* EL2h interrupted, EL2 client, DAIF already masked. */
		{ 0x3c9, SPAN | DSSBS, E2H | TGE, 2, false, 0x13c9 },
		/*
		 * EL2 with SPAN = 0 outside the host's own context
		 * ({E2H,TGE} != {1,1}: a VHE client's guest running, or an
		 * nVHE client): PAN is kept, neither set nor cleared.
		 */
		{ 0x3c9, 0, E2H, 2, false, 0x3c9 },
		{ 0x4003c9, 0, E2H, 2, false, 0x4003c9 },
		{ 0x3c9, 0, 0, 2, false, 0x3c9 },
		{ 0x3c9, 0, TGE, 2, false, 0x3c9 },
		{ 0x3c9, 0, E2H | TGE, 2, false, 0x4003c9 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		uint64_t got = sdei_handler_pstate(t[i].interrupted, t[i].sctlr,
						   t[i].hcr, t[i].el, t[i].mte);

		ck_assert_msg(got == t[i].want,
			      "case %u: got 0x%llx, want 0x%llx", i,
			      (unsigned long long)got,
			      (unsigned long long)t[i].want);
	}
}
END_TEST

START_TEST(pstate_el)
{
	ck_assert_uint_eq(sdei_pstate_el(0x0), 0);
	ck_assert_uint_eq(sdei_pstate_el(0x4), 1);
	ck_assert_uint_eq(sdei_pstate_el(0x5), 1);
	ck_assert_uint_eq(sdei_pstate_el(0x9), 2);
	ck_assert_uint_eq(sdei_pstate_el(0xd), 3);
	ck_assert_uint_eq(sdei_pstate_el(0x10), 0);
	ck_assert_uint_eq(sdei_pstate_el(0x13), 1);
	ck_assert_uint_eq(sdei_pstate_el(0x1a), 2);
}
END_TEST

/* --- The register frame. */

static void clear_written(struct regfile *rf)
{
	memset(rf->written, 0, sizeof(rf->written));
}

START_TEST(entry_frame)
{
	struct regfile before;
	unsigned int i;

	vm.rf[0].r[GUEST_REG_PSTATE] = 0x90000000 | T_EL1H; /* N, V; DAIF 0 */
	tvm_ready(&vm, 0, 0, EP, 0xa5a5);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_SIGNAL, 0, aff(0)), R_OK);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0); /* the caller itself */
	before = vm.rf[0];
	clear_written(&vm.rf[0]);

	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0], 0); /* event */
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0 + 1], 0xa5a5);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0 + 2], before.r[GUEST_REG_PC]);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0 + 3], 0x90000000 | T_EL1H);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_PC], EP);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_PSTATE], 0x900003c5);
	/* Nothing else: x4..x30, ELR, SPSR, SCTLR, VBAR. */
	for (i = 4; i <= 30; i++) {
		ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0 + i],
				  before.r[GUEST_REG_X0 + i]);
		ck_assert(!vm.rf[0].written[GUEST_REG_X0 + i]);
	}
	for (i = GUEST_REG_ELR; i < GUEST_NR_REGS; i++) {
		ck_assert_uint_eq(vm.rf[0].r[i], before.r[i]);
		ck_assert(!vm.rf[0].written[i]);
	}
	ck_assert_uint_eq(tvm_state(&vm, 0, 0), 7);
	ck_assert(!tvm_pending(&vm, 0, 0));
	ck_assert_uint_eq(tvm_depth(&vm, 0), 1);
	/* The other vCPU's registers are not touched. */
	ck_assert_uint_eq(vm.rf[1].writes, 0);
}
END_TEST

START_TEST(context_and_complete)
{
	struct regfile before, handler;
	uint64_t v;
	unsigned int i;

	tvm_ready(&vm, 0, 0, EP, 0);
	TCALL(&vm, 0, SDEI_EVENT_SIGNAL, 0, aff(0));
	before = vm.rf[0]; /* x0 holds SIGNAL's result: 0 */
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);

	/* EVENT_CONTEXT gives the interrupted x0..x17. */
	for (i = 0; i < 18; i++) {
		v = TCALL(&vm, 0, SDEI_EVENT_CONTEXT, i);
		ck_assert_uint_eq(v, before.r[GUEST_REG_X0 + i]);
	}
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_CONTEXT, 18), R_INVALID);

	/* The handler runs: it clobbers x0..x17 and changes x18..x30. */
	for (i = 0; i <= 30; i++)
		vm.rf[0].r[GUEST_REG_X0 + i] = 0xbad0000 + i;
	vm.rf[0].r[GUEST_REG_PC] = EP + 0x100;
	handler = vm.rf[0];
	clear_written(&vm.rf[0]);

	TCALL(&vm, 0, SDEI_EVENT_COMPLETE, SDEI_EV_HANDLED);
	ck_assert_int_eq(vm.rc, 0);
	ck_assert_uint_eq(vm.res.nr, 0); /* no return value */
	for (i = 0; i < 18; i++)
		ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0 + i],
				  before.r[GUEST_REG_X0 + i]);
	/* x18..x30 are the handler's to preserve: not restored by us. */
	for (i = 18; i <= 30; i++) {
		ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0 + i],
				  handler.r[GUEST_REG_X0 + i]);
		ck_assert(!vm.rf[0].written[GUEST_REG_X0 + i]);
	}
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_PC], before.r[GUEST_REG_PC]);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_PSTATE],
			  before.r[GUEST_REG_PSTATE]);
	ck_assert(!vm.rf[0].written[GUEST_REG_ELR]);
	ck_assert(!vm.rf[0].written[GUEST_REG_SPSR]);
	ck_assert_uint_eq(tvm_state(&vm, 0, 0), 3);
	ck_assert_uint_eq(tvm_depth(&vm, 0), 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 0);
	/* Nothing running now. */
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_CONTEXT, 0), R_DENIED);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_COMPLETE, 0), R_DENIED);
}
END_TEST

START_TEST(complete_failed_status_is_accepted)
{
	tvm_ready(&vm, 0, 0, EP, 0);
	TCALL(&vm, 0, SDEI_EVENT_SIGNAL, 0, aff(0));
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	TCALL(&vm, 0, SDEI_EVENT_COMPLETE, SDEI_EV_FAILED);
	ck_assert_uint_eq(vm.res.nr, 0);
	ck_assert_uint_eq(tvm_depth(&vm, 0), 0);
}
END_TEST

START_TEST(complete_and_resume)
{
	struct regfile before;
	unsigned int i;

	vm.rf[0].r[GUEST_REG_PSTATE] = 0x20000000 | T_EL1H; /* C */
	vm.rf[0].r[GUEST_REG_SCTLR] = 0; /* SPAN = 0: PAN set on entry */
	tvm_ready(&vm, 0, 0, EP, 0);
	TCALL(&vm, 0, SDEI_EVENT_SIGNAL, 0, aff(0));
	before = vm.rf[0];
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_PSTATE], 0x204003c5);
	for (i = 0; i < 18; i++)
		vm.rf[0].r[GUEST_REG_X0 + i] = 0xbad;
	clear_written(&vm.rf[0]);

	TCALL(&vm, 0, SDEI_EVENT_COMPLETE_AND_RESUME, RESUME_AT);
	ck_assert_int_eq(vm.rc, 0);
	ck_assert_uint_eq(vm.res.nr, 0);
	for (i = 0; i < 18; i++)
		ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0 + i],
				  before.r[GUEST_REG_X0 + i]);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_ELR], before.r[GUEST_REG_PC]);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_SPSR],
			  before.r[GUEST_REG_PSTATE]);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_PC], RESUME_AT);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_PSTATE], 0x204003c5);
	ck_assert_uint_eq(tvm_state(&vm, 0, 0), 3);
	ck_assert_uint_eq(tvm_depth(&vm, 0), 0);
}
END_TEST

START_TEST(el2_client)
{
	tvm_fini(&vm);
	plat.client_el = 2;
	plat.mte = true;
	tvm_init(&vm, 2, &plat);
	plat.client_el = 1;
	plat.mte = false;
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_PSTATE], T_EL2H);
	tvm_ready(&vm, 0, 0, EP, 0);
	TCALL(&vm, 0, SDEI_EVENT_SIGNAL, 0, aff(0));
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_PSTATE], 0x020003c9);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0 + 3], T_EL2H);
	TCALL(&vm, 0, SDEI_EVENT_COMPLETE_AND_RESUME, RESUME_AT);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_SPSR], T_EL2H);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_PSTATE], 0x020003c9);
	/* An EL1 caller is not the client: refused. */
	vm.rf[1].r[GUEST_REG_PSTATE] = T_EL1H;
	ck_assert_uint_eq(TCALL(&vm, 1, SDEI_VERSION),
			  (uint64_t)SDEI_NOT_SUPPORTED);
}
END_TEST

/*
 * An EL2 client's handler is entered only in the client's own context:
 * at EL2, in its user space (HCR_EL2.TGE set), or in an nVHE host's EL1
 * kernel (stage 2 off); never while a guest of its own runs (TGE = 0,
 * VM = 1), whatever PSTATE.EL says. The event waits (-EAGAIN, nothing
 * read but PSTATE and HCR_EL2, nothing written) and is taken at a later
 * stop in the client's context.
 */
START_TEST(el2_client_guest_context)
{
	static const struct {
		uint64_t pstate, hcr;
		int want;
	} t[] = {
		{ T_EL1H, E2H | HCR_VM, -EAGAIN }, /* a VHE host's guest */
		{ T_EL0T, E2H | HCR_VM, -EAGAIN }, /* its user space */
		{ T_EL1H, HCR_VM, -EAGAIN }, /* an nVHE host's guest */
		{ T_EL0T, E2H | TGE, 1 }, /* the VHE host's user space */
		{ T_EL1H, 0, 1 }, /* an nVHE host's kernel */
		{ T_EL2H, E2H | HCR_VM, 1 }, /* EL2 itself, guest loaded */
	};
	unsigned int i;

	tvm_fini(&vm);
	plat.client_el = 2;
	tvm_init(&vm, 1, &plat);
	plat.client_el = 1;
	tvm_ready(&vm, 0, 0, EP, 0);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		struct regfile *rf = &vm.rf[0];
		uint64_t pc = 0xffff000012340000ULL + 4 * i;
		unsigned int writes;

		rf->r[GUEST_REG_PSTATE] = t[i].pstate;
		rf->r[GUEST_REG_HCR] = t[i].hcr;
		rf->r[GUEST_REG_PC] = pc;
		writes = rf->writes;
		ck_assert_int_eq(sdei_trigger(vm.s, 0, 0), 0);
		ck_assert_msg(tvm_dispatch(&vm, 0) == t[i].want, "case %u", i);
		if (t[i].want < 0) {
			ck_assert_uint_eq(rf->writes, writes);
			ck_assert_uint_eq(rf->r[GUEST_REG_PC], pc);
			/* Still pending: back in the client, it runs. */
			rf->r[GUEST_REG_PSTATE] = T_EL2H;
			ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
		}
		ck_assert_uint_eq(rf->r[GUEST_REG_PC], EP);
		ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_COMPLETE, 0), 0);
	}
}
END_TEST

START_TEST(interrupted_el0)
{
	vm.rf[1].r[GUEST_REG_SCTLR] = 0;
	tvm_ready(&vm, 1, 6, EP, 0x66);
	vm.rf[1].r[GUEST_REG_PSTATE] = T_EL0T;
	vm.rf[1].r[GUEST_REG_PC] = 0x400000;
	ck_assert_int_eq(sdei_trigger(vm.s, 6, 1), 0);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 1);
	ck_assert(vm.kicked[1]);
	ck_assert_int_eq(tvm_dispatch(&vm, 1), 1);
	ck_assert_uint_eq(vm.rf[1].r[GUEST_REG_X0], 6);
	ck_assert_uint_eq(vm.rf[1].r[GUEST_REG_X0 + 1], 0x66);
	ck_assert_uint_eq(vm.rf[1].r[GUEST_REG_X0 + 2], 0x400000);
	ck_assert_uint_eq(vm.rf[1].r[GUEST_REG_X0 + 3], T_EL0T);
	ck_assert_uint_eq(vm.rf[1].r[GUEST_REG_PSTATE], 0x4003c5);
}
END_TEST

/*
 * The KVM layer writes a call's result before it dispatches: the saved x0
 * is what the call returned (here EVENT_STATUS's 3), not the function ID.
 */
START_TEST(saved_x0_is_the_return_value)
{
	tvm_ready(&vm, 0, 6, EP, 0);
	ck_assert_int_eq(sdei_trigger(vm.s, 6, 0), 0);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_STATUS, 6), 3);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_CONTEXT, 0), 3);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_CONTEXT, 1), 6);
	TCALL(&vm, 0, SDEI_EVENT_COMPLETE, 0);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0], 3);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0 + 1], 6);
}
END_TEST

/* --- Priorities and nesting. */

START_TEST(critical_preempts_normal)
{
	uint64_t handler_x[18];
	unsigned int i;
	struct sdei_pe_status ps;

	tvm_ready(&vm, 0, 6, EP, 0x6);
	tvm_ready(&vm, 0, 5, EP + 0x800, 0x5);
	ck_assert_int_eq(sdei_trigger(vm.s, 6, 0), 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0], 6);

	/* In the normal handler. */
	for (i = 0; i < 18; i++)
		vm.rf[0].r[GUEST_REG_X0 + i] = handler_x[i] = 0x600 + i;
	vm.rf[0].r[GUEST_REG_PC] = EP + 0x40;
	vm.rf[0].r[GUEST_REG_PSTATE] = T_EL1H | T_DAIF;

	/* A second normal event waits; a critical one preempts. */
	TCALL(&vm, 0, SDEI_EVENT_REGISTER, 0, EP, 0);
	TCALL(&vm, 0, SDEI_EVENT_ENABLE, 0);
	for (i = 0; i < 18; i++)
		vm.rf[0].r[GUEST_REG_X0 + i] = handler_x[i];
	ck_assert_int_eq(sdei_trigger(vm.s, 0, 0), 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 0);
	ck_assert_int_eq(sdei_trigger(vm.s, 5, 0), 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0], 5);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0 + 2], EP + 0x40);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0 + 3], T_EL1H | T_DAIF);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_PC], EP + 0x800);
	ck_assert_int_eq(sdei_pe_status(vm.s, 0, &ps), 0);
	ck_assert_uint_eq(ps.depth, 2);
	ck_assert_uint_eq(ps.running[0], 6);
	ck_assert_uint_eq(ps.running[1], 5);

	/* CONTEXT reads the innermost dispatch: the normal handler's regs. */
	for (i = 0; i < 18; i++)
		ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_CONTEXT, i),
				  handler_x[i]);
	/* Nothing nests deeper, not even the critical event again. */
	ck_assert_int_eq(sdei_trigger(vm.s, 5, 0), 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 0);

	/* COMPLETE: back in the normal handler; 5 pending preempts again. */
	TCALL(&vm, 0, SDEI_EVENT_COMPLETE, 0);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_PC], EP + 0x40);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0 + 17], handler_x[17]);
	ck_assert_uint_eq(tvm_depth(&vm, 0), 1);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0], 5);
	TCALL(&vm, 0, SDEI_EVENT_COMPLETE, 0);
	/* Event 0 (normal) still waits for the normal handler to finish. */
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 0);
	TCALL(&vm, 0, SDEI_EVENT_COMPLETE, 0);
	ck_assert_uint_eq(tvm_depth(&vm, 0), 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0], 0);
	TCALL(&vm, 0, SDEI_EVENT_COMPLETE, 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 0);
}
END_TEST

START_TEST(critical_first_then_lowest_number)
{
	tvm_ready(&vm, 0, 6, EP, 0);
	tvm_ready(&vm, 0, 0, EP, 0);
	tvm_ready(&vm, 0, 5, EP, 0);
	TCALL(&vm, 0, SDEI_PE_MASK);
	sdei_trigger(vm.s, 6, 0);
	sdei_trigger(vm.s, 0, 0);
	sdei_trigger(vm.s, 5, 0);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 0);
	TCALL(&vm, 0, SDEI_PE_UNMASK);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0], 5);
	/* A normal event never preempts a critical handler. */
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 0);
	TCALL(&vm, 0, SDEI_EVENT_COMPLETE, 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0], 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 0); /* normal on normal: no */
	TCALL(&vm, 0, SDEI_EVENT_COMPLETE, 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0], 6);
	TCALL(&vm, 0, SDEI_EVENT_COMPLETE, 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 0);
}
END_TEST

START_TEST(critical_does_not_preempt_critical)
{
	TCALL(&vm, 0, SDEI_EVENT_REGISTER, 11, EP, 0, 0, 0);
	TCALL(&vm, 0, SDEI_EVENT_ENABLE, 11);
	tvm_ready(&vm, 0, 5, EP, 0);
	sdei_trigger(vm.s, 5, 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	sdei_trigger(vm.s, 11, SDEI_ROUTED);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 0);
	ck_assert(tvm_pending(&vm, 11, 0));
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0); /* vCPU 1 is masked */
	TCALL(&vm, 0, SDEI_EVENT_COMPLETE, 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0], 11);
}
END_TEST

/* --- Pending triggers. */

/* A host trigger (unlike EVENT_SIGNAL) waits for the PE to unmask. */
START_TEST(pending_while_masked_then_unmask)
{
	tvm_ready(&vm, 1, 0, EP, 0);
	ck_assert_uint_eq(TCALL(&vm, 1, SDEI_PE_MASK), 1);
	ck_assert_int_eq(sdei_trigger(vm.s, 0, 1), 0);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 1), 0);
	ck_assert(tvm_pending(&vm, 0, 1));
	ck_assert_uint_eq(TCALL(&vm, 1, SDEI_PE_UNMASK), R_OK);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0); /* the caller dispatches */
	ck_assert_int_eq(tvm_dispatch(&vm, 1), 1);
	ck_assert_uint_eq(TCALL(&vm, 1, SDEI_EVENT_CONTEXT, 0), 0);
	ck_assert(!tvm_pending(&vm, 0, 1));
}
END_TEST

START_TEST(pending_while_disabled_then_enable)
{
	tvm_ready(&vm, 0, 6, EP, 0);
	TCALL(&vm, 0, SDEI_EVENT_DISABLE, 6);
	sdei_trigger(vm.s, 6, 0);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 0);
	/* Another vCPU cannot enable a private event for this one. */
	ck_assert_uint_eq(TCALL(&vm, 1, SDEI_EVENT_ENABLE, 6), R_DENIED);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_ENABLE, 6), R_OK);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0], 6);
}
END_TEST

START_TEST(register_drops_stale_triggers)
{
	sdei_trigger(vm.s, 6, 0);
	TCALL(&vm, 1, SDEI_EVENT_SIGNAL, 0, aff(0));
	ck_assert(tvm_pending(&vm, 6, 0));
	tvm_ready(&vm, 0, 6, EP, 0);
	tvm_ready(&vm, 0, 0, EP, 0);
	ck_assert(!tvm_pending(&vm, 6, 0));
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 0);
	/* Shared too. */
	sdei_trigger(vm.s, 10, SDEI_ROUTED);
	TCALL(&vm, 0, SDEI_EVENT_REGISTER, 10, EP, 0, 0, 0);
	TCALL(&vm, 0, SDEI_EVENT_ENABLE, 10);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 0);
}
END_TEST

START_TEST(triggers_coalesce)
{
	tvm_ready(&vm, 0, 6, EP, 0);
	TCALL(&vm, 0, SDEI_PE_MASK);
	sdei_trigger(vm.s, 6, 0);
	sdei_trigger(vm.s, 6, 0);
	TCALL(&vm, 0, SDEI_PE_UNMASK);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	TCALL(&vm, 0, SDEI_EVENT_COMPLETE, 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 0);
	/* A trigger while running is delivered once it completes. */
	sdei_trigger(vm.s, 6, 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	sdei_trigger(vm.s, 6, 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 0);
	TCALL(&vm, 0, SDEI_EVENT_COMPLETE, 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	TCALL(&vm, 0, SDEI_EVENT_COMPLETE, 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 0);
}
END_TEST

/* --- Unregistering and resetting around a running handler. */

START_TEST(unregister_while_running)
{
	tvm_ready(&vm, 0, 0, EP, 0);
	TCALL(&vm, 0, SDEI_EVENT_SIGNAL, 0, aff(0));
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_UNREGISTER, 0), R_PENDING);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_STATUS, 0), 4);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_UNREGISTER, 0), R_PENDING);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_REGISTER, 0, EP, 0),
			  R_DENIED);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_ENABLE, 0), R_DENIED);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_CONTEXT, 0), 0);
	TCALL(&vm, 0, SDEI_EVENT_SIGNAL, 0, aff(0));
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 0);
	TCALL(&vm, 0, SDEI_EVENT_COMPLETE, 0);
	ck_assert_uint_eq(vm.res.nr, 0);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_STATUS, 0), 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 0);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_REGISTER, 0, EP, 0), R_OK);
	TCALL(&vm, 0, SDEI_EVENT_ENABLE, 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 0); /* stale: dropped */
}
END_TEST

START_TEST(shared_unregister_from_another_pe)
{
	TCALL(&vm, 0, SDEI_EVENT_REGISTER, 10, EP, 0, 1, aff(1));
	TCALL(&vm, 0, SDEI_EVENT_ENABLE, 10);
	TCALL(&vm, 1, SDEI_PE_UNMASK);
	sdei_trigger(vm.s, 10, SDEI_ROUTED);
	ck_assert_int_eq(tvm_dispatch(&vm, 1), 1);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_UNREGISTER, 10), R_PENDING);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_SHARED_RESET), R_DENIED);
	/* Only the PE running it can complete it. */
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_COMPLETE, 0), R_DENIED);
	TCALL(&vm, 1, SDEI_EVENT_COMPLETE, 0);
	ck_assert_uint_eq(vm.res.nr, 0);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_STATUS, 10), 0);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_SHARED_RESET), R_OK);
}
END_TEST

START_TEST(private_reset_while_running)
{
	tvm_ready(&vm, 0, 0, EP, 0);
	tvm_ready(&vm, 0, 6, EP, 0);
	TCALL(&vm, 0, SDEI_EVENT_SIGNAL, 0, aff(0));
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_PRIVATE_RESET), R_DENIED);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_STATUS, 0), 4);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_STATUS, 6), 0);
	TCALL(&vm, 0, SDEI_EVENT_COMPLETE, 0);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_PRIVATE_RESET), R_OK);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_STATUS, 0), 0);
}
END_TEST

/* --- PSCI hooks and system reset. */

START_TEST(cpu_on_clears_private_and_masks)
{
	tvm_ready(&vm, 1, 0, EP, 0);
	tvm_ready(&vm, 1, 6, EP, 0);
	TCALL(&vm, 1, SDEI_EVENT_REGISTER, 10, EP, 0, 0, 0);
	sdei_trigger(vm.s, 6, 1);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 1);
	sdei_cpu_off(vm.s, 1);
	sdei_cpu_on(vm.s, 1);
	ck_assert(tvm_masked(&vm, 1));
	ck_assert_uint_eq(tvm_state(&vm, 0, 1), 0);
	ck_assert_uint_eq(tvm_state(&vm, 6, 1), 0);
	ck_assert(!tvm_pending(&vm, 6, 1));
	ck_assert_uint_eq(tvm_state(&vm, 10, 0), 1); /* shared: kept */
	ck_assert_int_eq(tvm_dispatch(&vm, 1), 0);
	ck_assert_uint_eq(TCALL(&vm, 1, SDEI_PE_MASK), 0);
	ck_assert_uint_eq(TCALL(&vm, 1, SDEI_EVENT_STATUS, 6), 0);
}
END_TEST

START_TEST(cpu_off_abandons_handlers)
{
	TCALL(&vm, 0, SDEI_EVENT_REGISTER, 10, EP, 0, 0, 0);
	TCALL(&vm, 0, SDEI_EVENT_ENABLE, 10);
	TCALL(&vm, 1, SDEI_PE_UNMASK);
	sdei_trigger(vm.s, 10, SDEI_ROUTED);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 1);
	ck_assert(vm.kicked[1]);
	ck_assert_int_eq(tvm_dispatch(&vm, 1), 1);
	ck_assert_uint_eq(tvm_state(&vm, 10, 0), 7);
	sdei_cpu_off(vm.s, 1);
	ck_assert_uint_eq(tvm_depth(&vm, 1), 0);
	ck_assert_uint_eq(tvm_state(&vm, 10, 0), 3);
	ck_assert(tvm_masked(&vm, 1));
	/* The event can run again, elsewhere. */
	TCALL(&vm, 0, SDEI_PE_UNMASK);
	sdei_trigger(vm.s, 10, SDEI_ROUTED);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 1);
	ck_assert(vm.kicked[0]);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
}
END_TEST

START_TEST(system_reset)
{
	struct sdei_event_status st;
	unsigned int i;

	tvm_ready(&vm, 0, 0, EP, 0);
	tvm_ready(&vm, 1, 6, EP, 0);
	TCALL(&vm, 0, SDEI_EVENT_REGISTER, 10, EP, 0, 0, 0);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_INTERRUPT_BIND, 33),
			  SDEI_BIND_EVENT_BASE);
	TCALL(&vm, 0, SDEI_EVENT_SIGNAL, 0, aff(0));
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	sdei_trigger(vm.s, 6, 1);

	sdei_system_reset(vm.s);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0);
	for (i = 0; i < 2; i++) {
		ck_assert(tvm_masked(&vm, i));
		ck_assert_uint_eq(tvm_depth(&vm, i), 0);
		ck_assert_uint_eq(tvm_state(&vm, 0, i), 0);
		ck_assert_uint_eq(tvm_state(&vm, 6, i), 0);
		ck_assert(!tvm_pending(&vm, 6, i));
	}
	ck_assert_uint_eq(tvm_state(&vm, 10, 0), 0);
	for (i = 0; i < sdei_nr_events(vm.s); i++) {
		ck_assert_int_eq(sdei_event_status(vm.s, i, &st), 0);
		ck_assert(!st.bound);
	}
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_REGISTER,
				SDEI_BIND_EVENT_BASE, EP, 0, 0, 0),
			  R_DENIED);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_COMPLETE, 0), R_DENIED);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_VERSION) >> 48, 1);
}
END_TEST

/* --- Routing and kicks. */

START_TEST(rm_any_one_taker)
{
	TCALL(&vm, 0, SDEI_EVENT_REGISTER, 10, EP, 0x10, 0, 0);
	TCALL(&vm, 0, SDEI_EVENT_ENABLE, 10);
	TCALL(&vm, 1, SDEI_PE_UNMASK);
	TCALL(&vm, 2, SDEI_PE_UNMASK);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0);
	ck_assert_int_eq(sdei_trigger(vm.s, 10, SDEI_ROUTED), 0);
	/* One eligible vCPU is kicked: the lowest. */
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 1);
	ck_assert(vm.kicked[1]);
	ck_assert(sdei_vcpu_has_work(vm.s, 2));
	ck_assert(!sdei_vcpu_has_work(vm.s, 0)); /* masked */
	/* Whoever stops first takes it, once. */
	ck_assert_int_eq(tvm_dispatch(&vm, 2), 1);
	ck_assert_uint_eq(vm.rf[2].r[GUEST_REG_X0], 10);
	ck_assert_uint_eq(vm.rf[2].r[GUEST_REG_X0 + 1], 0x10);
	ck_assert_int_eq(tvm_dispatch(&vm, 1), 0);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0);
	/* While it runs on 2, a new trigger waits: it is not re-entered. */
	sdei_trigger(vm.s, 10, SDEI_ROUTED);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 1), 0);
	TCALL(&vm, 2, SDEI_EVENT_COMPLETE, 0);
	/* 2 completed and can take it again itself: nobody is kicked. */
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 2), 1);
}
END_TEST

START_TEST(rm_any_busy_vcpu_passes_it_on)
{
	TCALL(&vm, 0, SDEI_EVENT_REGISTER, 10, EP, 0, 0, 0);
	TCALL(&vm, 0, SDEI_EVENT_ENABLE, 10);
	tvm_ready(&vm, 1, 6, EP, 0);
	TCALL(&vm, 3, SDEI_PE_UNMASK);
	sdei_trigger(vm.s, 6, 1);
	ck_assert_int_eq(tvm_dispatch(&vm, 1), 1); /* 1 runs a normal event */
	tvm_drain_kicks(&vm);
	sdei_trigger(vm.s, 10, SDEI_ROUTED);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 1);
	ck_assert(vm.kicked[3]);
	ck_assert_int_eq(tvm_dispatch(&vm, 3), 1);
	TCALL(&vm, 3, SDEI_PE_MASK);
	TCALL(&vm, 3, SDEI_EVENT_COMPLETE, 0);
	/* No eligible vCPU at all: nobody is kicked; the first to unmask
	 * takes it at its own call. */
	sdei_trigger(vm.s, 10, SDEI_ROUTED);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0);
	ck_assert_uint_eq(TCALL(&vm, 2, SDEI_PE_UNMASK), R_OK);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 2), 1);
}
END_TEST

START_TEST(rm_any_kick_moves_when_the_taker_masks)
{
	TCALL(&vm, 0, SDEI_EVENT_REGISTER, 10, EP, 0, 0, 0);
	TCALL(&vm, 0, SDEI_EVENT_ENABLE, 10);
	TCALL(&vm, 1, SDEI_PE_UNMASK);
	TCALL(&vm, 2, SDEI_PE_UNMASK);
	sdei_trigger(vm.s, 10, SDEI_ROUTED);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 1);
	ck_assert(vm.kicked[1]);
	/* Before its stop, 1 masks itself: 2 must be kicked instead. */
	TCALL(&vm, 1, SDEI_PE_MASK);
	ck_assert_int_eq(tvm_dispatch(&vm, 1), 0);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 1);
	ck_assert(vm.kicked[2]);
	ck_assert_int_eq(tvm_dispatch(&vm, 2), 1);
}
END_TEST

START_TEST(rm_pe_goes_to_its_pe)
{
	unsigned int v;

	TCALL(&vm, 0, SDEI_EVENT_REGISTER, 10, EP, 0, 1, vm.mpidr[2]);
	TCALL(&vm, 0, SDEI_EVENT_ENABLE, 10);
	for (v = 0; v < 4; v++)
		TCALL(&vm, v, SDEI_PE_UNMASK);
	sdei_trigger(vm.s, 10, SDEI_ROUTED);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 1);
	ck_assert(vm.kicked[2]);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 3), 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 2), 1);
	TCALL(&vm, 2, SDEI_EVENT_COMPLETE, 0);
	/* Re-route to vCPU 3 (disabled first, as ROUTING_SET requires). */
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_ROUTING_SET, 10, 1, aff(3)),
			  R_DENIED);
	TCALL(&vm, 0, SDEI_EVENT_DISABLE, 10);
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_ROUTING_SET, 10, 1, aff(3)),
			  R_OK);
	TCALL(&vm, 0, SDEI_EVENT_ENABLE, 10);
	TCALL(&vm, 3, SDEI_PE_MASK);
	sdei_trigger(vm.s, 10, SDEI_ROUTED);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0); /* its PE is masked */
	ck_assert_int_eq(tvm_dispatch(&vm, 2), 0);
	TCALL(&vm, 3, SDEI_PE_UNMASK);
	ck_assert_int_eq(tvm_dispatch(&vm, 3), 1);
}
END_TEST

START_TEST(signal_kicks_the_target_once)
{
	tvm_ready(&vm, 1, 0, EP, 0);
	TCALL(&vm, 0, SDEI_EVENT_SIGNAL, 0, aff(1));
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 1);
	ck_assert(vm.kicked[1]);
	TCALL(&vm, 0, SDEI_EVENT_SIGNAL, 0, aff(1));
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0); /* kick outstanding */
	ck_assert_int_eq(tvm_dispatch(&vm, 1), 1);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0);
	TCALL(&vm, 1, SDEI_EVENT_COMPLETE, 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 1), 0);
	TCALL(&vm, 0, SDEI_EVENT_SIGNAL, 0, aff(1));
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 1);
	/* Signal to self: no kick, the caller dispatches. */
	tvm_ready(&vm, 0, 0, EP, 0);
	TCALL(&vm, 0, SDEI_EVENT_SIGNAL, 0, aff(0));
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
}
END_TEST

START_TEST(bound_interrupt_delivery)
{
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_INTERRUPT_BIND, 33),
			  SDEI_BIND_EVENT_BASE);
	TCALL(&vm, 0, SDEI_EVENT_REGISTER, SDEI_BIND_EVENT_BASE, EP, 0x33, 1,
	      aff(1));
	TCALL(&vm, 0, SDEI_EVENT_ENABLE, SDEI_BIND_EVENT_BASE);
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 33, 0, true), 1);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0); /* vCPU 1 masked */
	TCALL(&vm, 1, SDEI_PE_UNMASK);
	ck_assert_int_eq(tvm_dispatch(&vm, 1), 1);
	ck_assert_uint_eq(vm.rf[1].r[GUEST_REG_X0], SDEI_BIND_EVENT_BASE);
	ck_assert_uint_eq(vm.rf[1].r[GUEST_REG_X0 + 1], 0x33);
}
END_TEST

/*
 * Level-sensitive: a line still high when the handler completes fires
 * again; one the handler lowered (it served the device) does not, and
 * the line rising while the handler runs is not a second delivery.
 */
START_TEST(bound_interrupt_level)
{
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_INTERRUPT_BIND, 33),
			  SDEI_BIND_EVENT_BASE);
	TCALL(&vm, 0, SDEI_EVENT_REGISTER, SDEI_BIND_EVENT_BASE, EP, 0, 1,
	      aff(0));
	TCALL(&vm, 0, SDEI_EVENT_ENABLE, SDEI_BIND_EVENT_BASE);
	TCALL(&vm, 0, SDEI_PE_UNMASK);
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 33, 0, true), 1);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	ck_assert(!tvm_pending(&vm, SDEI_BIND_EVENT_BASE, 0));
	/* Still asserted at COMPLETE: delivered again. */
	TCALL(&vm, 0, SDEI_EVENT_COMPLETE, 0);
	ck_assert(tvm_pending(&vm, SDEI_BIND_EVENT_BASE, 0));
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	/* The handler lowers the line (and it bounces): no third run. */
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 33, 0, false), 1);
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 33, 0, true), 1);
	ck_assert(!tvm_pending(&vm, SDEI_BIND_EVENT_BASE, 0));
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 33, 0, false), 1);
	TCALL(&vm, 0, SDEI_EVENT_COMPLETE, 0);
	ck_assert(!tvm_pending(&vm, SDEI_BIND_EVENT_BASE, 0));
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 0);
}
END_TEST

/*
 * A PE that powers off inside a bound interrupt's handler abandons it,
 * as a COMPLETE would: the line still high pends the event again, for
 * the vCPU the shared event is routed to next (fuzz-firmware's finding).
 */
START_TEST(bound_interrupt_level_cpu_off)
{
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_INTERRUPT_BIND, 33),
			  SDEI_BIND_EVENT_BASE);
	TCALL(&vm, 0, SDEI_EVENT_REGISTER, SDEI_BIND_EVENT_BASE, EP, 0, 0, 0);
	TCALL(&vm, 0, SDEI_EVENT_ENABLE, SDEI_BIND_EVENT_BASE);
	TCALL(&vm, 0, SDEI_PE_UNMASK);
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 33, 0, true), 1);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	ck_assert(!tvm_pending(&vm, SDEI_BIND_EVENT_BASE, 0));
	sdei_cpu_off(vm.s, 0);
	ck_assert(tvm_pending(&vm, SDEI_BIND_EVENT_BASE, 0));
	/* And a lowered line is not re-pended by an abandon. */
	TCALL(&vm, 1, SDEI_PE_UNMASK);
	ck_assert_int_eq(tvm_dispatch(&vm, 1), 1);
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 33, 0, false), 1);
	sdei_cpu_off(vm.s, 1);
	ck_assert(!tvm_pending(&vm, SDEI_BIND_EVENT_BASE, 0));
}
END_TEST

START_TEST(deferred_above_client_el)
{
	tvm_ready(&vm, 0, 6, EP, 0);
	vm.rf[0].r[GUEST_REG_PSTATE] = T_EL2H; /* a nested guest's EL2 */
	sdei_trigger(vm.s, 6, 0);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 1);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), -EAGAIN);
	ck_assert(tvm_pending(&vm, 6, 0));
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0); /* no kick storm */
	sdei_trigger(vm.s, 6, 0);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0);
	/* A shared RM_ANY event goes to a vCPU that can take it. */
	TCALL(&vm, 1, SDEI_PE_UNMASK);
	TCALL(&vm, 1, SDEI_EVENT_REGISTER, 10, EP, 0, 0, 0);
	TCALL(&vm, 1, SDEI_EVENT_ENABLE, 10);
	sdei_trigger(vm.s, 10, SDEI_ROUTED);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 1);
	ck_assert(vm.kicked[1]);
	ck_assert_uint_eq(vm.rf[0].writes, 0);
	vm.rf[0].r[GUEST_REG_PSTATE] = T_EL1H;
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_X0], 6);
}
END_TEST

START_TEST(register_failures)
{
	struct guest_regs regs = regfile_regs(&vm.rf[0]);
	unsigned int n;

	tvm_ready(&vm, 0, 6, EP, 0);
	sdei_trigger(vm.s, 6, 0);
	/* Reads fail: no state changes. */
	for (n = 0; n < 21; n++) {
		vm.rf[0].reads = vm.rf[0].writes = 0;
		vm.rf[0].fail_after = n;
		ck_assert_int_eq(sdei_dispatch(vm.s, 0, &regs), -EIO);
		ck_assert_uint_eq(tvm_state(&vm, 6, 0), 3);
		ck_assert(tvm_pending(&vm, 6, 0));
		ck_assert_uint_eq(vm.rf[0].writes, 0);
	}
	/* A write fails: reported. */
	vm.rf[0].reads = vm.rf[0].writes = 0;
	vm.rf[0].fail_after = 21;
	ck_assert_int_eq(sdei_dispatch(vm.s, 0, &regs), -EIO);
	vm.rf[0].fail_after = -1;
	/* COMPLETE with failing writes. */
	vm.rf[0].reads = vm.rf[0].writes = 0;
	vm.rf[0].fail_after = 2;
	TCALL(&vm, 0, SDEI_EVENT_COMPLETE, 0);
	ck_assert_int_eq(vm.rc, -EIO);
	ck_assert_uint_eq(vm.res.nr, 0);
	vm.rf[0].fail_after = -1;
	ck_assert_uint_eq(tvm_depth(&vm, 0), 0);
}
END_TEST

/* The largest VM: every index stays in bounds (run under ASan). */
START_TEST(largest_vm)
{
	static uint64_t mpidr[SDEI_MAX_VCPUS];
	struct sdei_event_desc ev[SDEI_MAX_PLATFORM_EVENTS];
	struct sdei_config cfg = plat;
	struct regfile rf;
	struct guest_regs regs = regfile_regs(&rf);
	struct smccc_call call = { .fid = SDEI_EVENT_SIGNAL };
	struct smccc_result res;
	struct sdei *s;
	char err[128];
	unsigned int i, last = SDEI_MAX_VCPUS - 1;

	for (i = 0; i < SDEI_MAX_VCPUS; i++)
		mpidr[i] = ((uint64_t)(i >> 12) << 32) |
			   ((i >> 8) & 0xf) << 16 | ((i >> 4) & 0xf) << 8 |
			   (i & 0xf);
	for (i = 0; i < SDEI_MAX_PLATFORM_EVENTS; i++)
		ev[i] = (struct sdei_event_desc){ .num = 100 + i,
						  .shared = i & 1,
						  .critical = i & 2 };
	cfg.nr_vcpus = SDEI_MAX_VCPUS;
	cfg.mpidr = mpidr;
	cfg.events = ev;
	cfg.nr_events = SDEI_MAX_PLATFORM_EVENTS;
	cfg.nr_shared_slots = cfg.nr_private_slots = SDEI_MAX_BIND_SLOTS;
	ck_assert_int_eq(sdei_create(&s, &cfg, err, sizeof(err)), 0);
	ck_assert_uint_eq(sdei_nr_events(s), 1 + SDEI_MAX_PLATFORM_EVENTS +
						     2 * SDEI_MAX_BIND_SLOTS);

	regfile_init(&rf, 1);
	call.vcpu = last;
	call.fid = SDEI_EVENT_REGISTER;
	call.arg[0] = 0;
	call.arg[1] = EP;
	ck_assert_int_eq(sdei_call(s, &call, &regs, &res), 0);
	ck_assert_uint_eq(res.x[0], R_OK);
	call.fid = SDEI_EVENT_ENABLE;
	ck_assert_int_eq(sdei_call(s, &call, &regs, &res), 0);
	call.fid = SDEI_PE_UNMASK;
	ck_assert_int_eq(sdei_call(s, &call, &regs, &res), 0);
	call.vcpu = 0;
	call.fid = SDEI_EVENT_SIGNAL;
	call.arg[0] = 0;
	call.arg[1] = mpidr[last];
	ck_assert_int_eq(sdei_call(s, &call, &regs, &res), 0);
	ck_assert_uint_eq(res.x[0], R_OK);
	ck_assert_int_eq(sdei_next_kick(s), (int)last);
	ck_assert_int_eq(sdei_next_kick(s), -1);
	ck_assert_int_eq(sdei_dispatch(s, last, &regs), 1);
	ck_assert_uint_eq(rf.r[GUEST_REG_PC], EP);
	call.vcpu = last;
	call.fid = SDEI_FEATURES;
	ck_assert_int_eq(sdei_call(s, &call, &regs, &res), 0);
	ck_assert_uint_eq(res.x[0], (64ULL << 16) | 64);
	sdei_destroy(s);
}
END_TEST

/* --- Random call sequences: never crash, never break invariants. */

static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* The state must stay consistent with the dispatch stacks. */
static void check_invariants(struct tvm *t)
{
	unsigned int nr = sdei_nr_events(t->s), i, v, w, d, runs, pending = 0;
	struct sdei_event_status es;
	struct sdei_entry_status st;
	struct sdei_pe_status ps;

	for (i = 0; i < nr; i++) {
		T_CHECK(sdei_event_status(t->s, i, &es) == 0);
		for (v = 0; v < (es.shared ? 1 : t->nr); v++) {
			T_CHECK(sdei_entry_status(t->s, i, v, &st) == 0);
			T_CHECK(st.state < 8);
			pending += st.pending;
			/* Enabled implies registered. */
			T_CHECK(!(st.state & 2) || (st.state & 1));
			/* Running iff exactly one frame holds it. */
			runs = 0;
			for (w = 0; w < t->nr; w++) {
				if (!es.shared && w != v)
					continue;
				T_CHECK(sdei_pe_status(t->s, w, &ps) == 0);
				for (d = 0; d < ps.depth; d++)
					runs += ps.running[d] == es.num;
			}
			T_CHECK(runs == ((st.state & 4) ? 1u : 0u));
			if (!es.bind_slot)
				continue;
			/* An unbound slot is never registered. */
			T_CHECK(es.bound || !(st.state & 1));
		}
	}
	/* The fast path's count of pending entries is right. */
	T_CHECK(pending == t->s->nr_pending);
	for (v = 0; v < t->nr; v++) {
		T_CHECK(sdei_pe_status(t->s, v, &ps) == 0);
		T_CHECK(ps.depth <= 2);
		if (ps.depth == 2) {
			/* Normal below, critical above. */
			T_CHECK(ps.running[0] == 0 || ps.running[0] == 6 ||
				ps.running[0] == 10 ||
				ps.running[0] >= SDEI_BIND_EVENT_BASE);
			T_CHECK(ps.running[1] == 5 || ps.running[1] == 11);
		}
	}
}

/*
 * No lost wake-up: an event deliverable somewhere has a vCPU that will stop
 * for it (kicked and not yet dispatched). outstanding[] mirrors the kicks.
 * A vCPU whose last dispatch was refused above the client EL (-EAGAIN) is
 * left to the caller's retry.
 */
static bool outstanding[TVM_MAX];

static bool deferred[TVM_MAX]; /* its last dispatch said -EAGAIN */

/* The KVM layer's dispatch at a stop, with the test's bookkeeping. */
static unsigned int tdispatch(unsigned int v)
{
	int ret = tvm_dispatch(&vm, v);

	outstanding[v] = false;
	deferred[v] = ret == -EAGAIN;
	return ret == 1;
}

static void check_liveness(struct tvm *t)
{
	unsigned int nr = sdei_nr_events(t->s), i, w, eligible, woken;
	struct sdei_event_status es;
	struct sdei_entry_status st;
	struct sdei_pe_status ps;

	for (i = 0; i < nr; i++) {
		sdei_event_status(t->s, i, &es);
		eligible = woken = 0;
		for (w = 0; w < t->nr; w++) {
			sdei_entry_status(t->s, i, w, &st);
			sdei_pe_status(t->s, w, &ps);
			if (st.state != 3 || !st.pending || ps.masked ||
			    deferred[w])
				continue;
			if (es.shared && st.rm_pe &&
			    st.affinity != (t->mpidr[w] & 0xff00ffffffULL))
				continue;
			if (ps.depth == 2 ||
			    (ps.depth == 1 &&
			     (!es.critical || ps.running[0] == 5 ||
			      ps.running[0] == 11)))
				continue;
			eligible++;
			woken += outstanding[w];
			/* A private or RM_PE event: its own vCPU is woken. */
			if ((!es.shared || st.rm_pe) && !outstanding[w])
				ck_abort_msg("event %u on vCPU %u: no kick",
					     es.num, w);
		}
		if (eligible && !woken)
			ck_abort_msg("event %u: nobody kicked", es.num);
	}
}

static const uint64_t r_nums[] = {
	0,
	5,
	6,
	10,
	11,
	0,
	5,
	6,
	10,
	11,
	SDEI_BIND_EVENT_BASE,
	SDEI_BIND_EVENT_BASE + 1,
	SDEI_BIND_EVENT_BASE + SDEI_MAX_BIND_SLOTS,
	999,
	~0ULL,
	1ULL << 32,
};
static const uint64_t r_intids[] = { 33, 34, 23, 0, 27, 40, 1020, ~0ULL };
static const uint64_t r_eps[] = { EP, EP + 0x80, EP + 0x100, 0, ~0ULL };
/* Calls that move events towards dispatch, picked more often. */
static const uint32_t r_useful[] = {
	SDEI_EVENT_REGISTER, SDEI_EVENT_REGISTER, SDEI_EVENT_ENABLE,
	SDEI_EVENT_ENABLE,   SDEI_PE_UNMASK,	  SDEI_EVENT_SIGNAL,
	SDEI_INTERRUPT_BIND,
};

#define PICK(array) ((array)[rnd() % ARRAY_SIZE(array)])

/* A random SDEI call of vCPU v, well-formed more often than not. */
static uint32_t random_call(unsigned int v, unsigned int depth)
{
	uint64_t mpidrs[] = { aff(0), aff(1), aff(2), vm.mpidr[3], 0x7, ~0ULL };
	uint32_t fid = SDEI_FID_BASE + rnd() % 0x20;
	uint64_t a[6];
	unsigned int i;

	if (rnd() % 2)
		fid = PICK(r_useful);
	if (depth && rnd() % 3 == 0)
		fid = rnd() % 2 ? SDEI_EVENT_COMPLETE :
				  SDEI_EVENT_COMPLETE_AND_RESUME;
	if (rnd() % 50 == 0)
		fid = (uint32_t)rnd();

	for (i = 0; i < 6; i++)
		a[i] = rnd();
	a[0] = rnd() % 8 ? PICK(r_nums) : rnd();
	a[1] = rnd() % 6;
	a[3] = rnd() % 3;
	a[4] = PICK(mpidrs);
	switch (fid) {
	case SDEI_INTERRUPT_BIND:
		a[0] = PICK(r_intids);
		break;
	case SDEI_EVENT_REGISTER:
		a[1] = PICK(r_eps);
		break;
	case SDEI_EVENT_SIGNAL:
		if (rnd() % 4)
			a[0] = 0;
		a[1] = PICK(mpidrs);
		break;
	case SDEI_EVENT_ROUTING_SET:
		a[1] = rnd() % 3;
		a[2] = a[4];
		break;
	}
	/* Now and then from a context that is not the client's EL. */
	vm.rf[v].r[GUEST_REG_PSTATE] = rnd() % 40 ? T_EL1H : rnd();
	tvm_call(&vm, v, fid, a);
	T_CHECK(vm.rc == 0);
	return fid;
}

START_TEST(random_sequences)
{
	unsigned int seed, step, w, dispatched = 0, completed = 0, nested = 0;

	for (seed = 1; seed <= 40; seed++) {
		rng = 0x9e3779b97f4a7c15ULL * seed;
		memset(outstanding, 0, sizeof(outstanding));
		memset(deferred, 0, sizeof(deferred));
		for (step = 0; step < 4000; step++) {
			unsigned int v = rnd() % vm.nr, r = rnd() % 100;
			struct sdei_pe_status ps;
			uint32_t fid;

			sdei_pe_status(vm.s, v, &ps);
			if (r < 55) {
				fid = random_call(v, ps.depth);
				completed += fid == SDEI_EVENT_COMPLETE &&
					     !vm.res.nr;
				dispatched += tdispatch(v);
			} else if (r < 75) {
				dispatched += tdispatch(v);
			} else if (r < 85) {
				sdei_trigger(vm.s, (uint32_t)PICK(r_nums),
					     rnd() % 3 ? v : SDEI_ROUTED);
			} else if (r < 92) {
				sdei_irq_set_level(vm.s,
						   (uint32_t)PICK(r_intids), v,
						   rnd() % 2);
			} else if (r < 94 && rnd() % 4 == 0) {
				sdei_cpu_off(vm.s, v);
				sdei_cpu_on(vm.s, v);
				outstanding[v] = deferred[v] = false;
			} else if (r == 94 && rnd() % 8 == 0) {
				sdei_system_reset(vm.s);
				memset(outstanding, 0, sizeof(outstanding));
				memset(deferred, 0, sizeof(deferred));
			} else if (r > 94) {
				TCALL(&vm, v, SDEI_PE_UNMASK);
				dispatched += tdispatch(v);
			}
			tvm_drain_kicks(&vm);
			for (w = 0; w < vm.nr; w++)
				outstanding[w] |= vm.kicked[w];
			check_invariants(&vm);
			check_liveness(&vm);
			sdei_pe_status(vm.s, v, &ps);
			nested += ps.depth == 2;
		}
		sdei_system_reset(vm.s);
	}
	/* The sequences did reach the interesting states. */
	ck_assert_uint_gt(dispatched, 800);
	ck_assert_uint_gt(nested, 20);
	ck_assert_uint_gt(completed, 300);
}
END_TEST

Suite *sdei_dispatch_suite(void)
{
	Suite *s = suite_create("sdei-dispatch");
	TCase *pure = tcase_create("pstate");
	TCase *tc = tcase_create("dispatch");
	TCase *tc4 = tcase_create("routing");
	TCase *rnd_tc = tcase_create("random");

	tcase_add_test(pure, handler_pstate);
	tcase_add_test(pure, pstate_el);
	suite_add_tcase(s, pure);

	tcase_add_checked_fixture(tc, setup2, teardown);
	tcase_add_test(tc, entry_frame);
	tcase_add_test(tc, context_and_complete);
	tcase_add_test(tc, complete_failed_status_is_accepted);
	tcase_add_test(tc, complete_and_resume);
	tcase_add_test(tc, el2_client);
	tcase_add_test(tc, el2_client_guest_context);
	tcase_add_test(tc, interrupted_el0);
	tcase_add_test(tc, saved_x0_is_the_return_value);
	tcase_add_test(tc, critical_preempts_normal);
	tcase_add_test(tc, critical_first_then_lowest_number);
	tcase_add_test(tc, critical_does_not_preempt_critical);
	tcase_add_test(tc, pending_while_masked_then_unmask);
	tcase_add_test(tc, pending_while_disabled_then_enable);
	tcase_add_test(tc, register_drops_stale_triggers);
	tcase_add_test(tc, triggers_coalesce);
	tcase_add_test(tc, unregister_while_running);
	tcase_add_test(tc, shared_unregister_from_another_pe);
	tcase_add_test(tc, private_reset_while_running);
	tcase_add_test(tc, cpu_on_clears_private_and_masks);
	tcase_add_test(tc, cpu_off_abandons_handlers);
	tcase_add_test(tc, system_reset);
	tcase_add_test(tc, signal_kicks_the_target_once);
	tcase_add_test(tc, bound_interrupt_delivery);
	tcase_add_test(tc, bound_interrupt_level);
	tcase_add_test(tc, bound_interrupt_level_cpu_off);
	tcase_add_test(tc, deferred_above_client_el);
	tcase_add_test(tc, register_failures);
	tcase_add_test(tc, largest_vm);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(tc4, setup4, teardown);
	tcase_add_test(tc4, rm_any_one_taker);
	tcase_add_test(tc4, rm_any_busy_vcpu_passes_it_on);
	tcase_add_test(tc4, rm_any_kick_moves_when_the_taker_masks);
	tcase_add_test(tc4, rm_pe_goes_to_its_pe);
	suite_add_tcase(s, tc4);

	tcase_add_checked_fixture(rnd_tc, setup4, teardown);
	tcase_add_test(rnd_tc, random_sequences);
	tcase_set_timeout(rnd_tc, 120);
	suite_add_tcase(s, rnd_tc);
	return s;
}
