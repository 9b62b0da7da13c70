// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm's firmware core (see fw.h): what strings PSCI and SDEI together and
 * to the VMM. Every rule about order lives here:
 *  - a call's result is written before a dispatch, so that the handler's
 *    saved x0 is the result (DEN0054B, "Event handling");
 *  - no dispatch on a vCPU that is turning itself off: CPU_OFF abandons
 *    its handlers, and an RM_ANY event it took would be lost; sdei_cpu_off()
 *    hands the event to another PE instead;
 *  - no dispatch while KVM owes the vCPU an MMIO load or an exception
 *    entry: the dispatch would rewrite PC and PSTATE first, and the load
 *    or the exception would land in the handler;
 *  - a CPU_ON is applied by the target's own thread at its next stop;
 *  - after every step, the GIC's view of each line is level && !owned by
 *    SDEI, and only changes are handed out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw.h"

/* A device's line: the level it drives, and what the GIC was given. */
struct fw_line {
	uint32_t intid;
	bool level;
	bool at_gic;
	bool changed; /* at_gic changed, not yet handed out */
};

/* A PSCI CPU_ON waiting for the target vCPU's own thread. */
struct fw_boot {
	bool pending;
	bool kick; /* not yet handed out by fw_next_kick() */
	uint64_t entry, context;
};

struct fw {
	unsigned int nr_vcpus;
	struct psci psci;
	struct sdei *sdei; /* NULL without SDEI */
	struct fw_boot *boot; /* one per vCPU */
	uint64_t *mpidr; /* copied: psci keeps a pointer to it */
	struct fw_line lines[FW_MAX_LINES];
	unsigned int nr_lines;
};

static int fw_config_check(const struct fw_config *cfg, char *err,
			   size_t err_size)
{
	const char *why = NULL;

	if (!cfg->nr_vcpus || cfg->nr_vcpus > PSCI_MAX_CPUS || !cfg->mpidr)
		why = "firmware: bad vCPU count";
	else if (cfg->nr_lines > FW_MAX_LINES || (cfg->nr_lines && !cfg->lines))
		why = "firmware: too many device interrupt lines";
	if (!why)
		return 0;
	if (err && err_size)
		snprintf(err, err_size, "%s", why);
	return -EINVAL;
}

static int fw_create_sdei(struct fw *fw, const struct fw_config *cfg, char *err,
			  size_t err_size)
{
	struct sdei_config sc = *cfg->sdei;

	sc.nr_vcpus = cfg->nr_vcpus;
	sc.aarch32 = sc.aarch32 || cfg->aarch32;
	sc.mpidr = fw->mpidr;
	sc.bindable = cfg->lines;
	sc.nr_bindable = cfg->nr_lines;
	return sdei_create(&fw->sdei, &sc, err, err_size);
}

int fw_create(struct fw **out, const struct fw_config *cfg, char *err,
	      size_t err_size)
{
	struct fw *fw;
	int ret;

	*out = NULL;
	ret = fw_config_check(cfg, err, err_size);
	if (ret)
		return ret;
	fw = calloc(1, sizeof(*fw));
	if (!fw)
		return -ENOMEM;
	fw->nr_vcpus = cfg->nr_vcpus;
	fw->boot = calloc(cfg->nr_vcpus, sizeof(*fw->boot));
	fw->mpidr = calloc(cfg->nr_vcpus, sizeof(*fw->mpidr));
	if (!fw->boot || !fw->mpidr) {
		fw_destroy(fw);
		return -ENOMEM;
	}
	memcpy(fw->mpidr, cfg->mpidr, cfg->nr_vcpus * sizeof(*fw->mpidr));
	psci_init(&fw->psci, cfg->nr_vcpus, fw->mpidr, cfg->ram_base,
		  cfg->ram_size);
	fw->psci.aarch32 = cfg->aarch32;
	for (unsigned int i = 0; i < cfg->nr_lines; i++)
		fw->lines[fw->nr_lines++] =
			(struct fw_line){ .intid = cfg->lines[i] };
	if (cfg->sdei) {
		ret = fw_create_sdei(fw, cfg, err, err_size);
		if (ret) {
			fw_destroy(fw);
			return ret;
		}
	}
	*out = fw;
	return 0;
}

