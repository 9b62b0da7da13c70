/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lkvm's firmware core: PSCI, SDEI and the interrupt lines of lkvm's
 * devices (which SDEI can bind), strung together as one pure object. The
 * VMM hands it what happened (a forwarded SMCCC call, a clean stop of a
 * vCPU, a host trigger, a device line changing level) and gets back, as
 * data, what it must do: registers are read and written through struct
 * guest_regs; the PSCI outcome, a vCPU to park, boot or stop again come
 * in struct fw_effects; the vCPUs to kick and the GIC lines to change are
 * drained with fw_next_kick() and fw_next_line().
 *
 * The flow, for the VMM (vmm/vcpu-hypercall.c, vmm/sdei-host.c):
 *
 *   KVM_EXIT_HYPERCALL on vCPU v    -> fw_call(v)
 *   a stop of v after a kick        -> fw_stop(v) (FW_STOP_ENTRY_PENDING
 *                                      while KVM owes v an MMIO load or an
 *                                      injected exception)
 *   lkvm sdei signal                -> fw_trigger()
 *   a device drives its line        -> fw_irq_set()
 *   then, before dropping the lock  -> fw_next_kick(), fw_next_line()
 *
 * No threads, no ioctls, no globals: the caller holds one lock around
 * every call and the drains that follow it.
 */
#ifndef LKVM_FW_H
#define LKVM_FW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "psci.h"
#include "sdei.h"
#include "smccc.h"

#define FW_MAX_LINES 64

struct fw_config {
	unsigned int nr_vcpus;
	const uint64_t *mpidr; /* MPIDR_EL1 of each vCPU, by index */
	uint64_t ram_base, ram_size; /* where PSCI entry points may lie */
	/*
	 * SDEI, or NULL for none. Its nr_vcpus, mpidr, bindable and
	 * nr_bindable are ignored: they come from this configuration.
	 */
	const struct sdei_config *sdei;
	/* The SPIs lkvm's devices drive; SDEI may bind each of them. */
	const uint32_t *lines;
	unsigned int nr_lines;
	bool aarch32; /* the vCPUs' EL1 is AArch32: CPU_ON takes T32 entries */
};

/* How the VM goes on after a step. */
enum fw_outcome {
	FW_RUNS,
	FW_POWEROFF, /* PSCI SYSTEM_OFF */
	FW_RESET, /* PSCI SYSTEM_RESET or SYSTEM_RESET2 */
	FW_GUEST_FAILURE, /* SYSTEM_RESET2 with lkvm's vendor type */
	FW_ERROR, /* a register access failed: the vCPU cannot be trusted */
};

struct fw_effects {
	enum fw_outcome outcome;
	uint32_t failure_code; /* FW_GUEST_FAILURE: the guest's code */
	/* fw_call: x0..x3 as written back (nr 0: COMPLETE restored them). */
	struct smccc_result res;
	/* fw_call: CPU_OFF. The vCPU stops in KVM_RUN until a CPU_ON. */
	bool park;
	/*
	 * fw_stop: a CPU_ON for this vCPU. Reset it (KVM_ARM_VCPU_INIT) and
	 * start it at boot_entry with x0 = boot_context, then fw_booted().
	 */
	bool boot;
	uint64_t boot_entry, boot_context;
	/*
	 * fw_stop with FW_STOP_ENTRY_PENDING: an event waits, and KVM still
	 * owes the vCPU an MMIO load or an exception entry. Let KVM do it (a
	 * KVM_RUN with immediate_exit), then fw_stop() again without the flag.
	 */
	bool enter_first;
	/*
	 * fw_stop: an event waits for this vCPU to come back to the client's
	 * own context (it runs a guest of its own). Stop it again soon,
	 * also if it idles: nothing else will.
	 */
	bool retry;
};

/* fw_stop() flags. */
#define FW_STOP_ENTRY_PENDING (1u << 0)

struct fw;

/*
 * Creates the firmware of a VM: PSCI with vCPU 0 on, SDEI as sdei_create()
 * makes it, every line low. Returns 0, -EINVAL (one line in err) or
 * -ENOMEM.
 */
int fw_create(struct fw **out, const struct fw_config *cfg, char *err,
	      size_t err_size);
void fw_destroy(struct fw *fw);

/*
 * A forwarded SMCCC call of vCPU call->vcpu (KVM already stepped over the
 * HVC/SMC). Routes it by function ID (DEN0028 6.2: PSCI's range, SDEI's
 * range, NOT_SUPPORTED for the rest), writes the result to x0.., enters a
 * handler the call made deliverable on this vCPU (after the result, so
 * that the saved x0 is the result), and applies PSCI's action to SDEI.
 */
/*
 * How many argument registers (x1 onwards) fw_call() reads for fid: the
 * VMM fills call->arg[0 .. n - 1] and need read no other (each read is a
 * system call). The rest may hold anything: no function looks at them.
 */
unsigned int fw_call_nr_args(const struct fw *fw, uint32_t fid);

void fw_call(struct fw *fw, const struct smccc_call *call,
	     struct guest_regs *regs, struct fw_effects *eff);

/* A clean stop of vCPU vcpu outside KVM_RUN, after a kick. */
void fw_stop(struct fw *fw, unsigned int vcpu, unsigned int flags,
	     struct guest_regs *regs, struct fw_effects *eff);

/* The VMM started vCPU vcpu after fw_stop()'s boot. */
void fw_booted(struct fw *fw, unsigned int vcpu);

/* The host triggers an SDEI event: see sdei_trigger(). -ENODEV: no SDEI. */
int fw_trigger(struct fw *fw, uint32_t event, unsigned int vcpu);

/*
 * A device drives line intid to level. Returns 0, and the GIC's view of
 * the line (low while SDEI owns it) comes out of fw_next_line(); -ENOENT
 * if intid is none of the configured lines: drive the GIC directly.
 */
int fw_irq_set(struct fw *fw, uint32_t intid, bool level);

/* The next vCPU to kick out of KVM_RUN (then fw_stop() it), or -1. */
int fw_next_kick(struct fw *fw);

/* The next GIC line to drive, true; false when none changed. */
bool fw_next_line(struct fw *fw, uint32_t *intid, bool *level);

/* The parts, for status queries (NULL: no SDEI). */
struct sdei *fw_sdei(struct fw *fw);
const struct psci *fw_psci(const struct fw *fw);

#endif
