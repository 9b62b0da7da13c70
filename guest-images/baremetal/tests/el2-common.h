/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A hyp-stub round trip at virtual EL2, the whole test: el2-vhe.c and
 * el2-e2h0.c define EL2_EXPECT_E2H (1 for lkvm --nested, where HCR_EL2.E2H
 * is RES1; 0 for lkvm --nested --e2h0) and include this file, so that each
 * is its own image.
 *
 * 1. CurrentEL must be 2 (started at EL1, without --nested, the test fails
 *    at once) and HCR_EL2.E2H must be EL2_EXPECT_E2H.
 * 2. The test installs its own EL2 vector table (el2t_vectors): its
 *    "lower EL, AArch64, synchronous" entry serves HVC #0x4c4b; every other
 *    entry reports and fails. EL1 gets a table too (el2t_el1_vectors), set
 *    through VBAR_EL12 with E2H = 1 (at EL2 the VBAR_EL1 name then means
 *    VBAR_EL2, which is checked as well) and VBAR_EL1 with E2H = 0: each of
 *    its entries reports the exception to EL2 with an HVC.
 * 3. HCR_EL2 = RW (AArch64 EL1), TGE = 0, E2H kept; SP_EL1 = a stack of
 *    its own; SPSR_EL2 = EL1h with DAIF masked, ELR_EL2 = el2t_el1_entry;
 *    ERET.
 * 4. At EL1, el2t_el1_entry records CurrentEL, SP and VBAR_EL1, then calls
 *    EL2T_CALL_MIX: x0 = (x1 ^ x2) + x3. The EL2 handler checks ESR_EL2
 *    (EC 0x16, ISS 0x4c4b), SPSR_EL2 (EL1h, DAIF masked) and ELR_EL2 (the
 *    instruction after the HVC), records the arguments, answers in x0 and
 *    ERETs back to EL1, which checks x0 and that x1..x3 are unchanged. Its
 *    verdict goes with EL2T_CALL_RETURN, which the handler answers by
 *    resuming EL2 at el2t_resume (ELR_EL2, SPSR_EL2 = EL2h) instead.
 * 5. Back at EL2 main() checks what both sides saw, restores HCR_EL2 and
 *    the runtime's vectors and prints "EL2: PASS e2h=<0|1> hvc round trip
 *    ok". Any mismatch prints "EL2: FAIL <what>" and fails with one of the
 *    codes of enum el2t_fail.
 */
#ifndef BAREMETAL_TESTS_EL2_COMMON_H
#define BAREMETAL_TESTS_EL2_COMMON_H

#include "runtime.h"

#ifndef EL2_EXPECT_E2H
#error "define EL2_EXPECT_E2H (0 or 1) before including el2-common.h"
#endif

enum el2t_fail {
	EL2T_FAIL_NOT_EL2 = 1, /* started at EL1: no lkvm --nested */
	EL2T_FAIL_E2H = 2, /* HCR_EL2.E2H is not EL2_EXPECT_E2H */
	EL2T_FAIL_VBAR_EL2 = 3, /* VBAR_EL2 does not read back */
	EL2T_FAIL_VBAR_EL1 = 4, /* EL1's VBAR through the EL2 names */
	EL2T_FAIL_HCR = 5, /* HCR_EL2 for EL1 does not read back */
	EL2T_FAIL_ESR = 6, /* lower-EL exception that is not HVC #0x4c4b */
	EL2T_FAIL_SPSR = 7, /* the HVC did not come from EL1h, DAIF masked */
	EL2T_FAIL_ELR = 8, /* ELR_EL2 not after the HVC */
	EL2T_FAIL_CALL = 9, /* unknown call, or calls out of order */
	EL2T_FAIL_CAME_BACK = 10, /* EL2T_CALL_RETURN returned to EL1 */
	EL2T_FAIL_ARGS = 11, /* EL2 got other x1..x3 than EL1 passed */
	EL2T_FAIL_EL1_STATE = 12, /* EL1's SP or VBAR_EL1 as EL1 saw them */
	EL2T_FAIL_RESUME = 13, /* the EL2 continuation: x0, EL, DAIF */
	EL2T_FAIL_RESTORE = 14, /* the runtime's VBAR_EL2 or HCR_EL2 */
	EL2T_FAIL_VECTOR = 0x20, /* + vector: another EL2 vector was taken */
	EL2T_FAIL_EL1_EXCEPTION = 0x30, /* + vector: EL1 took an exception */
	EL2T_FAIL_EL1_CHECK = 0x40, /* + EL2T_EL1_*: EL1's own check failed */
};

