// SPDX-License-Identifier: GPL-2.0
/*
 * SDEI (Arm DEN0054 v1.1) as lkvm emulates it, through the guest's own
 * calls on vCPU 0 (HVC at EL1, SMC at EL2 with --nested):
 *
 *  1. VERSION is 1.1.
 *  2. PRIVATE_RESET and SHARED_RESET (the Linux client's probe) succeed.
 *  3. Event 0 registers with sdei_test_entry (the trampoline below), enables,
 *     and reads back: STATUS registered|enabled, GET_INFO private, normal
 *     priority, signalable, no routing (private).
 *  4. The PE starts masked: EVENT_SIGNAL succeeds but the signal is
 *     dropped there (as Trusted Firmware-A drops event 0's SGI on a masked
 *     PE): nothing runs, not at PE_UNMASK either. With event 0 disabled, a
 *     signal waits: EVENT_ENABLE delivers it at the call's completion. The
 *     handler
 *     records what it was entered with and main() checks: x0 = 0, x1 = the
 *     registered argument, x2 = the instruction after the HVC/SMC, x3 =
 *     the interrupted PSTATE (EL, SPSel, DAIF, NZCV), PSTATE in the handler
 *     (EL, SPSel = 1, DAIF all masked), the interrupted SP, x4..x17 as the
 *     caller left them, EVENT_CONTEXT(0, 4, 17) and (18: invalid),
 *     EVENT_STATUS running. After EVENT_COMPLETE the call returns 0 with
 *     x4..x28, x29 and SP intact (sdei_ccall fills them with sentinels).
 *  5. EVENT_SIGNAL while unmasked runs the handler at once: with PSTATE.I
 *     and F clear, then with I set (NMI-like), then exiting with
 *     EVENT_COMPLETE_AND_RESUME to sdei_resume, which checks ELR/SPSR hold
 *     the interrupted context and ERETs to it.
 *  6. Errors: REGISTER twice (DENIED), an undeclared event (INVALID),
 *     EVENT_CONTEXT / COMPLETE / COMPLETE_AND_RESUME outside a handler
 *     (DENIED), FEATURES, unknown IDs (NOT_SUPPORTED), DISABLE, UNREGISTER,
 *     ENABLE / UNREGISTER of an unregistered event (DENIED).
 *  7. PE_MASK returns 1, then 0 (or 1, as implementations differ).
 *
 * Prints "SDEI: PASS <n> checks", or "SDEI: FAIL <what>" and fails with
 * one of the codes of enum sdei_fail. The handler runs synchronously at
 * the stop that completes a call, so a missing delivery is a bounded wait
 * (1 s of the generic timer), never a hang; an unexpected exception
 * prints a FAIL line and fails through the runtime (0xe000 + vector).
 */
#include <stddef.h>

#include "sdei-guest.h"

/*
 * In SDEI's range (0xC4000020..0xC400003F), defined by no version.
 * 0xC4000030 is FEATURES (0x20 + 0x10), not an undefined ID.
 */
#define SDEI_UNDEFINED_FN SDEI_FN(0x13)
#define SDEI_LAST_FN SDEI_FN(0x1f)
/* SDEI's IDs with the SMC32 bit: no implementation uses them. */
#define SDEI_VERSION_SMC32 0x84000020u

/* The registered argument: x1 in the handler. */
#define SDEI_TEST_ARG 0x5d1ea4a5c0ffee01ULL
/* An event number no lkvm configuration of the lab declares. */
#define SDEI_UNDECLARED_EVENT 12345

/* What sdei_ccall rt_puts in x4..x28 around its call. */
#define SENTINEL(n) (0x5d1e000000000000ULL | (n))

/* PSTATE / SPSR fields. */
#define PSTATE_NZCV (0xfULL << 28)
#define PSTATE_N (1ULL << 31)
#define PSTATE_Z (1ULL << 30)
#define PSTATE_C (1ULL << 29)
#define PSTATE_M (0x1fULL) /* M[4] = 0: AArch64 */

