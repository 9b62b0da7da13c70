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

/*
 * What the stops the firmware core asked for cost, for the log at the
 * end (vcpu_log_stops(), --loglevel info): where a cross-vCPU event's
 * time goes.
 */
struct vcpu_stop_stats {
	uint64_t nr; /* stops after a kick or the retry timer */
	/* From the kick sent to the thread at its stop, when timed. */
	uint64_t woken, wake_ns, wake_max_ns;
	/* The stop itself: the core, its register reads and writes. */
	uint64_t stop_ns, stop_max_ns, reg_ios;
};

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
	/*
	 * When the first kick since the last stop was sent (CLOCK_MONOTONIC
	 * ns; 0: none), by the thread that sent it; the stop takes it.
	 */
	_Atomic uint64_t kick_ns;
	/* The thread's own: its stops' figures, its ONE_REG accesses. */
	struct vcpu_stop_stats stops;
	uint64_t fw_reg_ios;
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
