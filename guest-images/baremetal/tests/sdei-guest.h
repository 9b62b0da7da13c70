/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SDEI (Arm DEN0054 v1.1) for the bare-metal test guests: the function IDs
 * and codes, a call through the EL's conduit whose return address a test
 * can name, and a handler entry trampoline. Included once per test image
 * (it defines global symbols).
 */
#ifndef BAREMETAL_SDEI_GUEST_H
#define BAREMETAL_SDEI_GUEST_H

#include "runtime.h"

/* SMC64 function IDs: 0xC4000020 + n (DEN0054B). */
#define SDEI_FN(n) (0xC4000020u + (n))
#define SDEI_VERSION SDEI_FN(0x00)
#define SDEI_EVENT_REGISTER SDEI_FN(0x01)
#define SDEI_EVENT_ENABLE SDEI_FN(0x02)
#define SDEI_EVENT_DISABLE SDEI_FN(0x03)
#define SDEI_EVENT_CONTEXT SDEI_FN(0x04)
#define SDEI_EVENT_COMPLETE SDEI_FN(0x05)
#define SDEI_EVENT_COMPLETE_AND_RESUME SDEI_FN(0x06)
#define SDEI_EVENT_UNREGISTER SDEI_FN(0x07)
#define SDEI_EVENT_STATUS SDEI_FN(0x08)
#define SDEI_EVENT_GET_INFO SDEI_FN(0x09)
#define SDEI_EVENT_ROUTING_SET SDEI_FN(0x0A)
#define SDEI_PE_MASK SDEI_FN(0x0B)
#define SDEI_PE_UNMASK SDEI_FN(0x0C)
#define SDEI_INTERRUPT_BIND SDEI_FN(0x0D)
#define SDEI_INTERRUPT_RELEASE SDEI_FN(0x0E)
#define SDEI_EVENT_SIGNAL SDEI_FN(0x0F)
#define SDEI_FEATURES SDEI_FN(0x10)
#define SDEI_PRIVATE_RESET SDEI_FN(0x11)
#define SDEI_SHARED_RESET SDEI_FN(0x12)

/* Return codes, sign-extended to 64 bits. */
#define SDEI_SUCCESS 0ULL
#define SDEI_NOT_SUPPORTED ((u64)-1LL)
#define SDEI_INVALID_PARAMETERS ((u64)-2LL)
#define SDEI_DENIED ((u64)-3LL)
#define SDEI_PENDING ((u64)-5LL)
#define SDEI_OUT_OF_RESOURCE ((u64)-10LL)

/* EVENT_STATUS bits. */
#define SDEI_STATUS_REGISTERED 1
#define SDEI_STATUS_ENABLED 2
#define SDEI_STATUS_RUNNING 4

/* EVENT_GET_INFO info codes. */
#define SDEI_INFO_TYPE 0
#define SDEI_INFO_SIGNALED 1
#define SDEI_INFO_PRIORITY 2
#define SDEI_INFO_ROUTING_MODE 3
#define SDEI_INFO_ROUTING_AFF 4

/* EVENT_REGISTER / EVENT_ROUTING_SET routing modes. */
#define SDEI_RM_ANY 0
#define SDEI_RM_PE 1

/*
 * One SDEI call (x0 = fid, x1 = a1, x2 = a2, x3 = 0) through the EL's
 * conduit (HVC at EL1, SMC at EL2); returns x0. A handler the call makes
 * deliverable interrupts it at sdei_guest_call_hvc_ret or
 * sdei_guest_call_smc_ret, so a test can check the handler's x2 (the
 * interrupted PC). x30 survives the HVC/SMC (a handler gives it back), so
 * a plain ret returns.
 */
u64 sdei_guest_call(u32 fid, u64 a1, u64 a2);
extern const char sdei_guest_call_hvc_ret[], sdei_guest_call_smc_ret[];

asm(".pushsection .text, \"ax\"\n"
    "	.globl	sdei_guest_call\n"
    "	.type	sdei_guest_call, %function\n"
    "	.balign	4\n"
    "sdei_guest_call:\n"
    "	mov	x3, #0\n"
    "	mrs	x9, CurrentEL\n"
    "	cmp	x9, #(2 << 2)\n"
    "	b.eq	1f\n"
    "	hvc	#0\n"
    "	.globl	sdei_guest_call_hvc_ret\n"
    "sdei_guest_call_hvc_ret:\n"
    "	ret\n"
    "1:	smc	#0\n"
    "	.globl	sdei_guest_call_smc_ret\n"
    "sdei_guest_call_smc_ret:\n"
    "	ret\n"
    "	.size	sdei_guest_call, . - sdei_guest_call\n"
    ".popsection\n");

/* Where sdei_guest_call resumes after its HVC/SMC, for this EL's conduit. */
static inline u64 sdei_guest_call_ret_pc(void)
{
	return (u64)(rt_current_el() == 2 ? sdei_guest_call_smc_ret :
					    sdei_guest_call_hvc_ret);
}

/*
 * Whether *p reaches want within ms milliseconds of the virtual counter.
 * The spin bound (at least 1 ns a round) only matters if the counter does
 * not tick.
 */
static inline bool sdei_wait_reach(const volatile u64 *p, u64 want,
				   unsigned int ms)
{
	u64 freq = read_sysreg(cntfrq_el0);
	u64 span = freq / 1000 * ms;
	u64 spins, max_spins = (u64)ms * 1000000;
	u64 start;

	isb();
	start = read_sysreg(cntvct_el0);
	for (spins = 0; spins < max_spins; spins++) {
		if (*p >= want)
			return true;
		isb();
		if (freq && read_sysreg(cntvct_el0) - start > span)
			break;
		rt_cpu_relax();
	}
	return *p >= want;
}

