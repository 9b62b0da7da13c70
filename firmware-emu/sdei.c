// SPDX-License-Identifier: GPL-2.0
/*
 * SDEI v1.1 calls (Arm DEN0054B, chapter 5, one section per function; TF-A's
 * sdei_main.c), host triggers, the PSCI hooks and the status query.
 *
 * Each call handler has one shape: look the event up (INVALID_PARAMETERS
 * if it does not exist or an argument is malformed), ask the state table
 * whether the call is allowed now (DENIED if not), act, and leave by one
 * exit. All argument checks come before the state check, so a call with
 * both a bad argument and a bad state gets INVALID_PARAMETERS.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sdei-internal.h"
#include "sdei-state.h"

/* --- Creation and reset. */

static void catalogue_add(struct sdei *s, uint32_t num, enum sdei_kind kind,
			  bool shared, bool critical)
{
	struct sdei_event *e = &s->events[s->nr_events++];

	*e = (struct sdei_event){ .num = num,
				  .kind = kind,
				  .shared = shared,
				  .critical = critical,
				  .first = s->nr_entries };
	s->nr_entries += shared ? 1 : s->nr_vcpus;
}

int sdei_create(struct sdei **out, const struct sdei_config *cfg, char *err,
		size_t err_size)
{
	unsigned int i, nr_events;
	struct sdei *s;
	int ret;

	ret = sdei_config_check(cfg, err, err_size);
	if (ret)
		return ret;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	nr_events = 1 + cfg->nr_events + cfg->nr_shared_slots +
		    cfg->nr_private_slots;
	s->nr_vcpus = cfg->nr_vcpus;
	s->client_el = cfg->client_el;
	s->aarch32 = cfg->aarch32;
	s->mte = cfg->mte;
	s->nr_irqs = cfg->nr_irqs ? cfg->nr_irqs : SDEI_INTID_LIMIT;
	s->nr_shared_slots = cfg->nr_shared_slots;
	s->nr_private_slots = cfg->nr_private_slots;
	s->nr_bindable = cfg->nr_bindable;
	s->events = calloc(nr_events, sizeof(*s->events));
	s->pes = calloc(s->nr_vcpus, sizeof(*s->pes));
	s->bindable = calloc(cfg->nr_bindable + 1, sizeof(*s->bindable));
	s->levels = calloc((size_t)(cfg->nr_bindable + 1) * s->nr_vcpus,
			   sizeof(*s->levels));
	if (!s->events || !s->pes || !s->bindable || !s->levels)
		goto nomem;
	if (cfg->nr_bindable)
		memcpy(s->bindable, cfg->bindable,
		       cfg->nr_bindable * sizeof(*s->bindable));
	for (i = 0; i < s->nr_vcpus; i++)
		s->pes[i].mpidr = cfg->mpidr[i] & SDEI_MPIDR_AFF_MASK;

	/* Event 0: private, normal, signalled by EVENT_SIGNAL (DEN0054B). */
	catalogue_add(s, 0, SDEI_KIND_EVENT0, false, false);
	for (i = 0; i < cfg->nr_events; i++)
		catalogue_add(s, cfg->events[i].num, SDEI_KIND_PLATFORM,
			      cfg->events[i].shared, cfg->events[i].critical);
	/* Bind slots have normal priority, as TF-A's dynamic events. */
	for (i = 0; i < cfg->nr_shared_slots; i++)
		catalogue_add(s, SDEI_BIND_EVENT_BASE + i, SDEI_KIND_BIND, true,
			      false);
	for (i = 0; i < cfg->nr_private_slots; i++)
		catalogue_add(s, SDEI_BIND_EVENT_BASE + SDEI_MAX_BIND_SLOTS + i,
			      SDEI_KIND_BIND, false, false);
	s->entries = calloc(s->nr_entries, sizeof(*s->entries));
	s->entry_vcpu = calloc(s->nr_entries, sizeof(*s->entry_vcpu));
	if (!s->entries || !s->entry_vcpu)
		goto nomem;
	for (i = 0; i < s->nr_events; i++) {
		const struct sdei_event *e = &s->events[i];

		for (unsigned int v = 0; v < (e->shared ? 1 : s->nr_vcpus); v++)
			s->entry_vcpu[e->first + v] = e->shared ? SDEI_NONE : v;
	}
	sdei_system_reset(s);
	*out = s;
	return 0;
nomem:
	sdei_destroy(s);
	return -ENOMEM;
}