/* EL1's verdict in x1 of EL2T_CALL_RETURN. */
#define EL2T_EL1_OK 0
#define EL2T_EL1_NOT_EL1 1 /* CurrentEL was not EL1 */
#define EL2T_EL1_RESULT 2 /* x0 after EL2T_CALL_MIX was wrong */
#define EL2T_EL1_ARGS 3 /* x1..x3 changed across EL2T_CALL_MIX */

/*
 * The hyp-stub calls, x0 of HVC #EL2T_HVC_IMM. These and the arguments are
 * operands of the assembly in el2t_asm() too.
 */
#define EL2T_HVC_IMM 0x4c4b
#define EL2T_CALL_MIX 0x4c4b0001 /* x0 = (x1 ^ x2) + x3, back to EL1 */
#define EL2T_CALL_RETURN 0x4c4b0002 /* x1 = verdict; resume EL2 */
#define EL2T_CALL_EXCEPTION 0x4c4b0003 /* EL1 vector x1, ESR x2, ELR x3 */
#define EL2T_CALL_CAME_BACK 0x4c4b0004 /* EL2T_CALL_RETURN came back */

#define EL2T_ARG1 0x0123456789abcdef
#define EL2T_ARG2 0x5a5a0f0f3c3cc3c3
#define EL2T_ARG3 0x1111222233334444
#define EL2T_RESULT 0x6c8a6c8ae8ca5270
_Static_assert((((u64)EL2T_ARG1 ^ (u64)EL2T_ARG2) + (u64)EL2T_ARG3) ==
		       (u64)EL2T_RESULT,
	       "EL2T_RESULT must be (EL2T_ARG1 ^ EL2T_ARG2) + EL2T_ARG3");
/* x0 at the EL2 continuation. */
#define EL2T_TOKEN 0x4c4b00e2

#define HCR_EL2_TGE (1ULL << 27)
#define HCR_EL2_RW (1ULL << 31)
#define HCR_EL2_E2H (1ULL << 34)
#define SCTLR_EL1_M (1ULL << 0)
#define SCTLR_EL1_EE (1ULL << 25)

/* SPSR: M[4] = 0 (AArch64), M[3:0] = EL and SP, DAIF at [9:6]. */
#define EL2T_SPSR_MASK 0x3df
#define EL2T_SPSR_EL1H_DAIF 0x3c5
#define EL2T_SPSR_EL2H_DAIF 0x3c9

/* The FEAT_VHE names, which the assembler refuses with -march=armv8-a. */
#define EL2T_VBAR_EL12 s3_5_c12_c0_0
#define EL2T_SCTLR_EL12 s3_5_c1_c0_0

/* What the EL2 vectors save: x0..x30, ELR_EL2, SPSR_EL2, ESR_EL2. */
struct el2t_frame {
	u64 regs[31];
	u64 elr;
	u64 spsr;
	u64 esr;
};

#define EL2T_FRAME_ELR 248
#define EL2T_FRAME_ESR 264
#define EL2T_FRAME_SIZE 272
_Static_assert(offsetof(struct el2t_frame, elr) == EL2T_FRAME_ELR,
	       "el2t_frame.elr");
_Static_assert(offsetof(struct el2t_frame, spsr) == EL2T_FRAME_ELR + 8,
	       "el2t_frame.spsr");
_Static_assert(offsetof(struct el2t_frame, esr) == EL2T_FRAME_ESR,
	       "el2t_frame.esr");
_Static_assert(sizeof(struct el2t_frame) == EL2T_FRAME_SIZE &&
		       EL2T_FRAME_SIZE % 16 == 0,
	       "el2t_frame size, a multiple of 16");

/* The assembly in el2t_asm(). */
extern char el2t_vectors[], el2t_el1_vectors[];
extern char el2t_el1_entry[], el2t_el1_after_mix[], el2t_el1_after_return[];
extern char el2t_resume[];
/*
 * Saves the callee-saved registers and SP_EL2, ERETs to entry at EL1h on
 * el1_sp; "returns" when the handler resumes EL2 at el2t_resume, with the
 * x0 the handler gave.
 */
