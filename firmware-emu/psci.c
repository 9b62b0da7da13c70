// SPDX-License-Identifier: GPL-2.0
/*
 * PSCI 1.1, Arm DEN0022D. lkvm answers the calls itself (rather than KVM)
 * because CPU_ON and CPU_OFF change SDEI state (DEN0054 6.x: CPU_ON masks the
 * PE and wipes its private events).
 */
#include <string.h>

#include "psci.h"
#include "../vmm/exit-codes.h"

#define PSCI_VERSION_1_1 0x00010001U

/* MPIDR affinity fields Aff3..Aff0 (ARM ARM D23.2.106). */
#define MPIDR_AFF_MASK 0xff00ffffffULL

/* CPU_SUSPEND power_state: bit 16 StateType, 0 = standby (DEN0022D 5.4.2). */
#define PSCI_POWER_STATE_TYPE_POWERDOWN (1U << 16)

/* SYSTEM_RESET2 reset_type (DEN0022D 5.16): bit 31 vendor-specific. */
#define PSCI_RESET2_VENDOR (1U << 31)
#define PSCI_RESET2_WARM 0U

void psci_init(struct psci *p, unsigned int nr_cpus, const uint64_t *mpidr,
	       uint64_t ram_base, uint64_t ram_size)
{
	memset(p, 0, sizeof(*p));
	p->nr_cpus = nr_cpus > PSCI_MAX_CPUS ? PSCI_MAX_CPUS : nr_cpus;
	p->mpidr = mpidr;
	p->ram_base = ram_base;
	p->ram_size = ram_size;
	for (unsigned int i = 0; i < p->nr_cpus; i++)
		p->state[i] = i ? PSCI_CPU_OFF : PSCI_CPU_ON;
}

bool psci_owns(uint32_t fid)
{
	/* DEN0028 6.2: PSCI is function numbers 0x00-0x1F of the standard
	 * secure service range, in both calling conventions. */
	return (fid & ~0x1fU) == PSCI_0_2_FN_BASE ||
	       (fid & ~0x1fU) == PSCI_0_2_FN64_BASE;
}

/* The vCPU whose MPIDR affinity is target, or -1. */
static int psci_find_cpu(const struct psci *p, uint64_t target)
{
	/* 5.1.4: bits other than the affinity fields must be zero. */
	if (target & ~MPIDR_AFF_MASK)
		return -1;
	for (unsigned int i = 0; i < p->nr_cpus; i++)
		if ((p->mpidr[i] & MPIDR_AFF_MASK) == target)
			return (int)i;
	return -1;
}

static bool in_ram(const struct psci *p, uint64_t addr)
{
	return addr >= p->ram_base && addr - p->ram_base < p->ram_size;
}

/* SMC32 calls pass 32-bit arguments: the upper halves are ignored. */
static uint64_t arg(const struct smccc_call *c, unsigned int n)
{
	bool smc32 = !(c->fid & 0x40000000U);

	return smc32 ? (uint32_t)c->arg[n] : c->arg[n];
}

/* 5.1.4 CPU_ON: target_cpu, entry_point_address, context_id. */
static int64_t psci_cpu_on(struct psci *p, const struct smccc_call *c,
			   struct psci_action *act)
{
	int target = psci_find_cpu(p, arg(c, 0));

	if (target < 0)
		return PSCI_RET_INVALID_PARAMS;
	if (p->state[target] == PSCI_CPU_ON)
		return PSCI_RET_ALREADY_ON;
	if (p->state[target] == PSCI_CPU_ON_PENDING)
		return PSCI_RET_ON_PENDING;
	/*
	 * The entry point is a physical address (the MMU is off there). An
	 * AArch64 instruction's with bit 0 set names none, so
	 * INVALID_ADDRESS, as Trusted Firmware-A's
	 * psci_validate_entry_point() answers; for an AArch32 caller bit 0
	 * selects T32 (DEN0022D 5.1.4).
	 */
	if (!in_ram(p, arg(c, 1) & ~1ULL) || ((arg(c, 1) & 1) && !p->aarch32))
		return PSCI_RET_INVALID_ADDRESS;
	p->state[target] = PSCI_CPU_ON_PENDING;
	act->kind = PSCI_ACT_CPU_ON;
	act->target = target;
	act->entry = arg(c, 1);
	act->context = arg(c, 2);
	return PSCI_RET_SUCCESS;
}

