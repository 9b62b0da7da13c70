// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU threads: each runs KVM_RUN and handles its own exits. Another thread
 * stops it by setting immediate_exit and sending VCPU_KICK_SIGNAL, so that a
 * vCPU about to enter the guest returns at once and one in the guest exits.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>

#include "log.h"
#include "vm.h"
#include "../arm64/kvm-compat.h"

#define VCPU_KICK_SIGNAL SIGUSR1

/* Rate limit for guest-caused log lines: a guest must not flood the log. */
#define UNHANDLED_MMIO_LOG_MAX 10

static void kick_handler(int sig)
{
	(void)sig;
}

void vcpu_signals_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;
	/* No SA_RESTART: the kick must interrupt KVM_RUN with EINTR. */
	sigaction(VCPU_KICK_SIGNAL, &sa, NULL);
}

void vcpu_kick(struct vcpu *vcpu)
{
	vcpu->kvm.run->immediate_exit = 1;
	if (vcpu->thread_started)
		pthread_kill(vcpu->thread, VCPU_KICK_SIGNAL);
}

static void vcpu_handle_mmio(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->kvm.run;
	struct vm *vm = vcpu->vm;
	const struct mmio_region *r;
	unsigned int len = run->mmio.len;

	if (len > sizeof(run->mmio.data))
		len = sizeof(run->mmio.data);
	r = mmio_bus_find(&vm->mmio, run->mmio.phys_addr, len);
	if (r) {
		r->handler(r->opaque, run->mmio.phys_addr - r->base,
			   run->mmio.data, len, run->mmio.is_write);
		return;
	}
	/* Unmapped: reads as zero, writes ignored, like an empty bus. */
	if (!run->mmio.is_write)
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (atomic_fetch_add(&vm->unhandled_mmio, 1) < UNHANDLED_MMIO_LOG_MAX)
		pr_warn("vCPU %u: %s of %u bytes at unmapped address 0x%llx",
			vcpu->kvm.id, run->mmio.is_write ? "write" : "read",
			len, (unsigned long long)run->mmio.phys_addr);
}

/*
 * KVM_EXIT_ARM_NISV: an MMIO access KVM could not decode (no instruction
 * syndrome). No device lkvm emulates takes such an access, so the guest
 * gets what a bus error gives: a synchronous external data abort at the
 * instruction (kvm-vm.c, kvm_enable_nisv). Returns 0, or -1 when KVM
 * refused the injection.
 */
static int vcpu_abort_undecodable_mmio(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->kvm.run;

	if (atomic_fetch_add(&vcpu->vm->undecodable_mmio, 1) <
	    UNHANDLED_MMIO_LOG_MAX)
		pr_warn("vCPU %u: MMIO access at 0x%llx that KVM cannot decode (a load/store pair or writeback form?): data abort injected",
			vcpu->kvm.id,
			(unsigned long long)run->arm_nisv.fault_ipa);
	return kvm_vcpu_inject_ext_dabt(&vcpu->kvm);
}

/*
 * PSCI SYSTEM_RESET2 with a vendor reset type from lkvm's range reports a
 * guest failure (exit-codes.h). KVM leaves the call's arguments in x1.
 */
static int vcpu_reset_outcome(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->kvm.run;
	uint64_t type;

	if (!run->system_event.ndata ||
	    !(run->system_event.data[0] &
	      KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2))
		goto reset;
	if (kvm_vcpu_get_x(&vcpu->kvm, 1, &type))
		return LKVM_EXIT_ERROR;
	type &= 0xffffffff;
	if (type & LKVM_RESET2_GUEST_FAILURE) {
		pr_err("guest reported failure: code %llu (PSCI SYSTEM_RESET2 type 0x%llx on vCPU %u)",
		       (unsigned long long)(type & ~LKVM_RESET2_GUEST_FAILURE),
		       (unsigned long long)type, vcpu->kvm.id);
		return LKVM_EXIT_GUEST_FAILURE;
	}
reset:
	pr_info("guest reset (vCPU %u)", vcpu->kvm.id);
	return LKVM_EXIT_RESET;
}

