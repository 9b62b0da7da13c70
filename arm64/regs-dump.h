/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a vCPU is, as one line for people: `lkvm debug --dump`, and the
 * dump lkvm prints when a vCPU fails or --timeout stops the guest. Pure:
 * the edge (kvm-vcpu.c) reads the registers, this formats them.
 */
#ifndef LKVM_REGS_DUMP_H
#define LKVM_REGS_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The registers of a dump; a bit of missing for each one not read. */
enum vcpu_dump_reg {
	DUMP_PC,
	DUMP_PSTATE,
	DUMP_LR,
	DUMP_SP_EL0,
	DUMP_SP_EL1,
	DUMP_SP_EL2,
	DUMP_ESR_EL1,
	DUMP_FAR_EL1,
	DUMP_ESR_EL2,
	DUMP_FAR_EL2,
	DUMP_NR_REGS,
};

struct vcpu_dump {
	unsigned int id;
	bool off; /* powered off (PSCI CPU_OFF, or never started) */
	bool el2; /* the vCPU has EL2: EL2's registers were read too */
	uint64_t reg[DUMP_NR_REGS];
	unsigned int missing; /* 1 << DUMP_x: that read failed */
};

/*
 * "vCPU N: pc P pstate S (EL1h, DAIF ....) sp X lr L esr E far F" with the
 * SP, ESR and FAR of the vCPU's current EL ("?" for one not read); or
 * "vCPU N: off". Returns snprintf()'s count.
 */
int vcpu_dump_format(const struct vcpu_dump *d, char *buf, size_t size);

#endif
