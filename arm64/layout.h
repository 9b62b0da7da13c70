/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest physical memory map, compatible with kvmtool's arm64 layout so
 * that guests and test programs built for kvmtool run unchanged.
 *
 *   0x0000_0000 +------------------------------+
 *               | (unmapped: kvmtool's ioports)|
 *   0x0100_0000 +------------------------------+ LKVM_UART_BASE
 *               | 8250 UART (8 byte registers) |
 *   0x0100_1000 +------------------------------+ LKVM_PVPANIC_BASE
 *               | pvpanic (qemu,pvpanic-mmio)  |
 *   0x0100_2000 +------------------------------+
 *               | (unmapped)                   |
 *   0x0100_3000 +------------------------------+ LKVM_SELFTEST_BASE
 *               | lab self-test register, only |
 *               | with LKVM_MEM_SELFTEST=read  |
 *   0x0100_3018 +------------------------------+
 *               | (unmapped)                   |
 *   0x0101_0000 +------------------------------+ LKVM_VIRTIO_BASE
 *               | virtio-mmio devices, 512     |
 *               | bytes each: disks in -d      |
 *               | order, then rng, console     |
 *   0x0101_2000 +------------------------------+
 *               | (unmapped)                   |
 *   0x0102_0000 +------------------------------+ LKVM_PVTIME_BASE
 *               | stolen-time records, 64      |
 *               | bytes per vCPU (memory)      |
 *   0x0106_0000 +------------------------------+
 *               | (unmapped)                   |
 *               +------------------------------+ LKVM_GIC_REDIST_BASE(n)
 *               | GICv3 redistributors,        |
 *               | 128 KiB per vCPU             |
 *   0x3fff_0000 +------------------------------+ LKVM_GIC_DIST_BASE
 *               | GICv3 distributor (64 KiB)   |
 *   0x4000_0000 +------------------------------+
 *               | (unmapped: kvmtool's PCI)    |
 *   0x8000_0000 +------------------------------+ LKVM_RAM_BASE
 *               | guest RAM (-m MiB)           |
 *               |   +0x0008_0000 raw binaries  |
 *               |   kernel at base+text_offset |
 *               |   ...                        |
 *               |   initrd (below the DTB)     |
 *               |   DTB in the last 2 MiB      |
 *               +------------------------------+
 */
#ifndef LKVM_ARM64_LAYOUT_H
#define LKVM_ARM64_LAYOUT_H

#define LKVM_UART_BASE 0x01000000ULL
#define LKVM_UART_SIZE 0x8ULL
/* bindings/misc/qemu,pvpanic-mmio: one event register, 2 bytes of space. */
#define LKVM_PVPANIC_BASE 0x01001000ULL
#define LKVM_PVPANIC_SIZE 0x2ULL
/*
 * The memory self-test register (vmm/mem-selftest.h), for the lab only: no
 * device tree node, absent unless LKVM_MEM_SELFTEST=read.
 */
#define LKVM_SELFTEST_BASE 0x01003000ULL
#define LKVM_SELFTEST_SIZE 0x18ULL
/* 1.8432 MHz: the classic 8250 input clock, as kvmtool's device tree says. */
#define LKVM_UART_CLOCK 1843200

#define LKVM_GIC_DIST_BASE 0x3fff0000ULL
#define LKVM_GIC_DIST_SIZE 0x10000ULL
#define LKVM_GIC_REDIST_SIZE 0x20000ULL /* RD_base + SGI_base frames */
#define LKVM_GIC_REDIST_BASE(nr_cpus) \
	(LKVM_GIC_DIST_BASE -         \
	 (unsigned long long)(nr_cpus)*LKVM_GIC_REDIST_SIZE)

#define LKVM_RAM_BASE 0x80000000ULL

/*
 * Stolen time (Documentation/virt/kvm/arm/pvtime.rst): one 64-byte record
 * per vCPU, in memory outside RAM that the guest finds through its
 * PV_TIME_ST call; 64 KiB granules, room for LKVM_MAX_CPUS.
 */
#define LKVM_PVTIME_BASE 0x01020000ULL
#define LKVM_PVTIME_RECORD 64ULL
#define LKVM_PVTIME_SIZE(nr_cpus) \
	(((nr_cpus)*LKVM_PVTIME_RECORD + 0xffffULL) & ~0xffffULL)

/* PMUv3 overflow interrupt: PPI 7, as QEMU's virt machine and kvmtool. */
#define LKVM_PMU_INTID 23

/* --aarch32 kernels (zImage and raw) load here, as kvmtool's. */
#define LKVM_A32_LOAD_OFFSET 0x8000ULL

/* Files without an arm64 Image header load here, as kvmtool does. */
#define LKVM_RAW_LOAD_OFFSET 0x80000ULL

/* booting.rst: the DTB must not exceed 2 MiB and be 8-byte aligned. */
#define LKVM_FDT_MAX_SIZE 0x200000ULL

/* Shared peripheral interrupts lkvm hands out, as INTIDs (SPI n = 32 + n). */
#define LKVM_SPI_BASE 32
#define LKVM_UART_INTID (LKVM_SPI_BASE + 0)

/* virtio-mmio windows (virtio-mmio.h's VIRTIO_MMIO_SIZE each), SPI 1 up. */
#define LKVM_VIRTIO_BASE 0x01010000ULL
#define LKVM_VIRTIO_STRIDE 0x200ULL
#define LKVM_VIRTIO_MAX 16
#define LKVM_VIRTIO_ADDR(n) (LKVM_VIRTIO_BASE + (n)*LKVM_VIRTIO_STRIDE)
#define LKVM_VIRTIO_INTID(n) (LKVM_SPI_BASE + 1 + (n))

/* Architected timer PPIs as INTIDs (KVM's defaults). */
#define LKVM_TIMER_PHYS_INTID 30
#define LKVM_TIMER_VIRT_INTID 27
#define LKVM_TIMER_HYP_PHYS_INTID 26
#define LKVM_TIMER_HYP_VIRT_INTID 28
#define LKVM_TIMER_SEC_PHYS_INTID 29

/* GIC maintenance interrupt for guests with EL2: PPI 9, as QEMU and SBSA. */
#define LKVM_GIC_MAINT_INTID 25

/*
 * vCPU limit: the redistributors of all vCPUs must fit below the
 * distributor and above the MMIO device window.
 */
#define LKVM_MAX_CPUS 4096

#endif