enum sdei_fail {
	SDEI_F_VERSION_CALL = 1, /* VERSION returned an error: no SDEI */
	SDEI_F_VERSION = 2, /* not 1.1 */
	SDEI_F_PRIVATE_RESET = 3,
	SDEI_F_SHARED_RESET = 4,
	SDEI_F_STATUS_FRESH = 5, /* STATUS(0) after the resets is not 0 */
	SDEI_F_REGISTER = 6,
	SDEI_F_STATUS_REGISTERED = 7, /* not 1 after REGISTER */
	SDEI_F_ENABLE = 8,
	SDEI_F_STATUS_ENABLED = 9, /* not 3 after ENABLE */
	SDEI_F_INFO_TYPE = 10,
	SDEI_F_INFO_PRIORITY = 11,
	SDEI_F_INFO_SIGNALED = 12,
	SDEI_F_INFO_ROUTING = 13, /* ROUTING_MODE of a private event */
	SDEI_F_SIGNAL = 14, /* EVENT_SIGNAL did not return SUCCESS */
	SDEI_F_RAN_MASKED = 15, /* the handler ran while the PE was masked */
	SDEI_F_UNMASK = 16, /* PE_UNMASK did not return 0 */
	SDEI_F_NOT_DELIVERED = 17, /* the handler did not run within 1 s */
	SDEI_F_LATE = 18, /* it ran, but not at the call's completion */
	SDEI_F_EXTRA = 19, /* it ran more often than signalled */
	SDEI_F_X0 = 20, /* x0 at entry is not event 0 */
	SDEI_F_X1 = 21, /* x1 at entry is not the registered argument */
	SDEI_F_X2 = 22, /* x2 at entry is not the interrupted PC */
	SDEI_F_X3 = 23, /* x3 at entry is not the interrupted PSTATE */
	SDEI_F_ENTRY_EL = 24, /* the handler runs at another EL */
	SDEI_F_ENTRY_DAIF = 25, /* the handler runs with DAIF not all masked */
	SDEI_F_ENTRY_SPSEL = 26, /* the handler runs on SP_EL0 */
	SDEI_F_ENTRY_SP = 27, /* the handler's SP is not the interrupted SP */
	SDEI_F_ENTRY_REGS = 28, /* x4..x17 at entry changed */
	SDEI_F_CONTEXT = 29, /* EVENT_CONTEXT in the handler */
	SDEI_F_RUNNING = 30, /* EVENT_STATUS in the handler is not 7 */
	SDEI_F_NESTED = 31, /* the handler was entered while it ran */
	SDEI_F_AFTER_REGS = 32, /* x4..x28 not intact after COMPLETE */
	SDEI_F_AFTER_SP = 33, /* SP or x29 not intact after COMPLETE */
	SDEI_F_RESUME = 34, /* COMPLETE_AND_RESUME did not reach sdei_resume */
	SDEI_F_RESUME_ELR =
		35, /* ELR at sdei_resume is not the interrupted PC */
	SDEI_F_RESUME_SPSR = 36, /* SPSR at sdei_resume is not its PSTATE */
	SDEI_F_RESUME_PSTATE = 37, /* sdei_resume entered at other EL/DAIF */
	SDEI_F_COMPLETE_RETURNED = 38, /* COMPLETE in the handler returned */
	SDEI_F_REREGISTER = 40, /* REGISTER of a registered event */
	SDEI_F_UNDECLARED = 41, /* REGISTER of an undeclared event */
	SDEI_F_CONTEXT_OUTSIDE = 42,
	SDEI_F_COMPLETE_OUTSIDE = 43,
	SDEI_F_RESUME_OUTSIDE = 44,
	SDEI_F_STRAY_RESUME = 45, /* COMPLETE_AND_RESUME outside resumed */
	SDEI_F_FEATURES_SLOTS = 46,
	SDEI_F_FEATURES_BAD = 47,
	SDEI_F_UNDEFINED_FN = 48,
	SDEI_F_SMC32_FN = 49,
	SDEI_F_DISABLE = 50,
	SDEI_F_STATUS_DISABLED = 51, /* not 1 after DISABLE */
	SDEI_F_UNREGISTER = 52,
	SDEI_F_STATUS_UNREGISTERED = 53, /* not 0 after UNREGISTER */
	SDEI_F_ENABLE_UNREGISTERED = 54,
	SDEI_F_UNREGISTER_AGAIN = 55,
	SDEI_F_PE_MASK = 56, /* the first PE_MASK did not return 1 */
	SDEI_F_PE_MASK_AGAIN = 57, /* the second returned neither 0 nor 1 */
	SDEI_F_FINAL_COUNT = 58, /* handler runs at the end differ */
	SDEI_F_CONTEXT_BAD_INDEX = 59, /* EVENT_CONTEXT(18) in the handler */
	SDEI_F_KEPT_MASKED = 60, /* a signal sent while masked ran later */
	SDEI_F_RAN_DISABLED = 61, /* the handler ran while event 0 was off */
};

/* ---- assembly: the handler's entry, its resume address, the calls ---- */

/* x4..x17, SP and PSTATE as sdei_test_entry found them. */
struct sdei_entry_regs {
	u64 x[14]; /* x4..x17 */
	u64 sp;
	u64 daif;
	u64 currentel;
	u64 spsel;
};
_Static_assert(offsetof(struct sdei_entry_regs, sp) == 112, "asm offsets");
_Static_assert(offsetof(struct sdei_entry_regs, spsel) == 136, "asm offsets");

/* What sdei_resume found: ELR/SPSR of its EL, DAIF, CurrentEL, visits. */
struct sdei_resume_regs {
	u64 elr;
	u64 spsr;
	u64 daif;
	u64 currentel;
	u64 count;
};
_Static_assert(offsetof(struct sdei_resume_regs, count) == 32, "asm offsets");

/* sdei_ccall's record of the registers around its call. */
struct sdei_ccall_out {
	u64 x[29]; /* x0..x28 right after the call */
	u64 sp_after;
	u64 x29_after;
	u64 sp_before; /* SP at the HVC/SMC */
};
_Static_assert(offsetof(struct sdei_ccall_out, sp_after) == 232, "asm offsets");
_Static_assert(offsetof(struct sdei_ccall_out, sp_before) == 248,
	       "asm offsets");

/* How the handler leaves: x0 and x1 of the call sdei_test_entry makes. */
struct sdei_exit {
	u64 fid;
	u64 arg;
};

