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

/*
 * The argument registers each function reads, written out again from the
 * specs' parameter lists (DEN0022D 5.1, DEN0054B 5.1): the VMM reads
 * x1..xN for these N and no more, one system call each.
 */
static const struct {
	uint32_t fid;
	unsigned int nr;
} nr_args[] = {
	{ 0x84000000, 0 }, /* PSCI_VERSION */
	{ 0x84000001, 1 }, /* CPU_SUSPEND: power_state (power-down refused) */
	{ 0xC4000001, 1 },
	{ 0x84000002, 0 }, /* CPU_OFF */
	{ 0x84000003, 3 }, /* CPU_ON: target, entry, context */
	{ 0xC4000003, 3 },
	{ 0x84000004, 2 }, /* AFFINITY_INFO: target, lowest level */
	{ 0xC4000004, 2 },
	{ 0x84000005, 0 }, /* MIGRATE: not implemented */
	{ 0x84000006, 0 }, /* MIGRATE_INFO_TYPE */
	{ 0x84000008, 0 }, /* SYSTEM_OFF */
	{ 0x84000009, 0 }, /* SYSTEM_RESET */
	{ 0x8400000A, 1 }, /* PSCI_FEATURES: the function ID */
	{ 0x84000012, 1 }, /* SYSTEM_RESET2: type (the cookie is unused) */
	{ 0xC4000012, 1 },
	{ 0xC4000020, 0 }, /* SDEI_VERSION */
	{ 0xC4000021, 5 }, /* EVENT_REGISTER */
	{ 0xC4000022, 1 }, /* EVENT_ENABLE */
	{ 0xC4000023, 1 }, /* EVENT_DISABLE */
	{ 0xC4000024, 1 }, /* EVENT_CONTEXT */
	{ 0xC4000025, 1 }, /* EVENT_COMPLETE */
	{ 0xC4000026, 1 }, /* EVENT_COMPLETE_AND_RESUME */
	{ 0xC4000027, 1 }, /* EVENT_UNREGISTER */
	{ 0xC4000028, 1 }, /* EVENT_STATUS */
	{ 0xC4000029, 2 }, /* EVENT_GET_INFO */
	{ 0xC400002A, 3 }, /* EVENT_ROUTING_SET */
	{ 0xC400002B, 0 }, /* PE_MASK */
	{ 0xC400002C, 0 }, /* PE_UNMASK */
	{ 0xC400002D, 1 }, /* INTERRUPT_BIND */
	{ 0xC400002E, 1 }, /* INTERRUPT_RELEASE */
	{ 0xC400002F, 2 }, /* EVENT_SIGNAL */
	{ 0xC4000030, 1 }, /* FEATURES */
	{ 0xC4000031, 0 }, /* PRIVATE_RESET */
	{ 0xC4000032, 0 }, /* SHARED_RESET */
	{ 0xC4000033, 0 }, /* SDEI's range, undefined */
	{ 0xC400003F, 0 },
	{ 0x84000021, 0 }, /* SMC32 with SDEI's number: nobody's */
	{ 0x86000000, 0 }, /* SiP */
	{ 0x80000000, 0 }, /* SMCCC_VERSION */
};

START_TEST(call_nr_args)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(nr_args); i++)
		ck_assert_msg(
			fw_call_nr_args(fw, nr_args[i].fid) == nr_args[i].nr,
			"fid 0x%08x: %u argument registers, expected %u",
			nr_args[i].fid, fw_call_nr_args(fw, nr_args[i].fid),
			nr_args[i].nr);
}
END_TEST

/*
 * A step of the script below: a call, or (fid 0) a host trigger of event
 * a[0] on v, or (fid 1) a stop of v.
 */
struct step {
	unsigned int v;
	uint32_t fid;
	uint64_t a[5];
};

#define MPIDR(i) ((1ULL << 31) | (i))

