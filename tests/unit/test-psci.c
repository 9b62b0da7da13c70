// SPDX-License-Identifier: GPL-2.0
/*
 * PSCI 1.1 in user space, checked against Arm DEN0022D. Function IDs, return
 * codes and AFFINITY_INFO values are written here from the spec's tables
 * (5.1 and 5.2.2), not taken from psci.h.
 */
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "../../firmware-emu/psci.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE 0x10000000ULL

/* DEN0022D table 5.1.x function IDs. */
#define FN_VERSION 0x84000000U
#define FN_CPU_SUSPEND32 0x84000001U
#define FN_CPU_SUSPEND64 0xC4000001U
#define FN_CPU_OFF 0x84000002U
#define FN_CPU_ON32 0x84000003U
#define FN_CPU_ON64 0xC4000003U
#define FN_AFFINITY_INFO64 0xC4000004U
#define FN_MIGRATE 0x84000005U
#define FN_MIGRATE_INFO_TYPE 0x84000006U
#define FN_SYSTEM_OFF 0x84000008U
#define FN_SYSTEM_RESET 0x84000009U
#define FN_FEATURES 0x8400000AU
#define FN_SYSTEM_SUSPEND64 0xC400000EU
#define FN_SYSTEM_RESET2_64 0xC4000012U

/* DEN0022D 5.2.2, as the 64-bit values a guest reads in x0. */
#define RET_SUCCESS 0ULL
#define RET_NOT_SUPPORTED 0xffffffffffffffffULL
#define RET_INVALID_PARAMS 0xfffffffffffffffeULL
#define RET_ALREADY_ON 0xfffffffffffffffcULL
#define RET_ON_PENDING 0xfffffffffffffffbULL
#define RET_INVALID_ADDRESS 0xfffffffffffffff7ULL

/* KVM's MPIDRs for vCPUs 0..3: Aff0 = index, bit 31 RES1. */
static const uint64_t mpidr[] = { 0x80000000, 0x80000001, 0x80000002,
				  0x80000003 };

static struct psci p;

static void setup(void)
{
	psci_init(&p, 4, mpidr, RAM_BASE, RAM_SIZE);
}

static uint64_t call(unsigned int vcpu, uint32_t fid, uint64_t a1, uint64_t a2,
		     uint64_t a3, struct psci_action *act)
{
	struct smccc_call c = { .fid = fid, .vcpu = vcpu };
	struct smccc_result r;
	struct psci_action dummy;

	c.arg[0] = a1;
	c.arg[1] = a2;
	c.arg[2] = a3;
	psci_call(&p, &c, &r, act ? act : &dummy);
	ck_assert_uint_eq(r.nr, 1);
	return r.x[0];
}

START_TEST(test_psci_version_1_1)
{
	/* 5.1.1: bits 31:16 major, 15:0 minor. */
	ck_assert_uint_eq(call(0, FN_VERSION, 0, 0, 0, NULL), 0x10001);
}
END_TEST

START_TEST(test_psci_owns_ranges)
{
	ck_assert(psci_owns(0x84000000));
	ck_assert(psci_owns(0x8400001f));
	ck_assert(psci_owns(0xc4000003));
	ck_assert(psci_owns(0xc400001f));
	/* SDEI starts right after PSCI's 32 functions (DEN0054 5.1). */
	ck_assert(!psci_owns(0xc4000020));
	ck_assert(!psci_owns(0x84000020));
	ck_assert(!psci_owns(0x80000000)); /* SMCCC_VERSION, KVM's */
	ck_assert(!psci_owns(0));
}
END_TEST

START_TEST(test_psci_cpu_on_sequence)
{
	struct psci_action act;

	/* 5.1.4: the target comes up at entry with x0 = context_id. */
	ck_assert_uint_eq(call(0, FN_CPU_ON64, 0x1, RAM_BASE + 0x1000, 0xc0ffee,
			       &act),
			  RET_SUCCESS);
	ck_assert_int_eq(act.kind, PSCI_ACT_CPU_ON);
	ck_assert_uint_eq(act.target, 1);
	ck_assert_uint_eq(act.entry, RAM_BASE + 0x1000);
	ck_assert_uint_eq(act.context, 0xc0ffee);
	/* Until the VMM has started it, the CPU is ON_PENDING. */
	ck_assert_uint_eq(call(0, FN_AFFINITY_INFO64, 0x1, 0, 0, NULL), 2);
	ck_assert_uint_eq(call(0, FN_CPU_ON64, 0x1, RAM_BASE, 0, &act),
			  RET_ON_PENDING);
	ck_assert_int_eq(act.kind, PSCI_ACT_NONE);
	psci_cpu_on_done(&p, 1);
	ck_assert_uint_eq(call(0, FN_AFFINITY_INFO64, 0x1, 0, 0, NULL), 0);
	ck_assert_uint_eq(call(2, FN_CPU_ON64, 0x1, RAM_BASE, 0, &act),
			  RET_ALREADY_ON);
	/* The boot CPU is on from the start. */
	ck_assert_uint_eq(call(1, FN_CPU_ON64, 0x0, RAM_BASE, 0, &act),
			  RET_ALREADY_ON);
}
END_TEST