struct sdei_entry_regs sdei_entry_regs;
struct sdei_resume_regs sdei_resume_regs;

void sdei_test_entry(void);
void sdei_resume(void);
void sdei_stray_resume(void);
/*
 * One SDEI call (x0 = fid, x1 = a1, x2 = a2, x3 = 0) with x4..x28 set to
 * SENTINEL(n); records x0..x28, SP and x29 right after it in *out and
 * returns x0. The handler interrupts it at sdei_ccall_hvc_ret or
 * sdei_ccall_smc_ret, whichever conduit the EL uses.
 */
u64 sdei_ccall(u32 fid, u64 a1, u64 a2, struct sdei_ccall_out *out);
extern const char sdei_ccall_hvc_ret[], sdei_ccall_smc_ret[];

/* Called from the assembly. */
struct sdei_exit sdei_handler(u64 event, u64 arg, u64 pc, u64 pstate);
void sdei_exit_returned(u64 fid, u64 ret) __noreturn;
void sdei_stray_resumed(void) __noreturn;

/*
 * sdei_test_entry: the handler's entry point. SP is the interrupted SP and
 * every register but x0..x3 the interrupted one: x0..x17 come back with
 * EVENT_COMPLETE, so only x18, x29 and x30 (besides what C keeps) need
 * saving. Records x4..x17, SP, DAIF, CurrentEL and SPSel before touching
 * them, calls sdei_handler(x0..x3), and exits with the call it returns
 * (COMPLETE or COMPLETE_AND_RESUME), which must not return.
 *
 * sdei_resume: where COMPLETE_AND_RESUME sends the PE, with x0..x17 of
 * the interrupted context and ELR/SPSR holding its PC and PSTATE. Records
 * those and ERETs to it, like the IRQ vector Linux resumes to.
 */
asm(".pushsection .text, \"ax\"\n"
    "	.globl	sdei_test_entry\n"
    "	.type	sdei_test_entry, %function\n"
    "	.balign	4\n"
    "sdei_test_entry:\n"
    "	stp	x29, x30, [sp, #-32]!\n"
    "	str	x18, [sp, #16]\n"
    "	adrp	x30, sdei_entry_regs\n"
    "	add	x30, x30, :lo12:sdei_entry_regs\n"
    "	stp	x4, x5, [x30, #0]\n"
    "	stp	x6, x7, [x30, #16]\n"
    "	stp	x8, x9, [x30, #32]\n"
    "	stp	x10, x11, [x30, #48]\n"
    "	stp	x12, x13, [x30, #64]\n"
    "	stp	x14, x15, [x30, #80]\n"
    "	stp	x16, x17, [x30, #96]\n"
    "	add	x4, sp, #32\n"
    "	str	x4, [x30, #112]\n"
    "	mrs	x4, daif\n"
    "	str	x4, [x30, #120]\n"
    "	mrs	x4, CurrentEL\n"
    "	str	x4, [x30, #128]\n"
    "	mrs	x4, spsel\n"
    "	str	x4, [x30, #136]\n"
    "	mov	x29, sp\n"
    "	bl	sdei_handler\n"
    "	ldr	x18, [sp, #16]\n"
    "	ldp	x29, x30, [sp], #32\n"
    "	mov	x2, x0\n"
    "	mrs	x9, CurrentEL\n"
    "	cmp	x9, #(2 << 2)\n"
    "	b.eq	1f\n"
    "	hvc	#0\n"
    "	b	2f\n"
    "1:	smc	#0\n"
    "2:	mov	x1, x0\n"
    "	mov	x0, x2\n"
    "	bl	sdei_exit_returned\n"
    "	.size	sdei_test_entry, . - sdei_test_entry\n"
    "\n"
    "	.globl	sdei_resume\n"
    "	.type	sdei_resume, %function\n"
    "	.balign	4\n"
    "sdei_resume:\n"
    "	stp	x0, x1, [sp, #-16]!\n"
    "	adrp	x1, sdei_resume_regs\n"
    "	add	x1, x1, :lo12:sdei_resume_regs\n"
    "	mrs	x0, CurrentEL\n"
    "	str	x0, [x1, #24]\n"
    "	cmp	x0, #(2 << 2)\n"
    "	b.eq	1f\n"
    "	mrs	x0, elr_el1\n"
    "	str	x0, [x1, #0]\n"
    "	mrs	x0, spsr_el1\n"
    "	str	x0, [x1, #8]\n"
    "	b	2f\n"
    "1:	mrs	x0, elr_el2\n"
    "	str	x0, [x1, #0]\n"
    "	mrs	x0, spsr_el2\n"
    "	str	x0, [x1, #8]\n"
    "2:	mrs	x0, daif\n"
    "	str	x0, [x1, #16]\n"
    "	ldr	x0, [x1, #32]\n"
    "	add	x0, x0, #1\n"
    "	str	x0, [x1, #32]\n"
    "	ldp	x0, x1, [sp], #16\n"
    "	eret\n"
    "	.size	sdei_resume, . - sdei_resume\n"
    "\n"
    "	.globl	sdei_stray_resume\n"
    "	.type	sdei_stray_resume, %function\n"
    "	.balign	4\n"
    "sdei_stray_resume:\n"
    "	bl	sdei_stray_resumed\n"
    "	.size	sdei_stray_resume, . - sdei_stray_resume\n"
    "\n"
    "	.globl	sdei_ccall\n"
    "	.type	sdei_ccall, %function\n"
    "	.balign	4\n"
    "sdei_ccall:\n"
    "	stp	x29, x30, [sp, #-112]!\n"
    "	mov	x29, sp\n"
    "	stp	x19, x20, [sp, #16]\n"
    "	stp	x21, x22, [sp, #32]\n"
    "	stp	x23, x24, [sp, #48]\n"
    "	stp	x25, x26, [sp, #64]\n"
    "	stp	x27, x28, [sp, #80]\n"
    "	stp	x18, x3, [sp, #96]\n"
    "	mov	x9, sp\n"
    "	str	x9, [x3, #248]\n"
    "	mov	x3, #0\n"
    "	.irp	r, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, "
    "20, 21, 22, 23, 24, 25, 26, 27, 28\n"
    "	movz	x\\r, #0x5d1e, lsl #48\n"
    "	movk	x\\r, #\\r\n"
    "	.endr\n"
    "	mrs	x9, CurrentEL\n"
    "	cmp	x9, #(2 << 2)\n"
    "	movz	x9, #0x5d1e, lsl #48\n"
    "	movk	x9, #9\n"
    "	b.eq	1f\n"
    "	hvc	#0\n"
    "	.globl	sdei_ccall_hvc_ret\n"
    "sdei_ccall_hvc_ret:\n"
    "	b	2f\n"
    "1:	smc	#0\n"
    "	.globl	sdei_ccall_smc_ret\n"
    "sdei_ccall_smc_ret:\n"
    "2:	ldr	x30, [sp, #104]\n"
    "	stp	x0, x1, [x30, #0]\n"
    "	stp	x2, x3, [x30, #16]\n"
    "	stp	x4, x5, [x30, #32]\n"
    "	stp	x6, x7, [x30, #48]\n"
    "	stp	x8, x9, [x30, #64]\n"
    "	stp	x10, x11, [x30, #80]\n"
    "	stp	x12, x13, [x30, #96]\n"
    "	stp	x14, x15, [x30, #112]\n"
    "	stp	x16, x17, [x30, #128]\n"
    "	stp	x18, x19, [x30, #144]\n"
    "	stp	x20, x21, [x30, #160]\n"
    "	stp	x22, x23, [x30, #176]\n"
    "	stp	x24, x25, [x30, #192]\n"
    "	stp	x26, x27, [x30, #208]\n"
    "	str	x28, [x30, #224]\n"
    "	mov	x9, sp\n"
    "	stp	x9, x29, [x30, #232]\n"
    "	ldr	x18, [sp, #96]\n"
    "	ldp	x19, x20, [sp, #16]\n"
    "	ldp	x21, x22, [sp, #32]\n"
    "	ldp	x23, x24, [sp, #48]\n"
    "	ldp	x25, x26, [sp, #64]\n"
    "	ldp	x27, x28, [sp, #80]\n"
    "	ldp	x29, x30, [sp], #112\n"
    "	ret\n"
    "	.size	sdei_ccall, . - sdei_ccall\n"
    ".popsection\n");

