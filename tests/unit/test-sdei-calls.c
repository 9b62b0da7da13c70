// SPDX-License-Identifier: GPL-2.0
/*
 * Every SDEI v1.1 call (DEN0054B chapter 5), on its success path and on its
 * error paths, with the return codes written out as 64-bit constants here
 * rather than taken from the code's macros; the --sdei-event parser; the
 * configuration checks; the Linux client's probe and reboot sequences; the
 * status query; host triggers.
 */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "test-sdei.h"

/* Function IDs written out: 0xC4000020 + n (DEN0054B). */
#define F(n) (0xC4000020u + (n))
#define F_VERSION F(0x00)
#define F_REGISTER F(0x01)
#define F_ENABLE F(0x02)
#define F_DISABLE F(0x03)
#define F_CONTEXT F(0x04)
#define F_COMPLETE F(0x05)
#define F_RESUME F(0x06)
#define F_UNREGISTER F(0x07)
#define F_STATUS F(0x08)
#define F_GET_INFO F(0x09)
#define F_ROUTING_SET F(0x0A)
#define F_PE_MASK F(0x0B)
#define F_PE_UNMASK F(0x0C)
#define F_BIND F(0x0D)
#define F_RELEASE F(0x0E)
#define F_SIGNAL F(0x0F)
#define F_FEATURES F(0x10)
#define F_PRIVATE_RESET F(0x11)
#define F_SHARED_RESET F(0x12)

#define BIND0 0x40000000u /* first shared bind slot */
#define BINDP 0x40000040u /* first private bind slot */

/* Shared 10 normal, shared 11 critical, private 20 normal, 21 critical. */
static const struct sdei_event_desc plat_events[] = {
	{ .num = 10, .shared = true },
	{ .num = 11, .shared = true, .critical = true },
	{ .num = 20 },
	{ .num = 21, .critical = true },
};
static const uint32_t bindable[] = { 33, 34, 35, 23 };

static const struct sdei_config plat = {
	.events = plat_events,
	.nr_events = ARRAY_SIZE(plat_events),
	.bindable = bindable,
	.nr_bindable = ARRAY_SIZE(bindable),
	.nr_irqs = 96,
	.nr_shared_slots = 2,
	.nr_private_slots = 1,
	.client_el = 1,
};

static struct tvm vm;

TVM_FIXTURES(vm, plat);

/* --- Version, IDs, conduit and caller checks. */

START_TEST(version)
{
	uint64_t v = TCALL(&vm, 0, F_VERSION);

	ck_assert_uint_eq(v >> 48, 1); /* major: Linux requires 1 */
	ck_assert_uint_eq((v >> 32) & 0xffff, 1); /* minor: v1.1 */
	ck_assert_uint_eq(v & 0xffffffff, 0); /* vendor */
	ck_assert_uint_eq(v >> 63, 0); /* not an error code */
	ck_assert_int_eq(vm.rc, 0);
	ck_assert_uint_eq(vm.res.nr, 1);
}
END_TEST

START_TEST(errors_are_sign_extended)
{
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, 0, 0, 0), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_ENABLE, 0), R_DENIED);
	ck_assert_uint_eq(TCALL(&vm, 0, F(0x13)), R_NOT_SUPPORTED);
	ck_assert_uint_ne(TCALL(&vm, 0, F(0x13)), 0xffffffffULL);
}
END_TEST

START_TEST(unknown_function_ids)
{
	static const uint32_t other[] = {
		0x84000020, /* SDEI's IDs as SMC32: no implementation uses them */
		0x84000032, 0xC4000040, 0xC400001F, 0x84000000, /* PSCI */
		0x80000000, 0x00000000, 0xFFFFFFFF, 0xC4000000,
	};
	unsigned int n, i;

	for (n = 0x13; n <= 0x1f; n++) {
		ck_assert_uint_eq(TCALL(&vm, 0, F(n), 1, 2, 3),
				  R_NOT_SUPPORTED);
		ck_assert_uint_eq(vm.res.nr, 1);
		ck_assert_int_eq(vm.rc, 0);
	}
	for (i = 0; i < ARRAY_SIZE(other); i++)
		ck_assert_uint_eq(TCALL(&vm, 0, other[i]), R_NOT_SUPPORTED);
	/* The x0 the call returns is the only register written. */
	ck_assert(!vm.rf[0].written[GUEST_REG_X0 + 1]);
	ck_assert(!vm.rf[0].written[GUEST_REG_PC]);
	ck_assert_ptr_eq(sdei_fid_name(F(0x13)), NULL);
	ck_assert_ptr_eq(sdei_fid_name(0x84000020), NULL);
}
END_TEST

START_TEST(names)
{
	ck_assert_str_eq(sdei_fid_name(F_VERSION), "VERSION");
	ck_assert_str_eq(sdei_fid_name(F_PRIVATE_RESET), "PRIVATE_RESET");
	ck_assert_str_eq(sdei_fid_name(F_SHARED_RESET), "SHARED_RESET");
	ck_assert_str_eq(sdei_fid_name(F_SIGNAL), "EVENT_SIGNAL");
	ck_assert_str_eq(sdei_ret_name(R_DENIED), "DENIED");
	ck_assert_str_eq(sdei_ret_name(R_NO_RESOURCE), "OUT_OF_RESOURCE");
	ck_assert_ptr_eq(sdei_ret_name(0xffffffffULL), NULL);
}
END_TEST

/* The platform with AArch32 at EL1: the caller's mode must be read. */
static void aarch32_vm(void)
{
	struct sdei_config c = plat;

	c.aarch32 = true;
	tvm_fini(&vm);
	tvm_init(&vm, 2, &c);
}