bool sdei_pending_counts_ok(const struct sdei *s)
{
	unsigned int all = 0, shared = 0, v, i;

	for (v = 0; v < s->nr_vcpus; v++) {
		unsigned int own = 0;

		for (i = 0; i < s->nr_events; i++) {
			const struct sdei_event *e = &s->events[i];

			if (!e->shared && s->entries[e->first + v].pending)
				own++;
		}
		if (own != s->pes[v].nr_pending)
			return false;
		all += own;
	}
	for (i = 0; i < s->nr_events; i++)
		if (s->events[i].shared &&
		    s->entries[s->events[i].first].pending)
			shared++;
	return shared == s->nr_shared_pending && all + shared == s->nr_pending;
}

void sdei_destroy(struct sdei *s)
{
	if (!s)
		return;
	free(s->entries);
	free(s->entry_vcpu);
	free(s->events);
	free(s->pes);
	free(s->bindable);
	free(s->levels);
	free(s);
}

/* Every PE starts masked (DEN0054B "PE masking"; TF-A sdei_cpu_on_init). */
void sdei_system_reset(struct sdei *s)
{
	unsigned int i;

	for (i = 0; i < s->nr_entries; i++)
		sdei_entry_clear(s, &s->entries[i]);
	for (i = 0; i < s->nr_events; i++) {
		s->events[i].bound = false;
		s->events[i].intid = 0;
	}
	for (i = 0; i < s->nr_vcpus; i++) {
		s->pes[i].masked = true;
		s->pes[i].depth = 0;
		s->pes[i].kick = SDEI_KICK_NONE;
		s->pes[i].deferred = false;
	}
}

/* --- Argument checks shared by several calls. */

/*
 * flags and affinity of EVENT_REGISTER and EVENT_ROUTING_SET for a shared
 * event: RM_ANY (affinity ignored) or RM_PE to an existing PE.
 */
static bool route_valid(const struct sdei *s, uint64_t flags, uint64_t aff)
{
	if (flags == SDEI_RM_ANY)
		return true;
	return flags == SDEI_RM_PE && sdei_vcpu_by_mpidr(s, aff) != SDEI_NONE;
}

/* --- The calls. */

/*
 * DEN0054B SDEI_EVENT_REGISTER. INVALID_PARAMETERS: unknown event, entry
 * point 0, or (shared events) flags other than RM_ANY/RM_PE or RM_PE to an
 * affinity no PE has. Private events ignore flags and affinity (Linux
 * passes 0, 0). DENIED: not in the unregistered state, or a bind slot
 * with no interrupt bound. The entry point is a guest VA: not checked
 * further. Registering drops triggers that arrived before (stale), but a
 * bound interrupt whose line is high is pending from the start.
 */
static int64_t event_register(struct sdei *s, unsigned int v, uint64_t num,
			      uint64_t ep, uint64_t arg, uint64_t flags,
			      uint64_t aff)
{
	unsigned int ev = sdei_event_find(s, num);
	const struct sdei_event *e;
	struct sdei_entry *se;
	int64_t ret = 0;

	if (ev == SDEI_NONE || !ep) {
		ret = SDEI_E_INVALID;
		goto out;
	}
	e = &s->events[ev];
	if (e->shared && !route_valid(s, flags, aff)) {
		ret = SDEI_E_INVALID;
		goto out;
	}
	se = sdei_entry(s, ev, v);
	if (sdei_state_next(se->state, SDEI_ACT_REGISTER) < 0 ||
	    (e->kind == SDEI_KIND_BIND && !e->bound)) {
		ret = SDEI_E_DENIED;
		goto out;
	}
	sdei_state_apply(&se->state, SDEI_ACT_REGISTER);
	se->ep = ep;
	se->arg = arg;
	sdei_set_pending(s, se, false);
	se->rm_pe = e->shared && flags == SDEI_RM_PE;
	se->affinity = se->rm_pe ? aff & SDEI_MPIDR_AFF_MASK : 0;
	/* A bound line already high is pending at once, as at a GIC. */
	sdei_irq_repend(s, ev, v);
out:
	return ret;
}

/*
 * DEN0054B SDEI_EVENT_ENABLE / SDEI_EVENT_DISABLE: INVALID_PARAMETERS for
 * an unknown event, DENIED unless registered. Idempotent. Enabling may make
 * a pending trigger deliverable: the caller dispatches after the call.
 */