u64 el2t_enter_el1(u64 entry, u64 el1_sp);
/* Called by the EL2 vectors; returns to ERET to the frame's ELR, SPSR. */
void el2t_exception(u64 vector, struct el2t_frame *f);

/* Shared with the assembly, hence not static. */
u64 el2t_saved_sp; /* SP_EL2 in el2t_enter_el1, for el2t_resume */
u64 el2t_el1_currentel, el2t_el1_sp, el2t_el1_vbar; /* what EL1 saw */

/*
 * el2t_vectors: 16 entries of 0x80 bytes, 2 KiB aligned (Arm ARM D1.3.1).
 * Each saves a struct el2t_frame on SP_EL2 and calls el2t_exception(), which
 * fails unless it handled the exception; the frame is then restored,
 * ELR_EL2 and SPSR_EL2 included, and ERET goes wherever they say.
 *
 * el2t_el1_vectors: the same shape at EL1, without a stack: each entry hands
 * its vector, ESR_EL1 and ELR_EL1 to EL2 with EL2T_CALL_EXCEPTION.
 *
 * The code goes to its own section; it sits in a function, never called,
 * only so that the constants above can be asm operands ("%c": bare numbers).
 */
static void __attribute__((__used__)) el2t_asm(void)
{
	asm volatile(
		".macro el2t_adr_l, dst, sym\n"
		"	adrp	\\dst, \\sym\n"
		"	add	\\dst, \\dst, :lo12:\\sym\n"
		".endm\n"
		"	.pushsection .text.el2t, \"ax\", %%progbits\n"

		"	.balign	2048\n"
		"	.globl	el2t_vectors\n"
		"el2t_vectors:\n"
		"	.irp	v, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15\n"
		"	.balign	0x80\n"
		"	sub	sp, sp, #%c[frame_size]\n"
		"	stp	x0, x1, [sp]\n"
		"	mov	x0, #\\v\n"
		"	b	el2t_vector_common\n"
		"	.endr\n"
		"	.balign	0x80\n"
		"	.type	el2t_vector_common, %%function\n"
		"el2t_vector_common:\n"
		"	stp	x2, x3, [sp, #16 * 1]\n"
		"	stp	x4, x5, [sp, #16 * 2]\n"
		"	stp	x6, x7, [sp, #16 * 3]\n"
		"	stp	x8, x9, [sp, #16 * 4]\n"
		"	stp	x10, x11, [sp, #16 * 5]\n"
		"	stp	x12, x13, [sp, #16 * 6]\n"
		"	stp	x14, x15, [sp, #16 * 7]\n"
		"	stp	x16, x17, [sp, #16 * 8]\n"
		"	stp	x18, x19, [sp, #16 * 9]\n"
		"	stp	x20, x21, [sp, #16 * 10]\n"
		"	stp	x22, x23, [sp, #16 * 11]\n"
		"	stp	x24, x25, [sp, #16 * 12]\n"
		"	stp	x26, x27, [sp, #16 * 13]\n"
		"	stp	x28, x29, [sp, #16 * 14]\n"
		"	str	x30, [sp, #8 * 30]\n"
		"	mrs	x1, elr_el2\n"
		"	mrs	x2, spsr_el2\n"
		"	stp	x1, x2, [sp, #%c[frame_elr]]\n"
		"	mrs	x1, esr_el2\n"
		"	str	x1, [sp, #%c[frame_esr]]\n"
		"	mov	x1, sp\n"
		"	bl	el2t_exception\n"
		"	ldp	x1, x2, [sp, #%c[frame_elr]]\n"
		"	msr	elr_el2, x1\n"
		"	msr	spsr_el2, x2\n"
		"	ldp	x2, x3, [sp, #16 * 1]\n"
		"	ldp	x4, x5, [sp, #16 * 2]\n"
		"	ldp	x6, x7, [sp, #16 * 3]\n"
		"	ldp	x8, x9, [sp, #16 * 4]\n"
		"	ldp	x10, x11, [sp, #16 * 5]\n"
		"	ldp	x12, x13, [sp, #16 * 6]\n"
		"	ldp	x14, x15, [sp, #16 * 7]\n"
		"	ldp	x16, x17, [sp, #16 * 8]\n"
		"	ldp	x18, x19, [sp, #16 * 9]\n"
		"	ldp	x20, x21, [sp, #16 * 10]\n"
		"	ldp	x22, x23, [sp, #16 * 11]\n"
		"	ldp	x24, x25, [sp, #16 * 12]\n"
		"	ldp	x26, x27, [sp, #16 * 13]\n"
		"	ldp	x28, x29, [sp, #16 * 14]\n"
		"	ldr	x30, [sp, #8 * 30]\n"
		"	ldp	x0, x1, [sp]\n"
		"	add	sp, sp, #%c[frame_size]\n"
		"	eret\n"
		"	.size	el2t_vector_common, . - el2t_vector_common\n"

		"	.balign	2048\n"
		"	.globl	el2t_el1_vectors\n"
		"el2t_el1_vectors:\n"
		"	.irp	v, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15\n"
		"	.balign	0x80\n"
		"	mov	x1, #\\v\n"
		"	mrs	x2, esr_el1\n"
		"	mrs	x3, elr_el1\n"
		"	ldr	x0, =%c[call_exception]\n"
		"	hvc	#%c[hvc_imm]\n"
		"	b	.\n"
		"	.endr\n"
		"	.balign	0x80\n"

		/* x0 = entry, x1 = EL1's stack. */
		"	.globl	el2t_enter_el1\n"
		"	.type	el2t_enter_el1, %%function\n"
		"el2t_enter_el1:\n"
		"	stp	x29, x30, [sp, #-96]!\n"
		"	mov	x29, sp\n"
		"	stp	x19, x20, [sp, #16]\n"
		"	stp	x21, x22, [sp, #32]\n"
		"	stp	x23, x24, [sp, #48]\n"
		"	stp	x25, x26, [sp, #64]\n"
		"	stp	x27, x28, [sp, #80]\n"
		"	mov	x9, sp\n"
		"	el2t_adr_l x10, el2t_saved_sp\n"
		"	str	x9, [x10]\n"
		"	msr	sp_el1, x1\n"
		"	msr	elr_el2, x0\n"
		"	mov	x9, #%c[spsr_el1h]\n"
		"	msr	spsr_el2, x9\n"
		"	isb\n"
		"	eret\n"
		"	.size	el2t_enter_el1, . - el2t_enter_el1\n"

		/* Where EL2T_CALL_RETURN resumes EL2: back to el2t_enter_el1's caller. */
		"	.globl	el2t_resume\n"
		"	.type	el2t_resume, %%function\n"
		"el2t_resume:\n"
		"	el2t_adr_l x10, el2t_saved_sp\n"
		"	ldr	x9, [x10]\n"
		"	mov	sp, x9\n"
		"	ldp	x19, x20, [sp, #16]\n"
		"	ldp	x21, x22, [sp, #32]\n"
		"	ldp	x23, x24, [sp, #48]\n"
		"	ldp	x25, x26, [sp, #64]\n"
		"	ldp	x27, x28, [sp, #80]\n"
		"	ldp	x29, x30, [sp], #96\n"
		"	ret\n"
		"	.size	el2t_resume, . - el2t_resume\n"

		/* The EL1 side; its verdict stays in x11 (EL2T_EL1_*). */
		"	.globl	el2t_el1_entry\n"
		"	.type	el2t_el1_entry, %%function\n"
		"el2t_el1_entry:\n"
		"	mrs	x9, CurrentEL\n"
		"	el2t_adr_l x10, el2t_el1_currentel\n"
		"	str	x9, [x10]\n"
		"	mov	x11, #%c[not_el1]\n"
		"	cmp	x9, #(1 << 2)\n"
		"	b.ne	9f\n"
		"	mov	x9, sp\n"
		"	el2t_adr_l x10, el2t_el1_sp\n"
		"	str	x9, [x10]\n"
		"	mrs	x9, vbar_el1\n"
		"	el2t_adr_l x10, el2t_el1_vbar\n"
		"	str	x9, [x10]\n"
		"	ldr	x0, =%c[call_mix]\n"
		"	ldr	x1, =%c[arg1]\n"
		"	ldr	x2, =%c[arg2]\n"
		"	ldr	x3, =%c[arg3]\n"
		"	hvc	#%c[hvc_imm]\n"
		"	.globl	el2t_el1_after_mix\n"
		"el2t_el1_after_mix:\n"
		"	mov	x11, #%c[bad_result]\n"
		"	ldr	x9, =%c[result]\n"
		"	cmp	x0, x9\n"
		"	b.ne	9f\n"
		"	mov	x11, #%c[bad_args]\n"
		"	ldr	x9, =%c[arg1]\n"
		"	cmp	x1, x9\n"
		"	b.ne	9f\n"
		"	ldr	x9, =%c[arg2]\n"
		"	cmp	x2, x9\n"
		"	b.ne	9f\n"
		"	ldr	x9, =%c[arg3]\n"
		"	cmp	x3, x9\n"
		"	b.ne	9f\n"
		"	mov	x11, #%c[ok]\n"
		"9:	mov	x2, x0\n"
		"	mov	x1, x11\n"
		"	ldr	x0, =%c[call_return]\n"
		"	hvc	#%c[hvc_imm]\n"
		"	.globl	el2t_el1_after_return\n"
		"el2t_el1_after_return:\n"
		"	ldr	x0, =%c[call_came_back]\n"
		"	hvc	#%c[hvc_imm]\n"
		"	b	.\n"
		"	.ltorg\n"
		"	.size	el2t_el1_entry, . - el2t_el1_entry\n"
		"	.popsection\n"
		:
		:
		[frame_size] "i"(EL2T_FRAME_SIZE),
		[frame_elr] "i"(EL2T_FRAME_ELR), [frame_esr] "i"(EL2T_FRAME_ESR),
		[call_exception] "i"(EL2T_CALL_EXCEPTION),
		[hvc_imm] "i"(EL2T_HVC_IMM), [spsr_el1h] "i"(EL2T_SPSR_EL1H_DAIF),
		[not_el1] "i"(EL2T_EL1_NOT_EL1), [call_mix] "i"(EL2T_CALL_MIX),
		[arg1] "i"(EL2T_ARG1), [arg2] "i"(EL2T_ARG2),
		[arg3] "i"(EL2T_ARG3), [bad_result] "i"(EL2T_EL1_RESULT),
		[result] "i"(EL2T_RESULT), [bad_args] "i"(EL2T_EL1_ARGS),
		[ok] "i"(EL2T_EL1_OK), [call_return] "i"(EL2T_CALL_RETURN),
		[call_came_back] "i"(EL2T_CALL_CAME_BACK));
}

