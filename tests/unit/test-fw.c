// SPDX-License-Identifier: GPL-2.0
/*
 * The firmware core (firmware-emu/fw.c) as the VMM drives it: calls,
 * stops, triggers and device lines in, effects, kicks and GIC lines out.
 * The order rules the VMM used to carry itself are checked here: a call's
 * result before its dispatch, no dispatch for a vCPU that turns itself
 * off or that KVM still owes an MMIO load or an exception entry, CPU_ON
 * through the target's own stop, lines moving to and from SDEI, and the
 * retry for an event that waits for the client's context.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "test-sdei.h"
#include "unit.h"
#include "../../firmware-emu/fw.h"

#define NR 3
#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (256ULL << 20)
#define LINE 33
#define EV_SHARED 10
#define EV_PRIVATE 20

#define PSCI_CPU_OFF 0x84000002U
#define PSCI_CPU_ON64 0xC4000003U
#define PSCI_SYSTEM_OFF 0x84000008U
#define PSCI_SYSTEM_RESET 0x84000009U

#define HCR_VM (1ULL << 0)
#define HCR_TGE (1ULL << 27)
#define HCR_E2H (1ULL << 34)

static struct fw *fw;
static struct regfile rf[NR];
static uint64_t mpidr[NR];
static struct fw_effects eff;
static bool kicked[NR];

static const struct sdei_event_desc events[] = {
	{ .num = EV_SHARED, .shared = true },
	{ .num = EV_PRIVATE },
};
static const uint32_t lines[] = { LINE, 34 };

static void start(unsigned int client_el)
{
	struct sdei_config sc = {
		.events = events,
		.nr_events = ARRAY_SIZE(events),
		.nr_shared_slots = 2,
		.client_el = client_el,
	};
	struct fw_config cfg = {
		.nr_vcpus = NR,
		.mpidr = mpidr,
		.ram_base = RAM_BASE,
		.ram_size = RAM_SIZE,
		.sdei = &sc,
		.lines = lines,
		.nr_lines = ARRAY_SIZE(lines),
	};
	char err[160] = "";

	for (unsigned int i = 0; i < NR; i++) {
		mpidr[i] = (1ULL << 31) | i;
		regfile_init(&rf[i], i + 1);
		rf[i].r[GUEST_REG_MPIDR] = mpidr[i];
		if (client_el == 2) {
			rf[i].r[GUEST_REG_PSTATE] = T_EL2H;
			rf[i].r[GUEST_REG_HCR] = HCR_E2H | HCR_TGE;
		}
	}
	ck_assert_msg(fw_create(&fw, &cfg, err, sizeof(err)) == 0, "%s", err);
}

static void setup(void)
{
	start(1);
}

static void teardown(void)
{
	fw_destroy(fw);
	fw = NULL;
}

/* Drains the kicks into kicked[]; returns how many. */
static unsigned int drain_kicks(void)
{
	unsigned int n = 0;
	int v;

	memset(kicked, 0, sizeof(kicked));
	while ((v = fw_next_kick(fw)) >= 0) {
		ck_assert_int_lt(v, NR);
		ck_assert(!kicked[v]);
		kicked[v] = true;
		n++;
	}
	return n;
}

static uint64_t call(unsigned int v, uint32_t fid, uint64_t a1, uint64_t a2,
		     uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct smccc_call c = { .fid = fid,
				.vcpu = v,
				.arg = { a1, a2, a3, a4, a5 } };
	struct guest_regs regs = regfile_regs(&rf[v]);

	fw_call(fw, &c, &regs, &eff);
	return rf[v].r[GUEST_REG_X0];
}

static void stop(unsigned int v, unsigned int flags)
{
	struct guest_regs regs = regfile_regs(&rf[v]);

	fw_stop(fw, v, flags, &regs, &eff);
}

/* Event num registered (shared: RM_ANY) and enabled on v, v unmasked. */
static void ready(unsigned int v, uint32_t num)
{
	ck_assert_uint_eq(call(v, SDEI_EVENT_REGISTER, num, EP, 0, 0, 0), R_OK);
	ck_assert_uint_eq(call(v, SDEI_EVENT_ENABLE, num, 0, 0, 0, 0), R_OK);
	ck_assert_uint_eq(call(v, SDEI_PE_UNMASK, 0, 0, 0, 0, 0), R_OK);
}

static bool running_on(unsigned int v)
{
	struct sdei_pe_status ps;

	ck_assert_int_eq(sdei_pe_status(fw_sdei(fw), v, &ps), 0);
	return ps.depth > 0;
}

