// SPDX-License-Identifier: GPL-2.0
/*
 * Firmware calls of a vCPU: KVM_EXIT_HYPERCALL (SMCCC filter, forwarded
 * function IDs) turned into a struct smccc_call for the pure dispatchers in
 * firmware-emu/, their results written back, and the actions they ask for
 * carried out. Requests for another vCPU (PSCI CPU_ON) are queued on it and
 * applied by its own thread at its next stop: no thread writes another
 * vCPU's registers.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "log.h"
#include "vm.h"
#include "../arm64/kvm-compat.h"

/* firmware-emu's view of this vCPU's registers, through ONE_REG. */
static int regs_get(void *ctx, enum guest_reg reg, uint64_t *val)
{
	struct vcpu *vcpu = ctx;
	uint64_t id = kvm_vcpu_firmware_reg_id(reg, vm_kernel_at_el2(vcpu->vm));

	return id ? kvm_vcpu_get_reg(&vcpu->kvm, id, val) : -1;
}

static int regs_set(void *ctx, enum guest_reg reg, uint64_t val)
{
	struct vcpu *vcpu = ctx;
	uint64_t id = kvm_vcpu_firmware_reg_id(reg, vm_kernel_at_el2(vcpu->vm));

	return id ? kvm_vcpu_set_reg(&vcpu->kvm, id, val) : -1;
}

static const struct guest_regs_ops vcpu_regs_ops = {
	.get = regs_get,
	.set = regs_set,
};

/*
 * Enters a deliverable SDEI event's handler, at a clean stop of this vCPU:
 * called with fw_lock held, after any hypercall result was written (so the
 * saved x0 is that result) and with no MMIO completion pending.
 */
static int vcpu_sdei_dispatch(struct vcpu *vcpu)
{
	struct guest_regs regs = { .ops = &vcpu_regs_ops, .ctx = vcpu };
	int ret;

	if (!vcpu->vm->sdei)
		return 0;
	ret = sdei_dispatch(vcpu->vm->sdei, vcpu->kvm.id, &regs);
	vm_sdei_after(vcpu->vm);
	/* -EAGAIN: the vCPU runs above the client's EL; a later stop. */
	return ret == -EIO || ret == -EINVAL ? -1 : 0;
}

static void vcpu_read_call(struct vcpu *vcpu, struct smccc_call *c)
{
	struct kvm_run *run = vcpu->kvm.run;

	memset(c, 0, sizeof(*c));
	c->fid = (uint32_t)run->hypercall.nr;
	c->vcpu = vcpu->kvm.id;
	c->smc = kvm_hypercall_flags(run) & KVM_HYPERCALL_EXIT_SMC;
	/* x1..x7: KVM passes only the ID; arguments are in the registers. */
	for (unsigned int i = 0; i < SMCCC_NR_ARGS; i++)
		if (kvm_vcpu_get_x(&vcpu->kvm, i + 1, &c->arg[i]))
			c->arg[i] = 0;
}

static int vcpu_write_result(struct vcpu *vcpu, const struct smccc_result *r)
{
	for (unsigned int i = 0; i < r->nr && i < 4; i++)
		if (kvm_vcpu_set_x(&vcpu->kvm, i, r->x[i]))
			return -1;
	return 0;
}

/* Queues a CPU_ON on target and kicks its thread out of KVM_RUN. */
static void vcpu_queue_cpu_on(struct vm *vm, const struct psci_action *act)
{
	struct vcpu *target = &vm->vcpus[act->target];

	/* DEN0054 6.x: CPU_ON masks the PE and wipes its private events. */
	if (vm->sdei) {
		sdei_cpu_on(vm->sdei, act->target);
		vm_sdei_after(vm);
	}
	target->on.pending = true;
	target->on.entry = act->entry;
	target->on.context = act->context;
	vcpu_kick(target);
}