/*
 * 5.1.5 AFFINITY_INFO: the state of the affinity instance at
 * lowest_affinity_level whose affinity fields above that level match
 * target: ON if any of its CPUs is on, ON_PENDING if one is coming up.
 */
static int64_t psci_affinity_info(const struct psci *p,
				  const struct smccc_call *c)
{
	uint64_t target = arg(c, 0), level = arg(c, 1), mask;
	bool any = false, pending = false;

	if (level > 3 || (target & ~MPIDR_AFF_MASK))
		return PSCI_RET_INVALID_PARAMS;
	/* Levels below lowest_affinity_level (Aff0 7:0, Aff1 15:8, Aff2
	 * 23:16) do not take part in the match. */
	mask = MPIDR_AFF_MASK;
	for (unsigned int l = 0; l < level; l++)
		mask &= ~(0xffULL << (8 * l));
	for (unsigned int i = 0; i < p->nr_cpus; i++) {
		if ((p->mpidr[i] & mask) != (target & mask))
			continue;
		any = true;
		if (p->state[i] == PSCI_CPU_ON)
			return PSCI_AFFINITY_ON;
		if (p->state[i] == PSCI_CPU_ON_PENDING)
			pending = true;
	}
	if (!any)
		return PSCI_RET_INVALID_PARAMS;
	return pending ? PSCI_AFFINITY_ON_PENDING : PSCI_AFFINITY_OFF;
}

/* 5.16 SYSTEM_RESET2: reset_type, cookie. */
static int64_t psci_system_reset2(const struct smccc_call *c,
				  struct psci_action *act)
{
	uint32_t type = (uint32_t)c->arg[0];

	if (type == PSCI_RESET2_WARM) {
		act->kind = PSCI_ACT_SYSTEM_RESET;
		return PSCI_RET_SUCCESS;
	}
	/* lkvm's vendor type reports a guest failure (vmm/exit-codes.h). */
	if ((type & LKVM_RESET2_GUEST_FAILURE) == LKVM_RESET2_GUEST_FAILURE) {
		act->kind = PSCI_ACT_GUEST_FAILURE;
		act->code = type & ~LKVM_RESET2_GUEST_FAILURE;
		return PSCI_RET_SUCCESS;
	}
	return PSCI_RET_INVALID_PARAMS;
}

/* Every function lkvm implements: PSCI_FEATURES answers from this. */
static const uint32_t psci_functions[] = {
	PSCI_FN_VERSION,
	PSCI_FN_CPU_SUSPEND,
	PSCI_FN64_CPU_SUSPEND,
	PSCI_FN_CPU_OFF,
	PSCI_FN_CPU_ON,
	PSCI_FN64_CPU_ON,
	PSCI_FN_AFFINITY_INFO,
	PSCI_FN64_AFFINITY_INFO,
	PSCI_FN_MIGRATE_INFO_TYPE,
	PSCI_FN_SYSTEM_OFF,
	PSCI_FN_SYSTEM_RESET,
	PSCI_FN_FEATURES,
	PSCI_FN_SYSTEM_RESET2,
	PSCI_FN64_SYSTEM_RESET2,
};

static bool psci_implements(uint32_t fid)
{
	for (unsigned int i = 0;
	     i < sizeof(psci_functions) / sizeof(*psci_functions); i++)
		if (psci_functions[i] == fid)
			return true;
	return false;
}

/*
 * 5.1.14 PSCI_FEATURES: 0 for an implemented function (for CPU_SUSPEND the
 * flags: bit 1 = 0, the original power_state format; bit 0 = 0, no OS
 * initiated mode), NOT_SUPPORTED otherwise.
 */
