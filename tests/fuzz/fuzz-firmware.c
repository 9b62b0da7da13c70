// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for lkvm's firmware emulation (firmware-emu/: PSCI 1.1
 * and SDEI 1.1), driven the way vmm/vcpu-hypercall.c drives it, in the pure
 * world: an in-memory register file per vCPU implements struct guest_regs;
 * a call is routed by function ID to psci_call() or sdei_call(), x0..x{nr-1}
 * are written back, sdei_dispatch() follows, then PSCI's action (CPU_ON,
 * CPU_OFF, SYSTEM_RESET) is applied to SDEI; sdei_next_kick() is drained
 * after every step. SYSTEM_RESET then starts a new VM (--reboot-restart);
 * SYSTEM_OFF, a guest failure or a register fault stop it. A small model
 * (the dispatch stacks, the lines' levels, the kicks in flight) runs
 * beside it. Seeds: tests/fuzz/make-firmware-seeds.sh writes them.
 * -DFUZZ_FIRMWARE_TRACE prints each step.
 *
 * Input (a byte past the end reads as 0):
 *   byte 0   bits 0-2 vCPUs - 1 (1-8, MPIDRs as KVM makes them); bit 3
 *            client EL2 (else EL1); bit 4 MTE; bit 5 strict power (only
 *            vCPUs PSCI has on make calls); bit 6 PPI 22 bindable too (SPIs
 *            32 and 33 always are); bit 7 register faults allowed
 *   byte 1   bits 0-2 platform events (0-4, mod 5), numbered 10 + i +
 *            16 * bits 4-7; bit 3: the last one is SDEI_PLATFORM_EVENT_MAX
 *   byte 2   bits 2i, 2i+1: platform event i shared, critical
 *   byte 3   bits 0-1 shared bind slots; 2-3 private slots; bit 4: the vGIC
 *            has 64 INTIDs (else 1020)
 *   then one byte per vCPU: bits 0-2 its context (0-3 client ELxh, 4 client
 *            ELxt, 5 EL0t, 6 AArch32, 7 the other EL), all bits seed its
 *            registers (random but fixed: x0-x30, PC, ELR, SPSR, SCTLR...)
 *   then up to MAX_OPS operations: an opcode byte, bits 0-3 the kind, bits
 *            4-7 p (bits 4-6 the vCPU, mod the count), then its bytes:
 *     0-6  SMCCC call on vCPU p (p bit 3: SMC conduit): a function byte
 *          (see pick_fid(): 0-151 SDEI SMC64, 152-167 SDEI's SMC32 forms,
 *          168-175 SDEI's unassigned IDs, 176-239 PSCI 32/64, 240-255 four
 *          raw ID bytes follow), then x1..x5, one selector byte each (see
 *          arg_value(): low nibble the kind, high nibble a parameter)
 *     7    host trigger: an event byte; with p bit 3 a vCPU byte too
 *     8    interrupt line: an INTID byte; p bit 3 is the level
 *     9    sdei_cpu_on (p bit 3) or sdei_cpu_off: a byte, bit 7 picks an
 *          out-of-range vCPU
 *     10   run vCPU p: a stop of its thread, as after a kick (apply a queued
 *          CPU_ON, dispatch if there is work, drain the kicks)
 *     11   run every vCPU with a kick in flight
 *     12   vCPU p's context changes (guest code ran): a context byte
 *     13   arm a register fault on vCPU p: after (byte % 32) more accesses
 *     14   p bit 3: sdei_system_reset(); else as 11
 *     15   out-of-range probes of the API, and sdei_create() refusing a
 *          broken configuration: a byte
 *
 * Checked after every operation (abort() on failure): the status getters
 * agree with the configuration; every entry's state is one of the six the
 * state table reaches, registered iff it has an entry point, routes name
 * existing PEs; RUNNING iff the event is on a PE's dispatch stack (a shared
 * one on exactly one); per-PE depth at most 2, and two deep only critical
 * over normal; the stacks equal the model's; sdei_vcpu_has_work() matches
 * the documented delivery rules; no lost wakeup (a PE with work of its own
 * has a kick in flight unless deferred by -EAGAIN; a pending RM_ANY event
 * has a kicked taker); kicks go to existing vCPUs, never to the caller
 * after a call or dispatch, once until it dispatches; a registered bound
 * interrupt whose line is high is pending unless running; ownership of
 * lines. Per call: the result is the spec's return code or documented
 * value that the preceding state implies (NOT_SUPPORTED from a wrong EL),
 * failures change nothing, registers outside the documented set are not
 * read or written (dispatch: x0-x3, PC, PSTATE; COMPLETE: x0-x17, PC,
 * PSTATE, and ELR/SPSR for RESUME), the handler's entry frame and PSTATE,
 * and COMPLETE restoring what dispatch saved. After a register fault: -EIO,
 * and nothing changed if a read failed; the VM then stops.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../arm64/boot.h"
#include "../../firmware-emu/psci.h"
#include "../../firmware-emu/sdei.h"
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
 * Two defects this harness found, now fixed (their inputs stay as seeds,
 * corpus/fuzz-firmware/regress-fuzz-firmware-1 and -2): a lost wakeup (a vCPU that
 * stopped for its kick and found no work kept its kick "sent"; the edge
 * now dispatches at every stop after a kick, as run_vcpu does here) and a
 * lost level interrupt (sdei_abandon_handlers() did not re-pend a bound
 * interrupt whose line was still high).
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