static const struct step script[] = {
	{ 0, 0x84000000, { 0 } },
	{ 0, SDEI_VERSION, { 0 } },
	{ 0, SDEI_FEATURES, { 0 } },
	{ 0, SDEI_EVENT_REGISTER, { EV_PRIVATE, EP, 0x1234, 0, 0 } },
	{ 1, SDEI_EVENT_REGISTER, { EV_SHARED, EP, 0x5678, 1, MPIDR(1) } },
	{ 1, SDEI_EVENT_GET_INFO, { EV_SHARED, 3 } },
	{ 1, SDEI_EVENT_ROUTING_SET, { EV_SHARED, 1, MPIDR(2) } },
	{ 0, SDEI_EVENT_ENABLE, { EV_PRIVATE } },
	{ 1, SDEI_EVENT_ENABLE, { EV_SHARED } },
	{ 0, SDEI_INTERRUPT_BIND, { LINE } },
	{ 0, SDEI_PE_UNMASK, { 0 } },
	{ 0, SDEI_EVENT_STATUS, { EV_PRIVATE } },
	{ 0, 0, { EV_PRIVATE } }, /* the host triggers it on vCPU 0 */
	{ 0, SDEI_VERSION, { 0 } }, /* and vCPU 0 enters its handler */
	{ 0, SDEI_EVENT_CONTEXT, { 1 } },
	{ 0, SDEI_EVENT_COMPLETE, { 0 } },
	{ 0, 0, { EV_PRIVATE } },
	{ 0, SDEI_EVENT_STATUS, { EV_PRIVATE } },
	{ 0, SDEI_EVENT_COMPLETE_AND_RESUME, { RAM_BASE + 0x800 } },
	{ 0, SDEI_EVENT_SIGNAL, { 0, MPIDR(0) } },
	{ 0, 0xC4000003, { 1, RAM_BASE + 0x1000, 42 } },
	{ 1, 1, { 0 } }, /* vCPU 1 boots there */
	{ 0, 0xC4000004, { 1, 0 } },
	{ 0, 0x8400000A, { 0xC4000003 } },
	{ 0, 0x84000001, { 0 } },
	{ 0, SDEI_EVENT_DISABLE, { EV_PRIVATE } },
	{ 0, SDEI_EVENT_UNREGISTER, { EV_PRIVATE } },
	{ 0, SDEI_INTERRUPT_RELEASE, { 1000 } },
	{ 0, SDEI_PE_MASK, { 0 } },
	{ 0, SDEI_PRIVATE_RESET, { 0 } },
	{ 0, SDEI_SHARED_RESET, { 0 } },
	{ 0, 0xC4000012, { 0x80000005 } },
};

/* What a step leaves behind: the effects and every vCPU's registers. */
struct after {
	struct smccc_result res;
	enum fw_outcome outcome;
	bool park, retry, boot;
	uint64_t boot_entry, boot_context;
	uint64_t r[NR][GUEST_NR_REGS];
};

/*
 * Runs the script from power-on; the argument registers a function does
 * not read (fw_call_nr_args() onwards) hold garbage or zero.
 */
static void run_script(struct after *out, bool garbage)
{
	start(1);
	for (unsigned int i = 0; i < ARRAY_SIZE(script); i++) {
		const struct step *st = &script[i];
		uint64_t a[5];
		unsigned int nr = fw_call_nr_args(fw, st->fid);

		for (unsigned int j = 0; j < 5; j++)
			a[j] = j < nr  ? st->a[j] :
			       garbage ? 0xbad0000000000000ULL | (i << 8) | j :
					 0;
		memset(&eff, 0, sizeof(eff));
		if (!st->fid)
			ck_assert_int_eq(
				fw_trigger(fw, (uint32_t)st->a[0], st->v), 0);
		else if (st->fid == 1)
			stop(st->v, 0);
		else
			call(st->v, st->fid, a[0], a[1], a[2], a[3], a[4]);
		drain_kicks();
		out[i].res = eff.res;
		out[i].outcome = eff.outcome;
		out[i].park = eff.park;
		out[i].retry = eff.retry;
		out[i].boot = eff.boot;
		out[i].boot_entry = eff.boot_entry;
		out[i].boot_context = eff.boot_context;
		for (unsigned int v = 0; v < NR; v++)
			memcpy(out[i].r[v], rf[v].r, sizeof(rf[v].r));
	}
	teardown();
}

/*
 * No function looks past its argument count: the same calls with garbage
 * in the other registers give the same results and the same registers,
 * step by step (events registered, entered, completed, CPU_ON...).
 */
