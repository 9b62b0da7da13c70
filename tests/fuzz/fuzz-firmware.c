// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for lkvm's firmware core (firmware-emu/: fw.c strings
 * PSCI 1.1, SDEI 1.1 and the device lines together), driven through its
 * interface only, the way vmm/vcpu-hypercall.c and vmm/sdei-host.c drive
 * it: a forwarded SMCCC call is fw_call(); a stop of a vCPU after a kick
 * is fw_stop() (with FW_STOP_ENTRY_PENDING while KVM owes it an MMIO load
 * or an exception entry, then again without it after eff.enter_first),
 * eff.boot is carried out and confirmed with fw_booted(); lkvm sdei signal
 * is fw_trigger(); a device line is fw_irq_set(); after every step
 * fw_next_kick() and fw_next_line() are drained into the model (the kicks
 * in flight, as the VMM's fw_kicked, and the GIC's line levels). An
 * in-memory register file per vCPU implements struct guest_regs. FW_RESET
 * starts a new VM (fw_destroy(), fw_create(): --reboot-restart);
 * FW_POWEROFF, FW_GUEST_FAILURE and FW_ERROR stop it. State is read
 * through fw_sdei()/fw_psci() and the status getters. A small model (the
 * dispatch stacks, the lines' levels, kicks, CPU_ONs waiting for their
 * stop) runs beside it. Seeds: tests/fuzz/make-firmware-seeds.sh writes
 * them. -DFUZZ_FIRMWARE_TRACE prints each step.
 *
 * Input (a byte past the end reads as 0):
 *   byte 0   bits 0-2 vCPUs - 1 (1-8, MPIDRs as KVM makes them); bit 3
 *            the vCPUs have EL2 (the SDEI client is at EL2, else EL1);
 *            bit 4 MTE; bit 5 strict power (only vCPUs PSCI has on make
 *            calls; a vCPU waiting for its CPU_ON never does); bit 6 PPI
 *            22 is a device line too (SPIs 32 and 33 always are; lines
 *            are bindable); bit 7 register faults allowed
 *   byte 1   bits 0-2 platform events (0-4, mod 5), numbered 10 + i +
 *            16 * bits 4-7; bit 3: the last one is SDEI_PLATFORM_EVENT_MAX
 *   byte 2   bits 2i, 2i+1: platform event i shared, critical
 *   byte 3   bits 0-1 shared bind slots; 2-3 private slots; bit 4: the vGIC
 *            has 64 INTIDs (else 1020); bits 5-7 all set: no SDEI
 *   then one byte per vCPU: bits 0-2 its context (0-3 client ELxh, 4 client
 *            ELxt, 5 EL0t, 6 AArch32, 7 the other EL: EL2h under an EL1
 *            client, EL1h under an EL2 one), bits 3-5 HCR_EL2.VM, TGE, E2H
 *            (EL2 only), all bits seed its registers (random but fixed:
 *            x0-x30, PC, ELR, SPSR, SCTLR, HCR...)
 *   then up to MAX_OPS operations: an opcode byte, bits 0-3 the kind, bits
 *            4-7 p (bits 4-6 the vCPU, mod the count), then its bytes:
 *     0-6  SMCCC call on vCPU p (p bit 3: SMC conduit): a function byte
 *          (see pick_fid(): 0-151 SDEI SMC64, 152-167 SDEI's SMC32 forms,
 *          168-175 SDEI's unassigned IDs, 176-239 PSCI 32/64, 240-255 four
 *          raw ID bytes follow), then x1..x5, one selector byte each (see
 *          arg_value(): low nibble the kind, high nibble a parameter)
 *     7    host trigger: an event byte; with p bit 3 a vCPU byte too
 *     8    device line: an INTID byte (32, 33, 22, 16, 34, 1019; the last
 *          ones are no device's); p bit 3 is the level
 *     9    stop vCPU p with an entry pending, if a stop is due: a byte,
 *          what KVM's entry does (bit 0: an exception, else an MMIO load)
 *     10   stop vCPU p, if a stop is due (a kick or a retry in flight)
 *     11   stop every vCPU with a stop due, lowest first
 *     12   vCPU p's context changes (guest code ran): a context byte
 *          (bits 0-2 as above; bit 3 new x0-x30, 4 SCTLR, 5 ELR/SPSR; bit 6
 *          a new HCR_EL2 with VM, TGE, E2H from bits 3-5)
 *     13   arm a register fault on vCPU p: after (byte % 32) more accesses
 *     14   as 11, highest first with p bit 3
 *     15   out-of-range probes of the API, and fw_create() refusing a
 *          broken configuration: a byte
 *
 * Checked after every operation (abort() on failure): the status getters
 * agree with the configuration; every entry's state is one of the six the
 * state table reaches, registered iff it has an entry point, routes name
 * existing PEs; RUNNING iff the event is on a PE's dispatch stack (a shared
 * one on exactly one); per-PE depth at most 2, and two deep only critical
 * over normal; the stacks equal the model's; sdei_vcpu_has_work() matches
 * the documented delivery rules; no lost wakeup (a PE with work of its own
 * has a stop due: a kick in flight or the retry fw_stop/fw_call asked for;
 * a pending RM_ANY event has a taker with a stop due, one not waiting for
 * its own context if there is one); kicks go to existing vCPUs, never to
 * the caller after a plain call or a stop, once until it dispatches; a
 * bound interrupt's event is pending exactly while registered, not running
 * and its line high; ownership of lines; the GIC's view of each line is
 * level && !owned by SDEI, changes only handed out; PSCI states, a CPU_ON
 * waiting with a kick. Per step: the result is the spec's return code or
 * documented value that the preceding state implies (NOT_SUPPORTED from a
 * wrong EL; EVENT_SIGNAL dropped at a masked PE or an unregistered event
 * 0; CPU_ON INVALID_ADDRESS outside RAM or odd), written to x0.. before
 * any dispatch; failures change nothing; registers outside the documented
 * set are not read or written (dispatch: x0-x3, PC, PSTATE; COMPLETE:
 * x0-x17, PC, PSTATE, and ELR/SPSR for RESUME; HCR_EL2 read only with EL2,
 * written never); the handler's entry frame and PSTATE (PAN from
 * SCTLR.SPAN at EL1, at EL2 only with HCR_EL2.E2H and TGE); COMPLETE
 * restoring what dispatch saved; a dispatch exactly when an event is
 * deliverable, deferred with eff.retry while an EL2 client's guest runs
 * (TGE = 0, VM = 1) or the vCPU is above the client EL; no dispatch after
 * CPU_OFF, SYSTEM_OFF or a reset in the same call (CPU_OFF hands a
 * pending shared event to another PE); eff.enter_first exactly when an
 * event waits and an entry is pending, touching nothing; a CPU_ON's boot
 * at the target's next stop with its entry and context, touching nothing;
 * the outcome. After a register fault: FW_ERROR, and nothing changed if a
 * read failed; the VM then stops.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../arm64/boot.h"
#include "../../firmware-emu/fw.h"
#include "../../vmm/exit-codes.h"

#define MAX_VCPUS 8
#define MAX_PLAT 4
#define MAX_CAT (1 + MAX_PLAT + 3 + 3)
#define MAX_BINDABLE 3
#define MAX_OPS 300
#define NR_SAVED SDEI_NR_SAVED_REGS

#define RAM_BASE 0x80000000ULL /* LKVM_RAM_BASE */
#define RAM_SIZE (256ULL << 20)
#define EP_BASE 0xffff800010abc000ULL
#define AFF_MASK SDEI_MPIDR_AFF_MASK
/* MPIDR bits a guest may pass as an affinity: Aff0-3, bit 31, U, MT. */
#define MPIDR_OK (AFF_MASK | (1ULL << 31) | (1ULL << 30) | (1ULL << 24))

/* PSTATE, SPSR format. */
#define P_NZCV (0xfULL << 28)
#define P_TCO (1ULL << 25)
#define P_DIT (1ULL << 24)
#define P_UAO (1ULL << 23)
#define P_PAN (1ULL << 22)
#define P_SS (1ULL << 21)
#define P_IL (1ULL << 20)
#define P_ALLINT (1ULL << 13)
#define P_SSBS (1ULL << 12)
#define P_BTYPE (3ULL << 10)
#define P_DAIF (0xfULL << 6)
#define P_M32 (1ULL << 4)
#define P32_DIT (1ULL << 21)
#define SCTLR_SPAN (1ULL << 23)
#define SCTLR_DSSBS (1ULL << 44)
/* HCR_EL2 bits that say whose context an EL2 vCPU runs below EL2. */
#define HCR_VM (1ULL << 0)
#define HCR_TGE (1ULL << 27)
#define HCR_E2H (1ULL << 34)

#define ST_G SDEI_STATUS_REGISTERED
#define ST_E SDEI_STATUS_ENABLED
#define ST_R SDEI_STATUS_RUNNING

#define RB(r) (1ULL << (r))
#define XREGS(n) ((1ULL << (n)) - 1) /* x0..x{n-1} */

#define CHECK(expr)                                    \
	do {                                           \
		if (!(expr))                           \
			check_failed(__LINE__, #expr); \
	} while (0)

/*
 * Two defects this harness found, now fixed (their scenarios stay as
 * seeds, corpus/fuzz-firmware/regress-fuzz-firmware-1 and -2): a lost
 * wakeup (a vCPU that stopped for its kick and found no work kept its
 * kick "sent"; fw_stop() now dispatches at every stop) and a lost level
 * interrupt (sdei_abandon_handlers() did not re-pend a bound interrupt
 * whose line was still high).
 */

/* -DFUZZ_FIRMWARE_TRACE: one line per step on stderr, for reproducers. */
#ifdef FUZZ_FIRMWARE_TRACE
#define TRACE(...) fprintf(stderr, __VA_ARGS__)
#else
#define TRACE(...) \
	do {       \
	} while (0)
#endif

static void check_failed(int line, const char *what)
{
	fprintf(stderr, "fuzz-firmware.c:%d: check failed: %s\n", line, what);
	abort();
}

/* --- The input. */

struct input {
	const uint8_t *p;
	size_t n, off;
};

static uint8_t in_u8(struct input *in)
{
	return in->off < in->n ? in->p[in->off++] : 0;
}

static uint64_t in_le(struct input *in, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes; i++)
		v |= (uint64_t)in_u8(in) << (8 * i);
	return v;
}

