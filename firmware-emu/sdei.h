/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Software Delegated Exception Interface v1.1 (Arm DEN0054B) for lkvm's
 * guests, as pure code: one `struct sdei` per VM holds the event catalogue,
 * the state of every event (per vCPU for private events), the PE masks and
 * the dispatch stacks. No threads, no ioctls, no globals; memory is taken
 * once, in sdei_create().
 *
 * The code follows Trusted Firmware-A's split: sdei-state.c (the handler
 * state machine as a table), sdei.c (the calls, the triggers, the PSCI
 * hooks, the status query), sdei-dispatch.c (PE mask, dispatch stack,
 * entering and leaving handlers, which vCPUs to kick), sdei-catalogue.c
 * (the event catalogue, --sdei-event parsing).
 *
 * Locking: none inside. A VM has one struct sdei shared by all its vCPU
 * threads and the I/O thread; the caller holds one mutex around every call
 * into this module, and drains sdei_next_kick() before dropping it.
 *
 * How the KVM layer wires it:
 *
 *   At KVM_EXIT_HYPERCALL on vCPU v, with nr in SDEI's range:
 *     1. sdei_call(s, &call, regs, &res): the call runs; only
 *        EVENT_COMPLETE(_AND_RESUME) write registers through regs.
 *     2. write res.x[0] .. res.x[res.nr - 1] to x0.. of v (res.nr is 0
 *        after a successful COMPLETE: the context is already restored).
 *        The same holds for a PSCI call or any other forwarded call.
 *     3. sdei_dispatch(s, v, regs): if an event became deliverable on v
 *        (PE_UNMASK, EVENT_ENABLE, EVENT_SIGNAL to itself, a COMPLETE with
 *        more pending), v enters its handler now. Because step 2 came
 *        first, the saved x0 that EVENT_CONTEXT(0) and COMPLETE give back
 *        is the call's return value. Never dispatch before step 2.
 *     4. while ((w = sdei_next_kick(s)) >= 0) kick vCPU w.
 *   At a clean stop of vCPU v after a kick (outside KVM_RUN, pending MMIO
 *   completed by a KVM_RUN with immediate_exit first):
 *     sdei_dispatch(s, v, regs), then drain sdei_next_kick().
 *   From another thread (control socket, device model):
 *     sdei_trigger() or sdei_irq_set_level(), then drain sdei_next_kick().
 *   From lkvm's PSCI: sdei_cpu_on() before the target vCPU first runs,
 *   sdei_cpu_off() when a vCPU turns itself off, sdei_system_reset() on
 *   SYSTEM_RESET/SYSTEM_RESET2 (and before a guest reboot); then drain.
 *
 * After sdei_call() and sdei_dispatch(), sdei_next_kick() never returns
 * the vCPU that made the call: its own thread dispatches it (step 3). After
 * a trigger or a PSCI hook it may name the calling thread's own vCPU: that
 * thread can dispatch at this stop rather than signal itself.
 *
 * sdei_dispatch() returning -EAGAIN (the vCPU runs above the client EL,
 * e.g. a nested guest's EL2 code under an EL1 client) leaves the event
 * pending; that vCPU is not kicked again for it: retry at a later stop.
 *
 * The guest memory model: nothing here reads or writes guest memory. The
 * entry point and resume address are guest VAs, used verbatim.
 */
#ifndef LKVM_SDEI_H
#define LKVM_SDEI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smccc.h"

/* SMC64 function IDs (DEN0054B, "SDEI function IDs"): 0xC4000020 + n. */
#define SDEI_FID_BASE 0xC4000020u
#define SDEI_FID_LAST 0xC400003Fu /* end of the range SDEI owns */
#define SDEI_FID(n) (SDEI_FID_BASE + (n))

#define SDEI_VERSION SDEI_FID(0x00)
#define SDEI_EVENT_REGISTER SDEI_FID(0x01)
#define SDEI_EVENT_ENABLE SDEI_FID(0x02)
#define SDEI_EVENT_DISABLE SDEI_FID(0x03)
#define SDEI_EVENT_CONTEXT SDEI_FID(0x04)
#define SDEI_EVENT_COMPLETE SDEI_FID(0x05)
#define SDEI_EVENT_COMPLETE_AND_RESUME SDEI_FID(0x06)
#define SDEI_EVENT_UNREGISTER SDEI_FID(0x07)
#define SDEI_EVENT_STATUS SDEI_FID(0x08)
#define SDEI_EVENT_GET_INFO SDEI_FID(0x09)
#define SDEI_EVENT_ROUTING_SET SDEI_FID(0x0A)
#define SDEI_PE_MASK SDEI_FID(0x0B)
#define SDEI_PE_UNMASK SDEI_FID(0x0C)
#define SDEI_INTERRUPT_BIND SDEI_FID(0x0D)
#define SDEI_INTERRUPT_RELEASE SDEI_FID(0x0E)
#define SDEI_EVENT_SIGNAL SDEI_FID(0x0F)
#define SDEI_FEATURES SDEI_FID(0x10)
#define SDEI_PRIVATE_RESET SDEI_FID(0x11)
#define SDEI_SHARED_RESET SDEI_FID(0x12)

/* Return codes (DEN0054B, "Error codes"), sign-extended to 64 bits in x0. */
#define SDEI_SUCCESS 0ULL
#define SDEI_NOT_SUPPORTED ((uint64_t)-1LL)
#define SDEI_INVALID_PARAMETERS ((uint64_t)-2LL)
#define SDEI_DENIED ((uint64_t)-3LL)
#define SDEI_PENDING ((uint64_t)-5LL)
#define SDEI_OUT_OF_RESOURCE ((uint64_t)-10LL)

/* The version lkvm reports: 1.1, vendor 0. */
#define SDEI_VERSION_VALUE ((1ULL << 48) | (1ULL << 32))

/* EVENT_REGISTER / EVENT_ROUTING_SET flags (x4 / x2). */
#define SDEI_RM_ANY 0
#define SDEI_RM_PE 1

/* EVENT_STATUS bits; also the encoding of sdei_entry_status.state. */
#define SDEI_STATUS_REGISTERED (1u << 0)
#define SDEI_STATUS_ENABLED (1u << 1)
#define SDEI_STATUS_RUNNING (1u << 2)

/* EVENT_GET_INFO info codes (x2). */
#define SDEI_INFO_TYPE 0 /* 0 private, 1 shared */
#define SDEI_INFO_SIGNALED 1 /* 1 if EVENT_SIGNAL can raise it */
#define SDEI_INFO_PRIORITY 2 /* 0 normal, 1 critical */
#define SDEI_INFO_ROUTING_MODE 3
#define SDEI_INFO_ROUTING_AFF 4

/* EVENT_COMPLETE status (x1). */
#define SDEI_EV_HANDLED 0
#define SDEI_EV_FAILED 1

/* FEATURES feature codes (x1). */
#define SDEI_FEATURE_BIND_SLOTS 0

/* Registers saved at dispatch and read by EVENT_CONTEXT: x0..x17. */
#define SDEI_NR_SAVED_REGS 18
/* A critical handler may preempt a normal one: at most two deep. */
#define SDEI_MAX_NESTING 2

/* MPIDR affinity fields Aff3 [39:32] and Aff2..Aff0 [23:0]. */
#define SDEI_MPIDR_AFF_MASK 0xff00ffffffULL

/* Catalogue limits. */
#define SDEI_MAX_PLATFORM_EVENTS 32
#define SDEI_MAX_BIND_SLOTS 64 /* of each kind, shared and private */
#define SDEI_MAX_VCPUS 4096
/*
 * Event numbers: a positive 32-bit integer (TF-A's rule). lkvm gives
 * platform events 1..SDEI_PLATFORM_EVENT_MAX; the numbers from
 * SDEI_BIND_EVENT_BASE up name the interrupt-bind slots: shared slots
 * first, then private slots.
 */
#define SDEI_EVENT_NUM_MAX 0x7fffffffu
#define SDEI_PLATFORM_EVENT_MAX 0x3fffffffu
#define SDEI_BIND_EVENT_BASE 0x40000000u

/* INTIDs (GICv3): SGIs 0..15, PPIs 16..31, SPIs 32..1019. */
#define SDEI_INTID_PPI_BASE 16
#define SDEI_INTID_SPI_BASE 32
#define SDEI_INTID_LIMIT 1020

/* sdei_trigger()'s vcpu for a shared event: follow its route. */
#define SDEI_ROUTED (~0u)

/* A platform event the user declares (--sdei-event). */
struct sdei_event_desc {
	uint32_t num;
	bool shared; /* false: private, one state per vCPU */
	bool critical; /* false: normal priority */
};

struct sdei_config {
	unsigned int nr_vcpus; /* 1..SDEI_MAX_VCPUS */
	const uint64_t *mpidr; /* MPIDR_EL1 of each vCPU, by index */
	const struct sdei_event_desc *events; /* platform events */
	unsigned int nr_events;
	/*
	 * INTIDs INTERRUPT_BIND may take: interrupts lkvm raises itself (its
	 * devices' SPIs), and can deliver as an event instead. A PPI here
	 * takes a private slot, an SPI a shared one. Anything else valid is
	 * DENIED (the in-kernel timer and PMU PPIs, SPIs of no device).
	 */
	const uint32_t *bindable;
	unsigned int nr_bindable;
	unsigned int nr_irqs; /* INTIDs the vGIC implements; 0: all 1020 */
	unsigned int nr_shared_slots; /* FEATURES BIND_SLOTS [31:16] */
	unsigned int nr_private_slots; /* FEATURES BIND_SLOTS [15:0] */
	unsigned int client_el; /* EL of the guest kernel: 1, or 2 (VHE) */
	bool aarch32; /* EL1 may run AArch32 (a caller's mode must be read) */
	bool mte; /* vCPUs have FEAT_MTE2: handlers start with TCO set */
};

struct sdei;

/*
 * Parses the argument of --sdei-event: NUM[,private|shared][,normal|critical]
 * (NUM decimal or 0x hex, 1..SDEI_PLATFORM_EVENT_MAX; defaults private,
 * normal; keywords in any order, each kind once). Returns 0, or -EINVAL
 * with one line in err naming the option and what is wrong.
 */
int sdei_parse_event(const char *arg, struct sdei_event_desc *out, char *err,
		     size_t err_size);

/*
 * Checks a configuration (the user's events: duplicates, ranges; the
 * platform's vCPUs, slots and bindable INTIDs). Returns 0, or -EINVAL with
 * one line in err.
 */
int sdei_config_check(const struct sdei_config *cfg, char *err,
		      size_t err_size);

/*
 * Creates the SDEI state of a VM: everything unregistered, no binding, all
 * PEs masked. The configuration is copied. Returns 0, -EINVAL (with err) or
 * -ENOMEM.
 */
int sdei_create(struct sdei **out, const struct sdei_config *cfg, char *err,
		size_t err_size);
void sdei_destroy(struct sdei *s);

/*
 * Handles one SDEI call of vCPU call->vcpu. Every function ID in
 * 0xC4000020..0xC400003F that SDEI v1.1 does not define, and any other ID,
 * gets NOT_SUPPORTED; so does a call from an EL other than the client's.
 * Returns 0 with res filled (see the wiring above), or with res also
 * filled: -EINVAL if call->vcpu is out of range, -EIO if a register access
 * through regs failed (the vCPU's state cannot be trusted: stop the VM).
 */
/*
 * How many argument registers (x1 onwards) sdei_call() reads for fid
 * (DEN0054B's parameter lists; 0 for IDs SDEI does not define).
 */
unsigned int sdei_nr_args(uint32_t fid);

/*
 * Recounts the pending entries, per vCPU and shared: whether the counts
 * dispatch relies on to skip the scan of every event hold (for the unit
 * tests and the fuzzer, after every step).
 */
bool sdei_pending_counts_ok(const struct sdei *s);

int sdei_call(struct sdei *s, const struct smccc_call *call,
	      struct guest_regs *regs, struct smccc_result *res);

/*
 * At a clean stop of vCPU v: enters the highest-priority deliverable event
 * (critical before normal, then the lowest number). Saves x0..x17, PC and
 * PSTATE; sets PC = entry, PSTATE = client ELxh with DAIF masked (other
 * bits as an exception entry sets them), x0..x3 = event, argument,
 * interrupted PC, interrupted PSTATE. Touches nothing else. Returns 1 if a
 * handler was entered, 0 if nothing was deliverable, -EAGAIN if an event
 * is deliverable but the vCPU runs above the client EL (a nested guest's
 * EL2 code under an EL1 client): nothing changed, call again at a later
 * stop (say, kick it again after a millisecond). -EINVAL for a bad v,
 * -EIO if a register access failed.
 */
int sdei_dispatch(struct sdei *s, unsigned int vcpu, struct guest_regs *regs);

/* True if an event is deliverable on vCPU v right now. */
bool sdei_vcpu_has_work(const struct sdei *s, unsigned int vcpu);

/*
 * The next vCPU that must be kicked so that it stops and calls
 * sdei_dispatch(), or -1 when there is none. Each returned vCPU is returned
 * once until it next calls sdei_dispatch().
 */
int sdei_next_kick(struct sdei *s);

/*
 * A host trigger of a platform event or event 0: marks it pending (for a
 * private event on vCPU vcpu; for a shared event vcpu must be SDEI_ROUTED
 * and the registered route picks the vCPU). A trigger stays pending while
 * the event is disabled or the PE masked; EVENT_REGISTER drops it. Returns
 * 0, -ENOENT for an unknown event, -EINVAL for a bind-slot event or a bad
 * vcpu.
 */
int sdei_trigger(struct sdei *s, uint32_t event, unsigned int vcpu);

/*
 * A line lkvm drives on a bindable interrupt changes level (vcpu: the
 * target of a PPI, ignored for an SPI). Returns 1 while the interrupt
 * belongs to SDEI (bound, and its event registered there): the GIC line
 * must then stay low, and a high level makes the event pending. Bound
 * interrupts are level-sensitive: while the line stays high the event is
 * pending again after each COMPLETE, and REGISTER finds it pending.
 * Returns 0 when SDEI does not own it: drive the GIC line to level.
 * -EINVAL for a bad vcpu.
 */
int sdei_irq_set_level(struct sdei *s, uint32_t intid, unsigned int vcpu,
		       bool level);
/*
 * Whether SDEI owns the interrupt now (see above). It changes with
 * REGISTER, UNREGISTER, INTERRUPT_RELEASE, the resets and CPU_ON: after
 * any of them, the caller drives each GIC line to level && !owned.
 */
bool sdei_irq_owned(const struct sdei *s, uint32_t intid, unsigned int vcpu);

/* PSCI CPU_ON of vCPU v: masks it and wipes its private registrations. */
void sdei_cpu_on(struct sdei *s, unsigned int vcpu);
/*
 * PSCI CPU_OFF of vCPU v: masks it; handlers it was running are abandoned
 * (their events leave the running state as if completed, without touching
 * registers) so that a shared event cannot stay running forever.
 */
void sdei_cpu_off(struct sdei *s, unsigned int vcpu);
/* SYSTEM_RESET: back to the state sdei_create() made. */
void sdei_system_reset(struct sdei *s);

/* --- Status query, for the control socket and logs. */

struct sdei_event_status {
	uint32_t num;
	bool shared;
	bool critical;
	bool signalable; /* event 0 */
	bool bind_slot; /* an INTERRUPT_BIND slot */
	bool bound; /* bind slot in use, to intid */
	uint32_t intid;
};

/* The state of one event (shared) or of one event on one vCPU (private). */
struct sdei_entry_status {
	unsigned int state; /* SDEI_STATUS_* bits */
	bool pending;
	uint64_t entry, arg;
	bool rm_pe; /* shared: route RM_PE to affinity, else RM_ANY */
	uint64_t affinity;
};

struct sdei_pe_status {
	bool masked;
	unsigned int depth; /* running handlers, 0..SDEI_MAX_NESTING */
	uint32_t running[SDEI_MAX_NESTING]; /* event numbers, outermost first */
};

unsigned int sdei_nr_vcpus(const struct sdei *s);
unsigned int sdei_nr_events(const struct sdei *s);
/* Event i of the catalogue (0..sdei_nr_events() - 1). 0 or -EINVAL. */
int sdei_event_status(const struct sdei *s, unsigned int i,
		      struct sdei_event_status *st);
/* Its state on vCPU v (ignored for shared events). 0 or -EINVAL. */
int sdei_entry_status(const struct sdei *s, unsigned int i, unsigned int vcpu,
		      struct sdei_entry_status *st);
int sdei_pe_status(const struct sdei *s, unsigned int vcpu,
		   struct sdei_pe_status *st);

/* Names for logs: "EVENT_REGISTER", "DENIED"; NULL if unknown. */
const char *sdei_fid_name(uint32_t fid);
const char *sdei_ret_name(uint64_t ret);

#endif