/* The event's entry state (shared, or private on v). */
static struct sdei_entry_status entry_of(uint32_t num, unsigned int v)
{
	struct sdei *s = fw_sdei(fw);
	struct sdei_event_status ev;
	struct sdei_entry_status es = { 0 };

	for (unsigned int i = 0; i < sdei_nr_events(s); i++)
		if (!sdei_event_status(s, i, &ev) && ev.num == num)
			ck_assert_int_eq(sdei_entry_status(s, i, v, &es), 0);
	return es;
}

/* The result is written before the dispatch, which saves it as x0. */
START_TEST(result_then_dispatch)
{
	ready(0, EV_PRIVATE);
	ck_assert_int_eq(fw_trigger(fw, EV_PRIVATE, 0), 0);
	ck_assert_uint_eq(drain_kicks(), 1);
	ck_assert(kicked[0]);
	/* A call from v0 at that moment: the handler follows its result. */
	ck_assert_uint_eq(call(0, SDEI_VERSION, 0, 0, 0, 0, 0), EV_PRIVATE);
	ck_assert_uint_eq(rf[0].r[GUEST_REG_PC], EP);
	ck_assert_uint_eq(eff.res.x[0], SDEI_VERSION_VALUE);
	ck_assert_uint_eq(call(0, SDEI_EVENT_CONTEXT, 0, 0, 0, 0, 0),
			  SDEI_VERSION_VALUE);
	ck_assert_int_eq(eff.outcome, FW_RUNS);
}
END_TEST

/*
 * Defect 1: KVM owes vCPU 0 an exception entry (a data abort injected for
 * an undecodable MMIO access) or an MMIO load. A dispatch now would set
 * PC to the handler and the abort would be taken at its first
 * instruction. The stop asks for the entry first and touches nothing;
 * after it, the dispatch interrupts the exception's vector.
 */
START_TEST(no_dispatch_before_pending_entry)
{
	uint64_t vector = 0xffff800008010200ULL;
	unsigned int writes;

	ready(0, EV_PRIVATE);
	ck_assert_int_eq(fw_trigger(fw, EV_PRIVATE, 0), 0);
	ck_assert_uint_eq(drain_kicks(), 1);
	writes = rf[0].writes;
	stop(0, FW_STOP_ENTRY_PENDING);
	ck_assert(eff.enter_first);
	ck_assert_uint_eq(rf[0].writes, writes);
	ck_assert(!running_on(0));
	/* KVM_RUN with immediate_exit took the abort: PC at the vector. */
	rf[0].r[GUEST_REG_PC] = vector;
	stop(0, 0);
	ck_assert(!eff.enter_first);
	ck_assert(running_on(0));
	ck_assert_uint_eq(rf[0].r[GUEST_REG_PC], EP);
	ck_assert_uint_eq(rf[0].r[GUEST_REG_X0 + 2], vector);
	/* With nothing to take, the flag changes nothing: no entry asked. */
	call(0, SDEI_EVENT_COMPLETE, 0, 0, 0, 0, 0);
	ck_assert_uint_eq(rf[0].r[GUEST_REG_PC], vector);
	stop(0, FW_STOP_ENTRY_PENDING);
	ck_assert(!eff.enter_first);
}
END_TEST

/*
 * Defect 2: a shared RM_ANY event is pending while vCPU 0 calls CPU_OFF.
 * A dispatch after the call would enter the handler on vCPU 0, and CPU_OFF
 * would abandon it: lost. vCPU 0 takes nothing; vCPU 1 is kicked for it.
 */