/* Spins ms milliseconds (bounded the same way). */
static inline void sdei_delay_ms(unsigned int ms)
{
	static const volatile u64 never;

	sdei_wait_reach(&never, 1, ms);
}

/*
 * SDEI_HANDLER_ENTRY(entry, handler) defines the handler entry point
 * `entry`, for EVENT_REGISTER: it calls
 *
 *   void handler(u64 event, u64 arg, u64 pc, u64 pstate);
 *
 * (x0..x3 as the dispatcher set them) and leaves with
 * EVENT_COMPLETE(handled), which must not return: if it does, it calls
 * sdei_complete_returned(ret), which the test defines. On entry SP is
 * the interrupted SP and every register but x0..x3 the interrupted one;
 * COMPLETE gives back x0..x17, PC and PSTATE, so only x18, x29 and x30
 * (besides what C keeps) are saved around the C handler. The handler
 * must not use FP/SIMD registers (target("general-regs-only")).
 */
void sdei_complete_returned(u64 ret) __noreturn;

#define SDEI_STR(x) #x
/* An asm template, one instruction a line: not for clang-format. */
/* clang-format off */
#define SDEI_HANDLER_ENTRY(entry, handler)				\
	void entry(void);						\
	asm(".pushsection .text, \"ax\"\n"				\
	    "	.globl	" SDEI_STR(entry) "\n"			\
	    "	.type	" SDEI_STR(entry) ", %function\n"		\
	    "	.balign	4\n"						\
	    SDEI_STR(entry) ":\n"					\
	    "	stp	x29, x30, [sp, #-32]!\n"			\
	    "	str	x18, [sp, #16]\n"				\
	    "	mov	x29, sp\n"					\
	    "	bl	" SDEI_STR(handler) "\n"			\
	    "	ldr	x18, [sp, #16]\n"				\
	    "	ldp	x29, x30, [sp], #32\n"				\
	    "	movz	x0, #0x0025\n"					\
	    "	movk	x0, #0xc400, lsl #16\n"				\
	    "	mov	x1, #0\n"					\
	    "	mrs	x9, CurrentEL\n"				\
	    "	cmp	x9, #(2 << 2)\n"				\
	    "	b.eq	1f\n"						\
	    "	hvc	#0\n"						\
	    "	b	2f\n"						\
	    "1:	smc	#0\n"						\
	    "2:	bl	sdei_complete_returned\n"			\
	    "	.size	" SDEI_STR(entry) ", . - " SDEI_STR(entry) "\n"	\
	    ".popsection\n")
/* clang-format on */

_Static_assert(SDEI_EVENT_COMPLETE == 0xc4000025u, "SDEI_HANDLER_ENTRY's exit");

#ifdef SDEI_TEST
/*
 * A test that defines SDEI_TEST (its name in output lines, "SDEI-HOST")
 * before including this gets fail(), which prints
 * "<SDEI_TEST>: FAIL cpu<n>: <what> (code <code>)" and fails the test with
 * that code, and sdei_catch_exceptions(), after which any exception the
 * test did not expect fails it with such a line. SDEI_TEST_BEFORE_FAIL(),
 * when defined, runs first (to quiet a device before printing).
 */
static void __noreturn __printf(2, 3) fail(int code, const char *fmt, ...)
{
	va_list ap;

#ifdef SDEI_TEST_BEFORE_FAIL
	SDEI_TEST_BEFORE_FAIL();
#endif
	rt_printf(SDEI_TEST ": FAIL cpu%u: ", rt_smp_processor_id());
	va_start(ap, fmt);
	rt_vprintf(fmt, ap);
	va_end(ap);
	rt_printf(" (code %d)\n", code);
	rt_test_fail(code);
}

static bool sdei_unexpected_exception(struct exception_frame *f, unsigned int v)
{
	rt_printf(
		SDEI_TEST
		": FAIL cpu%u: unexpected exception: vector %u, ESR %#llx, ELR %#llx, FAR %#llx\n",
		rt_smp_processor_id(), v, f->esr, f->elr, f->far);
	return false;
}

static inline void sdei_catch_exceptions(void)
{
	for (unsigned int i = 0; i < VECTOR_COUNT; i++)
		rt_install_exception_handler(i, sdei_unexpected_exception);
}

#ifdef SDEI_TEST_SMP_CHECKS
/*
 * For a two-CPU test that also defines SDEI_TEST_SMP_CHECKS: checks
 * passed on cpu0 and on the other CPU (each CPU counts its own), expect()
 * that fails the test with code when got is not want, and sdei(), a
 * shorter sdei_guest_call().
 */
static unsigned int checks; /* cpu0's */
static volatile unsigned int checks1; /* the other CPU's */

static void count_check(void)
{
	if (rt_smp_processor_id() == 0)
		checks++;
	else
		checks1 = checks1 + 1;
}

static void expect(u64 got, u64 want, int code, const char *what)
{
	if (got != want)
		fail(code, "%s is %#llx (%lld), expected %#llx (%lld)", what,
		     got, (s64)got, want, (s64)want);
	count_check();
}

static u64 sdei(u32 fid, u64 a1, u64 a2)
{
	return sdei_guest_call(fid, a1, a2);
}
#endif
#endif

#endif
