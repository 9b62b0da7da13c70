// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's side of the firmware core (firmware-emu/fw.h): the forwarded
 * SMCCC call (KVM_EXIT_HYPERCALL) and the stops after a kick go to the
 * core, with this vCPU's registers behind struct guest_regs (ONE_REG); the
 * effects come back as data and are carried out here. Requests for
 * another vCPU (PSCI CPU_ON) are that vCPU's to apply, at its own stop: no
 * thread writes another vCPU's registers.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "log.h"
#include "vcpu-kick.h"
#include "vm.h"
#include "vcpu-hypercall.h"
#include "../arm64/kvm-compat.h"

/*
 * How long an event waits before a vCPU running a guest of its own is
 * stopped again to see whether it is back in the client's context.
 */
#define VCPU_RETRY_NSEC 1000000L

/*
 * The firmware's view of this vCPU's registers, through ONE_REG: the _EL2
 * exception registers whenever the vCPU has EL2, since the SDEI client is
 * then at EL2 (with or without VHE).
 */
static int regs_get(void *ctx, enum guest_reg reg, uint64_t *val)
{
	struct vcpu *vcpu = ctx;
	uint64_t id = kvm_vcpu_firmware_reg_id(reg, vcpu->vm->features.el2);

	vcpu->fw_reg_ios++;
	return id ? kvm_vcpu_get_reg(&vcpu->kvm, id, val) : -1;
}

static int regs_set(void *ctx, enum guest_reg reg, uint64_t val)
{
	struct vcpu *vcpu = ctx;
	uint64_t id = kvm_vcpu_firmware_reg_id(reg, vcpu->vm->features.el2);

	vcpu->fw_reg_ios++;
	return id ? kvm_vcpu_set_reg(&vcpu->kvm, id, val) : -1;
}

static const struct guest_regs_ops vcpu_regs_ops = {
	.get = regs_get,
	.set = regs_set,
};

static void vcpu_read_call(struct vcpu *vcpu, struct smccc_call *c)
{
	struct kvm_run *run = vcpu->kvm.run;
	unsigned int nr;

	memset(c, 0, sizeof(*c));
	c->fid = (uint32_t)run->hypercall.nr;
	c->vcpu = vcpu->kvm.id;
	c->smc = kvm_hypercall_flags(run) & KVM_HYPERCALL_EXIT_SMC;
	/*
	 * x1..: KVM passes only the ID; the arguments are in the registers,
	 * one ONE_REG read each, so only those the function takes (none for
	 * the VERSION calls).
	 */
	nr = fw_call_nr_args(vcpu->vm->fw, c->fid);
	for (unsigned int i = 0; i < nr && i < SMCCC_NR_ARGS; i++)
		if (kvm_vcpu_get_x(&vcpu->kvm, i + 1, &c->arg[i]))
			c->arg[i] = 0;
}

/*
 * --loglevel debug: every forwarded SDEI call with its first argument, and
 * its result (an error by name: values are never negative).
 */
static void log_call(const struct vcpu *vcpu, const struct smccc_call *c,
		     const struct smccc_result *res)
{
	const char *name = sdei_fid_name(c->fid);
	const char *err = NULL;

	if (!name || !fw_sdei(vcpu->vm->fw))
		return;
	if (res->nr && (int64_t)res->x[0] < 0)
		err = sdei_ret_name(res->x[0]);
	if (!res->nr)
		pr_debug(
			"vCPU %u: SDEI %s(0x%llx): back in the interrupted context",
			vcpu->kvm.id, name, (unsigned long long)c->arg[0]);
	else if (err)
		pr_debug("vCPU %u: SDEI %s(0x%llx) = %s", vcpu->kvm.id, name,
			 (unsigned long long)c->arg[0], err);
	else
		pr_debug("vCPU %u: SDEI %s(0x%llx) = 0x%llx", vcpu->kvm.id,
			 name, (unsigned long long)c->arg[0],
			 (unsigned long long)res->x[0]);
}

