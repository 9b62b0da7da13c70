/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A vCPU's side of the firmware core (vcpu-hypercall.c): its forwarded
 * SMCCC calls, its stops after a kick, and the effects carried out.
 */
#ifndef LKVM_VCPU_HYPERCALL_H
#define LKVM_VCPU_HYPERCALL_H

struct vcpu;
struct vm;

/* KVM_EXIT_HYPERCALL: the call goes to fw_call(). */
void vcpu_handle_hypercall(struct vcpu *vcpu);
/*
 * At each stop of the vCPU, before KVM_RUN: if the firmware core asked
 * for this stop, fw_stop() and what it returns (a CPU_ON, an event).
 * 0, or -1 when the VM must stop.
 */
int vcpu_apply_requests(struct vcpu *vcpu);
/*
 * After any step of the firmware core, with fw_lock held: kicks the vCPUs
 * it names and drives the GIC lines it changed.
 */
void vm_fw_drain(struct vm *vm);
/*
 * At the end, with --loglevel info: the vCPU's stops (struct
 * vcpu_stop_stats) in one line, if it had any.
 */
void vcpu_log_stops(const struct vcpu *vcpu);

#endif
