// SPDX-License-Identifier: GPL-2.0
/*
 * The pvpanic device (QEMU's docs/specs/pvpanic.rst, DT binding
 * qemu,pvpanic-mmio) as a guest's panic notifier uses it: the device tree
 * has the node at LKVM_PVPANIC_BASE, the register reads back the events
 * lkvm supports (PANICKED | CRASH_LOADED), a CRASH_LOADED report lets the
 * guest go on, and a PANICKED report ends it: lkvm exits 4 (guest panic).
 * If lkvm let the guest run on for a second after that, the guest fails
 * (exit 3) instead.
 */
#include "runtime.h"

#include "arm64/layout.h"

#define PVPANIC_PANICKED 0x1
#define PVPANIC_CRASH_LOADED 0x2
#define FDT_MAGIC 0xd00dfeed

static void spin_ms(u64 ms)
{
	u64 freq = read_sysreg(cntfrq_el0);
	u64 start = read_sysreg(cntvct_el0);

	while (read_sysreg(cntvct_el0) - start < freq / 1000 * ms)
		rt_cpu_relax();
}

int main(void *dtb)
{
	u8 events;

	if (!dtb || rt_be32_to_cpu(*(u32 *)dtb) != FDT_MAGIC) {
		rt_printf("PVPANIC: FAIL no device tree\n");
		return 1;
	}
	events = rt_readb(LKVM_PVPANIC_BASE);
	if (events != (PVPANIC_PANICKED | PVPANIC_CRASH_LOADED)) {
		rt_printf(
			"PVPANIC: FAIL the register reads %#x, expected %#x\n",
			events, PVPANIC_PANICKED | PVPANIC_CRASH_LOADED);
		return 2;
	}
	rt_writeb(PVPANIC_CRASH_LOADED, LKVM_PVPANIC_BASE);
	spin_ms(100);
	rt_printf(
		"PVPANIC: still running after CRASH_LOADED; reporting PANICKED\n");
	rt_writeb(PVPANIC_PANICKED, LKVM_PVPANIC_BASE);
	spin_ms(1000);
	rt_printf("PVPANIC: FAIL lkvm let the guest run on after PANICKED\n");
	return 3;
}