/* Called with fw_lock held, after any step of the core. */
void vm_fw_drain(struct vm *vm)
{
	uint32_t intid;
	bool level;
	int w;

	while ((w = fw_next_kick(vm->fw)) >= 0) {
		uint64_t none = 0;

		/* The first kick since the target's last stop is timed. */
		atomic_compare_exchange_strong(&vm->vcpus[w].kick_ns, &none,
					       log_monotonic_ns());
		atomic_store(&vm->vcpus[w].fw_kicked, true);
		vcpu_kick(&vm->vcpus[w]);
	}
	while (fw_next_line(vm->fw, &intid, &level))
		if (kvm_irq_line(&vm->kvm, intid, level))
			pr_warn("interrupt line %u: %s", intid,
				strerror(errno));
}

/* What the core's outcome means for the run; called with fw_lock held. */
static void vcpu_fw_outcome(struct vcpu *vcpu, const struct fw_effects *eff)
{
	struct vm *vm = vcpu->vm;

	switch (eff->outcome) {
	case FW_RUNS:
		break;
	case FW_POWEROFF:
		pr_info("guest powered off (t=%.6f)", log_monotonic_seconds());
		vm_stop(vm, LKVM_EXIT_POWEROFF);
		break;
	case FW_RESET:
		pr_info("guest reset (vCPU %u)", vcpu->kvm.id);
		vm_stop(vm, LKVM_EXIT_RESET);
		break;
	case FW_GUEST_FAILURE:
		pr_err("guest reported failure: code %u (PSCI SYSTEM_RESET2 type 0x%x on vCPU %u)",
		       eff->failure_code,
		       LKVM_RESET2_GUEST_FAILURE | eff->failure_code,
		       vcpu->kvm.id);
		vm_stop(vm, LKVM_EXIT_GUEST_FAILURE);
		break;
	case FW_ERROR:
		pr_err("vCPU %u: firmware: a register access failed",
		       vcpu->kvm.id);
		vm_stop(vm, LKVM_EXIT_ERROR);
		break;
	}
}

/* An event waits for this vCPU's own context: stop it again soon. */
static void vcpu_retry_later(struct vcpu *vcpu)
{
	atomic_store(&vcpu->fw_kicked, true);
	vcpu_kick_timer_arm(vcpu->retry_timer, VCPU_RETRY_NSEC);
}

void vcpu_handle_hypercall(struct vcpu *vcpu)
{
	struct guest_regs regs = { .ops = &vcpu_regs_ops, .ctx = vcpu };
	struct vm *vm = vcpu->vm;
	struct fw_effects eff;
	struct smccc_call c;

	vcpu_read_call(vcpu, &c);
	pthread_mutex_lock(&vm->fw_lock);
	fw_call(vm->fw, &c, &regs, &eff);
	if (log_enabled(LOG_DEBUG))
		log_call(vcpu, &c, &eff.res);
	vcpu_fw_outcome(vcpu, &eff);
	/* CPU_OFF: parked in KVM_RUN until a CPU_ON resets it. */
	if (eff.park && kvm_vcpu_set_mp_state(&vcpu->kvm, KVM_MP_STATE_STOPPED))
		vm_stop(vm, LKVM_EXIT_ERROR);
	if (eff.retry)
		vcpu_retry_later(vcpu);
	vm_fw_drain(vm);
	pthread_mutex_unlock(&vm->fw_lock);
}

/* A CPU_ON for this vCPU: reset with the VM's features, then enter. */
static int vcpu_boot(struct vcpu *vcpu, const struct fw_effects *eff)
{
	struct vm *vm = vcpu->vm;
	struct boot_regs regs;

	boot_regs_cpu_on(eff->boot_entry, eff->boot_context,
			 vm->features.el2     ? BOOT_EL2 :
			 vm->features.aarch32 ? BOOT_EL1_AARCH32 :
						BOOT_EL1,
			 &regs);
	/* KVM_ARM_VCPU_INIT again resets the vCPU and makes it runnable. */
	if (kvm_vcpu_init(&vm->kvm, &vcpu->kvm, &vm->features, false) ||
	    kvm_vcpu_set_boot_regs(&vcpu->kvm, &regs))
		return -1;
	pthread_mutex_lock(&vm->fw_lock);
	fw_booted(vm->fw, vcpu->kvm.id);
	pthread_mutex_unlock(&vm->fw_lock);
	return 0;
}