static int64_t event_enable(struct sdei *s, unsigned int v, uint64_t num,
			    bool enable)
{
	unsigned int ev = sdei_event_find(s, num);
	int64_t ret = 0;

	if (ev == SDEI_NONE)
		ret = SDEI_E_INVALID;
	else if (!sdei_state_apply(&sdei_entry(s, ev, v)->state,
				   enable ? SDEI_ACT_ENABLE : SDEI_ACT_DISABLE))
		ret = SDEI_E_DENIED;
	return ret;
}

/*
 * DEN0054B SDEI_EVENT_UNREGISTER: INVALID_PARAMETERS for an unknown event;
 * DENIED if not registered; PENDING if the handler is running (the
 * registration ends when it completes). As TF-A, a second UNREGISTER while
 * the handler still runs answers PENDING again rather than DENIED.
 */
static int64_t unregister(struct sdei *s, unsigned int ev, unsigned int v)
{
	struct sdei_entry *se = sdei_entry(s, ev, v);
	int64_t ret = 0;

	if (!sdei_state_apply(&se->state, SDEI_ACT_UNREGISTER)) {
		ret = (se->state & SDEI_ST_R) ? SDEI_E_PENDING : SDEI_E_DENIED;
		goto out;
	}
	se->ep = 0;
	se->arg = 0;
	se->affinity = 0;
	se->rm_pe = false;
	sdei_set_pending(s, se, false);
	if (se->state & SDEI_ST_R)
		ret = SDEI_E_PENDING;
out:
	return ret;
}

static int64_t event_unregister(struct sdei *s, unsigned int v, uint64_t num)
{
	unsigned int ev = sdei_event_find(s, num);

	return ev == SDEI_NONE ? SDEI_E_INVALID : unregister(s, ev, v);
}

/* DEN0054B SDEI_EVENT_STATUS: bit 0 registered, 1 enabled, 2 running. */
static int64_t event_status(struct sdei *s, unsigned int v, uint64_t num)
{
	unsigned int ev = sdei_event_find(s, num);

	return ev == SDEI_NONE ? SDEI_E_INVALID : sdei_entry(s, ev, v)->state;
}

/*
 * DEN0054B SDEI_EVENT_GET_INFO. TYPE, SIGNALED, PRIORITY for any event;
 * ROUTING_MODE and ROUTING_AFF only for shared events (else
 * INVALID_PARAMETERS) that are registered (else DENIED); ROUTING_AFF of an
 * RM_ANY event is INVALID_PARAMETERS (as TF-A). Unknown info:
 * INVALID_PARAMETERS.
 */
static int64_t event_get_info(struct sdei *s, unsigned int v, uint64_t num,
			      uint64_t info)
{
	unsigned int ev = sdei_event_find(s, num);
	const struct sdei_event *e;
	const struct sdei_entry *se;
	int64_t ret = SDEI_E_INVALID;

	if (ev == SDEI_NONE)
		goto out;
	e = &s->events[ev];
	se = sdei_entry(s, ev, v);
	switch (info) {
	case SDEI_INFO_TYPE:
		ret = e->shared;
		break;
	case SDEI_INFO_SIGNALED:
		ret = e->kind == SDEI_KIND_EVENT0;
		break;
	case SDEI_INFO_PRIORITY:
		ret = e->critical;
		break;
	case SDEI_INFO_ROUTING_MODE:
	case SDEI_INFO_ROUTING_AFF:
		if (!e->shared)
			ret = SDEI_E_INVALID;
		else if (!(se->state & SDEI_ST_G))
			ret = SDEI_E_DENIED;
		else if (info == SDEI_INFO_ROUTING_MODE)
			ret = se->rm_pe ? SDEI_RM_PE : SDEI_RM_ANY;
		else if (!se->rm_pe)
			ret = SDEI_E_INVALID;
		else
			ret = (int64_t)se->affinity;
		break;
	}
out:
	return ret;
}

/*
 * DEN0054B SDEI_EVENT_ROUTING_SET: shared events only (INVALID_PARAMETERS
 * otherwise, and for bad flags or affinity, checked as REGISTER does);
 * DENIED unless registered, disabled and not running.
 */