/* What EL2 saw of the calls. */
static unsigned int el2t_calls;
static u64 el2t_mix_args[3], el2t_verdict, el2t_verdict_x0;

static const char *const el2t_vector_kinds[4] = {
	"synchronous",
	"IRQ",
	"FIQ",
	"SError",
};

static const char *const el2t_vector_origins[4] = {
	"current EL with SP_EL0",
	"current EL with SP_ELx",
	"lower EL, AArch64",
	"lower EL, AArch32",
};

/* HCR_EL2 and VBAR_EL2 as main() found them, for a failure report. */
static u64 el2t_rt_hcr, el2t_rt_vbar;

/* The handler uses no FP/SIMD register: the vectors do not save them. */
#define el2t_gpr_only __attribute__((target("general-regs-only")))

/*
 * Fails from the handler: the runtime's HCR_EL2 and vectors first, so that
 * a fault while reporting gets the runtime's register dump, not a loop.
 */
static el2t_gpr_only __printf(2, 3) void __noreturn
	el2t_failf(int code, const char *fmt, ...)
{
	va_list ap;

	write_sysreg(el2t_rt_hcr, hcr_el2);
	write_sysreg(el2t_rt_vbar, vbar_el2);
	isb();
	va_start(ap, fmt);
	rt_vprintf(fmt, ap);
	va_end(ap);
	rt_test_fail(code);
}

