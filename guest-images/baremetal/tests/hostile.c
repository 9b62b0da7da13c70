// SPDX-License-Identifier: GPL-2.0
/*
 * A guest that hammers lkvm with what a hostile or broken guest kernel
 * could send, while another vCPU keeps working. Run with lkvm -c 3 and
 *
 *   --sdei-event 100 --sdei-event 200,critical --sdei-event 300,shared
 *
 * cpu1 is the bystander: it loops on PSCI VERSION, SDEI VERSION,
 * AFFINITY_INFO of cpu0 and a read of an unmapped address, checking each
 * answer, until cpu0 is done; after each stage cpu0 checks cpu1 went on
 * (its loop count grew) and never got a wrong answer. cpu2 stays off but
 * for the CPU_OFF stage. cpu0 runs the stages:
 *
 *  sweep    every function ID lkvm takes from KVM (the SMCCC filter: PSCI
 *           0x84000000..1F, 0xC4000000..1F, SDEI 0xC4000020..3F), SWEEP_ROUNDS
 *           times, with random x1..x7 (a mix of zeros, all-ones, small
 *           numbers, event numbers, MPIDRs, addresses in and out of RAM,
 *           random words). Every answer is checked against the spec: PSCI
 *           (DEN0022D) exactly, by a model of its rules (CPU_ON, AFFINITY_INFO,
 *           FEATURES, CPU_SUSPEND, SYSTEM_RESET2's reset types; every ID PSCI
 *           1.1 does not define is NOT_SUPPORTED); SDEI (DEN0054B) by the set
 *           of codes each function may return, exactly where the state is
 *           known (EVENT_CONTEXT, COMPLETE and COMPLETE_AND_RESUME outside a
 *           handler are DENIED; IDs SDEI 1.1 does not define NOT_SUPPORTED).
 *           Left out, since they end the VM or the calling CPU by design:
 *           SYSTEM_OFF, SYSTEM_RESET, CPU_OFF (next stage), SYSTEM_RESET2
 *           with type 0 or a vendor type (lkvm's failure report), CPU_ON of
 *           cpu2 with an entry point in RAM. REGISTER takes either the
 *           trampoline below or a junk entry point (outside RAM, misaligned,
 *           beyond the PA space): events the random calls make deliverable
 *           run there, and a junk entry's fault is caught and the event
 *           COMPLETEd from the faulting context.
 *  cpu-off  cpu2 started with CPU_ON, which calls CPU_OFF with random
 *           x1..x7: it must power off (AFFINITY_INFO says OFF).
 *  denied   EVENT_COMPLETE, COMPLETE_AND_RESUME (to junk) and EVENT_CONTEXT
 *           with no event running: DENIED, nothing resumes anywhere.
 *  junk-entry  event 0 registered at each junk entry point and signalled:
 *           the PE faults at that address in handler context, is
 *           COMPLETEd from there and resumes where it was signalled.
 *  resume   event 0's handler leaves with COMPLETE_AND_RESUME to each junk
 *           address: the PE faults there (ELR/SPSR of the resume lost to
 *           the fault, as they would be on hardware); the test returns to
 *           the interrupted context and checks the event is no longer
 *           running and a second COMPLETE is DENIED.
 *  nested   event 0's handler prints "HOSTILE: WAIT critical" and spins;
 *           the lab signals critical event 200, whose handler leaves with
 *           COMPLETE_AND_RESUME to junk; back in event 0's handler (both
 *           statuses checked), it leaves to junk too. Then "HOSTILE: WAIT
 *           status": the lab checks lkvm reports nothing running.
 *  mmio     reads and writes of 1, 2, 4 and 8 bytes at random unmapped
 *           addresses below RAM: reads give 0 (lkvm's empty bus). Then
 *           load/store pairs and writeback forms there, which KVM cannot
 *           decode: each must be a synchronous external data abort at the
 *           instruction (lkvm injects it), and the guest goes on.
 *
 * Prints "HOSTILE: PASS <n> checks, <calls> calls ..." or "HOSTILE: FAIL
 * cpu<n>: <what> (code <code>)". The seed of the random arguments is
 * printed first. Any exception not expected fails the test with a line.
 */
#include <stddef.h>

#define SDEI_TEST "HOSTILE"
#include "sdei-guest.h"

#include "arm64/layout.h"

#define SWEEP_ROUNDS 160
#define CPU_OFF_ROUNDS 8
#define MMIO_ACCESSES 512
#define NISV_ACCESSES 16

#define EV_NORMAL 100
#define EV_CRITICAL 200
#define EV_SHARED 300

#define NR_CPUS 3
#define HOST_MS 60000 /* the lab answers a WAIT line within this */
#define CPU_MS 10000 /* another CPU reaching a point */

/* PSCI (DEN0022D) IDs and codes, written here apart from lkvm's. */
#define PSCI_VERSION_ID 0x84000000u
#define PSCI_CPU_SUSPEND32 0x84000001u
#define PSCI_CPU_SUSPEND64 0xC4000001u
#define PSCI_CPU_OFF_ID 0x84000002u
#define PSCI_CPU_ON32 0x84000003u
#define PSCI_CPU_ON64 0xC4000003u
#define PSCI_AFF_INFO32 0x84000004u
#define PSCI_AFF_INFO64 0xC4000004u
#define PSCI_MIGRATE_INFO_TYPE_ID 0x84000006u
#define PSCI_SYSTEM_OFF_ID 0x84000008u
#define PSCI_SYSTEM_RESET_ID 0x84000009u
#define PSCI_FEATURES_ID 0x8400000Au
#define PSCI_RESET2_32 0x84000012u
#define PSCI_RESET2_64 0xC4000012u
#define SMCCC_VERSION_ID 0x80000000u

