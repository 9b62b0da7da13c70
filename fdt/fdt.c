// SPDX-License-Identifier: GPL-2.0
/*
 * Device tree for an lkvm guest: one helper per node, each following its
 * binding in Linux's Documentation/devicetree/bindings/.
 */
#include <libfdt.h>
#include <stdio.h>

#include "fdt.h"
#include "../arm64/layout.h"

/* dt-bindings/interrupt-controller/arm-gic.h */
#define GIC_SPI 0
#define GIC_PPI 1
#define IRQ_TYPE_LEVEL_HIGH 4

#define PHANDLE_GIC 1

/* Returns early from the calling builder on the first libfdt error. */
#define TRY(expr)                     \
	do {                          \
		int __err = (expr);   \
		if (__err)            \
			return __err; \
	} while (0)

static int prop_reg(void *fdt, uint64_t base, uint64_t size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	return fdt_property(fdt, "reg", reg, sizeof(reg));
}

static int prop_irq(void *fdt, uint32_t type, uint32_t num)
{
	fdt32_t irq[3] = { cpu_to_fdt32(type), cpu_to_fdt32(num),
			   cpu_to_fdt32(IRQ_TYPE_LEVEL_HIGH) };

	return fdt_property(fdt, "interrupts", irq, sizeof(irq));
}

static int begin_node_at(void *fdt, const char *name, uint64_t addr)
{
	char node[64];

	snprintf(node, sizeof(node), "%s@%llx", name, (unsigned long long)addr);
	return fdt_begin_node(fdt, node);
}

