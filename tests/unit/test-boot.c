// SPDX-License-Identifier: GPL-2.0
/*
 * boot_plan and boot_regs_compute, against Documentation/arch/arm64/
 * booting.rst and lkvm's memory map (kvmtool's arm64 layout):
 * - RAM starts at 0x80000000;
 * - an Image goes text_offset bytes above a 2 MiB aligned base (booting.rst
 *   4.), here the start of RAM; a raw binary goes to RAM + 0x80000;
 * - the DTB, at most 2 MiB and 8-byte aligned (booting.rst 2.), fills the
 *   last 2 MiB of RAM;
 * - the initrd sits right below the DTB, page (4 KiB) aligned.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "../../arm64/boot.h"

#define RAM_BASE 0x80000000ULL
#define SZ_4K 0x1000ULL
#define SZ_1M 0x100000ULL
#define SZ_2M 0x200000ULL
#define SZ_256M 0x10000000ULL
#define RAW_OFFSET 0x80000ULL

static struct kernel_info image(uint64_t text_offset, uint64_t image_size)
{
	return (struct kernel_info){
		.kind = KERNEL_IMAGE,
		.file_size = image_size,
		.text_offset = text_offset,
		.image_size = image_size,
		.page_size = IMAGE_PAGE_4K,
	};
}

static struct kernel_info raw(uint64_t file_size)
{
	return (struct kernel_info){
		.kind = KERNEL_RAW,
		.file_size = file_size,
		.image_size = file_size,
	};
}

/* The invariants every successful plan keeps, whatever the inputs. */
static void check_layout(const struct boot_layout *l, uint64_t ram_base,
			 uint64_t ram_size, const struct kernel_info *k,
			 uint64_t initrd_size)
{
	uint64_t ram_end = ram_base + ram_size;

	ck_assert_uint_ge(l->kernel_addr, ram_base);
	ck_assert_uint_eq(l->kernel_end - l->kernel_addr, k->image_size);
	ck_assert_uint_le(l->kernel_end, l->fdt_addr);
	ck_assert_uint_eq(l->fdt_max_size, SZ_2M);
	ck_assert_uint_eq(l->fdt_addr % 8, 0);
	ck_assert_uint_ge(l->fdt_addr, l->kernel_end);
	ck_assert_uint_le(l->fdt_addr, ram_end - l->fdt_max_size);
	ck_assert_uint_ge(l->fdt_addr, ram_base);
	ck_assert_uint_eq(l->initrd_size, initrd_size);
	if (initrd_size) {
		ck_assert_uint_eq(l->initrd_addr % SZ_4K, 0);
		ck_assert_uint_ge(l->initrd_addr, l->kernel_end);
		ck_assert_uint_le(l->initrd_size, l->fdt_addr - l->initrd_addr);
	}
}

START_TEST(test_boot_image_text_offset_0)
{
	struct kernel_info k = image(0, 0x2000000);
	struct boot_layout l;
	const char *why = NULL;

	ck_assert_int_eq(boot_plan(RAM_BASE, SZ_256M, &k, 0, &l, &why), 0);
	ck_assert_uint_eq(l.kernel_addr, 0x80000000);
	ck_assert_uint_eq(l.kernel_end, 0x82000000);
	/* The last 2 MiB of 0x80000000 + 256 MiB. */
	ck_assert_uint_eq(l.fdt_addr, 0x8fe00000);
	ck_assert_uint_eq(l.fdt_max_size, 0x200000);
	ck_assert_uint_eq(l.initrd_addr, 0);
	ck_assert_uint_eq(l.initrd_size, 0);
	check_layout(&l, RAM_BASE, SZ_256M, &k, 0);
}
END_TEST

START_TEST(test_boot_image_text_offset_80000)
{
	struct kernel_info k = image(0x80000, 0x1234000);
	struct boot_layout l;
	const char *why = NULL;

	ck_assert_int_eq(boot_plan(RAM_BASE, SZ_256M, &k, 0, &l, &why), 0);
	ck_assert_uint_eq(l.kernel_addr, 0x80080000);
	ck_assert_uint_eq(l.kernel_end, 0x812b4000);
	ck_assert_uint_eq(l.fdt_addr, 0x8fe00000);
	check_layout(&l, RAM_BASE, SZ_256M, &k, 0);
}
END_TEST