void fw_destroy(struct fw *fw)
{
	if (!fw)
		return;
	sdei_destroy(fw->sdei);
	free(fw->boot);
	free(fw->mpidr);
	free(fw);
}

struct sdei *fw_sdei(struct fw *fw)
{
	return fw->sdei;
}

const struct psci *fw_psci(const struct fw *fw)
{
	return &fw->psci;
}

/*
 * After any step: each line's GIC level is its device level unless SDEI
 * owns it (REGISTER, UNREGISTER, RELEASE, the resets and CPU_ON move lines
 * to or from SDEI, besides the devices themselves).
 */
static void lines_sync(struct fw *fw)
{
	for (unsigned int i = 0; i < fw->nr_lines; i++) {
		struct fw_line *l = &fw->lines[i];
		bool owned = fw->sdei && sdei_irq_owned(fw->sdei, l->intid, 0);
		bool gic = l->level && !owned;

		if (gic != l->at_gic) {
			l->at_gic = gic;
			l->changed = !l->changed;
		}
	}
}

bool fw_next_line(struct fw *fw, uint32_t *intid, bool *level)
{
	for (unsigned int i = 0; i < fw->nr_lines; i++) {
		struct fw_line *l = &fw->lines[i];

		if (l->changed) {
			l->changed = false;
			*intid = l->intid;
			*level = l->at_gic;
			return true;
		}
	}
	return false;
}

int fw_next_kick(struct fw *fw)
{
	for (unsigned int v = 0; v < fw->nr_vcpus; v++) {
		if (fw->boot[v].kick) {
			fw->boot[v].kick = false;
			return (int)v;
		}
	}
	return fw->sdei ? sdei_next_kick(fw->sdei) : -1;
}

static void write_result(const struct smccc_result *res,
			 struct guest_regs *regs, struct fw_effects *eff)
{
	for (unsigned int i = 0; i < res->nr && i < 4; i++)
		if (regs->ops->set(regs->ctx, GUEST_REG_X0 + i, res->x[i]))
			eff->outcome = FW_ERROR;
}

/* Enters a deliverable event's handler on vcpu; effects for the VMM. */
static void dispatch(struct fw *fw, unsigned int vcpu, struct guest_regs *regs,
		     struct fw_effects *eff)
{
	int ret;

	if (!fw->sdei)
		return;
	ret = sdei_dispatch(fw->sdei, vcpu, regs);
	if (ret == -EAGAIN)
		eff->retry = true;
	else if (ret < 0)
		eff->outcome = FW_ERROR;
}

/* PSCI's action, after the call's result and dispatch. */
static void psci_effects(struct fw *fw, unsigned int vcpu,
			 const struct psci_action *act, struct fw_effects *eff)
{
	struct fw_boot *b;

	switch (act->kind) {
	case PSCI_ACT_NONE:
		break;
	case PSCI_ACT_CPU_ON:
		/* DEN0054B "PE masking": CPU_ON masks the PE, wipes privates. */
		if (fw->sdei)
			sdei_cpu_on(fw->sdei, act->target);
		b = &fw->boot[act->target];
		*b = (struct fw_boot){ .pending = true,
				       .kick = true,
				       .entry = act->entry,
				       .context = act->context };
		break;
	case PSCI_ACT_CPU_OFF:
		/* Masks it, abandons its handlers, kicks another taker. */
		if (fw->sdei)
			sdei_cpu_off(fw->sdei, vcpu);
		eff->park = true;
		break;
	case PSCI_ACT_SYSTEM_OFF:
		eff->outcome = FW_POWEROFF;
		break;
	case PSCI_ACT_SYSTEM_RESET:
		/* Nothing SDEI holds survives a reset. */
		if (fw->sdei)
			sdei_system_reset(fw->sdei);
		eff->outcome = FW_RESET;
		break;
	case PSCI_ACT_GUEST_FAILURE:
		eff->outcome = FW_GUEST_FAILURE;
		eff->failure_code = act->code;
		break;
	}
}

