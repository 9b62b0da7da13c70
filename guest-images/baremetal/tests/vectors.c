// SPDX-License-Identifier: GPL-2.0
/*
 * The exception path of the runtime, round trip: a test handler sees the
 * right vector and ESR, its changes to the frame reach the interrupted
 * code, general and FP/SIMD registers survive, and a trap taken with FP
 * disabled (when the vectors must not touch FP registers) returns too.
 * Prints "VECTORS: PASS".
 */
#include "runtime.h"

#define BRK_IMM 0x42

static unsigned int brk_hits, fp_hits;

/*
 * Clobbers v7 on purpose: the vectors must give the interrupted code its
 * own v7 back. x0 is set in the frame: the interrupted code must see it.
 */
static bool brk_handler(struct exception_frame *f, unsigned int vector)
{
	if (vector != VECTOR_SYNC_CUR_SPX || ESR_EC(f->esr) != ESR_EC_BRK64 ||
	    (f->esr & 0xffff) != BRK_IMM)
		return false;
	brk_hits++;
	asm volatile("movi v7.16b, #0xff" : : : "v7");
	f->regs[0] = 0x1234;
	f->elr += 4;
	return true;
}

/* FP/SIMD access for the current EL, as start.S sets it up, or off. */
static __attribute__((target("general-regs-only"))) void fp_access(bool on)
{
	u64 v;

	if (rt_current_el() == 1) {
		v = read_sysreg(cpacr_el1);
		v = on ? v | (3ULL << 20) : v & ~(3ULL << 20);
		write_sysreg(v, cpacr_el1);
	} else if (read_sysreg(hcr_el2) & (1ULL << 34)) {
		v = read_sysreg(cptr_el2);
		v = on ? v | (3ULL << 20) : v & ~(3ULL << 20);
		write_sysreg(v, cptr_el2);
	} else {
		v = read_sysreg(cptr_el2);
		v = on ? v & ~(1ULL << 10) : v | (1ULL << 10);
		write_sysreg(v, cptr_el2);
	}
	isb();
}

/* Runs with FP trapped, so it must not use FP itself. */
static __attribute__((target("general-regs-only"))) bool
fp_trap_handler(struct exception_frame *f, unsigned int vector)
{
	if (vector != VECTOR_SYNC_CUR_SPX || ESR_EC(f->esr) != ESR_EC_FP_ASIMD)
		return false;
	fp_hits++;
	if (f->fp_saved)
		return false;
	/* Retry the trapped instruction with FP enabled. */
	fp_access(true);
	return true;
}

int main(void *dtb)
{
	u64 x0, v7, v17;

	(void)dtb;
	rt_printf("VECTORS: at EL%u\n", rt_current_el());

	rt_install_sync_handler(brk_handler);
	asm volatile("mov x0, #0\n"
		     "movi v7.16b, #0x5a\n"
		     "brk %[imm]\n"
		     "mov %[x0], x0\n"
		     "umov %[v7], v7.d[0]"
		     : [x0] "=&r"(x0), [v7] "=&r"(v7)
		     : [imm] "i"(BRK_IMM)
		     : "x0", "v7", "memory");
	if (brk_hits != 1 || x0 != 0x1234 || v7 != 0x5a5a5a5a5a5a5a5aULL) {
		rt_printf("VECTORS: FAIL brk: %u hits, x0 %#llx, v7 %#llx\n",
			  brk_hits, x0, v7);
		return 1;
	}

	rt_install_sync_handler(fp_trap_handler);
	fp_access(false);
	asm volatile("movi v17.16b, #0x3c\n"
		     "umov %[v17], v17.d[0]"
		     : [v17] "=r"(v17)
		     :
		     : "v17");
	if (fp_hits != 1 || v17 != 0x3c3c3c3c3c3c3c3cULL) {
		rt_printf("VECTORS: FAIL FP trap: %u hits, v17 %#llx\n",
			  fp_hits, v17);
		return 2;
	}
	rt_install_sync_handler(NULL);

	rt_puts("VECTORS: PASS");
	return 0;
}
