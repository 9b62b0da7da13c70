/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the kernel, initrd and device tree go in guest RAM, and the register
 * values the boot vCPU starts with, computed as data before any vCPU exists
 * (Documentation/arch/arm64/booting.rst).
 */
#ifndef LKVM_ARM64_BOOT_H
#define LKVM_ARM64_BOOT_H

#include <stdbool.h>
#include <stdint.h>

#include "image.h"

struct boot_layout {
	uint64_t kernel_addr; /* where the file's first byte goes */
	uint64_t kernel_end; /* kernel_addr + image_size */
	uint64_t initrd_addr;
	uint64_t initrd_size; /* 0: no initrd */
	uint64_t fdt_addr;
	uint64_t fdt_max_size;
};

/*
 * Places a kernel described by k and an initrd of initrd_size bytes (0 for
 * none) in RAM [ram_base, ram_base + ram_size). Returns 0, or -ENOSPC with
 * *why set to a sentence naming what does not fit.
 */
int boot_plan(uint64_t ram_base, uint64_t ram_size, const struct kernel_info *k,
	      uint64_t initrd_size, struct boot_layout *out, const char **why);

/*
 * -f/--firmware, kvmtool's placement: a raw image of size bytes at addr (0:
 * ram_base), which must be a 4-byte aligned address in RAM, and the DTB at
 * the first 2 MiB boundary after it; entered at addr with x0 = the DTB.
 * Returns 0, or -ENOSPC with *why.
 */
int boot_plan_firmware(uint64_t ram_base, uint64_t ram_size, uint64_t addr,
		       uint64_t size, struct boot_layout *out,
		       const char **why);

/*
 * The smallest IPA size (32 bits at least, KVM's minimum) that holds guest
 * physical addresses below ram_end: KVM walks the VM's stage-2 tables over
 * the whole IPA range, 1 GiB at a time, when the VM ends, so smaller is
 * cheaper.
 */
unsigned int boot_ipa_bits(uint64_t ram_end);

/* Exception level a vCPU starts at. */
enum boot_el {
	BOOT_EL1,
	BOOT_EL2,
	BOOT_EL1_AARCH32, /* SVC mode, A32 (T32 for a CPU_ON entry's bit 0) */
};

struct boot_regs {
	uint64_t pc;
	uint64_t pstate;
	uint64_t x[4]; /* x0..x3 */
};

/* PSTATE values (SPSR format, ARM ARM C5.2.18): mode and DAIF. */
#define PSTATE_MODE_EL1H 0x5ULL
#define PSTATE_MODE_EL2H 0x9ULL
#define PSTATE_DAIF (0xfULL << 6)
/* AArch32: SVC mode with A, I and F masked; T selects T32. */
#define PSTATE_AA32_SVC 0x1d3ULL
#define PSTATE_AA32_T 0x20ULL

/* Boot CPU registers: PC at the entry point, x0 = DTB, x1..x3 = 0. */
void boot_regs_compute(const struct boot_layout *l, enum boot_el el,
		       struct boot_regs *r);

/*
 * Registers of a vCPU that PSCI CPU_ON starts (DEN0022D 6.4.3): PC at
 * entry, x0 = context_id, the boot EL with DAIF masked.
 */
void boot_regs_cpu_on(uint64_t entry, uint64_t context, enum boot_el el,
		      struct boot_regs *r);

#endif