/* A raw binary loads at RAM + 0x80000, as in kvmtool. */
START_TEST(test_boot_raw_binary)
{
	struct kernel_info k = raw(0x1234);
	struct boot_layout l;
	const char *why = NULL;

	ck_assert_int_eq(boot_plan(RAM_BASE, 64 * SZ_1M, &k, 0, &l, &why), 0);
	ck_assert_uint_eq(l.kernel_addr, 0x80080000);
	ck_assert_uint_eq(l.kernel_end, 0x80081234);
	ck_assert_uint_eq(l.fdt_addr, 0x83e00000);
	check_layout(&l, RAM_BASE, 64 * SZ_1M, &k, 0);
}
END_TEST

/*
 * --aarch32 (kvmtool's): the file at RAM + 0x8000, entered in SVC mode
 * with A, I, F masked, r0 = 0, r1 = ~0, r2 = the DTB; a CPU_ON entry's
 * bit 0 selects T32.
 */
START_TEST(test_boot_aarch32)
{
	struct kernel_info k = raw(0x1234);
	struct boot_layout l;
	struct boot_regs r;
	const char *why = NULL;

	k.kind = KERNEL_AARCH32;
	ck_assert_int_eq(boot_plan(RAM_BASE, 64 * SZ_1M, &k, 0, &l, &why), 0);
	ck_assert_uint_eq(l.kernel_addr, 0x80008000);
	ck_assert_uint_eq(l.kernel_end, 0x80009234);
	boot_regs_compute(&l, BOOT_EL1_AARCH32, &r);
	ck_assert_uint_eq(r.pc, 0x80008000);
	ck_assert_uint_eq(r.pstate, 0x1d3);
	ck_assert_uint_eq(r.x[0], 0);
	ck_assert_uint_eq(r.x[1], 0xffffffff);
	ck_assert_uint_eq(r.x[2], l.fdt_addr);
	boot_regs_cpu_on(0x80100001, 0x55, BOOT_EL1_AARCH32, &r);
	ck_assert_uint_eq(r.pc, 0x80100000);
	ck_assert_uint_eq(r.pstate, 0x1d3 | 0x20);
	ck_assert_uint_eq(r.x[0], 0x55);
	boot_regs_cpu_on(0x80100000, 0x55, BOOT_EL1_AARCH32, &r);
	ck_assert_uint_eq(r.pstate, 0x1d3);
}
END_TEST

/* The initrd ends at most a page below the DTB, on a page boundary. */
/*
 * -f/--firmware (kvmtool's placement): at RAM's base, or the address
 * given (4-byte aligned, in RAM); the DTB at the next 2 MiB boundary after
 * it, whole; entered at the image with x0 = the DTB.
 */