/* ---- the handler (C part) ---- */

/* What sdei_handler saw, for main() to check after the call. */
struct sdei_seen {
	u64 event, arg, pc, pstate;
	u64 ctx0, ctx4, ctx17, ctx_bad;
	u64 status;
	u64 nested;
};

static struct sdei_seen seen;
static volatile u64 sdei_count; /* handler runs */
static volatile bool sdei_in_handler;
static volatile bool sdei_use_resume; /* exit with COMPLETE_AND_RESUME */
static unsigned int checks;

static void __noreturn __printf(2, 3) fail(int code, const char *fmt, ...)
{
	va_list ap;

	rt_printf("SDEI: FAIL ");
	va_start(ap, fmt);
	rt_vprintf(fmt, ap);
	va_end(ap);
	rt_printf(" (code %d)\n", code);
	rt_test_fail(code);
}

/*
 * Runs on the interrupted SP with DAIF masked. Uses no FP/SIMD register:
 * the interrupted code may hold values in any of them.
 */
__attribute__((target("general-regs-only"))) struct sdei_exit
sdei_handler(u64 event, u64 arg, u64 pc, u64 pstate)
{
	if (sdei_in_handler)
		seen.nested++;
	sdei_in_handler = true;

	seen.event = event;
	seen.arg = arg;
	seen.pc = pc;
	seen.pstate = pstate;
	seen.ctx0 = rt_smccc_call(SDEI_EVENT_CONTEXT, 0, 0, 0).x0;
	seen.ctx4 = rt_smccc_call(SDEI_EVENT_CONTEXT, 4, 0, 0).x0;
	seen.ctx17 = rt_smccc_call(SDEI_EVENT_CONTEXT, 17, 0, 0).x0;
	seen.ctx_bad = rt_smccc_call(SDEI_EVENT_CONTEXT, 18, 0, 0).x0;
	seen.status = rt_smccc_call(SDEI_EVENT_STATUS, 0, 0, 0).x0;
	sdei_count = sdei_count + 1;

	sdei_in_handler = false;
	if (sdei_use_resume)
		return (struct sdei_exit){ SDEI_EVENT_COMPLETE_AND_RESUME,
					   (u64)sdei_resume };
	return (struct sdei_exit){ SDEI_EVENT_COMPLETE, 0 };
}

