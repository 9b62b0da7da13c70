// SPDX-License-Identifier: GPL-2.0
/*
 * SDEI event dispatch (Arm DEN0054B, "Event handling" and "Event
 * completion"; TF-A's sdei_intr_mgmt.c): the PE mask, the per-PE dispatch
 * stack, entering a handler, leaving it with EVENT_COMPLETE or
 * EVENT_COMPLETE_AND_RESUME, EVENT_CONTEXT, and which vCPUs must be kicked
 * so that they stop and take their events.
 *
 * What dispatch touches, and what it must not (the bugs found in review of
 * the in-kernel KVM proposal): it saves x0..x17, PC and PSTATE; writes
 * x0..x3, PC and PSTATE; and leaves x4..x17, SP, ELR_ELx and SPSR_ELx alone.
 * The interrupted PC is the vCPU's PC at the stop (KVM has already stepped
 * over a completed HVC/SMC). COMPLETE_AND_RESUME is done by the registers,
 * never by injecting an IRQ.
 */
#include <assert.h>
#include <errno.h>

#include "sdei-internal.h"
#include "sdei-state.h"

/* PSTATE in SPSR format (Arm ARM, SPSR_EL1 and SPSR_EL2). */
#define PSR_NZCV (0xfULL << 28)
#define PSR_TCO (1ULL << 25)
#define PSR_DIT (1ULL << 24)
#define PSR_UAO (1ULL << 23)
#define PSR_PAN (1ULL << 22)
#define PSR_ALLINT (1ULL << 13)
#define PSR_SSBS (1ULL << 12)
#define PSR_DAIF (0xfULL << 6)
#define PSR_M_EL1H 0x5ULL
#define PSR_M_EL2H 0x9ULL
#define PSR32_DIT (1ULL << 21) /* where an AArch32 SPSR keeps DIT */
#define PSR32_MODE_USR 0x10
#define PSR32_MODE_HYP 0x1a

/* SCTLR_ELx bits an exception entry reads (Arm ARM, SCTLR_EL1). */
#define SCTLR_SPAN (1ULL << 23)
#define SCTLR_DSSBS (1ULL << 44)

/* HCR_EL2 bits that say whose context an EL2 vCPU runs below EL2. */
#define HCR_VM (1ULL << 0)
#define HCR_TGE (1ULL << 27)
#define HCR_E2H (1ULL << 34)

unsigned int sdei_pstate_el(uint64_t pstate)
{
	unsigned int mode = pstate & 0x1f;

	if (pstate & SDEI_PSR_MODE32)
		return mode == PSR32_MODE_USR ? 0 :
		       mode == PSR32_MODE_HYP ? 2 :
						1;
	return (pstate >> 2) & 3;
}

/*
 * The PSTATE an exception entry to the client EL would produce, from the
 * interrupted one (Arm ARM pseudocode AArch64.TakeException; TF-A's
 * create_spsr()): ELxh, DAIF masked, BTYPE/SS/IL/UAO cleared, PAN per
 * SCTLR.SPAN, SSBS per SCTLR.DSSBS, TCO set with MTE, NZCV and DIT kept.
 *  - Built from zero, so that an AArch32 EL0 SPSR (IT, GE, T, E bits) leaves
 *    nothing behind; the fields that survive are decoded by layout.
 *  - PAN: set when SCTLR.SPAN is 0, at EL1 always, at EL2 only while
 *    HCR_EL2.{E2H,TGE} = {1,1} (TakeException: "PSTATE.EL == EL2 &&
 *    ELIsInHost(EL0)"); otherwise kept. Without FEAT_PAN, SPAN is RES1:
 *    kept as well.
 *  - SSBS: SCTLR.DSSBS is RES0 without FEAT_SSBS, so the rule also gives 0.
 *  - ALLINT is kept: KVM offers no FEAT_NMI to guests.
 * hcr is HCR_EL2, read only for a client at EL2.
 */
uint64_t sdei_handler_pstate(uint64_t interrupted, uint64_t sctlr, uint64_t hcr,
			     unsigned int client_el, bool mte)
{
	bool span_rule = client_el == 1 || ((hcr & HCR_E2H) && (hcr & HCR_TGE));

	bool aarch32 = interrupted & SDEI_PSR_MODE32;
	uint64_t p = client_el == 2 ? PSR_M_EL2H : PSR_M_EL1H;

	p |= PSR_DAIF;
	p |= interrupted & PSR_NZCV;
	if (aarch32)
		p |= (interrupted & PSR32_DIT) ? PSR_DIT : 0;
	else
		p |= interrupted & (PSR_DIT | PSR_ALLINT);
	if (span_rule && !(sctlr & SCTLR_SPAN))
		p |= PSR_PAN;
	else
		p |= interrupted & PSR_PAN;
	if (sctlr & SCTLR_DSSBS)
		p |= PSR_SSBS;
	if (mte)
		p |= PSR_TCO;
	else if (!aarch32)
		p |= interrupted & PSR_TCO; /* RES0 without MTE: 0 */
	return p;
}