START_TEST(test_boot_firmware)
{
	static const struct {
		uint64_t addr, size;
		uint64_t want_addr, want_fdt; /* want_addr 0: refused */
	} cases[] = {
		{ 0, 0x1000, RAM_BASE, RAM_BASE + SZ_2M },
		{ 0, SZ_2M, RAM_BASE, RAM_BASE + SZ_2M },
		{ 0, SZ_2M + 1, RAM_BASE, RAM_BASE + 2 * SZ_2M },
		{ RAM_BASE + 0x80000, 0x3000, RAM_BASE + 0x80000,
		  RAM_BASE + SZ_2M },
		{ RAM_BASE + 4, 4, RAM_BASE + 4, RAM_BASE + SZ_2M },
		/* The DTB's 2 MiB right at the end of RAM: fits. */
		{ 0, SZ_256M - 2 * SZ_2M, RAM_BASE,
		  RAM_BASE + SZ_256M - 2 * SZ_2M },
		{ 0, SZ_256M - 2 * SZ_2M + 1, RAM_BASE,
		  RAM_BASE + SZ_256M - SZ_2M },
		{ 0, SZ_256M - SZ_2M, RAM_BASE, RAM_BASE + SZ_256M - SZ_2M },
		{ 0, SZ_256M - SZ_2M + 1, 0, 0 },
		{ 0, SZ_256M, 0, 0 },
		{ 0, UINT64_MAX, 0, 0 },
		{ RAM_BASE - 4, 4, 0, 0 },
		{ RAM_BASE + 2, 4, 0, 0 },
		{ RAM_BASE + SZ_256M, 4, 0, 0 },
		{ RAM_BASE + SZ_256M - 4, 4, 0, 0 },
		{ UINT64_MAX - 3, 4, 0, 0 },
	};
	struct boot_layout l;
	struct boot_regs r;
	const char *why;

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		int ret = boot_plan_firmware(RAM_BASE, SZ_256M, cases[i].addr,
					     cases[i].size, &l, &why);

		if (!cases[i].want_addr) {
			ck_assert_msg(ret == -ENOSPC, "case %u accepted", i);
			ck_assert_ptr_nonnull(why);
			continue;
		}
		ck_assert_msg(!ret, "case %u: %s", i, why);
		ck_assert_uint_eq(l.kernel_addr, cases[i].want_addr);
		ck_assert_uint_eq(l.kernel_end,
				  cases[i].want_addr + cases[i].size);
		ck_assert_uint_eq(l.fdt_addr, cases[i].want_fdt);
		ck_assert_uint_le(l.fdt_addr + l.fdt_max_size,
				  RAM_BASE + SZ_256M);
		ck_assert_uint_eq(l.initrd_size, 0);
		boot_regs_compute(&l, BOOT_EL1, &r);
		ck_assert_uint_eq(r.pc, cases[i].want_addr);
		ck_assert_uint_eq(r.x[0], cases[i].want_fdt);
	}
}
END_TEST

START_TEST(test_boot_initrd_below_dtb)
{
	struct kernel_info k = image(0, 0x2000000);
	struct boot_layout l;
	const char *why = NULL;

	ck_assert_int_eq(boot_plan(RAM_BASE, SZ_256M, &k, 0x123457, &l, &why),
			 0);
	/* 0x8fe00000 - 0x123457 = 0x8fcdcba9, rounded down to 4 KiB. */
	ck_assert_uint_eq(l.initrd_addr, 0x8fcdc000);
	ck_assert_uint_eq(l.initrd_size, 0x123457);
	ck_assert_uint_eq(l.fdt_addr, 0x8fe00000);
	ck_assert_uint_eq(l.kernel_addr, 0x80000000);
	check_layout(&l, RAM_BASE, SZ_256M, &k, 0x123457);

	/* A page-sized initrd ends exactly at the DTB. */
	ck_assert_int_eq(boot_plan(RAM_BASE, SZ_256M, &k, 0x5000, &l, &why), 0);
	ck_assert_uint_eq(l.initrd_addr, 0x8fdfb000);
	ck_assert_uint_eq(l.initrd_addr + l.initrd_size, l.fdt_addr);
}
END_TEST

/* Each size from 1 byte to 3 pages: page aligned, tight below the DTB. */
START_TEST(test_boot_initrd_every_size)
{
	struct kernel_info k = raw(0x10000);
	struct boot_layout l;
	const char *why = NULL;

	for (uint64_t size = 1; size <= 3 * SZ_4K; size++) {
		ck_assert_int_eq(
			boot_plan(RAM_BASE, 16 * SZ_1M, &k, size, &l, &why), 0);
		ck_assert_uint_eq(l.initrd_addr % SZ_4K, 0);
		ck_assert_uint_le(l.initrd_addr + size, l.fdt_addr);
		ck_assert_uint_lt(l.fdt_addr - (l.initrd_addr + size), SZ_4K);
		check_layout(&l, RAM_BASE, 16 * SZ_1M, &k, size);
	}
}
END_TEST