static int64_t event_routing_set(struct sdei *s, unsigned int v, uint64_t num,
				 uint64_t flags, uint64_t aff)
{
	unsigned int ev = sdei_event_find(s, num);
	struct sdei_entry *se;
	int64_t ret = 0;

	if (ev == SDEI_NONE || !s->events[ev].shared ||
	    !route_valid(s, flags, aff)) {
		ret = SDEI_E_INVALID;
		goto out;
	}
	se = sdei_entry(s, ev, v);
	if (!sdei_state_apply(&se->state, SDEI_ACT_ROUTING)) {
		ret = SDEI_E_DENIED;
		goto out;
	}
	se->rm_pe = flags == SDEI_RM_PE;
	se->affinity = se->rm_pe ? aff & SDEI_MPIDR_AFF_MASK : 0;
out:
	return ret;
}

/*
 * DEN0054B SDEI_INTERRUPT_BIND: the event number of a free slot now bound
 * to intid (a PPI takes a private slot, an SPI a shared one); the same
 * number again if intid is already bound (TF-A). INVALID_PARAMETERS for an
 * SGI or an INTID the vGIC does not implement; DENIED for an interrupt lkvm
 * cannot take from the guest (in-kernel PPIs such as the timers, SPIs of
 * no lkvm device); OUT_OF_RESOURCE when no slot of that kind is free.
 */
static int64_t interrupt_bind(struct sdei *s, uint64_t intid)
{
	bool shared = intid >= SDEI_INTID_SPI_BASE;
	unsigned int i, ev;
	int64_t ret = SDEI_E_NO_RESOURCE;

	if (intid < SDEI_INTID_PPI_BASE || intid >= s->nr_irqs) {
		ret = SDEI_E_INVALID;
		goto out;
	}
	ev = sdei_event_find_intid(s, (uint32_t)intid);
	if (ev != SDEI_NONE) {
		ret = s->events[ev].num;
		goto out;
	}
	if (!sdei_intid_bindable(s, (uint32_t)intid)) {
		ret = SDEI_E_DENIED;
		goto out;
	}
	for (i = 0; i < s->nr_events; i++) {
		struct sdei_event *e = &s->events[i];

		if (e->kind != SDEI_KIND_BIND || e->shared != shared ||
		    e->bound)
			continue;
		e->bound = true;
		e->intid = (uint32_t)intid;
		ret = e->num;
		break;
	}
out:
	return ret;
}

/*
 * DEN0054B SDEI_INTERRUPT_RELEASE: INVALID_PARAMETERS unless a bound slot;
 * DENIED while registered on any PE or running (the table's RELEASE).
 */
static int64_t release(struct sdei *s, unsigned int ev)
{
	struct sdei_event *e = &s->events[ev];
	unsigned int i, n = e->shared ? 1 : s->nr_vcpus;
	int64_t ret = 0;

	if (e->kind != SDEI_KIND_BIND || !e->bound) {
		ret = SDEI_E_INVALID;
		goto out;
	}
	for (i = 0; i < n; i++)
		if (sdei_state_next(s->entries[e->first + i].state,
				    SDEI_ACT_RELEASE) < 0)
			ret = SDEI_E_DENIED;
	if (ret)
		goto out;
	for (i = 0; i < n; i++)
		sdei_set_pending(s, &s->entries[e->first + i], false);
	e->bound = false;
	e->intid = 0;
out:
	return ret;
}

static int64_t interrupt_release(struct sdei *s, uint64_t num)
{
	unsigned int ev = sdei_event_find(s, num);

	return ev == SDEI_NONE ? SDEI_E_INVALID : release(s, ev);
}

/*
 * DEN0054B SDEI_PRIVATE_RESET / SDEI_SHARED_RESET: unregister every private
 * event of the calling PE / every shared event. DENIED if one of them is
 * running (it is left "unregister pending", the others are unregistered,
 * as TF-A). SHARED_RESET then releases every binding; a private slot still
 * registered on some PE makes it DENIED. PE masks do not change.
 */
static int64_t reset(struct sdei *s, unsigned int v, bool shared)
{
	unsigned int i;
	int64_t ret = 0;

	for (i = 0; i < s->nr_events; i++) {
		const struct sdei_entry *se = sdei_entry(s, i, v);

		if (s->events[i].shared != shared || !se->state)
			continue;
		if (unregister(s, i, v) == SDEI_E_PENDING)
			ret = SDEI_E_DENIED;
	}
	if (!shared || ret)
		goto out;
	for (i = 0; i < s->nr_events; i++)
		if (s->events[i].kind == SDEI_KIND_BIND && s->events[i].bound &&
		    release(s, i) && !ret)
			ret = SDEI_E_DENIED;
out:
	return ret;
}