static int reg_get(struct guest_regs *regs, enum guest_reg r, uint64_t *v)
{
	return regs->ops->get(regs->ctx, r, v) ? -EIO : 0;
}

static int reg_set(struct guest_regs *regs, enum guest_reg r, uint64_t v)
{
	return regs->ops->set(regs->ctx, r, v) ? -EIO : 0;
}

/* --- PE mask (DEN0054B SDEI_PE_MASK, SDEI_PE_UNMASK). */

int64_t sdei_pe_mask(struct sdei *s, unsigned int vcpu)
{
	struct sdei_pe *pe = &s->pes[vcpu];
	int64_t ret = pe->masked ? 0 : 1;

	/* 1 tells the caller this call masked the PE (as TF-A). */
	pe->masked = true;
	return ret;
}

void sdei_pe_unmask(struct sdei *s, unsigned int vcpu)
{
	s->pes[vcpu].masked = false;
}

/* --- Which event goes where. */

/*
 * Event ev can be dispatched on vCPU v now (DEN0054B "Event handling"; the
 * list in TF-A's sdei_intr_handler): it is signalled (pending); registered
 * and enabled and not running (the state table's DISPATCH); v is a target;
 * v is unmasked; a normal event needs nothing running on v, a critical one
 * no critical handler running on v. DAIF plays no part.
 */
static bool deliverable(const struct sdei *s, unsigned int ev, unsigned int v,
			bool rm_any)
{
	const struct sdei_event *e = &s->events[ev];
	const struct sdei_entry *se = sdei_entry_const(s, ev, v);
	const struct sdei_pe *pe = &s->pes[v];

	if (pe->masked || !se->pending ||
	    sdei_state_next(se->state, SDEI_ACT_DISPATCH) < 0)
		return false;
	if (e->shared && se->rm_pe && se->affinity != pe->mpidr)
		return false;
	if (e->shared && !se->rm_pe && !rm_any)
		return false;
	if (pe->depth == 0)
		return true;
	if (pe->depth == 1)
		return e->critical && !s->events[pe->stack[0].event].critical;
	return false;
}

/* Critical before normal, then the lowest event number. */
static unsigned int pick(const struct sdei *s, unsigned int v)
{
	unsigned int i, best = SDEI_NONE;

	if (!sdei_may_have_work(s, v))
		return SDEI_NONE;

	for (i = 0; i < s->nr_events; i++) {
		const struct sdei_event *e = &s->events[i];

		if (!deliverable(s, i, v, true))
			continue;
		if (best == SDEI_NONE ||
		    (e->critical && !s->events[best].critical) ||
		    (e->critical == s->events[best].critical &&
		     e->num < s->events[best].num))
			best = i;
	}
	return best;
}

bool sdei_vcpu_has_work(const struct sdei *s, unsigned int vcpu)
{
	return vcpu < s->nr_vcpus && pick(s, vcpu) != SDEI_NONE;
}

/* Private events and shared events routed RM_PE to v. */
static bool has_own_work(const struct sdei *s, unsigned int v)
{
	unsigned int i;

	if (!sdei_may_have_work(s, v))
		return false;
	for (i = 0; i < s->nr_events; i++)
		if (deliverable(s, i, v, false))
			return true;
	return false;
}

/*
 * After any change: every vCPU other than self that has work and no kick
 * outstanding gets one. A shared RM_ANY event needs one taker: if self or a
 * vCPU already kicked can take it, nobody else is disturbed; otherwise the
 * lowest-numbered vCPU that can take it is kicked. Whoever stops first
 * takes it; the others find nothing. self is the vCPU whose thread calls
 * sdei_dispatch() next anyway (SDEI_NONE for the host's triggers).
 */