START_TEST(only_the_client_el_may_call)
{
	/*
	 * TF-A refuses calls from any EL but the client's. (With EL1 the
	 * client and no AArch32, nothing else can call: no PSTATE read,
	 * see fw's version_reads_nothing.)
	 */
	aarch32_vm();
	vm.rf[0].r[GUEST_REG_PSTATE] = T_EL0T;
	ck_assert_uint_eq(TCALL(&vm, 0, F_VERSION), R_NOT_SUPPORTED);
	vm.rf[0].r[GUEST_REG_PSTATE] = T_EL2H;
	ck_assert_uint_eq(TCALL(&vm, 0, F_VERSION), R_NOT_SUPPORTED);
	vm.rf[0].r[GUEST_REG_PSTATE] = 0x10; /* AArch32 user */
	ck_assert_uint_eq(TCALL(&vm, 0, F_VERSION), R_NOT_SUPPORTED);
	vm.rf[0].r[GUEST_REG_PSTATE] = 0x13; /* AArch32 svc */
	ck_assert_uint_eq(TCALL(&vm, 0, F_PE_UNMASK), R_NOT_SUPPORTED);
	ck_assert(tvm_masked(&vm, 0));
	vm.rf[0].r[GUEST_REG_PSTATE] = T_EL1H | T_DAIF | 0xf0000000;
	ck_assert_uint_eq(TCALL(&vm, 0, F_VERSION) >> 48, 1);
}
END_TEST

START_TEST(bad_vcpu_index)
{
	struct smccc_call call = { .fid = F_VERSION, .vcpu = 2 };
	struct guest_regs regs = regfile_regs(&vm.rf[0]);
	struct smccc_result res;
	struct sdei_pe_status ps;
	struct sdei_entry_status es;

	ck_assert_int_eq(sdei_call(vm.s, &call, &regs, &res), -EINVAL);
	ck_assert_uint_eq(res.x[0], R_NOT_SUPPORTED);
	ck_assert_uint_eq(res.nr, 1);
	call.vcpu = ~0u;
	ck_assert_int_eq(sdei_call(vm.s, &call, &regs, &res), -EINVAL);
	ck_assert_int_eq(sdei_dispatch(vm.s, 2, &regs), -EINVAL);
	ck_assert(!sdei_vcpu_has_work(vm.s, 2));
	sdei_cpu_on(vm.s, 2);
	sdei_cpu_off(vm.s, 99);
	ck_assert_int_eq(sdei_pe_status(vm.s, 2, &ps), -EINVAL);
	ck_assert_int_eq(sdei_entry_status(vm.s, 0, 2, &es), -EINVAL);
	ck_assert_int_eq(sdei_entry_status(vm.s, 999, 0, &es), -EINVAL);
	ck_assert_uint_eq(sdei_nr_vcpus(vm.s), 2);
}
END_TEST

START_TEST(register_access_failure)
{
	aarch32_vm();
	vm.rf[0].fail_after = 0;
	TCALL(&vm, 0, F_PE_UNMASK);
	ck_assert_int_eq(vm.rc, -EIO);
	ck_assert_uint_eq(vm.res.x[0], R_NOT_SUPPORTED);
	ck_assert(tvm_masked(&vm, 0));
}
END_TEST

/* --- EVENT_REGISTER and friends. */

START_TEST(register_private)
{
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, 20, EP, 0x1234, 0, 0),
			  R_OK);
	ck_assert_uint_eq(TCALL(&vm, 0, F_STATUS, 20), 1);
	ck_assert_uint_eq(TCALL(&vm, 1, F_STATUS, 20), 0);
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, 20, EP, 0, 0, 0), R_DENIED);
	/* Private events ignore flags and affinity. */
	ck_assert_uint_eq(TCALL(&vm, 1, F_REGISTER, 20, EP + 4, 7, 9,
				0xdeadbeefdeadbeefULL),
			  R_OK);
	ck_assert_uint_eq(TCALL(&vm, 1, F_STATUS, 20), 1);
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, 0, EP, 0, 0, 0), R_OK);
}
END_TEST

START_TEST(register_errors)
{
	/* Unknown, negative, and truncation-to-a-real-event numbers. */
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, 999, EP), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, ~0ULL, EP), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, 0xffffffffULL, EP),
			  R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, 1ULL << 32, EP), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, (1ULL << 32) | 20, EP),
			  R_INVALID);
	/* Entry point 0. */
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, 20, 0), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, 10, 0, 0, 0, 0), R_INVALID);
	/* Shared: flags and affinity. */
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, 10, EP, 0, 2, 0),
			  R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, 10, EP, 0, ~0ULL, 0),
			  R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, 10, EP, 0, 1, 0x5),
			  R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, 10, EP, 0, 1,
				aff(1) | (1ULL << 45)),
			  R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, 10, EP, 0, 1, 0x100),
			  R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_STATUS, 10), 0);
	/* MPIDR_EL1 as read (bit 31 set) names the PE. */
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, 10, EP, 0, 1, vm.mpidr[1]),
			  R_OK);
	/* A registered shared event: DENIED for anyone, args checked first. */
	ck_assert_uint_eq(TCALL(&vm, 1, F_REGISTER, 10, EP, 0, 0, 0), R_DENIED);
	ck_assert_uint_eq(TCALL(&vm, 1, F_REGISTER, 10, 0, 0, 0, 0), R_INVALID);
	/* RM_ANY ignores the affinity. */
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, 11, EP, 0, 0, ~0ULL), R_OK);
}
END_TEST