START_TEST(test_psci_cpu_on_bad_target_and_entry)
{
	struct psci_action act;

	/* No such CPU, and bits outside the affinity fields, which 5.1.4
	 * says must be zero (MPIDR's RES1 bit 31 among them). */
	ck_assert_uint_eq(call(0, FN_CPU_ON64, 0x4, RAM_BASE, 0, &act),
			  RET_INVALID_PARAMS);
	ck_assert_uint_eq(call(0, FN_CPU_ON64, 0x1 | (1ULL << 60), RAM_BASE, 0,
			       &act),
			  RET_INVALID_PARAMS);
	ck_assert_uint_eq(call(0, FN_CPU_ON64, 0x80000001, RAM_BASE, 0, &act),
			  RET_INVALID_PARAMS);
	/* The entry point is physical and must be in RAM. */
	ck_assert_uint_eq(call(0, FN_CPU_ON64, 0x2, 0x1000, 0, &act),
			  RET_INVALID_ADDRESS);
	ck_assert_uint_eq(call(0, FN_CPU_ON64, 0x2, RAM_BASE + RAM_SIZE, 0,
			       &act),
			  RET_INVALID_ADDRESS);
	ck_assert_uint_eq(call(0, FN_CPU_ON64, 0x2, ~0ULL, 0, &act),
			  RET_INVALID_ADDRESS);
	/* In RAM but odd: no AArch64 instruction starts there. */
	ck_assert_uint_eq(call(0, FN_CPU_ON64, 0x2, RAM_BASE + 1, 0, &act),
			  RET_INVALID_ADDRESS);
	ck_assert_uint_eq(call(0, FN_CPU_ON32, 0x2, RAM_BASE + 0x1001, 0, &act),
			  RET_INVALID_ADDRESS);
	ck_assert_int_eq(act.kind, PSCI_ACT_NONE);
	/* Nothing changed state. */
	ck_assert_uint_eq(call(0, FN_AFFINITY_INFO64, 0x2, 0, 0, NULL), 1);
	/* An AArch32 guest's odd entry is T32 code (DEN0022D 5.1.4). */
	p.aarch32 = true;
	ck_assert_uint_eq(call(0, FN_CPU_ON32, 0x2, RAM_BASE + 0x1001, 0, &act),
			  RET_SUCCESS);
	ck_assert_int_eq(act.kind, PSCI_ACT_CPU_ON);
	ck_assert_uint_eq(act.entry, RAM_BASE + 0x1001);
	ck_assert_uint_eq(call(0, FN_CPU_ON32, 0x3, RAM_BASE + RAM_SIZE + 1, 0,
			       &act),
			  RET_INVALID_ADDRESS);
	p.aarch32 = false;
}
END_TEST

START_TEST(test_psci_cpu_on_smc32_truncates)
{
	struct psci_action act;

	/* SMC32: only the low 32 bits of each argument count (DEN0028 3.2). */
	ck_assert_uint_eq(call(0, FN_CPU_ON32, 0xdead000000000003ULL,
			       0xffffffff00000000ULL | (RAM_BASE + 0x2000),
			       0x1234567800000042ULL, &act),
			  RET_SUCCESS);
	ck_assert_uint_eq(act.target, 3);
	ck_assert_uint_eq(act.entry, RAM_BASE + 0x2000);
	ck_assert_uint_eq(act.context, 0x42);
}
END_TEST

START_TEST(test_psci_cpu_off)
{
	struct psci_action act;

	call(0, FN_CPU_ON64, 0x1, RAM_BASE, 0, NULL);
	psci_cpu_on_done(&p, 1);
	ck_assert_uint_eq(call(1, FN_CPU_OFF, 0, 0, 0, &act), RET_SUCCESS);
	ck_assert_int_eq(act.kind, PSCI_ACT_CPU_OFF);
	ck_assert_uint_eq(act.target, 1);
	ck_assert_uint_eq(call(0, FN_AFFINITY_INFO64, 0x1, 0, 0, NULL), 1);
	/* Off again: it can be turned on again. */
	ck_assert_uint_eq(call(0, FN_CPU_ON64, 0x1, RAM_BASE, 7, &act),
			  RET_SUCCESS);
}
END_TEST

START_TEST(test_psci_affinity_levels)
{
	/* 5.1.5: level 1 matches every CPU with the same Aff1..Aff3. */
	ck_assert_uint_eq(call(0, FN_AFFINITY_INFO64, 0x3, 1, 0, NULL), 0);
	ck_assert_uint_eq(call(0, FN_AFFINITY_INFO64, 0x3, 0, 0, NULL), 1);
	ck_assert_uint_eq(call(0, FN_AFFINITY_INFO64, 0x0, 4, 0, NULL),
			  RET_INVALID_PARAMS);
	ck_assert_uint_eq(call(0, FN_AFFINITY_INFO64, 0x100, 0, 0, NULL),
			  RET_INVALID_PARAMS);
}
END_TEST