/* RAM that cannot even hold the DTB's 2 MiB and the kernel's offset. */
START_TEST(test_boot_ram_too_small)
{
	struct kernel_info img = image(0x80000, SZ_1M);
	struct kernel_info bin = raw(0x100);
	struct boot_layout l;
	const char *why = NULL;

	ck_assert_int_eq(boot_plan(RAM_BASE, SZ_1M, &img, 0, &l, &why),
			 -ENOSPC);
	ck_assert_ptr_nonnull(why);
	why = NULL;
	ck_assert_int_eq(boot_plan(RAM_BASE, SZ_2M, &img, 0, &l, &why),
			 -ENOSPC);
	ck_assert_ptr_nonnull(why);
	why = NULL;
	ck_assert_int_eq(boot_plan(RAM_BASE, SZ_2M + 0x40000, &bin, 0, &l,
				   &why),
			 -ENOSPC);
	ck_assert_ptr_nonnull(why);
	why = NULL;
	ck_assert_int_eq(boot_plan(RAM_BASE, 0, &bin, 0, &l, &why), -ENOSPC);
	ck_assert_ptr_nonnull(why);
}
END_TEST

/* A kernel that ends exactly at the DTB fits; one byte more does not. */
START_TEST(test_boot_kernel_exact_fit)
{
	/* 256 MiB - 2 MiB for the DTB. */
	struct kernel_info k = image(0, 0xfe00000);
	struct boot_layout l;
	const char *why = NULL;

	ck_assert_int_eq(boot_plan(RAM_BASE, SZ_256M, &k, 0, &l, &why), 0);
	ck_assert_uint_eq(l.kernel_end, l.fdt_addr);
	check_layout(&l, RAM_BASE, SZ_256M, &k, 0);

	k = image(0, 0xfe00001);
	ck_assert_int_eq(boot_plan(RAM_BASE, SZ_256M, &k, 0, &l, &why),
			 -ENOSPC);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, "kernel"), "'%s' does not name the kernel",
		      why);

	/* With text_offset 0x80000 there is 0x80000 less room. */
	k = image(0x80000, 0xfd80000);
	ck_assert_int_eq(boot_plan(RAM_BASE, SZ_256M, &k, 0, &l, &why), 0);
	k = image(0x80000, 0xfd80001);
	ck_assert_int_eq(boot_plan(RAM_BASE, SZ_256M, &k, 0, &l, &why),
			 -ENOSPC);
}
END_TEST

/* Kernel and initrd together: the boundary, and an unaligned kernel end. */
START_TEST(test_boot_initrd_exact_fit)
{
	struct kernel_info k = image(0, 0x1000000);
	struct boot_layout l;
	const char *why = NULL;

	/* The kernel ends at 0x81000000; the DTB starts at 0x8fe00000. */
	ck_assert_int_eq(boot_plan(RAM_BASE, SZ_256M, &k, 0xee00000, &l, &why),
			 0);
	ck_assert_uint_eq(l.initrd_addr, 0x81000000);
	check_layout(&l, RAM_BASE, SZ_256M, &k, 0xee00000);

	why = NULL;
	ck_assert_int_eq(boot_plan(RAM_BASE, SZ_256M, &k, 0xee00001, &l, &why),
			 -ENOSPC);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, "initrd"), "'%s' does not name the initrd",
		      why);

	/*
	 * The kernel ends one byte into a page (0x81000001): an initrd of
	 * 0x8fe00000 - 0x81000001 bytes fits by size, but its page-aligned
	 * start would land on the kernel's last byte.
	 */
	k = image(0, 0x1000001);
	ck_assert_int_eq(boot_plan(RAM_BASE, SZ_256M, &k, 0xedff000, &l, &why),
			 0);
	ck_assert_uint_eq(l.initrd_addr, 0x81001000);
	why = NULL;
	ck_assert_int_eq(boot_plan(RAM_BASE, SZ_256M, &k, 0xedfffff, &l, &why),
			 -ENOSPC);
	ck_assert_ptr_nonnull(why);
}
END_TEST

