/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PSCI 1.1 (Arm DEN0022D) in user space: the per-vCPU power state machine
 * and the calls. Pure: a call returns its result and, where the VMM must act
 * (start or stop a vCPU, end the VM), an action for the KVM layer.
 */
#ifndef LKVM_PSCI_H
#define LKVM_PSCI_H

#include <stdbool.h>
#include <stdint.h>

#include "smccc.h"

/* Function IDs (DEN0022D 5.1); the 64-bit ones are SMC64. */
#define PSCI_0_2_FN_BASE 0x84000000U
#define PSCI_0_2_FN64_BASE 0xC4000000U
#define PSCI_FN_VERSION 0x84000000U
#define PSCI_FN_CPU_SUSPEND 0x84000001U
#define PSCI_FN64_CPU_SUSPEND 0xC4000001U
#define PSCI_FN_CPU_OFF 0x84000002U
#define PSCI_FN_CPU_ON 0x84000003U
#define PSCI_FN64_CPU_ON 0xC4000003U
#define PSCI_FN_AFFINITY_INFO 0x84000004U
#define PSCI_FN64_AFFINITY_INFO 0xC4000004U
#define PSCI_FN_MIGRATE_INFO_TYPE 0x84000006U
#define PSCI_FN_SYSTEM_OFF 0x84000008U
#define PSCI_FN_SYSTEM_RESET 0x84000009U
#define PSCI_FN_FEATURES 0x8400000AU
#define PSCI_FN_SYSTEM_RESET2 0x84000012U
#define PSCI_FN64_SYSTEM_RESET2 0xC4000012U

/* Return codes (DEN0022D 5.2.2), sign-extended in x0. */
#define PSCI_RET_SUCCESS 0
#define PSCI_RET_NOT_SUPPORTED -1
#define PSCI_RET_INVALID_PARAMS -2
#define PSCI_RET_DENIED -3
#define PSCI_RET_ALREADY_ON -4
#define PSCI_RET_ON_PENDING -5
#define PSCI_RET_INTERNAL_FAILURE -6
#define PSCI_RET_NOT_PRESENT -7
#define PSCI_RET_DISABLED -8
#define PSCI_RET_INVALID_ADDRESS -9

/* AFFINITY_INFO results (DEN0022D 5.1.5). */
#define PSCI_AFFINITY_ON 0
#define PSCI_AFFINITY_OFF 1
#define PSCI_AFFINITY_ON_PENDING 2

enum psci_cpu_state {
	PSCI_CPU_OFF,
	PSCI_CPU_ON_PENDING,
	PSCI_CPU_ON,
};

/* What the KVM layer must do after a call. */
enum psci_action_kind {
	PSCI_ACT_NONE,
	PSCI_ACT_CPU_ON, /* start vCPU target at entry with x0 = context */
	PSCI_ACT_CPU_OFF, /* the calling vCPU stops */
	PSCI_ACT_SYSTEM_OFF,
	PSCI_ACT_SYSTEM_RESET,
	PSCI_ACT_GUEST_FAILURE, /* SYSTEM_RESET2, lkvm's vendor type: code */
};

struct psci_action {
	enum psci_action_kind kind;
	unsigned int target;
	uint64_t entry;
	uint64_t context;
	uint32_t code;
};

#define PSCI_MAX_CPUS 4096

struct psci {
	unsigned int nr_cpus;
	const uint64_t *mpidr; /* MPIDR_EL1 of each vCPU, from KVM */
	uint64_t ram_base, ram_size; /* entry points must lie in RAM */
	/*
	 * AArch32 guests (EL1 in AArch32): an entry point's bit 0 selects
	 * T32 (DEN0022D 5.1.4), not an invalid address.
	 */
	bool aarch32;
	enum psci_cpu_state state[PSCI_MAX_CPUS];
};

/* vCPU 0 on, the others off, as at power-on. */
void psci_init(struct psci *p, unsigned int nr_cpus, const uint64_t *mpidr,
	       uint64_t ram_base, uint64_t ram_size);

/* Whether fid is in PSCI's function-ID range (SMC32 or SMC64). */
bool psci_owns(uint32_t fid);

/*
 * How many argument registers (x1 onwards) psci_call() reads for fid: the
 * VMM reads just those from the vCPU, each a system call (0 for an ID
 * PSCI does not implement).
 */
unsigned int psci_nr_args(uint32_t fid);

/* Handles one call; always fills res (nr = 1) and act. */
void psci_call(struct psci *p, const struct smccc_call *c,
	       struct smccc_result *res, struct psci_action *act);

/* The KVM layer started vCPU target (after PSCI_ACT_CPU_ON). */
void psci_cpu_on_done(struct psci *p, unsigned int target);

#endif