#define E_NOT_SUPPORTED (-1)
#define E_INVALID_PARAMS (-2)
#define E_DENIED (-3)
#define E_ALREADY_ON (-4)
#define E_INVALID_ADDRESS (-9)

#define MPIDR_AFF 0xff00ffffffULL

/* The PSCI functions lkvm implements (PSCI 1.1 with SYSTEM_RESET2). */
static const u32 psci_implemented[] = {
	PSCI_VERSION_ID,    PSCI_CPU_SUSPEND32,	  PSCI_CPU_SUSPEND64,
	PSCI_CPU_OFF_ID,    PSCI_CPU_ON32,	  PSCI_CPU_ON64,
	PSCI_AFF_INFO32,    PSCI_AFF_INFO64,	  PSCI_MIGRATE_INFO_TYPE_ID,
	PSCI_SYSTEM_OFF_ID, PSCI_SYSTEM_RESET_ID, PSCI_FEATURES_ID,
	PSCI_RESET2_32,	    PSCI_RESET2_64,
};

enum hostile_fail {
	HF_SETUP = 1, /* a set-up call failed */
	HF_CPU_ON = 2, /* starting cpu1 or cpu2 */
	HF_PSCI = 3, /* a PSCI answer is not the spec's */
	HF_SDEI = 4, /* an SDEI answer is not in the spec's set */
	HF_BYSTANDER = 5, /* cpu1 got a wrong answer */
	HF_STALLED = 6, /* cpu1 made no progress during a stage */
	HF_CPU_OFF = 7, /* cpu2 did not power off */
	HF_DENIED = 8,
	HF_JUNK_ENTRY = 9,
	HF_RESUME = 10,
	HF_NESTED = 11,
	HF_WAIT_HOST = 12,
	HF_MMIO = 13, /* an unmapped read was not 0 */
	HF_NISV = 14, /* no data abort, or the wrong one */
	HF_COMPLETE_RETURNED = 15,
};

/* What the test expects its exception handler to meet. */
enum phase {
	PH_NONE,
	PH_JUNK_ENTRY, /* a fault at a junk SDEI entry point */
	PH_RESUME, /* a fault at the COMPLETE_AND_RESUME address */
	PH_NISV, /* a data abort at an undecodable MMIO access */
};

static volatile enum phase phase;
static unsigned int checks;
static u64 calls, junk_faults, resume_faults, nisv_aborts;
static volatile u64 handler_runs;
static u64 nisv_esr;

/* ---- randomness: xorshift64*, the seed printed first ---- */

static u64 rng_state;

static u64 rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/*
 * Junk code addresses: below RAM (nothing there), misaligned in RAM,
 * beyond any PA space, a kernel-style VA (MMU off), the GIC distributor
 * and the UART (device regions: no instructions).
 */
static const u64 junk_addrs[] = {
	0x4ULL,
	LKVM_RAM_BASE + 0x1002ULL,
	0x0000fffffffff000ULL,
	0xffff0000dead0000ULL,
	LKVM_GIC_DIST_BASE,
	LKVM_UART_BASE,
};

static bool is_junk(u64 pc)
{
	for (unsigned int i = 0; i < RT_ARRAY_SIZE(junk_addrs); i++)
		if (junk_addrs[i] == pc)
			return true;
	return false;
}

static u64 rnd_mpidr(void)
{
	return rt_kvm_vcpu_mpidr(rnd() % (NR_CPUS + 2));
}

/* One random argument, from the kinds that reach different checks. */
static u64 rnd_arg(void)
{
	static const u64 events[] = { 0,   EV_NORMAL,  EV_CRITICAL, EV_SHARED,
				      999, 0x40000000, 0xffffffff };

	switch (rnd() % 12) {
	case 0:
		return 0;
	case 1:
		return ~0ULL;
	case 2:
		return rnd() % 32;
	case 3:
		return events[rnd() % RT_ARRAY_SIZE(events)];
	case 4:
		return rnd_mpidr();
	case 5:
		return LKVM_RAM_BASE + (rnd() % 0x4000000);
	case 6:
		return junk_addrs[rnd() % RT_ARRAY_SIZE(junk_addrs)];
	case 7:
		return (u32)rnd();
	case 8:
		return (u64) - (s64)(rnd() % 16);
	case 9:
		return 1ULL << (rnd() % 64);
	default:
		return rnd();
	}
}

/* ---- the SDEI handlers ---- */

/* The sweep's handler: counts and COMPLETEs (through the trampoline). */
static void __attribute__((used, target("general-regs-only")))
sweep_handler(u64 ev, u64 arg, u64 pc, u64 pstate)
{
	(void)ev;
	(void)arg;
	(void)pc;
	(void)pstate;
	handler_runs++;
}
SDEI_HANDLER_ENTRY(sweep_entry, sweep_handler);

void sdei_complete_returned(u64 ret)
{
	fail(HF_COMPLETE_RETURNED, "EVENT_COMPLETE returned %lld", (s64)ret);
}

/*
 * SDEI_RESUME_ENTRY(entry, handler): like SDEI_HANDLER_ENTRY, but
 *   u64 handler(u64 event, u64 arg, u64 pc, u64 pstate)
 * returns the address to leave to with EVENT_COMPLETE_AND_RESUME, which
 * is made with x18, x29, x30 and SP as the interrupted context had them,
 * so that a fault at that address has the interrupted registers.
 */
