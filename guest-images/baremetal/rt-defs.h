/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Constants of the bare-metal test runtime that the assembly (start.S,
 * vectors.S) and the C side must agree on. Plain #defines only, so that
 * the .S files can include it too.
 */
#ifndef BAREMETAL_RT_DEFS_H
#define BAREMETAL_RT_DEFS_H

/*
 * Logical CPUs the runtime can run: the boot CPU is 0, rt_cpu_on() starts the
 * others under the numbers a test gives them.
 */
#define RT_MAX_CPUS 8

/*
 * One stack per logical CPU. 16 KiB leaves room for an exception frame
 * (RT_FRAME_SIZE) on top of rt_printf and a test's own locals.
 */
#define RT_STACK_SHIFT 14
#define RT_STACK_SIZE (1 << RT_STACK_SHIFT)

/*
 * The arm64 Image header (Documentation/arch/arm64/booting.rst). lkvm
 * places an Image at a 2 MiB aligned RAM base + text_offset, and a raw
 * binary at RAM + 0x80000 (arm64/layout.h): linking at RAM + 0x80000 with
 * text_offset 0x80000 makes both the same address (link.ld).
 */
#define RT_TEXT_OFFSET 0x80000
/* flags: bit 0 = 0 little-endian, bits 1-2 = 1 4K pages, bit 3 = 0 2M base */
#define RT_IMAGE_FLAGS 0x2
#define RT_IMAGE_HEADER_SIZE 64

/*
 * struct exception_frame (runtime.h) as vectors.S lays it out on the stack.
 * Offsets are checked against the struct with static asserts in
 * exceptions.c; stp/ldp need the q registers 16-byte aligned.
 */
#define RT_FRAME_X0 0 /* x0..x30, 8 bytes each */
#define RT_FRAME_SP 248
#define RT_FRAME_ELR 256
#define RT_FRAME_SPSR 264
#define RT_FRAME_ESR 272
#define RT_FRAME_FAR 280
#define RT_FRAME_FPSR 288
#define RT_FRAME_FPCR 296
#define RT_FRAME_FP_SAVED 304
#define RT_FRAME_V 320 /* q0..q31, 16 bytes each */
#define RT_FRAME_SIZE 832

/*
 * Failure codes the runtime itself reports (rt_test_fail()). Tests keep to
 * codes below 0xe000 so that a runtime failure is never mistaken for one
 * of theirs.
 */
#define RT_FAIL_EXCEPTION 0xe000 /* + vector index 0..15 */
#define RT_FAIL_LOAD_ADDRESS 0xe010 /* image not running where linked */
#define RT_FAIL_SECONDARY_ID \
	0xe011 /* CPU_ON context_id not an rt_cpu_on() slot */
#define RT_FAIL_SECONDARY 0xe012 /* the wrong CPU woke up for rt_cpu_on() */
#define RT_FAIL_CPU_OFF 0xe013 /* PSCI CPU_OFF returned */
#define RT_FAIL_SYSTEM_OFF 0xe014 /* PSCI SYSTEM_OFF returned (no pass) */
#define RT_FAIL_BAD_CODE 0xe015 /* rt_test_fail() code outside 1..0xffff */

#endif