/*
 * KVM finishes an MMIO load (writes the register) and enters an injected
 * exception (moves PC to the vector) in the next KVM_RUN: do that run now,
 * with immediate_exit so that it comes straight back.
 */
static void vcpu_complete_entry(struct vcpu *vcpu)
{
	vcpu->kvm.run->immediate_exit = 1;
	ioctl(vcpu->kvm.fd, KVM_RUN, 0);
	vcpu->kvm.run->immediate_exit = 0;
	vcpu->entry_pending = false;
}

/* One fw_stop() of this vCPU; returns its effects. */
static void vcpu_fw_stop(struct vcpu *vcpu, struct fw_effects *eff)
{
	struct guest_regs regs = { .ops = &vcpu_regs_ops, .ctx = vcpu };
	struct vm *vm = vcpu->vm;

	pthread_mutex_lock(&vm->fw_lock);
	fw_stop(vm->fw, vcpu->kvm.id,
		vcpu->entry_pending ? FW_STOP_ENTRY_PENDING : 0, &regs, eff);
	vcpu_fw_outcome(vcpu, eff);
	if (eff->retry)
		vcpu_retry_later(vcpu);
	vm_fw_drain(vm);
	pthread_mutex_unlock(&vm->fw_lock);
}

/* The stop's figures: the wake from kick_ns (0: not timed) to t0. */
static void vcpu_count_stop(struct vcpu *vcpu, uint64_t kick_ns, uint64_t t0,
			    uint64_t ios)
{
	struct vcpu_stop_stats *st = &vcpu->stops;
	uint64_t stop = log_monotonic_ns() - t0;

	st->nr++;
	st->stop_ns += stop;
	if (stop > st->stop_max_ns)
		st->stop_max_ns = stop;
	st->reg_ios += vcpu->fw_reg_ios - ios;
	if (kick_ns && kick_ns <= t0) {
		st->woken++;
		st->wake_ns += t0 - kick_ns;
		if (t0 - kick_ns > st->wake_max_ns)
			st->wake_max_ns = t0 - kick_ns;
	}
}

int vcpu_apply_requests(struct vcpu *vcpu)
{
	struct fw_effects eff;
	uint64_t t0, kick_ns, ios = vcpu->fw_reg_ios;
	int ret;

	/* Only a stop the core asked for costs the lock (no per-exit scan). */
	if (!vcpu->vm->fw || !atomic_exchange(&vcpu->fw_kicked, false))
		return 0;
	t0 = log_monotonic_ns();
	kick_ns = atomic_exchange(&vcpu->kick_ns, 0);
	vcpu_fw_stop(vcpu, &eff);
	if (eff.boot) {
		ret = vcpu_boot(vcpu, &eff);
	} else {
		if (eff.enter_first) {
			vcpu_complete_entry(vcpu);
			vcpu_fw_stop(vcpu, &eff);
		}
		ret = eff.outcome == FW_ERROR ? -1 : 0;
	}
	vcpu_count_stop(vcpu, kick_ns, t0, ios);
	return ret;
}

void vcpu_log_stops(const struct vcpu *vcpu)
{
	const struct vcpu_stop_stats *st = &vcpu->stops;

	if (!st->nr || !log_enabled(LOG_INFO))
		return;
	pr_info("vCPU %u: %llu firmware stops: %.1f us each (max %.1f), %.1f register accesses each; from the kick to the stop %.1f us (max %.1f, %llu timed)",
		vcpu->kvm.id, (unsigned long long)st->nr,
		st->stop_ns / 1e3 / st->nr, st->stop_max_ns / 1e3,
		(double)st->reg_ios / st->nr,
		st->woken ? st->wake_ns / 1e3 / st->woken : 0.0,
		st->wake_max_ns / 1e3, (unsigned long long)st->woken);
}