void sdei_exit_returned(u64 fid, u64 ret)
{
	fail(SDEI_F_COMPLETE_RETURNED,
	     "the handler's exit call %#llx returned %#llx (%lld)", fid, ret,
	     (s64)ret);
}

void sdei_stray_resumed(void)
{
	fail(SDEI_F_STRAY_RESUME,
	     "EVENT_COMPLETE_AND_RESUME outside a handler resumed");
}

/* ---- helpers ---- */

static bool unexpected_exception(struct exception_frame *f, unsigned int v)
{
	rt_printf(
		"SDEI: FAIL unexpected exception: vector %u, ESR %#llx, ELR %#llx, FAR %#llx\n",
		v, f->esr, f->elr, f->far);
	return false;
}

static u64 sdei(u32 fid, u64 a1, u64 a2)
{
	return rt_smccc_call(fid, a1, a2, 0).x0;
}

static void expect(u64 got, u64 want, int code, const char *what)
{
	if (got != want)
		fail(code, "%s returned %#llx (%lld), want %lld", what, got,
		     (s64)got, (s64)want);
	checks++;
}

/* The address of the instruction after sdei_ccall's HVC or SMC. */
static u64 ccall_return_pc(void)
{
	return rt_current_el() == 2 ? (u64)sdei_ccall_smc_ret :
				      (u64)sdei_ccall_hvc_ret;
}

/* NZCV at sdei_ccall's HVC/SMC: after cmp CurrentEL, #(2 << 2). */
static u64 ccall_nzcv(void)
{
	return rt_current_el() == 2 ? PSTATE_Z | PSTATE_C : PSTATE_N;
}

/* After sdei_ccall: x4..x28, x29 and SP as it left them. */
static void check_ccall_intact(const struct sdei_ccall_out *o, const char *what)
{
	unsigned int i;

	for (i = 4; i <= 28; i++) {
		if (o->x[i] != SENTINEL(i))
			fail(SDEI_F_AFTER_REGS,
			     "%s: x%u after the call is %#llx, not %#llx", what,
			     i, o->x[i], SENTINEL(i));
	}
	checks++;
	if (o->sp_after != o->sp_before || o->x29_after != o->sp_before)
		fail(SDEI_F_AFTER_SP,
		     "%s: SP %#llx, x29 %#llx after the call, both were %#llx",
		     what, o->sp_after, o->x29_after, o->sp_before);
	checks++;
}

/*
 * After a sdei_ccall that must have run the handler once more (count
 * want) at its completion: the call's result (0, else fail ret_code),
 * and everything the handler saw. daif: PSTATE.DAIF at the call.
 */