START_TEST(enable_disable)
{
	ck_assert_uint_eq(TCALL(&vm, 0, F_ENABLE, 999), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_DISABLE, ~0ULL), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_ENABLE, 20), R_DENIED);
	ck_assert_uint_eq(TCALL(&vm, 0, F_DISABLE, 20), R_DENIED);
	TCALL(&vm, 0, F_REGISTER, 20, EP, 0);
	ck_assert_uint_eq(TCALL(&vm, 0, F_DISABLE, 20), R_OK);
	ck_assert_uint_eq(TCALL(&vm, 0, F_ENABLE, 20), R_OK);
	ck_assert_uint_eq(TCALL(&vm, 0, F_ENABLE, 20), R_OK);
	ck_assert_uint_eq(TCALL(&vm, 0, F_STATUS, 20), 3);
	ck_assert_uint_eq(TCALL(&vm, 1, F_ENABLE, 20), R_DENIED);
	ck_assert_uint_eq(TCALL(&vm, 0, F_DISABLE, 20), R_OK);
	ck_assert_uint_eq(TCALL(&vm, 0, F_DISABLE, 20), R_OK);
	ck_assert_uint_eq(TCALL(&vm, 0, F_STATUS, 20), 1);
	/* Shared: any PE may enable it. */
	TCALL(&vm, 0, F_REGISTER, 10, EP, 0, 0, 0);
	ck_assert_uint_eq(TCALL(&vm, 1, F_ENABLE, 10), R_OK);
	ck_assert_uint_eq(TCALL(&vm, 0, F_STATUS, 10), 3);
}
END_TEST

START_TEST(unregister)
{
	struct sdei_entry_status es;

	ck_assert_uint_eq(TCALL(&vm, 0, F_UNREGISTER, 999), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_UNREGISTER, 20), R_DENIED);
	TCALL(&vm, 0, F_REGISTER, 20, EP, 77);
	TCALL(&vm, 0, F_ENABLE, 20);
	ck_assert_uint_eq(TCALL(&vm, 1, F_UNREGISTER, 20), R_DENIED);
	ck_assert_uint_eq(TCALL(&vm, 0, F_UNREGISTER, 20), R_OK);
	ck_assert_uint_eq(TCALL(&vm, 0, F_STATUS, 20), 0);
	ck_assert_uint_eq(TCALL(&vm, 0, F_UNREGISTER, 20), R_DENIED);
	ck_assert_int_eq(sdei_entry_status(vm.s, 3, 0, &es), 0);
	ck_assert_uint_eq(es.entry, 0);
	ck_assert_uint_eq(es.arg, 0);
	/* And again from scratch. */
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, 20, EP, 0), R_OK);
}
END_TEST

START_TEST(status)
{
	ck_assert_uint_eq(TCALL(&vm, 0, F_STATUS, 999), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_STATUS, 1ULL << 40), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_STATUS, 0), 0);
	TCALL(&vm, 0, F_REGISTER, 0, EP, 0);
	ck_assert_uint_eq(TCALL(&vm, 0, F_STATUS, 0), 1);
	TCALL(&vm, 0, F_ENABLE, 0);
	ck_assert_uint_eq(TCALL(&vm, 0, F_STATUS, 0), 3);
	ck_assert_uint_eq(TCALL(&vm, 1, F_STATUS, 0), 0);
}
END_TEST

START_TEST(get_info)
{
	/* Event 0: private, signalable, normal. */
	ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, 0, 0), 0);
	ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, 0, 1), 1);
	ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, 0, 2), 0);
	ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, 0, 3), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, 0, 4), R_INVALID);
	/* 11: shared, not signalable, critical. */
	ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, 11, 0), 1);
	ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, 11, 1), 0);
	ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, 11, 2), 1);
	ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, 21, 2), 1);
	ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, 21, 0), 0);
	/* Routing of an unregistered shared event. */
	ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, 10, 3), R_DENIED);
	ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, 10, 4), R_DENIED);
	TCALL(&vm, 0, F_REGISTER, 10, EP, 0, 0, 0);
	ck_assert_uint_eq(TCALL(&vm, 1, F_GET_INFO, 10, 3), 0);
	ck_assert_uint_eq(TCALL(&vm, 1, F_GET_INFO, 10, 4), R_INVALID);
	TCALL(&vm, 0, F_REGISTER, 11, EP, 0, 1, vm.mpidr[1]);
	ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, 11, 3), 1);
	ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, 11, 4), aff(1));
	/* Unknown info, unknown event. */
	ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, 10, 5), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, 10, 1ULL << 32), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, 12, 0), R_INVALID);
	/* Bind slots: shared and private, normal, not signalable. */
	ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, BIND0, 0), 1);
	ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, BINDP, 0), 0);
	ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, BINDP, 2), 0);
}
END_TEST

START_TEST(routing_set)
{
	ck_assert_uint_eq(TCALL(&vm, 0, F_ROUTING_SET, 999, 0, 0), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_ROUTING_SET, 20, 0, 0), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_ROUTING_SET, 0, 0, 0), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_ROUTING_SET, 10, 0, 0), R_DENIED);
	TCALL(&vm, 0, F_REGISTER, 10, EP, 0, 0, 0);
	ck_assert_uint_eq(TCALL(&vm, 0, F_ROUTING_SET, 10, 2, 0), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_ROUTING_SET, 10, 1, 0x3), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_ROUTING_SET, 10, 1, vm.mpidr[1]),
			  R_OK);
	ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, 10, 3), 1);
	ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, 10, 4), aff(1));
	ck_assert_uint_eq(TCALL(&vm, 1, F_ROUTING_SET, 10, 0, 0), R_OK);
	ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, 10, 3), 0);
	/* Not while enabled. */
	TCALL(&vm, 0, F_ENABLE, 10);
	ck_assert_uint_eq(TCALL(&vm, 0, F_ROUTING_SET, 10, 1, aff(0)),
			  R_DENIED);
	ck_assert_uint_eq(TCALL(&vm, 0, F_ROUTING_SET, 10, 5, aff(0)),
			  R_INVALID);
	TCALL(&vm, 0, F_DISABLE, 10);
	ck_assert_uint_eq(TCALL(&vm, 0, F_ROUTING_SET, 10, 1, aff(0)), R_OK);
}
END_TEST