static uint64_t next_rand(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* --- The register file: every access is checked and recorded. */

struct fvm;

struct regfile {
	uint64_t r[GUEST_NR_REGS];
	bool el2; /* the vCPU has EL2: HCR_EL2 exists */
	uint64_t hcr_reset; /* HCR_EL2 after KVM_ARM_VCPU_INIT */
	uint64_t reads, writes; /* registers accessed in this step */
	int fail_at; /* accesses from this count on fail; -1: none */
	unsigned int accesses, step_accesses;
	bool failed, failed_read; /* in this step; the first was a read */
	/*
	 * A dispatch starts with a PSTATE read: the first one at or after
	 * access watch_from of a step (a call's own PSTATE read is its
	 * access 0; a stop has none). There the regfile keeps what the call
	 * left (mid_r, call_reads, call_writes, and a snapshot of SDEI in
	 * owner->m), and reads and writes count the dispatch's only.
	 */
	struct fvm *owner;
	unsigned int watch_from;
	bool mid_seen, mid_failed;
	uint64_t mid_r[GUEST_NR_REGS];
	uint64_t call_reads, call_writes;
};

static void mid_snapshot(struct fvm *vm);

static int rf_access(struct regfile *rf, enum guest_reg reg, bool write)
{
	CHECK((unsigned int)reg < GUEST_NR_REGS);
	/* MPIDR_EL1 is read-only, HCR_EL2 the guest's: no call writes them. */
	CHECK(!write || (reg != GUEST_REG_MPIDR && reg != GUEST_REG_HCR));
	/* Without EL2 there is no HCR_EL2 to read (ONE_REG would fail). */
	CHECK(reg != GUEST_REG_HCR || rf->el2);
	if (!write && reg == GUEST_REG_PSTATE && !rf->mid_seen &&
	    rf->step_accesses >= rf->watch_from) {
		rf->mid_seen = true;
		rf->mid_failed = rf->failed;
		memcpy(rf->mid_r, rf->r, sizeof(rf->mid_r));
		rf->call_reads = rf->reads;
		rf->call_writes = rf->writes;
		rf->reads = rf->writes = 0;
		mid_snapshot(rf->owner);
	}
	rf->step_accesses++;
	if (rf->fail_at >= 0 && rf->accesses >= (unsigned int)rf->fail_at) {
		if (!rf->failed)
			rf->failed_read = !write;
		rf->failed = true;
		rf->accesses++;
		return -1;
	}
	rf->accesses++;
	if (write)
		rf->writes |= RB(reg);
	else
		rf->reads |= RB(reg);
	return 0;
}

static int rf_get(void *ctx, enum guest_reg reg, uint64_t *val)
{
	struct regfile *rf = ctx;

	if (rf_access(rf, reg, false))
		return -1;
	*val = rf->r[reg];
	return 0;
}

static int rf_set(void *ctx, enum guest_reg reg, uint64_t val)
{
	struct regfile *rf = ctx;

	if (rf_access(rf, reg, true))
		return -1;
	rf->r[reg] = val;
	return 0;
}

static const struct guest_regs_ops rf_ops = {
	.get = rf_get,
	.set = rf_set,
};

/* For calls that must not touch any register (a bad vCPU index). */
static int poison_get(void *ctx, enum guest_reg reg, uint64_t *val)
{
	(void)ctx;
	(void)reg;
	(void)val;
	check_failed(__LINE__, "register read for a bad vCPU");
	return -1;
}

static int poison_set(void *ctx, enum guest_reg reg, uint64_t val)
{
	(void)ctx;
	(void)reg;
	(void)val;
	check_failed(__LINE__, "register write for a bad vCPU");
	return -1;
}

static const struct guest_regs_ops poison_ops = {
	.get = poison_get,
	.set = poison_set,
};

/* A new step: watch_from as above (1 for a call, 0 for a stop). */
static void rf_begin(struct regfile *rf, unsigned int watch_from)
{
	rf->reads = 0;
	rf->writes = 0;
	rf->failed = false;
	rf->failed_read = false;
	rf->step_accesses = 0;
	rf->watch_from = watch_from;
	rf->mid_seen = false;
	rf->mid_failed = false;
}

/* --- The VM. */

enum ev_kind { K_EVENT0, K_PLATFORM, K_BIND };

struct cat_ev {
	uint32_t num;
	enum ev_kind kind;
	bool shared, critical;
	unsigned int idx; /* in sdei_event_status() */
};

struct snap {
	struct sdei_event_status ev[MAX_CAT];
	struct sdei_entry_status en[MAX_CAT][MAX_VCPUS];
	struct sdei_pe_status pe[MAX_VCPUS];
};

struct frame {
	uint32_t num;
	uint64_t x[NR_SAVED];
	uint64_t pc, pstate;
};

struct fvm {
	/* Configuration. */
	unsigned int n, client_el;
	bool mte, strict, faults, no_sdei;
	/*
	 * Some vCPU starts in AArch32 (context 6): the VM has AArch32 EL1,
	 * so SDEI reads a caller's PSTATE even with an EL1 client.
	 */
	bool aarch32;
	uint64_t mpidr[MAX_VCPUS];
	uint8_t ctx[MAX_VCPUS];
	struct sdei_event_desc plat[MAX_PLAT];
	unsigned int nr_plat;
	/* The device lines: lkvm's SPIs, all bindable (a PPI too, vCPU 0). */
	uint32_t bindable[MAX_BINDABLE];
	unsigned int nr_bindable, nr_shared_slots, nr_private_slots, nr_irqs;
	/* The catalogue: event 0, the platform's, the bind slots by number. */
	struct cat_ev cat[MAX_CAT];
	unsigned int nr_cat;
	/* lkvm's firmware core, and its SDEI part (NULL: --no-sdei). */
	struct fw *fw;
	struct sdei *s;
	struct regfile rf[MAX_VCPUS];
	/* The VMM's and the model's. */
	struct frame stack[MAX_VCPUS][SDEI_MAX_NESTING];
	unsigned int depth[MAX_VCPUS];
	bool deferred[MAX_VCPUS]; /* last dispatch -EAGAIN, no call since */
	bool sent[MAX_VCPUS]; /* an SDEI kick, no dispatch since */
	bool in_flight[MAX_VCPUS]; /* the VMM's fw_kicked: a stop is due */
	bool boot_due[MAX_VCPUS]; /* CPU_ON's kick not yet handed out */
	bool on_pending[MAX_VCPUS]; /* CPU_ON not yet applied by a stop */
	uint64_t on_entry[MAX_VCPUS], on_context[MAX_VCPUS];
	bool level[MAX_BINDABLE][MAX_VCPUS]; /* a line's is at [i][0] */
	bool gic[MAX_BINDABLE]; /* what fw_next_line() gave the GIC */
	enum psci_cpu_state psci_pre[MAX_VCPUS];
	bool stopped;
	struct snap a, b, m, d;
};

static uint64_t kvm_mpidr(unsigned int i)
{
	return (1ULL << 31) | (i & 0xf) | ((uint64_t)((i >> 4) & 0xff) << 8) |
	       ((uint64_t)((i >> 12) & 0xff) << 16);
}

static unsigned int pstate_el(uint64_t p)
{
	if (p & P_M32) {
		switch (p & 0x1f) {
		case 0x10:
			return 0;
		case 0x1a:
			return 2;
		case 0x16:
			return 3;
		default:
			return 1;
		}
	}
	return (p >> 2) & 3;
}

static uint64_t make_pstate(const struct fvm *vm, unsigned int kind,
			    uint64_t *rng)
{
	static const uint64_t a32_modes[4] = { 0x10, 0x13, 0x1a, 0x1f };
	const uint64_t bits = P_NZCV | P_TCO | P_DIT | P_UAO | P_PAN | P_SS |
			      P_IL | P_ALLINT | P_SSBS | P_BTYPE | P_DAIF;
	uint64_t r = next_rand(rng);
	bool el2 = vm->client_el == 2;

	switch (kind & 7) {
	case 4:
		return (r & bits) | (el2 ? 0x8 : 0x4);
	case 5:
		return r & bits;
	case 6:
		return (r & 0xffffffe0ULL) | a32_modes[(r >> 40) & 3];
	case 7:
		return (r & bits) | (el2 ? 0x5 : 0x9);
	default:
		return (r & bits) | (el2 ? 0x9 : 0x5);
	}
}

static uint64_t hcr_value(unsigned int bits, uint64_t *rng)
{
	uint64_t h = next_rand(rng) & ~(HCR_VM | HCR_TGE | HCR_E2H);

	h |= bits & 8 ? HCR_VM : 0;
	h |= bits & 0x10 ? HCR_TGE : 0;
	h |= bits & 0x20 ? HCR_E2H : 0;
	return h;
}

static void regs_init(struct fvm *vm, unsigned int v)
{
	struct regfile *rf = &vm->rf[v];
	uint64_t rng = vm->ctx[v] * 0x100000001ULL + v;

	memset(rf, 0, sizeof(*rf));
	rf->fail_at = -1;
	rf->owner = vm;
	rf->el2 = vm->client_el == 2;
	for (unsigned int i = 0; i < 31; i++)
		rf->r[GUEST_REG_X0 + i] = next_rand(&rng);
	rf->r[GUEST_REG_PC] =
		0xffff800008100000ULL + (next_rand(&rng) & 0xffffc);
	rf->r[GUEST_REG_PSTATE] = make_pstate(vm, vm->ctx[v], &rng);
	rf->r[GUEST_REG_ELR] = next_rand(&rng);
	rf->r[GUEST_REG_SPSR] = next_rand(&rng);
	rf->r[GUEST_REG_SCTLR] = next_rand(&rng);
	rf->r[GUEST_REG_VBAR] =
		0xffff800008000000ULL + (next_rand(&rng) & 0xf800);
	rf->r[GUEST_REG_MPIDR] = vm->mpidr[v];
	/* HCR_EL2: context bits 3-5 give VM, TGE, E2H; the rest is noise. */
	if (rf->el2)
		rf->r[GUEST_REG_HCR] = hcr_value(vm->ctx[v], &rng);
	rf->hcr_reset = rf->r[GUEST_REG_HCR];
}

static struct guest_regs regs_of(struct fvm *vm, unsigned int v)
{
	return (struct guest_regs){ .ops = &rf_ops, .ctx = &vm->rf[v] };
}

/* --- Looking things up, as the documentation defines them. */

static int cat_find(const struct fvm *vm, uint64_t num)
{
	/* An event number is a positive 32-bit integer: no truncation. */
	if (num > SDEI_EVENT_NUM_MAX)
		return -1;
	for (unsigned int i = 0; i < vm->nr_cat; i++)
		if (vm->cat[i].num == num)
			return (int)i;
	return -1;
}

static int vcpu_by_mpidr(const struct fvm *vm, uint64_t mpidr)
{
	if (mpidr & ~MPIDR_OK)
		return -1;
	for (unsigned int i = 0; i < vm->n; i++)
		if ((vm->mpidr[i] & AFF_MASK) == (mpidr & AFF_MASK))
			return (int)i;
	return -1;
}

static bool route_ok(const struct fvm *vm, uint64_t flags, uint64_t aff)
{
	return flags == SDEI_RM_ANY ||
	       (flags == SDEI_RM_PE && vcpu_by_mpidr(vm, aff) >= 0);
}

static int bind_index(const struct fvm *vm, uint64_t intid)
{
	for (unsigned int i = 0; i < vm->nr_bindable; i++)
		if (vm->bindable[i] == intid)
			return (int)i;
	return -1;
}

static const struct sdei_entry_status *ent(const struct fvm *vm,
					   const struct snap *sn,
					   unsigned int ci, unsigned int v)
{
	return &sn->en[ci][vm->cat[ci].shared ? 0 : v];
}

static bool is_critical(const struct fvm *vm, uint32_t num)
{
	int ci = cat_find(vm, num);

	CHECK(ci >= 0);
	return vm->cat[ci].critical;
}

/* The bind slot bound to intid in sn, or -1. */
static int slot_of(const struct fvm *vm, const struct snap *sn, uint64_t intid)
{
	for (unsigned int ci = 0; ci < vm->nr_cat; ci++)
		if (vm->cat[ci].kind == K_BIND && sn->ev[ci].bound &&
		    sn->ev[ci].intid == intid)
			return (int)ci;
	return -1;
}

static bool line_high(const struct fvm *vm, const struct snap *sn,
		      unsigned int ci, unsigned int v)
{
	int bi;

	if (vm->cat[ci].kind != K_BIND || !sn->ev[ci].bound)
		return false;
	bi = bind_index(vm, sn->ev[ci].intid);
	CHECK(bi >= 0);
	return vm->level[bi][sn->ev[ci].intid >= SDEI_INTID_SPI_BASE ? 0 : v];
}

static bool model_owned(const struct fvm *vm, const struct snap *sn,
			uint32_t intid, unsigned int v)
{
	int ci = slot_of(vm, sn, intid);

	if (ci < 0 || (!vm->cat[ci].shared && v >= vm->n))
		return false;
	return ent(vm, sn, ci, v)->state & ST_G;
}

/* DEN0054B "Event handling", as sdei-dispatch.c documents it. */
static bool deliverable(const struct fvm *vm, const struct snap *sn,
			unsigned int ci, unsigned int v, bool rm_any)
{
	const struct cat_ev *c = &vm->cat[ci];
	const struct sdei_entry_status *e = ent(vm, sn, ci, v);
	const struct sdei_pe_status *pe = &sn->pe[v];

	if (pe->masked || !e->pending || e->state != (ST_G | ST_E))
		return false;
	if (c->shared && e->rm_pe && e->affinity != (vm->mpidr[v] & AFF_MASK))
		return false;
	if (c->shared && !e->rm_pe && !rm_any)
		return false;
	if (pe->depth == 0)
		return true;
	if (pe->depth == 1)
		return c->critical && !is_critical(vm, pe->running[0]);
	return false;
}

/* Critical before normal, then the lowest number; -1 for none. */
static int model_pick(const struct fvm *vm, const struct snap *sn,
		      unsigned int v)
{
	int best = -1;

	for (unsigned int ci = 0; ci < vm->nr_cat; ci++) {
		const struct cat_ev *c = &vm->cat[ci];

		if (!deliverable(vm, sn, ci, v, true))
			continue;
		if (best < 0 || (c->critical && !vm->cat[best].critical) ||
		    (c->critical == vm->cat[best].critical &&
		     c->num < vm->cat[best].num))
			best = (int)ci;
	}
	return best;
}

/*
 * The client's own context, where a handler may be entered: not above the
 * client EL; below an EL2 client, not while a guest of its own runs
 * (HCR_EL2.TGE = 0 and VM = 1).
 */
static bool client_ctx(const struct fvm *vm, uint64_t pstate, uint64_t hcr)
{
	unsigned int el = pstate_el(pstate);

	if (el > vm->client_el)
		return false;
	if (vm->client_el == 1 || el == 2)
		return true;
	return (hcr & HCR_TGE) || !(hcr & HCR_VM);
}

static bool own_work(const struct fvm *vm, const struct snap *sn,
		     unsigned int v)
{
	for (unsigned int ci = 0; ci < vm->nr_cat; ci++)
		if (deliverable(vm, sn, ci, v, false))
			return true;
	return false;
}

/* --- Snapshots of the status query. */

static void take_snap(struct fvm *vm, struct snap *sn)
{
	if (!vm->s) {
		memset(sn, 0, sizeof(*sn));
		return;
	}
	for (unsigned int ci = 0; ci < vm->nr_cat; ci++) {
		unsigned int idx = vm->cat[ci].idx;

		CHECK(sdei_event_status(vm->s, idx, &sn->ev[ci]) == 0);
		for (unsigned int v = 0; v < vm->n; v++)
			CHECK(sdei_entry_status(vm->s, idx, v,
						&sn->en[ci][v]) == 0);
	}
	for (unsigned int v = 0; v < vm->n; v++) {
		CHECK(sdei_pe_status(vm->s, v, &sn->pe[v]) == 0);
		CHECK(sn->pe[v].depth <= SDEI_MAX_NESTING);
	}
}

static bool entry_eq(const struct sdei_entry_status *a,
		     const struct sdei_entry_status *b)
{
	return a->state == b->state && a->pending == b->pending &&
	       a->entry == b->entry && a->arg == b->arg &&
	       a->rm_pe == b->rm_pe && a->affinity == b->affinity;
}

static bool event_eq(const struct sdei_event_status *a,
		     const struct sdei_event_status *b)
{
	return a->num == b->num && a->shared == b->shared &&
	       a->critical == b->critical && a->signalable == b->signalable &&
	       a->bind_slot == b->bind_slot && a->bound == b->bound &&
	       a->intid == b->intid;
}

static bool pe_eq(const struct sdei_pe_status *a,
		  const struct sdei_pe_status *b)
{
	if (a->masked != b->masked || a->depth != b->depth)
		return false;
	for (unsigned int i = 0; i < a->depth && i < SDEI_MAX_NESTING; i++)
		if (a->running[i] != b->running[i])
			return false;
	return true;
}

/* Entries equal, except that of event ci on v (ci < 0: none). */
static bool entries_eq_except(const struct fvm *vm, const struct snap *a,
			      const struct snap *b, int ci, unsigned int v)
{
	for (unsigned int c = 0; c < vm->nr_cat; c++)
		for (unsigned int w = 0; w < vm->n; w++) {
			if ((int)c == ci && (vm->cat[c].shared || w == v))
				continue;
			if (!entry_eq(&a->en[c][w], &b->en[c][w]))
				return false;
		}
	return true;
}

static bool events_eq_except(const struct fvm *vm, const struct snap *a,
			     const struct snap *b, int ci)
{
	for (unsigned int c = 0; c < vm->nr_cat; c++)
		if ((int)c != ci && !event_eq(&a->ev[c], &b->ev[c]))
			return false;
	return true;
}

/* PEs equal, except PE pv (-1: none). */
static bool pes_eq_except(const struct fvm *vm, const struct snap *a,
			  const struct snap *b, int pv)
{
	for (unsigned int w = 0; w < vm->n; w++)
		if ((int)w != pv && !pe_eq(&a->pe[w], &b->pe[w]))
			return false;
	return true;
}

static bool snap_eq(const struct fvm *vm, const struct snap *a,
		    const struct snap *b)
{
	return entries_eq_except(vm, a, b, -1, 0) &&
	       events_eq_except(vm, a, b, -1) && pes_eq_except(vm, a, b, -1);
}

/* --- Invariants. */

static bool on_stack(const struct fvm *vm, unsigned int v, uint32_t num)
{
	for (unsigned int i = 0; i < vm->depth[v]; i++)
		if (vm->stack[v][i].num == num)
			return true;
	return false;
}

static void check_entry(const struct fvm *vm, const struct snap *sn,
			unsigned int ci, unsigned int v)
{
	const struct cat_ev *c = &vm->cat[ci];
	const struct sdei_entry_status *e = ent(vm, sn, ci, v);
	unsigned int running = 0;

	/* rEg and REg: unreachable (sdei-state.h). */
	CHECK(e->state <= (ST_G | ST_E | ST_R));
	CHECK(!(e->state & ST_E) || (e->state & ST_G));
	/* REGISTER refuses entry point 0; UNREGISTER forgets it. */
	CHECK(!!(e->state & ST_G) == (e->entry != 0));
	if (!(e->state & ST_G))
		CHECK(!e->arg && !e->rm_pe && !e->affinity);
	CHECK(!e->rm_pe || c->shared);
	if (e->rm_pe)
		CHECK(vcpu_by_mpidr(vm, e->affinity) >= 0 &&
		      !(e->affinity & ~AFF_MASK));
	else
		CHECK(!e->affinity);
	if (c->kind == K_BIND) {
		if (!sn->ev[ci].bound)
			CHECK(!e->state && !e->pending);
		/*
		 * Level-sensitive: pending exactly while registered, not
		 * running and the line high (a line dropped before the
		 * dispatch takes the event back; COMPLETE looks again).
		 */
		CHECK(e->pending == ((e->state & (ST_G | ST_R)) == ST_G &&
				     line_high(vm, sn, ci, v)));
	}
	/* RUNNING iff on a dispatch stack: a shared event on one PE only. */
	if (c->shared) {
		for (unsigned int w = 0; w < vm->n; w++)
			running += on_stack(vm, w, c->num);
		CHECK(running <= 1);
	} else {
		running = on_stack(vm, v, c->num);
	}
	CHECK(!!(e->state & ST_R) == (running == 1));
}

/* The index of device line intid in vm->bindable, or -1. */
static int line_index(const struct fvm *vm, uint32_t intid)
{
	return bind_index(vm, intid);
}

/* What the GIC must see of line i: its level, unless SDEI owns it. */
static bool gic_level(const struct fvm *vm, const struct snap *sn,
		      unsigned int i)
{
	return vm->level[i][0] &&
	       !(vm->s && model_owned(vm, sn, vm->bindable[i], 0));
}

static void check_all(struct fvm *vm)
{
	struct snap *sn = &vm->a;
	const struct psci *ps = fw_psci(vm->fw);
	struct sdei_event_status es;
	struct sdei_entry_status en;
	struct sdei_pe_status pst;
	unsigned int ci, v, i;

	CHECK(fw_sdei(vm->fw) == vm->s);
	CHECK(!vm->s || sdei_pending_counts_ok(vm->s));
	CHECK(ps->nr_cpus == vm->n);
	for (v = 0; v < vm->n; v++) {
		CHECK(ps->state[v] <= PSCI_CPU_ON);
		/* A CPU_ON waits for the target's own stop, with a kick. */
		CHECK((ps->state[v] == PSCI_CPU_ON_PENDING) ==
		      vm->on_pending[v]);
		CHECK(!vm->on_pending[v] || vm->in_flight[v]);
		/* An SDEI kick handed out means a stop is due. */
		CHECK(!vm->sent[v] || vm->in_flight[v]);
	}
	take_snap(vm, sn);
	/* The GIC's view of each line: level && !owned, changes handed out. */
	for (i = 0; i < vm->nr_bindable; i++)
		CHECK(vm->gic[i] == gic_level(vm, sn, i));
	if (!vm->s)
		return;

	CHECK(sdei_nr_vcpus(vm->s) == vm->n);
	CHECK(sdei_nr_events(vm->s) == vm->nr_cat);
	CHECK(sdei_event_status(vm->s, vm->nr_cat, &es) == -EINVAL);
	CHECK(sdei_entry_status(vm->s, vm->nr_cat, 0, &en) == -EINVAL);
	CHECK(sdei_entry_status(vm->s, vm->cat[0].idx, vm->n, &en) == -EINVAL);
	CHECK(sdei_pe_status(vm->s, vm->n, &pst) == -EINVAL);
	CHECK(!sdei_vcpu_has_work(vm->s, vm->n));

	for (ci = 0; ci < vm->nr_cat; ci++) {
		const struct cat_ev *c = &vm->cat[ci];
		const struct sdei_event_status *e = &sn->ev[ci];

		CHECK(e->num == c->num && e->shared == c->shared &&
		      e->critical == c->critical);
		CHECK(e->signalable == (c->kind == K_EVENT0));
		CHECK(e->bind_slot == (c->kind == K_BIND));
		if (e->bound) {
			CHECK(c->kind == K_BIND);
			CHECK(bind_index(vm, e->intid) >= 0);
			CHECK((e->intid >= SDEI_INTID_SPI_BASE) == c->shared);
			CHECK(slot_of(vm, sn, e->intid) == (int)ci);
		} else {
			CHECK(!e->intid);
		}
		/* A shared event's entry does not depend on the vCPU. */
		if (c->shared) {
			for (v = 1; v < vm->n; v++)
				CHECK(entry_eq(&sn->en[ci][0], &sn->en[ci][v]));
			CHECK(sdei_entry_status(vm->s, c->idx, vm->n + 3,
						&en) == 0 &&
			      entry_eq(&en, &sn->en[ci][0]));
		}
		for (v = 0; v < vm->n; v++)
			check_entry(vm, sn, ci, v);
	}

	for (v = 0; v < vm->n; v++) {
		const struct sdei_pe_status *pe = &sn->pe[v];

		CHECK(pe->depth == vm->depth[v]);
		for (i = 0; i < pe->depth; i++)
			CHECK(pe->running[i] == vm->stack[v][i].num);
		if (pe->depth == 2)
			CHECK(!is_critical(vm, pe->running[0]) &&
			      is_critical(vm, pe->running[1]));
		CHECK(sdei_vcpu_has_work(vm->s, v) ==
		      (model_pick(vm, sn, v) >= 0));
		/*
		 * No lost wakeup: work of its own means a stop is due (a kick
		 * in flight, or the retry of an event that waits for the
		 * client's context).
		 */
		if (own_work(vm, sn, v))
			CHECK(vm->in_flight[v]);
		/* A vCPU that has not booted yet is masked: nothing to take. */
		if (vm->on_pending[v])
			CHECK(pe->masked && !pe->depth);
	}
	/*
	 * A pending RM_ANY event someone can take has a kicked taker (one
	 * that is not waiting for its own context, if there is one).
	 */
	for (ci = 0; ci < vm->nr_cat; ci++) {
		bool any = false, kicked = false, any_d = false,
		     kicked_d = false;

		if (!vm->cat[ci].shared || sn->en[ci][0].rm_pe ||
		    !sn->en[ci][0].pending)
			continue;
		for (v = 0; v < vm->n; v++) {
			if (!deliverable(vm, sn, ci, v, true))
				continue;
			any_d = true;
			kicked_d |= vm->in_flight[v];
			if (vm->deferred[v])
				continue;
			any = true;
			kicked |= vm->in_flight[v];
		}
		CHECK(!any || kicked);
		CHECK(!any_d || kicked_d);
	}
	/* Who owns each line. */
	for (i = 0; i < vm->nr_bindable; i++)
		for (v = 0; v < vm->n; v++)
			CHECK(sdei_irq_owned(vm->s, vm->bindable[i], v) ==
			      model_owned(vm, sn, vm->bindable[i], v));
	CHECK(!sdei_irq_owned(vm->s, 34, 0));
}

/* The state sdei_create() makes. */
static void check_fresh(struct fvm *vm, struct snap *sn)
{
	if (!vm->s)
		return;
	take_snap(vm, sn);
	for (unsigned int ci = 0; ci < vm->nr_cat; ci++) {
		CHECK(!sn->ev[ci].bound && !sn->ev[ci].intid);
		for (unsigned int v = 0; v < vm->n; v++) {
			const struct sdei_entry_status *e = &sn->en[ci][v];

			CHECK(!e->state && !e->pending && !e->entry &&
			      !e->arg && !e->rm_pe && !e->affinity);
		}
	}
	for (unsigned int v = 0; v < vm->n; v++) {
		CHECK(sn->pe[v].masked && !sn->pe[v].depth);
		CHECK(!sdei_vcpu_has_work(vm->s, v));
	}
}

/* --- Bringing a VM up. */

static void build_catalogue(struct fvm *vm)
{
	struct sdei_event_status st;
	unsigned int nr, i, j;
	unsigned int nr_sh = 0, nr_pr = 0;

	vm->nr_cat = 1 + vm->nr_plat;
	vm->cat[0] = (struct cat_ev){ .num = 0, .kind = K_EVENT0, .idx = ~0u };
	for (i = 0; i < vm->nr_plat; i++)
		vm->cat[1 + i] = (struct cat_ev){
			.num = vm->plat[i].num,
			.kind = K_PLATFORM,
			.shared = vm->plat[i].shared,
			.critical = vm->plat[i].critical,
			.idx = ~0u,
		};
	if (!vm->s) /* numbers for the calls, which all fail */
		return;
	nr = sdei_nr_events(vm->s);
	CHECK(nr ==
	      1 + vm->nr_plat + vm->nr_shared_slots + vm->nr_private_slots);
	for (i = 0; i < nr; i++) {
		CHECK(sdei_event_status(vm->s, i, &st) == 0);
		if (st.bind_slot) {
			CHECK(st.num >= SDEI_BIND_EVENT_BASE &&
			      st.num <= SDEI_EVENT_NUM_MAX && !st.critical);
			CHECK(vm->nr_cat < MAX_CAT);
			CHECK(cat_find(vm, st.num) < 0);
			nr_sh += st.shared;
			nr_pr += !st.shared;
			/* Insertion by number. */
			for (j = vm->nr_cat;
			     j > 1 + vm->nr_plat && vm->cat[j - 1].num > st.num;
			     j--)
				vm->cat[j] = vm->cat[j - 1];
			vm->cat[j] = (struct cat_ev){ .num = st.num,
						      .kind = K_BIND,
						      .shared = st.shared,
						      .idx = i };
			vm->nr_cat++;
			continue;
		}
		CHECK(st.num <= SDEI_PLATFORM_EVENT_MAX);
		for (j = 0; j < 1 + vm->nr_plat; j++)
			if (vm->cat[j].num == st.num) {
				CHECK(vm->cat[j].idx == ~0u);
				vm->cat[j].idx = i;
				break;
			}
		CHECK(j < 1 + vm->nr_plat);
	}
	CHECK(nr_sh == vm->nr_shared_slots && nr_pr == vm->nr_private_slots);
	for (i = 0; i < vm->nr_cat; i++)
		CHECK(vm->cat[i].idx < nr);
}

/* A new VM (at start, and after SYSTEM_RESET: lkvm --reboot-restart). */
static void vm_start(struct fvm *vm)
{
	struct sdei_config sc = {
		/* nr_vcpus, mpidr, bindable: fw_create() fills them in. */
		.events = vm->plat,
		.nr_events = vm->nr_plat,
		.nr_irqs = vm->nr_irqs,
		.nr_shared_slots = vm->nr_shared_slots,
		.nr_private_slots = vm->nr_private_slots,
		.client_el = vm->client_el,
		.aarch32 = vm->aarch32,
		.mte = vm->mte,
	};
	struct fw_config cfg = {
		.nr_vcpus = vm->n,
		.mpidr = vm->mpidr,
		.ram_base = RAM_BASE,
		.ram_size = RAM_SIZE,
		.sdei = vm->no_sdei ? NULL : &sc,
		.lines = vm->bindable,
		.nr_lines = vm->nr_bindable,
	};
	const struct psci *ps;
	char err[256] = "";

	if (fw_create(&vm->fw, &cfg, err, sizeof(err))) {
		fprintf(stderr, "fw_create: %s\n", err);
		abort();
	}
	vm->s = fw_sdei(vm->fw);
	CHECK(!vm->s == vm->no_sdei);
	ps = fw_psci(vm->fw);
	for (unsigned int v = 0; v < vm->n; v++) {
		regs_init(vm, v);
		/* vCPU 0 on, the others off, as at power-on. */
		CHECK(ps->state[v] == (v ? PSCI_CPU_OFF : PSCI_CPU_ON));
	}
	memset(vm->depth, 0, sizeof(vm->depth));
	memset(vm->deferred, 0, sizeof(vm->deferred));
	memset(vm->sent, 0, sizeof(vm->sent));
	memset(vm->in_flight, 0, sizeof(vm->in_flight));
	memset(vm->boot_due, 0, sizeof(vm->boot_due));
	memset(vm->on_pending, 0, sizeof(vm->on_pending));
	memset(vm->level, 0, sizeof(vm->level));
	memset(vm->gic, 0, sizeof(vm->gic));
	build_catalogue(vm);
	check_fresh(vm, &vm->b);
	/* Every line low: nothing to hand out, no vCPU to kick. */
	CHECK(fw_next_kick(vm->fw) == -1);
	{
		uint32_t intid;
		bool level;

		CHECK(!fw_next_line(vm->fw, &intid, &level));
	}
}

static void vm_setup(struct fvm *vm, struct input *in)
{
	uint8_t b0 = in_u8(in), b1 = in_u8(in), b2 = in_u8(in), b3 = in_u8(in);
	unsigned int i;

	vm->n = 1 + (b0 & 7);
	vm->client_el = b0 & 8 ? 2 : 1;
	vm->mte = b0 & 0x10;
	vm->strict = b0 & 0x20;
	vm->faults = b0 & 0x80;
	vm->nr_plat = (b1 & 7) % (MAX_PLAT + 1);
	for (i = 0; i < vm->nr_plat; i++) {
		vm->plat[i].num = 10 + i + 16 * (b1 >> 4);
		if ((b1 & 8) && i == vm->nr_plat - 1)
			vm->plat[i].num = SDEI_PLATFORM_EVENT_MAX;
		vm->plat[i].shared = (b2 >> (2 * i)) & 1;
		vm->plat[i].critical = (b2 >> (2 * i + 1)) & 1;
	}
	vm->bindable[vm->nr_bindable++] = 32;
	vm->bindable[vm->nr_bindable++] = 33;
	if (b0 & 0x40)
		vm->bindable[vm->nr_bindable++] = 22;
	vm->nr_shared_slots = b3 & 3;
	vm->nr_private_slots = (b3 >> 2) & 3;
	vm->nr_irqs = b3 & 0x10 ? 64 : 0;
	vm->no_sdei = (b3 & 0xe0) == 0xe0;
	for (i = 0; i < vm->n; i++) {
		vm->mpidr[i] = kvm_mpidr(i);
		vm->ctx[i] = in_u8(in);
		if ((vm->ctx[i] & 7) == 6)
			vm->aarch32 = true;
	}
}

/* --- Kicks and lines (vm_fw_drain()), dispatch. */

/*
 * Drains fw_next_kick() and fw_next_line(), as vm_fw_drain() does after
 * every step. self: the vCPU whose own call or stop this was (no SDEI
 * kick for it), or -1.
 */
static void drain(struct fvm *vm, int self)
{
	bool seen[MAX_BINDABLE] = { 0 };
	unsigned int count = 0;
	uint32_t intid;
	bool level;
	int w, li;

	while ((w = fw_next_kick(vm->fw)) >= 0) {
		CHECK(w < (int)vm->n);
		CHECK(++count <= 2 * vm->n);
		if (vm->boot_due[w]) {
			/* CPU_ON's kick comes first, once. */
			vm->boot_due[w] = false;
			TRACE("  kick vCPU %d (CPU_ON)\n", w);
		} else {
			CHECK(vm->s);
			CHECK(w != self);
			CHECK(!vm->sent[w]);
			vm->sent[w] = true;
			TRACE("  kick vCPU %d\n", w);
		}
		vm->in_flight[w] = true;
	}
	CHECK(w == -1);
	for (w = 0; w < (int)vm->n; w++)
		CHECK(!vm->boot_due[w]);
	while (fw_next_line(vm->fw, &intid, &level)) {
		li = line_index(vm, intid);
		CHECK(li >= 0);
		/* Only changes, each line once. */
		CHECK(!seen[li] && level != vm->gic[li]);
		seen[li] = true;
		vm->gic[li] = level;
		TRACE("  GIC line %u: %d\n", intid, level);
	}
}

static void check_handler_pstate(const struct fvm *vm, uint64_t p,
				 uint64_t from, uint64_t sctlr, uint64_t hcr)
{
	const uint64_t allowed = P_NZCV | P_TCO | P_DIT | P_PAN | P_ALLINT |
				 P_SSBS | P_DAIF | 0x1f;
	bool a32 = from & P_M32;
	/* PAN from SCTLR.SPAN: at EL1, and at EL2 only with E2H and TGE. */
	bool span = vm->client_el == 1 || ((hcr & HCR_E2H) && (hcr & HCR_TGE));

	CHECK((p & 0x1f) == (vm->client_el == 2 ? 0x9 : 0x5));
	CHECK((p & P_DAIF) == P_DAIF);
	/* UAO, SS, IL, BTYPE cleared, no AArch32 leftovers. */
	CHECK(!(p & ~allowed));
	CHECK((p & P_NZCV) == (from & P_NZCV));
	CHECK(!!(p & P_DIT) == !!(from & (a32 ? P32_DIT : P_DIT)));
	if (span && !(sctlr & SCTLR_SPAN))
		CHECK(p & P_PAN);
	else
		CHECK((p & P_PAN) == (from & P_PAN));
	CHECK(!!(p & P_SSBS) == !!(sctlr & SCTLR_DSSBS));
	if (vm->mte)
		CHECK(p & P_TCO);
}

/* After a failed register access: FW_ERROR, and the VM stops. */
static void register_failure(struct fvm *vm, const struct fw_effects *eff)
{
	CHECK(eff->outcome == FW_ERROR);
	vm->stopped = true;
}

/* Called by the regfile when a dispatch starts: SDEI as the call left it. */
static void mid_snapshot(struct fvm *vm)
{
	take_snap(vm, &vm->m);
}

/* The snapshot after event ci entered its handler on v, from sn. */
static void apply_dispatch(const struct fvm *vm, struct snap *sn,
			   unsigned int ci, unsigned int v)
{
	struct sdei_entry_status *e = &sn->en[ci][vm->cat[ci].shared ? 0 : v];
	struct sdei_pe_status *pe = &sn->pe[v];

	e->state |= ST_R;
	e->pending = false;
	if (vm->cat[ci].shared)
		for (unsigned int w = 1; w < vm->n; w++)
			sn->en[ci][w] = *e;
	CHECK(pe->depth < SDEI_MAX_NESTING);
	pe->running[pe->depth++] = vm->cat[ci].num;
}

/*
 * The dispatch of vCPU v's call or stop: from SDEI in *m and registers in
 * before (what the call, if any, left), it predicts the state after it
 * into *d and checks the registers the dispatch read and wrote. The
 * regfile says whether a dispatch started (mid_seen): exactly when an
 * event is deliverable.
 */
static void check_dispatch(struct fvm *vm, unsigned int v,
			   const struct fw_effects *eff, const struct snap *m,
			   const uint64_t *before, struct snap *d)
{
	struct regfile *rf = &vm->rf[v];
	uint64_t hcr = vm->client_el == 2 ? before[GUEST_REG_HCR] : 0;
	const uint64_t hcr_bit = vm->client_el == 2 ? RB(GUEST_REG_HCR) : 0;
	int best = vm->s ? model_pick(vm, m, v) : -1;

	*d = *m;
	CHECK(rf->mid_seen == (best >= 0));
	vm->sent[v] = false; /* a dispatch ends the vCPU's kick */
	if (best < 0) {
		CHECK(!eff->retry);
		vm->deferred[v] = false;
		return;
	}
	if (!client_ctx(vm, before[GUEST_REG_PSTATE], hcr)) {
		TRACE("  dispatch vCPU %u: event %u waits (retry)\n", v,
		      vm->cat[best].num);
		/* A guest of its own runs: the event waits, a stop is due. */
		CHECK(eff->retry);
		CHECK(!rf->writes &&
		      rf->reads == (RB(GUEST_REG_PSTATE) | hcr_bit));
		vm->deferred[v] = true;
		vm->in_flight[v] = true; /* the VMM's retry timer */
		return;
	}
	TRACE("  dispatch vCPU %u: event %u\n", v, vm->cat[best].num);
	CHECK(!eff->retry);
	vm->deferred[v] = false;
	{
		const struct sdei_entry_status *pre = ent(vm, m, best, v);
		struct frame *f;

		CHECK(!(rf->reads & ~(XREGS(NR_SAVED) | RB(GUEST_REG_PC) |
				      RB(GUEST_REG_PSTATE) |
				      RB(GUEST_REG_SCTLR) | hcr_bit)));
		CHECK(rf->writes ==
		      (XREGS(4) | RB(GUEST_REG_PC) | RB(GUEST_REG_PSTATE)));
		CHECK(rf->r[GUEST_REG_X0] == vm->cat[best].num);
		CHECK(rf->r[GUEST_REG_X0 + 1] == pre->arg);
		CHECK(rf->r[GUEST_REG_X0 + 2] == before[GUEST_REG_PC]);
		CHECK(rf->r[GUEST_REG_X0 + 3] == before[GUEST_REG_PSTATE]);
		CHECK(rf->r[GUEST_REG_PC] == pre->entry);
		check_handler_pstate(vm, rf->r[GUEST_REG_PSTATE],
				     before[GUEST_REG_PSTATE],
				     before[GUEST_REG_SCTLR], hcr);
		CHECK(vm->depth[v] < SDEI_MAX_NESTING);
		f = &vm->stack[v][vm->depth[v]++];
		f->num = vm->cat[best].num;
		memcpy(f->x, &before[GUEST_REG_X0], sizeof(f->x));
		f->pc = before[GUEST_REG_PC];
		f->pstate = before[GUEST_REG_PSTATE];
		apply_dispatch(vm, d, best, v);
	}
}

/*
 * CPU_ON (on) or CPU_OFF of vCPU v took SDEI from *a to *b: v masked with
 * nothing running, its handlers abandoned (RUNNING goes as at COMPLETE,
 * a bound line still high pends its event again), CPU_ON wiping its
 * private registrations; nothing else changes.
 */
static void check_cpu_hook(struct fvm *vm, const struct snap *a,
			   const struct snap *b, unsigned int v, bool on)
{
	if (!vm->s)
		return;
	CHECK(b->pe[v].masked && !b->pe[v].depth);
	CHECK(pes_eq_except(vm, a, b, (int)v));
	CHECK(events_eq_except(vm, a, b, -1));
	for (unsigned int ci = 0; ci < vm->nr_cat; ci++) {
		const struct cat_ev *c = &vm->cat[ci];

		for (unsigned int w = 0; w < vm->n; w++) {
			struct sdei_entry_status want = a->en[ci][w];
			const struct sdei_entry_status *got = &b->en[ci][w];

			if (on && !c->shared && w == v) {
				CHECK(!got->state && !got->pending &&
				      !got->entry && !got->arg);
				continue;
			}
			if (on_stack(vm, v, c->num) && (c->shared || w == v)) {
				want.state &= ~ST_R;
				if (c->kind == K_BIND && (want.state & ST_G) &&
				    line_high(vm, b, ci, w))
					want.pending = true;
			}
			CHECK(entry_eq(&want, got));
		}
	}
	vm->depth[v] = 0;
	vm->deferred[v] = false;
	vm->sent[v] = false;
}

/* --- Calls. */

static uint32_t pick_fid(uint8_t sel, struct input *in)
{
	unsigned int i;

	if (sel < 152)
		return SDEI_FID(sel % 19);
	if (sel < 168) /* SDEI's numbers in the SMC32 range: nobody's */
		return 0x84000020u + (sel - 152);
	if (sel < 176) /* unassigned IDs in SDEI's range, and past it */
		return SDEI_FID(0x13 + 2 * (sel - 168));
	if (sel < 240) {
		i = sel - 176;
		return (i & 1 ? PSCI_0_2_FN64_BASE : PSCI_0_2_FN_BASE) +
		       (i >> 1) % 0x15;
	}
	return (uint32_t)in_le(in, 4);
}

static uint64_t arg_value(const struct fvm *vm, struct input *in)
{
	static const uint64_t bad_mpidr_bits[8] = {
		1ULL << 32, 1ULL << 24, 1ULL << 40, ~0ULL,
		1ULL << 8,  1ULL << 30, 0xff,	    1ULL << 63,
	};
	static const uint64_t intids[16] = {
		32, 33,		22, 16,	  31,	15,   0,
		34, 63,		64, 1019, 1020, 1023, 0x100000020ULL,
		27, 1ULL << 63,
	};
	static const uint64_t huge[16] = {
		~0ULL,
		1ULL << 63,
		0x7fffffff,
		0x80000000,
		1ULL << 32,
		SDEI_PLATFORM_EVENT_MAX,
		SDEI_BIND_EVENT_BASE,
		SDEI_BIND_EVENT_BASE + SDEI_MAX_BIND_SLOTS,
		0xffffffff,
		0x7fffffffffffffffULL,
		0x100000001ULL,
		~1ULL,
		(1ULL << 63) | 10,
		0x1ffffffffULL,
		0xffffffff00000000ULL,
		2,
	};
	static const uint64_t psci_vals[16] = {
		0,
		1,
		1U << 16,
		1U << 30,
		LKVM_RESET2_GUEST_FAILURE,
		LKVM_RESET2_GUEST_FAILURE | 3,
		0x80000001,
		0xffffffff,
		0x100000000ULL,
		SMCCC_VERSION_FID,
		PSCI_FN_CPU_ON,
		PSCI_FN64_SYSTEM_RESET2,
		SDEI_VERSION,
		0x84000013,
		3,
		2,
	};
	uint8_t a = in_u8(in);
	unsigned int p = a >> 4;
	uint64_t m;

	switch (a & 0xf) {
	case 0:
		return 0;
	case 1:
	case 2:
		return vm->cat[p % vm->nr_cat].num;
	case 3:
		if (p < 4)
			return SDEI_BIND_EVENT_BASE + p;
		if (p < 8)
			return SDEI_BIND_EVENT_BASE + SDEI_MAX_BIND_SLOTS + p -
			       4;
		if (p < 12)
			return SDEI_BIND_EVENT_BASE + vm->nr_shared_slots + p -
			       8;
		return SDEI_BIND_EVENT_BASE + p * 0x100000;
	case 4:
		m = vm->mpidr[(p & 7) % vm->n];
		return p & 8 ? m & AFF_MASK : m;
	case 5:
		if (p < 8)
			return (1ULL << 31) | (vm->n + p);
		return vm->mpidr[0] ^ bad_mpidr_bits[p - 8];
	case 6:
		return EP_BASE + p * 0x40;
	case 7:
		return p;
	case 8:
		return intids[p];
	case 9:
		return huge[p];
	case 10:
		return in_le(in, 8);
	case 11:
		return in_le(in, 4);
	case 12:
		if (p < 12)
			return RAM_BASE + p * 0x100000;
		if (p == 12)
			return RAM_BASE - 0x1000;
		if (p == 13)
			return RAM_BASE + RAM_SIZE;
		if (p == 14)
			return RAM_BASE + RAM_SIZE - 4;
		/* VBAR + 0x480: a resume address. */
		return 0xffff800008010480ULL;
	case 13:
		return (1ULL << 32) | vm->cat[p % vm->nr_cat].num;
	case 14:
		return psci_vals[p];
	default:
		/* Junk above bit 31: SMC32 calls must ignore it. */
		if (p < 8)
			return (0xdeadbeefULL << 32) |
			       vm->cat[p % vm->nr_cat].num;
		return (0xdeadbeefULL << 32) | vm->mpidr[(p & 7) % vm->n];
	}
}

/* What a call did to its vCPU's registers, up to the dispatch. */
struct callregs {
	uint64_t reads, writes;
	const uint64_t *r;
};

static bool is_sdei_error(uint64_t x)
{
	return x == SDEI_NOT_SUPPORTED || x == SDEI_INVALID_PARAMETERS ||
	       x == SDEI_DENIED || x == SDEI_PENDING ||
	       x == SDEI_OUT_OF_RESOURCE;
}

/* The PSCI functions lkvm implements (DEN0022D 5.1), written again. */
static bool psci_implemented(uint32_t fid)
{
	static const uint32_t fids[] = {
		0x84000000, 0x84000001, 0xc4000001, 0x84000002, 0x84000003,
		0xc4000003, 0x84000004, 0xc4000004, 0x84000006, 0x84000008,
		0x84000009, 0x8400000a, 0x84000012, 0xc4000012,
	};

	for (unsigned int i = 0; i < sizeof(fids) / sizeof(fids[0]); i++)
		if (fids[i] == fid)
			return true;
	return false;
}

/* PSCI argument n: SMC32 calls pass 32 bits. */
static uint64_t psci_arg(const struct smccc_call *c, unsigned int n)
{
	return c->fid & 0x40000000u ? c->arg[n] : (uint32_t)c->arg[n];
}

/* CPU_ON's result from the state before (DEN0022D 5.1.4). */
static int64_t psci_cpu_on_result(const struct fvm *vm,
				  const struct smccc_call *c, int *target)
{
	uint64_t mpidr = psci_arg(c, 0), entry = psci_arg(c, 1);

	*target = -1;
	if (mpidr & ~AFF_MASK)
		return PSCI_RET_INVALID_PARAMS;
	for (unsigned int i = 0; i < vm->n; i++)
		if ((vm->mpidr[i] & AFF_MASK) == mpidr)
			*target = (int)i;
	if (*target < 0)
		return PSCI_RET_INVALID_PARAMS;
	if (vm->psci_pre[*target] == PSCI_CPU_ON)
		return PSCI_RET_ALREADY_ON;
	if (vm->psci_pre[*target] == PSCI_CPU_ON_PENDING)
		return PSCI_RET_ON_PENDING;
	/* In RAM, and an AArch64 instruction's: bit 0 clear. */
	if (entry < RAM_BASE || entry - RAM_BASE >= RAM_SIZE || (entry & 1))
		return PSCI_RET_INVALID_ADDRESS;
	return PSCI_RET_SUCCESS;
}

/*
 * A PSCI call's result and the action fw_call() took, which this returns
 * in *act (from the effects and the PSCI state: the model's view).
 */
static void check_psci(struct fvm *vm, const struct smccc_call *c,
		       const struct fw_effects *eff, struct psci_action *act)
{
	const struct psci *ps = fw_psci(vm->fw);
	const struct smccc_result *res = &eff->res;
	int64_t r = (int64_t)res->x[0];
	unsigned int v = c->vcpu;
	int target;

	*act = (struct psci_action){ .kind = PSCI_ACT_NONE };
	CHECK(res->nr == 1);
	switch (c->fid) {
	case PSCI_FN_VERSION:
		CHECK(r == 0x10001);
		break;
	case PSCI_FN_CPU_SUSPEND:
	case PSCI_FN64_CPU_SUSPEND:
		CHECK(r == ((psci_arg(c, 0) & (1u << 16)) ?
				    PSCI_RET_INVALID_PARAMS :
				    PSCI_RET_SUCCESS));
		break;
	case PSCI_FN_CPU_OFF:
		CHECK(r == PSCI_RET_SUCCESS);
		CHECK(ps->state[v] == PSCI_CPU_OFF);
		*act = (struct psci_action){ .kind = PSCI_ACT_CPU_OFF,
					     .target = v };
		break;
	case PSCI_FN_CPU_ON:
	case PSCI_FN64_CPU_ON:
		CHECK(r == psci_cpu_on_result(vm, c, &target));
		if (r != PSCI_RET_SUCCESS)
			break;
		CHECK(ps->state[target] == PSCI_CPU_ON_PENDING);
		*act = (struct psci_action){ .kind = PSCI_ACT_CPU_ON,
					     .target = (unsigned int)target,
					     .entry = psci_arg(c, 1),
					     .context = psci_arg(c, 2) };
		break;
	case PSCI_FN_AFFINITY_INFO:
	case PSCI_FN64_AFFINITY_INFO:
		CHECK(r == PSCI_AFFINITY_ON || r == PSCI_AFFINITY_OFF ||
		      r == PSCI_AFFINITY_ON_PENDING ||
		      r == PSCI_RET_INVALID_PARAMS);
		break;
	case PSCI_FN_MIGRATE_INFO_TYPE:
		CHECK(r == 2);
		break;
	case PSCI_FN_SYSTEM_OFF:
		CHECK(r == 0);
		act->kind = PSCI_ACT_SYSTEM_OFF;
		break;
	case PSCI_FN_SYSTEM_RESET:
		CHECK(r == 0);
		act->kind = PSCI_ACT_SYSTEM_RESET;
		break;
	case PSCI_FN_FEATURES:
		CHECK(r ==
		      ((uint32_t)c->arg[0] == SMCCC_VERSION_FID ||
				       psci_implemented((uint32_t)c->arg[0]) ?
			       PSCI_RET_SUCCESS :
			       PSCI_RET_NOT_SUPPORTED));
		break;
	case PSCI_FN_SYSTEM_RESET2:
	case PSCI_FN64_SYSTEM_RESET2: {
		uint32_t type = (uint32_t)c->arg[0];

		if (!type) {
			CHECK(r == PSCI_RET_SUCCESS);
			act->kind = PSCI_ACT_SYSTEM_RESET;
		} else if ((type & LKVM_RESET2_GUEST_FAILURE) ==
			   LKVM_RESET2_GUEST_FAILURE) {
			CHECK(r == PSCI_RET_SUCCESS);
			act->kind = PSCI_ACT_GUEST_FAILURE;
			act->code = type & ~LKVM_RESET2_GUEST_FAILURE;
		} else {
			CHECK(r == PSCI_RET_INVALID_PARAMS);
		}
		break;
	}
	default:
		CHECK(r == PSCI_RET_NOT_SUPPORTED);
		break;
	}
	if (c->fid != PSCI_FN_FEATURES)
		CHECK((r == PSCI_RET_NOT_SUPPORTED) ==
		      !psci_implemented(c->fid));
	/* Only CPU_ON (its target) and CPU_OFF (the caller) change states. */
	for (unsigned int w = 0; w < vm->n; w++)
		if (!(act->kind == PSCI_ACT_CPU_ON && w == act->target) &&
		    !(act->kind == PSCI_ACT_CPU_OFF && w == v))
			CHECK(ps->state[w] == vm->psci_pre[w]);
	/* The effects say the same. */
	CHECK(eff->park == (act->kind == PSCI_ACT_CPU_OFF));
	CHECK(!eff->boot && !eff->enter_first);
	switch (act->kind) {
	case PSCI_ACT_SYSTEM_OFF:
		CHECK(eff->outcome == FW_POWEROFF);
		break;
	case PSCI_ACT_SYSTEM_RESET:
		CHECK(eff->outcome == FW_RESET);
		break;
	case PSCI_ACT_GUEST_FAILURE:
		CHECK(eff->outcome == FW_GUEST_FAILURE &&
		      eff->failure_code == act->code);
		break;
	default:
		CHECK(eff->outcome == FW_RUNS);
		break;
	}
}

/* SHARED_RESET's or PRIVATE_RESET's effect on one entry. */
static void check_reset_entry(const struct sdei_entry_status *pre,
			      const struct sdei_entry_status *post)
{
	if (pre->state & ST_G) {
		CHECK(post->state == (pre->state & ST_R));
		CHECK(!post->pending && !post->entry && !post->arg &&
		      !post->rm_pe && !post->affinity);
	} else {
		CHECK(entry_eq(pre, post));
	}
}

/*
 * An SDEI call's part of fw_call(): SDEI from vm->a to *post, the
 * registers it read and wrote (the result's included) in *cr.
 */
static void check_sdei_call(struct fvm *vm, const struct smccc_call *c,
			    const struct smccc_result *res,
			    const uint64_t *before, const struct callregs *cr,
			    const struct snap *post)
{
	const uint64_t *a = c->arg;
	unsigned int v = c->vcpu, fn = c->fid - SDEI_FID_BASE;
	uint64_t pstate = before[GUEST_REG_PSTATE], x0 = res->x[0], exp = 0;
	uint64_t hcr = vm->client_el == 2 ? before[GUEST_REG_HCR] : 0;
	const struct snap *pre = &vm->a;
	bool el_ok = !(pstate & P_M32) && pstate_el(pstate) == vm->client_el;
	/* The EL check's read: none where only AArch64 EL1 can call. */
	const uint64_t el_read =
		vm->client_el == 1 && !vm->aarch32 ? 0 : RB(GUEST_REG_PSTATE);
	bool same = false, checked = false;
	int ci = cat_find(vm, a[0]);
	const struct sdei_entry_status *pe_, *po_;
	unsigned int w, i;

	CHECK(!(cr->reads & ~(RB(GUEST_REG_PSTATE) | RB(GUEST_REG_SCTLR) |
			      RB(GUEST_REG_HCR))));
	if (!el_ok || fn > 0x12) {
		CHECK(res->nr == 1 && x0 == SDEI_NOT_SUPPORTED);
		CHECK(cr->writes == XREGS(1) && cr->reads == el_read);
		CHECK(snap_eq(vm, pre, post));
		CHECK((fn > 0x12) == !sdei_fid_name(c->fid));
		return;
	}
	CHECK(sdei_fid_name(c->fid));
	if (c->fid != SDEI_EVENT_COMPLETE &&
	    c->fid != SDEI_EVENT_COMPLETE_AND_RESUME) {
		CHECK(res->nr == 1 && cr->writes == XREGS(1));
		CHECK(cr->reads == el_read);
	}
	if (ci >= 0) {
		pe_ = ent(vm, pre, ci, v);
		po_ = ent(vm, post, ci, v);
	} else {
		pe_ = po_ = NULL;
	}

	switch (c->fid) {
	case SDEI_VERSION:
		exp = SDEI_VERSION_VALUE;
		same = true;
		break;
	case SDEI_EVENT_REGISTER:
		if (ci < 0 || !a[1] ||
		    (vm->cat[ci].shared && !route_ok(vm, a[3], a[4])))
			exp = SDEI_INVALID_PARAMETERS;
		else if (pe_->state ||
			 (vm->cat[ci].kind == K_BIND && !pre->ev[ci].bound))
			exp = SDEI_DENIED;
		if (exp)
			break;
		CHECK(po_->state == ST_G && po_->entry == a[1] &&
		      po_->arg == a[2]);
		CHECK(po_->rm_pe == (vm->cat[ci].shared && a[3] == SDEI_RM_PE));
		CHECK(po_->affinity == (po_->rm_pe ? a[4] & AFF_MASK : 0));
		/* Earlier triggers dropped; a high line pending at once. */
		CHECK(po_->pending == line_high(vm, post, ci, v));
		checked = true;
		break;
	case SDEI_EVENT_ENABLE:
	case SDEI_EVENT_DISABLE:
		if (ci < 0)
			exp = SDEI_INVALID_PARAMETERS;
		else if (!(pe_->state & ST_G))
			exp = SDEI_DENIED;
		if (exp)
			break;
		CHECK(po_->state == (c->fid == SDEI_EVENT_ENABLE ?
					     pe_->state | ST_E :
					     pe_->state & ~ST_E));
		CHECK(po_->pending == pe_->pending && po_->entry == pe_->entry);
		checked = true;
		break;
	case SDEI_EVENT_CONTEXT:
		same = true;
		if (a[0] >= NR_SAVED)
			exp = SDEI_INVALID_PARAMETERS;
		else if (!vm->depth[v])
			exp = SDEI_DENIED;
		else
			exp = vm->stack[v][vm->depth[v] - 1].x[a[0]];
		CHECK(x0 == exp);
		CHECK(snap_eq(vm, pre, post));
		return;
	case SDEI_EVENT_COMPLETE:
	case SDEI_EVENT_COMPLETE_AND_RESUME: {
		bool resume = c->fid == SDEI_EVENT_COMPLETE_AND_RESUME;
		const struct frame *f;
		int fci;

		if (!vm->depth[v]) {
			CHECK(res->nr == 1 && x0 == SDEI_DENIED);
			CHECK(cr->writes == XREGS(1) && cr->reads == el_read);
			CHECK(snap_eq(vm, pre, post));
			return;
		}
		f = &vm->stack[v][vm->depth[v] - 1];
		fci = cat_find(vm, f->num);
		CHECK(fci >= 0);
		CHECK(res->nr == 0);
		if (!resume)
			CHECK(cr->reads == el_read);
		CHECK(cr->writes ==
		      (XREGS(NR_SAVED) | RB(GUEST_REG_PC) |
		       RB(GUEST_REG_PSTATE) |
		       (resume ? RB(GUEST_REG_ELR) | RB(GUEST_REG_SPSR) : 0)));
		for (i = 0; i < NR_SAVED; i++)
			CHECK(cr->r[GUEST_REG_X0 + i] == f->x[i]);
		if (resume) {
			CHECK(cr->r[GUEST_REG_ELR] == f->pc);
			CHECK(cr->r[GUEST_REG_SPSR] == f->pstate);
			CHECK(cr->r[GUEST_REG_PC] == a[0]);
			check_handler_pstate(vm, cr->r[GUEST_REG_PSTATE],
					     f->pstate, cr->r[GUEST_REG_SCTLR],
					     hcr);
		} else {
			CHECK(cr->r[GUEST_REG_PC] == f->pc);
			CHECK(cr->r[GUEST_REG_PSTATE] == f->pstate);
		}
		pe_ = ent(vm, pre, fci, v);
		po_ = ent(vm, post, fci, v);
		CHECK(pe_->state & ST_R);
		CHECK(po_->state == (pe_->state & ~ST_R));
		CHECK(po_->entry == pe_->entry && po_->arg == pe_->arg);
		CHECK(entries_eq_except(vm, pre, post, fci, v));
		CHECK(events_eq_except(vm, pre, post, -1));
		CHECK(pes_eq_except(vm, pre, post, (int)v));
		CHECK(post->pe[v].masked == pre->pe[v].masked);
		vm->depth[v]--;
		return;
	}
	case SDEI_EVENT_UNREGISTER:
		if (ci < 0) {
			exp = SDEI_INVALID_PARAMETERS;
			break;
		}
		if (!(pe_->state & ST_G)) {
			exp = pe_->state & ST_R ? SDEI_PENDING : SDEI_DENIED;
			same = true;
			break;
		}
		exp = pe_->state & ST_R ? SDEI_PENDING : 0;
		CHECK(po_->state == (pe_->state & ST_R));
		CHECK(!po_->pending && !po_->entry && !po_->arg &&
		      !po_->rm_pe && !po_->affinity);
		checked = true;
		break;
	case SDEI_EVENT_STATUS:
		exp = ci < 0 ? SDEI_INVALID_PARAMETERS : pe_->state;
		same = true;
		break;
	case SDEI_EVENT_GET_INFO:
		same = true;
		if (ci < 0) {
			exp = SDEI_INVALID_PARAMETERS;
			break;
		}
		switch (a[1]) {
		case SDEI_INFO_TYPE:
			exp = vm->cat[ci].shared;
			break;
		case SDEI_INFO_SIGNALED:
			exp = vm->cat[ci].kind == K_EVENT0;
			break;
		case SDEI_INFO_PRIORITY:
			exp = vm->cat[ci].critical;
			break;
		case SDEI_INFO_ROUTING_MODE:
		case SDEI_INFO_ROUTING_AFF:
			if (!vm->cat[ci].shared)
				exp = SDEI_INVALID_PARAMETERS;
			else if (!(pe_->state & ST_G))
				exp = SDEI_DENIED;
			else if (a[1] == SDEI_INFO_ROUTING_MODE)
				exp = pe_->rm_pe ? SDEI_RM_PE : SDEI_RM_ANY;
			else
				exp = pe_->rm_pe ? pe_->affinity :
						   SDEI_INVALID_PARAMETERS;
			break;
		default:
			exp = SDEI_INVALID_PARAMETERS;
			break;
		}
		break;
	case SDEI_EVENT_ROUTING_SET:
		if (ci < 0 || !vm->cat[ci].shared || !route_ok(vm, a[1], a[2]))
			exp = SDEI_INVALID_PARAMETERS;
		else if (pe_->state != ST_G)
			exp = SDEI_DENIED;
		if (exp)
			break;
		CHECK(po_->state == ST_G && po_->rm_pe == (a[1] == SDEI_RM_PE));
		CHECK(po_->affinity == (po_->rm_pe ? a[2] & AFF_MASK : 0));
		CHECK(po_->entry == pe_->entry && po_->pending == pe_->pending);
		checked = true;
		break;
	case SDEI_PE_MASK:
	case SDEI_PE_UNMASK:
		if (c->fid == SDEI_PE_MASK)
			exp = pre->pe[v].masked ? 0 : 1;
		CHECK(post->pe[v].masked == (c->fid == SDEI_PE_MASK));
		CHECK(post->pe[v].depth == pre->pe[v].depth);
		CHECK(entries_eq_except(vm, pre, post, -1, 0));
		CHECK(events_eq_except(vm, pre, post, -1));
		CHECK(pes_eq_except(vm, pre, post, (int)v));
		break;
	case SDEI_INTERRUPT_BIND: {
		bool spi = a[0] >= SDEI_INTID_SPI_BASE;
		unsigned int nr_irqs = vm->nr_irqs ? vm->nr_irqs :
						     SDEI_INTID_LIMIT;
		int slot;

		same = true;
		if (a[0] < SDEI_INTID_PPI_BASE || a[0] >= nr_irqs) {
			exp = SDEI_INVALID_PARAMETERS;
			break;
		}
		slot = slot_of(vm, pre, a[0]);
		if (slot >= 0) {
			exp = vm->cat[slot].num;
			break;
		}
		if (bind_index(vm, a[0]) < 0) {
			exp = SDEI_DENIED;
			break;
		}
		exp = SDEI_OUT_OF_RESOURCE;
		for (i = 0; i < vm->nr_cat; i++)
			if (vm->cat[i].kind == K_BIND &&
			    vm->cat[i].shared == spi && !pre->ev[i].bound)
				exp = 0;
		if (exp)
			break;
		same = false;
		slot = cat_find(vm, x0);
		CHECK(slot >= 0 && vm->cat[slot].kind == K_BIND);
		CHECK(vm->cat[slot].shared == spi && !pre->ev[slot].bound);
		CHECK(post->ev[slot].bound && post->ev[slot].intid == a[0]);
		CHECK(entries_eq_except(vm, pre, post, -1, 0));
		CHECK(events_eq_except(vm, pre, post, slot));
		CHECK(pes_eq_except(vm, pre, post, -1));
		exp = x0;
		break;
	}
	case SDEI_INTERRUPT_RELEASE:
		if (ci < 0 || vm->cat[ci].kind != K_BIND ||
		    !pre->ev[ci].bound) {
			exp = SDEI_INVALID_PARAMETERS;
			break;
		}
		for (w = 0; w < vm->n; w++)
			if (ent(vm, pre, ci, w)->state)
				exp = SDEI_DENIED;
		if (exp)
			break;
		CHECK(!post->ev[ci].bound && !post->ev[ci].intid);
		CHECK(entries_eq_except(vm, pre, post, -1, 0));
		CHECK(events_eq_except(vm, pre, post, ci));
		CHECK(pes_eq_except(vm, pre, post, -1));
		break;
	case SDEI_EVENT_SIGNAL: {
		int t = vcpu_by_mpidr(vm, a[1]);

		bool keep;

		if (a[0] != 0 || t < 0) {
			exp = SDEI_INVALID_PARAMETERS;
			break;
		}
		/*
		 * A masked target, or one where event 0 is unregistered,
		 * drops it; registered (disabled or running too), it waits.
		 */
		keep = !pre->pe[t].masked && (pre->en[0][t].state & ST_G);
		CHECK(post->en[0][t].pending ==
		      (pre->en[0][t].pending || keep));
		CHECK(entries_eq_except(vm, pre, post, 0, t));
		CHECK(events_eq_except(vm, pre, post, -1));
		CHECK(pes_eq_except(vm, pre, post, -1));
		break;
	}
	case SDEI_FEATURES:
		exp = a[0] != SDEI_FEATURE_BIND_SLOTS ?
			      SDEI_INVALID_PARAMETERS :
			      ((uint64_t)vm->nr_shared_slots << 16) |
				      vm->nr_private_slots;
		same = true;
		break;
	case SDEI_PRIVATE_RESET:
		for (i = 0; i < vm->nr_cat; i++) {
			if (vm->cat[i].shared)
				continue;
			if (pre->en[i][v].state & ST_R)
				exp = SDEI_DENIED;
			check_reset_entry(&pre->en[i][v], &post->en[i][v]);
			for (w = 0; w < vm->n; w++)
				if (w != v)
					CHECK(entry_eq(&pre->en[i][w],
						       &post->en[i][w]));
		}
		for (i = 0; i < vm->nr_cat; i++)
			if (vm->cat[i].shared)
				CHECK(entry_eq(&pre->en[i][0],
					       &post->en[i][0]));
		CHECK(events_eq_except(vm, pre, post, -1));
		CHECK(pes_eq_except(vm, pre, post, -1));
		break;
	case SDEI_SHARED_RESET: {
		bool running = false;

		for (i = 0; i < vm->nr_cat; i++) {
			if (!vm->cat[i].shared) {
				for (w = 0; w < vm->n; w++)
					CHECK(entry_eq(&pre->en[i][w],
						       &post->en[i][w]));
				continue;
			}
			running |= pre->en[i][0].state & ST_R;
			check_reset_entry(&pre->en[i][0], &post->en[i][0]);
		}
		/* Bindings are released only if no shared event runs. */
		for (i = 0; i < vm->nr_cat; i++) {
			bool busy = false;

			if (vm->cat[i].kind != K_BIND || !pre->ev[i].bound)
				continue;
			for (w = 0; w < vm->n; w++)
				busy |= ent(vm, post, i, w)->state != 0;
			if (running || busy) {
				CHECK(event_eq(&pre->ev[i], &post->ev[i]));
				if (!running)
					exp = SDEI_DENIED;
			} else {
				CHECK(!post->ev[i].bound);
			}
		}
		if (running)
			exp = SDEI_DENIED;
		CHECK(pes_eq_except(vm, pre, post, -1));
		break;
	}
	default:
		CHECK(0);
	}
	CHECK(x0 == exp);
	if (is_sdei_error(x0) && c->fid != SDEI_EVENT_GET_INFO &&
	    c->fid != SDEI_EVENT_CONTEXT) {
		CHECK(sdei_ret_name(x0));
		CHECK(x0 != SDEI_NOT_SUPPORTED);
	}
	/* Refused calls and queries change nothing. */
	if (same ||
	    ((int64_t)x0 < 0 && x0 != SDEI_PENDING &&
	     c->fid != SDEI_PRIVATE_RESET && c->fid != SDEI_SHARED_RESET))
		CHECK(snap_eq(vm, pre, post));
	if (checked) {
		CHECK(entries_eq_except(vm, pre, post, ci, v));
		CHECK(events_eq_except(vm, pre, post, -1));
		CHECK(pes_eq_except(vm, pre, post, -1));
	}
}

/* A new VM after SYSTEM_RESET (lkvm --reboot-restart). */
static void vm_restart(struct fvm *vm)
{
	fw_destroy(vm->fw);
	vm->fw = NULL;
	vm->s = NULL;
	vm_start(vm);
}

/* Sets a fault-free step's expectations of the call part apart. */
static void call_regs(const struct regfile *rf, struct callregs *cr)
{
	if (rf->mid_seen)
		*cr = (struct callregs){ rf->call_reads, rf->call_writes,
					 rf->mid_r };
	else
		*cr = (struct callregs){ rf->reads, rf->writes, rf->r };
}

/* A forwarded SMCCC call of vCPU p: KVM_EXIT_HYPERCALL, fw_call(). */
static void op_call(struct fvm *vm, struct input *in, unsigned int p)
{
	unsigned int v = (p & 7) % vm->n, i;
	struct regfile *rf = &vm->rf[v];
	struct guest_regs regs = regs_of(vm, v);
	struct smccc_call c = { .vcpu = v, .smc = p & 8 };
	struct psci_action act = { .kind = PSCI_ACT_NONE };
	const struct psci *ps = fw_psci(vm->fw);
	uint64_t before[GUEST_NR_REGS], args[SMCCC_NR_ARGS];
	uint32_t fid = pick_fid(in_u8(in), in);
	bool is_psci = psci_owns(fid);
	bool is_sdei = vm->s && fid >= SDEI_FID_BASE && fid <= SDEI_FID_LAST;
	struct fw_effects eff;
	struct callregs cr;
	const struct snap *m;

	for (i = 0; i < SMCCC_NR_ARGS; i++)
		args[i] = arg_value(vm, in);
	/*
	 * A vCPU waiting for its CPU_ON's stop runs nothing; with strict
	 * power, neither does an OFF one (parked in KVM_RUN).
	 */
	if (ps->state[v] == PSCI_CPU_ON_PENDING ||
	    (vm->strict && ps->state[v] != PSCI_CPU_ON))
		return;
	/*
	 * HVC and SMC are UNDEFINED at EL0, and a VM without EL2 or AArch32
	 * runs nothing else but AArch64 EL1: KVM forwards no other call.
	 */
	if (vm->client_el == 1 && !vm->aarch32 &&
	    ((rf->r[GUEST_REG_PSTATE] & P_M32) ||
	     pstate_el(rf->r[GUEST_REG_PSTATE]) != 1))
		return;
	/* The guest's HVC/SMC: the ID in x0, the arguments in x1..x5. */
	rf->r[GUEST_REG_X0] = fid;
	for (i = 0; i < SMCCC_NR_ARGS; i++)
		rf->r[GUEST_REG_X0 + 1 + i] = args[i];
	c.fid = fid;
	for (i = 0; i < SMCCC_NR_ARGS; i++)
		c.arg[i] = rf->r[GUEST_REG_X0 + 1 + i];
	memcpy(before, rf->r, sizeof(before));
	memcpy(vm->psci_pre, ps->state, vm->n * sizeof(ps->state[0]));
	take_snap(vm, &vm->a);

	rf_begin(rf, 1);
	fw_call(vm->fw, &c, &regs, &eff);
	TRACE("call vCPU %u 0x%08x(0x%llx, 0x%llx, 0x%llx, 0x%llx, 0x%llx) = 0x%llx nr %u outcome %d%s%s\n",
	      v, fid, (unsigned long long)c.arg[0],
	      (unsigned long long)c.arg[1], (unsigned long long)c.arg[2],
	      (unsigned long long)c.arg[3], (unsigned long long)c.arg[4],
	      (unsigned long long)eff.res.x[0], eff.res.nr, (int)eff.outcome,
	      eff.park ? " park" : "", eff.retry ? " retry" : "");
	if (rf->failed) {
		/* A failed read changes nothing: of the call, or the dispatch. */
		if (rf->failed_read) {
			take_snap(vm, &vm->b);
			CHECK(snap_eq(vm, rf->mid_seen ? &vm->m : &vm->a,
				      &vm->b));
		}
		register_failure(vm, &eff);
		return;
	}
	take_snap(vm, &vm->b);
	CHECK(eff.res.nr <= 4);
	call_regs(rf, &cr);
	/* The result is in x0.. before any dispatch: its saved x0. */
	for (i = 0; i < eff.res.nr; i++)
		CHECK(cr.r[GUEST_REG_X0 + i] == eff.res.x[i]);
	CHECK(!eff.boot && !eff.enter_first);

	/* The call's part: SDEI as the call left it is *m. */
	if (is_sdei) {
		m = rf->mid_seen ? &vm->m : &vm->b;
		check_sdei_call(vm, &c, &eff.res, before, &cr, m);
	} else {
		m = &vm->a;
		if (rf->mid_seen)
			CHECK(snap_eq(vm, &vm->a, &vm->m));
		CHECK(!cr.reads && cr.writes == XREGS(1));
		if (is_psci) {
			check_psci(vm, &c, &eff, &act);
		} else {
			/* Nobody's ID, or SDEI's without SDEI. */
			CHECK(eff.res.nr == 1 &&
			      eff.res.x[0] == SMCCC_RET_NOT_SUPPORTED);
			CHECK(eff.outcome == FW_RUNS && !eff.park);
		}
	}
	if (is_sdei)
		CHECK(eff.outcome == FW_RUNS && !eff.park);

	switch (act.kind) {
	case PSCI_ACT_NONE:
	case PSCI_ACT_CPU_ON:
		/* The vCPU goes on: a dispatch if it has something to take. */
		check_dispatch(vm, v, &eff, m, cr.r, &vm->d);
		if (act.kind == PSCI_ACT_NONE) {
			CHECK(snap_eq(vm, &vm->d, &vm->b));
			break;
		}
		/* CPU_ON: the target masked, its privates gone; a boot kick. */
		check_cpu_hook(vm, &vm->d, &vm->b, act.target, true);
		vm->on_pending[act.target] = true;
		vm->boot_due[act.target] = true;
		vm->on_entry[act.target] = act.entry;
		vm->on_context[act.target] = act.context;
		break;
	case PSCI_ACT_CPU_OFF:
		/*
		 * No dispatch on a vCPU that turns itself off: a shared event
		 * it took would be lost with it; another PE gets it.
		 */
		CHECK(!rf->mid_seen && !eff.retry);
		check_cpu_hook(vm, m, &vm->b, v, false);
		break;
	case PSCI_ACT_SYSTEM_RESET:
		CHECK(!rf->mid_seen && !eff.retry);
		/* Nothing SDEI holds survives; then a new VM. */
		check_fresh(vm, &vm->b);
		vm_restart(vm);
		return;
	case PSCI_ACT_SYSTEM_OFF:
	case PSCI_ACT_GUEST_FAILURE:
		CHECK(!rf->mid_seen && !eff.retry);
		CHECK(snap_eq(vm, m, &vm->b));
		vm->stopped = true;
		return;
	}
	drain(vm, act.kind == PSCI_ACT_NONE ? (int)v : -1);
}

/* KVM completes what it owes the vCPU (KVM_RUN with immediate_exit). */
static void kvm_entry(struct fvm *vm, unsigned int v, uint8_t b)
{
	struct regfile *rf = &vm->rf[v];
	uint64_t rng = b * 0x1003ULL + v;

	if (b & 1) {
		/* An injected exception: to the client EL's vector. */
		rf->r[GUEST_REG_ELR] = rf->r[GUEST_REG_PC];
		rf->r[GUEST_REG_SPSR] = rf->r[GUEST_REG_PSTATE];
		rf->r[GUEST_REG_PC] = rf->r[GUEST_REG_VBAR] + 0x200;
		rf->r[GUEST_REG_PSTATE] = P_DAIF |
					  (vm->client_el == 2 ? 0x9 : 0x5);
	} else {
		/* An MMIO load: one register written, PC on. */
		rf->r[GUEST_REG_X0 + (b >> 1) % 31] = next_rand(&rng);
		rf->r[GUEST_REG_PC] += 4;
	}
}

/*
 * A stop of vCPU v after a kick (vcpu_apply_requests()): only when one is
 * due. entry: KVM owes it an MMIO load or an exception entry (b: which).
 */
static void op_run(struct fvm *vm, unsigned int v, bool entry, uint8_t b)
{
	struct regfile *rf = &vm->rf[v];
	struct guest_regs regs = regs_of(vm, v);
	uint64_t before[GUEST_NR_REGS];
	struct fw_effects eff;

	if (!vm->in_flight[v])
		return;
	TRACE("run vCPU %u%s\n", v, entry ? " (entry pending)" : "");
	vm->in_flight[v] = false;
again:
	take_snap(vm, &vm->a);
	memcpy(before, rf->r, sizeof(before));
	rf_begin(rf, 0);
	fw_stop(vm->fw, v, entry ? FW_STOP_ENTRY_PENDING : 0, &regs, &eff);
	if (vm->on_pending[v]) {
		struct boot_regs br;

		/* CPU_ON: the boot, before anything else; nothing touched. */
		CHECK(eff.boot && eff.outcome == FW_RUNS);
		CHECK(!eff.enter_first && !eff.retry && !eff.park);
		CHECK(eff.boot_entry == vm->on_entry[v] &&
		      eff.boot_context == vm->on_context[v]);
		CHECK(!rf->reads && !rf->writes);
		take_snap(vm, &vm->b);
		CHECK(snap_eq(vm, &vm->a, &vm->b));
		boot_regs_cpu_on(eff.boot_entry, eff.boot_context,
				 vm->client_el == 2 ? BOOT_EL2 : BOOT_EL1, &br);
		/* KVM_ARM_VCPU_INIT: a reset vCPU, then the boot registers. */
		for (unsigned int i = 0; i < 31; i++)
			rf->r[GUEST_REG_X0 + i] = i < 4 ? br.x[i] : 0;
		rf->r[GUEST_REG_PC] = br.pc;
		rf->r[GUEST_REG_PSTATE] = br.pstate;
		rf->r[GUEST_REG_ELR] = 0;
		rf->r[GUEST_REG_SPSR] = 0;
		rf->r[GUEST_REG_HCR] = rf->hcr_reset;
		fw_booted(vm->fw, v);
		CHECK(fw_psci(vm->fw)->state[v] == PSCI_CPU_ON);
		vm->on_pending[v] = false;
		drain(vm, (int)v);
		return;
	}
	CHECK(!eff.boot && !eff.park);
	if (rf->failed) {
		if (rf->failed_read) {
			take_snap(vm, &vm->b);
			CHECK(snap_eq(vm, &vm->a, &vm->b));
		}
		register_failure(vm, &eff);
		return;
	}
	CHECK(eff.outcome == FW_RUNS);
	take_snap(vm, &vm->b);
	if (entry && vm->s && model_pick(vm, &vm->a, v) >= 0) {
		/* An event waits: KVM's entry first, touching nothing. */
		TRACE("  KVM's entry first\n");
		CHECK(eff.enter_first && !eff.retry);
		CHECK(!rf->reads && !rf->writes);
		CHECK(snap_eq(vm, &vm->a, &vm->b));
		kvm_entry(vm, v, b);
		entry = false;
		goto again;
	}
	CHECK(!eff.enter_first);
	/* Every stop dispatches (with nothing to take it ends the kick). */
	check_dispatch(vm, v, &eff, &vm->a, before, &vm->d);
	CHECK(snap_eq(vm, &vm->d, &vm->b));
	drain(vm, (int)v);
}

/* --- The host's side. */

/* lkvm sdei signal: fw_trigger(). */
static void op_trigger(struct fvm *vm, struct input *in, unsigned int p)
{
	static const uint32_t odd[16] = {
		1,	    9,		14,	    SDEI_PLATFORM_EVENT_MAX,
		0x40000000, 0x40000001, 0x40000002, 0x40000040,
		0x40000041, 0x7fffffff, 0x80000000, 0xffffffff,
		26,	    27,		2,	    0x3ffffffe,
	};
	uint8_t es = in_u8(in);
	unsigned int v = (p & 7) % vm->n, tv;
	uint32_t num = (es & 0xc0) == 0xc0 ? odd[es & 0xf] :
					     vm->cat[es % vm->nr_cat].num;
	int ci = cat_find(vm, num), exp = 0, ret;

	if (p & 8) {
		uint8_t vs = in_u8(in);

		tv = vs & 0x80 ? SDEI_ROUTED :
		     vs & 0x40 ? vm->n + (vs & 0xf) :
				 vs % vm->n;
	} else {
		tv = ci >= 0 && vm->cat[ci].shared ? SDEI_ROUTED : v;
	}
	if (!vm->s)
		exp = -ENODEV;
	else if (ci < 0)
		exp = -ENOENT;
	else if (vm->cat[ci].kind == K_BIND ||
		 (vm->cat[ci].shared ? tv != SDEI_ROUTED : tv >= vm->n))
		exp = -EINVAL;
	take_snap(vm, &vm->a);
	ret = fw_trigger(vm->fw, num, tv);
	TRACE("trigger %u on %u: %d\n", num, tv, ret);
	take_snap(vm, &vm->b);
	CHECK(ret == exp);
	if (ret) {
		CHECK(snap_eq(vm, &vm->a, &vm->b));
	} else {
		unsigned int ev = vm->cat[ci].shared ? 0 : tv;

		CHECK(vm->b.en[ci][ev].pending);
		CHECK(entries_eq_except(vm, &vm->a, &vm->b, ci, ev));
		CHECK(events_eq_except(vm, &vm->a, &vm->b, -1));
		CHECK(pes_eq_except(vm, &vm->a, &vm->b, -1));
	}
	drain(vm, -1);
}

/* A device drives its line: fw_irq_set(); p bit 3 is the level. */
static void op_irq(struct fvm *vm, struct input *in, unsigned int p)
{
	static const uint32_t intids[8] = { 32, 33, 22, 32, 33, 16, 34, 1019 };
	uint8_t b = in_u8(in);
	uint32_t intid = intids[b & 7];
	bool level = p & 8, owned;
	int li = line_index(vm, intid), ret, ci;

	take_snap(vm, &vm->a);
	ret = fw_irq_set(vm->fw, intid, level);
	TRACE("irq %u level %d: %d\n", intid, level, ret);
	take_snap(vm, &vm->b);
	if (li < 0) {
		/* Not one of lkvm's lines: the VMM drives the GIC itself. */
		CHECK(ret == -ENOENT);
		CHECK(snap_eq(vm, &vm->a, &vm->b));
		drain(vm, -1);
		return;
	}
	CHECK(ret == 0);
	vm->level[li][0] = level;
	owned = vm->s && model_owned(vm, &vm->a, intid, 0);
	if (!owned) {
		CHECK(snap_eq(vm, &vm->a, &vm->b));
	} else {
		const struct sdei_entry_status *pre, *post;

		ci = slot_of(vm, &vm->a, intid);
		CHECK(ci >= 0);
		pre = ent(vm, &vm->a, ci, 0);
		post = ent(vm, &vm->b, ci, 0);
		/*
		 * A level interrupt: pending while high, and no longer once it
		 * drops before the dispatch; a running handler is unaffected.
		 */
		if (pre->state & ST_R)
			CHECK(post->pending == pre->pending);
		else
			CHECK(post->pending == level);
		CHECK(post->state == pre->state && post->entry == pre->entry);
		CHECK(entries_eq_except(vm, &vm->a, &vm->b, ci, 0));
		CHECK(events_eq_except(vm, &vm->a, &vm->b, -1));
		CHECK(pes_eq_except(vm, &vm->a, &vm->b, -1));
	}
	drain(vm, -1);
}

/* --- Other operations. */

/* Guest code ran on vCPU v: a new context (b: what changed). */
static void op_ctx(struct fvm *vm, unsigned int v, uint8_t b)
{
	struct regfile *rf = &vm->rf[v];
	uint64_t rng = b * 0x10001ULL + v + rf->accesses * 0x100000000ULL;

	rf->r[GUEST_REG_PSTATE] = make_pstate(vm, b, &rng);
	rf->r[GUEST_REG_PC] =
		0xffff800008200000ULL + (next_rand(&rng) & 0xffffc);
	if (b & 8)
		for (unsigned int i = 0; i < 31; i++)
			rf->r[GUEST_REG_X0 + i] = next_rand(&rng);
	if (b & 0x10)
		rf->r[GUEST_REG_SCTLR] = next_rand(&rng);
	if (b & 0x20) {
		rf->r[GUEST_REG_ELR] = next_rand(&rng);
		rf->r[GUEST_REG_SPSR] = next_rand(&rng);
	}
	/*
	 * HCR_EL2 (EL2 only), as it enters or leaves a guest of its own:
	 * bits 3-5 give VM, TGE, E2H.
	 */
	if ((b & 0x40) && rf->el2)
		rf->r[GUEST_REG_HCR] = hcr_value(b, &rng);
}

/* fw_create() refuses a broken configuration, saying why. */
static void probe_config(const struct fvm *vm, uint8_t b)
{
	struct sdei_event_desc ev[MAX_PLAT + 1];
	uint64_t mpidr[MAX_VCPUS];
	uint32_t lines[FW_MAX_LINES + 1] = { 0 };
	struct sdei_config sc = {
		.events = ev,
		.nr_events = vm->nr_plat,
		.nr_irqs = vm->nr_irqs,
		.nr_shared_slots = vm->nr_shared_slots,
		.nr_private_slots = vm->nr_private_slots,
		.client_el = vm->client_el,
	};
	struct fw_config cfg = {
		.nr_vcpus = vm->n,
		.mpidr = mpidr,
		.ram_base = RAM_BASE,
		.ram_size = RAM_SIZE,
		.sdei = &sc,
		.lines = lines,
		.nr_lines = vm->nr_bindable,
	};
	struct fw *fw = NULL;
	char err[256] = "";

	memcpy(ev, vm->plat, sizeof(vm->plat));
	memcpy(mpidr, vm->mpidr, sizeof(mpidr));
	memcpy(lines, vm->bindable, sizeof(vm->bindable));
	switch (b % 13) {
	case 0:
		cfg.nr_vcpus = b & 0x10 ? 0 : PSCI_MAX_CPUS + 1;
		break;
	case 1:
		sc.client_el = b & 0x10 ? 0 : 3;
		break;
	case 2:
		sc.nr_events = SDEI_MAX_PLATFORM_EVENTS + 1;
		break;
	case 3: /* event 0 is architected; past the platform range */
		ev[sc.nr_events++] = (struct sdei_event_desc){
			.num = b & 0x10 ? 0 : SDEI_BIND_EVENT_BASE
		};
		break;
	case 4: /* declared twice */
		ev[sc.nr_events] = ev[0];
		if (!sc.nr_events)
			ev[0] = ev[1] = (struct sdei_event_desc){ .num = 7 };
		sc.nr_events = sc.nr_events ? sc.nr_events + 1 : 2;
		break;
	case 5:
		if (b & 0x10)
			sc.nr_shared_slots = SDEI_MAX_BIND_SLOTS + 1;
		else
			sc.nr_private_slots = SDEI_MAX_BIND_SLOTS + 1;
		break;
	case 6:
		sc.nr_irqs = SDEI_INTID_LIMIT + 1;
		break;
	case 7: /* a line on an SGI, or on an INTID the vGIC does not have */
		lines[cfg.nr_lines++] = b & 0x10 ? 15 : 1020;
		break;
	case 8: /* RES0 bits in an MPIDR */
		mpidr[(b >> 4) % vm->n] |= 1ULL << 40;
		break;
	case 9: /* two vCPUs, one affinity (bit 31 does not count) */
		if (vm->n < 2)
			cfg.mpidr = NULL;
		else
			mpidr[1] = mpidr[0] ^ (1ULL << 31);
		break;
	case 10:
		sc.events = NULL;
		sc.nr_events = 1;
		break;
	case 11:
		cfg.lines = NULL;
		cfg.nr_lines = 1;
		break;
	default:
		cfg.nr_lines = FW_MAX_LINES + 1;
		break;
	}
	CHECK(fw_create(&fw, &cfg, err, sizeof(err)) == -EINVAL && err[0]);
	CHECK(!fw);
	CHECK(memchr(err, 0, sizeof(err)) && !strchr(err, '\n'));
	/* No room for a message: still refused, nothing written. */
	CHECK(fw_create(&fw, &cfg, NULL, 0) == -EINVAL && !fw);
}

/* The API with out-of-range arguments changes nothing. */
static void op_probe(struct fvm *vm, uint8_t b)
{
	static const uint32_t no_line[4] = { 34, 1019, 16, 15 };
	struct guest_regs poison = { .ops = &poison_ops, .ctx = NULL };
	unsigned int bad = b & 0x80 ? ~0u : vm->n + (b & 7);
	struct smccc_call c = { .fid = b & 0x40 ? SDEI_FID(b % 19) :
						  PSCI_FN_CPU_OFF,
				.vcpu = bad };
	struct sdei_entry_status en;
	struct fw_effects eff;
	uint32_t fid = SDEI_FID_BASE - 4 + (b & 0x3f);
	const char *name;

	take_snap(vm, &vm->a);
	memcpy(vm->psci_pre, fw_psci(vm->fw)->state,
	       vm->n * sizeof(vm->psci_pre[0]));
	fw_call(vm->fw, &c, &poison, &eff);
	CHECK(eff.outcome == FW_ERROR && !eff.park && !eff.boot);
	fw_stop(vm->fw, bad, b & 1 ? FW_STOP_ENTRY_PENDING : 0, &poison, &eff);
	CHECK(eff.outcome == FW_ERROR && !eff.boot && !eff.enter_first);
	fw_booted(vm->fw, bad);
	CHECK(fw_trigger(vm->fw, 0, bad) == (vm->s ? -EINVAL : -ENODEV));
	CHECK(fw_trigger(vm->fw, 0, SDEI_ROUTED) ==
	      (vm->s ? -EINVAL : -ENODEV));
	CHECK(fw_irq_set(vm->fw, no_line[(b >> 4) & 3], b & 8) == -ENOENT);
	CHECK(!memcmp(vm->psci_pre, fw_psci(vm->fw)->state,
		      vm->n * sizeof(vm->psci_pre[0])));
	if (vm->s) {
		CHECK(!sdei_vcpu_has_work(vm->s, bad));
		CHECK(!sdei_irq_owned(vm->s, 16 + (b & 15), bad));
		CHECK(sdei_entry_status(vm->s, vm->cat[0].idx, bad, &en) ==
		      -EINVAL);
	}
	take_snap(vm, &vm->b);
	CHECK(snap_eq(vm, &vm->a, &vm->b));
	drain(vm, -1);
	name = sdei_fid_name(fid);
	CHECK(!!name == (fid >= SDEI_FID_BASE && fid <= SDEI_FID(0x12)));
	CHECK(sdei_ret_name(SDEI_SUCCESS) &&
	      sdei_ret_name(SDEI_NOT_SUPPORTED) &&
	      sdei_ret_name(SDEI_INVALID_PARAMETERS) &&
	      sdei_ret_name(SDEI_DENIED) && sdei_ret_name(SDEI_PENDING) &&
	      sdei_ret_name(SDEI_OUT_OF_RESOURCE));
	CHECK(!sdei_ret_name((uint64_t)-4LL) && !sdei_ret_name(b + 1));
	probe_config(vm, b);
}

/* Every vCPU with a stop due, lowest first (down: highest first). */
static void run_kicked(struct fvm *vm, bool down)
{
	for (unsigned int i = 0; i < vm->n && !vm->stopped; i++) {
		unsigned int w = down ? vm->n - 1 - i : i;

		if (vm->in_flight[w])
			op_run(vm, w, false, 0);
	}
}

static void do_op(struct fvm *vm, struct input *in)
{
	uint8_t op = in_u8(in);
	unsigned int p = op >> 4, v = (p & 7) % vm->n;
	uint8_t b;

	switch (op & 0xf) {
	case 7:
		op_trigger(vm, in, p);
		break;
	case 8:
		op_irq(vm, in, p);
		break;
	case 9:
		op_run(vm, v, true, in_u8(in));
		break;
	case 10:
		op_run(vm, v, false, 0);
		break;
	case 11:
		run_kicked(vm, false);
		break;
	case 12:
		op_ctx(vm, v, in_u8(in));
		break;
	case 13:
		b = in_u8(in);
		if (vm->faults)
			vm->rf[v].fail_at = vm->rf[v].accesses + b % 32;
		break;
	case 14:
		run_kicked(vm, p & 8);
		break;
	case 15:
		op_probe(vm, in_u8(in));
		break;
	default:
		op_call(vm, in, p);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { .p = data, .n = size };
	struct fvm *vm = calloc(1, sizeof(*vm));

	CHECK(vm);
	vm_setup(vm, &in);
	vm_start(vm);
	check_all(vm);
	for (unsigned int ops = 0; ops < MAX_OPS && in.off < in.n; ops++) {
		do_op(vm, &in);
		if (vm->stopped)
			break;
		drain(vm, -1);
		check_all(vm);
	}
	fw_destroy(vm->fw);
	free(vm);
	return 0;
}