void sdei_update_kicks(struct sdei *s, unsigned int self)
{
	unsigned int v, i;

	if (!s->nr_pending)
		return;
	for (v = 0; v < s->nr_vcpus; v++)
		if (v != self && s->pes[v].kick == SDEI_KICK_NONE &&
		    !s->pes[v].deferred && has_own_work(s, v))
			s->pes[v].kick = SDEI_KICK_WANTED;
	if (!s->nr_shared_pending)
		return;

	for (i = 0; i < s->nr_events; i++) {
		const struct sdei_entry *se = &s->entries[s->events[i].first];
		unsigned int first = SDEI_NONE;
		bool covered = false;

		if (!s->events[i].shared || se->rm_pe || !se->pending)
			continue;
		for (v = 0; v < s->nr_vcpus && !covered; v++) {
			if (s->pes[v].deferred || !deliverable(s, i, v, true))
				continue;
			if (v == self || s->pes[v].kick != SDEI_KICK_NONE)
				covered = true;
			else if (first == SDEI_NONE)
				first = v;
		}
		if (!covered && first != SDEI_NONE)
			s->pes[first].kick = SDEI_KICK_WANTED;
	}
}

int sdei_next_kick(struct sdei *s)
{
	unsigned int v;

	for (v = 0; v < s->nr_vcpus; v++) {
		if (s->pes[v].kick == SDEI_KICK_WANTED) {
			s->pes[v].kick = SDEI_KICK_SENT;
			return (int)v;
		}
	}
	return -1;
}

/* --- Entering a handler. */

/*
 * Whether vCPU state pstate (and, for a client at EL2, hcr) is the
 * client's own context, where a handler may be entered. The client is the
 * highest EL the vCPU has (DEN0054B: the highest Non-secure EL
 * implemented), so nothing runs above it; below an EL2 client, EL1 and EL0
 * are its own while HCR_EL2.TGE is set (a VHE host's user space) or stage
 * 2 is off (an nVHE host's kernel), and a guest of its own otherwise
 * (TGE = 0, VM = 1): entering the client's handler there would run it on
 * that guest's EL1 state and stage 2.
 */
static bool client_context(const struct sdei *s, uint64_t pstate, uint64_t hcr)
{
	unsigned int el = sdei_pstate_el(pstate);

	if (el > s->client_el)
		return false;
	if (s->client_el == 1 || el == 2)
		return true;
	return (hcr & HCR_TGE) || !(hcr & HCR_VM);
}

int sdei_dispatch(struct sdei *s, unsigned int vcpu, struct guest_regs *regs)
{
	struct sdei_frame frame = { 0 };
	struct sdei_entry *se;
	struct sdei_pe *pe;
	uint64_t sctlr = 0, hcr = 0;
	unsigned int ev, i;
	int ret = 0;

	if (vcpu >= s->nr_vcpus)
		return -EINVAL;
	pe = &s->pes[vcpu];
	pe->kick = SDEI_KICK_NONE;
	pe->deferred = false;

	ev = pick(s, vcpu);
	if (ev == SDEI_NONE)
		goto out;
	se = sdei_entry(s, ev, vcpu);

	/* Read everything first: a failed read changes no state. */
	if (reg_get(regs, GUEST_REG_PSTATE, &frame.pstate) ||
	    (s->client_el == 2 && reg_get(regs, GUEST_REG_HCR, &hcr)))
		goto fail;
	/*
	 * An event never interrupts a context that is not the client's (a
	 * guest the client runs): it waits for a later stop. Meanwhile this
	 * vCPU takes no shared RM_ANY event (another one is kicked for it)
	 * and is not kicked again for it; the caller stops it again later
	 * (-EAGAIN).
	 */
	if (!client_context(s, frame.pstate, hcr)) {
		pe->deferred = true;
		ret = -EAGAIN;
		goto out;
	}
	for (i = 0; i < SDEI_NR_SAVED_REGS; i++)
		if (reg_get(regs, GUEST_REG_X0 + i, &frame.x[i]))
			goto fail;
	if (reg_get(regs, GUEST_REG_PC, &frame.pc) ||
	    reg_get(regs, GUEST_REG_SCTLR, &sctlr))
		goto fail;

	frame.event = ev;
	if (!sdei_state_apply(&se->state, SDEI_ACT_DISPATCH)) {
		assert(0); /* pick() checked the transition */
		goto out;
	}
	sdei_set_pending(s, se, false);
	assert(pe->depth < SDEI_MAX_NESTING);
	pe->stack[pe->depth++] = frame;

	/* x0..x3, PC, PSTATE: the handler's arguments and entry. */
	if (reg_set(regs, GUEST_REG_X0, s->events[ev].num) ||
	    reg_set(regs, GUEST_REG_X0 + 1, se->arg) ||
	    reg_set(regs, GUEST_REG_X0 + 2, frame.pc) ||
	    reg_set(regs, GUEST_REG_X0 + 3, frame.pstate) ||
	    reg_set(regs, GUEST_REG_PC, se->ep) ||
	    reg_set(regs, GUEST_REG_PSTATE,
		    sdei_handler_pstate(frame.pstate, sctlr, hcr, s->client_el,
					s->mte)))
		goto fail;
	ret = 1;
	goto out;
fail:
	ret = -EIO;
out:
	sdei_update_kicks(s, vcpu);
	return ret;
}