START_TEST(pe_mask_unmask)
{
	/* Every PE starts masked. */
	ck_assert(tvm_masked(&vm, 0));
	ck_assert_uint_eq(TCALL(&vm, 0, F_PE_MASK), 0);
	ck_assert_uint_eq(TCALL(&vm, 0, F_PE_UNMASK), R_OK);
	ck_assert(!tvm_masked(&vm, 0));
	ck_assert(tvm_masked(&vm, 1));
	ck_assert_uint_eq(TCALL(&vm, 0, F_PE_UNMASK), R_OK);
	ck_assert_uint_eq(TCALL(&vm, 0, F_PE_MASK), 1);
	ck_assert_uint_eq(TCALL(&vm, 0, F_PE_MASK), 0);
	ck_assert(tvm_masked(&vm, 0));
}
END_TEST

START_TEST(context_and_complete_without_handler)
{
	uint64_t pc = vm.rf[0].r[GUEST_REG_PC];

	ck_assert_uint_eq(TCALL(&vm, 0, F_CONTEXT, 0), R_DENIED);
	ck_assert_uint_eq(TCALL(&vm, 0, F_CONTEXT, 17), R_DENIED);
	ck_assert_uint_eq(TCALL(&vm, 0, F_CONTEXT, 18), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_CONTEXT, ~0ULL), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_COMPLETE, 0), R_DENIED);
	ck_assert_uint_eq(vm.res.nr, 1);
	ck_assert_uint_eq(TCALL(&vm, 0, F_COMPLETE, 1), R_DENIED);
	ck_assert_uint_eq(TCALL(&vm, 0, F_RESUME, EP), R_DENIED);
	ck_assert_uint_eq(vm.res.nr, 1);
	ck_assert_uint_eq(vm.rf[0].r[GUEST_REG_PC], pc);
	ck_assert(!vm.rf[0].written[GUEST_REG_PSTATE]);
	ck_assert(!vm.rf[0].written[GUEST_REG_ELR]);
}
END_TEST

/* --- Interrupt binding. */

START_TEST(interrupt_bind)
{
	struct sdei_event_status st;

	/* SGIs and INTIDs the vGIC lacks: INVALID_PARAMETERS. */
	ck_assert_uint_eq(TCALL(&vm, 0, F_BIND, 0), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_BIND, 15), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_BIND, 96), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_BIND, 1020), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_BIND, 1023), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_BIND, (1ULL << 32) | 33), R_INVALID);
	/* The timer PPIs and SPIs of no device: DENIED. */
	ck_assert_uint_eq(TCALL(&vm, 0, F_BIND, 27), R_DENIED);
	ck_assert_uint_eq(TCALL(&vm, 0, F_BIND, 30), R_DENIED);
	ck_assert_uint_eq(TCALL(&vm, 0, F_BIND, 40), R_DENIED);
	/* Lkvm's own SPIs: shared slots, the same number when bound twice. */
	ck_assert_uint_eq(TCALL(&vm, 0, F_BIND, 33), BIND0);
	ck_assert_uint_eq(TCALL(&vm, 1, F_BIND, 33), BIND0);
	ck_assert_uint_eq(TCALL(&vm, 0, F_BIND, 34), BIND0 + 1);
	ck_assert_uint_eq(TCALL(&vm, 0, F_BIND, 35), R_NO_RESOURCE);
	/* A bindable PPI takes a private slot. */
	ck_assert_uint_eq(TCALL(&vm, 0, F_BIND, 23), BINDP);
	ck_assert_int_eq(sdei_event_status(vm.s, 5, &st), 0);
	ck_assert_uint_eq(st.num, BIND0);
	ck_assert(st.bind_slot && st.bound && st.shared);
	ck_assert_uint_eq(st.intid, 33);
}
END_TEST

START_TEST(interrupt_release)
{
	ck_assert_uint_eq(TCALL(&vm, 0, F_RELEASE, 999), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_RELEASE, 10), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_RELEASE, 0), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_RELEASE, BIND0), R_INVALID);
	/* A slot must be bound before it can be registered. */
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, BIND0, EP, 0, 0, 0),
			  R_DENIED);
	ck_assert_uint_eq(TCALL(&vm, 0, F_BIND, 33), BIND0);
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, BIND0, EP, 0, 0, 0), R_OK);
	ck_assert_uint_eq(TCALL(&vm, 1, F_RELEASE, BIND0), R_DENIED);
	ck_assert_uint_eq(TCALL(&vm, 0, F_UNREGISTER, BIND0), R_OK);
	ck_assert_uint_eq(TCALL(&vm, 1, F_RELEASE, BIND0), R_OK);
	ck_assert_uint_eq(TCALL(&vm, 1, F_RELEASE, BIND0), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, BIND0, EP, 0, 0, 0),
			  R_DENIED);
	/* The slot is free again, for another interrupt. */
	ck_assert_uint_eq(TCALL(&vm, 0, F_BIND, 35), BIND0);
	/* A private slot registered on one PE only: still in use. */
	ck_assert_uint_eq(TCALL(&vm, 0, F_BIND, 23), BINDP);
	ck_assert_uint_eq(TCALL(&vm, 1, F_REGISTER, BINDP, EP, 0), R_OK);
	ck_assert_uint_eq(TCALL(&vm, 0, F_RELEASE, BINDP), R_DENIED);
	ck_assert_uint_eq(TCALL(&vm, 1, F_UNREGISTER, BINDP), R_OK);
	ck_assert_uint_eq(TCALL(&vm, 0, F_RELEASE, BINDP), R_OK);
}
END_TEST

START_TEST(features)
{
	ck_assert_uint_eq(TCALL(&vm, 0, F_FEATURES, 0), (2ULL << 16) | 1);
	ck_assert_uint_eq(TCALL(&vm, 0, F_FEATURES, 1), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_FEATURES, 1ULL << 32), R_INVALID);
}
END_TEST