/*
 * DEN0054B SDEI_EVENT_SIGNAL (v1.1): only event 0, to an existing PE
 * (INVALID_PARAMETERS otherwise), SUCCESS once sent. The signal reaches
 * the target as Trusted Firmware-A's SGI does (sdei_intr_handler()): a
 * masked target drops it ("nothing to do for event 0"), so does a target
 * where event 0 is not registered; where it is registered but disabled or
 * running, it stays pending until it can run. So no signal waits forever
 * for a PE that may never unmask or register.
 */
static int64_t event_signal(struct sdei *s, uint64_t num, uint64_t target)
{
	unsigned int t = sdei_vcpu_by_mpidr(s, target);
	struct sdei_entry *se;

	if (num != 0 || t == SDEI_NONE)
		return SDEI_E_INVALID;
	se = sdei_entry(s, 0, t);
	if (!s->pes[t].masked && (se->state & SDEI_ST_G))
		sdei_set_pending(s, se, true);
	return 0;
}

/* DEN0054B SDEI_FEATURES (v1.1): BIND_SLOTS [31:16] shared, [15:0] private. */
static int64_t features(struct sdei *s, uint64_t feature)
{
	if (feature != SDEI_FEATURE_BIND_SLOTS)
		return SDEI_E_INVALID;
	return ((int64_t)s->nr_shared_slots << 16) | s->nr_private_slots;
}

unsigned int sdei_nr_args(uint32_t fid)
{
	switch (fid) {
	case SDEI_EVENT_REGISTER: /* event, entry, ep arg, flags, affinity */
		return 5;
	case SDEI_EVENT_ROUTING_SET: /* event, routing mode, affinity */
		return 3;
	case SDEI_EVENT_GET_INFO: /* event, info */
	case SDEI_EVENT_SIGNAL: /* event, target PE */
		return 2;
	case SDEI_EVENT_ENABLE: /* the event */
	case SDEI_EVENT_DISABLE:
	case SDEI_EVENT_UNREGISTER:
	case SDEI_EVENT_STATUS:
	case SDEI_EVENT_CONTEXT: /* the register's index */
	case SDEI_EVENT_COMPLETE: /* the handler's status */
	case SDEI_EVENT_COMPLETE_AND_RESUME: /* the resume address */
	case SDEI_INTERRUPT_BIND: /* the INTID */
	case SDEI_INTERRUPT_RELEASE: /* the event */
	case SDEI_FEATURES: /* the feature */
		return 1;
	default: /* VERSION, PE_MASK, PE_UNMASK, the resets: none */
		return 0;
	}
}

/*
 * Only the client's EL may call (TF-A: "Verify the caller EL"), and only
 * from AArch64: SMC64 IDs do not exist for AArch32 (SMCCC). A VM without
 * EL2 and without AArch32 needs no register read for that: HVC and SMC
 * are UNDEFINED at EL0, so every call KVM forwards there comes from
 * AArch64 EL1, the client. Returns 0 or -EIO (the read failed).
 */
static int caller_is_client(const struct sdei *s, struct guest_regs *regs,
			    bool *client)
{
	uint64_t pstate;

	*client = true;
	if (s->client_el == 1 && !s->aarch32)
		return 0;
	if (regs->ops->get(regs->ctx, GUEST_REG_PSTATE, &pstate))
		return -EIO;
	*client = !(pstate & SDEI_PSR_MODE32) &&
		  sdei_pstate_el(pstate) == s->client_el;
	return 0;
}

int sdei_call(struct sdei *s, const struct smccc_call *call,
	      struct guest_regs *regs, struct smccc_result *res)
{
	const uint64_t *a = call->arg; /* a[0] is x1 */
	unsigned int v = call->vcpu;
	int64_t ret = SDEI_E_NOT_SUPPORTED;
	uint64_t value = 0;
	bool raw = false, client;
	int err = 0;