static int64_t psci_features(const struct smccc_call *c)
{
	uint32_t fid = (uint32_t)c->arg[0];

	/*
	 * SMCCC_VERSION is how callers learn SMCCC 1.1 is there (DEN0028
	 * 7.2.1); KVM answers that call itself, lkvm vouches for it here.
	 */
	if (fid == SMCCC_VERSION_FID)
		return PSCI_RET_SUCCESS;
	return psci_implements(fid) ? PSCI_RET_SUCCESS : PSCI_RET_NOT_SUPPORTED;
}

unsigned int psci_nr_args(uint32_t fid)
{
	switch (fid) {
	case PSCI_FN_CPU_ON: /* 5.1.4: target_cpu, entry, context_id */
	case PSCI_FN64_CPU_ON:
		return 3;
	case PSCI_FN_AFFINITY_INFO: /* 5.1.5: target_affinity, lowest level */
	case PSCI_FN64_AFFINITY_INFO:
		return 2;
	/*
	 * 5.1.2 CPU_SUSPEND takes three, but only power_state matters:
	 * power-down states, the ones with an entry point, are refused.
	 * 5.1.11 SYSTEM_RESET2's cookie means nothing to lkvm's resets.
	 */
	case PSCI_FN_CPU_SUSPEND:
	case PSCI_FN64_CPU_SUSPEND:
	case PSCI_FN_SYSTEM_RESET2:
	case PSCI_FN64_SYSTEM_RESET2:
	case PSCI_FN_FEATURES: /* 5.1.14: the function ID asked about */
		return 1;
	default:
		return 0;
	}
}

static int64_t psci_dispatch(struct psci *p, const struct smccc_call *c,
			     struct psci_action *act)
{
	switch (c->fid) {
	case PSCI_FN_VERSION:
		return PSCI_VERSION_1_1;
	case PSCI_FN_CPU_SUSPEND:
	case PSCI_FN64_CPU_SUSPEND:
		/*
		 * 5.4: standby returns SUCCESS on a wake-up event, and the
		 * caller may not rely on anything else; lkvm returns at once
		 * (a spurious wake-up). Power-down states are not offered.
		 */
		if (arg(c, 0) & PSCI_POWER_STATE_TYPE_POWERDOWN)
			return PSCI_RET_INVALID_PARAMS;
		return PSCI_RET_SUCCESS;
	case PSCI_FN_CPU_OFF:
		if (c->vcpu >= p->nr_cpus)
			return PSCI_RET_INTERNAL_FAILURE;
		p->state[c->vcpu] = PSCI_CPU_OFF;
		act->kind = PSCI_ACT_CPU_OFF;
		act->target = c->vcpu;
		/* Only returns (with DENIED) if powering down failed. */
		return PSCI_RET_SUCCESS;
	case PSCI_FN_CPU_ON:
	case PSCI_FN64_CPU_ON:
		return psci_cpu_on(p, c, act);
	case PSCI_FN_AFFINITY_INFO:
	case PSCI_FN64_AFFINITY_INFO:
		return psci_affinity_info(p, c);
	case PSCI_FN_MIGRATE_INFO_TYPE:
		/* 5.1.6: 2, no Trusted OS that needs migration. */
		return 2;
	case PSCI_FN_SYSTEM_OFF:
		act->kind = PSCI_ACT_SYSTEM_OFF;
		return PSCI_RET_SUCCESS;
	case PSCI_FN_SYSTEM_RESET:
		act->kind = PSCI_ACT_SYSTEM_RESET;
		return PSCI_RET_SUCCESS;
	case PSCI_FN_SYSTEM_RESET2:
	case PSCI_FN64_SYSTEM_RESET2:
		return psci_system_reset2(c, act);
	case PSCI_FN_FEATURES:
		return psci_features(c);
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

void psci_call(struct psci *p, const struct smccc_call *c,
	       struct smccc_result *res, struct psci_action *act)
{
	memset(act, 0, sizeof(*act));
	memset(res, 0, sizeof(*res));
	res->x[0] = (uint64_t)psci_dispatch(p, c, act);
	res->nr = 1;
}

void psci_cpu_on_done(struct psci *p, unsigned int target)
{
	if (target < p->nr_cpus)
		p->state[target] = PSCI_CPU_ON;
}