START_TEST(event_signal)
{
	ck_assert_uint_eq(TCALL(&vm, 0, F_SIGNAL, 1, aff(1)), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_SIGNAL, 20, aff(1)), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_SIGNAL, 1ULL << 32, aff(1)),
			  R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_SIGNAL, 0, 0x3), R_INVALID);
	ck_assert_uint_eq(TCALL(&vm, 0, F_SIGNAL, 0, ~0ULL), R_INVALID);
	ck_assert(!tvm_pending(&vm, 0, 1));
	/*
	 * To a PE that has not registered event 0, or is masked: sent
	 * (SUCCESS) and dropped there, as Trusted Firmware-A's SGI is, so
	 * nothing stays pending for a PE that may never take it.
	 */
	ck_assert_uint_eq(TCALL(&vm, 0, F_SIGNAL, 0, vm.mpidr[1]), R_OK);
	ck_assert(!tvm_pending(&vm, 0, 1));
	TCALL(&vm, 1, F_REGISTER, 0, EP, 0);
	TCALL(&vm, 1, F_ENABLE, 0);
	ck_assert_uint_eq(TCALL(&vm, 0, F_SIGNAL, 0, aff(1)), R_OK);
	ck_assert(!tvm_pending(&vm, 0, 1)); /* masked, as at boot */
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0);
	/* Registered but disabled: pending until EVENT_ENABLE. */
	TCALL(&vm, 1, F_PE_UNMASK);
	TCALL(&vm, 1, F_DISABLE, 0);
	ck_assert_uint_eq(TCALL(&vm, 0, F_SIGNAL, 0, aff(1)), R_OK);
	ck_assert(tvm_pending(&vm, 0, 1));
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0);
	ck_assert_uint_eq(TCALL(&vm, 1, F_ENABLE, 0), R_OK);
	ck_assert_int_eq(tvm_dispatch(&vm, 1), 1);
	ck_assert_uint_eq(vm.rf[1].r[GUEST_REG_X0], 0);
	/* To itself, registered, enabled, unmasked: pending at once. */
	ck_assert(!tvm_pending(&vm, 0, 0));
	tvm_ready(&vm, 0, 0, EP, 0);
	ck_assert_uint_eq(TCALL(&vm, 0, F_SIGNAL, 0, aff(0)), R_OK);
	ck_assert(tvm_pending(&vm, 0, 0));
}
END_TEST

/* --- Resets. */

START_TEST(private_reset)
{
	TCALL(&vm, 0, F_REGISTER, 0, EP, 0);
	TCALL(&vm, 0, F_REGISTER, 20, EP, 0);
	TCALL(&vm, 0, F_ENABLE, 20);
	TCALL(&vm, 1, F_REGISTER, 20, EP, 0);
	TCALL(&vm, 0, F_REGISTER, 10, EP, 0, 0, 0);
	TCALL(&vm, 0, F_PE_UNMASK);
	ck_assert_uint_eq(TCALL(&vm, 0, F_PRIVATE_RESET), R_OK);
	ck_assert_uint_eq(tvm_state(&vm, 0, 0), 0);
	ck_assert_uint_eq(tvm_state(&vm, 20, 0), 0);
	ck_assert_uint_eq(tvm_state(&vm, 20, 1), 1);
	ck_assert_uint_eq(tvm_state(&vm, 10, 0), 1);
	ck_assert(!tvm_masked(&vm, 0)); /* the mask does not change */
	ck_assert_uint_eq(TCALL(&vm, 0, F_PRIVATE_RESET), R_OK);
}
END_TEST

START_TEST(shared_reset)
{
	struct sdei_event_status st;

	TCALL(&vm, 0, F_REGISTER, 10, EP, 0, 0, 0);
	TCALL(&vm, 0, F_ENABLE, 10);
	TCALL(&vm, 0, F_REGISTER, 20, EP, 0);
	ck_assert_uint_eq(TCALL(&vm, 0, F_BIND, 33), BIND0);
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, BIND0, EP, 0, 0, 0), R_OK);
	ck_assert_uint_eq(TCALL(&vm, 0, F_BIND, 23), BINDP);
	ck_assert_uint_eq(TCALL(&vm, 1, F_SHARED_RESET), R_OK);
	ck_assert_uint_eq(tvm_state(&vm, 10, 0), 0);
	ck_assert_uint_eq(tvm_state(&vm, BIND0, 0), 0);
	ck_assert_uint_eq(tvm_state(&vm, 20, 0), 1);
	ck_assert_int_eq(sdei_event_status(vm.s, 5, &st), 0);
	ck_assert(st.bind_slot && !st.bound);
	ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, BIND0, EP, 0, 0, 0),
			  R_DENIED);
	/* A private slot still registered somewhere cannot be released. */
	ck_assert_uint_eq(TCALL(&vm, 0, F_BIND, 23), BINDP);
	ck_assert_uint_eq(TCALL(&vm, 1, F_REGISTER, BINDP, EP, 0), R_OK);
	ck_assert_uint_eq(TCALL(&vm, 0, F_SHARED_RESET), R_DENIED);
	ck_assert_uint_eq(TCALL(&vm, 1, F_PRIVATE_RESET), R_OK);
	ck_assert_uint_eq(TCALL(&vm, 0, F_SHARED_RESET), R_OK);
	ck_assert_uint_eq(TCALL(&vm, 0, F_SHARED_RESET), R_OK);
}
END_TEST

/*
 * Linux's drivers/firmware/arm_sdei.c: probe (VERSION, PRIVATE_RESET on
 * every CPU, SHARED_RESET, register/enable, PE_UNMASK from the hotplug
 * callback), then the reboot notifier (CPU down path, PRIVATE_RESET on all,
 * SHARED_RESET) and the next kernel's probe.
 */
