/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SDEI (Arm DEN0054B) internals shared by sdei.c, sdei-dispatch.c and
 * sdei-catalogue.c. Not for use outside firmware-emu/sdei*.c.
 */
#ifndef LKVM_SDEI_INTERNAL_H
#define LKVM_SDEI_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "sdei.h"

/* Negative SDEI return codes, as the call handlers compute them. */
#define SDEI_E_NOT_SUPPORTED (-1)
#define SDEI_E_INVALID (-2)
#define SDEI_E_DENIED (-3)
#define SDEI_E_PENDING (-5)
#define SDEI_E_NO_RESOURCE (-10)

#define SDEI_NONE (~0u) /* no vCPU, no event */

/* PSTATE (SPSR format) M[4]: the context is AArch32. */
#define SDEI_PSR_MODE32 (1ULL << 4)

/* MPIDR_EL1 bits a guest may pass as an affinity: Aff0..3, bit 31, U, MT. */
#define SDEI_MPIDR_VALID_MASK \
	(SDEI_MPIDR_AFF_MASK | (1ULL << 31) | (1ULL << 30) | (1ULL << 24))

enum sdei_kind {
	SDEI_KIND_EVENT0, /* architected: private, normal, signalable */
	SDEI_KIND_PLATFORM, /* declared by the user (--sdei-event) */
	SDEI_KIND_BIND, /* an INTERRUPT_BIND slot */
};

/* One event of the catalogue. */
struct sdei_event {
	uint32_t num;
	enum sdei_kind kind;
	bool shared;
	bool critical;
	bool bound; /* SDEI_KIND_BIND: slot in use, bound to intid */
	uint32_t intid;
	unsigned int first; /* its entries: 1 if shared, one per vCPU */
};

/* The state of an event, or of a private event on one vCPU. */
struct sdei_entry {
	uint64_t ep, arg, affinity;
	unsigned char state; /* SDEI_ST_* */
	bool pending;
	bool rm_pe;
};

/* One running handler: what dispatch saved. */
struct sdei_frame {
	unsigned int event; /* index into sdei->events */
	uint64_t x[SDEI_NR_SAVED_REGS];
	uint64_t pc, pstate;
};

enum sdei_kick {
	SDEI_KICK_NONE,
	SDEI_KICK_WANTED, /* sdei_next_kick() will hand it out */
	SDEI_KICK_SENT, /* handed out; cleared when the vCPU dispatches */
};

/* Per PE (vCPU) state. */
struct sdei_pe {
	uint64_t mpidr; /* affinity fields only */
	bool masked;
	unsigned int depth;
	struct sdei_frame stack[SDEI_MAX_NESTING];
	enum sdei_kick kick;
	/*
	 * Its last dispatch found it above the client EL: it takes nothing
	 * and is not kicked until it next calls or dispatches.
	 */
	bool deferred;
	/* Its private entries with a pending trigger. */
	unsigned int nr_pending;
};

struct sdei {
	unsigned int nr_vcpus;
	unsigned int nr_events;
	unsigned int nr_entries;
	unsigned int client_el;
	bool aarch32; /* EL1 may be AArch32: sdei_call() reads PSTATE */
	bool mte;
	unsigned int nr_irqs;
	unsigned int nr_shared_slots, nr_private_slots;
	unsigned int nr_bindable;
	uint32_t *bindable;
	/*
	 * The level lkvm's device drives on each bindable interrupt: index
	 * i * nr_vcpus + v for bindable[i] on vCPU v (an SPI uses v = 0).
	 */
	bool *levels;
	struct sdei_event *events;
	struct sdei_entry *entries;
	/* The vCPU of each private entry; SDEI_NONE for a shared event's. */
	unsigned int *entry_vcpu;
	struct sdei_pe *pes;
	/*
	 * Entries with a pending trigger: none, and there is nothing to do;
	 * of them, shared events' (a private one counts in its PE's
	 * nr_pending). A vCPU with neither has nothing to take, so that a
	 * dispatch or a kick decision looks at the events only then, not on
	 * every call of every vCPU (64 vCPUs, 32 events).
	 */
	unsigned int nr_pending;
	unsigned int nr_shared_pending;
};