static void vcpu_handle_system_event(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->kvm.run;

	switch (run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		pr_info("guest powered off (t=%.6f)", log_monotonic_seconds());
		vm_stop(vcpu->vm, LKVM_EXIT_POWEROFF);
		break;
	case KVM_SYSTEM_EVENT_RESET:
		vm_stop(vcpu->vm, vcpu_reset_outcome(vcpu));
		break;
	case KVM_SYSTEM_EVENT_CRASH:
		pr_err("guest crashed (vCPU %u)", vcpu->kvm.id);
		vm_stop(vcpu->vm, LKVM_EXIT_GUEST_FAILURE);
		break;
	default:
		pr_err("vCPU %u: unexpected system event %u", vcpu->kvm.id,
		       run->system_event.type);
		vm_stop(vcpu->vm, LKVM_EXIT_ERROR);
		break;
	}
}

/* Returns false when the vCPU must stop. */
static bool vcpu_handle_exit(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->kvm.run;

	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		vcpu_handle_mmio(vcpu);
		vcpu->mmio_pending = true;
		return true;
	case KVM_EXIT_INTR:
		return true;
	case KVM_EXIT_HYPERCALL:
		vcpu_handle_hypercall(vcpu);
		return !atomic_load(&vcpu->vm->stopping);
	case KVM_EXIT_SYSTEM_EVENT:
		vcpu_handle_system_event(vcpu);
		return false;
	case KVM_EXIT_FAIL_ENTRY:
		pr_err("vCPU %u: KVM could not enter the guest (reason 0x%llx)",
		       vcpu->kvm.id,
		       (unsigned long long)
			       run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		pr_err("vCPU %u: KVM internal error %u", vcpu->kvm.id,
		       run->internal.suberror);
		break;
	case KVM_EXIT_ARM_NISV:
		if (vcpu_abort_undecodable_mmio(vcpu))
			break;
		return true;
	default:
		pr_err("vCPU %u: unexpected KVM exit reason %u", vcpu->kvm.id,
		       run->exit_reason);
		break;
	}
	vm_stop(vcpu->vm, LKVM_EXIT_ERROR);
	return false;
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	struct vm *vm = vcpu->vm;
	int ret;

	while (!atomic_load(&vm->stopping)) {
		vcpu_park(vcpu);
		if (vcpu_apply_requests(vcpu)) {
			vm_stop(vm, LKVM_EXIT_ERROR);
			break;
		}
		ret = ioctl(vcpu->kvm.fd, KVM_RUN, 0);
		/* Any KVM_RUN, even one that returns EINTR, completes MMIO. */
		vcpu->mmio_pending = false;
		if (ret < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				vcpu->kvm.run->immediate_exit = 0;
				continue;
			}
			if (errno == ENOSYS)
				pr_err("vCPU %u: guest MMIO access that KVM cannot decode",
				       vcpu->kvm.id);
			else
				pr_err("vCPU %u: KVM_RUN: %s", vcpu->kvm.id,
				       strerror(errno));
			vm_stop(vm, LKVM_EXIT_ERROR);
			break;
		}
		if (!vcpu_handle_exit(vcpu))
			break;
	}
	return NULL;
}

int vcpu_start(struct vcpu *vcpu)
{
	int err = pthread_create(&vcpu->thread, NULL, vcpu_thread, vcpu);

	if (err) {
		pr_err("vCPU %u thread: %s", vcpu->kvm.id, strerror(err));
		return -1;
	}
	vcpu->thread_started = true;
	return 0;
}

void vcpu_join(struct vcpu *vcpu)
{
	if (vcpu->thread_started)
		pthread_join(vcpu->thread, NULL);
	vcpu->thread_started = false;
}