START_TEST(linux_probe_and_reboot)
{
	unsigned int round, cpu;

	for (round = 0; round < 2; round++) {
		ck_assert_uint_eq(TCALL(&vm, 0, F_VERSION) >> 48, 1);
		for (cpu = 0; cpu < 4; cpu++)
			ck_assert_uint_eq(TCALL(&vm, cpu, F_PRIVATE_RESET),
					  R_OK);
		ck_assert_uint_eq(TCALL(&vm, 0, F_SHARED_RESET), R_OK);
		/* sdei_event_register(): GET_INFO priority and type. */
		ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, 10, 2), 0);
		ck_assert_uint_eq(TCALL(&vm, 0, F_GET_INFO, 10, 0), 1);
		ck_assert_uint_eq(TCALL(&vm, 0, F_REGISTER, 10, EP, 0xaa, 0, 0),
				  R_OK);
		ck_assert_uint_eq(TCALL(&vm, 0, F_ENABLE, 10), R_OK);
		for (cpu = 0; cpu < 4; cpu++) {
			ck_assert_uint_eq(TCALL(&vm, cpu, F_REGISTER, 20, EP,
						0x100 + cpu, 0, 0),
					  R_OK);
			ck_assert_uint_eq(TCALL(&vm, cpu, F_ENABLE, 20), R_OK);
			ck_assert_uint_eq(TCALL(&vm, cpu, F_PE_UNMASK), R_OK);
		}
		for (cpu = 0; cpu < 4; cpu++) {
			ck_assert_uint_eq(tvm_state(&vm, 20, cpu), 3);
			ck_assert(!tvm_masked(&vm, cpu));
		}
		/* Reboot: the down path on every CPU, then the resets. */
		for (cpu = 0; cpu < 4; cpu++) {
			ck_assert_uint_eq(TCALL(&vm, cpu, F_UNREGISTER, 20),
					  R_OK);
			ck_assert_uint_eq(TCALL(&vm, cpu, F_PE_MASK), 1);
		}
		for (cpu = 0; cpu < 4; cpu++)
			ck_assert_uint_eq(TCALL(&vm, cpu, F_PRIVATE_RESET),
					  R_OK);
		ck_assert_uint_eq(TCALL(&vm, 0, F_SHARED_RESET), R_OK);
		ck_assert_uint_eq(tvm_state(&vm, 10, 0), 0);
	}
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0);
}
END_TEST

/* --- Status query and host triggers. */

START_TEST(catalogue)
{
	static const struct {
		uint32_t num;
		bool shared, critical, signalable, slot;
	} want[] = {
		{ 0, false, false, true, false },
		{ 10, true, false, false, false },
		{ 11, true, true, false, false },
		{ 20, false, false, false, false },
		{ 21, false, true, false, false },
		{ BIND0, true, false, false, true },
		{ BIND0 + 1, true, false, false, true },
		{ BINDP, false, false, false, true },
	};
	struct sdei_event_status st;
	struct sdei_pe_status ps;
	unsigned int i;

	ck_assert_uint_eq(sdei_nr_events(vm.s), ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		ck_assert_int_eq(sdei_event_status(vm.s, i, &st), 0);
		ck_assert_uint_eq(st.num, want[i].num);
		ck_assert_int_eq(st.shared, want[i].shared);
		ck_assert_int_eq(st.critical, want[i].critical);
		ck_assert_int_eq(st.signalable, want[i].signalable);
		ck_assert_int_eq(st.bind_slot, want[i].slot);
		ck_assert(!st.bound);
	}
	ck_assert_int_eq(sdei_event_status(vm.s, i, &st), -EINVAL);
	ck_assert_int_eq(sdei_pe_status(vm.s, 1, &ps), 0);
	ck_assert(ps.masked);
	ck_assert_uint_eq(ps.depth, 0);
}
END_TEST

START_TEST(entry_status)
{
	struct sdei_entry_status es;

	TCALL(&vm, 1, F_REGISTER, 10, EP, 0x55, 1, vm.mpidr[1]);
	/* Shared: the vCPU index is ignored, even out of range. */
	ck_assert_int_eq(sdei_entry_status(vm.s, 1, 99, &es), 0);
	ck_assert_uint_eq(es.state, 1);
	ck_assert_uint_eq(es.entry, EP);
	ck_assert_uint_eq(es.arg, 0x55);
	ck_assert(es.rm_pe);
	ck_assert_uint_eq(es.affinity, aff(1));
	ck_assert(!es.pending);
}
END_TEST

START_TEST(host_trigger_errors)
{
	ck_assert_int_eq(sdei_trigger(vm.s, 999, 0), -ENOENT);
	ck_assert_int_eq(sdei_trigger(vm.s, 20, 2), -EINVAL);
	ck_assert_int_eq(sdei_trigger(vm.s, 20, SDEI_ROUTED), -EINVAL);
	ck_assert_int_eq(sdei_trigger(vm.s, 10, 0), -EINVAL);
	ck_assert_int_eq(sdei_trigger(vm.s, BIND0, SDEI_ROUTED), -EINVAL);
	ck_assert_int_eq(sdei_trigger(vm.s, 0x80000000u, 0), -ENOENT);
	ck_assert_int_eq(sdei_trigger(vm.s, 20, 1), 0);
	ck_assert(tvm_pending(&vm, 20, 1));
	ck_assert(!tvm_pending(&vm, 20, 0));
	ck_assert_int_eq(sdei_trigger(vm.s, 10, SDEI_ROUTED), 0);
	ck_assert(tvm_pending(&vm, 10, 0));
	ck_assert_int_eq(sdei_trigger(vm.s, 0, 0), 0);
	ck_assert(tvm_pending(&vm, 0, 0));
}
END_TEST

