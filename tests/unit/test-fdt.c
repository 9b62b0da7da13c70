// SPDX-License-Identifier: GPL-2.0
/*
 * fdt_build: the blob is read back with libfdt, node by node, against the
 * Devicetree Specification v0.4 and Linux's bindings
 * (Documentation/devicetree/bindings/), and then handed to the host's dtc,
 * which must decompile it without a single warning.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "../../fdt/fdt.h"

#define SZ_2M 0x200000

/*
 * The machine, written out here rather than taken from arm64/layout.h:
 * kvmtool's arm64 map, RAM at 0x80000000, the 8250 at 0x1000000, the GICv3
 * distributor (64 KiB) at 0x3fff0000 with one 128 KiB redistributor per
 * vCPU (RD_base + SGI_base frames, GICv3 arch spec 12.10) right below it.
 */
#define RAM_BASE 0x80000000ULL
#define GICD_BASE 0x3fff0000ULL
#define GICD_SIZE 0x10000ULL
#define GICR_SIZE_PER_CPU 0x20000ULL
#define UART_BASE 0x1000000ULL
#define UART_SIZE 8
#define UART_INTID 32 /* SPI 0 */
#define UART_CLOCK 1843200

/*
 * include/dt-bindings/interrupt-controller/arm-gic.h and irq.h: the three
 * cells of a GIC interrupt specifier are type (SPI 0, PPI 1), number within
 * that type, and flags (IRQ_TYPE_LEVEL_HIGH 4).
 */
#define DT_GIC_SPI 0
#define DT_GIC_PPI 1
#define DT_LEVEL_HIGH 4

#define MAX_TEST_CPUS 4096

struct machine {
	struct vm_desc d;
	uint64_t mpidr[MAX_TEST_CPUS];
};

/*
 * MPIDR_EL1 as KVM sets it up for vCPU i (arch/arm64/kvm/sys_regs.c,
 * reset_mpidr): Aff0 = i[3:0], Aff1 = i[11:4], Aff2 = i[19:12], and bit 31
 * RES1.
 */
static uint64_t kvm_mpidr(unsigned int i)
{
	return (1ULL << 31) | (i & 0xf) | (((i >> 4) & 0xff) << 8) |
	       (((i >> 12) & 0xff) << 16);
}

static void machine_init(struct machine *m, unsigned int nr_cpus,
			 uint64_t ram_size)
{
	memset(m, 0, sizeof(*m));
	for (unsigned int i = 0; i < nr_cpus; i++)
		m->mpidr[i] = kvm_mpidr(i);
	m->d.ram_base = RAM_BASE;
	m->d.ram_size = ram_size;
	m->d.nr_cpus = nr_cpus;
	m->d.mpidr = m->mpidr;
	m->d.bootargs = "console=ttyS0 earlycon=uart8250,mmio,0x1000000";
	for (unsigned int i = 0; i < sizeof(m->d.rng_seed); i++)
		m->d.rng_seed[i] = 0xa0 ^ i;
	m->d.kaslr_seed = 0x0123456789abcdefULL;
	m->d.gic_dist_base = GICD_BASE;
	m->d.gic_dist_size = GICD_SIZE;
	m->d.gic_redist_base = GICD_BASE - nr_cpus * GICR_SIZE_PER_CPU;
	m->d.gic_redist_size = nr_cpus * GICR_SIZE_PER_CPU;
	m->d.uart_base = UART_BASE;
	m->d.uart_size = UART_SIZE;
	m->d.uart_intid = UART_INTID;
	m->d.uart_clock = UART_CLOCK;
	m->d.psci_method = "hvc";
}

static void *build(const struct vm_desc *d)
{
	void *fdt = malloc(SZ_2M);

	ck_assert_ptr_nonnull(fdt);
	/* The guest's RAM is not zeroed where the DTB goes: no reliance. */
	memset(fdt, 0xa5, SZ_2M);
	ck_assert_int_eq(fdt_build(d, fdt, SZ_2M), 0);
	ck_assert_int_eq(fdt_check_header(fdt), 0);
	ck_assert_uint_le(fdt_totalsize(fdt), SZ_2M);
	return fdt;
}