static el2t_gpr_only void el2t_check_elr(const struct el2t_frame *f,
					 const char *call, const char *label)
{
	if (f->elr != (u64)(unsigned long)label)
		el2t_failf(
			EL2T_FAIL_ELR,
			"EL2: FAIL %s: ELR_EL2 %#llx, expected %#llx (after the HVC)\n",
			call, f->elr, (u64)(unsigned long)label);
}

el2t_gpr_only void el2t_exception(u64 vector, struct el2t_frame *f)
{
	u64 ec = ESR_EC(f->esr), iss = ESR_ISS(f->esr);

	if (vector != VECTOR_SYNC_LOWER_A64)
		el2t_failf(
			EL2T_FAIL_VECTOR + (int)(vector % 16),
			"EL2: FAIL unexpected exception at EL2 vector %llu (%s, %s): ESR_EL2 %#llx (EC %#llx), ELR_EL2 %#llx, SPSR_EL2 %#llx\n",
			vector, el2t_vector_kinds[vector % 4],
			el2t_vector_origins[vector / 4 % 4], f->esr, ec, f->elr,
			f->spsr);
	if (ec != ESR_EC_HVC64 || iss != EL2T_HVC_IMM)
		el2t_failf(
			EL2T_FAIL_ESR,
			"EL2: FAIL lower-EL exception with ESR_EL2 %#llx (EC %#llx, ISS %#llx), expected HVC64 (EC %#x, ISS %#x); ELR_EL2 %#llx\n",
			f->esr, ec, iss, ESR_EC_HVC64, EL2T_HVC_IMM, f->elr);
	if ((f->spsr & EL2T_SPSR_MASK) != EL2T_SPSR_EL1H_DAIF)
		el2t_failf(
			EL2T_FAIL_SPSR,
			"EL2: FAIL HVC with SPSR_EL2 %#llx, expected EL1h with DAIF masked (%#x)\n",
			f->spsr, EL2T_SPSR_EL1H_DAIF);

	el2t_calls++;
	switch (f->regs[0]) {
	case EL2T_CALL_MIX:
		if (el2t_calls != 1)
			break;
		el2t_check_elr(f, "EL2T_CALL_MIX", el2t_el1_after_mix);
		el2t_mix_args[0] = f->regs[1];
		el2t_mix_args[1] = f->regs[2];
		el2t_mix_args[2] = f->regs[3];
		f->regs[0] = (f->regs[1] ^ f->regs[2]) + f->regs[3];
		/* Back to EL1, after the HVC: ELR_EL2, SPSR_EL2 unchanged. */
		return;
	case EL2T_CALL_RETURN:
		el2t_check_elr(f, "EL2T_CALL_RETURN", el2t_el1_after_return);
		el2t_verdict = f->regs[1];
		el2t_verdict_x0 = f->regs[2];
		/* Not back to EL1: to EL2h, at the continuation. */
		f->elr = (u64)(unsigned long)el2t_resume;
		f->spsr = EL2T_SPSR_EL2H_DAIF;
		f->regs[0] = EL2T_TOKEN;
		return;
	case EL2T_CALL_EXCEPTION:
		el2t_failf(
			EL2T_FAIL_EL1_EXCEPTION + (int)(f->regs[1] % 16),
			"EL2: FAIL EL1 took an exception at its vector %llu (%s, %s): ESR_EL1 %#llx (EC %#llx), ELR_EL1 %#llx\n",
			f->regs[1], el2t_vector_kinds[f->regs[1] % 4],
			el2t_vector_origins[f->regs[1] / 4 % 4], f->regs[2],
			ESR_EC(f->regs[2]), f->regs[3]);
	case EL2T_CALL_CAME_BACK:
		el2t_failf(
			EL2T_FAIL_CAME_BACK,
			"EL2: FAIL EL2T_CALL_RETURN returned to EL1 instead of resuming EL2\n");
	default:
		break;
	}
	el2t_failf(
		EL2T_FAIL_CALL,
		"EL2: FAIL HVC call %#llx as call %u from EL1 (ELR_EL2 %#llx): unknown or out of order\n",
		f->regs[0], el2t_calls, f->elr);
}