/* Huge sizes are refused; no sum wraps around 2^64 into a "fit". */
START_TEST(test_boot_huge_sizes)
{
	struct kernel_info k;
	struct boot_layout l;
	const char *why = NULL;

	k = image(0, UINT64_MAX);
	ck_assert_int_eq(boot_plan(RAM_BASE, SZ_256M, &k, 0, &l, &why),
			 -ENOSPC);
	/* kernel_addr + image_size == 2^64 exactly. */
	k = image(0, 0 - RAM_BASE);
	ck_assert_int_eq(boot_plan(RAM_BASE, SZ_256M, &k, 0, &l, &why),
			 -ENOSPC);
	k = image(0x80000, 0 - RAM_BASE - 0x80000 + 0x1000);
	ck_assert_int_eq(boot_plan(RAM_BASE, SZ_256M, &k, 0, &l, &why),
			 -ENOSPC);
	k = raw(UINT64_MAX - 0x7ffff);
	ck_assert_int_eq(boot_plan(RAM_BASE, SZ_256M, &k, 0, &l, &why),
			 -ENOSPC);

	k = image(0, 0x1000000);
	ck_assert_int_eq(boot_plan(RAM_BASE, SZ_256M, &k, UINT64_MAX, &l, &why),
			 -ENOSPC);
	/* fdt_addr - initrd_size would wrap. */
	ck_assert_int_eq(boot_plan(RAM_BASE, SZ_256M, &k, 0x8fe00001, &l, &why),
			 -ENOSPC);
	ck_assert_int_eq(boot_plan(RAM_BASE, SZ_256M, &k, 0 - SZ_4K, &l, &why),
			 -ENOSPC);
}
END_TEST

/* The largest RAM --mem accepts (1 TiB): the DTB goes at its very end. */
START_TEST(test_boot_one_tib)
{
	struct kernel_info k = image(0, 0x3000000);
	struct boot_layout l;
	const char *why = NULL;

	ck_assert_int_eq(
		boot_plan(RAM_BASE, 1ULL << 40, &k, 0x40000000, &l, &why), 0);
	ck_assert_uint_eq(l.fdt_addr, 0x10080000000ULL - SZ_2M);
	ck_assert_uint_eq(l.initrd_addr, 0x10080000000ULL - SZ_2M - 0x40000000);
	check_layout(&l, RAM_BASE, 1ULL << 40, &k, 0x40000000);
}
END_TEST

/*
 * RAM that would run past 2^64 cannot be described: the plan must not
 * succeed with a DTB "at the end of RAM" that has wrapped below the kernel.
 */
START_TEST(test_boot_ram_wraps)
{
	struct kernel_info k = image(0, 0x1000000);
	struct boot_layout l;
	const char *why = NULL;
	int ret;

	ret = boot_plan(RAM_BASE, UINT64_MAX, &k, 0, &l, &why);
	ck_assert_msg(
		ret != 0,
		"RAM [0x80000000, +2^64-1) accepted: kernel at 0x%llx, DTB at 0x%llx",
		(unsigned long long)l.kernel_addr,
		(unsigned long long)l.fdt_addr);
	ret = boot_plan(RAM_BASE, 0 - RAM_BASE + SZ_1M, &k, 0, &l, &why);
	ck_assert_msg(
		ret != 0,
		"RAM [0x80000000, 2^64 + 1 MiB) accepted: kernel at 0x%llx, DTB at 0x%llx",
		(unsigned long long)l.kernel_addr,
		(unsigned long long)l.fdt_addr);
}
END_TEST

/*
 * booting.rst 2.: "The device tree blob (dtb) must be placed on an 8-byte
 * boundary", whatever the size of RAM.
 */
START_TEST(test_boot_dtb_aligned_odd_ram)
{
	struct kernel_info k = raw(0x1000);
	struct boot_layout l;
	const char *why = NULL;

	for (uint64_t extra = 1; extra < 8; extra++) {
		ck_assert_int_eq(boot_plan(RAM_BASE, 16 * SZ_1M + extra, &k, 0,
					   &l, &why),
				 0);
		ck_assert_msg(l.fdt_addr % 8 == 0,
			      "RAM of 16 MiB + %llu: DTB at 0x%llx",
			      (unsigned long long)extra,
			      (unsigned long long)l.fdt_addr);
		ck_assert_uint_le(l.fdt_addr + l.fdt_max_size,
				  RAM_BASE + 16 * SZ_1M + extra);
	}
}
END_TEST