START_TEST(test_psci_system_calls)
{
	struct psci_action act;

	call(0, FN_SYSTEM_OFF, 0, 0, 0, &act);
	ck_assert_int_eq(act.kind, PSCI_ACT_SYSTEM_OFF);
	call(0, FN_SYSTEM_RESET, 0, 0, 0, &act);
	ck_assert_int_eq(act.kind, PSCI_ACT_SYSTEM_RESET);
	/* 5.16: type 0 is the architectural warm reset. */
	ck_assert_uint_eq(call(0, FN_SYSTEM_RESET2_64, 0, 0, 0, &act),
			  RET_SUCCESS);
	ck_assert_int_eq(act.kind, PSCI_ACT_SYSTEM_RESET);
	/* Other architectural types are reserved. */
	ck_assert_uint_eq(call(0, FN_SYSTEM_RESET2_64, 1, 0, 0, &act),
			  RET_INVALID_PARAMS);
	ck_assert_int_eq(act.kind, PSCI_ACT_NONE);
	/* lkvm's vendor type 0x80000000 | code reports a guest failure. */
	ck_assert_uint_eq(call(0, FN_SYSTEM_RESET2_64, 0x8000002a, 0, 0, &act),
			  RET_SUCCESS);
	ck_assert_int_eq(act.kind, PSCI_ACT_GUEST_FAILURE);
	ck_assert_uint_eq(act.code, 42);
	/* 5.1.6: 2, no migration needed. */
	ck_assert_uint_eq(call(0, FN_MIGRATE_INFO_TYPE, 0, 0, 0, NULL), 2);
}
END_TEST

START_TEST(test_psci_cpu_suspend_standby)
{
	/* 5.4.2: StateType (bit 16) 0 is standby; power-down is refused. */
	ck_assert_uint_eq(call(0, FN_CPU_SUSPEND64, 0, 0, 0, NULL),
			  RET_SUCCESS);
	ck_assert_uint_eq(call(0, FN_CPU_SUSPEND32, 0x10000, 0, 0, NULL),
			  RET_INVALID_PARAMS);
}
END_TEST

START_TEST(test_psci_features_table)
{
	static const uint32_t implemented[] = {
		FN_VERSION,	    FN_CPU_SUSPEND32,	  FN_CPU_SUSPEND64,
		FN_CPU_OFF,	    FN_CPU_ON32,	  FN_CPU_ON64,
		FN_AFFINITY_INFO64, FN_MIGRATE_INFO_TYPE, FN_SYSTEM_OFF,
		FN_SYSTEM_RESET,    FN_FEATURES,	  FN_SYSTEM_RESET2_64,
	};
	static const uint32_t absent[] = { FN_MIGRATE, FN_SYSTEM_SUSPEND64,
					   0xc4000020, 0x12345678 };

	/* SMCCC_VERSION is discoverable through PSCI_FEATURES (DEN0028 7.2.1,
	 * DEN0022D 5.1.14), which is how Linux learns SMCCC 1.1. */
	ck_assert_uint_eq(call(0, FN_FEATURES, 0x80000000, 0, 0, NULL),
			  RET_SUCCESS);
	for (unsigned int i = 0; i < ARRAY_SIZE(implemented); i++)
		ck_assert_uint_eq(call(0, FN_FEATURES, implemented[i], 0, 0,
				       NULL),
				  RET_SUCCESS);
	for (unsigned int i = 0; i < ARRAY_SIZE(absent); i++) {
		ck_assert_uint_eq(call(0, FN_FEATURES, absent[i], 0, 0, NULL),
				  RET_NOT_SUPPORTED);
		/* FEATURES and the dispatcher agree. */
		if (psci_owns(absent[i]))
			ck_assert_uint_eq(call(0, absent[i], 0, 0, 0, NULL),
					  RET_NOT_SUPPORTED);
	}
}
END_TEST

Suite *psci_suite(void)
{
	Suite *s = suite_create("psci");
	TCase *tc = tcase_create("calls");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_psci_version_1_1);
	tcase_add_test(tc, test_psci_owns_ranges);
	tcase_add_test(tc, test_psci_cpu_on_sequence);
	tcase_add_test(tc, test_psci_cpu_on_bad_target_and_entry);
	tcase_add_test(tc, test_psci_cpu_on_smc32_truncates);
	tcase_add_test(tc, test_psci_cpu_off);
	tcase_add_test(tc, test_psci_affinity_levels);
	tcase_add_test(tc, test_psci_system_calls);
	tcase_add_test(tc, test_psci_cpu_suspend_standby);
	tcase_add_test(tc, test_psci_features_table);
	suite_add_tcase(s, tc);
	return s;
}
