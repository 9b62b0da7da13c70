/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-vCPU KVM/arm64 ioctls: creation, KVM_ARM_VCPU_INIT, register access
 * through ONE_REG. Thin: no decisions here.
 */
#ifndef LKVM_KVM_VCPU_H
#define LKVM_KVM_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "boot.h"
#include "kvm-vm.h"

struct kvm_run;

/* The KVM_ARM_VCPU_INIT features; every vCPU of a VM gets the same. */
struct vcpu_features {
	bool el2; /* KVM_ARM_VCPU_HAS_EL2: the vCPU has virtual EL2 */
	bool e2h0; /* KVM_ARM_VCPU_HAS_EL2_E2H0: EL2 without VHE */
	bool sve; /* KVM_ARM_VCPU_SVE */
	unsigned int
		sve_max_vq; /* largest vector length in quadwords; 0: KVM's */
	bool ptrauth; /* KVM_ARM_VCPU_PTRAUTH_ADDRESS and _GENERIC */
	bool pmu; /* KVM_ARM_VCPU_PMU_V3 */
	bool aarch32; /* KVM_ARM_VCPU_EL1_32BIT */
};

struct kvm_vcpu {
	unsigned int id;
	int fd;
	struct kvm_run *run;
};

/* Creates vCPU id and maps its kvm_run. */
int kvm_vcpu_create(struct kvm_vm *vm, unsigned int id, struct kvm_vcpu *vcpu);

/* Unmaps its kvm_run and closes it. */
void kvm_vcpu_destroy(struct kvm_vm *vm, struct kvm_vcpu *vcpu);

/*
 * KVM_ARM_VCPU_INIT with in-kernel PSCI 0.2+. Secondary vCPUs start
 * powered off, waiting for PSCI CPU_ON.
 */
int kvm_vcpu_init(struct kvm_vm *vm, struct kvm_vcpu *vcpu,
		  const struct vcpu_features *f, bool powered_off);

/*
 * Once, after the first KVM_ARM_VCPU_INIT and before the vCPU runs: the
 * SVE vector lengths (at most f->sve_max_vq quadwords) and
 * KVM_ARM_VCPU_FINALIZE. 0, or -1 (logged).
 */
int kvm_vcpu_finalize(struct kvm_vcpu *vcpu, const struct vcpu_features *f);

/* PMUv3 with its overflow interrupt (a PPI INTID), after the vGIC's init. */
int kvm_vcpu_pmu_init(struct kvm_vcpu *vcpu, unsigned int intid);

/* Stolen time: the vCPU's 64-byte record at guest physical address ipa. */
int kvm_vcpu_pvtime_set(struct kvm_vcpu *vcpu, uint64_t ipa);

struct vcpu_dump;

/*
 * The registers of a dump (regs-dump.h), while the vCPU is outside
 * KVM_RUN; EL2's with el2. A failed read is marked, never fatal.
 */
void kvm_vcpu_read_dump(struct kvm_vcpu *vcpu, bool el2, struct vcpu_dump *d);

int kvm_vcpu_get_reg(struct kvm_vcpu *vcpu, uint64_t id, uint64_t *val);
int kvm_vcpu_set_reg(struct kvm_vcpu *vcpu, uint64_t id, uint64_t val);

/* General purpose register xN (0..30). */
int kvm_vcpu_get_x(struct kvm_vcpu *vcpu, unsigned int n, uint64_t *val);

int kvm_vcpu_set_x(struct kvm_vcpu *vcpu, unsigned int n, uint64_t val);

/*
 * Makes the vCPU take a synchronous external data abort at its current
 * instruction when it next runs (KVM_SET_VCPU_EVENTS ext_dabt_pending).
 * Returns 0 or -1 (logged).
 */
int kvm_vcpu_inject_ext_dabt(struct kvm_vcpu *vcpu);

/* KVM_SET_MP_STATE: KVM_MP_STATE_STOPPED parks the vCPU in KVM_RUN. */
int kvm_vcpu_set_mp_state(struct kvm_vcpu *vcpu, uint32_t state);

/*
 * The ONE_REG id of a firmware-visible register (firmware-emu/smccc.h's
 * enum guest_reg, as a plain index): x0..x30, PC, PSTATE, then ELR, SPSR,
 * SCTLR and VBAR of EL2 when el2 (a guest kernel at EL2), else of EL1, and
 * MPIDR. 0 for an index out of range.
 */
uint64_t kvm_vcpu_firmware_reg_id(unsigned int reg, bool el2);

int kvm_vcpu_get_mpidr(struct kvm_vcpu *vcpu, uint64_t *mpidr);

/*
 * The offset between this host's virtual counter (CNTVCT_EL0 read here)
 * and the vCPU's: guest counter = host counter - *offset (negative when
 * the guest's runs ahead, as a guest with EL2 may), to within the
 * time a ONE_REG read takes. Lets the lab set guest and host times side
 * by side.
 */
int kvm_vcpu_counter_offset(struct kvm_vcpu *vcpu, int64_t *offset);

/* Writes PC, PSTATE and x0..x3. */
int kvm_vcpu_set_boot_regs(struct kvm_vcpu *vcpu, const struct boot_regs *r);

#endif