/* EL1's stack: SP_EL1 while it runs. */
static u64 el2t_el1_stack[512] __aligned(16);

/* EL1's VBAR and SCTLR as seen from EL2: the _EL12 names when E2H = 1. */
static void el2t_set_el1_regs(bool e2h, u64 vbar)
{
	u64 sctlr;

	if (e2h) {
		write_sysreg(vbar, EL2T_VBAR_EL12);
		sctlr = read_sysreg(EL2T_SCTLR_EL12);
		write_sysreg(sctlr & ~(SCTLR_EL1_M | SCTLR_EL1_EE),
			     EL2T_SCTLR_EL12);
	} else {
		write_sysreg(vbar, vbar_el1);
		sctlr = read_sysreg(sctlr_el1);
		write_sysreg(sctlr & ~(SCTLR_EL1_M | SCTLR_EL1_EE), sctlr_el1);
	}
	isb();
}

static int el2t_check_el1_vbar(bool e2h, u64 el2_vbar, u64 el1_vbar)
{
	u64 v;

	if (e2h) {
		v = read_sysreg(EL2T_VBAR_EL12);
		if (v != el1_vbar) {
			rt_printf(
				"EL2: FAIL VBAR_EL12 reads %#llx, wrote %#llx\n",
				v, el1_vbar);
			return EL2T_FAIL_VBAR_EL1;
		}
		/* With E2H = 1 the VBAR_EL1 name at EL2 is VBAR_EL2. */
		v = read_sysreg(vbar_el1);
		if (v != el2_vbar) {
			rt_printf(
				"EL2: FAIL with E2H=1, VBAR_EL1 at EL2 reads %#llx, not VBAR_EL2 %#llx\n",
				v, el2_vbar);
			return EL2T_FAIL_VBAR_EL1;
		}
	} else {
		v = read_sysreg(vbar_el1);
		if (v != el1_vbar) {
			rt_printf(
				"EL2: FAIL VBAR_EL1 reads %#llx, wrote %#llx\n",
				v, el1_vbar);
			return EL2T_FAIL_VBAR_EL1;
		}
	}
	return 0;
}

