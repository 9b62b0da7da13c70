/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry of the bare-metal test runtime: the arm64 Image header, the boot
 * CPU's entry, the entry of CPUs started with PSCI CPU_ON, and the stacks.
 *
 * lkvm enters at EL1h, or at EL2h with --nested, with DAIF masked, the MMU
 * and caches off and x0 = the DTB address (booting.rst). Everything here is
 * position-dependent: link.ld places it where lkvm loads it, and rt_boot()
 * checks that it really runs there.
 *
 * Assembled twice: as is, with the Image header, and with RT_RAW_BINARY for
 * the raw variant, whose first 64 bytes hold the same branch and zeros so
 * that lkvm does not recognise an Image, and everything else stays at the
 * same address.
 */
#include "psci.h"
#include "rt-defs.h"

/* A symbol's address, PC-relative (within 4 GiB), as the compiler does. */
.macro adr_l, dst, sym
	adrp	\dst, \sym
	add	\dst, \dst, :lo12:\sym
.endm

	.section .head.text, "ax"
	.globl	_head
_head:
	/* code0: the Image is entered at its first byte. */
	b	primary_entry
	/* code1 */
	.long	0
#ifndef RT_RAW_BINARY
	.quad	RT_TEXT_OFFSET		/* text_offset */
	.quad	_image_size		/* image_size, incl. bss (link.ld) */
	.quad	RT_IMAGE_FLAGS		/* flags */
	.quad	0			/* res2 */
	.quad	0			/* res3 */
	.quad	0			/* res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */
#else
	.fill	RT_IMAGE_HEADER_SIZE - 8, 1, 0
#endif
	.if	. - _head != RT_IMAGE_HEADER_SIZE
	.error	"the Image header must be 64 bytes"
	.endif

	.text

	.type	primary_entry, %function
primary_entry:
	/* Keep the boot registers for rt_boot_args and rt_boot(). */
	mov	x19, x0
	mov	x20, x1
	mov	x21, x2
	mov	x22, x3
	mrs	x23, mpidr_el1
	/* Where we run (exact, PC-relative) and where we are linked. */
	adr	x24, _head
	ldr	x25, =_head

	/* CPU 0's stack: the top of slot 0 of rt_stacks. */
	adr_l	x0, rt_stacks
	add	sp, x0, #RT_STACK_SIZE

	/*
	 * bss, with plain aligned stores: with the MMU off RAM is Device
	 * memory, where DC ZVA faults. link.ld aligns both ends to 16.
	 */
	adr_l	x0, __bss_start
	adr_l	x1, __bss_end
1:	cmp	x0, x1
	b.hs	2f
	stp	xzr, xzr, [x0], #16
	b	1b
2:
	mov	x0, #0
	bl	rt_cpu_setup

	adr_l	x0, rt_boot_args
	stp	x19, x20, [x0]
	stp	x21, x22, [x0, #16]

	mov	x0, x19
	mov	x1, x23
	mov	x2, x24
	mov	x3, x25
	bl	rt_boot
	/* rt_boot() does not return. */
3:	wfi
	b	3b
	.ltorg
	.size	primary_entry, . - primary_entry

/*
 * PSCI CPU_ON entry, at the EL of the caller with the MMU off; x0 is the
 * context_id, which rt_cpu_on() sets to the logical CPU number.
 */
	.globl	rt_secondary_entry
	.type	rt_secondary_entry, %function
rt_secondary_entry:
	cbz	x0, 1f
	cmp	x0, #RT_MAX_CPUS
	b.hs	1f
	mov	x19, x0

	/* Its stack: the top of slot x0 of rt_stacks. */
	adr_l	x1, rt_stacks
	add	x2, x19, #1
	add	x1, x1, x2, lsl #RT_STACK_SHIFT
	mov	sp, x1

	bl	rt_cpu_setup
	mov	x0, x19
	bl	rt_secondary_main
	/* rt_secondary_main() does not return. */
2:	wfi
	b	2b

	/* Not a slot of ours: no stack to run C on. */
1:	mov	w0, #RT_FAIL_SECONDARY_ID
	b	rt_fail_early
	.size	rt_secondary_entry, . - rt_secondary_entry

/*
 * Per-CPU setup at the current EL: x0 = logical CPU number (kept in
 * TPIDR_ELx for rt_smp_processor_id()), the vectors, and FP/SIMD access so
 * that compiled code does not trap. Needs no stack; clobbers x0-x2.
 */
	.type	rt_cpu_setup, %function
rt_cpu_setup:
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.eq	1f

	msr	tpidr_el1, x0
	adr_l	x1, rt_vectors_el1
	msr	vbar_el1, x1
	/* CPACR_EL1.FPEN = 0b11: no FP/SIMD trap at EL1 or EL0. */
	mrs	x1, cpacr_el1
	orr	x1, x1, #(3 << 20)
	msr	cpacr_el1, x1
	isb
	ret

1:	msr	tpidr_el2, x0
	adr_l	x1, rt_vectors_el2
	msr	vbar_el2, x1
	/*
	 * CPTR_EL2 has two layouts: with HCR_EL2.E2H = 1 (KVM's default for
	 * a nested guest) it is CPACR-like, FPEN at [21:20]; with E2H = 0
	 * (lkvm's E2H0 mode) FP traps with TFP, bit 10.
	 */
	mrs	x1, hcr_el2
	mrs	x2, cptr_el2
	tbnz	x1, #34, 2f
	bic	x2, x2, #(1 << 10)
	b	3f
2:	orr	x2, x2, #(3 << 20)
3:	msr	cptr_el2, x2
	isb
	ret
	.size	rt_cpu_setup, . - rt_cpu_setup

/*
 * Fails the test from a CPU without a stack: PSCI SYSTEM_RESET2 with
 * LKVM_RESET2_GUEST_FAILURE | w0. The base comes from runtime.c, which
 * includes vmm/exit-codes.h (plain C, no use from assembly).
 */
	.globl	rt_fail_early
	.type	rt_fail_early, %function
rt_fail_early:
	adr_l	x1, rt_reset2_guest_failure
	ldr	w1, [x1]
	orr	w1, w1, w0
	ldr	x0, =RT_PSCI_FN64_SYSTEM_RESET2
	mov	x2, #0
	mrs	x3, CurrentEL
	cmp	x3, #(2 << 2)
	b.eq	1f
	hvc	#0
	b	2f
1:	smc	#0
2:	wfi
	b	2b
	.ltorg
	.size	rt_fail_early, . - rt_fail_early

/* One stack per logical CPU, not part of the loaded file. */
	.section .stacks, "aw", %nobits
	.balign	16
	.globl	rt_stacks
rt_stacks:
	.skip	RT_MAX_CPUS * RT_STACK_SIZE
	.size	rt_stacks, . - rt_stacks

	.section .note.GNU-stack, "", %progbits