START_TEST(cpu_off_hands_shared_event_on)
{
	ck_assert_uint_eq(call(0, PSCI_CPU_ON64, 1, RAM_BASE, 0, 0, 0), R_OK);
	ck_assert_uint_eq(drain_kicks(), 1);
	ck_assert(kicked[1]);
	stop(1, 0);
	ck_assert(eff.boot);
	ck_assert_uint_eq(eff.boot_entry, RAM_BASE);
	fw_booted(fw, 1);
	ready(0, EV_SHARED);
	ck_assert_uint_eq(call(0, SDEI_EVENT_DISABLE, EV_SHARED, 0, 0, 0, 0),
			  R_OK);
	ck_assert_uint_eq(call(1, SDEI_PE_UNMASK, 0, 0, 0, 0, 0), R_OK);
	ck_assert_int_eq(fw_trigger(fw, EV_SHARED, SDEI_ROUTED), 0);
	ck_assert_uint_eq(drain_kicks(), 0); /* disabled */
	/* vCPU 0 enables it and turns off in one go (two calls, no stop). */
	ck_assert_uint_eq(call(0, SDEI_EVENT_ENABLE, EV_SHARED, 0, 0, 0, 0),
			  EV_SHARED);
	ck_assert(running_on(0)); /* the caller takes it at once */
	ck_assert_uint_eq(call(0, SDEI_EVENT_COMPLETE, 0, 0, 0, 0, 0), R_OK);
	ck_assert_int_eq(fw_trigger(fw, EV_SHARED, SDEI_ROUTED), 0);
	drain_kicks();
	/* Pending again; vCPU 0 calls CPU_OFF before anyone stops. */
	ck_assert(entry_of(EV_SHARED, 0).pending);
	call(0, PSCI_CPU_OFF, 0, 0, 0, 0, 0);
	ck_assert(eff.park);
	ck_assert(!running_on(0));
	ck_assert(entry_of(EV_SHARED, 0).pending);
	ck_assert_uint_eq(drain_kicks(), 1);
	ck_assert(kicked[1]);
	stop(1, 0);
	ck_assert(running_on(1));
	ck_assert_uint_eq(rf[1].r[GUEST_REG_X0], EV_SHARED);
}
END_TEST

/* CPU_ON goes through the target's own stop; its private state is wiped. */
START_TEST(cpu_on_through_target_stop)
{
	ck_assert_uint_eq(
		call(0, PSCI_CPU_ON64, 2, RAM_BASE + 0x100, 0x55, 0, 0), R_OK);
	ck_assert_int_eq(eff.outcome, FW_RUNS);
	ck_assert(!eff.park && !eff.boot);
	ck_assert_int_eq(fw_psci(fw)->state[2], PSCI_CPU_ON_PENDING);
	ck_assert_uint_eq(drain_kicks(), 1);
	ck_assert(kicked[2]);
	stop(2, FW_STOP_ENTRY_PENDING);
	ck_assert(eff.boot);
	ck_assert_uint_eq(eff.boot_entry, RAM_BASE + 0x100);
	ck_assert_uint_eq(eff.boot_context, 0x55);
	fw_booted(fw, 2);
	ck_assert_int_eq(fw_psci(fw)->state[2], PSCI_CPU_ON);
	stop(2, 0);
	ck_assert(!eff.boot);
	ck_assert_uint_eq(drain_kicks(), 0);
}
END_TEST

START_TEST(outcomes)
{
	call(0, PSCI_SYSTEM_OFF, 0, 0, 0, 0, 0);
	ck_assert_int_eq(eff.outcome, FW_POWEROFF);
	ready(0, EV_PRIVATE);
	call(0, PSCI_SYSTEM_RESET, 0, 0, 0, 0, 0);
	ck_assert_int_eq(eff.outcome, FW_RESET);
	/* Nothing SDEI held survives. */
	ck_assert_uint_eq(entry_of(EV_PRIVATE, 0).state, 0);
	/* A failed register write stops the VM. */
	rf[0].fail_after = 0;
	call(0, SDEI_VERSION, 0, 0, 0, 0, 0);
	ck_assert_int_eq(eff.outcome, FW_ERROR);
	/* A vCPU that does not exist. */
	stop(NR, 0);
	ck_assert_int_eq(eff.outcome, FW_ERROR);
}
END_TEST