struct regfile {
	uint64_t r[GUEST_NR_REGS];
	uint64_t reads, writes; /* registers accessed in this step */
	int fail_at; /* accesses from this count on fail; -1: none */
	unsigned int accesses;
	bool failed, failed_read; /* in this step; the first was a read */
};

static int rf_access(struct regfile *rf, enum guest_reg reg, bool write)
{
	CHECK((unsigned int)reg < GUEST_NR_REGS);
	/* MPIDR_EL1 is read-only: no firmware call writes it. */
	CHECK(!write || reg != GUEST_REG_MPIDR);
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

static void rf_begin(struct regfile *rf)
{
	rf->reads = 0;
	rf->writes = 0;
	rf->failed = false;
	rf->failed_read = false;
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
	bool mte, strict, faults;
	uint64_t mpidr[MAX_VCPUS];
	uint8_t ctx[MAX_VCPUS];
	struct sdei_event_desc plat[MAX_PLAT];
	unsigned int nr_plat;
	uint32_t bindable[MAX_BINDABLE];
	unsigned int nr_bindable, nr_shared_slots, nr_private_slots, nr_irqs;
	/* The catalogue: event 0, the platform's, the bind slots by number. */
	struct cat_ev cat[MAX_CAT];
	unsigned int nr_cat;
	/* lkvm's state. */
	struct sdei *s;
	struct psci psci;
	struct regfile rf[MAX_VCPUS];
	/* The edge's and the model's. */
	struct frame stack[MAX_VCPUS][SDEI_MAX_NESTING];
	unsigned int depth[MAX_VCPUS];
	bool deferred[MAX_VCPUS]; /* last dispatch -EAGAIN, no call since */
	bool sent[MAX_VCPUS]; /* from sdei_next_kick(), no dispatch since */
	bool in_flight[MAX_VCPUS]; /* kicked, not stopped since */
	bool on_pending[MAX_VCPUS];
	uint64_t on_entry[MAX_VCPUS], on_context[MAX_VCPUS];
	bool level[MAX_BINDABLE][MAX_VCPUS]; /* an SPI's is at [i][0] */
	bool stopped;
	struct snap a, b;
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

static void regs_init(struct fvm *vm, unsigned int v)
{
	struct regfile *rf = &vm->rf[v];
	uint64_t rng = vm->ctx[v] * 0x100000001ULL + v;

	memset(rf, 0, sizeof(*rf));
	rf->fail_at = -1;
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
		if (e->pending)
			CHECK(sn->ev[ci].bound && (e->state & ST_G));
		/* Level-sensitive: a high line re-pends a registered event. */
		if ((e->state & (ST_G | ST_R)) == ST_G &&
		    line_high(vm, sn, ci, v))
			CHECK(e->pending);
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

static void check_all(struct fvm *vm)
{
	struct snap *sn = &vm->a;
	struct sdei_event_status es;
	struct sdei_entry_status en;
	struct sdei_pe_status ps;
	unsigned int ci, v, i;

	CHECK(sdei_nr_vcpus(vm->s) == vm->n);
	CHECK(sdei_nr_events(vm->s) == vm->nr_cat);
	CHECK(sdei_event_status(vm->s, vm->nr_cat, &es) == -EINVAL);
	CHECK(sdei_entry_status(vm->s, vm->nr_cat, 0, &en) == -EINVAL);
	CHECK(sdei_entry_status(vm->s, vm->cat[0].idx, vm->n, &en) == -EINVAL);
	CHECK(sdei_pe_status(vm->s, vm->n, &ps) == -EINVAL);
	CHECK(!sdei_vcpu_has_work(vm->s, vm->n));
	take_snap(vm, sn);

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
		/* No lost wakeup: work of its own means a kick in flight. */
		if (!vm->deferred[v] && own_work(vm, sn, v))
			CHECK(vm->in_flight[v]);
		CHECK(vm->psci.state[v] <= PSCI_CPU_ON);
	}
	/* A pending RM_ANY event someone can take has a kicked taker. */
	for (ci = 0; ci < vm->nr_cat; ci++) {
		bool any = false, kicked = false;

		if (!vm->cat[ci].shared || sn->en[ci][0].rm_pe ||
		    !sn->en[ci][0].pending)
			continue;
		for (v = 0; v < vm->n; v++) {
			if (vm->deferred[v] ||
			    !deliverable(vm, sn, ci, v, true))
				continue;
			any = true;
			kicked |= vm->in_flight[v];
		}
		CHECK(!any || kicked);
	}
	/* Who owns each line. */
	for (i = 0; i < vm->nr_bindable; i++)
		for (v = 0; v < vm->n; v++)
			CHECK(sdei_irq_owned(vm->s, vm->bindable[i], v) ==
			      model_owned(vm, sn, vm->bindable[i], v));
	CHECK(!sdei_irq_owned(vm->s, 34, 0));
}

/* The state sdei_create() makes. */
static void check_fresh(struct fvm *vm)
{
	take_snap(vm, &vm->b);
	for (unsigned int ci = 0; ci < vm->nr_cat; ci++) {
		CHECK(!vm->b.ev[ci].bound && !vm->b.ev[ci].intid);
		for (unsigned int v = 0; v < vm->n; v++) {
			const struct sdei_entry_status *e = &vm->b.en[ci][v];

			CHECK(!e->state && !e->pending && !e->entry &&
			      !e->arg && !e->rm_pe && !e->affinity);
		}
	}
	for (unsigned int v = 0; v < vm->n; v++) {
		CHECK(vm->b.pe[v].masked && !vm->b.pe[v].depth);
		CHECK(!sdei_vcpu_has_work(vm->s, v));
	}
}

/* --- Bringing a VM up. */

static void build_catalogue(struct fvm *vm)
{
	struct sdei_event_status st;
	unsigned int nr = sdei_nr_events(vm->s), i, j;
	unsigned int nr_sh = 0, nr_pr = 0;

	CHECK(nr ==
	      1 + vm->nr_plat + vm->nr_shared_slots + vm->nr_private_slots);
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

static void vm_start(struct fvm *vm)
{
	struct sdei_config cfg = {
		.nr_vcpus = vm->n,
		.mpidr = vm->mpidr,
		.events = vm->plat,
		.nr_events = vm->nr_plat,
		.bindable = vm->bindable,
		.nr_bindable = vm->nr_bindable,
		.nr_irqs = vm->nr_irqs,
		.nr_shared_slots = vm->nr_shared_slots,
		.nr_private_slots = vm->nr_private_slots,
		.client_el = vm->client_el,
		.mte = vm->mte,
	};
	char err[256] = "";

	if (sdei_create(&vm->s, &cfg, err, sizeof(err))) {
		fprintf(stderr, "sdei_create: %s\n", err);
		abort();
	}
	psci_init(&vm->psci, vm->n, vm->mpidr, RAM_BASE, RAM_SIZE);
	for (unsigned int v = 0; v < vm->n; v++)
		regs_init(vm, v);
	memset(vm->depth, 0, sizeof(vm->depth));
	memset(vm->deferred, 0, sizeof(vm->deferred));
	memset(vm->sent, 0, sizeof(vm->sent));
	memset(vm->in_flight, 0, sizeof(vm->in_flight));
	memset(vm->on_pending, 0, sizeof(vm->on_pending));
	memset(vm->level, 0, sizeof(vm->level));
	build_catalogue(vm);
	check_fresh(vm);
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
	for (i = 0; i < vm->n; i++) {
		vm->mpidr[i] = kvm_mpidr(i);
		vm->ctx[i] = in_u8(in);
	}
}

/* --- Kicks, dispatch, the PSCI hooks. */

/* Drains sdei_next_kick(); self: the vCPU that called or dispatched. */
static void drain(struct fvm *vm, int self)
{
	unsigned int count = 0;
	int w;

	while ((w = sdei_next_kick(vm->s)) >= 0) {
		CHECK(w < (int)vm->n);
		CHECK(w != self);
		CHECK(!vm->sent[w]);
		CHECK(++count <= vm->n);
		vm->sent[w] = true;
		vm->in_flight[w] = true;
		TRACE("  kick vCPU %d\n", w);
	}
	CHECK(w == -1);
}

static void check_handler_pstate(const struct fvm *vm, uint64_t p,
				 uint64_t from, uint64_t sctlr)
{
	const uint64_t allowed = P_NZCV | P_TCO | P_DIT | P_PAN | P_ALLINT |
				 P_SSBS | P_DAIF | 0x1f;
	bool a32 = from & P_M32;

	CHECK((p & 0x1f) == (vm->client_el == 2 ? 0x9 : 0x5));
	CHECK((p & P_DAIF) == P_DAIF);
	/* UAO, SS, IL, BTYPE cleared, no AArch32 leftovers. */
	CHECK(!(p & ~allowed));
	CHECK((p & P_NZCV) == (from & P_NZCV));
	CHECK(!!(p & P_DIT) == !!(from & (a32 ? P32_DIT : P_DIT)));
	if (!(sctlr & SCTLR_SPAN))
		CHECK(p & P_PAN);
	else
		CHECK((p & P_PAN) == (from & P_PAN));
	CHECK(!!(p & P_SSBS) == !!(sctlr & SCTLR_DSSBS));
	if (vm->mte)
		CHECK(p & P_TCO);
}

/* After a failed register access: -EIO, and the VM stops (the edge). */
static void register_failure(struct fvm *vm, int ret)
{
	CHECK(ret == -EIO);
	vm->stopped = true;
}

static bool dispatch_checked(struct fvm *vm, unsigned int v)
{
	struct regfile *rf = &vm->rf[v];
	struct guest_regs regs = regs_of(vm, v);
	uint64_t before[GUEST_NR_REGS];
	int best, ret;

	take_snap(vm, &vm->a);
	best = model_pick(vm, &vm->a, v);
	memcpy(before, rf->r, sizeof(before));
	rf_begin(rf);
	ret = sdei_dispatch(vm->s, v, &regs);
	TRACE("  dispatch vCPU %u: %d (event %d)\n", v, ret,
	      best >= 0 ? (int)vm->cat[best].num : -1);
	vm->sent[v] = false;
	if (rf->failed) {
		if (rf->failed_read) {
			take_snap(vm, &vm->b);
			CHECK(snap_eq(vm, &vm->a, &vm->b));
		}
		register_failure(vm, ret);
		return false;
	}
	take_snap(vm, &vm->b);
	if (best < 0) {
		CHECK(ret == 0 && !rf->reads && !rf->writes);
		CHECK(snap_eq(vm, &vm->a, &vm->b));
		vm->deferred[v] = false;
	} else if (pstate_el(before[GUEST_REG_PSTATE]) > vm->client_el) {
		CHECK(ret == -EAGAIN);
		CHECK(!rf->writes && !(rf->reads & ~RB(GUEST_REG_PSTATE)));
		CHECK(snap_eq(vm, &vm->a, &vm->b));
		vm->deferred[v] = true;
	} else {
		const struct sdei_entry_status *pre = ent(vm, &vm->a, best, v);
		const struct sdei_entry_status *post = ent(vm, &vm->b, best, v);
		struct frame *f;

		CHECK(ret == 1);
		CHECK(!(rf->reads &
			~(XREGS(NR_SAVED) | RB(GUEST_REG_PC) |
			  RB(GUEST_REG_PSTATE) | RB(GUEST_REG_SCTLR))));
		CHECK(rf->writes ==
		      (XREGS(4) | RB(GUEST_REG_PC) | RB(GUEST_REG_PSTATE)));
		CHECK(rf->r[GUEST_REG_X0] == vm->cat[best].num);
		CHECK(rf->r[GUEST_REG_X0 + 1] == pre->arg);
		CHECK(rf->r[GUEST_REG_X0 + 2] == before[GUEST_REG_PC]);
		CHECK(rf->r[GUEST_REG_X0 + 3] == before[GUEST_REG_PSTATE]);
		CHECK(rf->r[GUEST_REG_PC] == pre->entry);
		check_handler_pstate(vm, rf->r[GUEST_REG_PSTATE],
				     before[GUEST_REG_PSTATE],
				     before[GUEST_REG_SCTLR]);
		CHECK(post->state == (pre->state | ST_R) && !post->pending);
		CHECK(post->entry == pre->entry && post->arg == pre->arg);
		CHECK(entries_eq_except(vm, &vm->a, &vm->b, best, v));
		CHECK(events_eq_except(vm, &vm->a, &vm->b, -1));
		CHECK(pes_eq_except(vm, &vm->a, &vm->b, (int)v));
		CHECK(vm->b.pe[v].masked == vm->a.pe[v].masked);
		CHECK(vm->depth[v] < SDEI_MAX_NESTING);
		f = &vm->stack[v][vm->depth[v]++];
		f->num = vm->cat[best].num;
		memcpy(f->x, &before[GUEST_REG_X0], sizeof(f->x));
		f->pc = before[GUEST_REG_PC];
		f->pstate = before[GUEST_REG_PSTATE];
		vm->deferred[v] = false;
	}
	drain(vm, (int)v);
	return true;
}

/* A stop of vCPU v (vcpu_apply_requests()). */
static void op_run(struct fvm *vm, unsigned int v)
{
	TRACE("run vCPU %u\n", v);
	vm->in_flight[v] = false;
	if (vm->on_pending[v]) {
		struct regfile *rf = &vm->rf[v];
		struct boot_regs br;

		boot_regs_cpu_on(vm->on_entry[v], vm->on_context[v],
				 vm->client_el == 2 ? BOOT_EL2 : BOOT_EL1, &br);
		/* KVM_ARM_VCPU_INIT: a reset vCPU, then the boot registers. */
		for (unsigned int i = 0; i < 31; i++)
			rf->r[GUEST_REG_X0 + i] = i < 4 ? br.x[i] : 0;
		rf->r[GUEST_REG_PC] = br.pc;
		rf->r[GUEST_REG_PSTATE] = br.pstate;
		rf->r[GUEST_REG_ELR] = 0;
		rf->r[GUEST_REG_SPSR] = 0;
		psci_cpu_on_done(&vm->psci, v);
		CHECK(vm->psci.state[v] == PSCI_CPU_ON);
		vm->on_pending[v] = false;
	}
	/*
	 * As vcpu_apply_requests(): a dispatch at every stop, work or none
	 * (with none it reads no register and ends the kick).
	 */
	dispatch_checked(vm, v);
}

static void cpu_hook(struct fvm *vm, unsigned int v, bool on)
{
	TRACE("sdei_cpu_%s(%u)\n", on ? "on" : "off", v);
	take_snap(vm, &vm->a);
	if (on)
		sdei_cpu_on(vm->s, v);
	else
		sdei_cpu_off(vm->s, v);
	take_snap(vm, &vm->b);
	if (v >= vm->n) {
		CHECK(snap_eq(vm, &vm->a, &vm->b));
		drain(vm, -1);
		return;
	}
	CHECK(vm->b.pe[v].masked && !vm->b.pe[v].depth);
	CHECK(pes_eq_except(vm, &vm->a, &vm->b, (int)v));
	CHECK(events_eq_except(vm, &vm->a, &vm->b, -1));
	for (unsigned int ci = 0; ci < vm->nr_cat; ci++) {
		const struct cat_ev *c = &vm->cat[ci];

		for (unsigned int w = 0; w < vm->n; w++) {
			struct sdei_entry_status want = vm->a.en[ci][w];
			const struct sdei_entry_status *got = &vm->b.en[ci][w];

			if (on && !c->shared && w == v)
				CHECK(!got->state && !got->pending &&
				      !got->entry && !got->arg);
			else if (on_stack(vm, v, c->num) &&
				 (c->shared || w == v)) {
				/*
				 * Abandoned: RUNNING goes as at COMPLETE, and a
				 * bound line still high pends the event again.
				 */
				want.state &= ~ST_R;
				if (c->kind == K_BIND && (want.state & ST_G) &&
				    line_high(vm, &vm->b, ci, w))
					want.pending = true;
			}
			if (!(on && !c->shared && w == v))
				CHECK(entry_eq(&want, got));
		}
	}
	vm->depth[v] = 0;
	vm->deferred[v] = false;
	vm->sent[v] = false;
	drain(vm, -1);
}

static void system_reset(struct fvm *vm)
{
	sdei_system_reset(vm->s);
	check_fresh(vm);
	memset(vm->depth, 0, sizeof(vm->depth));
	memset(vm->deferred, 0, sizeof(vm->deferred));
	memset(vm->sent, 0, sizeof(vm->sent));
	drain(vm, -1);
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

static bool is_sdei_error(uint64_t x)
{
	return x == SDEI_NOT_SUPPORTED || x == SDEI_INVALID_PARAMETERS ||
	       x == SDEI_DENIED || x == SDEI_PENDING ||
	       x == SDEI_OUT_OF_RESOURCE;
}

static void check_psci(struct fvm *vm, const struct smccc_call *c,
		       const struct smccc_result *res,
		       const struct psci_action *act, const struct psci *pre)
{
	struct smccc_call fc = { .fid = PSCI_FN_FEATURES, .vcpu = c->vcpu };
	struct smccc_result fr;
	struct psci_action fa;
	int64_t r = (int64_t)res->x[0];
	bool none = act->kind == PSCI_ACT_NONE;

	CHECK(res->nr == 1);
	CHECK(act->kind <= PSCI_ACT_GUEST_FAILURE);
	switch (c->fid) {
	case PSCI_FN_VERSION:
		CHECK(r == 0x10001 && none);
		break;
	case PSCI_FN_CPU_SUSPEND:
	case PSCI_FN64_CPU_SUSPEND:
		CHECK((r == PSCI_RET_SUCCESS || r == PSCI_RET_INVALID_PARAMS) &&
		      none);
		break;
	case PSCI_FN_CPU_OFF:
		CHECK(r == PSCI_RET_SUCCESS && act->kind == PSCI_ACT_CPU_OFF &&
		      act->target == c->vcpu);
		CHECK(vm->psci.state[c->vcpu] == PSCI_CPU_OFF);
		break;
	case PSCI_FN_CPU_ON:
	case PSCI_FN64_CPU_ON:
		CHECK(r == PSCI_RET_SUCCESS || r == PSCI_RET_INVALID_PARAMS ||
		      r == PSCI_RET_ALREADY_ON || r == PSCI_RET_ON_PENDING ||
		      r == PSCI_RET_INVALID_ADDRESS);
		if (r == PSCI_RET_SUCCESS) {
			CHECK(act->kind == PSCI_ACT_CPU_ON &&
			      act->target < vm->n);
			CHECK(pre->state[act->target] == PSCI_CPU_OFF);
			CHECK(vm->psci.state[act->target] ==
			      PSCI_CPU_ON_PENDING);
			CHECK(act->entry >= RAM_BASE &&
			      act->entry - RAM_BASE < RAM_SIZE);
		} else {
			CHECK(none);
		}
		break;
	case PSCI_FN_AFFINITY_INFO:
	case PSCI_FN64_AFFINITY_INFO:
		CHECK((r == PSCI_AFFINITY_ON || r == PSCI_AFFINITY_OFF ||
		       r == PSCI_AFFINITY_ON_PENDING ||
		       r == PSCI_RET_INVALID_PARAMS) &&
		      none);
		break;
	case PSCI_FN_MIGRATE_INFO_TYPE:
		CHECK(r == 2 && none);
		break;
	case PSCI_FN_SYSTEM_OFF:
		CHECK(r == 0 && act->kind == PSCI_ACT_SYSTEM_OFF);
		break;
	case PSCI_FN_SYSTEM_RESET:
		CHECK(r == 0 && act->kind == PSCI_ACT_SYSTEM_RESET);
		break;
	case PSCI_FN_FEATURES:
		CHECK((r == PSCI_RET_SUCCESS || r == PSCI_RET_NOT_SUPPORTED) &&
		      none);
		break;
	case PSCI_FN_SYSTEM_RESET2:
	case PSCI_FN64_SYSTEM_RESET2:
		CHECK(r == PSCI_RET_SUCCESS || r == PSCI_RET_INVALID_PARAMS);
		CHECK(r == PSCI_RET_SUCCESS ?
			      act->kind == PSCI_ACT_SYSTEM_RESET ||
				      act->kind == PSCI_ACT_GUEST_FAILURE :
			      none);
		break;
	default:
		CHECK(r == PSCI_RET_NOT_SUPPORTED && none);
		break;
	}
	if (c->fid != PSCI_FN_CPU_ON && c->fid != PSCI_FN64_CPU_ON &&
	    c->fid != PSCI_FN_CPU_OFF)
		CHECK(!memcmp(pre->state, vm->psci.state,
			      vm->n * sizeof(pre->state[0])));
	/* PSCI_FEATURES agrees with what the call did. */
	fc.arg[0] = c->fid;
	psci_call(&vm->psci, &fc, &fr, &fa);
	CHECK(fa.kind == PSCI_ACT_NONE && fr.nr == 1);
	CHECK((fr.x[0] == 0) ==
	      (r != PSCI_RET_NOT_SUPPORTED || c->fid == PSCI_FN_FEATURES));
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

static void check_sdei_call(struct fvm *vm, const struct smccc_call *c,
			    const struct smccc_result *res,
			    const uint64_t *before)
{
	const uint64_t *a = c->arg;
	unsigned int v = c->vcpu, fn = c->fid - SDEI_FID_BASE;
	struct regfile *rf = &vm->rf[v];
	uint64_t pstate = before[GUEST_REG_PSTATE], x0 = res->x[0], exp = 0;
	const struct snap *pre = &vm->a, *post = &vm->b;
	bool el_ok = !(pstate & P_M32) && pstate_el(pstate) == vm->client_el;
	bool same = false, checked = false;
	int ci = cat_find(vm, a[0]);
	const struct sdei_entry_status *pe_, *po_;
	unsigned int w, i;

	CHECK(!(rf->reads & ~(RB(GUEST_REG_PSTATE) | RB(GUEST_REG_SCTLR))));
	if (!el_ok || fn > 0x12) {
		CHECK(res->nr == 1 && x0 == SDEI_NOT_SUPPORTED);
		CHECK(!rf->writes && !(rf->reads & ~RB(GUEST_REG_PSTATE)));
		CHECK(snap_eq(vm, pre, post));
		CHECK((fn > 0x12) == !sdei_fid_name(c->fid));
		return;
	}
	CHECK(sdei_fid_name(c->fid));
	vm->deferred[v] = false;
	if (c->fid != SDEI_EVENT_COMPLETE &&
	    c->fid != SDEI_EVENT_COMPLETE_AND_RESUME) {
		CHECK(res->nr == 1 && !rf->writes);
		CHECK(!(rf->reads & ~RB(GUEST_REG_PSTATE)));
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
			CHECK(!rf->writes &&
			      !(rf->reads & ~RB(GUEST_REG_PSTATE)));
			CHECK(snap_eq(vm, pre, post));
			return;
		}
		f = &vm->stack[v][vm->depth[v] - 1];
		fci = cat_find(vm, f->num);
		CHECK(fci >= 0);
		CHECK(res->nr == 0);
		if (!resume)
			CHECK(!(rf->reads & ~RB(GUEST_REG_PSTATE)));
		CHECK(rf->writes ==
		      (XREGS(NR_SAVED) | RB(GUEST_REG_PC) |
		       RB(GUEST_REG_PSTATE) |
		       (resume ? RB(GUEST_REG_ELR) | RB(GUEST_REG_SPSR) : 0)));
		for (i = 0; i < NR_SAVED; i++)
			CHECK(rf->r[GUEST_REG_X0 + i] == f->x[i]);
		if (resume) {
			CHECK(rf->r[GUEST_REG_ELR] == f->pc);
			CHECK(rf->r[GUEST_REG_SPSR] == f->pstate);
			CHECK(rf->r[GUEST_REG_PC] == a[0]);
			check_handler_pstate(vm, rf->r[GUEST_REG_PSTATE],
					     f->pstate, rf->r[GUEST_REG_SCTLR]);
		} else {
			CHECK(rf->r[GUEST_REG_PC] == f->pc);
			CHECK(rf->r[GUEST_REG_PSTATE] == f->pstate);
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

		if (a[0] != 0 || t < 0) {
			exp = SDEI_INVALID_PARAMETERS;
			break;
		}
		CHECK(post->en[0][t].pending);
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

static void psci_act(struct fvm *vm, unsigned int v,
		     const struct psci_action *act)
{
	switch (act->kind) {
	case PSCI_ACT_NONE:
		break;
	case PSCI_ACT_CPU_ON:
		cpu_hook(vm, act->target, true);
		vm->on_pending[act->target] = true;
		vm->on_entry[act->target] = act->entry;
		vm->on_context[act->target] = act->context;
		vm->in_flight[act->target] = true; /* vcpu_kick(target) */
		break;
	case PSCI_ACT_CPU_OFF:
		cpu_hook(vm, v, false);
		break;
	case PSCI_ACT_SYSTEM_RESET:
		system_reset(vm);
		/* lkvm --reboot-restart: a new VM. */
		sdei_destroy(vm->s);
		vm->s = NULL;
		vm_start(vm);
		break;
	case PSCI_ACT_SYSTEM_OFF:
	case PSCI_ACT_GUEST_FAILURE:
		vm->stopped = true;
		break;
	}
}

static void op_call(struct fvm *vm, struct input *in, unsigned int p)
{
	unsigned int v = (p & 7) % vm->n, i;
	struct regfile *rf = &vm->rf[v];
	struct guest_regs regs = regs_of(vm, v);
	struct smccc_call c = { .vcpu = v, .smc = p & 8 };
	struct smccc_result res = { .x = { SMCCC_RET_NOT_SUPPORTED }, .nr = 1 };
	struct psci_action act = { .kind = PSCI_ACT_NONE };
	uint64_t before[GUEST_NR_REGS], args[SMCCC_NR_ARGS];
	uint32_t fid = pick_fid(in_u8(in), in);
	int err;

	for (i = 0; i < SMCCC_NR_ARGS; i++)
		args[i] = arg_value(vm, in);
	/* An OFF vCPU executes nothing. */
	if (vm->strict && vm->psci.state[v] != PSCI_CPU_ON)
		return;
	/* The guest's HVC/SMC: the ID in x0, the arguments in x1..x5. */
	rf->r[GUEST_REG_X0] = fid;
	for (i = 0; i < SMCCC_NR_ARGS; i++)
		rf->r[GUEST_REG_X0 + 1 + i] = args[i];
	c.fid = fid;
	for (i = 0; i < SMCCC_NR_ARGS; i++)
		c.arg[i] = rf->r[GUEST_REG_X0 + 1 + i];
	memcpy(before, rf->r, sizeof(before));

	if (psci_owns(fid)) {
		struct psci *pre = malloc(sizeof(*pre));

		CHECK(pre);
		memcpy(pre, &vm->psci, sizeof(*pre));
		psci_call(&vm->psci, &c, &res, &act);
		check_psci(vm, &c, &res, &act, pre);
		free(pre);
	} else {
		bool routed = fid >= SDEI_FID_BASE && fid <= SDEI_FID_LAST;
		struct smccc_result *r = &res, other;

		/*
		 * The edge forwards only SDEI's range; any other ID must get
		 * NOT_SUPPORTED from sdei_call() too, touching nothing.
		 */
		if (!routed)
			r = &other;
		take_snap(vm, &vm->a);
		rf_begin(rf);
		err = sdei_call(vm->s, &c, &regs, r);
		if (rf->failed) {
			if (rf->failed_read) {
				take_snap(vm, &vm->b);
				CHECK(snap_eq(vm, &vm->a, &vm->b));
			}
			register_failure(vm, err);
			return;
		}
		CHECK(err == 0);
		take_snap(vm, &vm->b);
		CHECK(r->nr <= 4);
		if (routed) {
			check_sdei_call(vm, &c, r, before);
		} else {
			CHECK(r->nr == 1 && r->x[0] == SDEI_NOT_SUPPORTED);
			CHECK(!rf->reads && !rf->writes);
			CHECK(snap_eq(vm, &vm->a, &vm->b));
		}
	}
	TRACE("call vCPU %u 0x%08x(0x%llx, 0x%llx, 0x%llx, 0x%llx, 0x%llx) = 0x%llx nr %u act %d\n",
	      v, fid, (unsigned long long)c.arg[0],
	      (unsigned long long)c.arg[1], (unsigned long long)c.arg[2],
	      (unsigned long long)c.arg[3], (unsigned long long)c.arg[4],
	      (unsigned long long)res.x[0], res.nr, (int)act.kind);
	CHECK(res.nr <= 4);
	for (i = 0; i < res.nr; i++)
		rf->r[GUEST_REG_X0 + i] = res.x[i];
	/* The result first, then a dispatch: its saved x0 is the result. */
	if (!dispatch_checked(vm, v))
		return;
	psci_act(vm, v, &act);
}

/* --- The host's side. */

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
	if (ci < 0)
		exp = -ENOENT;
	else if (vm->cat[ci].kind == K_BIND ||
		 (vm->cat[ci].shared ? tv != SDEI_ROUTED : tv >= vm->n))
		exp = -EINVAL;
	take_snap(vm, &vm->a);
	ret = sdei_trigger(vm->s, num, tv);
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

static void op_irq(struct fvm *vm, struct input *in, unsigned int p)
{
	static const uint32_t intids[8] = { 32, 33, 22, 32, 33, 16, 34, 1019 };
	uint8_t b = in_u8(in);
	uint32_t intid = intids[b & 7];
	unsigned int v = (p & 7) % vm->n;
	bool level = p & 8, ppi = intid < SDEI_INTID_SPI_BASE, owned;
	int bi = bind_index(vm, intid), ret, ci;

	if (b & 0x80)
		v = b & 0x40 ? SDEI_ROUTED : vm->n + ((b >> 3) & 7);
	take_snap(vm, &vm->a);
	ret = sdei_irq_set_level(vm->s, intid, v, level);
	TRACE("irq %u vCPU %u level %d: %d\n", intid, v, level, ret);
	take_snap(vm, &vm->b);
	if (ppi && v >= vm->n) {
		CHECK(ret == -EINVAL);
		CHECK(!sdei_irq_owned(vm->s, intid, v));
		CHECK(snap_eq(vm, &vm->a, &vm->b));
		return;
	}
	owned = bi >= 0 && model_owned(vm, &vm->a, intid, v);
	CHECK(ret == (owned ? 1 : 0));
	CHECK(sdei_irq_owned(vm->s, intid, v) == owned);
	if (bi >= 0)
		vm->level[bi][ppi ? v : 0] = level;
	if (!owned) {
		CHECK(snap_eq(vm, &vm->a, &vm->b));
	} else {
		ci = slot_of(vm, &vm->a, intid);
		CHECK(ci >= 0);
		if (level && !(ent(vm, &vm->a, ci, v)->state & ST_R))
			CHECK(ent(vm, &vm->b, ci, v)->pending);
		CHECK(entries_eq_except(vm, &vm->a, &vm->b, ci, v));
		CHECK(events_eq_except(vm, &vm->a, &vm->b, -1));
		CHECK(pes_eq_except(vm, &vm->a, &vm->b, -1));
	}
	drain(vm, -1);
}

/* --- Other operations. */

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
}

/* sdei_create() refuses a broken configuration, saying why. */
static void probe_config(const struct fvm *vm, uint8_t b)
{
	struct sdei_event_desc ev[MAX_PLAT + 1];
	uint64_t mpidr[MAX_VCPUS];
	uint32_t bindable[MAX_BINDABLE + 1];
	struct sdei_config cfg = {
		.nr_vcpus = vm->n,
		.mpidr = mpidr,
		.events = ev,
		.nr_events = vm->nr_plat,
		.bindable = bindable,
		.nr_bindable = vm->nr_bindable,
		.nr_irqs = vm->nr_irqs,
		.nr_shared_slots = vm->nr_shared_slots,
		.nr_private_slots = vm->nr_private_slots,
		.client_el = vm->client_el,
	};
	struct sdei *s = NULL;
	char err[256] = "";

	memcpy(ev, vm->plat, sizeof(vm->plat));
	memcpy(mpidr, vm->mpidr, sizeof(mpidr));
	memcpy(bindable, vm->bindable, sizeof(vm->bindable));
	CHECK(sdei_config_check(&cfg, err, sizeof(err)) == 0);
	switch (b % 12) {
	case 0:
		cfg.nr_vcpus = b & 0x10 ? 0 : SDEI_MAX_VCPUS + 1;
		break;
	case 1:
		cfg.client_el = b & 0x10 ? 0 : 3;
		break;
	case 2:
		cfg.nr_events = SDEI_MAX_PLATFORM_EVENTS + 1;
		break;
	case 3: /* event 0 is architected; past the platform range */
		ev[cfg.nr_events++] = (struct sdei_event_desc){
			.num = b & 0x10 ? 0 : SDEI_BIND_EVENT_BASE
		};
		break;
	case 4: /* declared twice */
		ev[cfg.nr_events] = ev[0];
		if (!cfg.nr_events)
			ev[0] = ev[1] = (struct sdei_event_desc){ .num = 7 };
		cfg.nr_events = cfg.nr_events ? cfg.nr_events + 1 : 2;
		break;
	case 5:
		if (b & 0x10)
			cfg.nr_shared_slots = SDEI_MAX_BIND_SLOTS + 1;
		else
			cfg.nr_private_slots = SDEI_MAX_BIND_SLOTS + 1;
		break;
	case 6:
		cfg.nr_irqs = SDEI_INTID_LIMIT + 1;
		break;
	case 7: /* an SGI, or an INTID the vGIC does not have */
		bindable[cfg.nr_bindable++] = b & 0x10 ? 15 : 1020;
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
		cfg.events = NULL;
		cfg.nr_events = 1;
		break;
	default:
		cfg.bindable = NULL;
		cfg.nr_bindable = 1;
		break;
	}
	err[0] = 0;
	CHECK(sdei_config_check(&cfg, err, sizeof(err)) == -EINVAL && err[0]);
	CHECK(memchr(err, 0, sizeof(err)) && !strchr(err, '\n'));
	err[0] = 0;
	CHECK(sdei_create(&s, &cfg, err, sizeof(err)) == -EINVAL && err[0]);
	CHECK(!s);
	/* No room for a message: still refused, nothing written. */
	CHECK(sdei_config_check(&cfg, NULL, 0) == -EINVAL);
}

static void op_probe(struct fvm *vm, uint8_t b)
{
	struct guest_regs poison = { .ops = &poison_ops, .ctx = NULL };
	struct smccc_call c = { .fid = SDEI_FID(b % 19),
				.vcpu = b & 0x80 ? ~0u : vm->n + (b & 7) };
	struct smccc_result res;
	struct sdei_entry_status en;
	uint32_t fid = SDEI_FID_BASE - 4 + (b & 0x3f);
	const char *name;

	take_snap(vm, &vm->a);
	CHECK(sdei_call(vm->s, &c, &poison, &res) == -EINVAL);
	CHECK(res.nr == 1 && res.x[0] == SDEI_NOT_SUPPORTED);
	CHECK(sdei_dispatch(vm->s, c.vcpu, &poison) == -EINVAL);
	CHECK(!sdei_vcpu_has_work(vm->s, c.vcpu));
	CHECK(sdei_trigger(vm->s, 0, c.vcpu) == -EINVAL);
	CHECK(sdei_trigger(vm->s, 0, SDEI_ROUTED) == -EINVAL);
	CHECK(sdei_irq_set_level(vm->s, 16 + (b & 15), c.vcpu, b & 0x40) ==
	      -EINVAL);
	CHECK(!sdei_irq_owned(vm->s, 16 + (b & 15), c.vcpu));
	CHECK(sdei_entry_status(vm->s, vm->cat[0].idx, c.vcpu, &en) == -EINVAL);
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

static void run_kicked(struct fvm *vm)
{
	for (unsigned int w = 0; w < vm->n && !vm->stopped; w++)
		if (vm->in_flight[w])
			op_run(vm, w);
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
		b = in_u8(in);
		if (b & 0x80)
			v = b & 1 ? ~0u : vm->n + (b & 0x3f);
		cpu_hook(vm, v, p & 8);
		break;
	case 10:
		op_run(vm, v);
		break;
	case 11:
		run_kicked(vm);
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
		if (p & 8)
			system_reset(vm);
		else
			run_kicked(vm);
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
	sdei_destroy(vm->s);
	free(vm);
	return 0;
}