/* clang-format off */
#define SDEI_RESUME_ENTRY(entry, handler)				\
	void entry(void);						\
	asm(".pushsection .text, \"ax\"\n"				\
	    "	.globl	" SDEI_STR(entry) "\n"			\
	    "	.type	" SDEI_STR(entry) ", %function\n"		\
	    "	.balign	4\n"						\
	    SDEI_STR(entry) ":\n"					\
	    "	stp	x29, x30, [sp, #-32]!\n"			\
	    "	str	x18, [sp, #16]\n"				\
	    "	mov	x29, sp\n"					\
	    "	bl	" SDEI_STR(handler) "\n"			\
	    "	mov	x1, x0\n"					\
	    "	ldr	x18, [sp, #16]\n"				\
	    "	ldp	x29, x30, [sp], #32\n"				\
	    "	movz	x0, #0x0026\n"					\
	    "	movk	x0, #0xc400, lsl #16\n"				\
	    "	mrs	x9, CurrentEL\n"				\
	    "	cmp	x9, #(2 << 2)\n"				\
	    "	b.eq	1f\n"						\
	    "	hvc	#0\n"						\
	    "	b	2f\n"						\
	    "1:	smc	#0\n"						\
	    "2:	bl	sdei_complete_returned\n"			\
	    "	.size	" SDEI_STR(entry) ", . - " SDEI_STR(entry) "\n"	\
	    ".popsection\n")

/*
 * Where a fault at a junk entry point resumes: EVENT_COMPLETE with the
 * registers and SP the handler was entered with (the exception return
 * restored them), as a handler's own exit would.
 */
void sdei_fault_complete(void);
asm(".pushsection .text, \"ax\"\n"
    "	.globl	sdei_fault_complete\n"
    "	.type	sdei_fault_complete, %function\n"
    "	.balign	4\n"
    "sdei_fault_complete:\n"
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
    "	.size	sdei_fault_complete, . - sdei_fault_complete\n"
    ".popsection\n");
/* clang-format on */

_Static_assert(SDEI_EVENT_COMPLETE_AND_RESUME == 0xc4000026u,
	       "SDEI_RESUME_ENTRY's exit");

/*
 * Per nesting level (0 normal, 1 critical): where the handler was
 * entered from (x2, x3) and the address it leaves to.
 */
struct resume_ctx {
	u64 pc, pstate, junk;
	bool armed;
};
static struct resume_ctx resume_ctx[2];
static volatile u64 crit_ran;
static volatile u64 nested_status_normal, nested_status_crit;

/* A handler's entry at nesting level: records where it came from. */
static inline __attribute__((target("general-regs-only"))) struct resume_ctx *
resume_enter(unsigned int level, u64 pc, u64 pstate)
{
	struct resume_ctx *c = &resume_ctx[level];

	c->pc = pc;
	c->pstate = pstate;
	handler_runs++;
	return c;
}

static u64 __attribute__((used, target("general-regs-only")))
resume_handler(u64 ev, u64 arg, u64 pc, u64 pstate)
{
	struct resume_ctx *c = resume_enter(0, pc, pstate);

	(void)ev;
	(void)arg;
	c->armed = true;
	return c->junk;
}
SDEI_RESUME_ENTRY(resume_entry, resume_handler);

/* Event 0 in the nested stage: waits for the critical event. */
static u64 __attribute__((used, target("general-regs-only")))
nested_normal_handler(u64 ev, u64 arg, u64 pc, u64 pstate)
{
	struct resume_ctx *c = resume_enter(0, pc, pstate);

	(void)ev;
	(void)arg;
	rt_puts("HOSTILE: WAIT critical");
	if (!sdei_wait_reach(&crit_ran, 1, HOST_MS))
		fail(HF_WAIT_HOST, "critical event %u never came", EV_CRITICAL);
	/* Back from the critical handler's junk resume: still running. */
	nested_status_normal = sdei_guest_call(SDEI_EVENT_STATUS, 0, 0);
	c->armed = true;
	return c->junk;
}
SDEI_RESUME_ENTRY(nested_normal_entry, nested_normal_handler);

static u64 __attribute__((used, target("general-regs-only")))
nested_crit_handler(u64 ev, u64 arg, u64 pc, u64 pstate)
{
	struct resume_ctx *c = resume_enter(1, pc, pstate);

	(void)arg;
	crit_ran = 1;
	nested_status_crit = ev == EV_CRITICAL ?
				     sdei_guest_call(SDEI_EVENT_STATUS, 0, 0)
						     << 8 |
					     sdei_guest_call(SDEI_EVENT_STATUS,
							     EV_CRITICAL, 0) :
				     ~0ULL;
	c->armed = true;
	return c->junk;
}
SDEI_RESUME_ENTRY(nested_crit_entry, nested_crit_handler);

/* ---- exceptions the stages provoke ---- */

static bool is_fetch_fault(u64 esr)
{
	return ESR_EC(esr) == ESR_EC_IABT_CUR || ESR_EC(esr) == ESR_EC_PC_ALIGN;
}

static bool hostile_sync(struct exception_frame *f, unsigned int v)
{
	switch (phase) {
	case PH_JUNK_ENTRY:
		/* In handler context at a junk entry: COMPLETE from there. */
		if (!is_fetch_fault(f->esr) || !is_junk(f->elr))
			break;
		junk_faults++;
		f->elr = (u64)sdei_fault_complete;
		return true;
	case PH_RESUME:
		/* At the resume address: back to the interrupted context. */
		for (int i = 1; i >= 0; i--) {
			struct resume_ctx *c = &resume_ctx[i];

			if (!c->armed || f->elr != c->junk ||
			    !is_fetch_fault(f->esr))
				continue;
			c->armed = false;
			resume_faults++;
			f->elr = c->pc;
			f->spsr = c->pstate;
			return true;
		}
		break;
	case PH_NISV:
		if (ESR_EC(f->esr) != ESR_EC_DABT_CUR)
			break;
		nisv_aborts++;
		nisv_esr = f->esr;
		f->elr += 4;
		return true;
	default:
		break;
	}
	rt_printf(
		"HOSTILE: FAIL cpu%u: unexpected exception: vector %u, ESR %#llx, ELR %#llx, FAR %#llx (phase %u)\n",
		rt_smp_processor_id(), v, f->esr, f->elr, f->far, phase);
	return false;
}

