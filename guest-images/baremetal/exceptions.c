// SPDX-License-Identifier: GPL-2.0
/*
 * Exceptions: a test's handlers first, then the report of an unexpected
 * exception, which fails the test with RT_FAIL_EXCEPTION + the vector.
 */
#include "rt-internal.h"

/* vectors.S lays the frame out by rt-defs.h; both must agree. */
#define FRAME_AT(field, off)                                             \
	_Static_assert(offsetof(struct exception_frame, field) == (off), \
		       "exception_frame." #field " is not at " #off)
FRAME_AT(regs, RT_FRAME_X0);
FRAME_AT(sp, RT_FRAME_SP);
FRAME_AT(elr, RT_FRAME_ELR);
FRAME_AT(spsr, RT_FRAME_SPSR);
FRAME_AT(esr, RT_FRAME_ESR);
FRAME_AT(far, RT_FRAME_FAR);
FRAME_AT(fpsr, RT_FRAME_FPSR);
FRAME_AT(fpcr, RT_FRAME_FPCR);
FRAME_AT(fp_saved, RT_FRAME_FP_SAVED);
FRAME_AT(v, RT_FRAME_V);
_Static_assert(sizeof(struct exception_frame) == RT_FRAME_SIZE,
	       "exception_frame is not RT_FRAME_SIZE bytes");
_Static_assert(RT_FRAME_SIZE % 16 == 0, "the stack must stay 16-byte aligned");

static exception_handler_t handlers[VECTOR_COUNT];

exception_handler_t rt_install_exception_handler(unsigned int vector,
						 exception_handler_t fn)
{
	exception_handler_t old;

	if (vector >= VECTOR_COUNT)
		return NULL;
	old = READ_ONCE(handlers[vector]);
	WRITE_ONCE(handlers[vector], fn);
	/* Other CPUs see the handler before this one goes on. */
	smp_mb();
	return old;
}

static const char *const vector_names[VECTOR_COUNT] = {
	[VECTOR_SYNC_CUR_SP0] = "synchronous, current EL, SP_EL0",
	[VECTOR_IRQ_CUR_SP0] = "IRQ, current EL, SP_EL0",
	[VECTOR_FIQ_CUR_SP0] = "FIQ, current EL, SP_EL0",
	[VECTOR_SERROR_CUR_SP0] = "SError, current EL, SP_EL0",
	[VECTOR_SYNC_CUR_SPX] = "synchronous, current EL, SP_ELx",
	[VECTOR_IRQ_CUR_SPX] = "IRQ, current EL, SP_ELx",
	[VECTOR_FIQ_CUR_SPX] = "FIQ, current EL, SP_ELx",
	[VECTOR_SERROR_CUR_SPX] = "SError, current EL, SP_ELx",
	[VECTOR_SYNC_LOWER_A64] = "synchronous, lower EL, AArch64",
	[VECTOR_IRQ_LOWER_A64] = "IRQ, lower EL, AArch64",
	[VECTOR_FIQ_LOWER_A64] = "FIQ, lower EL, AArch64",
	[VECTOR_SERROR_LOWER_A64] = "SError, lower EL, AArch64",
	[VECTOR_SYNC_LOWER_A32] = "synchronous, lower EL, AArch32",
	[VECTOR_IRQ_LOWER_A32] = "IRQ, lower EL, AArch32",
	[VECTOR_FIQ_LOWER_A32] = "FIQ, lower EL, AArch32",
	[VECTOR_SERROR_LOWER_A32] = "SError, lower EL, AArch32",
};

static const char *ec_name(unsigned int ec)
{
	switch (ec) {
	case ESR_EC_UNKNOWN:
		return "unknown reason (undefined instruction?)";
	case ESR_EC_WFX:
		return "WFI/WFE";
	case ESR_EC_FP_ASIMD:
		return "FP/SIMD access trapped";
	case ESR_EC_ILL:
		return "illegal execution state";
	case ESR_EC_SVC64:
		return "SVC";
	case ESR_EC_HVC64:
		return "HVC";
	case ESR_EC_SMC64:
		return "SMC";
	case ESR_EC_SYS64:
		return "MSR/MRS/system instruction trapped";
	case ESR_EC_IABT_LOW:
		return "instruction abort, lower EL";
	case ESR_EC_IABT_CUR:
		return "instruction abort, current EL";
	case ESR_EC_PC_ALIGN:
		return "PC alignment";
	case ESR_EC_DABT_LOW:
		return "data abort, lower EL";
	case ESR_EC_DABT_CUR:
		return "data abort, current EL";
	case ESR_EC_SP_ALIGN:
		return "SP alignment";
	case ESR_EC_SERROR:
		return "SError";
	case ESR_EC_BRK64:
		return "BRK";
	default:
		return "see the Arm ARM, ESR_ELx.EC";
	}
}

/* Per CPU: already reporting, so a fault in the report does not loop. */
static bool reporting[RT_MAX_CPUS];

static void __noreturn unexpected(unsigned int vector,
				  const struct exception_frame *f)
{
	unsigned int cpu = rt_smp_processor_id();
	int code = RT_FAIL_EXCEPTION + vector;
	unsigned int i;

	if (cpu < RT_MAX_CPUS) {
		if (reporting[cpu])
			rt_test_fail(code);
		reporting[cpu] = true;
	}

	/*
	 * Without the console lock: another CPU may hold it forever, or this
	 * one while it was interrupted.
	 */
	rt_printf_unlocked(
		"\n*** unexpected exception on CPU %u at EL%u: %s (vector %u)\n",
		cpu, rt_current_el(), vector_names[vector], vector);
	/* "0x%016llx", not "%#018llx": C's '#' drops the 0x of a zero. */
	rt_printf_unlocked("*** ESR 0x%016llx (EC 0x%02llx: %s; ISS 0x%llx)\n",
			   f->esr, ESR_EC(f->esr), ec_name(ESR_EC(f->esr)),
			   ESR_ISS(f->esr));
	rt_printf_unlocked("*** ELR 0x%016llx  FAR 0x%016llx\n", f->elr,
			   f->far);
	rt_printf_unlocked("*** SPSR 0x%016llx  SP 0x%016llx\n", f->spsr,
			   f->sp);
	for (i = 0; i < 31; i++)
		rt_printf_unlocked("%sx%-2u 0x%016llx%s", i % 3 ? "  " : "*** ",
				   i, f->regs[i],
				   i % 3 == 2 || i == 30 ? "\n" : "");
	rt_printf_unlocked("*** failing with code %#x\n", code);
	rt_test_fail(code);
}

void rt_exception(unsigned int vector, struct exception_frame *frame)
{
	exception_handler_t fn;

	if (vector >= VECTOR_COUNT)
		rt_test_fail(RT_FAIL_EXCEPTION);
	fn = READ_ONCE(handlers[vector]);
	if (fn && fn(frame, vector))
		return;
	unexpected(vector, frame);
}