	*res = (struct smccc_result){ .nr = 1 };
	if (v >= s->nr_vcpus) {
		res->x[0] = SDEI_NOT_SUPPORTED;
		return -EINVAL;
	}
	if (call->fid < SDEI_FID_BASE || call->fid > SDEI_FID_LAST)
		goto out;
	err = caller_is_client(s, regs, &client);
	if (err || !client)
		goto out;
	s->pes[v].deferred = false;

	switch (call->fid) {
	case SDEI_VERSION:
		ret = (int64_t)SDEI_VERSION_VALUE;
		break;
	case SDEI_EVENT_REGISTER:
		ret = event_register(s, v, a[0], a[1], a[2], a[3], a[4]);
		break;
	case SDEI_EVENT_ENABLE:
		ret = event_enable(s, v, a[0], true);
		break;
	case SDEI_EVENT_DISABLE:
		ret = event_enable(s, v, a[0], false);
		break;
	case SDEI_EVENT_CONTEXT:
		ret = sdei_event_context(s, v, a[0], &value);
		raw = !ret;
		break;
	case SDEI_EVENT_COMPLETE:
	case SDEI_EVENT_COMPLETE_AND_RESUME:
		err = sdei_event_complete(
			s, v, regs, call->fid == SDEI_EVENT_COMPLETE_AND_RESUME,
			a[0], &ret);
		if (!ret)
			res->nr = 0; /* the interrupted context is back */
		break;
	case SDEI_EVENT_UNREGISTER:
		ret = event_unregister(s, v, a[0]);
		break;
	case SDEI_EVENT_STATUS:
		ret = event_status(s, v, a[0]);
		break;
	case SDEI_EVENT_GET_INFO:
		ret = event_get_info(s, v, a[0], a[1]);
		break;
	case SDEI_EVENT_ROUTING_SET:
		ret = event_routing_set(s, v, a[0], a[1], a[2]);
		break;
	case SDEI_PE_MASK:
		ret = sdei_pe_mask(s, v);
		break;
	case SDEI_PE_UNMASK:
		sdei_pe_unmask(s, v);
		ret = 0;
		break;
	case SDEI_INTERRUPT_BIND:
		ret = interrupt_bind(s, a[0]);
		break;
	case SDEI_INTERRUPT_RELEASE:
		ret = interrupt_release(s, a[0]);
		break;
	case SDEI_EVENT_SIGNAL:
		ret = event_signal(s, a[0], a[1]);
		break;
	case SDEI_FEATURES:
		ret = features(s, a[0]);
		break;
	case SDEI_PRIVATE_RESET:
		ret = reset(s, v, false);
		break;
	case SDEI_SHARED_RESET:
		ret = reset(s, v, true);
		break;
	default:
		ret = SDEI_E_NOT_SUPPORTED;
		break;
	}
out:
	if (err)
		ret = SDEI_E_NOT_SUPPORTED;
	res->x[0] = raw ? value : (uint64_t)ret;
	sdei_update_kicks(s, v);
	return err;
}

/* --- Triggers from the host. */

int sdei_trigger(struct sdei *s, uint32_t num, unsigned int vcpu)
{
	unsigned int ev = sdei_event_find(s, num);
	const struct sdei_event *e;
	int ret = 0;

	if (ev == SDEI_NONE) {
		ret = -ENOENT;
		goto out;
	}
	e = &s->events[ev];
	if (e->kind == SDEI_KIND_BIND ||
	    (e->shared ? vcpu != SDEI_ROUTED : vcpu >= s->nr_vcpus)) {
		ret = -EINVAL;
		goto out;
	}
	sdei_set_pending(s, sdei_entry(s, ev, e->shared ? 0 : vcpu), true);
	sdei_update_kicks(s, SDEI_NONE);
out:
	return ret;
}

/* --- PSCI hooks. */

/*
 * A PE that powers on starts masked with no private registration (DEN0054B
 * "PE masking"; TF-A's psci_cpu_on_finish subscriber).
 */
void sdei_cpu_on(struct sdei *s, unsigned int vcpu)
{
	unsigned int i;

	if (vcpu >= s->nr_vcpus)
		return;
	sdei_abandon_handlers(s, vcpu);
	for (i = 0; i < s->nr_events; i++)
		if (!s->events[i].shared)
			sdei_entry_clear(s, sdei_entry(s, i, vcpu));
	s->pes[vcpu].masked = true;
	s->pes[vcpu].kick = SDEI_KICK_NONE;
	s->pes[vcpu].deferred = false;
	sdei_update_kicks(s, SDEI_NONE);
}