/* ---- cpu1: the bystander ---- */

static volatile u64 by_loops, by_errors, by_stop, by_bad_what, by_bad_val;
static u64 sdei_version;

static void by_check(u64 got, u64 want, u64 what)
{
	if (got == want)
		return;
	if (!by_errors) {
		by_bad_what = what;
		by_bad_val = got;
	}
	by_errors++;
}

static void bystander(void *arg)
{
	(void)arg;
	while (!by_stop) {
		by_check(rt_smccc_call(PSCI_VERSION_ID, 0, 0, 0).x0 &
				 0xffffffff,
			 0x10001, 1);
		by_check(sdei_guest_call(SDEI_VERSION, 0, 0), sdei_version, 2);
		by_check(rt_smccc_call(PSCI_AFF_INFO64, rt_kvm_vcpu_mpidr(0), 0,
				       0)
				 .x0,
			 0, 3);
		by_check(rt_readl(0x00800000), 0, 4);
		by_loops++;
	}
}

/* Fails unless cpu1 ran at least one more loop since *mark, unharmed. */
static void check_bystander(u64 *mark, const char *stage)
{
	u64 want = *mark + 1;

	if (!sdei_wait_reach(&by_loops, want, CPU_MS))
		fail(HF_STALLED, "%s: cpu1 made no progress (%llu loops)",
		     stage, by_loops);
	if (by_errors)
		fail(HF_BYSTANDER,
		     "%s: cpu1 got %llu wrong answers, first %llu: %#llx",
		     stage, by_errors, by_bad_what, by_bad_val);
	*mark = by_loops;
	checks++;
}

/* ---- PSCI: the spec's answer ---- */

static bool smc32(u32 fid)
{
	return !(fid & 0x40000000u);
}

/* An SMC32 call's arguments are 32 bits (SMCCC: the upper halves ignored). */
static u64 arg_of(u32 fid, u64 a)
{
	return smc32(fid) ? (u32)a : a;
}

/* The logical CPU of an MPIDR affinity value, or -1. */
static int cpu_of(u64 target)
{
	if (target & ~MPIDR_AFF)
		return -1;
	for (int i = 0; i < NR_CPUS; i++)
		if (rt_kvm_vcpu_mpidr(i) == target)
			return i;
	return -1;
}

static s64 psci_affinity_model(u64 target, u64 level)
{
	u64 mask = MPIDR_AFF;
	bool any = false, on = false;

	if (level > 3 || (target & ~MPIDR_AFF))
		return E_INVALID_PARAMS;
	for (unsigned int l = 0; l < level; l++)
		mask &= ~(0xffULL << (8 * l));
	for (int i = 0; i < NR_CPUS; i++) {
		if ((rt_kvm_vcpu_mpidr(i) & mask) != (target & mask))
			continue;
		any = true;
		on |= i < 2; /* cpu0 and cpu1 run; cpu2 is off */
	}
	if (!any)
		return E_INVALID_PARAMS;
	return on ? 0 : 1;
}

static bool psci_model_implements(u32 fid)
{
	for (unsigned int i = 0; i < RT_ARRAY_SIZE(psci_implemented); i++)
		if (psci_implemented[i] == fid)
			return true;
	return false;
}

/*
 * Makes the arguments safe where the call would end the run, and returns
 * the spec's answer to fid with them.
 */
static s64 psci_model(u32 fid, u64 *a)
{
	u64 a1 = arg_of(fid, a[0]), a2 = arg_of(fid, a[1]);

	switch (fid) {
	case PSCI_VERSION_ID:
		return 0x10001;
	case PSCI_CPU_SUSPEND32:
	case PSCI_CPU_SUSPEND64:
		/* Power-down states (bit 16) are not offered: 5.4.2. */
		return a1 & (1u << 16) ? E_INVALID_PARAMS : 0;
	case PSCI_CPU_ON32:
	case PSCI_CPU_ON64:
		switch (cpu_of(a1)) {
		case -1:
			return E_INVALID_PARAMS;
		case 0:
		case 1:
			return E_ALREADY_ON;
		default:
			/* cpu2 stays off: an entry point below RAM. */
			a[1] = (rnd() % LKVM_RAM_BASE) & ~3ULL;
			return E_INVALID_ADDRESS;
		}
	case PSCI_AFF_INFO32:
	case PSCI_AFF_INFO64:
		return psci_affinity_model(a1, a2);
	case PSCI_MIGRATE_INFO_TYPE_ID:
		return 2; /* no Trusted OS that needs migrating */
	case PSCI_FEATURES_ID:
		if ((u32)a1 == SMCCC_VERSION_ID)
			return 0;
		return psci_model_implements((u32)a1) ? 0 : E_NOT_SUPPORTED;
	case PSCI_RESET2_32:
	case PSCI_RESET2_64:
		/* An architectural type other than 0 (warm): 5.16.2. */
		a[0] = (a[0] & ~0xffffffffULL) | ((u32)a[0] & 0x7fffffff);
		if (!(u32)a[0])
			a[0] |= 1 + rnd() % 0x7ffffffe;
		return E_INVALID_PARAMS;
	default:
		return E_NOT_SUPPORTED;
	}
}

/* ---- SDEI: the codes each function may return (DEN0054B 5.x) ---- */

#define C_OK (1u << 0)
#define C_NS (1u << 1) /* NOT_SUPPORTED */
#define C_INV (1u << 2)
#define C_DEN (1u << 3)
#define C_PEND (1u << 5)
#define C_OOR (1u << 10)
#define C_VALUE (1u << 16) /* any non-negative value */

