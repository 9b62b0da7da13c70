// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU threads: each runs KVM_RUN and handles its own exits. Another thread
 * stops it with a kick (vcpu-kick.h): the kick signal is blocked in the
 * vCPU thread except inside KVM_RUN, so a kick sent while the thread is
 * outside KVM_RUN makes its next KVM_RUN return at once, and none is lost.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>

#include "log.h"
#include "vcpu-kick.h"
#include "vm.h"
#include "vm-control.h"
#include "vcpu-hypercall.h"
#include "../arm64/kvm-compat.h"

/* Rate limit for guest-caused log lines: a guest must not flood the log. */
#define UNHANDLED_MMIO_LOG_MAX 10

void vcpu_signals_init(void)
{
	vcpu_kick_init();
}

void vcpu_kick(struct vcpu *vcpu)
{
	if (vcpu->thread_started)
		vcpu_kick_send(vcpu->thread);
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
	/* --debug-mmio (kvmtool's): every access, not just the first few. */
	if (atomic_fetch_add(&vm->unhandled_mmio, 1) < UNHANDLED_MMIO_LOG_MAX ||
	    vm->opts->debug_mmio)
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
		vcpu->entry_pending = true;
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
		/* The abort is taken at the next entry: none before it. */
		vcpu->entry_pending = true;
		return true;
	default:
		pr_err("vCPU %u: unexpected KVM exit reason %u", vcpu->kvm.id,
		       run->exit_reason);
		break;
	}
	vm_stop(vcpu->vm, LKVM_EXIT_ERROR);
	return false;
}

/*
 * The thread's kick set-up: the kick blocked outside KVM_RUN, KVM given
 * the mask to run with, and the retry timer. 0, or -1 after logging.
 */
static int vcpu_thread_init(struct vcpu *vcpu)
{
	struct {
		struct kvm_signal_mask m;
		uint8_t set[8];
	} mask = { .m.len = 8 };
	sigset_t run_mask;

	if (vcpu_kick_block(&run_mask)) {
		pr_err("vCPU %u: cannot block the kick signal", vcpu->kvm.id);
		return -1;
	}
	/* KVM takes the kernel's sigset: the first 64 signals, 8 bytes. */
	memcpy(mask.set, &run_mask, sizeof(mask.set));
	if (ioctl(vcpu->kvm.fd, KVM_SET_SIGNAL_MASK, &mask.m)) {
		pr_err("vCPU %u: KVM_SET_SIGNAL_MASK: %s", vcpu->kvm.id,
		       strerror(errno));
		return -1;
	}
	if (vcpu_kick_timer_create(&vcpu->retry_timer)) {
		pr_err("vCPU %u: retry timer: %s", vcpu->kvm.id,
		       strerror(errno));
		return -1;
	}
	vcpu->retry_timer_made = true;
	return 0;
}

/*
 * The thread's name ("vcpu N", for ps and /proc) and, with
 * --vcpu-affinity, its host CPUs. 0, or -1 after logging.
 */
static int vcpu_thread_place(struct vcpu *vcpu)
{
	const struct run_opts *o = vcpu->vm->opts;
	char name[16];
	cpu_set_t set;

	snprintf(name, sizeof(name), "vcpu %u", vcpu->kvm.id);
	prctl(PR_SET_NAME, name, 0, 0, 0);
	if (!o->vcpu_affinity_set)
		return 0;
	CPU_ZERO(&set);
	for (unsigned int c = 0; c < OPT_AFFINITY_CPUS && c < CPU_SETSIZE; c++)
		if (o->vcpu_affinity[c / 64] >> (c % 64) & 1)
			CPU_SET(c, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		pr_err("--vcpu-affinity: vCPU %u: %s (none of those CPUs usable?)",
		       vcpu->kvm.id, strerror(errno));
		return -1;
	}
	return 0;
}

void vcpus_release(struct vm *vm)
{
	pthread_mutex_lock(&vm->pause_lock);
	vm->vcpus_go = true;
	pthread_cond_broadcast(&vm->pause_cond);
	pthread_mutex_unlock(&vm->pause_lock);
}

/*
 * A kick goes to a thread by its id, which its vcpu_start() writes after
 * the thread may already run. Had this thread run first, a kick sent
 * meanwhile (vCPU 0's CPU_ON, a stop) would find no thread yet, and this
 * one would sleep in KVM_RUN with the request unseen: every thread waits
 * here until all have been started.
 */
static void vcpu_wait_go(struct vm *vm)
{
	pthread_mutex_lock(&vm->pause_lock);
	while (!vm->vcpus_go)
		pthread_cond_wait(&vm->pause_cond, &vm->pause_lock);
	pthread_mutex_unlock(&vm->pause_lock);
}

/*
 * LKVM_VCPU_SELFTEST=fail, for the lab (as LKVM_SANDBOX_SELFTEST): vCPU
 * 0's first KVM_RUN that comes back is taken as failed, so that what a
 * real KVM failure leads to (the run ends with status 1, each vCPU's
 * registers on stderr) can be checked; no guest can make KVM_RUN fail.
 */
static bool vcpu_selftest_fail(const struct vcpu *vcpu)
{
	const char *s = getenv("LKVM_VCPU_SELFTEST");

	return vcpu->kvm.id == 0 && s && !strcmp(s, "fail");
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	struct vm *vm = vcpu->vm;
	bool selftest_fail = vcpu_selftest_fail(vcpu);
	int ret;

	vcpu_wait_go(vm);
	if (vcpu_thread_place(vcpu) || vcpu_thread_init(vcpu)) {
		vm_stop(vm, LKVM_EXIT_ERROR);
		return NULL;
	}
	while (!atomic_load(&vm->stopping)) {
		vcpu_park(vcpu);
		if (vcpu_apply_requests(vcpu)) {
			vm_stop(vm, LKVM_EXIT_ERROR);
			break;
		}
		ret = ioctl(vcpu->kvm.fd, KVM_RUN, 0);
		/* Any KVM_RUN, even one that returns EINTR, makes the entry. */
		vcpu->entry_pending = false;
		if (selftest_fail && ret >= 0) {
			pr_err("vCPU %u: KVM_RUN failed (LKVM_VCPU_SELFTEST)",
			       vcpu->kvm.id);
			vm_stop(vm, LKVM_EXIT_ERROR);
			break;
		}
		if (ret < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				/* Taken now; what it asked for is seen above. */
				vcpu_kick_take();
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
	if (vcpu->retry_timer_made)
		vcpu_kick_timer_delete(vcpu->retry_timer);
	vcpu->retry_timer_made = false;
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