static void check_delivery(const char *what, u64 ret, int ret_code, u64 want,
			   const struct sdei_ccall_out *o, u64 daif)
{
	u64 count = sdei_count;
	u64 el = rt_current_el();
	u64 pstate_want = (daif & DAIF_MASK) | ccall_nzcv() | el << 2 | 1;
	u64 pstate_mask = PSTATE_NZCV | DAIF_MASK | PSTATE_M;
	unsigned int i;

	if (count > want)
		fail(SDEI_F_EXTRA, "%s: the handler ran %llu times, want %llu",
		     what, count, want);
	if (count < want) {
		if (sdei_wait_reach(&sdei_count, want, 1000))
			fail(SDEI_F_LATE,
			     "%s: the handler ran, but only after the call had returned",
			     what);
		fail(SDEI_F_NOT_DELIVERED,
		     "%s: the handler did not run within 1 s (ran %llu times, want %llu)",
		     what, count, want);
	}
	checks++;
	/* COMPLETE restores x0: the call's own return value. */
	expect(ret, SDEI_SUCCESS, ret_code, what);

	if (seen.event != 0)
		fail(SDEI_F_X0, "%s: handler x0 = %#llx, not event 0", what,
		     seen.event);
	checks++;
	if (seen.arg != SDEI_TEST_ARG)
		fail(SDEI_F_X1,
		     "%s: handler x1 = %#llx, not the argument %#llx", what,
		     seen.arg, SDEI_TEST_ARG);
	checks++;
	if (seen.pc != ccall_return_pc())
		fail(SDEI_F_X2,
		     "%s: handler x2 = %#llx, not the PC after the %s, %#llx",
		     what, seen.pc, el == 2 ? "SMC" : "HVC", ccall_return_pc());
	checks++;
	if ((seen.pstate & pstate_mask) != pstate_want)
		fail(SDEI_F_X3,
		     "%s: handler x3 = %#llx, want NZCV, DAIF, M = %#llx (mask %#llx)",
		     what, seen.pstate, pstate_want, pstate_mask);
	checks++;

	if (sdei_entry_regs.currentel != el << 2)
		fail(SDEI_F_ENTRY_EL,
		     "%s: the handler runs at EL%llu, not EL%llu", what,
		     (sdei_entry_regs.currentel >> 2) & 3, el);
	checks++;
	if ((sdei_entry_regs.daif & DAIF_MASK) != DAIF_MASK)
		fail(SDEI_F_ENTRY_DAIF,
		     "%s: the handler runs with DAIF %#llx, not all masked",
		     what, sdei_entry_regs.daif);
	checks++;
	if ((sdei_entry_regs.spsel & 1) != 1)
		fail(SDEI_F_ENTRY_SPSEL, "%s: the handler runs on SP_EL0",
		     what);
	checks++;
	if (sdei_entry_regs.sp != o->sp_before)
		fail(SDEI_F_ENTRY_SP,
		     "%s: the handler's SP is %#llx, the interrupted SP %#llx",
		     what, sdei_entry_regs.sp, o->sp_before);
	checks++;
	for (i = 4; i <= 17; i++) {
		if (sdei_entry_regs.x[i - 4] != SENTINEL(i))
			fail(SDEI_F_ENTRY_REGS,
			     "%s: x%u at handler entry is %#llx, not the interrupted %#llx",
			     what, i, sdei_entry_regs.x[i - 4], SENTINEL(i));
	}
	checks++;

	if (seen.ctx0 != ret || seen.ctx4 != SENTINEL(4) ||
	    seen.ctx17 != SENTINEL(17))
		fail(SDEI_F_CONTEXT,
		     "%s: EVENT_CONTEXT(0, 4, 17) = %#llx %#llx %#llx, want %#llx %#llx %#llx",
		     what, seen.ctx0, seen.ctx4, seen.ctx17, ret, SENTINEL(4),
		     SENTINEL(17));
	checks++;
	if (seen.ctx_bad != SDEI_INVALID_PARAMETERS)
		fail(SDEI_F_CONTEXT_BAD_INDEX,
		     "%s: EVENT_CONTEXT(18) = %lld, want INVALID_PARAMETERS",
		     what, (s64)seen.ctx_bad);
	checks++;
	if (seen.status != (SDEI_STATUS_REGISTERED | SDEI_STATUS_ENABLED |
			    SDEI_STATUS_RUNNING))
		fail(SDEI_F_RUNNING,
		     "%s: EVENT_STATUS(0) in the handler = %#llx, want 7", what,
		     seen.status);
	checks++;
	if (seen.nested)
		fail(SDEI_F_NESTED, "%s: the handler was entered while it ran",
		     what);
	checks++;

	check_ccall_intact(o, what);
	rt_printf("SDEI: %s: handler ran (%llu), x2 %#llx, x3 %#llx\n", what,
		  count, seen.pc, seen.pstate);
}

/* ---- the test ---- */

