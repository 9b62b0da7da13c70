// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdio.h>

#include "regs-dump.h"

#define PSTATE_NRW (1ULL << 4) /* AArch32 */
#define PSTATE_M 0xfULL /* AArch64: EL and SP selection */
#define PSTATE_DAIF_SHIFT 6

/* AArch64 PSTATE.M[3:0] (ARM DDI 0487, SPSR_ELx.M). */
static const char *mode_name(uint64_t pstate)
{
	switch (pstate & PSTATE_M) {
	case 0x0:
		return "EL0t";
	case 0x4:
		return "EL1t";
	case 0x5:
		return "EL1h";
	case 0x8:
		return "EL2t";
	case 0x9:
		return "EL2h";
	default:
		return "reserved mode";
	}
}

/* The SP in use: SP_EL0 for the "t" modes, else the EL's own. */
static enum vcpu_dump_reg current_sp(uint64_t pstate)
{
	switch (pstate & PSTATE_M) {
	case 0x5:
		return DUMP_SP_EL1;
	case 0x9:
		return DUMP_SP_EL2;
	default:
		return DUMP_SP_EL0;
	}
}

/* One register as hex, or "?" when it was not read. */
static const char *hex(const struct vcpu_dump *d, enum vcpu_dump_reg r,
		       char *buf, size_t size)
{
	if (d->missing & (1u << r))
		return "?";
	snprintf(buf, size, "0x%" PRIx64, d->reg[r]);
	return buf;
}

int vcpu_dump_format(const struct vcpu_dump *d, char *buf, size_t size)
{
	char pc[24], ps[24], sp[24], lr[24], esr[24], far[24];
	uint64_t pstate = d->reg[DUMP_PSTATE];
	bool at_el2;
	unsigned int daif;

	if (d->off)
		return snprintf(buf, size, "vCPU %u: off", d->id);
	if (d->missing & (1u << DUMP_PSTATE))
		return snprintf(buf, size, "vCPU %u: pc %s pstate ?", d->id,
				hex(d, DUMP_PC, pc, sizeof(pc)));
	if (pstate & PSTATE_NRW)
		return snprintf(buf, size,
				"vCPU %u: pc %s pstate 0x%" PRIx64
				" (AArch32, mode 0x%x)",
				d->id, hex(d, DUMP_PC, pc, sizeof(pc)), pstate,
				(unsigned int)(pstate & 0x1f));
	at_el2 = d->el2 && ((pstate & PSTATE_M) >> 2) == 2;
	daif = (pstate >> PSTATE_DAIF_SHIFT) & 0xf;
	return snprintf(
		buf, size,
		"vCPU %u: pc %s pstate %s (%s, DAIF %c%c%c%c) sp %s lr %s esr_%s %s far_%s %s",
		d->id, hex(d, DUMP_PC, pc, sizeof(pc)),
		hex(d, DUMP_PSTATE, ps, sizeof(ps)), mode_name(pstate),
		daif & 8 ? 'D' : '-', daif & 4 ? 'A' : '-',
		daif & 2 ? 'I' : '-', daif & 1 ? 'F' : '-',
		hex(d, current_sp(pstate), sp, sizeof(sp)),
		hex(d, DUMP_LR, lr, sizeof(lr)), at_el2 ? "el2" : "el1",
		hex(d, at_el2 ? DUMP_ESR_EL2 : DUMP_ESR_EL1, esr, sizeof(esr)),
		at_el2 ? "el2" : "el1",
		hex(d, at_el2 ? DUMP_FAR_EL2 : DUMP_FAR_EL1, far, sizeof(far)));
}
