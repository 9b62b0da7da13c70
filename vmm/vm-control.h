/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control socket's requests for a running VM (vm-control.c): stop,
 * pause, resume, and the SDEI ones (sdei-host.c).
 */
#ifndef LKVM_VM_CONTROL_H
#define LKVM_VM_CONTROL_H

#include <stddef.h>

#include "control.h"

struct vcpu;
struct vm;

/* The control socket's requests, a control_handler. */
void vm_control_handle(void *ctx, const struct control_req *req, char *reply,
		       size_t size);
/*
 * lkvm pause / resume: every vCPU thread parks at its next clean stop
 * (vcpu_park) until resume or the VM stops. vm_pause returns 0 once all
 * have parked, -1 if they did not within a few seconds.
 */
int vm_pause(struct vm *vm);
void vm_resume(struct vm *vm);
void vcpu_park(struct vcpu *vcpu);

/*
 * A dump line (regs-dump.h) for each vCPU, handed to line(); the vCPUs
 * must be outside KVM_RUN (paused, or their threads joined).
 */
void vm_dump_vcpus(struct vm *vm, void (*line)(void *ctx, const char *s),
		   void *ctx);

#endif