/* Invariants over RAM sizes --mem gives (MiB multiples) and many kernels. */
START_TEST(test_boot_invariants)
{
	static const uint64_t mibs[] = { 8, 9, 16, 64, 256, 1000, 4096 };
	static const uint64_t sizes[] = { 1, 0xfff, 0x1000, 0x123457,
					  0x400000 };
	struct boot_layout l;
	const char *why;

	for (size_t m = 0; m < ARRAY_SIZE(mibs); m++) {
		uint64_t ram = mibs[m] * SZ_1M;

		for (size_t a = 0; a < ARRAY_SIZE(sizes); a++) {
			for (size_t b = 0; b < ARRAY_SIZE(sizes); b++) {
				struct kernel_info ks[] = {
					image(0, sizes[a]),
					image(0x80000, sizes[a]),
					raw(sizes[a]),
				};

				for (size_t i = 0; i < ARRAY_SIZE(ks); i++) {
					why = NULL;
					if (boot_plan(RAM_BASE, ram, &ks[i],
						      sizes[b], &l, &why)) {
						ck_assert_ptr_nonnull(why);
						continue;
					}
					check_layout(&l, RAM_BASE, ram, &ks[i],
						     sizes[b]);
				}
			}
		}
	}
}
END_TEST

/*
 * booting.rst 4.: primary CPU general-purpose registers x0 = physical
 * address of the DTB, x1 = x2 = x3 = 0; all forms of interrupts masked in
 * PSTATE.DAIF. SPSR format (Arm ARM, C5.2.18 SPSR_EL2): M[3:0] 0b0101 EL1h,
 * 0b1001 EL2h, M[4] 0 AArch64, F bit 6, I bit 7, A bit 8, D bit 9.
 */
START_TEST(test_boot_regs_el1)
{
	struct kernel_info k = image(0x80000, 0x1000000);
	struct boot_layout l;
	struct boot_regs r;
	const char *why = NULL;

	ck_assert_int_eq(boot_plan(RAM_BASE, SZ_256M, &k, 0x1000, &l, &why), 0);
	memset(&r, 0xff, sizeof(r));
	boot_regs_compute(&l, BOOT_EL1, &r);
	ck_assert_uint_eq(r.pc, 0x80080000);
	ck_assert_uint_eq(r.pstate, 0x3c5);
	ck_assert_uint_eq(r.x[0], 0x8fe00000);
	ck_assert_uint_eq(r.x[1], 0);
	ck_assert_uint_eq(r.x[2], 0);
	ck_assert_uint_eq(r.x[3], 0);
}
END_TEST

START_TEST(test_boot_regs_el2)
{
	struct kernel_info k = raw(0x4000);
	struct boot_layout l;
	struct boot_regs r;
	const char *why = NULL;

	ck_assert_int_eq(boot_plan(RAM_BASE, 32 * SZ_1M, &k, 0, &l, &why), 0);
	memset(&r, 0xff, sizeof(r));
	boot_regs_compute(&l, BOOT_EL2, &r);
	ck_assert_uint_eq(r.pc, 0x80080000);
	ck_assert_uint_eq(r.pstate, 0x3c9);
	ck_assert_uint_eq(r.x[0], 0x81e00000);
	ck_assert_uint_eq(r.x[1], 0);
	ck_assert_uint_eq(r.x[2], 0);
	ck_assert_uint_eq(r.x[3], 0);
}
END_TEST

/* The registers follow the layout they are given, nothing else. */
START_TEST(test_boot_regs_from_layout)
{
	struct boot_layout l = {
		.kernel_addr = 0x123456789000ULL,
		.kernel_end = 0x12345a000000ULL,
		.fdt_addr = 0xfedcba98000ULL,
		.fdt_max_size = SZ_2M,
	};
	struct boot_regs r;

	boot_regs_compute(&l, BOOT_EL1, &r);
	ck_assert_uint_eq(r.pc, 0x123456789000ULL);
	ck_assert_uint_eq(r.x[0], 0xfedcba98000ULL);
	/* DAIF (bits 9:6) all set, nothing above bit 9. */
	ck_assert_uint_eq(r.pstate & (0xfULL << 6), 0x3c0);
	ck_assert_uint_eq(r.pstate >> 10, 0);
}
END_TEST