/* Lines: the GIC sees level && !owned; only changes come out. */
START_TEST(lines_to_and_from_sdei)
{
	uint32_t intid;
	bool level;

	ck_assert_int_eq(fw_irq_set(fw, 40, true), -ENOENT);
	ck_assert_int_eq(fw_irq_set(fw, LINE, true), 0);
	ck_assert(fw_next_line(fw, &intid, &level));
	ck_assert_uint_eq(intid, LINE);
	ck_assert(level);
	ck_assert(!fw_next_line(fw, &intid, &level));
	/* The same level again: no change. */
	ck_assert_int_eq(fw_irq_set(fw, LINE, true), 0);
	ck_assert(!fw_next_line(fw, &intid, &level));
	/* Bound and registered: the GIC line drops, the event is pending. */
	ck_assert_uint_eq(call(0, SDEI_INTERRUPT_BIND, LINE, 0, 0, 0, 0),
			  SDEI_BIND_EVENT_BASE);
	ck_assert(!fw_next_line(fw, &intid, &level));
	ck_assert_uint_eq(call(0, SDEI_EVENT_REGISTER, SDEI_BIND_EVENT_BASE, EP,
			       0, 0, 0),
			  R_OK);
	ck_assert(fw_next_line(fw, &intid, &level));
	ck_assert_uint_eq(intid, LINE);
	ck_assert(!level);
	call(0, SDEI_EVENT_ENABLE, SDEI_BIND_EVENT_BASE, 0, 0, 0, 0);
	/* REGISTER found the line high: the handler runs at PE_UNMASK. */
	ck_assert_uint_eq(call(0, SDEI_PE_UNMASK, 0, 0, 0, 0, 0),
			  SDEI_BIND_EVENT_BASE);
	ck_assert(running_on(0));
	/* Still high at COMPLETE: entered again at once. */
	ck_assert_uint_eq(call(0, SDEI_EVENT_COMPLETE, 0, 0, 0, 0, 0),
			  SDEI_BIND_EVENT_BASE);
	ck_assert(running_on(0));
	ck_assert_int_eq(fw_irq_set(fw, LINE, false), 0);
	ck_assert(!fw_next_line(fw, &intid, &level));
	call(0, SDEI_EVENT_COMPLETE, 0, 0, 0, 0, 0);
	ck_assert(!running_on(0));
	/* UNREGISTER hands a high line back to the GIC. */
	ck_assert_int_eq(fw_irq_set(fw, LINE, true), 0);
	drain_kicks();
	ck_assert(!fw_next_line(fw, &intid, &level));
	call(1, SDEI_EVENT_UNREGISTER, SDEI_BIND_EVENT_BASE, 0, 0, 0, 0);
	ck_assert(fw_next_line(fw, &intid, &level));
	ck_assert_uint_eq(intid, LINE);
	ck_assert(level);
}
END_TEST

/*
 * Defect 8: an EL2 client's vCPU runs a guest of its own (EL1, TGE = 0,
 * VM = 1). The event waits, the stop asks to be repeated (retry), and a
 * later stop in the client's context takes it.
 */
START_TEST(el2_client_retry)
{
	teardown();
	start(2);
	ready(0, EV_PRIVATE);
	rf[0].r[GUEST_REG_PSTATE] = T_EL1H;
	rf[0].r[GUEST_REG_HCR] = HCR_E2H | HCR_VM;
	ck_assert_int_eq(fw_trigger(fw, EV_PRIVATE, 0), 0);
	ck_assert_uint_eq(drain_kicks(), 1);
	stop(0, 0);
	ck_assert(eff.retry);
	ck_assert(!running_on(0));
	/* Not kicked again for it: the retry is the VMM's timer. */
	ck_assert_uint_eq(drain_kicks(), 0);
	stop(0, 0);
	ck_assert(eff.retry);
	rf[0].r[GUEST_REG_PSTATE] = T_EL2H;
	rf[0].r[GUEST_REG_HCR] = HCR_E2H | HCR_TGE;
	stop(0, 0);
	ck_assert(!eff.retry);
	ck_assert(running_on(0));
}
END_TEST

START_TEST(no_sdei)
{
	struct fw_config cfg = {
		.nr_vcpus = 1,
		.mpidr = mpidr,
		.ram_base = RAM_BASE,
		.ram_size = RAM_SIZE,
		.lines = lines,
		.nr_lines = 1,
	};
	struct fw *f;
	char err[160];

	ck_assert_int_eq(fw_create(&f, &cfg, err, sizeof(err)), 0);
	ck_assert_ptr_null(fw_sdei(f));
	ck_assert_int_eq(fw_trigger(f, 0, 0), -ENODEV);
	fw_destroy(f);
	cfg.nr_vcpus = 0;
	ck_assert_int_eq(fw_create(&f, &cfg, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_null(f);
}
END_TEST

Suite *fw_suite(void)
{
	Suite *s = suite_create("fw");
	TCase *tc = tcase_create("fw");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, result_then_dispatch);
	tcase_add_test(tc, no_dispatch_before_pending_entry);
	tcase_add_test(tc, cpu_off_hands_shared_event_on);
	tcase_add_test(tc, cpu_on_through_target_stop);
	tcase_add_test(tc, outcomes);
	tcase_add_test(tc, lines_to_and_from_sdei);
	tcase_add_test(tc, el2_client_retry);
	tcase_add_test(tc, no_sdei);
	suite_add_tcase(s, tc);
	return s;
}