/* After the round trip: what EL1 and the handler saw. */
static int el2t_check_round_trip(u64 x0, u64 el1_sp, u64 el1_vbar)
{
	static const u64 args[3] = { EL2T_ARG1, EL2T_ARG2, EL2T_ARG3 };
	u64 daif = read_sysreg(daif);
	unsigned int i;

	if (x0 != EL2T_TOKEN || rt_current_el() != 2 ||
	    (daif & DAIF_MASK) != DAIF_MASK) {
		rt_printf(
			"EL2: FAIL continuation: x0 %#llx (expected %#x), EL%u, DAIF %#llx\n",
			x0, EL2T_TOKEN, rt_current_el(), daif);
		return EL2T_FAIL_RESUME;
	}
	if (el2t_verdict != EL2T_EL1_OK) {
		switch (el2t_verdict) {
		case EL2T_EL1_NOT_EL1:
			rt_printf(
				"EL2: FAIL the EL1 routine ran with CurrentEL %#llx, not EL1\n",
				el2t_el1_currentel);
			break;
		case EL2T_EL1_RESULT:
			rt_printf(
				"EL2: FAIL EL1 got x0 %#llx from EL2T_CALL_MIX, expected %#llx\n",
				el2t_verdict_x0, (u64)EL2T_RESULT);
			break;
		case EL2T_EL1_ARGS:
			rt_puts("EL2: FAIL x1..x3 at EL1 changed across the HVC");
			break;
		default:
			rt_printf("EL2: FAIL EL1 verdict %#llx\n",
				  el2t_verdict);
			break;
		}
		return EL2T_FAIL_EL1_CHECK + (int)(el2t_verdict % 16);
	}
	if (el2t_calls != 2) {
		rt_printf("EL2: FAIL %u HVCs reached EL2, expected 2\n",
			  el2t_calls);
		return EL2T_FAIL_CALL;
	}
	for (i = 0; i < 3; i++) {
		if (el2t_mix_args[i] != args[i]) {
			rt_printf(
				"EL2: FAIL EL2 got x%u = %#llx, EL1 passed %#llx\n",
				i + 1, el2t_mix_args[i], args[i]);
			return EL2T_FAIL_ARGS;
		}
	}
	if (el2t_el1_sp != el1_sp || el2t_el1_vbar != el1_vbar) {
		rt_printf(
			"EL2: FAIL EL1 ran on SP %#llx with VBAR_EL1 %#llx, expected %#llx and %#llx\n",
			el2t_el1_sp, el2t_el1_vbar, el1_sp, el1_vbar);
		return EL2T_FAIL_EL1_STATE;
	}
	return 0;
}

