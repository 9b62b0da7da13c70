// SPDX-License-Identifier: GPL-2.0
/*
 * The register dump line (arm64/regs-dump.c): the SP, ESR and FAR of the
 * vCPU's current EL, its mode by name, "?" for a register not read.
 */
#include <string.h>

#include "unit.h"
#include "../../arm64/regs-dump.h"

static struct vcpu_dump dump(uint64_t pstate, bool el2)
{
	struct vcpu_dump d = { .id = 1, .el2 = el2 };

	d.reg[DUMP_PC] = 0xffff800080001000;
	d.reg[DUMP_PSTATE] = pstate;
	d.reg[DUMP_LR] = 0x1111;
	d.reg[DUMP_SP_EL0] = 0x5000;
	d.reg[DUMP_SP_EL1] = 0x5001;
	d.reg[DUMP_SP_EL2] = 0x5002;
	d.reg[DUMP_ESR_EL1] = 0x96000045;
	d.reg[DUMP_FAR_EL1] = 0xf1;
	d.reg[DUMP_ESR_EL2] = 0x5a000000;
	d.reg[DUMP_FAR_EL2] = 0xf2;
	return d;
}

static const struct {
	uint64_t pstate;
	bool el2;
	const char *want;
} cases[] = {
	{ 0x3c5, false,
	  "vCPU 1: pc 0xffff800080001000 pstate 0x3c5 (EL1h, DAIF DAIF) sp 0x5001 lr 0x1111 esr_el1 0x96000045 far_el1 0xf1" },
	{ 0x0, false,
	  "vCPU 1: pc 0xffff800080001000 pstate 0x0 (EL0t, DAIF ----) sp 0x5000 lr 0x1111 esr_el1 0x96000045 far_el1 0xf1" },
	{ 0x4 | 0x80, false,
	  "vCPU 1: pc 0xffff800080001000 pstate 0x84 (EL1t, DAIF --I-) sp 0x5000 lr 0x1111 esr_el1 0x96000045 far_el1 0xf1" },
	{ 0x3c9, true,
	  "vCPU 1: pc 0xffff800080001000 pstate 0x3c9 (EL2h, DAIF DAIF) sp 0x5002 lr 0x1111 esr_el2 0x5a000000 far_el2 0xf2" },
	{ 0x8, true,
	  "vCPU 1: pc 0xffff800080001000 pstate 0x8 (EL2t, DAIF ----) sp 0x5000 lr 0x1111 esr_el2 0x5a000000 far_el2 0xf2" },
	/* An EL2 guest's own guest at EL1: EL1's registers. */
	{ 0x5, true,
	  "vCPU 1: pc 0xffff800080001000 pstate 0x5 (EL1h, DAIF ----) sp 0x5001 lr 0x1111 esr_el1 0x96000045 far_el1 0xf1" },
	{ 0x13 | 0x10, false,
	  "vCPU 1: pc 0xffff800080001000 pstate 0x13 (AArch32, mode 0x13)" },
	{ 0x6, false,
	  "vCPU 1: pc 0xffff800080001000 pstate 0x6 (reserved mode, DAIF ----) sp 0x5000 lr 0x1111 esr_el1 0x96000045 far_el1 0xf1" },
};

START_TEST(test_regs_dump_modes)
{
	struct vcpu_dump d = dump(cases[_i].pstate, cases[_i].el2);
	char buf[256];

	vcpu_dump_format(&d, buf, sizeof(buf));
	ck_assert_str_eq(buf, cases[_i].want);
}
END_TEST

START_TEST(test_regs_dump_missing)
{
	struct vcpu_dump d = dump(0x3c9, true);
	char buf[256];

	d.missing = 1u << DUMP_SP_EL2 | 1u << DUMP_FAR_EL2;
	vcpu_dump_format(&d, buf, sizeof(buf));
	ck_assert_str_eq(
		buf,
		"vCPU 1: pc 0xffff800080001000 pstate 0x3c9 (EL2h, DAIF DAIF) sp ? lr 0x1111 esr_el2 0x5a000000 far_el2 ?");
	d.missing = 1u << DUMP_PSTATE;
	vcpu_dump_format(&d, buf, sizeof(buf));
	ck_assert_str_eq(buf, "vCPU 1: pc 0xffff800080001000 pstate ?");
	d.off = true;
	vcpu_dump_format(&d, buf, sizeof(buf));
	ck_assert_str_eq(buf, "vCPU 1: off");
	/* Truncated, still terminated. */
	d = dump(0x3c5, false);
	ck_assert_int_gt(vcpu_dump_format(&d, buf, 10), 10);
	ck_assert_str_eq(buf, "vCPU 1: p");
}
END_TEST

Suite *regs_dump_suite(void)
{
	Suite *s = suite_create("regs-dump");
	TCase *tc = tcase_create("format");

	tcase_add_loop_test(tc, test_regs_dump_modes, 0, ARRAY_SIZE(cases));
	tcase_add_test(tc, test_regs_dump_missing);
	suite_add_tcase(s, tc);
	return s;
}