int main(void *dtb)
{
	struct sdei_ccall_out out;
	u64 mpidr = read_sysreg(mpidr_el1) & MPIDR_HWID_MASK;
	u64 el = rt_current_el();
	u64 v, r, daif;
	unsigned int i;

	(void)dtb;
	for (i = 0; i < VECTOR_COUNT; i++)
		rt_install_exception_handler(i, unexpected_exception);
	rt_printf("SDEI: at EL%llu, conduit %s, MPIDR %#llx\n", el,
		  el == 2 ? "SMC" : "HVC", mpidr);

	/* 1. VERSION */
	v = sdei(SDEI_VERSION, 0, 0);
	if ((s64)v < 0)
		fail(SDEI_F_VERSION_CALL, "VERSION returned %lld: no SDEI",
		     (s64)v);
	if (((v >> 48) & 0x7fff) != 1 || ((v >> 32) & 0xffff) != 1)
		fail(SDEI_F_VERSION, "VERSION is %#llx: %llu.%llu, want 1.1", v,
		     (v >> 48) & 0x7fff, (v >> 32) & 0xffff);
	checks++;
	rt_printf("SDEI: version %llu.%llu, vendor %#llx\n", (v >> 48) & 0x7fff,
		  (v >> 32) & 0xffff, v & 0xffffffff);

	/* 2. The Linux client's probe. */
	expect(sdei(SDEI_PRIVATE_RESET, 0, 0), SDEI_SUCCESS,
	       SDEI_F_PRIVATE_RESET, "PRIVATE_RESET");
	expect(sdei(SDEI_SHARED_RESET, 0, 0), SDEI_SUCCESS, SDEI_F_SHARED_RESET,
	       "SHARED_RESET");
	expect(sdei(SDEI_EVENT_STATUS, 0, 0), 0, SDEI_F_STATUS_FRESH,
	       "EVENT_STATUS(0) before REGISTER");

	/* 3. Event 0: register, enable, read back. */
	r = rt_smccc_call7(SDEI_EVENT_REGISTER, 0, (u64)sdei_test_entry,
			   SDEI_TEST_ARG, 0, 0, 0, 0)
		    .x0;
	expect(r, SDEI_SUCCESS, SDEI_F_REGISTER, "EVENT_REGISTER(0)");
	expect(sdei(SDEI_EVENT_STATUS, 0, 0), SDEI_STATUS_REGISTERED,
	       SDEI_F_STATUS_REGISTERED, "EVENT_STATUS(0) after REGISTER");
	expect(sdei(SDEI_EVENT_ENABLE, 0, 0), SDEI_SUCCESS, SDEI_F_ENABLE,
	       "EVENT_ENABLE(0)");
	expect(sdei(SDEI_EVENT_STATUS, 0, 0),
	       SDEI_STATUS_REGISTERED | SDEI_STATUS_ENABLED,
	       SDEI_F_STATUS_ENABLED, "EVENT_STATUS(0) after ENABLE");
	expect(sdei(SDEI_EVENT_GET_INFO, 0, SDEI_INFO_TYPE), 0,
	       SDEI_F_INFO_TYPE, "EVENT_GET_INFO(0, TYPE)");
	expect(sdei(SDEI_EVENT_GET_INFO, 0, SDEI_INFO_PRIORITY), 0,
	       SDEI_F_INFO_PRIORITY, "EVENT_GET_INFO(0, PRIORITY)");
	expect(sdei(SDEI_EVENT_GET_INFO, 0, SDEI_INFO_SIGNALED), 1,
	       SDEI_F_INFO_SIGNALED, "EVENT_GET_INFO(0, SIGNALED)");
	expect(sdei(SDEI_EVENT_GET_INFO, 0, SDEI_INFO_ROUTING_MODE),
	       SDEI_INVALID_PARAMETERS, SDEI_F_INFO_ROUTING,
	       "EVENT_GET_INFO(0, ROUTING_MODE) of a private event");

	/* 4. Masked PE: the signal is sent, and dropped there. */
	r = sdei_ccall(SDEI_EVENT_SIGNAL, 0, mpidr, &out);
	if (sdei_count || sdei_wait_reach(&sdei_count, 1, 10))
		fail(SDEI_F_RAN_MASKED,
		     "the handler ran for EVENT_SIGNAL on a masked PE");
	checks++;
	expect(r, SDEI_SUCCESS, SDEI_F_SIGNAL, "EVENT_SIGNAL(0) while masked");
	check_ccall_intact(&out, "EVENT_SIGNAL(0) while masked");
	expect(sdei(SDEI_PE_UNMASK, 0, 0), SDEI_SUCCESS, SDEI_F_UNMASK,
	       "PE_UNMASK");
	if (sdei_count || sdei_wait_reach(&sdei_count, 1, 10))
		fail(SDEI_F_KEPT_MASKED,
		     "a signal sent while the PE was masked ran after PE_UNMASK");
	checks++;

	/* Disabled: the signal waits, EVENT_ENABLE's completion runs it. */
	expect(sdei(SDEI_EVENT_DISABLE, 0, 0), SDEI_SUCCESS, SDEI_F_DISABLE,
	       "EVENT_DISABLE(0)");
	r = sdei_ccall(SDEI_EVENT_SIGNAL, 0, mpidr, &out);
	if (sdei_count || sdei_wait_reach(&sdei_count, 1, 10))
		fail(SDEI_F_RAN_DISABLED,
		     "the handler ran for EVENT_SIGNAL with event 0 disabled");
	checks++;
	expect(r, SDEI_SUCCESS, SDEI_F_SIGNAL,
	       "EVENT_SIGNAL(0) while disabled");
	daif = read_sysreg(daif);
	r = sdei_ccall(SDEI_EVENT_ENABLE, 0, 0, &out);
	check_delivery("EVENT_ENABLE", r, SDEI_F_ENABLE, 1, &out, daif);

	/* 5. Unmasked: at once, whatever PSTATE.I and F say. */
	rt_local_daif_restore(DAIF_D | DAIF_A);
	daif = read_sysreg(daif);
	r = sdei_ccall(SDEI_EVENT_SIGNAL, 0, mpidr, &out);
	rt_local_daif_restore(DAIF_MASK);
	check_delivery("EVENT_SIGNAL(0) with I, F clear", r, SDEI_F_SIGNAL, 2,
		       &out, daif);

	rt_local_irq_disable();
	daif = read_sysreg(daif);
	r = sdei_ccall(SDEI_EVENT_SIGNAL, 0, mpidr, &out);
	check_delivery("EVENT_SIGNAL(0) with I set", r, SDEI_F_SIGNAL, 3, &out,
		       daif);

	sdei_use_resume = true;
	r = sdei_ccall(SDEI_EVENT_SIGNAL, 0, mpidr, &out);
	sdei_use_resume = false;
	if (sdei_resume_regs.count != 1)
		fail(SDEI_F_RESUME,
		     "COMPLETE_AND_RESUME: sdei_resume ran %llu times, want 1",
		     sdei_resume_regs.count);
	checks++;
	check_delivery("EVENT_SIGNAL(0), COMPLETE_AND_RESUME", r, SDEI_F_SIGNAL,
		       4, &out, daif);
	if (sdei_resume_regs.elr != ccall_return_pc())
		fail(SDEI_F_RESUME_ELR,
		     "COMPLETE_AND_RESUME: ELR %#llx, not the interrupted PC %#llx",
		     sdei_resume_regs.elr, ccall_return_pc());
	checks++;
	if (sdei_resume_regs.spsr != seen.pstate)
		fail(SDEI_F_RESUME_SPSR,
		     "COMPLETE_AND_RESUME: SPSR %#llx, not the interrupted PSTATE %#llx",
		     sdei_resume_regs.spsr, seen.pstate);
	checks++;
	if (sdei_resume_regs.currentel != el << 2 ||
	    (sdei_resume_regs.daif & DAIF_MASK) != DAIF_MASK)
		fail(SDEI_F_RESUME_PSTATE,
		     "COMPLETE_AND_RESUME: resumed at CurrentEL %#llx, DAIF %#llx; want EL%llu, all masked",
		     sdei_resume_regs.currentel, sdei_resume_regs.daif, el);
	checks++;

	/* 6. Errors. */
	r = rt_smccc_call7(SDEI_EVENT_REGISTER, 0, (u64)sdei_test_entry,
			   SDEI_TEST_ARG, 0, 0, 0, 0)
		    .x0;
	expect(r, SDEI_DENIED, SDEI_F_REREGISTER,
	       "EVENT_REGISTER(0) while registered");
	r = rt_smccc_call7(SDEI_EVENT_REGISTER, SDEI_UNDECLARED_EVENT,
			   (u64)sdei_test_entry, SDEI_TEST_ARG, 0, 0, 0, 0)
		    .x0;
	expect(r, SDEI_INVALID_PARAMETERS, SDEI_F_UNDECLARED,
	       "EVENT_REGISTER(12345), undeclared");
	expect(sdei(SDEI_EVENT_CONTEXT, 0, 0), SDEI_DENIED,
	       SDEI_F_CONTEXT_OUTSIDE, "EVENT_CONTEXT(0) outside a handler");
	expect(sdei(SDEI_EVENT_COMPLETE, 0, 0), SDEI_DENIED,
	       SDEI_F_COMPLETE_OUTSIDE, "EVENT_COMPLETE outside a handler");
	expect(sdei(SDEI_EVENT_COMPLETE_AND_RESUME, (u64)sdei_stray_resume, 0),
	       SDEI_DENIED, SDEI_F_RESUME_OUTSIDE,
	       "EVENT_COMPLETE_AND_RESUME outside a handler");
	r = sdei(SDEI_FEATURES, 0, 0);
	if (r >> 32)
		fail(SDEI_F_FEATURES_SLOTS,
		     "FEATURES(BIND_SLOTS) returned %#llx (%lld)", r, (s64)r);
	checks++;
	rt_printf("SDEI: bind slots: %llu private, %llu shared\n", r & 0xffff,
		  (r >> 16) & 0xffff);
	expect(sdei(SDEI_FEATURES, 1, 0), SDEI_INVALID_PARAMETERS,
	       SDEI_F_FEATURES_BAD, "FEATURES(1)");
	expect(sdei(SDEI_UNDEFINED_FN, 0, 0), SDEI_NOT_SUPPORTED,
	       SDEI_F_UNDEFINED_FN, "undefined SDEI ID 0xc4000033");
	expect(sdei(SDEI_LAST_FN, 0, 0), SDEI_NOT_SUPPORTED,
	       SDEI_F_UNDEFINED_FN, "undefined SDEI ID 0xc400003f");
	expect(sdei(SDEI_VERSION_SMC32, 0, 0), SDEI_NOT_SUPPORTED,
	       SDEI_F_SMC32_FN, "SMC32 VERSION 0x84000020");
	expect(sdei(SDEI_EVENT_DISABLE, 0, 0), SDEI_SUCCESS, SDEI_F_DISABLE,
	       "EVENT_DISABLE(0)");
	expect(sdei(SDEI_EVENT_STATUS, 0, 0), SDEI_STATUS_REGISTERED,
	       SDEI_F_STATUS_DISABLED, "EVENT_STATUS(0) after DISABLE");
	expect(sdei(SDEI_EVENT_UNREGISTER, 0, 0), SDEI_SUCCESS,
	       SDEI_F_UNREGISTER, "EVENT_UNREGISTER(0)");
	expect(sdei(SDEI_EVENT_STATUS, 0, 0), 0, SDEI_F_STATUS_UNREGISTERED,
	       "EVENT_STATUS(0) after UNREGISTER");
	expect(sdei(SDEI_EVENT_ENABLE, 0, 0), SDEI_DENIED,
	       SDEI_F_ENABLE_UNREGISTERED, "EVENT_ENABLE(0) when unregistered");
	expect(sdei(SDEI_EVENT_UNREGISTER, 0, 0), SDEI_DENIED,
	       SDEI_F_UNREGISTER_AGAIN,
	       "EVENT_UNREGISTER(0) when unregistered");

	/* 7. PE_MASK: 1 when this call masked the PE, then 0 (TF-A). */
	expect(sdei(SDEI_PE_MASK, 0, 0), 1, SDEI_F_PE_MASK, "PE_MASK");
	r = sdei(SDEI_PE_MASK, 0, 0);
	if (r != 0 && r != 1)
		fail(SDEI_F_PE_MASK_AGAIN,
		     "PE_MASK when masked returned %#llx (%lld), want 0 or 1",
		     r, (s64)r);
	checks++;

	if (sdei_count != 4)
		fail(SDEI_F_FINAL_COUNT, "the handler ran %llu times, want 4",
		     (u64)sdei_count);
	checks++;

	rt_printf("SDEI: PASS %u checks\n", checks);
	return 0;
}
