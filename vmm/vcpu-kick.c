// SPDX-License-Identifier: GPL-2.0
/*
 * Kicks that cannot be lost (see vcpu-kick.h). The earlier scheme, a
 * flag (kvm_run's immediate_exit) set by the kicker and cleared by the
 * vCPU thread after it looked at its requests, lost a kick that landed
 * between the look and the clear: the thread went back into KVM_RUN and
 * an idle guest never stopped. A pending signal cannot be cleared by
 * mistake: only vcpu_kick_take() consumes it, and only after a KVM_RUN
 * that it ended.
 */
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vcpu-kick.h"

static void kick_handler(int sig)
{
	(void)sig;
}

void vcpu_kick_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;
	/* No SA_RESTART: a kick delivered in a system call interrupts it. */
	sigaction(VCPU_KICK_SIGNAL, &sa, NULL);
}

int vcpu_kick_block(sigset_t *run_mask)
{
	sigset_t kick;

	sigemptyset(&kick);
	sigaddset(&kick, VCPU_KICK_SIGNAL);
	if (pthread_sigmask(SIG_BLOCK, &kick, run_mask))
		return -1;
	sigdelset(run_mask, VCPU_KICK_SIGNAL);
	return 0;
}

void vcpu_kick_send(pthread_t thread)
{
	pthread_kill(thread, VCPU_KICK_SIGNAL);
}

bool vcpu_kick_take(void)
{
	static const struct timespec now = { 0, 0 };
	sigset_t kick;

	sigemptyset(&kick);
	sigaddset(&kick, VCPU_KICK_SIGNAL);
	return sigtimedwait(&kick, NULL, &now) == VCPU_KICK_SIGNAL;
}

int vcpu_kick_timer_create(timer_t *timer)
{
	struct sigevent sev;

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = VCPU_KICK_SIGNAL;
	sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	return timer_create(CLOCK_MONOTONIC, &sev, timer) ? -1 : 0;
}

void vcpu_kick_timer_arm(timer_t timer, long nsec)
{
	struct itimerspec its = { .it_value = { 0, nsec } };

	timer_settime(timer, 0, &its, NULL);
}

void vcpu_kick_timer_delete(timer_t timer)
{
	timer_delete(timer);
}