/* sdei-catalogue.c */
/* Index of event num in s->events, or SDEI_NONE. num is x1, unchecked. */
unsigned int sdei_event_find(const struct sdei *s, uint64_t num);
/* The bind slot bound to intid, or SDEI_NONE. */
unsigned int sdei_event_find_intid(const struct sdei *s, uint32_t intid);
/* vCPU with this affinity (x5 or x2 from the guest), or SDEI_NONE. */
unsigned int sdei_vcpu_by_mpidr(const struct sdei *s, uint64_t mpidr);
bool sdei_intid_bindable(const struct sdei *s, uint32_t intid);
/*
 * A bound interrupt is level-sensitive: while its line is high and its
 * event registered on vCPU v, the event is pending again whenever it is
 * not running (after REGISTER, after each COMPLETE), as a GIC re-signals a
 * level interrupt still asserted at EOI.
 */
void sdei_irq_repend(struct sdei *s, unsigned int ev, unsigned int vcpu);

static inline struct sdei_entry *sdei_entry(struct sdei *s, unsigned int ev,
					    unsigned int vcpu)
{
	const struct sdei_event *e = &s->events[ev];

	return &s->entries[e->first + (e->shared ? 0 : vcpu)];
}

static inline const struct sdei_entry *
sdei_entry_const(const struct sdei *s, unsigned int ev, unsigned int vcpu)
{
	const struct sdei_event *e = &s->events[ev];

	return &s->entries[e->first + (e->shared ? 0 : vcpu)];
}

/* Every change of an entry's pending flag goes through here. */
static inline void sdei_set_pending(struct sdei *s, struct sdei_entry *se,
				    bool pending)
{
	unsigned int v = s->entry_vcpu[se - s->entries];
	unsigned int *own = v == SDEI_NONE ? &s->nr_shared_pending :
					     &s->pes[v].nr_pending;

	if (pending == se->pending)
		return;
	*own += pending ? 1u : -1u;
	s->nr_pending += pending ? 1u : -1u;
	se->pending = pending;
}

/* Whether vCPU v may have anything to take: the counts allow it. */
static inline bool sdei_may_have_work(const struct sdei *s, unsigned int v)
{
	return s->pes[v].nr_pending || s->nr_shared_pending;
}

static inline void sdei_entry_clear(struct sdei *s, struct sdei_entry *se)
{
	sdei_set_pending(s, se, false);
	*se = (struct sdei_entry){ 0 };
}

/* sdei-dispatch.c */
/* PE_MASK: 1 if this call masked the PE, 0 if it was masked. */
int64_t sdei_pe_mask(struct sdei *s, unsigned int vcpu);
void sdei_pe_unmask(struct sdei *s, unsigned int vcpu);
/* EVENT_CONTEXT: 0 with *val, or SDEI_E_INVALID / SDEI_E_DENIED. */
int sdei_event_context(struct sdei *s, unsigned int vcpu, uint64_t index,
		       uint64_t *val);
/*
 * EVENT_COMPLETE(_AND_RESUME): *ret is 0 once the interrupted context is
 * back (the call returns no value) or SDEI_E_DENIED. Returns 0, or -EIO if
 * a register access failed.
 */
int sdei_event_complete(struct sdei *s, unsigned int vcpu,
			struct guest_regs *regs, bool resume, uint64_t addr,
			int64_t *ret);
/* Drops vCPU v's dispatch stack as if each handler completed. */
void sdei_abandon_handlers(struct sdei *s, unsigned int vcpu);
/* Marks kicks for every vCPU other than self with work. */
void sdei_update_kicks(struct sdei *s, unsigned int self);
/* PSTATE on handler entry from the interrupted one (SPSR format). */
uint64_t sdei_handler_pstate(uint64_t interrupted, uint64_t sctlr, uint64_t hcr,
			     unsigned int client_el, bool mte);
/* The EL a PSTATE (SPSR format) was at. */
unsigned int sdei_pstate_el(uint64_t pstate);

#endif
