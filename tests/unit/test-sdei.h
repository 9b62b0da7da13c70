/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the SDEI suites: an in-memory register file implementing
 * struct guest_regs (a real register file, not a mock of KVM), and a small
 * VM harness that wires sdei_call()/sdei_dispatch() the way the KVM layer
 * does (call, write x0..x{nr-1}, dispatch, drain kicks).
 */
#ifndef LKVM_TESTS_TEST_SDEI_H
#define LKVM_TESTS_TEST_SDEI_H

#include <stdbool.h>
#include <stdint.h>

#include "../../firmware-emu/sdei.h"

/* PSTATE values in SPSR format, written out by hand. */
#define T_EL1H 0x5ULL
#define T_EL2H 0x9ULL
#define T_EL0T 0x0ULL
#define T_DAIF 0x3c0ULL

/* DEN0054B return codes as x0 must hold them, written out by hand. */
#define R_OK 0x0ULL
#define R_NOT_SUPPORTED 0xffffffffffffffffULL
#define R_INVALID 0xfffffffffffffffeULL
#define R_DENIED 0xfffffffffffffffdULL
#define R_PENDING 0xfffffffffffffffbULL
#define R_NO_RESOURCE 0xfffffffffffffff6ULL

/* A handler entry point: a kernel VA, as Linux registers. */
#define EP 0xffff800010abc000ULL

struct regfile {
	uint64_t r[GUEST_NR_REGS];
	unsigned int reads, writes;
	bool written[GUEST_NR_REGS];
	int fail_after; /* fail the access after this many; -1: never */
};

void regfile_init(struct regfile *rf, uint64_t seed);
struct guest_regs regfile_regs(struct regfile *rf);

/*
 * A check that talks to Check only when it fails: ck_assert() marks every
 * passing point through a pipe, too slow for the random sequences.
 */
#define T_CHECK(expr)                                                         \
	do {                                                                  \
		if (!(expr))                                                  \
			ck_abort_msg("%s:%d: %s", __FILE__, __LINE__, #expr); \
	} while (0)

#define TVM_MAX 8

struct tvm {
	struct sdei *s;
	unsigned int nr;
	uint64_t mpidr[TVM_MAX];
	struct regfile rf[TVM_MAX];
	struct smccc_result res; /* of the last call */
	int rc; /* sdei_call()'s return of the last call */
	bool kicked[TVM_MAX]; /* drained by the last tvm_drain_kicks() */
};

/*
 * A VM of nr vCPUs (MPIDR bit 31 | Aff1 = i / 4 | Aff0 = i % 4), with the
 * platform part of cfg (events, bind slots, client EL, mte) taken from tpl
 * (may be NULL: event 0 only, client EL1). Every vCPU starts at EL1h.
 */
void tvm_init(struct tvm *vm, unsigned int nr, const struct sdei_config *tpl);
void tvm_fini(struct tvm *vm);

/*
 * The fixtures of a suite whose harness is `vm` and whose platform is
 * `plat`: setup2 and setup4 (2 or 4 vCPUs), teardown, and aff(v), vCPU v's
 * affinity as a guest passes it.
 */
#define TVM_FIXTURES(vm, plat)                                      \
	static void setup2(void)                                    \
	{                                                           \
		tvm_init(&(vm), 2, &(plat));                        \
	}                                                           \
	static void setup4(void)                                    \
	{                                                           \
		tvm_init(&(vm), 4, &(plat));                        \
	}                                                           \
	static void teardown(void)                                  \
	{                                                           \
		tvm_fini(&(vm));                                    \
	}                                                           \
	static __attribute__((unused)) uint64_t aff(unsigned int v) \
	{                                                           \
		return (vm).mpidr[v] & 0xff00ffffffULL;             \
	}

/*
 * One SDEI call from vCPU v as the KVM layer makes it: sdei_call(), then
 * x0..x{nr-1} written back. Returns res.x[0]. Does not dispatch.
 */
uint64_t tvm_call(struct tvm *vm, unsigned int v, uint32_t fid,
		  const uint64_t a[6]);
#define TCALL(vm, v, fid, ...) \
	tvm_call(vm, v, fid, (const uint64_t[6]){ __VA_ARGS__ })

/* sdei_dispatch() on vCPU v; checks it returns 1, 0 or -EAGAIN. */
int tvm_dispatch(struct tvm *vm, unsigned int v);

/* Drains sdei_next_kick() into vm->kicked; returns how many. */
unsigned int tvm_drain_kicks(struct tvm *vm);

/* Registers, enables event num on vCPU v (private) and unmasks v. */
void tvm_ready(struct tvm *vm, unsigned int v, uint32_t num, uint64_t ep,
	       uint64_t arg);

/* State bits of event num on vCPU v through the status query. */
unsigned int tvm_state(struct tvm *vm, uint32_t num, unsigned int v);
bool tvm_pending(struct tvm *vm, uint32_t num, unsigned int v);
unsigned int tvm_depth(struct tvm *vm, unsigned int v);
bool tvm_masked(struct tvm *vm, unsigned int v);

#endif