/* bindings/arm/cpus.yaml; reg is MPIDR_EL1's affinity Aff2..Aff0. */
static int fdt_add_cpus(void *fdt, const struct vm_desc *d)
{
	TRY(fdt_begin_node(fdt, "cpus"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	for (unsigned int i = 0; i < d->nr_cpus; i++) {
		uint32_t reg = d->mpidr[i] & 0xffffff;

		TRY(begin_node_at(fdt, "cpu", reg));
		TRY(fdt_property_string(fdt, "device_type", "cpu"));
		TRY(fdt_property_string(fdt, "compatible", "arm,armv8"));
		TRY(fdt_property_string(fdt, "enable-method", "psci"));
		TRY(fdt_property_u32(fdt, "reg", reg));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

/* bindings/memory (device_type "memory"). */
static int fdt_add_memory(void *fdt, const struct vm_desc *d)
{
	TRY(begin_node_at(fdt, "memory", d->ram_base));
	TRY(fdt_property_string(fdt, "device_type", "memory"));
	TRY(prop_reg(fdt, d->ram_base, d->ram_size));
	return fdt_end_node(fdt);
}

/* bindings/chosen.yaml: bootargs, initrd, seeds, console. */
static int fdt_add_chosen(void *fdt, const struct vm_desc *d)
{
	char path[64];

	TRY(fdt_begin_node(fdt, "chosen"));
	if (d->bootargs)
		TRY(fdt_property_string(fdt, "bootargs", d->bootargs));
	if (d->initrd_size) {
		TRY(fdt_property_u64(fdt, "linux,initrd-start",
				     d->initrd_addr));
		TRY(fdt_property_u64(fdt, "linux,initrd-end",
				     d->initrd_addr + d->initrd_size));
	}
	TRY(fdt_property(fdt, "rng-seed", d->rng_seed, sizeof(d->rng_seed)));
	TRY(fdt_property_u64(fdt, "kaslr-seed", d->kaslr_seed));
	snprintf(path, sizeof(path), "/serial@%llx",
		 (unsigned long long)d->uart_base);
	TRY(fdt_property_string(fdt, "stdout-path", path));
	return fdt_end_node(fdt);
}

/* bindings/arm/psci.yaml: PSCI 0.2 and later need no function IDs. */
static int fdt_add_psci(void *fdt, const struct vm_desc *d)
{
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2";

	TRY(fdt_begin_node(fdt, "psci"));
	TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	TRY(fdt_property_string(fdt, "method", d->psci_method));
	return fdt_end_node(fdt);
}

/* bindings/arm/firmware/sdei.txt: "arm,sdei-1.0" with its conduit. */
static int fdt_add_firmware(void *fdt, const struct vm_desc *d)
{
	if (!d->sdei)
		return 0;
	TRY(fdt_begin_node(fdt, "firmware"));
	TRY(fdt_begin_node(fdt, "sdei"));
	TRY(fdt_property_string(fdt, "compatible", "arm,sdei-1.0"));
	TRY(fdt_property_string(fdt, "method", d->psci_method));
	TRY(fdt_end_node(fdt));
	return fdt_end_node(fdt);
}

/*
 * bindings/timer/arm,arch_timer.yaml: secure physical, non-secure physical,
 * virtual and hypervisor physical PPIs, in that order, and the hypervisor
 * virtual timer fifth for a CPU with EL2: without it a VHE guest falls back
 * to the EL2 physical timer with a "[Firmware Bug]" warning.
 */
static int fdt_add_timer(void *fdt, const struct vm_desc *d)
{
	static const unsigned int intids[] = {
		LKVM_TIMER_SEC_PHYS_INTID, LKVM_TIMER_PHYS_INTID,
		LKVM_TIMER_VIRT_INTID,	   LKVM_TIMER_HYP_PHYS_INTID,
		LKVM_TIMER_HYP_VIRT_INTID,
	};
	unsigned int nr = d->el2 ? 5 : 4;
	fdt32_t irqs[3 * 5];

	for (unsigned int i = 0; i < nr; i++) {
		irqs[3 * i] = cpu_to_fdt32(GIC_PPI);
		irqs[3 * i + 1] = cpu_to_fdt32(intids[i] - 16);
		irqs[3 * i + 2] = cpu_to_fdt32(IRQ_TYPE_LEVEL_HIGH);
	}
	TRY(fdt_begin_node(fdt, "timer"));
	TRY(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	TRY(fdt_property(fdt, "interrupts", irqs, nr * 3 * sizeof(*irqs)));
	TRY(fdt_property(fdt, "always-on", NULL, 0));
	return fdt_end_node(fdt);
}

/* bindings/arm/pmu.yaml: one PPI; with GICv3 no CPU mask. */
static int fdt_add_pmu(void *fdt, const struct vm_desc *d)
{
	if (!d->pmu_intid)
		return 0;
	TRY(fdt_begin_node(fdt, "pmu"));
	TRY(fdt_property_string(fdt, "compatible", "arm,armv8-pmuv3"));
	TRY(prop_irq(fdt, GIC_PPI, d->pmu_intid - 16));
	return fdt_end_node(fdt);
}

/* bindings/interrupt-controller/arm,gic-v3.yaml */
static int fdt_add_gic(void *fdt, const struct vm_desc *d)
{
	fdt64_t reg[4] = {
		cpu_to_fdt64(d->gic_dist_base),
		cpu_to_fdt64(d->gic_dist_size),
		cpu_to_fdt64(d->gic_redist_base),
		cpu_to_fdt64(d->gic_redist_size),
	};

	TRY(begin_node_at(fdt, "intc", d->gic_dist_base));
	TRY(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 3));
	/* No children (no ITS yet): an interrupt provider has no addresses. */
	TRY(fdt_property_u32(fdt, "#address-cells", 0));
	TRY(fdt_property(fdt, "reg", reg, sizeof(reg)));
	/* The maintenance interrupt a guest hypervisor's vGIC needs. */
	if (d->el2)
		TRY(prop_irq(fdt, GIC_PPI, d->gic_maint_intid - 16));
	TRY(fdt_property_u32(fdt, "phandle", PHANDLE_GIC));
	return fdt_end_node(fdt);
}

/* bindings/serial/8250.yaml */
static int fdt_add_uart(void *fdt, const struct vm_desc *d)
{
	TRY(begin_node_at(fdt, "serial", d->uart_base));
	TRY(fdt_property_string(fdt, "compatible", "ns16550a"));
	TRY(prop_reg(fdt, d->uart_base, d->uart_size));
	TRY(prop_irq(fdt, GIC_SPI, d->uart_intid - LKVM_SPI_BASE));
	TRY(fdt_property_u32(fdt, "clock-frequency", d->uart_clock));
	return fdt_end_node(fdt);
}

/* bindings/misc/qemu,pvpanic-mmio.txt: a guest reports its panic here. */
static int fdt_add_pvpanic(void *fdt, const struct vm_desc *d)
{
	if (!d->pvpanic_size)
		return 0;
	TRY(begin_node_at(fdt, "pvpanic", d->pvpanic_base));
	TRY(fdt_property_string(fdt, "compatible", "qemu,pvpanic-mmio"));
	TRY(prop_reg(fdt, d->pvpanic_base, d->pvpanic_size));
	return fdt_end_node(fdt);
}

/*
 * bindings/virtio/mmio.yaml: one node per device, level-sensitive SPI
 * (the line follows InterruptStatus), coherent with the CPUs.
 */
static int fdt_add_virtio(void *fdt, const struct vm_desc_virtio *v)
{
	TRY(begin_node_at(fdt, "virtio_mmio", v->base));
	TRY(fdt_property_string(fdt, "compatible", "virtio,mmio"));
	TRY(prop_reg(fdt, v->base, v->size));
	TRY(prop_irq(fdt, GIC_SPI, v->intid - LKVM_SPI_BASE));
	TRY(fdt_property(fdt, "dma-coherent", NULL, 0));
	return fdt_end_node(fdt);
}

static int fdt_add_root(void *fdt, const struct vm_desc *d)
{
	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
	TRY(fdt_property_string(fdt, "model", "lkvm"));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property_u32(fdt, "interrupt-parent", PHANDLE_GIC));

	TRY(fdt_add_chosen(fdt, d));
	TRY(fdt_add_memory(fdt, d));
	TRY(fdt_add_cpus(fdt, d));
	TRY(fdt_add_psci(fdt, d));
	TRY(fdt_add_firmware(fdt, d));
	TRY(fdt_add_gic(fdt, d));
	TRY(fdt_add_timer(fdt, d));
	TRY(fdt_add_pmu(fdt, d));
	TRY(fdt_add_uart(fdt, d));
	TRY(fdt_add_pvpanic(fdt, d));
	for (unsigned int i = 0; i < d->nr_virtio && i < FDT_MAX_VIRTIO; i++)
		TRY(fdt_add_virtio(fdt, &d->virtio[i]));
	return fdt_end_node(fdt);
}

int fdt_build(const struct vm_desc *d, void *buf, size_t size)
{
	TRY(fdt_create(buf, size));
	TRY(fdt_finish_reservemap(buf));
	TRY(fdt_add_root(buf, d));
	return fdt_finish(buf);
}