static u32 sdei_codes(u32 fid)
{
	switch (fid) {
	case SDEI_EVENT_REGISTER:
		return C_OK | C_INV | C_DEN | C_OOR;
	case SDEI_EVENT_ENABLE:
	case SDEI_EVENT_DISABLE:
	case SDEI_EVENT_ROUTING_SET:
	case SDEI_INTERRUPT_RELEASE:
	case SDEI_EVENT_SIGNAL:
		return C_OK | C_INV | C_DEN;
	case SDEI_EVENT_CONTEXT:
		/*
		 * Outside a handler; the spec does not order this against a
		 * bad register number (INVALID; TF-A checks that first).
		 */
		return C_DEN | C_INV;
	case SDEI_EVENT_COMPLETE:
	case SDEI_EVENT_COMPLETE_AND_RESUME:
		return C_DEN; /* never inside a handler here */
	case SDEI_EVENT_UNREGISTER:
		return C_OK | C_INV | C_DEN | C_PEND;
	case SDEI_EVENT_STATUS:
	case SDEI_FEATURES:
		return C_VALUE | C_INV;
	case SDEI_EVENT_GET_INFO:
		return C_VALUE | C_INV | C_DEN;
	case SDEI_PE_MASK:
		return C_VALUE;
	case SDEI_PE_UNMASK:
		return C_OK;
	case SDEI_INTERRUPT_BIND:
		return C_VALUE | C_INV | C_DEN | C_OOR;
	case SDEI_PRIVATE_RESET:
	case SDEI_SHARED_RESET:
		return C_OK | C_DEN;
	default:
		return C_NS; /* 0x13..0x1F: no SDEI 1.1 function */
	}
}

static bool sdei_answer_ok(u32 fid, u64 r)
{
	u32 codes = sdei_codes(fid);
	s64 v = (s64)r;

	if (fid == SDEI_VERSION)
		return r == sdei_version;
	if (v >= 0) {
		if (fid == SDEI_EVENT_STATUS)
			return v <= 7;
		if (fid == SDEI_PE_MASK)
			return v <= 1;
		return (codes & C_VALUE) || (v == 0 && (codes & C_OK));
	}
	return v >= -16 && (codes & (1u << -v));
}

/* ---- stage: sweep ---- */

static const u64 sweep_events[] = { 0, EV_NORMAL, EV_CRITICAL, EV_SHARED };

