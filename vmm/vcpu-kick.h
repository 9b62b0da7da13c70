/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kicks: how one thread makes a vCPU thread leave KVM_RUN, or not enter
 * it, without a window where the kick is lost. The kick signal stays
 * blocked in the vCPU thread except inside KVM_RUN (KVM_SET_SIGNAL_MASK
 * gives KVM the mask to run with): a kick that arrives while the thread
 * is outside KVM_RUN stays pending, and the next KVM_RUN returns EINTR at
 * once. The thread then takes it (vcpu_kick_take()) and looks at what the
 * kicker asked for, which the kicker wrote before sending the kick.
 */
#ifndef LKVM_VCPU_KICK_H
#define LKVM_VCPU_KICK_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <time.h>

#define VCPU_KICK_SIGNAL SIGUSR1

/* Once per process, before any vCPU thread starts. */
void vcpu_kick_init(void);

/*
 * In the vCPU thread: blocks the kick signal and fills run_mask with the
 * thread's mask minus the kick, the mask KVM_RUN must run with. 0 or -1.
 */
int vcpu_kick_block(sigset_t *run_mask);

/* From any thread. */
void vcpu_kick_send(pthread_t thread);

/* In the vCPU thread: takes a pending kick; true if there was one. */
bool vcpu_kick_take(void);

/*
 * A timer that kicks the calling thread (the vCPU thread) after a delay:
 * for an event that waits until the vCPU is back in the client's
 * context, also while it idles in the guest. 0 or -1.
 */
int vcpu_kick_timer_create(timer_t *timer);
void vcpu_kick_timer_arm(timer_t timer, long nsec);
void vcpu_kick_timer_delete(timer_t timer);

#endif
