/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's device tree, built with libfdt from a plain description of the
 * machine. Nothing here looks at the live VM.
 */
#ifndef LKVM_FDT_H
#define LKVM_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_RNG_SEED_SIZE 64
#define FDT_MAX_VIRTIO 16

/* A virtio-mmio device's window and interrupt (an SPI, as an INTID). */
struct vm_desc_virtio {
	uint64_t base, size;
	unsigned int intid;
};

struct vm_desc {
	uint64_t ram_base;
	uint64_t ram_size;

	unsigned int nr_cpus;
	const uint64_t *mpidr; /* nr_cpus MPIDR_EL1 values, from KVM */

	const char *bootargs; /* may be NULL */
	uint64_t initrd_addr;
	uint64_t initrd_size; /* 0: no initrd */
	uint8_t rng_seed[FDT_RNG_SEED_SIZE];
	uint64_t kaslr_seed;

	uint64_t gic_dist_base, gic_dist_size;
	uint64_t gic_redist_base, gic_redist_size; /* all vCPUs together */

	uint64_t uart_base, uart_size;
	unsigned int uart_intid;
	uint32_t uart_clock;

	uint64_t pvpanic_base, pvpanic_size; /* size 0: no pvpanic node */

	/* virtio-mmio devices, in the order the guest should find them. */
	struct vm_desc_virtio virtio[FDT_MAX_VIRTIO];
	unsigned int nr_virtio;

	const char *psci_method; /* "hvc" or "smc" */

	/*
	 * vCPUs with EL2: the timer gains the EL2 virtual timer PPI and the
	 * GIC its maintenance interrupt (gic_maint_intid, a PPI INTID).
	 */
	bool el2;
	unsigned int gic_maint_intid;

	/* SDEI offered: /firmware/sdei, same conduit as PSCI. */
	bool sdei;

	/* PMUv3's overflow interrupt (a PPI INTID); 0: no PMU node. */
	unsigned int pmu_intid;
};

/*
 * Writes the flattened tree into buf (size bytes). Returns 0, or a negative
 * libfdt error (-FDT_ERR_NOSPACE when buf is too small).
 */
int fdt_build(const struct vm_desc *d, void *buf, size_t size);

#endif