int main(void *dtb)
{
	u64 el2_vbar = (u64)(unsigned long)el2t_vectors;
	u64 el1_vbar = (u64)(unsigned long)el2t_el1_vectors;
	u64 el1_sp = (u64)(unsigned long)(el2t_el1_stack +
					  RT_ARRAY_SIZE(el2t_el1_stack));
	u64 hcr, hcr_el1, rt_vbar, v, x0;
	unsigned int el = rt_current_el();
	bool e2h;
	int ret;

	(void)dtb;
	/* HCR_EL2 and the rest are UNDEFINED at EL1: check first. */
	if (el != 2) {
		rt_printf(
			"EL2: FAIL running at EL%u, not EL2: this test needs lkvm --nested%s\n",
			el, EL2_EXPECT_E2H ? "" : " --e2h0");
		return EL2T_FAIL_NOT_EL2;
	}
	hcr = read_sysreg(hcr_el2);
	e2h = hcr & HCR_EL2_E2H;
	rt_printf("EL2: at EL2, HCR_EL2 %#llx: E2H=%u (expected %d)\n", hcr,
		  (unsigned int)e2h, EL2_EXPECT_E2H);
	if (e2h != EL2_EXPECT_E2H) {
		rt_printf(
			"EL2: FAIL HCR_EL2.E2H is %u, expected %d (lkvm --nested%s)\n",
			(unsigned int)e2h, EL2_EXPECT_E2H,
			EL2_EXPECT_E2H ? "" : " --e2h0");
		return EL2T_FAIL_E2H;
	}

	/* Our own EL2 vectors; the runtime's come back at the end. */
	rt_vbar = read_sysreg(vbar_el2);
	el2t_rt_hcr = hcr;
	el2t_rt_vbar = rt_vbar;
	write_sysreg(el2_vbar, vbar_el2);
	isb();
	v = read_sysreg(vbar_el2);
	if (el2_vbar % 2048 || v != el2_vbar) {
		write_sysreg(rt_vbar, vbar_el2);
		isb();
		rt_printf(
			"EL2: FAIL VBAR_EL2 reads %#llx, wrote %#llx (2 KiB aligned?)\n",
			v, el2_vbar);
		return EL2T_FAIL_VBAR_EL2;
	}

	/* EL1: its vectors, MMU off, little-endian. */
	el2t_set_el1_regs(e2h, el1_vbar);
	ret = el2t_check_el1_vbar(e2h, el2_vbar, el1_vbar);
	if (ret)
		goto out;

	/* AArch64 EL1, TGE = 0, E2H as it is; nothing else traps or routes. */
	hcr_el1 = HCR_EL2_RW | (hcr & HCR_EL2_E2H);
	write_sysreg(hcr_el1, hcr_el2);
	isb();
	v = read_sysreg(hcr_el2);
	if ((v & (HCR_EL2_RW | HCR_EL2_TGE | HCR_EL2_E2H)) != hcr_el1) {
		rt_printf("EL2: FAIL HCR_EL2 reads %#llx after writing %#llx\n",
			  v, hcr_el1);
		ret = EL2T_FAIL_HCR;
		goto out;
	}

	x0 = el2t_enter_el1((u64)(unsigned long)el2t_el1_entry, el1_sp);
	ret = el2t_check_round_trip(x0, el1_sp, el1_vbar);

out:
	write_sysreg(hcr, hcr_el2);
	write_sysreg(rt_vbar, vbar_el2);
	isb();
	v = read_sysreg(vbar_el2);
	if (v != rt_vbar || read_sysreg(hcr_el2) != hcr) {
		rt_printf(
			"EL2: FAIL restoring VBAR_EL2 %#llx (reads %#llx) and HCR_EL2 %#llx (reads %#llx)\n",
			rt_vbar, v, hcr, read_sysreg(hcr_el2));
		return ret ? ret : EL2T_FAIL_RESTORE;
	}
	if (ret)
		return ret;
	rt_printf("EL2: PASS e2h=%u hvc round trip ok\n", (unsigned int)e2h);
	return 0;
}

#endif