START_TEST(args_past_count_unread)
{
	static struct after zero[ARRAY_SIZE(script)], junk[ARRAY_SIZE(script)];

	teardown();
	run_script(zero, false);
	run_script(junk, true);
	for (unsigned int i = 0; i < ARRAY_SIZE(script); i++) {
		ck_assert_msg(zero[i].res.nr == junk[i].res.nr &&
				      !memcmp(zero[i].res.x, junk[i].res.x,
					      sizeof(zero[i].res.x)),
			      "step %u (0x%08x): results differ", i,
			      script[i].fid);
		ck_assert_msg(
			zero[i].outcome == junk[i].outcome &&
				zero[i].park == junk[i].park &&
				zero[i].retry == junk[i].retry &&
				zero[i].boot == junk[i].boot &&
				zero[i].boot_entry == junk[i].boot_entry &&
				zero[i].boot_context == junk[i].boot_context,
			"step %u: effects differ", i);
		ck_assert_msg(!memcmp(zero[i].r, junk[i].r, sizeof(zero[i].r)),
			      "step %u (0x%08x): registers differ", i,
			      script[i].fid);
	}
	/* The script did what it says: a handler ran, vCPU 1 booted with
	 * its context, the end failed. */
	ck_assert_uint_eq(zero[13].r[0][GUEST_REG_PC], EP);
	for (unsigned int i = 3; i <= 11; i++)
		ck_assert_msg(i == 5 || i == 9 || i == 11 ||
				      zero[i].res.x[0] == R_OK,
			      "step %u: 0x%llx", i,
			      (unsigned long long)zero[i].res.x[0]);
	ck_assert_uint_eq(zero[5].res.x[0], 1); /* RM_PE */
	ck_assert_uint_lt(zero[9].res.x[0], 1ULL << 63); /* bound: a number */
	ck_assert_uint_eq(zero[11].res.x[0], 3); /* registered, enabled */
	ck_assert(zero[21].boot);
	ck_assert_uint_eq(zero[21].boot_context, 42);
	ck_assert_int_eq(zero[ARRAY_SIZE(script) - 1].outcome,
			 FW_GUEST_FAILURE);
	start(1);
}
END_TEST

/*
 * SDEI_VERSION at EL1 in a VM without AArch32 reads no register at all
 * (a call can only come from AArch64 EL1 there) and writes x0; with EL2
 * or AArch32 the caller's PSTATE is read for the EL check.
 */
START_TEST(version_reads_nothing)
{
	struct sdei_config sc = { .client_el = 2 };
	struct fw_config cfg = { .nr_vcpus = 1,
				 .mpidr = mpidr,
				 .ram_base = RAM_BASE,
				 .ram_size = RAM_SIZE,
				 .sdei = &sc };
	struct fw *f;
	char err[160];

	rf[0].reads = rf[0].writes = 0;
	ck_assert_uint_eq(call(0, SDEI_VERSION, 0, 0, 0, 0, 0),
			  SDEI_VERSION_VALUE);
	ck_assert_uint_eq(rf[0].reads, 0);
	ck_assert_uint_eq(rf[0].writes, 1);

	for (unsigned int i = 0; i < 2; i++) {
		struct smccc_call c = { .fid = SDEI_VERSION };
		struct guest_regs regs = regfile_regs(&rf[0]);

		sc.client_el = i ? 1 : 2;
		cfg.aarch32 = i;
		rf[0].r[GUEST_REG_PSTATE] = i ? T_EL1H : T_EL2H;
		ck_assert_int_eq(fw_create(&f, &cfg, err, sizeof(err)), 0);
		rf[0].reads = 0;
		fw_call(f, &c, &regs, &eff);
		ck_assert_uint_eq(eff.res.x[0], SDEI_VERSION_VALUE);
		ck_assert_uint_eq(rf[0].reads, 1);
		/* From AArch32 EL1 (M[4] set) it is refused. */
		if (i) {
			rf[0].r[GUEST_REG_PSTATE] = 0x13; /* SVC mode */
			fw_call(f, &c, &regs, &eff);
			ck_assert_uint_eq(eff.res.x[0], R_NOT_SUPPORTED);
		}
		fw_destroy(f);
	}
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
	tcase_add_test(tc, call_nr_args);
	tcase_add_test(tc, args_past_count_unread);
	tcase_add_test(tc, version_reads_nothing);
	suite_add_tcase(s, tc);
	return s;
}
