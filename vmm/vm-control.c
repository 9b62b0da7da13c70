// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's requests against a running VM: info (lkvm list),
 * stop, pause and resume, and the SDEI ones (sdei-host.c). Called on the
 * I/O thread.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "vm.h"
#include "sdei-host.h"
#include "vm-control.h"

/* How long pause waits for every vCPU thread to park. */
#define VM_PAUSE_TIMEOUT_S 5

void vcpu_park(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	pthread_mutex_lock(&vm->pause_lock);
	if (vm->paused && !atomic_load(&vm->stopping)) {
		vm->parked++;
		pthread_cond_broadcast(&vm->pause_cond);
		while (vm->paused && !atomic_load(&vm->stopping))
			pthread_cond_wait(&vm->pause_cond, &vm->pause_lock);
		vm->parked--;
	}
	pthread_mutex_unlock(&vm->pause_lock);
}

int vm_pause(struct vm *vm)
{
	struct timespec until;
	int ret = 0;

	pthread_mutex_lock(&vm->pause_lock);
	vm->paused = true;
	pthread_mutex_unlock(&vm->pause_lock);
	/* Out of KVM_RUN, after completing any MMIO: a clean stop. */
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += VM_PAUSE_TIMEOUT_S;
	pthread_mutex_lock(&vm->pause_lock);
	while (vm->parked < vm->nr_vcpus && !atomic_load(&vm->stopping) &&
	       ret != ETIMEDOUT)
		ret = pthread_cond_timedwait(&vm->pause_cond, &vm->pause_lock,
					     &until);
	ret = vm->parked == vm->nr_vcpus ? 0 : -1;
	pthread_mutex_unlock(&vm->pause_lock);
	return ret;
}

void vm_resume(struct vm *vm)
{
	pthread_mutex_lock(&vm->pause_lock);
	vm->paused = false;
	pthread_cond_broadcast(&vm->pause_cond);
	pthread_mutex_unlock(&vm->pause_lock);
}

static bool vm_is_paused(struct vm *vm)
{
	bool paused;

	pthread_mutex_lock(&vm->pause_lock);
	paused = vm->paused;
	pthread_mutex_unlock(&vm->pause_lock);
	return paused;
}

static void control_pause(struct vm *vm, char *reply, size_t size)
{
	if (vm_is_paused(vm)) {
		snprintf(reply, size, "error the guest is paused already");
		return;
	}
	if (vm_pause(vm)) {
		vm_resume(vm);
		snprintf(reply, size,
			 "error the vCPUs did not stop within %d s: not paused",
			 VM_PAUSE_TIMEOUT_S);
		return;
	}
	pr_info("control: guest paused");
	snprintf(reply, size, "ok paused");
}

static void control_resume(struct vm *vm, char *reply, size_t size)
{
	if (!vm_is_paused(vm)) {
		snprintf(reply, size, "error the guest is not paused");
		return;
	}
	vm_resume(vm);
	pr_info("control: guest resumed");
	snprintf(reply, size, "ok running");
}

void vm_control_handle(void *ctx, const struct control_req *req, char *reply,
		       size_t size)
{
	struct vm *vm = ctx;

	switch (req->op) {
	case CONTROL_INFO:
		snprintf(reply, size,
			 "ok name=%s pid=%d vcpus=%u mem=%llu state=%s",
			 vm->plan.name, (int)getpid(), vm->nr_vcpus,
			 (unsigned long long)(vm->plan.ram_size >> 20),
			 vm_is_paused(vm) ? "paused" : "running");
		break;
	case CONTROL_STOP:
		pr_info("control: stopping the guest (lkvm stop)");
		vm_stop(vm, LKVM_EXIT_STOPPED);
		snprintf(reply, size, "ok stopping");
		break;
	case CONTROL_PAUSE:
		control_pause(vm, reply, size);
		break;
	case CONTROL_RESUME:
		control_resume(vm, reply, size);
		break;
	case CONTROL_SDEI_SIGNAL:
		vm_sdei_signal(vm, req, reply, size);
		break;
	case CONTROL_SDEI_STATUS:
		vm_sdei_status(vm, req, reply, size);
		break;
	default:
		snprintf(reply, size, "error unknown request");
		break;
	}
}
