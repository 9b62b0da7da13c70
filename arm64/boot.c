// SPDX-License-Identifier: GPL-2.0
/*
 * Boot placement, Documentation/arch/arm64/booting.rst:
 * - the Image sits text_offset bytes above a 2 MiB aligned base and needs
 *   image_size bytes there (bss included);
 * - the DTB is 8-byte aligned and at most 2 MiB; lkvm puts it in the last
 *   2 MiB of RAM, as kvmtool does;
 * - the initrd goes right below the DTB, page aligned, so that the kernel's
 *   own footprint at the bottom of RAM stays free.
 */
#include <errno.h>

#include "boot.h"
#include "layout.h"

#define SZ_4K 0x1000ULL

static uint64_t align_down(uint64_t v, uint64_t a)
{
	return v & ~(a - 1);
}

int boot_plan(uint64_t ram_base, uint64_t ram_size, const struct kernel_info *k,
	      uint64_t initrd_size, struct boot_layout *out, const char **why)
{
	uint64_t offset = k->kind == KERNEL_IMAGE   ? k->text_offset :
			  k->kind == KERNEL_AARCH32 ? LKVM_A32_LOAD_OFFSET :
						      LKVM_RAW_LOAD_OFFSET;
	uint64_t ram_end = ram_base + ram_size;
	uint64_t low_limit;

	*out = (struct boot_layout){ 0 };
	if (ram_size > UINT64_MAX - ram_base) {
		*why = "guest RAM ends beyond the 64-bit address space";
		return -ENOSPC;
	}
	if (ram_size < LKVM_FDT_MAX_SIZE + offset) {
		*why = "guest RAM is too small for the device tree and the kernel";
		return -ENOSPC;
	}
	out->fdt_max_size = LKVM_FDT_MAX_SIZE;
	/* booting.rst: the DTB must be placed on an 8-byte boundary. */
	out->fdt_addr = align_down(ram_end - LKVM_FDT_MAX_SIZE, 8);
	out->kernel_addr = ram_base + offset;

	/* Compare sizes, not sums, so a huge image_size cannot wrap. */
	if (k->image_size > out->fdt_addr - out->kernel_addr) {
		*why = "kernel (its header's image_size) does not fit in guest RAM; raise --mem";
		return -ENOSPC;
	}
	out->kernel_end = out->kernel_addr + k->image_size;

	if (!initrd_size)
		return 0;
	low_limit = out->kernel_end;
	if (initrd_size > out->fdt_addr - low_limit) {
		*why = "kernel and initrd together do not fit in guest RAM; raise --mem";
		return -ENOSPC;
	}
	out->initrd_addr = align_down(out->fdt_addr - initrd_size, SZ_4K);
	if (out->initrd_addr < low_limit) {
		*why = "kernel and initrd together do not fit in guest RAM; raise --mem";
		return -ENOSPC;
	}
	out->initrd_size = initrd_size;
	return 0;
}

#define SZ_2M 0x200000ULL

int boot_plan_firmware(uint64_t ram_base, uint64_t ram_size, uint64_t addr,
		       uint64_t size, struct boot_layout *out, const char **why)
{
	uint64_t ram_end = ram_base + ram_size;

	*out = (struct boot_layout){ 0 };
	if (!addr)
		addr = ram_base;
	if (ram_size > UINT64_MAX - ram_base) {
		*why = "guest RAM ends beyond the 64-bit address space";
		return -ENOSPC;
	}
	if (addr < ram_base || addr >= ram_end || addr % 4) {
		*why = "the firmware address is not a 4-byte aligned address in guest RAM";
		return -ENOSPC;
	}
	/* Sizes, not sums: a huge file cannot wrap. */
	if (size > ram_end - addr) {
		*why = "the firmware does not fit in guest RAM; raise --mem";
		return -ENOSPC;
	}
	out->kernel_addr = addr;
	out->kernel_end = addr + size;
	/* kvmtool's: the DTB at the first 2 MiB boundary after the image. */
	out->fdt_addr = align_down(out->kernel_end + SZ_2M - 1, SZ_2M);
	if (out->fdt_addr < out->kernel_end ||
	    out->fdt_addr > ram_end - LKVM_FDT_MAX_SIZE) {
		*out = (struct boot_layout){ 0 };
		*why = "the device tree after the firmware does not fit in guest RAM; raise --mem";
		return -ENOSPC;
	}
	out->fdt_max_size = LKVM_FDT_MAX_SIZE;
	return 0;
}

unsigned int boot_ipa_bits(uint64_t ram_end)
{
	unsigned int bits = 32;

	while (bits < 64 && ram_end > (1ULL << bits))
		bits++;
	return bits;
}

void boot_regs_cpu_on(uint64_t entry, uint64_t context, enum boot_el el,
		      struct boot_regs *r)
{
	*r = (struct boot_regs){ 0 };
	r->pc = entry;
	r->pstate = PSTATE_DAIF |
		    (el == BOOT_EL2 ? PSTATE_MODE_EL2H : PSTATE_MODE_EL1H);
	r->x[0] = context;
	if (el == BOOT_EL1_AARCH32) {
		r->pc = entry & ~1ULL;
		r->pstate = PSTATE_AA32_SVC | (entry & 1 ? PSTATE_AA32_T : 0);
	}
}

void boot_regs_compute(const struct boot_layout *l, enum boot_el el,
		       struct boot_regs *r)
{
	/* The boot CPU is "turned on" at the kernel with x0 = the DTB. */
	boot_regs_cpu_on(l->kernel_addr, l->fdt_addr, el, r);
	/* arm's boot protocol: r0 = 0, r1 = ~0 (a DT machine), r2 = DTB. */
	if (el == BOOT_EL1_AARCH32) {
		r->x[0] = 0;
		r->x[1] = 0xffffffff;
		r->x[2] = l->fdt_addr;
	}
}