static void sweep_call(u32 fid)
{
	u64 a[7];
	struct smccc_res r;
	bool psci = fid < SDEI_VERSION;
	s64 want = 0;

	for (int i = 0; i < 7; i++)
		a[i] = rnd_arg();
	/*
	 * Half of SDEI's calls name a declared event and signal this PE, so
	 * that random sequences also register, enable, signal and deliver.
	 */
	if (!psci && rnd() % 2) {
		a[0] = sweep_events[rnd() % RT_ARRAY_SIZE(sweep_events)];
		if (fid == SDEI_EVENT_SIGNAL)
			a[1] = read_sysreg(mpidr_el1) & MPIDR_AFF;
	}
	/*
	 * REGISTER's entry point: the trampoline or junk, never a random
	 * address in RAM (that would run whatever is there).
	 */
	if (fid == SDEI_EVENT_REGISTER)
		a[1] = rnd() % 2 ?
			       (u64)sweep_entry :
			       junk_addrs[rnd() % RT_ARRAY_SIZE(junk_addrs)];
	if (psci)
		want = psci_model(fid, a);
	r = rt_smccc_call7(fid, a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
	calls++;
	if (psci) {
		bool ok = smc32(fid) ? (s32)r.x0 == (s32)want :
				       r.x0 == (u64)want;

		if (!ok)
			fail(HF_PSCI,
			     "%#x(%#llx, %#llx, %#llx) returned %#llx, the spec says %lld",
			     fid, a[0], a[1], a[2], r.x0, want);
	} else if (!sdei_answer_ok(fid, r.x0)) {
		fail(HF_SDEI,
		     "%#x(%#llx, %#llx, %#llx, %#llx, %#llx) returned %lld: not an answer the spec allows",
		     fid, a[0], a[1], a[2], a[3], a[4], (s64)r.x0);
	}
	checks++;
}

static bool sweep_skips(u32 fid)
{
	return fid == PSCI_SYSTEM_OFF_ID || fid == PSCI_SYSTEM_RESET_ID ||
	       fid == PSCI_CPU_OFF_ID;
}

/* Leaves cpu0's SDEI state clean: nothing registered, bound or unmasked. */
static void sdei_clean(void)
{
	if (sdei_guest_call(SDEI_PRIVATE_RESET, 0, 0) ||
	    sdei_guest_call(SDEI_SHARED_RESET, 0, 0) ||
	    sdei_guest_call(SDEI_PE_MASK, 0, 0) > 1)
		fail(HF_SETUP, "resetting SDEI failed");
}

static void stage_sweep(u64 *mark)
{
	static const u32 bases[] = { 0x84000000u, 0xC4000000u, 0xC4000020u };
	u64 t0, t1, freq = read_sysreg(cntfrq_el0);

	phase = PH_JUNK_ENTRY;
	isb();
	t0 = read_sysreg(cntvct_el0);
	for (unsigned int round = 0; round < SWEEP_ROUNDS; round++) {
		for (unsigned int b = 0; b < RT_ARRAY_SIZE(bases); b++) {
			for (u32 n = 0; n < 0x20; n++) {
				if (!sweep_skips(bases[b] + n))
					sweep_call(bases[b] + n);
			}
		}
	}
	isb();
	t1 = read_sysreg(cntvct_el0);
	phase = PH_NONE;
	sdei_clean();
	rt_printf(
		"HOSTILE: sweep: %llu calls in %llu ms (%llu calls/s), %llu handler runs, %llu junk entry faults\n",
		calls, freq ? (t1 - t0) * 1000 / freq : 0,
		t1 > t0 && freq ? calls * freq / (t1 - t0) : 0, handler_runs,
		junk_faults);
	check_bystander(mark, "sweep");
}

/* ---- stage: cpu-off ---- */

static volatile u64 cpu2_started, cpu2_off_returned;

/*
 * cpu2's entry (MMU off, no stack): notes it ran, then CPU_OFF with
 * x1..x7 made from the context ID. CPU_OFF must not return; if it does,
 * it says so and waits forever (AFFINITY_INFO then shows it on).
 */
void cpu2_off_entry(void);
/* clang-format off */
asm(".pushsection .text, \"ax\"\n"
    "	.globl	cpu2_off_entry\n"
    "	.type	cpu2_off_entry, %function\n"
    "	.balign	4\n"
    "cpu2_off_entry:\n"
    "	adrp	x9, cpu2_started\n"
    "	add	x9, x9, :lo12:cpu2_started\n"
    "	str	x0, [x9]\n"
    "	dsb	sy\n"
    "	mov	x1, x0\n"
    "	eor	x2, x0, x0, ror #7\n"
    "	eor	x3, x0, x0, ror #13\n"
    "	mvn	x4, x0\n"
    "	ror	x5, x0, #32\n"
    "	mov	x6, #-1\n"
    "	mov	x7, #0\n"
    "	movz	x0, #0x0002\n"
    "	movk	x0, #0x8400, lsl #16\n"
    "	mrs	x9, CurrentEL\n"
    "	cmp	x9, #(2 << 2)\n"
    "	b.eq	1f\n"
    "	hvc	#0\n"
    "	b	2f\n"
    "1:	smc	#0\n"
    "2:	adrp	x9, cpu2_off_returned\n"
    "	add	x9, x9, :lo12:cpu2_off_returned\n"
    "	str	x0, [x9]\n"
    "	dsb	sy\n"
    "3:	wfe\n"
    "	b	3b\n"
    "	.size	cpu2_off_entry, . - cpu2_off_entry\n"
    ".popsection\n");
/* clang-format on */

static bool wait_cpu2_off(void)
{
	u64 freq = read_sysreg(cntfrq_el0), start;

	isb();
	start = read_sysreg(cntvct_el0);
	for (;;) {
		int r = rt_psci_affinity_info(rt_kvm_vcpu_mpidr(2), 0);

		if (r == 1)
			return true;
		if (r < 0 || read_sysreg(cntvct_el0) - start > freq * 10)
			return false;
		rt_cpu_relax();
	}
}

static void stage_cpu_off(u64 *mark)
{
	for (unsigned int i = 0; i < CPU_OFF_ROUNDS; i++) {
		u64 ctx = rnd() | 1;
		int r;

		cpu2_started = 0;
		smp_mb();
		r = rt_psci_cpu_on(rt_kvm_vcpu_mpidr(2), (u64)cpu2_off_entry,
				   ctx);
		if (r)
			fail(HF_CPU_ON, "CPU_ON of cpu2 returned %d", r);
		calls++;
		if (!sdei_wait_reach(&cpu2_started, 1, CPU_MS) ||
		    cpu2_started != ctx)
			fail(HF_CPU_OFF, "cpu2 did not start (context %#llx)",
			     cpu2_started);
		if (!wait_cpu2_off())
			fail(HF_CPU_OFF,
			     "cpu2 is not off after CPU_OFF(x1 %#llx): CPU_OFF returned %lld",
			     ctx, (s64)cpu2_off_returned);
		calls += 2;
		checks++;
	}
	rt_printf("HOSTILE: cpu-off: cpu2 powered off %u times\n",
		  CPU_OFF_ROUNDS);
	check_bystander(mark, "cpu-off");
}

/* ---- stages: denied, junk-entry, resume ---- */

static void expect_sdei(u64 got, u64 want, int code, const char *what)
{
	if (got != want)
		fail(code, "%s returned %lld, want %lld", what, (s64)got,
		     (s64)want);
	checks++;
}

static void stage_denied(u64 *mark)
{
	for (unsigned int i = 0; i < RT_ARRAY_SIZE(junk_addrs); i++) {
		expect_sdei(sdei_guest_call(SDEI_EVENT_COMPLETE, 0, 0),
			    SDEI_DENIED, HF_DENIED,
			    "COMPLETE without an event");
		expect_sdei(sdei_guest_call(SDEI_EVENT_COMPLETE_AND_RESUME,
					    junk_addrs[i], 0),
			    SDEI_DENIED, HF_DENIED,
			    "COMPLETE_AND_RESUME to junk without an event");
		expect_sdei(sdei_guest_call(SDEI_EVENT_CONTEXT, i, 0),
			    SDEI_DENIED, HF_DENIED,
			    "EVENT_CONTEXT without an event");
		calls += 3;
	}
	check_bystander(mark, "denied");
}

/* SDEI_EVENT_REGISTER of a private event (flags, affinity 0). */
static u64 sdei_register(u64 ev, u64 entry, u64 arg)
{
	return rt_smccc_call7(SDEI_EVENT_REGISTER, ev, entry, arg, 0, 0, 0, 0)
		.x0;
}

/* EVENT_SIGNAL of event 0 to this PE. */
static u64 signal_self(void)
{
	return sdei_guest_call(SDEI_EVENT_SIGNAL, 0,
			       read_sysreg(mpidr_el1) & MPIDR_AFF);
}

/* Registers event 0 at entry, enabled, the PE unmasked. */
static void ev0_setup(u64 entry, u64 arg)
{
	sdei_clean();
	expect_sdei(sdei_register(0, entry, arg), SDEI_SUCCESS, HF_SETUP,
		    "REGISTER of event 0");
	expect_sdei(sdei_guest_call(SDEI_EVENT_ENABLE, 0, 0), SDEI_SUCCESS,
		    HF_SETUP, "ENABLE of event 0");
	expect_sdei(sdei_guest_call(SDEI_PE_UNMASK, 0, 0), SDEI_SUCCESS,
		    HF_SETUP, "PE_UNMASK");
	calls += 6;
}

static void stage_junk_entry(u64 *mark)
{
	for (unsigned int i = 0; i < RT_ARRAY_SIZE(junk_addrs); i++) {
		u64 before = junk_faults;

		ev0_setup(junk_addrs[i], i);
		phase = PH_JUNK_ENTRY;
		expect_sdei(signal_self(), SDEI_SUCCESS, HF_JUNK_ENTRY,
			    "EVENT_SIGNAL");
		phase = PH_NONE;
		if (junk_faults != before + 1)
			fail(HF_JUNK_ENTRY,
			     "event 0 at entry %#llx: %llu faults, want 1",
			     junk_addrs[i], junk_faults - before);
		expect_sdei(sdei_guest_call(SDEI_EVENT_STATUS, 0, 0),
			    SDEI_STATUS_REGISTERED | SDEI_STATUS_ENABLED,
			    HF_JUNK_ENTRY, "STATUS after the faulting handler");
		calls += 2;
	}
	rt_printf(
		"HOSTILE: junk-entry: %zu entry points faulted and completed\n",
		RT_ARRAY_SIZE(junk_addrs));
	check_bystander(mark, "junk-entry");
}

static void stage_resume(u64 *mark)
{
	ev0_setup((u64)resume_entry, 0);
	for (unsigned int i = 0; i < RT_ARRAY_SIZE(junk_addrs); i++) {
		u64 before = resume_faults;

		resume_ctx[0].junk = junk_addrs[i];
		phase = PH_RESUME;
		expect_sdei(signal_self(), SDEI_SUCCESS, HF_RESUME,
			    "EVENT_SIGNAL");
		phase = PH_NONE;
		if (resume_faults != before + 1)
			fail(HF_RESUME, "resume to %#llx: %llu faults, want 1",
			     junk_addrs[i], resume_faults - before);
		expect_sdei(sdei_guest_call(SDEI_EVENT_STATUS, 0, 0),
			    SDEI_STATUS_REGISTERED | SDEI_STATUS_ENABLED,
			    HF_RESUME, "STATUS after the junk resume");
		expect_sdei(sdei_guest_call(SDEI_EVENT_COMPLETE, 0, 0),
			    SDEI_DENIED, HF_RESUME, "a second COMPLETE");
		calls += 3;
	}
	rt_printf(
		"HOSTILE: resume: %zu COMPLETE_AND_RESUMEs to junk faulted there\n",
		RT_ARRAY_SIZE(junk_addrs));
	check_bystander(mark, "resume");
}

/* ---- stage: nested ---- */

static void stage_nested(u64 *mark)
{
	u64 st;

	ev0_setup((u64)nested_normal_entry, 0);
	expect_sdei(sdei_register(EV_CRITICAL, (u64)nested_crit_entry, 0),
		    SDEI_SUCCESS, HF_SETUP, "REGISTER of the critical event");
	expect_sdei(sdei_guest_call(SDEI_EVENT_ENABLE, EV_CRITICAL, 0),
		    SDEI_SUCCESS, HF_SETUP, "ENABLE of the critical event");
	resume_ctx[0].junk = junk_addrs[0];
	resume_ctx[1].junk = junk_addrs[2];
	crit_ran = 0;
	phase = PH_RESUME;
	/*
	 * Event 0's handler waits for the critical event in a loop; the
	 * critical handler's junk resume lands back in that loop.
	 */
	expect_sdei(signal_self(), SDEI_SUCCESS, HF_NESTED, "EVENT_SIGNAL");
	phase = PH_NONE;
	if (resume_faults < 2 || resume_ctx[0].armed || resume_ctx[1].armed)
		fail(HF_NESTED, "the nested junk resumes did not both fault");
	/* In the critical handler: event 0 and 200 both running. */
	st = SDEI_STATUS_REGISTERED | SDEI_STATUS_ENABLED | SDEI_STATUS_RUNNING;
	if (nested_status_crit != (st << 8 | st))
		fail(HF_NESTED,
		     "in the critical handler STATUS(0) << 8 | STATUS(200) is %#llx, want %#llx",
		     nested_status_crit, st << 8 | st);
	if (nested_status_normal != st)
		fail(HF_NESTED,
		     "back in event 0's handler its STATUS is %#llx, want %#llx",
		     nested_status_normal, st);
	expect_sdei(sdei_guest_call(SDEI_EVENT_STATUS, 0, 0),
		    SDEI_STATUS_REGISTERED | SDEI_STATUS_ENABLED, HF_NESTED,
		    "STATUS(0) after both");
	expect_sdei(sdei_guest_call(SDEI_EVENT_STATUS, EV_CRITICAL, 0),
		    SDEI_STATUS_REGISTERED | SDEI_STATUS_ENABLED, HF_NESTED,
		    "STATUS(200) after both");
	expect_sdei(sdei_guest_call(SDEI_EVENT_COMPLETE, 0, 0), SDEI_DENIED,
		    HF_NESTED, "COMPLETE after both");
	checks += 3;
	/* The lab reads lkvm's status, then says go with event 100. */
	expect_sdei(sdei_register(EV_NORMAL, (u64)sweep_entry, 0), SDEI_SUCCESS,
		    HF_SETUP, "REGISTER of event 100");
	expect_sdei(sdei_guest_call(SDEI_EVENT_ENABLE, EV_NORMAL, 0),
		    SDEI_SUCCESS, HF_SETUP, "ENABLE of event 100");
	st = handler_runs;
	rt_puts("HOSTILE: WAIT status");
	if (!sdei_wait_reach(&handler_runs, st + 1, HOST_MS))
		fail(HF_WAIT_HOST, "event %u (the go-ahead) never came",
		     EV_NORMAL);
	sdei_clean();
	rt_printf("HOSTILE: nested: critical into normal, both left to junk\n");
	check_bystander(mark, "nested");
}

/* ---- stage: mmio ---- */

/* A random unmapped address below RAM, aligned to size. */
static unsigned long rnd_unmapped(unsigned int size)
{
	static const struct {
		u64 lo, hi;
	} holes[] = {
		{ 0x0, LKVM_UART_BASE },
		{ LKVM_UART_BASE + 0x100, LKVM_PVPANIC_BASE },
		{ LKVM_PVPANIC_BASE + 0x100, LKVM_VIRTIO_BASE },
		/* No virtio device in this run: its windows are empty. */
		{ LKVM_VIRTIO_BASE, LKVM_GIC_REDIST_BASE(8) },
		{ LKVM_GIC_DIST_BASE + LKVM_GIC_DIST_SIZE, LKVM_RAM_BASE },
	};
	unsigned int h = rnd() % RT_ARRAY_SIZE(holes);
	u64 span = holes[h].hi - holes[h].lo - 8;

	return (holes[h].lo + rnd() % span) & ~(unsigned long)(size - 1);
}

static u64 mmio_read(unsigned long addr, unsigned int size)
{
	switch (size) {
	case 1:
		return rt_readb(addr);
	case 2:
		return rt_readw(addr);
	case 4:
		return rt_readl(addr);
	default:
		return rt_readq(addr);
	}
}

static void mmio_write(unsigned long addr, unsigned int size, u64 v)
{
	switch (size) {
	case 1:
		rt_writeb(v, addr);
		break;
	case 2:
		rt_writew(v, addr);
		break;
	case 4:
		rt_writel(v, addr);
		break;
	default:
		rt_writeq(v, addr);
		break;
	}
}

/* Accesses KVM cannot decode: pairs and writeback forms (no ISV). */
static void nisv_access(unsigned long addr, unsigned int kind)
{
	u64 a = 0x5a5a5a5a5a5a5a5aULL, b = ~a;
	unsigned long p = addr;

	switch (kind % 4) {
	case 0:
		asm volatile("ldp %0, %1, [%2]"
			     : "+r"(a), "+r"(b)
			     : "r"(p)
			     : "memory");
		break;
	case 1:
		asm volatile("stp %0, %1, [%2]"
			     :
			     : "r"(a), "r"(b), "r"(p)
			     : "memory");
		break;
	case 2:
		asm volatile("ldr %0, [%1], #8"
			     : "+r"(a), "+r"(p)
			     :
			     : "memory");
		break;
	default:
		asm volatile("str %1, [%0, #8]!" : "+r"(p) : "r"(a) : "memory");
		break;
	}
}

static void stage_mmio(u64 *mark)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8 };

	for (unsigned int i = 0; i < MMIO_ACCESSES; i++) {
		unsigned int size = sizes[rnd() % 4];
		unsigned long addr = rnd_unmapped(size);
		u64 v;

		mmio_write(addr, size, rnd());
		v = mmio_read(addr, size);
		if (v)
			fail(HF_MMIO,
			     "%u-byte read of unmapped %#lx gave %#llx", size,
			     addr, v);
		checks++;
	}
	rt_printf("HOSTILE: mmio: %u unmapped writes and reads, all read 0\n",
		  MMIO_ACCESSES);

	phase = PH_NISV;
	for (unsigned int i = 0; i < NISV_ACCESSES; i++) {
		u64 before = nisv_aborts;
		unsigned long addr = rnd_unmapped(16);

		nisv_access(addr, i);
		if (nisv_aborts != before + 1)
			fail(HF_NISV,
			     "access %u (kind %u) at %#lx: %llu data aborts, want 1",
			     i, i % 4, addr, nisv_aborts - before);
		/* DFSC 0x10: synchronous external abort (ESR_ELx ISS). */
		if ((nisv_esr & 0x3f) != 0x10)
			fail(HF_NISV,
			     "access %u at %#lx: ESR %#llx is not an external abort",
			     i, addr, nisv_esr);
		checks++;
	}
	phase = PH_NONE;
	rt_printf(
		"HOSTILE: mmio: %u undecodable accesses, each an external data abort\n",
		NISV_ACCESSES);
	check_bystander(mark, "mmio");
}

