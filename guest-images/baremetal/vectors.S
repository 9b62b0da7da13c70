/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exception vector tables for EL1 and EL2 (Arm ARM D1.3.1: 16 entries of
 * 0x80 bytes, the table 2 KiB aligned). rt_cpu_setup installs the one of
 * the EL the runtime runs at.
 *
 * Every entry saves the whole interrupted context as a struct
 * exception_frame on the stack of the EL taking the exception and calls
 * rt_exception(vector, frame). That returns only when a test's handler
 * took care of the exception; the frame, maybe changed by the handler, is
 * then restored and the exception returns.
 */
#include "rt-defs.h"

/* Each entry: make room for the frame, free two registers, go common. */
.macro ventry el, vector
	.balign	0x80
	sub	sp, sp, #RT_FRAME_SIZE
	stp	x0, x1, [sp, #RT_FRAME_X0]
	mov	x0, #\vector
	b	rt_vector_common_el\el
.endm

/*
 * x1 = 1 when FP/SIMD can be used at EL\el. A test may disable it on
 * purpose to take the trap, and touching an FP register here would then
 * trap again, forever. Clobbers x2.
 */
.macro fp_usable el
.if \el == 1
	/* CPACR_EL1.FPEN = 0bx1: EL1 does not trap. */
	mrs	x1, cpacr_el1
	ubfx	x1, x1, #20, #1
.else
	/* CPTR_EL2: FPEN = 0bx1 with E2H = 1, TFP = 0 with E2H = 0. */
	mrs	x1, hcr_el2
	mrs	x2, cptr_el2
	tbnz	x1, #34, 8f
	ubfx	x1, x2, #10, #1
	eor	x1, x1, #1
	b	9f
8:	ubfx	x1, x2, #20, #1
9:
.endif
.endm

.macro vector_common el
	.type	rt_vector_common_el\el, %function
rt_vector_common_el\el:
	stp	x2, x3, [sp, #RT_FRAME_X0 + 16 * 1]
	stp	x4, x5, [sp, #RT_FRAME_X0 + 16 * 2]
	stp	x6, x7, [sp, #RT_FRAME_X0 + 16 * 3]
	stp	x8, x9, [sp, #RT_FRAME_X0 + 16 * 4]
	stp	x10, x11, [sp, #RT_FRAME_X0 + 16 * 5]
	stp	x12, x13, [sp, #RT_FRAME_X0 + 16 * 6]
	stp	x14, x15, [sp, #RT_FRAME_X0 + 16 * 7]
	stp	x16, x17, [sp, #RT_FRAME_X0 + 16 * 8]
	stp	x18, x19, [sp, #RT_FRAME_X0 + 16 * 9]
	stp	x20, x21, [sp, #RT_FRAME_X0 + 16 * 10]
	stp	x22, x23, [sp, #RT_FRAME_X0 + 16 * 11]
	stp	x24, x25, [sp, #RT_FRAME_X0 + 16 * 12]
	stp	x26, x27, [sp, #RT_FRAME_X0 + 16 * 13]
	stp	x28, x29, [sp, #RT_FRAME_X0 + 16 * 14]
	str	x30, [sp, #RT_FRAME_X0 + 8 * 30]

	add	x1, sp, #RT_FRAME_SIZE
	str	x1, [sp, #RT_FRAME_SP]
	mrs	x1, elr_el\el
	mrs	x2, spsr_el\el
	stp	x1, x2, [sp, #RT_FRAME_ELR]
	mrs	x1, esr_el\el
	mrs	x2, far_el\el
	stp	x1, x2, [sp, #RT_FRAME_ESR]

	/*
	 * The runtime's C code uses no FP register (-mgeneral-regs-only), but
	 * a test's handler may, and the interrupted code may be using them.
	 */
	fp_usable \el
	str	x1, [sp, #RT_FRAME_FP_SAVED]
	cbz	x1, 1f
	mrs	x2, fpsr
	mrs	x3, fpcr
	stp	x2, x3, [sp, #RT_FRAME_FPSR]
	add	x2, sp, #RT_FRAME_V
	stp	q0, q1, [x2, #32 * 0]
	stp	q2, q3, [x2, #32 * 1]
	stp	q4, q5, [x2, #32 * 2]
	stp	q6, q7, [x2, #32 * 3]
	stp	q8, q9, [x2, #32 * 4]
	stp	q10, q11, [x2, #32 * 5]
	stp	q12, q13, [x2, #32 * 6]
	stp	q14, q15, [x2, #32 * 7]
	stp	q16, q17, [x2, #32 * 8]
	stp	q18, q19, [x2, #32 * 9]
	stp	q20, q21, [x2, #32 * 10]
	stp	q22, q23, [x2, #32 * 11]
	stp	q24, q25, [x2, #32 * 12]
	stp	q26, q27, [x2, #32 * 13]
	stp	q28, q29, [x2, #32 * 14]
	stp	q30, q31, [x2, #32 * 15]
1:
	/* x0 = vector */
	mov	x1, sp
	bl	rt_exception

	/* Handled: resume the interrupted context from the frame. */
	ldr	x1, [sp, #RT_FRAME_FP_SAVED]
	cbz	x1, 2f
	add	x1, sp, #RT_FRAME_V
	ldp	q0, q1, [x1, #32 * 0]
	ldp	q2, q3, [x1, #32 * 1]
	ldp	q4, q5, [x1, #32 * 2]
	ldp	q6, q7, [x1, #32 * 3]
	ldp	q8, q9, [x1, #32 * 4]
	ldp	q10, q11, [x1, #32 * 5]
	ldp	q12, q13, [x1, #32 * 6]
	ldp	q14, q15, [x1, #32 * 7]
	ldp	q16, q17, [x1, #32 * 8]
	ldp	q18, q19, [x1, #32 * 9]
	ldp	q20, q21, [x1, #32 * 10]
	ldp	q22, q23, [x1, #32 * 11]
	ldp	q24, q25, [x1, #32 * 12]
	ldp	q26, q27, [x1, #32 * 13]
	ldp	q28, q29, [x1, #32 * 14]
	ldp	q30, q31, [x1, #32 * 15]
	ldp	x2, x3, [sp, #RT_FRAME_FPSR]
	msr	fpsr, x2
	msr	fpcr, x3
2:
	ldp	x1, x2, [sp, #RT_FRAME_ELR]
	msr	elr_el\el, x1
	msr	spsr_el\el, x2

	ldp	x2, x3, [sp, #RT_FRAME_X0 + 16 * 1]
	ldp	x4, x5, [sp, #RT_FRAME_X0 + 16 * 2]
	ldp	x6, x7, [sp, #RT_FRAME_X0 + 16 * 3]
	ldp	x8, x9, [sp, #RT_FRAME_X0 + 16 * 4]
	ldp	x10, x11, [sp, #RT_FRAME_X0 + 16 * 5]
	ldp	x12, x13, [sp, #RT_FRAME_X0 + 16 * 6]
	ldp	x14, x15, [sp, #RT_FRAME_X0 + 16 * 7]
	ldp	x16, x17, [sp, #RT_FRAME_X0 + 16 * 8]
	ldp	x18, x19, [sp, #RT_FRAME_X0 + 16 * 9]
	ldp	x20, x21, [sp, #RT_FRAME_X0 + 16 * 10]
	ldp	x22, x23, [sp, #RT_FRAME_X0 + 16 * 11]
	ldp	x24, x25, [sp, #RT_FRAME_X0 + 16 * 12]
	ldp	x26, x27, [sp, #RT_FRAME_X0 + 16 * 13]
	ldp	x28, x29, [sp, #RT_FRAME_X0 + 16 * 14]
	ldr	x30, [sp, #RT_FRAME_X0 + 8 * 30]
	ldp	x0, x1, [sp, #RT_FRAME_X0]
	add	sp, sp, #RT_FRAME_SIZE
	eret
	.size	rt_vector_common_el\el, . - rt_vector_common_el\el
.endm

.macro vector_table el
	.balign	2048
	.globl	rt_vectors_el\el
rt_vectors_el\el:
	/* Current EL with SP_EL0 (the runtime never runs on SP_EL0) */
	ventry	\el, 0		/* synchronous */
	ventry	\el, 1		/* IRQ */
	ventry	\el, 2		/* FIQ */
	ventry	\el, 3		/* SError */
	/* Current EL with SP_ELx: the runtime's own code */
	ventry	\el, 4
	ventry	\el, 5
	ventry	\el, 6
	ventry	\el, 7
	/* Lower EL, AArch64 */
	ventry	\el, 8
	ventry	\el, 9
	ventry	\el, 10
	ventry	\el, 11
	/* Lower EL, AArch32 */
	ventry	\el, 12
	ventry	\el, 13
	ventry	\el, 14
	ventry	\el, 15
	.balign	0x80
	vector_common \el
.endm

	.text
	vector_table 1
	vector_table 2

	.section .note.GNU-stack, "", %progbits
