/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SMC Calling Convention (Arm DEN0028) as lkvm's firmware emulation sees it:
 * a plain call in, results out, and an interface to the calling vCPU's
 * registers for the services that change more than x0..x3 (SDEI dispatch and
 * completion). Pure: the KVM layer turns KVM_EXIT_HYPERCALL into a call and
 * writes the results back; unit tests hand in an in-memory register file.
 */
#ifndef LKVM_SMCCC_H
#define LKVM_SMCCC_H

#include <stdbool.h>
#include <stdint.h>

/* SMCCC return codes (DEN0028 5.1), sign-extended to 64 bits in x0. */
#define SMCCC_RET_SUCCESS 0ULL
#define SMCCC_RET_NOT_SUPPORTED ((uint64_t)-1LL)

/*
 * x1..x5: the most any service lkvm answers takes (SDEI EVENT_REGISTER);
 * each argument costs the KVM layer a register read per call.
 */
#define SMCCC_NR_ARGS 5

/* SMCCC_VERSION (DEN0028 7.2), answered by KVM itself. */
#define SMCCC_VERSION_FID 0x80000000U

struct smccc_call {
	uint32_t fid; /* function ID, from x0 (KVM_EXIT_HYPERCALL nr) */
	uint64_t arg[SMCCC_NR_ARGS]; /* x1..x5 */
	unsigned int vcpu; /* index of the calling vCPU */
	bool smc; /* conduit: SMC (true) or HVC */
};

struct smccc_result {
	uint64_t x[4];
	/*
	 * How many of x0..x3 the KVM layer writes back. 0 when the call does
	 * not return to its caller in the ordinary way (SDEI EVENT_COMPLETE
	 * restored the interrupted context through the register interface).
	 */
	unsigned int nr;
};

/* Registers a service may read or write, of the calling vCPU. */
enum guest_reg {
	GUEST_REG_X0 = 0, /* x0..x30 are GUEST_REG_X0 + n */
	GUEST_REG_PC = 31,
	GUEST_REG_PSTATE, /* SPSR format */
	/*
	 * The exception registers of the EL the vCPU runs its kernel at:
	 * ELR_EL1/SPSR_EL1/SCTLR_EL1/VBAR_EL1 for a guest at EL1,
	 * the _EL2 ones for a guest at EL2. The KVM layer picks.
	 */
	GUEST_REG_ELR,
	GUEST_REG_SPSR,
	GUEST_REG_SCTLR,
	GUEST_REG_VBAR,
	GUEST_REG_MPIDR,
	/* HCR_EL2, of a vCPU with EL2 only: which context it runs. */
	GUEST_REG_HCR,
	GUEST_NR_REGS,
};

struct guest_regs_ops {
	int (*get)(void *ctx, enum guest_reg reg, uint64_t *val);
	int (*set)(void *ctx, enum guest_reg reg, uint64_t val);
};

/* The calling vCPU's registers. get/set return 0, or -1 on failure. */
struct guest_regs {
	const struct guest_regs_ops *ops;
	void *ctx;
};

#endif