/* Whether the vCPU goes on running its code after this action. */
static bool keeps_running(const struct psci_action *act)
{
	return act->kind == PSCI_ACT_NONE || act->kind == PSCI_ACT_CPU_ON;
}

unsigned int fw_call_nr_args(const struct fw *fw, uint32_t fid)
{
	if (psci_owns(fid))
		return psci_nr_args(fid);
	if (fw->sdei && fid >= SDEI_FID_BASE && fid <= SDEI_FID_LAST)
		return sdei_nr_args(fid);
	return 0;
}

void fw_call(struct fw *fw, const struct smccc_call *call,
	     struct guest_regs *regs, struct fw_effects *eff)
{
	struct psci_action act = { .kind = PSCI_ACT_NONE };
	struct smccc_result *res = &eff->res;
	int err = 0;

	*eff = (struct fw_effects){
		.res = { .x = { SMCCC_RET_NOT_SUPPORTED }, .nr = 1 },
	};
	if (call->vcpu >= fw->nr_vcpus) {
		eff->outcome = FW_ERROR;
		return;
	}
	/* Route by function-ID range (DEN0028 6.2). */
	if (psci_owns(call->fid))
		psci_call(&fw->psci, call, res, &act);
	else if (fw->sdei && call->fid >= SDEI_FID_BASE &&
		 call->fid <= SDEI_FID_LAST)
		err = sdei_call(fw->sdei, call, regs, res);
	if (err) {
		eff->outcome = FW_ERROR;
		return;
	}
	write_result(res, regs, eff);
	if (eff->outcome != FW_RUNS)
		return;
	/* The result first, then a dispatch: its saved x0 is the result. */
	if (keeps_running(&act))
		dispatch(fw, call->vcpu, regs, eff);
	if (eff->outcome == FW_RUNS)
		psci_effects(fw, call->vcpu, &act, eff);
	lines_sync(fw);
}

void fw_stop(struct fw *fw, unsigned int vcpu, unsigned int flags,
	     struct guest_regs *regs, struct fw_effects *eff)
{
	struct fw_boot *b;

	*eff = (struct fw_effects){ 0 };
	if (vcpu >= fw->nr_vcpus) {
		eff->outcome = FW_ERROR;
		return;
	}
	b = &fw->boot[vcpu];
	if (b->pending) {
		eff->boot = true;
		eff->boot_entry = b->entry;
		eff->boot_context = b->context;
		b->pending = false;
		b->kick = false;
		return;
	}
	if (!fw->sdei)
		return;
	/*
	 * With nothing to take, dispatch all the same: it reads no register
	 * and ends this vCPU's kick, so that later work kicks it again.
	 */
	if ((flags & FW_STOP_ENTRY_PENDING) &&
	    sdei_vcpu_has_work(fw->sdei, vcpu)) {
		eff->enter_first = true;
		return;
	}
	dispatch(fw, vcpu, regs, eff);
	lines_sync(fw);
}

void fw_booted(struct fw *fw, unsigned int vcpu)
{
	if (vcpu < fw->nr_vcpus)
		psci_cpu_on_done(&fw->psci, vcpu);
}

int fw_trigger(struct fw *fw, uint32_t event, unsigned int vcpu)
{
	if (!fw->sdei)
		return -ENODEV;
	return sdei_trigger(fw->sdei, event, vcpu);
}

int fw_irq_set(struct fw *fw, uint32_t intid, bool level)
{
	for (unsigned int i = 0; i < fw->nr_lines; i++) {
		struct fw_line *l = &fw->lines[i];

		if (l->intid != intid)
			continue;
		l->level = level;
		/* A bound line becomes a pending event, not a GIC interrupt. */
		if (fw->sdei)
			sdei_irq_set_level(fw->sdei, intid, 0, level);
		lines_sync(fw);
		return 0;
	}
	return -ENOENT;
}