/* Carries out what a PSCI call asked for; called with fw_lock held. */
static void vcpu_psci_act(struct vcpu *vcpu, const struct psci_action *act)
{
	struct vm *vm = vcpu->vm;

	switch (act->kind) {
	case PSCI_ACT_NONE:
		break;
	case PSCI_ACT_CPU_ON:
		vcpu_queue_cpu_on(vm, act);
		break;
	case PSCI_ACT_CPU_OFF:
		if (vm->sdei) {
			sdei_cpu_off(vm->sdei, vcpu->kvm.id);
			vm_sdei_after(vm);
		}
		/* Parks this vCPU in KVM_RUN until a CPU_ON kicks it. */
		if (kvm_vcpu_set_mp_state(&vcpu->kvm, KVM_MP_STATE_STOPPED))
			vm_stop(vm, LKVM_EXIT_ERROR);
		break;
	case PSCI_ACT_SYSTEM_OFF:
		pr_info("guest powered off (t=%.6f)", log_monotonic_seconds());
		vm_stop(vm, LKVM_EXIT_POWEROFF);
		break;
	case PSCI_ACT_SYSTEM_RESET:
		/* Nothing SDEI holds survives a reset (DEN0054 5.x). */
		if (vm->sdei)
			sdei_system_reset(vm->sdei);
		pr_info("guest reset (vCPU %u)", vcpu->kvm.id);
		vm_stop(vm, LKVM_EXIT_RESET);
		break;
	case PSCI_ACT_GUEST_FAILURE:
		pr_err("guest reported failure: code %u (PSCI SYSTEM_RESET2 type 0x%x on vCPU %u)",
		       act->code, LKVM_RESET2_GUEST_FAILURE | act->code,
		       vcpu->kvm.id);
		vm_stop(vm, LKVM_EXIT_GUEST_FAILURE);
		break;
	}
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

	if (!name || !vcpu->vm->sdei)
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

void vcpu_handle_hypercall(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	struct smccc_result res = { .x = { SMCCC_RET_NOT_SUPPORTED }, .nr = 1 };
	struct psci_action act = { .kind = PSCI_ACT_NONE };
	struct smccc_call c;

	struct guest_regs regs = { .ops = &vcpu_regs_ops, .ctx = vcpu };
	int err = 0;

	vcpu_read_call(vcpu, &c);
	pthread_mutex_lock(&vm->fw_lock);
	/* Route by function-ID range (DEN0028 6.2); KVM already moved PC. */
	if (psci_owns(c.fid))
		psci_call(&vm->psci, &c, &res, &act);
	else if (vm->sdei && c.fid >= SDEI_FID_BASE && c.fid <= SDEI_FID_LAST)
		err = sdei_call(vm->sdei, &c, &regs, &res);
	if (log_enabled(LOG_DEBUG))
		log_call(vcpu, &c, &res);
	/* The result first, then a dispatch: its saved x0 is the result. */
	if (err || vcpu_write_result(vcpu, &res) || vcpu_sdei_dispatch(vcpu))
		vm_stop(vm, LKVM_EXIT_ERROR);
	else
		vcpu_psci_act(vcpu, &act);
	pthread_mutex_unlock(&vm->fw_lock);
}

/* Applies a queued CPU_ON: reset with the VM's features, then enter. */
static int vcpu_apply_cpu_on(struct vcpu *vcpu, uint64_t entry,
			     uint64_t context)
{
	struct vm *vm = vcpu->vm;
	struct boot_regs regs;

	boot_regs_cpu_on(entry, context, vm->features.el2 ? BOOT_EL2 : BOOT_EL1,
			 &regs);
	/* KVM_ARM_VCPU_INIT again resets the vCPU and makes it runnable. */
	if (kvm_vcpu_init(&vm->kvm, &vcpu->kvm, &vm->features, false) ||
	    kvm_vcpu_set_boot_regs(&vcpu->kvm, &regs))
		return -1;
	pthread_mutex_lock(&vm->fw_lock);
	psci_cpu_on_done(&vm->psci, vcpu->kvm.id);
	pthread_mutex_unlock(&vm->fw_lock);
	return 0;
}

/*
 * KVM finishes an MMIO read (writes the loaded register) in the next
 * KVM_RUN: do that run now, with immediate_exit so that it comes straight
 * back, before anything else touches the registers.
 */
static void vcpu_complete_mmio(struct vcpu *vcpu)
{
	if (!vcpu->mmio_pending)
		return;
	vcpu->kvm.run->immediate_exit = 1;
	ioctl(vcpu->kvm.fd, KVM_RUN, 0);
	vcpu->kvm.run->immediate_exit = 0;
	vcpu->mmio_pending = false;
}

int vcpu_apply_requests(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	struct vcpu_on_request on;
	int ret = 0;

	if (!vm->user_firmware)
		return 0;
	pthread_mutex_lock(&vm->fw_lock);
	on = vcpu->on;
	vcpu->on.pending = false;
	pthread_mutex_unlock(&vm->fw_lock);
	if (on.pending && vcpu_apply_cpu_on(vcpu, on.entry, on.context))
		return -1;
	if (!vm->sdei)
		return 0;
	pthread_mutex_lock(&vm->fw_lock);
	ret = sdei_vcpu_has_work(vm->sdei, vcpu->kvm.id);
	/*
	 * Nothing to take (another vCPU took the shared event it was kicked
	 * for): dispatch all the same, which reads no register but ends this
	 * vCPU's kick, so that later work kicks it again (a lost wakeup
	 * fuzz-firmware found).
	 */
	if (!ret)
		ret = vcpu_sdei_dispatch(vcpu);
	else
		ret = 1;
	pthread_mutex_unlock(&vm->fw_lock);
	if (ret <= 0)
		return ret;
	vcpu_complete_mmio(vcpu);
	pthread_mutex_lock(&vm->fw_lock);
	ret = vcpu_sdei_dispatch(vcpu);
	pthread_mutex_unlock(&vm->fw_lock);
	return ret;
}