START_TEST(irq_level)
{
	/* Not bound: the line is the guest's, asserted as usual. */
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 33, 0, true), 0);
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 33, 0, false), 0);
	ck_assert_uint_eq(TCALL(&vm, 0, F_BIND, 33), BIND0);
	/* Bound but not registered: still a plain interrupt. */
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 33, 0, true), 0);
	ck_assert(!sdei_irq_owned(vm.s, 33, 0));
	ck_assert(!tvm_pending(&vm, BIND0, 0));
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 33, 0, false), 0);
	TCALL(&vm, 0, F_REGISTER, BIND0, EP, 0, 0, 0);
	ck_assert(sdei_irq_owned(vm.s, 33, 0));
	ck_assert(!tvm_pending(&vm, BIND0, 0));
	/* An SPI ignores vcpu. */
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 33, 7, true), 1);
	ck_assert(tvm_pending(&vm, BIND0, 0));
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 33, 0, false), 1);
	/* Interrupts nobody may bind are never SDEI's. */
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 27, 0, true), 0);
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 40, 0, true), 0);
	/* A private slot: per target vCPU. */
	ck_assert_uint_eq(TCALL(&vm, 0, F_BIND, 23), BINDP);
	TCALL(&vm, 1, F_REGISTER, BINDP, EP, 0);
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 23, 0, true), 0);
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 23, 1, true), 1);
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 23, 2, true), -EINVAL);
	ck_assert(tvm_pending(&vm, BINDP, 1));
	ck_assert(!tvm_pending(&vm, BINDP, 0));
	ck_assert(sdei_irq_owned(vm.s, 23, 1));
	ck_assert(!sdei_irq_owned(vm.s, 23, 0));
	ck_assert(!sdei_irq_owned(vm.s, 23, 2));
	/* After release the interrupt is the guest's again. */
	TCALL(&vm, 0, F_UNREGISTER, BIND0);
	ck_assert(!sdei_irq_owned(vm.s, 33, 0));
	ck_assert_uint_eq(TCALL(&vm, 0, F_RELEASE, BIND0), R_OK);
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 33, 0, true), 0);
}
END_TEST

/* REGISTER while the bound line is high: pending at once, as at a GIC. */
START_TEST(irq_level_high_at_register)
{
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 34, 0, true), 0);
	ck_assert_uint_eq(TCALL(&vm, 0, F_BIND, 34), BIND0);
	ck_assert(!tvm_pending(&vm, BIND0, 0));
	TCALL(&vm, 0, F_REGISTER, BIND0, EP, 0, 0, 0);
	ck_assert(tvm_pending(&vm, BIND0, 0));
	/* A line that fell before REGISTER leaves nothing stale. */
	TCALL(&vm, 0, F_UNREGISTER, BIND0);
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 34, 0, false), 0);
	TCALL(&vm, 0, F_REGISTER, BIND0, EP, 0, 0, 0);
	ck_assert(!tvm_pending(&vm, BIND0, 0));
}
END_TEST

/*
 * A bound level interrupt whose line drops before its event is dispatched
 * is no longer pending, as a GIC level interrupt; one that drops while its
 * handler runs leaves nothing for COMPLETE to re-pend.
 */
START_TEST(irq_level_drop_before_dispatch)
{
	ck_assert_uint_eq(TCALL(&vm, 0, F_BIND, 34), BIND0);
	TCALL(&vm, 0, F_REGISTER, BIND0, EP, 0, 0, 0);
	TCALL(&vm, 0, F_ENABLE, BIND0);
	/* Masked: the event waits, then the line falls. */
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 34, 0, true), 1);
	ck_assert(tvm_pending(&vm, BIND0, 0));
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 34, 0, false), 1);
	ck_assert(!tvm_pending(&vm, BIND0, 0));
	TCALL(&vm, 0, F_PE_UNMASK);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 0);
	ck_assert_uint_eq(tvm_drain_kicks(&vm), 0);
	/* High again: it runs; low while running: COMPLETE leaves it. */
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 34, 0, true), 1);
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 1);
	ck_assert_int_eq(sdei_irq_set_level(vm.s, 34, 0, false), 1);
	ck_assert(!tvm_pending(&vm, BIND0, 0));
	ck_assert_uint_eq(TCALL(&vm, 0, SDEI_EVENT_COMPLETE, 0), 0);
	ck_assert(!tvm_pending(&vm, BIND0, 0));
	ck_assert_int_eq(tvm_dispatch(&vm, 0), 0);
}
END_TEST

/* --- --sdei-event and the configuration. */