static int node(const void *fdt, const char *path)
{
	int off = fdt_path_offset(fdt, path);

	ck_assert_msg(off >= 0, "no node %s: %s", path, fdt_strerror(off));
	return off;
}

static const void *prop(const void *fdt, const char *path, const char *name,
			int *len)
{
	const void *p = fdt_getprop(fdt, node(fdt, path), name, len);

	ck_assert_msg(p, "%s has no property %s", path, name);
	return p;
}

static uint32_t prop_u32(const void *fdt, const char *path, const char *name)
{
	int len;
	const fdt32_t *p = prop(fdt, path, name, &len);

	ck_assert_msg(len == 4, "%s/%s: %d bytes, not one cell", path, name,
		      len);
	return fdt32_to_cpu(*p);
}

static uint64_t prop_u64(const void *fdt, const char *path, const char *name)
{
	int len;
	const uint8_t *p = prop(fdt, path, name, &len);
	uint64_t v = 0;

	ck_assert_msg(len == 8, "%s/%s: %d bytes, not two cells", path, name,
		      len);
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Checks that a property is one string (NUL-terminated) equal to want. */
static void check_str(const void *fdt, const char *path, const char *name,
		      const char *want)
{
	int len;
	const char *p = prop(fdt, path, name, &len);

	ck_assert_msg(len == (int)strlen(want) + 1 && !memcmp(p, want, len),
		      "%s/%s is not \"%s\"", path, name, want);
}

/* Checks a property of 32-bit cells. */
static void check_cells(const void *fdt, const char *path, const char *name,
			const uint32_t *want, int n)
{
	int len;
	const fdt32_t *p = prop(fdt, path, name, &len);

	ck_assert_msg(len == 4 * n, "%s/%s: %d bytes, want %d cells", path,
		      name, len, n);
	for (int i = 0; i < n; i++)
		ck_assert_msg(fdt32_to_cpu(p[i]) == want[i],
			      "%s/%s cell %d: 0x%x, want 0x%x", path, name, i,
			      fdt32_to_cpu(p[i]), want[i]);
}

static void check_absent(const void *fdt, const char *path, const char *name)
{
	int len;

	ck_assert_msg(!fdt_getprop(fdt, node(fdt, path), name, &len),
		      "%s has a property %s", path, name);
}

/*
 * Writes the blob to a file and decompiles it with the host's dtc, which
 * runs its checks (unit addresses against reg, cell counts, phandles,
 * interrupt providers...). Any output at all is a warning. A missing dtc
 * fails the test: it must not pass unchecked.
 */
static void check_with_dtc(const void *fdt)
{
	const char *tmp = getenv("TMPDIR");
	char path[4096], cmd[4200], out[8192];
	size_t n = 0, total = fdt_totalsize(fdt);
	FILE *p;
	int fd, status;

	snprintf(path, sizeof(path), "%s/lkvm-unit-fdt-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	ck_assert_msg(fd >= 0, "mkstemp %s failed", path);
	ck_assert_int_eq(write(fd, fdt, total), (ssize_t)total);
	close(fd);

	snprintf(cmd, sizeof(cmd), "dtc -I dtb -O dts -o /dev/null '%s' 2>&1",
		 path);
	p = popen(cmd, "r");
	ck_assert_msg(p, "cannot run dtc");
	while (n < sizeof(out) - 1) {
		size_t r = fread(out + n, 1, sizeof(out) - 1 - n, p);

		if (!r)
			break;
		n += r;
	}
	out[n] = 0;
	status = pclose(p);
	unlink(path);
	ck_assert_msg(
		status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		"dtc failed (is it installed?), status 0x%x: %s", status, out);
	ck_assert_msg(n == 0, "dtc warns about the blob:\n%s", out);
}

/* DT spec 2.2.4, 3.1: the root node. */
START_TEST(test_fdt_root)
{
	struct machine m;
	void *fdt;
	int len, gic;
	const char *compat;

	machine_init(&m, 1, 0x10000000);
	fdt = build(&m.d);
	/* DT spec 5.: a version 17 blob, no memory reservations. */
	ck_assert_uint_ge(fdt_version(fdt), 17);
	ck_assert_int_eq(fdt_num_mem_rsv(fdt), 0);

	compat = prop(fdt, "/", "compatible", &len);
	ck_assert_int_gt(len, 1);
	ck_assert_int_eq(compat[len - 1], 0);
	ck_assert_uint_eq(prop_u32(fdt, "/", "#address-cells"), 2);
	ck_assert_uint_eq(prop_u32(fdt, "/", "#size-cells"), 2);

	/* DT spec 2.4.1: interrupt-parent is the GIC's phandle. */
	gic = fdt_node_offset_by_phandle(fdt, prop_u32(fdt, "/",
						       "interrupt-parent"));
	ck_assert_int_eq(gic, node(fdt, "/intc@3fff0000"));
	free(fdt);
}
END_TEST

/* bindings/chosen.yaml (dt-schema), with an initrd. */
START_TEST(test_fdt_chosen)
{
	struct machine m;
	void *fdt;
	int len;
	const uint8_t *seed;
	const char *stdout_path;
	char path[64];

	machine_init(&m, 2, 0x10000000);
	m.d.initrd_addr = 0x8f000000;
	m.d.initrd_size = 0x123457;
	fdt = build(&m.d);

	check_str(fdt, "/chosen", "bootargs",
		  "console=ttyS0 earlycon=uart8250,mmio,0x1000000");
	/* Linux reads both as one or two cells; end is exclusive. */
	ck_assert_uint_eq(prop_u64(fdt, "/chosen", "linux,initrd-start"),
			  0x8f000000);
	ck_assert_uint_eq(prop_u64(fdt, "/chosen", "linux,initrd-end"),
			  0x8f123457);

	/* rng-seed: bytes for the guest's RNG (Linux wants 64). */
	seed = prop(fdt, "/chosen", "rng-seed", &len);
	ck_assert_int_eq(len, 64);
	for (int i = 0; i < 64; i++)
		ck_assert_uint_eq(seed[i], 0xa0 ^ i);
	/* kaslr-seed: one 64-bit value, big-endian like every cell. */
	ck_assert_uint_eq(prop_u64(fdt, "/chosen", "kaslr-seed"),
			  0x0123456789abcdefULL);

	/* DT spec 3.6: stdout-path is a path, maybe with ":options". */
	stdout_path = prop(fdt, "/chosen", "stdout-path", &len);
	ck_assert_int_gt(len, 1);
	ck_assert_int_eq(stdout_path[len - 1], 0);
	snprintf(path, sizeof(path), "%.*s", (int)strcspn(stdout_path, ":"),
		 stdout_path);
	ck_assert_str_eq(path, "/serial@1000000");
	ck_assert_int_eq(node(fdt, path), node(fdt, "/serial@1000000"));
	check_with_dtc(fdt);
	free(fdt);
}
END_TEST

/* No initrd, no bootargs: the properties are absent, not empty. */
START_TEST(test_fdt_chosen_minimal)
{
	struct machine m;
	void *fdt;

	machine_init(&m, 1, 0x10000000);
	m.d.bootargs = NULL;
	m.d.initrd_addr = 0x8f000000; /* ignored without a size */
	m.d.initrd_size = 0;
	fdt = build(&m.d);
	check_absent(fdt, "/chosen", "linux,initrd-start");
	check_absent(fdt, "/chosen", "linux,initrd-end");
	check_absent(fdt, "/chosen", "bootargs");
	/* The seeds and the console are always there. */
	prop(fdt, "/chosen", "rng-seed", NULL);
	prop(fdt, "/chosen", "kaslr-seed", NULL);
	prop(fdt, "/chosen", "stdout-path", NULL);
	check_with_dtc(fdt);
	free(fdt);
}
END_TEST

/* DT spec 3.4: memory node, reg in the root's 2 + 2 cells. */
START_TEST(test_fdt_memory)
{
	static const uint32_t reg_256m[] = { 0, 0x80000000, 0, 0x10000000 };
	static const uint32_t reg_1t[] = { 0, 0x80000000, 0x100, 0 };
	struct machine m;
	void *fdt;

	machine_init(&m, 1, 0x10000000);
	fdt = build(&m.d);
	check_str(fdt, "/memory@80000000", "device_type", "memory");
	check_cells(fdt, "/memory@80000000", "reg", reg_256m, 4);
	free(fdt);

	/* 1 TiB: the size needs its upper cell. */
	machine_init(&m, 1, 1ULL << 40);
	fdt = build(&m.d);
	check_cells(fdt, "/memory@80000000", "reg", reg_1t, 4);
	check_with_dtc(fdt);
	free(fdt);
}
END_TEST

/*
 * Checks /cpus against bindings/arm/cpus.yaml: #address-cells 1 and
 * #size-cells 0, one cpu@<reg> per vCPU with device_type "cpu", reg =
 * MPIDR_EL1[23:0] (bits [31:24] zero) and enable-method "psci"
 * (bindings/arm/psci.yaml).
 */
static void check_cpus(const void *fdt, const uint64_t *mpidr, unsigned int n)
{
	int cpus = node(fdt, "/cpus"), child, count = 0;
	char path[64];

	ck_assert_uint_eq(prop_u32(fdt, "/cpus", "#address-cells"), 1);
	ck_assert_uint_eq(prop_u32(fdt, "/cpus", "#size-cells"), 0);
	fdt_for_each_subnode(child, fdt, cpus) {
		const char *name = fdt_get_name(fdt, child, NULL);

		ck_assert_msg(!strncmp(name, "cpu@", 4),
			      "unexpected node /cpus/%s", name);
		count++;
	}
	ck_assert_int_eq(count, n);

	for (unsigned int i = 0; i < n; i++) {
		uint32_t reg = mpidr[i] & 0xffffff;
		int len;
		const char *compat;

		snprintf(path, sizeof(path), "/cpus/cpu@%x", reg);
		check_str(fdt, path, "device_type", "cpu");
		ck_assert_uint_eq(prop_u32(fdt, path, "reg"), reg);
		check_str(fdt, path, "enable-method", "psci");
		compat = prop(fdt, path, "compatible", &len);
		ck_assert_int_gt(len, 1);
		ck_assert_int_eq(compat[len - 1], 0);
	}
}

START_TEST(test_fdt_cpus)
{
	struct machine m;
	void *fdt;

	machine_init(&m, 4, 0x10000000);
	/* Affinity beyond Aff0, and MPIDR bits above Aff2 to be dropped. */
	m.mpidr[0] = 0x80000000;
	m.mpidr[1] = 0x80000001;
	m.mpidr[2] = 0xc0000100; /* U bit 30 set: not part of reg */
	m.mpidr[3] = 0x80fe0f0e;
	fdt = build(&m.d);
	check_cpus(fdt, m.mpidr, 4);
	ck_assert_uint_eq(prop_u32(fdt, "/cpus/cpu@100", "reg"), 0x100);
	ck_assert_uint_eq(prop_u32(fdt, "/cpus/cpu@fe0f0e", "reg"), 0xfe0f0e);
	check_with_dtc(fdt);
	free(fdt);
}
END_TEST

/* bindings/arm/psci.yaml: PSCI 1.0 then 0.2, and the conduit. */
START_TEST(test_fdt_psci)
{
	struct machine m;
	void *fdt;
	int off;

	machine_init(&m, 1, 0x10000000);
	fdt = build(&m.d);
	off = node(fdt, "/psci");
	ck_assert_int_ge(fdt_stringlist_count(fdt, off, "compatible"), 2);
	ck_assert_str_eq(fdt_stringlist_get(fdt, off, "compatible", 0, NULL),
			 "arm,psci-1.0");
	ck_assert_str_eq(fdt_stringlist_get(fdt, off, "compatible", 1, NULL),
			 "arm,psci-0.2");
	check_str(fdt, "/psci", "method", "hvc");
	/* PSCI 0.2 and later: no function IDs (psci.yaml). */
	check_absent(fdt, "/psci", "cpu_on");
	check_absent(fdt, "/psci", "cpu_off");
	free(fdt);

	m.d.psci_method = "smc";
	fdt = build(&m.d);
	check_str(fdt, "/psci", "method", "smc");
	free(fdt);
}
END_TEST

/*
 * bindings/interrupt-controller/arm,gic-v3.yaml: compatible "arm,gic-v3",
 * interrupt-controller, #interrupt-cells 3, reg = GICD then the
 * redistributor region (one region: no #redistributor-regions).
 */
START_TEST(test_fdt_gic)
{
	static const uint32_t reg[] = {
		0, 0x3fff0000, 0, 0x10000, /* GICD: 64 KiB */
		0, 0x3ff70000, 0, 0x80000, /* GICR: 4 x 128 KiB below GICD */
	};
	struct machine m;
	void *fdt;
	int len, off;
	const fdt32_t *r;

	machine_init(&m, 4, 0x10000000);
	fdt = build(&m.d);
	off = node(fdt, "/intc@3fff0000");
	check_str(fdt, "/intc@3fff0000", "compatible", "arm,gic-v3");
	ck_assert_ptr_nonnull(
		fdt_getprop(fdt, off, "interrupt-controller", &len));
	ck_assert_int_eq(len, 0);
	ck_assert_uint_eq(prop_u32(fdt, "/intc@3fff0000", "#interrupt-cells"),
			  3);
	/* GICC, GICH and GICV may follow; none needed under KVM. */
	r = prop(fdt, "/intc@3fff0000", "reg", &len);
	ck_assert_int_ge(len, (int)sizeof(reg));
	ck_assert_int_eq(len % 16, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(reg); i++)
		ck_assert_uint_eq(fdt32_to_cpu(r[i]), reg[i]);
	if (fdt_getprop(fdt, off, "#redistributor-regions", NULL))
		ck_assert_uint_eq(prop_u32(fdt, "/intc@3fff0000",
					   "#redistributor-regions"),
				  1);
	/* Its phandle is the one the root points at. */
	ck_assert_uint_eq(fdt_get_phandle(fdt, off),
			  prop_u32(fdt, "/", "interrupt-parent"));
	ck_assert_uint_ne(fdt_get_phandle(fdt, off), 0);
	free(fdt);
}
END_TEST

/*
 * bindings/timer/arm,arch_timer.yaml: interrupts, in this order, secure
 * physical, non-secure physical, virtual and hypervisor physical timer
 * (then, optionally, hypervisor virtual). Architected PPIs (Arm BSA,
 * "PPI assignments"): INTID 29, 30, 27, 26 (and 28), that is PPI 13, 14,
 * 11, 10 (and 12) in the GIC binding's numbering (INTID - 16),
 * level-sensitive active-high.
 */
START_TEST(test_fdt_timer)
{
	static const uint32_t want[] = {
		DT_GIC_PPI, 13, DT_LEVEL_HIGH, /* secure physical */
		DT_GIC_PPI, 14, DT_LEVEL_HIGH, /* non-secure physical */
		DT_GIC_PPI, 11, DT_LEVEL_HIGH, /* virtual */
		DT_GIC_PPI, 10, DT_LEVEL_HIGH, /* hypervisor physical */
		DT_GIC_PPI, 12, DT_LEVEL_HIGH, /* hypervisor virtual */
	};
	struct machine m;
	void *fdt;
	int off, len;
	const fdt32_t *irqs;

	machine_init(&m, 2, 0x10000000);
	fdt = build(&m.d);
	off = node(fdt, "/timer");
	ck_assert_int_ge(fdt_stringlist_search(fdt, off, "compatible",
					       "arm,armv8-timer"),
			 0);
	irqs = prop(fdt, "/timer", "interrupts", &len);
	ck_assert_msg(len == 4 * 12 || len == 4 * 15,
		      "timer interrupts: %d bytes, want 4 or 5 specifiers",
		      len);
	for (int i = 0; i < len / 4; i++)
		ck_assert_msg(fdt32_to_cpu(irqs[i]) == want[i],
			      "timer interrupts cell %d: %u, want %u", i,
			      fdt32_to_cpu(irqs[i]), want[i]);
	free(fdt);
}
END_TEST

/*
 * A guest with EL2 (--nested) runs its own hypervisor: the timer lists the
 * hypervisor virtual timer too (arm,arch_timer.yaml, fifth item; Linux
 * otherwise warns "[Firmware Bug]" on a VHE guest), and the GIC names its
 * maintenance interrupt (arm,gic-v3.yaml "interrupts": the VGIC maintenance
 * interrupt), PPI 9 = INTID 25 as Arm's BSA recommends.
 */
START_TEST(test_fdt_el2)
{
	static const uint32_t timer[] = {
		DT_GIC_PPI, 13, DT_LEVEL_HIGH, DT_GIC_PPI, 14, DT_LEVEL_HIGH,
		DT_GIC_PPI, 11, DT_LEVEL_HIGH, DT_GIC_PPI, 10, DT_LEVEL_HIGH,
		DT_GIC_PPI, 12, DT_LEVEL_HIGH,
	};
	static const uint32_t maint[] = { DT_GIC_PPI, 9, DT_LEVEL_HIGH };
	struct machine m;
	void *fdt;

	machine_init(&m, 2, 0x10000000);
	m.d.el2 = true;
	m.d.gic_maint_intid = 25;
	m.d.psci_method = "smc";
	fdt = build(&m.d);
	check_cells(fdt, "/timer", "interrupts", timer, 15);
	check_cells(fdt, "/intc@3fff0000", "interrupts", maint, 3);
	check_str(fdt, "/psci", "method", "smc");
	check_cpus(fdt, m.mpidr, 2);
	check_with_dtc(fdt);
	free(fdt);
}
END_TEST

/*
 * bindings/arm/firmware/sdei.txt: /firmware/sdei, compatible "arm,sdei-1.0",
 * method "hvc" or "smc" (the same conduit as PSCI); absent when SDEI is not
 * offered.
 */
START_TEST(test_fdt_sdei)
{
	struct machine m;
	void *fdt;

	machine_init(&m, 2, 0x10000000);
	fdt = build(&m.d);
	ck_assert_int_lt(fdt_path_offset(fdt, "/firmware/sdei"), 0);
	free(fdt);

	m.d.sdei = true;
	fdt = build(&m.d);
	check_str(fdt, "/firmware/sdei", "compatible", "arm,sdei-1.0");
	check_str(fdt, "/firmware/sdei", "method", "hvc");
	check_with_dtc(fdt);
	free(fdt);

	m.d.psci_method = "smc";
	fdt = build(&m.d);
	check_str(fdt, "/firmware/sdei", "method", "smc");
	free(fdt);
}
END_TEST

/*
 * bindings/serial/8250.yaml: compatible "ns16550a", reg, interrupts (here
 * SPI 0 = INTID 32, level-high) and clock-frequency, the 1.8432 MHz of the
 * classic 8250 (kvmtool's value).
 */
START_TEST(test_fdt_serial)
{
	static const uint32_t reg[] = { 0, 0x1000000, 0, 8 };
	static const uint32_t irq[] = { DT_GIC_SPI, 0, DT_LEVEL_HIGH };
	struct machine m;
	void *fdt;

	machine_init(&m, 1, 0x10000000);
	fdt = build(&m.d);
	check_str(fdt, "/serial@1000000", "compatible", "ns16550a");
	check_cells(fdt, "/serial@1000000", "reg", reg, 4);
	check_cells(fdt, "/serial@1000000", "interrupts", irq, 3);
	ck_assert_uint_eq(prop_u32(fdt, "/serial@1000000", "clock-frequency"),
			  1843200);
	free(fdt);
}
END_TEST

/*
 * bindings/misc/qemu,pvpanic-mmio.txt: compatible and a 2-byte reg, no
 * interrupt; absent when the description has none.
 */
START_TEST(test_fdt_pvpanic)
{
	static const uint32_t reg[] = { 0, 0x1001000, 0, 2 };
	struct machine m;
	void *fdt;

	machine_init(&m, 1, 0x10000000);
	fdt = build(&m.d);
	ck_assert_int_lt(fdt_path_offset(fdt, "/pvpanic@1001000"), 0);
	free(fdt);
	m.d.pvpanic_base = 0x1001000;
	m.d.pvpanic_size = 2;
	fdt = build(&m.d);
	check_str(fdt, "/pvpanic@1001000", "compatible", "qemu,pvpanic-mmio");
	check_cells(fdt, "/pvpanic@1001000", "reg", reg, 4);
	ck_assert_ptr_null(fdt_getprop(fdt, node(fdt, "/pvpanic@1001000"),
				       "interrupts", NULL));
	free(fdt);
}
END_TEST

/* bindings/arm/pmu.yaml: with a PMU, one PPI, level-high; none without. */
START_TEST(test_fdt_pmu)
{
	static const uint32_t irq[] = { 1, 7, 4 }; /* GIC_PPI 7, level-high */
	struct machine m;
	void *fdt;

	machine_init(&m, 2, 0x10000000);
	fdt = build(&m.d);
	ck_assert_int_lt(fdt_path_offset(fdt, "/pmu"), 0);
	free(fdt);
	m.d.pmu_intid = 23;
	fdt = build(&m.d);
	check_str(fdt, "/pmu", "compatible", "arm,armv8-pmuv3");
	check_cells(fdt, "/pmu", "interrupts", irq, 3);
	free(fdt);
}
END_TEST

/*
 * bindings/virtio/mmio.yaml: one "virtio,mmio" node per device, in the
 * description's order, each with its reg, a level-high SPI and
 * dma-coherent; none without devices.
 */
START_TEST(test_fdt_virtio)
{
	static const uint32_t reg0[] = { 0, 0x1010000, 0, 0x200 };
	static const uint32_t reg1[] = { 0, 0x1010200, 0, 0x200 };
	static const uint32_t irq0[] = { DT_GIC_SPI, 1, DT_LEVEL_HIGH };
	static const uint32_t irq1[] = { DT_GIC_SPI, 2, DT_LEVEL_HIGH };
	struct machine m;
	int first, second, off;
	void *fdt;

	machine_init(&m, 1, 0x10000000);
	fdt = build(&m.d);
	ck_assert_int_lt(fdt_node_offset_by_compatible(fdt, -1, "virtio,mmio"),
			 0);
	free(fdt);
	m.d.nr_virtio = 2;
	m.d.virtio[0] = (struct vm_desc_virtio){ 0x1010000, 0x200, 33 };
	m.d.virtio[1] = (struct vm_desc_virtio){ 0x1010200, 0x200, 34 };
	fdt = build(&m.d);
	check_str(fdt, "/virtio_mmio@1010000", "compatible", "virtio,mmio");
	check_cells(fdt, "/virtio_mmio@1010000", "reg", reg0, 4);
	check_cells(fdt, "/virtio_mmio@1010000", "interrupts", irq0, 3);
	ck_assert_ptr_nonnull(fdt_getprop(
		fdt, node(fdt, "/virtio_mmio@1010000"), "dma-coherent", NULL));
	check_str(fdt, "/virtio_mmio@1010200", "compatible", "virtio,mmio");
	check_cells(fdt, "/virtio_mmio@1010200", "reg", reg1, 4);
	check_cells(fdt, "/virtio_mmio@1010200", "interrupts", irq1, 3);
	/* Linux probes them in this order: vda is the first disk. */
	first = fdt_node_offset_by_compatible(fdt, -1, "virtio,mmio");
	second = fdt_node_offset_by_compatible(fdt, first, "virtio,mmio");
	ck_assert_int_eq(first, node(fdt, "/virtio_mmio@1010000"));
	ck_assert_int_eq(second, node(fdt, "/virtio_mmio@1010200"));
	off = fdt_node_offset_by_compatible(fdt, second, "virtio,mmio");
	ck_assert_int_lt(off, 0);
	free(fdt);
}
END_TEST

/* A buffer too small, by any amount, is -FDT_ERR_NOSPACE, never overrun. */
START_TEST(test_fdt_nospace)
{
	struct machine m;
	void *fdt;
	size_t need;

	machine_init(&m, 2, 0x10000000);
	m.d.initrd_addr = 0x8f000000;
	m.d.initrd_size = 0x1000;
	fdt = build(&m.d);
	need = fdt_totalsize(fdt);
	free(fdt);

	for (size_t size = 0; size < need; size++) {
		/* Exactly size bytes, so that ASan sees any overrun. */
		void *buf = malloc(size ? size : 1);

		ck_assert_ptr_nonnull(buf);
		ck_assert_msg(fdt_build(&m.d, buf, size) == -FDT_ERR_NOSPACE,
			      "%zu bytes of %zu: not -FDT_ERR_NOSPACE", size,
			      need);
		free(buf);
	}
	fdt = malloc(need);
	ck_assert_int_eq(fdt_build(&m.d, fdt, need), 0);
	ck_assert_int_eq(fdt_check_header(fdt), 0);
	free(fdt);
}
END_TEST

/* 512 vCPUs, as KVM numbers their MPIDRs (Aff1 beyond 0). */
START_TEST(test_fdt_512_cpus)
{
	static const uint32_t gic_reg[] = {
		0,
		0x3fff0000,
		0,
		0x10000,
		/* 0x3fff0000 - 512 x 0x20000 */
		0,
		0x3bff0000,
		0,
		0x4000000,
	};
	static struct machine m;
	void *fdt;

	machine_init(&m, 512, 0x40000000);
	fdt = build(&m.d);
	check_cpus(fdt, m.mpidr, 512);
	/* vCPU 511: Aff1 = 0x1f, Aff0 = 0xf. */
	ck_assert_uint_eq(prop_u32(fdt, "/cpus/cpu@1f0f", "reg"), 0x1f0f);
	check_cells(fdt, "/intc@3fff0000", "reg", gic_reg, 8);
	check_with_dtc(fdt);
	free(fdt);
}
END_TEST

/* lkvm's limit of 4096 vCPUs (Aff2 in use) still fits the DTB's 2 MiB. */
START_TEST(test_fdt_4096_cpus)
{
	static struct machine m;
	void *fdt;

	machine_init(&m, 4096, 0x40000000);
	fdt = build(&m.d);
	check_cpus(fdt, m.mpidr, 4096);
	ck_assert_uint_eq(prop_u32(fdt, "/cpus/cpu@ff0f", "reg"), 0xff0f);
	check_with_dtc(fdt);
	free(fdt);
}
END_TEST

/* The whole tree of a typical guest passes dtc's checks. */
START_TEST(test_fdt_dtc_clean)
{
	struct machine m;
	void *fdt;

	machine_init(&m, 1, 0x10000000);
	fdt = build(&m.d);
	check_with_dtc(fdt);
	free(fdt);
}
END_TEST

/* The same description gives the same blob, byte for byte. */
START_TEST(test_fdt_deterministic)
{
	struct machine m;
	void *a, *b;

	machine_init(&m, 3, 0x10000000);
	a = build(&m.d);
	b = build(&m.d);
	ck_assert_uint_eq(fdt_totalsize(a), fdt_totalsize(b));
	ck_assert_mem_eq(a, b, fdt_totalsize(a));
	free(a);
	free(b);
}
END_TEST

Suite *fdt_suite(void)
{
	Suite *s = suite_create("fdt");
	TCase *tc = tcase_create("nodes");

	tcase_add_test(tc, test_fdt_root);
	tcase_add_test(tc, test_fdt_chosen);
	tcase_add_test(tc, test_fdt_chosen_minimal);
	tcase_add_test(tc, test_fdt_memory);
	tcase_add_test(tc, test_fdt_cpus);
	tcase_add_test(tc, test_fdt_psci);
	tcase_add_test(tc, test_fdt_gic);
	tcase_add_test(tc, test_fdt_timer);
	tcase_add_test(tc, test_fdt_serial);
	tcase_add_test(tc, test_fdt_pvpanic);
	tcase_add_test(tc, test_fdt_pmu);
	tcase_add_test(tc, test_fdt_virtio);
	tcase_add_test(tc, test_fdt_el2);
	tcase_add_test(tc, test_fdt_sdei);
	suite_add_tcase(s, tc);

	tc = tcase_create("blob");
	/* Sanitizers and dtc runs make these slower than Check's 4 s. */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_fdt_nospace);
	tcase_add_test(tc, test_fdt_512_cpus);
	tcase_add_test(tc, test_fdt_4096_cpus);
	tcase_add_test(tc, test_fdt_dtc_clean);
	tcase_add_test(tc, test_fdt_deterministic);
	suite_add_tcase(s, tc);
	return s;
}