/* ---- main ---- */

int main(void *dtb)
{
	u64 mark = 0;
	int r;

	(void)dtb;
	sdei_catch_exceptions();
	rt_install_sync_handler(hostile_sync);
	isb();
	rng_state = read_sysreg(cntvct_el0) | 1;
	rt_printf("HOSTILE: at EL%u, seed %#llx\n", rt_current_el(), rng_state);

	sdei_version = sdei_guest_call(SDEI_VERSION, 0, 0);
	if ((s64)sdei_version < 0)
		fail(HF_SETUP, "no SDEI (VERSION %lld)", (s64)sdei_version);
	sdei_clean();

	r = rt_cpu_on(1, rt_kvm_vcpu_mpidr(1), bystander, NULL);
	if (r)
		fail(HF_CPU_ON, "rt_cpu_on(1) returned %d: run with -c 3", r);
	check_bystander(&mark, "start");

	stage_sweep(&mark);
	stage_cpu_off(&mark);
	stage_denied(&mark);
	stage_junk_entry(&mark);
	stage_resume(&mark);
	stage_nested(&mark);
	stage_mmio(&mark);

	by_stop = 1;
	rt_cpu_wait_off(1);
	rt_printf(
		"HOSTILE: PASS %u checks, %llu calls, %llu handler runs, %llu junk entry faults, %llu junk resume faults, %llu data aborts; cpu1 %llu loops\n",
		checks, calls, handler_runs, junk_faults, resume_faults,
		nisv_aborts, by_loops);
	return 0;
}
