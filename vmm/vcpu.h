/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A vCPU of the VM and its thread (vcpu.c): KVM_RUN and the exits it
 * handles itself; firmware calls go to vcpu-hypercall.c.
 */
#ifndef LKVM_VCPU_H
#define LKVM_VCPU_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include "../arm64/kvm-vcpu.h"

struct vm;

struct vcpu {
	struct kvm_vcpu kvm;
	struct vm *vm;
	pthread_t thread;
	atomic_bool thread_started;
	/*
	 * The firmware core asked for a stop of this vCPU (fw_next_kick(),
	 * or its retry timer): its next stop calls fw_stop(). Other exits do
	 * not touch the firmware's lock.
	 */
	atomic_bool fw_kicked;
	/* Kicks this thread again later (vcpu-kick.h); the thread's own. */
	timer_t retry_timer;
	bool retry_timer_made;
	/*
	 * KVM owes the vCPU an entry: an MMIO load to finish, or an injected
	 * exception to take, at the next KVM_RUN.
	 */
	bool entry_pending;
};

/* Once per process, before the first vCPU thread: the kick signal. */
void vcpu_signals_init(void);
/* Starts the vCPU's thread; 0, or -1 after logging. */
int vcpu_start(struct vcpu *vcpu);

/*
 * After every vcpu_start() of a boot (also when one failed): the vCPU
 * threads wait for this before they run anything.
 */
void vcpus_release(struct vm *vm);
/* Makes the thread leave KVM_RUN, or not enter it (vcpu-kick.h). */
void vcpu_kick(struct vcpu *vcpu);
void vcpu_join(struct vcpu *vcpu);

#endif