void sdei_cpu_off(struct sdei *s, unsigned int vcpu)
{
	if (vcpu >= s->nr_vcpus)
		return;
	sdei_abandon_handlers(s, vcpu);
	s->pes[vcpu].masked = true;
	s->pes[vcpu].kick = SDEI_KICK_NONE;
	s->pes[vcpu].deferred = false;
	sdei_update_kicks(s, SDEI_NONE);
}

/* --- Status. */

unsigned int sdei_nr_vcpus(const struct sdei *s)
{
	return s->nr_vcpus;
}

unsigned int sdei_nr_events(const struct sdei *s)
{
	return s->nr_events;
}

int sdei_event_status(const struct sdei *s, unsigned int i,
		      struct sdei_event_status *st)
{
	const struct sdei_event *e;

	if (i >= s->nr_events)
		return -EINVAL;
	e = &s->events[i];
	*st = (struct sdei_event_status){
		.num = e->num,
		.shared = e->shared,
		.critical = e->critical,
		.signalable = e->kind == SDEI_KIND_EVENT0,
		.bind_slot = e->kind == SDEI_KIND_BIND,
		.bound = e->bound,
		.intid = e->intid,
	};
	return 0;
}

int sdei_entry_status(const struct sdei *s, unsigned int i, unsigned int vcpu,
		      struct sdei_entry_status *st)
{
	const struct sdei_entry *se;

	if (i >= s->nr_events || (!s->events[i].shared && vcpu >= s->nr_vcpus))
		return -EINVAL;
	se = sdei_entry_const(s, i, s->events[i].shared ? 0 : vcpu);
	*st = (struct sdei_entry_status){
		.state = se->state,
		.pending = se->pending,
		.entry = se->ep,
		.arg = se->arg,
		.rm_pe = se->rm_pe,
		.affinity = se->affinity,
	};
	return 0;
}

int sdei_pe_status(const struct sdei *s, unsigned int vcpu,
		   struct sdei_pe_status *st)
{
	const struct sdei_pe *pe;
	unsigned int i;

	if (vcpu >= s->nr_vcpus)
		return -EINVAL;
	pe = &s->pes[vcpu];
	*st = (struct sdei_pe_status){ .masked = pe->masked,
				       .depth = pe->depth };
	for (i = 0; i < pe->depth; i++)
		st->running[i] = s->events[pe->stack[i].event].num;
	return 0;
}

static const char *const fid_names[] = {
	[0x00] = "VERSION",
	[0x01] = "EVENT_REGISTER",
	[0x02] = "EVENT_ENABLE",
	[0x03] = "EVENT_DISABLE",
	[0x04] = "EVENT_CONTEXT",
	[0x05] = "EVENT_COMPLETE",
	[0x06] = "EVENT_COMPLETE_AND_RESUME",
	[0x07] = "EVENT_UNREGISTER",
	[0x08] = "EVENT_STATUS",
	[0x09] = "EVENT_GET_INFO",
	[0x0A] = "EVENT_ROUTING_SET",
	[0x0B] = "PE_MASK",
	[0x0C] = "PE_UNMASK",
	[0x0D] = "INTERRUPT_BIND",
	[0x0E] = "INTERRUPT_RELEASE",
	[0x0F] = "EVENT_SIGNAL",
	[0x10] = "FEATURES",
	[0x11] = "PRIVATE_RESET",
	[0x12] = "SHARED_RESET",
};

const char *sdei_fid_name(uint32_t fid)
{
	uint32_t n = fid - SDEI_FID_BASE;

	if (fid < SDEI_FID_BASE || n >= sizeof(fid_names) / sizeof(*fid_names))
		return NULL;
	return fid_names[n];
}

const char *sdei_ret_name(uint64_t ret)
{
	switch (ret) {
	case SDEI_SUCCESS:
		return "SUCCESS";
	case SDEI_NOT_SUPPORTED:
		return "NOT_SUPPORTED";
	case SDEI_INVALID_PARAMETERS:
		return "INVALID_PARAMETERS";
	case SDEI_DENIED:
		return "DENIED";
	case SDEI_PENDING:
		return "PENDING";
	case SDEI_OUT_OF_RESOURCE:
		return "OUT_OF_RESOURCE";
	}
	return NULL;
}
