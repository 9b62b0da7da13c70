// SPDX-License-Identifier: GPL-2.0
/*
 * Smoke test: the runtime boots and prints, and lkvm entered it as
 * booting.rst says: x0 = the address of a valid DTB (8-byte aligned, in
 * RAM, magic 0xd00dfeed big-endian), x1..x3 = 0, DAIF masked. Prints
 * "SMOKE: PASS" and powers off, or "SMOKE: FAIL <why>" and fails.
 */
#include "runtime.h"

#include "arm64/layout.h"

#define FDT_MAGIC 0xd00dfeed

int main(void *dtb)
{
	unsigned long addr = (unsigned long)dtb;
	u64 daif = read_sysreg(daif);
	u32 magic;

	rt_printf(
		"SMOKE: lkvm bare-metal runtime at EL%u, DTB at %#lx, MPIDR %#llx\n",
		rt_current_el(), addr, read_sysreg(mpidr_el1));

	if (rt_boot_args[1] || rt_boot_args[2] || rt_boot_args[3]) {
		rt_printf(
			"SMOKE: FAIL x1..x3 at entry are %#llx %#llx %#llx, not 0\n",
			rt_boot_args[1], rt_boot_args[2], rt_boot_args[3]);
		return 1;
	}
	if ((daif & DAIF_MASK) != DAIF_MASK) {
		rt_printf(
			"SMOKE: FAIL DAIF at entry is %#llx, not all masked\n",
			daif);
		return 2;
	}
	/* Check before reading: an unaligned load faults with the MMU off. */
	if (addr < LKVM_RAM_BASE || addr % 8) {
		rt_printf(
			"SMOKE: FAIL DTB address %#lx is not 8-byte aligned RAM\n",
			addr);
		return 3;
	}
	magic = rt_be32_to_cpu(*(volatile u32 *)dtb);
	if (magic != FDT_MAGIC) {
		rt_printf("SMOKE: FAIL DTB magic at %#lx is %#x, not %#x\n",
			  addr, magic, FDT_MAGIC);
		return 4;
	}

	rt_puts("SMOKE: PASS");
	return 0;
}
