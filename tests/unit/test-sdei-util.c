// SPDX-License-Identifier: GPL-2.0
/*
 * The register file and VM harness of the SDEI suites (see test-sdei.h).
 * No suite here: helpers only.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "test-sdei.h"

static int rf_get(void *ctx, enum guest_reg reg, uint64_t *val)
{
	struct regfile *rf = ctx;

	if (reg >= GUEST_NR_REGS)
		return -1;
	if (rf->fail_after >= 0 &&
	    rf->reads + rf->writes >= (unsigned int)rf->fail_after)
		return -1;
	rf->reads++;
	*val = rf->r[reg];
	return 0;
}

static int rf_set(void *ctx, enum guest_reg reg, uint64_t val)
{
	struct regfile *rf = ctx;

	if (reg >= GUEST_NR_REGS || reg == GUEST_REG_MPIDR)
		return -1;
	if (rf->fail_after >= 0 &&
	    rf->reads + rf->writes >= (unsigned int)rf->fail_after)
		return -1;
	rf->writes++;
	rf->written[reg] = true;
	rf->r[reg] = val;
	return 0;
}

static const struct guest_regs_ops rf_ops = {
	.get = rf_get,
	.set = rf_set,
};

void regfile_init(struct regfile *rf, uint64_t seed)
{
	unsigned int i;

	memset(rf, 0, sizeof(*rf));
	rf->fail_after = -1;
	for (i = 0; i < GUEST_NR_REGS; i++)
		rf->r[i] = seed * 0x100000001ULL +
			   0x1111111100000000ULL * (i + 1) + i;
	rf->r[GUEST_REG_PC] = 0xffff800008123400ULL + seed * 0x10;
	rf->r[GUEST_REG_PSTATE] = T_EL1H;
	rf->r[GUEST_REG_SCTLR] = 1ULL << 23; /* SPAN: PAN kept */
}

struct guest_regs regfile_regs(struct regfile *rf)
{
	return (struct guest_regs){ .ops = &rf_ops, .ctx = rf };
}

void tvm_init(struct tvm *vm, unsigned int nr, const struct sdei_config *tpl)
{
	struct sdei_config cfg = { .client_el = 1 };
	char err[160] = "";
	unsigned int i;

	ck_assert_uint_le(nr, TVM_MAX);
	memset(vm, 0, sizeof(*vm));
	if (tpl)
		cfg = *tpl;
	vm->nr = nr;
	for (i = 0; i < nr; i++) {
		vm->mpidr[i] = (1ULL << 31) | ((uint64_t)(i / 4) << 8) |
			       (i % 4);
		regfile_init(&vm->rf[i], i + 1);
		vm->rf[i].r[GUEST_REG_MPIDR] = vm->mpidr[i];
		/* An EL2 client is a VHE host: E2H and TGE set. */
		if (cfg.client_el == 2) {
			vm->rf[i].r[GUEST_REG_PSTATE] = T_EL2H;
			vm->rf[i].r[GUEST_REG_HCR] = (1ULL << 34) |
						     (1ULL << 27);
		}
	}
	cfg.nr_vcpus = nr;
	cfg.mpidr = vm->mpidr;
	ck_assert_msg(sdei_create(&vm->s, &cfg, err, sizeof(err)) == 0, "%s",
		      err);
}

void tvm_fini(struct tvm *vm)
{
	sdei_destroy(vm->s);
	vm->s = NULL;
}

uint64_t tvm_call(struct tvm *vm, unsigned int v, uint32_t fid,
		  const uint64_t a[6])
{
	struct smccc_call call = { .fid = fid, .vcpu = v };
	struct guest_regs regs = regfile_regs(&vm->rf[v]);
	unsigned int i;

	for (i = 0; i < SMCCC_NR_ARGS; i++)
		call.arg[i] = a[i];
	/* The guest put the ID and arguments in x0..x6 for the HVC. */
	vm->rf[v].r[GUEST_REG_X0] = fid;
	for (i = 0; i < 6; i++)
		vm->rf[v].r[GUEST_REG_X0 + 1 + i] = a[i];
	vm->rc = sdei_call(vm->s, &call, &regs, &vm->res);
	T_CHECK(vm->res.nr <= 4);
	T_CHECK(sdei_pending_counts_ok(vm->s));
	for (i = 0; i < vm->res.nr; i++)
		vm->rf[v].r[GUEST_REG_X0 + i] = vm->res.x[i];
	return vm->res.x[0];
}

int tvm_dispatch(struct tvm *vm, unsigned int v)
{
	struct guest_regs regs = regfile_regs(&vm->rf[v]);
	int ret = sdei_dispatch(vm->s, v, &regs);

	T_CHECK(sdei_pending_counts_ok(vm->s));
	T_CHECK(ret >= 0 || ret == -EAGAIN);
	return ret;
}

unsigned int tvm_drain_kicks(struct tvm *vm)
{
	unsigned int n = 0;
	int v;

	memset(vm->kicked, 0, sizeof(vm->kicked));
	while ((v = sdei_next_kick(vm->s)) >= 0) {
		T_CHECK(v < (int)vm->nr);
		T_CHECK(!vm->kicked[v]);
		vm->kicked[v] = true;
		n++;
	}
	return n;
}

void tvm_ready(struct tvm *vm, unsigned int v, uint32_t num, uint64_t ep,
	       uint64_t arg)
{
	ck_assert_uint_eq(TCALL(vm, v, SDEI_EVENT_REGISTER, num, ep, arg),
			  SDEI_SUCCESS);
	ck_assert_uint_eq(TCALL(vm, v, SDEI_EVENT_ENABLE, num), SDEI_SUCCESS);
	ck_assert_uint_eq(TCALL(vm, v, SDEI_PE_UNMASK), SDEI_SUCCESS);
}

static unsigned int index_of(struct tvm *vm, uint32_t num)
{
	struct sdei_event_status st;
	unsigned int i;

	for (i = 0; i < sdei_nr_events(vm->s); i++) {
		ck_assert_int_eq(sdei_event_status(vm->s, i, &st), 0);
		if (st.num == num)
			return i;
	}
	ck_abort_msg("event %u not in the catalogue", num);
	return 0;
}

unsigned int tvm_state(struct tvm *vm, uint32_t num, unsigned int v)
{
	struct sdei_entry_status st;

	ck_assert_int_eq(sdei_entry_status(vm->s, index_of(vm, num), v, &st),
			 0);
	return st.state;
}

bool tvm_pending(struct tvm *vm, uint32_t num, unsigned int v)
{
	struct sdei_entry_status st;

	ck_assert_int_eq(sdei_entry_status(vm->s, index_of(vm, num), v, &st),
			 0);
	return st.pending;
}

unsigned int tvm_depth(struct tvm *vm, unsigned int v)
{
	struct sdei_pe_status st;

	ck_assert_int_eq(sdei_pe_status(vm->s, v, &st), 0);
	return st.depth;
}

bool tvm_masked(struct tvm *vm, unsigned int v)
{
	struct sdei_pe_status st;

	ck_assert_int_eq(sdei_pe_status(vm->s, v, &st), 0);
	return st.masked;
}