START_TEST(parse_event)
{
	static const struct {
		const char *arg;
		uint32_t num;
		bool shared, critical;
	} ok[] = {
		{ "5", 5, false, false },
		{ "0x10,shared,critical", 16, true, true },
		{ "7,critical,shared", 7, true, true },
		{ "7,critical", 7, false, true },
		{ "7,private,normal", 7, false, false },
		{ "0X3fffffff,shared", 0x3fffffff, true, false },
		{ "1073741823", 0x3fffffff, false, false },
	};
	static const char *const bad[] = {
		"",
		"x",
		"0",
		"0x0",
		"0x40000000",
		"1073741824",
		"4294967296",
		"99999999999999999999999",
		"-1",
		"+1",
		" 1",
		"1 ",
		"0x",
		"1,",
		",shared",
		"1,foo",
		"1,shared,private",
		"1,normal,critical",
		"1,shared,shared",
		"1,Shared",
		"1,,shared",
		"1,shared,normal,private",
	};
	struct sdei_event_desc d;
	char err[200];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		ck_assert_msg(sdei_parse_event(ok[i].arg, &d, err,
					       sizeof(err)) == 0,
			      "%s: %s", ok[i].arg, err);
		ck_assert_uint_eq(d.num, ok[i].num);
		ck_assert_int_eq(d.shared, ok[i].shared);
		ck_assert_int_eq(d.critical, ok[i].critical);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		err[0] = 0;
		ck_assert_msg(sdei_parse_event(bad[i], &d, err, sizeof(err)) ==
				      -EINVAL,
			      "'%s' accepted", bad[i]);
		ck_assert_msg(!strncmp(err, "--sdei-event: '", 15), "%s", err);
		ck_assert_ptr_nonnull(strstr(err, bad[i]));
		ck_assert_ptr_null(strchr(err, '\n'));
	}
	ck_assert_int_eq(sdei_parse_event(NULL, &d, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(sdei_parse_event("0", &d, NULL, 0), -EINVAL);
	ck_assert_int_eq(sdei_parse_event("0", &d, err, 4), -EINVAL);
	ck_assert_uint_eq(strlen(err), 3);
}
END_TEST

START_TEST(config_check)
{
	static const uint64_t mpidr[] = { 0x80000000, 0x80000001 };
	static const uint64_t same_aff[] = { 0x80000001, 0x00000001 };
	static const uint64_t res0[] = { 0x80000000, 1ULL << 50 };
	static const struct sdei_event_desc dup[] = {
		{ .num = 5 }, { .num = 5, .shared = true }
	};
	static const struct sdei_event_desc zero[] = { { .num = 0 } };
	static const struct sdei_event_desc big[] = { { .num = BIND0 } };
	static const uint32_t sgi[] = { 3 };
	static const uint32_t high[] = { 200 };
	struct sdei_config cfg = { .nr_vcpus = 2,
				   .mpidr = mpidr,
				   .client_el = 1 };
	struct sdei_config c;
	struct sdei *s = (struct sdei *)&cfg; /* must stay untouched */
	char err[200];

	ck_assert_int_eq(sdei_config_check(&cfg, err, sizeof(err)), 0);
	c = cfg;
	c.nr_vcpus = 0;
	ck_assert_int_eq(sdei_config_check(&c, err, sizeof(err)), -EINVAL);
	c = cfg;
	c.nr_vcpus = SDEI_MAX_VCPUS + 1;
	ck_assert_int_eq(sdei_config_check(&c, err, sizeof(err)), -EINVAL);
	c = cfg;
	c.client_el = 3;
	ck_assert_int_eq(sdei_config_check(&c, err, sizeof(err)), -EINVAL);
	c.client_el = 0;
	ck_assert_int_eq(sdei_config_check(&c, err, sizeof(err)), -EINVAL);
	c = cfg;
	c.events = dup;
	c.nr_events = 2;
	ck_assert_int_eq(sdei_config_check(&c, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "event 5 is declared twice"));
	c.events = zero;
	c.nr_events = 1;
	ck_assert_int_eq(sdei_config_check(&c, err, sizeof(err)), -EINVAL);
	c.events = big;
	ck_assert_int_eq(sdei_config_check(&c, err, sizeof(err)), -EINVAL);
	c.nr_events = SDEI_MAX_PLATFORM_EVENTS + 1;
	ck_assert_int_eq(sdei_config_check(&c, err, sizeof(err)), -EINVAL);
	c = cfg;
	c.mpidr = same_aff;
	ck_assert_int_eq(sdei_config_check(&c, err, sizeof(err)), -EINVAL);
	c.mpidr = res0;
	ck_assert_int_eq(sdei_config_check(&c, err, sizeof(err)), -EINVAL);
	c = cfg;
	c.bindable = sgi;
	c.nr_bindable = 1;
	ck_assert_int_eq(sdei_config_check(&c, err, sizeof(err)), -EINVAL);
	c.bindable = high;
	c.nr_irqs = 96;
	ck_assert_int_eq(sdei_config_check(&c, err, sizeof(err)), -EINVAL);
	c.nr_irqs = 0;
	ck_assert_int_eq(sdei_config_check(&c, err, sizeof(err)), 0);
	c.nr_irqs = 2000;
	ck_assert_int_eq(sdei_config_check(&c, err, sizeof(err)), -EINVAL);
	c = cfg;
	c.nr_shared_slots = SDEI_MAX_BIND_SLOTS + 1;
	ck_assert_int_eq(sdei_config_check(&c, err, sizeof(err)), -EINVAL);
	c = cfg;
	c.client_el = 7;
	ck_assert_int_eq(sdei_create(&s, &c, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_eq(s, (struct sdei *)&cfg);
	ck_assert_ptr_null(strchr(err, '\n'));
	sdei_destroy(NULL);
}
END_TEST

Suite *sdei_calls_suite(void)
{
	Suite *s = suite_create("sdei-calls");
	TCase *tc = tcase_create("calls");
	TCase *tc4 = tcase_create("linux");
	TCase *cfg = tcase_create("config");

	tcase_add_checked_fixture(tc, setup2, teardown);
	tcase_add_test(tc, version);
	tcase_add_test(tc, errors_are_sign_extended);
	tcase_add_test(tc, unknown_function_ids);
	tcase_add_test(tc, names);
	tcase_add_test(tc, only_the_client_el_may_call);
	tcase_add_test(tc, bad_vcpu_index);
	tcase_add_test(tc, register_access_failure);
	tcase_add_test(tc, register_private);
	tcase_add_test(tc, register_errors);
	tcase_add_test(tc, enable_disable);
	tcase_add_test(tc, unregister);
	tcase_add_test(tc, status);
	tcase_add_test(tc, get_info);
	tcase_add_test(tc, routing_set);
	tcase_add_test(tc, pe_mask_unmask);
	tcase_add_test(tc, context_and_complete_without_handler);
	tcase_add_test(tc, interrupt_bind);
	tcase_add_test(tc, interrupt_release);
	tcase_add_test(tc, features);
	tcase_add_test(tc, event_signal);
	tcase_add_test(tc, private_reset);
	tcase_add_test(tc, shared_reset);
	tcase_add_test(tc, catalogue);
	tcase_add_test(tc, entry_status);
	tcase_add_test(tc, host_trigger_errors);
	tcase_add_test(tc, irq_level);
	tcase_add_test(tc, irq_level_high_at_register);
	tcase_add_test(tc, irq_level_drop_before_dispatch);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(tc4, setup4, teardown);
	tcase_add_test(tc4, linux_probe_and_reboot);
	suite_add_tcase(s, tc4);

	tcase_add_test(cfg, parse_event);
	tcase_add_test(cfg, config_check);
	suite_add_tcase(s, cfg);
	return s;
}