/* --- Leaving it. */

/*
 * DEN0054B SDEI_EVENT_COMPLETE: restore the interrupted x0..x17, PC and
 * PSTATE exactly; no return value is written. SDEI_EVENT_COMPLETE_AND_RESUME:
 * restore x0..x17, then continue as if an exception had been taken at the
 * interrupted context to addr: ELR_ELx = interrupted PC, SPSR_ELx =
 * interrupted PSTATE, PC = addr verbatim (a guest VA, not checked), PSTATE
 * as an exception entry to the client EL sets it. The status in x1 of
 * COMPLETE (handled/failed) changes nothing here.
 */
int sdei_event_complete(struct sdei *s, unsigned int vcpu,
			struct guest_regs *regs, bool resume, uint64_t addr,
			int64_t *ret)
{
	enum sdei_action act = resume ? SDEI_ACT_COMPLETE_RESUME :
					SDEI_ACT_COMPLETE;
	struct sdei_pe *pe = &s->pes[vcpu];
	const struct sdei_frame *f;
	struct sdei_entry *se;
	uint64_t sctlr = 0, hcr = 0;
	unsigned int i;
	int err = 0;

	*ret = SDEI_E_DENIED;
	if (pe->depth == 0)
		goto out;
	f = &pe->stack[pe->depth - 1];
	se = sdei_entry(s, f->event, vcpu);
	if (sdei_state_next(se->state, act) < 0)
		goto out;
	if (resume &&
	    (reg_get(regs, GUEST_REG_SCTLR, &sctlr) ||
	     (s->client_el == 2 && reg_get(regs, GUEST_REG_HCR, &hcr)))) {
		err = -EIO;
		goto out;
	}

	*ret = 0;
	sdei_state_apply(&se->state, act);
	pe->depth--;
	/* A level interrupt still asserted at completion fires again. */
	sdei_irq_repend(s, f->event, vcpu);
	for (i = 0; i < SDEI_NR_SAVED_REGS; i++)
		if (reg_set(regs, GUEST_REG_X0 + i, f->x[i]))
			err = -EIO;
	if (resume) {
		if (reg_set(regs, GUEST_REG_ELR, f->pc) ||
		    reg_set(regs, GUEST_REG_SPSR, f->pstate) ||
		    reg_set(regs, GUEST_REG_PC, addr) ||
		    reg_set(regs, GUEST_REG_PSTATE,
			    sdei_handler_pstate(f->pstate, sctlr, hcr,
						s->client_el, s->mte)))
			err = -EIO;
	} else {
		if (reg_set(regs, GUEST_REG_PC, f->pc) ||
		    reg_set(regs, GUEST_REG_PSTATE, f->pstate))
			err = -EIO;
	}
out:
	return err;
}

/*
 * DEN0054B SDEI_EVENT_CONTEXT: x[index] of the innermost running handler's
 * interrupted context. INVALID_PARAMETERS for index > 17 (checked first,
 * as TF-A), DENIED when no handler runs on this PE.
 */
int sdei_event_context(struct sdei *s, unsigned int vcpu, uint64_t index,
		       uint64_t *val)
{
	const struct sdei_pe *pe = &s->pes[vcpu];
	const struct sdei_frame *f;
	int ret = 0;

	if (index >= SDEI_NR_SAVED_REGS) {
		ret = SDEI_E_INVALID;
	} else if (pe->depth == 0) {
		ret = SDEI_E_DENIED;
	} else {
		f = &pe->stack[pe->depth - 1];
		if (sdei_state_next(sdei_entry_const(s, f->event, vcpu)->state,
				    SDEI_ACT_CONTEXT) < 0)
			ret = SDEI_E_DENIED;
		else
			*val = f->x[index];
	}
	return ret;
}

void sdei_abandon_handlers(struct sdei *s, unsigned int vcpu)
{
	struct sdei_pe *pe = &s->pes[vcpu];

	while (pe->depth) {
		struct sdei_frame *f = &pe->stack[--pe->depth];

		sdei_state_apply(&sdei_entry(s, f->event, vcpu)->state,
				 SDEI_ACT_COMPLETE);
		/*
		 * As at COMPLETE: a bound level interrupt still asserted is
		 * pending again (found by fuzz-firmware: CPU_OFF inside a
		 * bound interrupt's handler lost the interrupt).
		 */
		sdei_irq_repend(s, f->event, vcpu);
	}
}