/*
 * KVM_CAP_ARM_VM_IPA_SIZE (api.rst, KVM_CREATE_VM): the IPA size is 32 bits
 * at least; every guest physical address below the end of RAM must fit.
 */
START_TEST(test_boot_ipa_bits)
{
	static const struct {
		uint64_t ram_end;
		unsigned int bits;
	} cases[] = {
		{ 0x80000000ULL + 256 * SZ_1M, 32 }, /* the lab's 256 MiB */
		{ 0x100000000ULL, 32 }, /* 2 GiB of RAM ends at exactly 4 GiB */
		{ 0x100000001ULL, 33 },
		{ 0x80000000ULL + 0x100000000ULL, 33 }, /* 4 GiB of RAM */
		{ 1ULL << 40, 40 },
		{ (1ULL << 40) + 1, 41 },
		{ 0x80000000ULL + (1ULL << 40), 41 }, /* lkvm's 1 TiB maximum */
		{ 1, 32 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
		ck_assert_uint_eq(boot_ipa_bits(cases[i].ram_end),
				  cases[i].bits);
}
END_TEST

/*
 * DEN0022D 6.4.3: a CPU started by CPU_ON enters at entry_point_address with
 * x0 = context_id, at the boot EL (EL2h for a guest with EL2), DAIF masked.
 */
START_TEST(test_boot_regs_cpu_on)
{
	struct boot_regs r;

	boot_regs_cpu_on(0x80081000ULL, 0xfeedULL, BOOT_EL1, &r);
	ck_assert_uint_eq(r.pc, 0x80081000ULL);
	ck_assert_uint_eq(r.x[0], 0xfeed);
	ck_assert_uint_eq(r.x[1], 0);
	ck_assert_uint_eq(r.x[2], 0);
	ck_assert_uint_eq(r.x[3], 0);
	ck_assert_uint_eq(r.pstate, 0x3c5);
	boot_regs_cpu_on(0x80081000ULL, ~0ULL, BOOT_EL2, &r);
	ck_assert_uint_eq(r.x[0], ~0ULL);
	ck_assert_uint_eq(r.pstate, 0x3c9);
}
END_TEST

Suite *boot_suite(void)
{
	Suite *s = suite_create("boot");
	TCase *tc = tcase_create("plan");

	tcase_add_test(tc, test_boot_image_text_offset_0);
	tcase_add_test(tc, test_boot_image_text_offset_80000);
	tcase_add_test(tc, test_boot_raw_binary);
	tcase_add_test(tc, test_boot_aarch32);
	tcase_add_test(tc, test_boot_firmware);
	tcase_add_test(tc, test_boot_initrd_below_dtb);
	tcase_add_test(tc, test_boot_initrd_every_size);
	tcase_add_test(tc, test_boot_ram_too_small);
	tcase_add_test(tc, test_boot_kernel_exact_fit);
	tcase_add_test(tc, test_boot_initrd_exact_fit);
	tcase_add_test(tc, test_boot_huge_sizes);
	tcase_add_test(tc, test_boot_one_tib);
	tcase_add_test(tc, test_boot_ram_wraps);
	tcase_add_test(tc, test_boot_dtb_aligned_odd_ram);
	tcase_add_test(tc, test_boot_invariants);
	suite_add_tcase(s, tc);

	tc = tcase_create("registers");
	tcase_add_test(tc, test_boot_regs_el1);
	tcase_add_test(tc, test_boot_regs_el2);
	tcase_add_test(tc, test_boot_regs_from_layout);
	tcase_add_test(tc, test_boot_ipa_bits);
	tcase_add_test(tc, test_boot_regs_cpu_on);
	suite_add_tcase(s, tc);
	return s;
}
