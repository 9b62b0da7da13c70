// SPDX-License-Identifier: GPL-2.0
/*
 * image_parse: the arm64 Image header of Documentation/arch/arm64/booting.rst
 * ("4. Call the kernel image"), and the other kinds of file a user may pass
 * by mistake, recognised by the magic numbers of their own formats.
 *
 * The header, as booting.rst gives it (all fields little-endian):
 *
 *   0x00 u32 code0      0x18 u64 flags      0x38 u32 magic = 0x644d5241
 *   0x04 u32 code1      0x20 u64 res2       0x3c u32 res5 (PE offset)
 *   0x08 u64 text_offset 0x28 u64 res3
 *   0x10 u64 image_size  0x30 u64 res4
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "../../arm64/image.h"

#define HDR_LEN 64 /* booting.rst: the header is 64 bytes */

#define SZ_1M 0x100000ULL
#define SZ_2M 0x200000ULL

static void put_le(uint8_t *p, uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		p[i] = v >> (8 * i);
}

/*
 * An arm64 Image header. With efi_stub, code0 is "MZ" followed by an
 * instruction, as in a kernel built with CONFIG_EFI; otherwise code0 is a
 * branch to stext (booting.rst: "code0/code1 are responsible for branching
 * to stext").
 */
static void make_header(uint8_t *h, bool efi_stub, uint64_t text_offset,
			uint64_t image_size, uint64_t flags)
{
	memset(h, 0, HDR_LEN);
	if (efi_stub) {
		h[0] = 'M';
		h[1] = 'Z';
		h[2] = 0x40; /* "ccmp x18, #0, #0xd, pl", as the kernel does */
		h[3] = 0xfa;
		put_le(h + 0x3c, 0x40, 4); /* res5: offset of the PE header */
	} else {
		put_le(h, 0x14000010, 4); /* b +0x40 */
	}
	put_le(h + 0x08, text_offset, 8);
	put_le(h + 0x10, image_size, 8);
	put_le(h + 0x18, flags, 8);
	/* magic "ARM\x64" */
	h[0x38] = 'A';
	h[0x39] = 'R';
	h[0x3a] = 'M';
	h[0x3b] = 0x64;
}

/* image.h: an error's sentence starts with "is" or "has". */
static void check_why(const char *why, const char *keyword)
{
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(!strncmp(why, "is ", 3) || !strncmp(why, "has ", 4),
		      "why does not start with \"is\" or \"has\": '%s'", why);
	ck_assert_msg(strcasestr(why, keyword), "'%s' does not mention '%s'",
		      why, keyword);
}

START_TEST(test_image_header_fields)
{
	uint8_t h[HDR_LEN];
	struct kernel_info info;
	const char *why = NULL;

	/* flags bits 1-2 = 1: 4K pages; bit 3 clear: near the base of DRAM. */
	make_header(h, true, 0, 0x2340000, 1 << 1);
	ck_assert_int_eq(image_parse(h, sizeof(h), 0x1f00000, &info, &why), 0);
	ck_assert_int_eq(info.kind, KERNEL_IMAGE);
	ck_assert_uint_eq(info.file_size, 0x1f00000);
	ck_assert_uint_eq(info.text_offset, 0);
	ck_assert_uint_eq(info.image_size, 0x2340000);
	ck_assert_int_eq(info.page_size, IMAGE_PAGE_4K);
	ck_assert(!info.phys_placement_any);
}
END_TEST

START_TEST(test_image_without_efi_stub)
{
	uint8_t h[HDR_LEN];
	struct kernel_info info;
	const char *why = NULL;

	make_header(h, false, 0x80000, 0x1000000, 0);
	ck_assert_int_eq(image_parse(h, sizeof(h), 0xc00000, &info, &why), 0);
	ck_assert_int_eq(info.kind, KERNEL_IMAGE);
	ck_assert_uint_eq(info.text_offset, 0x80000);
	ck_assert_uint_eq(info.image_size, 0x1000000);
}
END_TEST

/* booting.rst, flags bits 1-2: 0 unspecified, 1 4K, 2 16K, 3 64K. */
static const struct {
	uint64_t flags;
	enum image_page_size page_size;
} page_sizes[] = {
	{ 0 << 1, IMAGE_PAGE_UNSPECIFIED },
	{ 1 << 1, IMAGE_PAGE_4K },
	{ 2 << 1, IMAGE_PAGE_16K },
	{ 3 << 1, IMAGE_PAGE_64K },
};

START_TEST(test_image_page_size)
{
	uint8_t h[HDR_LEN];
	struct kernel_info info;
	const char *why = NULL;

	make_header(h, true, 0, SZ_2M, page_sizes[_i].flags);
	ck_assert_int_eq(image_parse(h, sizeof(h), SZ_1M, &info, &why), 0);
	ck_assert_int_eq(info.page_size, page_sizes[_i].page_size);
	ck_assert(!info.phys_placement_any);
}
END_TEST

/* booting.rst, flags bit 3: physical placement anywhere in 48 bits. */
START_TEST(test_image_phys_placement)
{
	uint8_t h[HDR_LEN];
	struct kernel_info info;
	const char *why = NULL;

	make_header(h, true, 0, SZ_2M, (1 << 3) | (3 << 1));
	ck_assert_int_eq(image_parse(h, sizeof(h), SZ_1M, &info, &why), 0);
	ck_assert(info.phys_placement_any);
	ck_assert_int_eq(info.page_size, IMAGE_PAGE_64K);
}
END_TEST

/* booting.rst: flags bits 4-63 are reserved; they do not make it invalid. */
START_TEST(test_image_reserved_flags_ignored)
{
	uint8_t h[HDR_LEN];
	struct kernel_info info;
	const char *why = NULL;

	make_header(h, true, 0, SZ_2M, ~0xfULL | (1 << 1));
	ck_assert_int_eq(image_parse(h, sizeof(h), SZ_1M, &info, &why), 0);
	ck_assert_int_eq(info.kind, KERNEL_IMAGE);
	ck_assert_int_eq(info.page_size, IMAGE_PAGE_4K);
	ck_assert(!info.phys_placement_any);
}
END_TEST

/*
 * booting.rst: before v3.17 image_size is zero and text_offset is 0x80000;
 * the kernel then needs (at least) the file's own size.
 */
START_TEST(test_image_pre_3_17)
{
	uint8_t h[HDR_LEN];
	struct kernel_info info;
	const char *why = NULL;

	make_header(h, false, 0x80000, 0, 0);
	ck_assert_int_eq(image_parse(h, sizeof(h), 0x654321, &info, &why), 0);
	ck_assert_int_eq(info.kind, KERNEL_IMAGE);
	ck_assert_uint_eq(info.text_offset, 0x80000);
	ck_assert_uint_eq(info.image_size, 0x654321);
}
END_TEST

/* booting.rst, flags bit 0: 1 is a big-endian kernel; lkvm boots LE only. */
START_TEST(test_image_big_endian_refused)
{
	uint8_t h[HDR_LEN];
	struct kernel_info info;
	const char *why = NULL;

	make_header(h, true, 0, SZ_2M, 1 | (1 << 1));
	ck_assert_int_eq(image_parse(h, sizeof(h), SZ_1M, &info, &why),
			 -EINVAL);
	check_why(why, "big-endian");
}
END_TEST

/*
 * The Image goes text_offset bytes above a 2 MiB aligned base: an offset
 * that is not page aligned, or not below 2 MiB, cannot be honoured.
 */
static const struct {
	uint64_t text_offset;
	bool valid;
} text_offsets[] = {
	{ 0, true },	     { 0x1000, true },	  { 0x80000, true },
	{ 0x1ff000, true },  { 0x80010, false },  { 0x800, false },
	{ 0x200000, false }, { 0x280000, false }, { ~0ULL & ~0xfffULL, false },
};

START_TEST(test_image_text_offset)
{
	uint8_t h[HDR_LEN];
	struct kernel_info info;
	const char *why = NULL;
	int ret;

	make_header(h, true, text_offsets[_i].text_offset, SZ_2M, 1 << 1);
	ret = image_parse(h, sizeof(h), SZ_1M, &info, &why);
	if (text_offsets[_i].valid) {
		ck_assert_int_eq(ret, 0);
		ck_assert_uint_eq(info.text_offset,
				  text_offsets[_i].text_offset);
	} else {
		ck_assert_int_eq(ret, -EINVAL);
		check_why(why, "text_offset");
	}
}
END_TEST

/* image_size counts the whole image, bss included: at least the file. */
START_TEST(test_image_size_vs_file)
{
	uint8_t h[HDR_LEN];
	struct kernel_info info;
	const char *why = NULL;

	make_header(h, true, 0, 0x1000000, 1 << 1);
	ck_assert_int_eq(image_parse(h, sizeof(h), 0x1000000, &info, &why), 0);
	ck_assert_uint_eq(info.image_size, 0x1000000);

	ck_assert_int_eq(image_parse(h, sizeof(h), 0x1000001, &info, &why),
			 -EINVAL);
	check_why(why, "image_size");
}
END_TEST

/*
 * Files that are not an arm64 Image, each with the magic number of its own
 * format:
 * - ELF: System V gABI, e_ident "\x7fELF";
 * - EFI zboot: Linux drivers/firmware/efi/libstub/zboot-header.S, "MZ\0\0",
 *   "zimg" at offset 4, the compression type at 24 and LINUX_PE_MAGIC
 *   0x818223cd (not "ARM\x64") at 0x38;
 * - gzip: RFC 1952 ID1 ID2 = 1f 8b, CM 8;
 * - xz: the .xz file format, 2.1.1.1: fd 37 7a 58 5a 00;
 * - zstd: RFC 8878, 3.1.1: magic 0xfd2fb528, little-endian;
 * - bzip2: "BZh" and the block size '1'..'9';
 * - lz4: the frame format, magic 0x184d2204, and the legacy frame,
 *   0x184c2102, both little-endian;
 * - lzop: 89 4c 5a 4f 00 0d 0a 1a 0a.
 */
static const struct {
	const char *name;
	uint8_t magic[64];
	size_t magic_len;
	const char *keyword;
} foreign[] = {
	{ "ELF", { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 }, 8, "ELF" },
	{ "zboot",
	  { 'M',  'Z',	0, 0, 'z',  'i',  'm',	'g',  0x00, 0x10, 0, 0,	  0x00,
	    0x00, 0x80, 0, 0, 0,    0,	  0,	0,    0,    0,	  0, 'g', 'z',
	    'i',  'p',	0, 0, 0,    0,	  0,	0,    0,    0,	  0, 0,	  0,
	    0,	  0,	0, 0, 0,    0,	  0,	0,    0,    0,	  0, 0,	  0,
	    0,	  0,	0, 0, 0xcd, 0x23, 0x82, 0x81, 0x40, 0,	  0, 0 },
	  64,
	  "zboot" },
	{ "gzip", { 0x1f, 0x8b, 0x08, 0x00 }, 4, "gzip" },
	{ "xz", { 0xfd, '7', 'z', 'X', 'Z', 0x00 }, 6, "xz" },
	{ "zstd", { 0x28, 0xb5, 0x2f, 0xfd }, 4, "zstd" },
	{ "bzip2", { 'B', 'Z', 'h', '9' }, 4, "bzip2" },
	{ "lz4", { 0x04, 0x22, 0x4d, 0x18 }, 4, "lz4" },
	{ "lz4 legacy", { 0x02, 0x21, 0x4c, 0x18 }, 4, "lz4" },
	{ "lzop",
	  { 0x89, 'L', 'Z', 'O', 0x00, 0x0d, 0x0a, 0x1a, 0x0a },
	  9,
	  "lzo" },
};

START_TEST(test_image_foreign_kinds)
{
	uint8_t h[4096];
	struct kernel_info info;
	const char *why = NULL;

	/* The rest of the file looks like compressed data: not zero. */
	for (size_t i = 0; i < sizeof(h); i++)
		h[i] = (uint8_t)(i * 131 + 7);
	memcpy(h, foreign[_i].magic, foreign[_i].magic_len);
	ck_assert_msg(image_parse(h, sizeof(h), 0x800000, &info, &why) ==
			      -EINVAL,
		      "%s accepted as a kernel", foreign[_i].name);
	check_why(why, foreign[_i].keyword);

	/* The same with only the first 64 bytes read, as lkvm does. */
	why = NULL;
	ck_assert_int_eq(image_parse(h, HDR_LEN, 0x800000, &info, &why),
			 -EINVAL);
	check_why(why, foreign[_i].keyword);
}
END_TEST

/* A compressed file shorter than the Image header is still recognised. */
START_TEST(test_image_foreign_short)
{
	uint8_t h[HDR_LEN];
	struct kernel_info info;
	const char *why = NULL;
	/* Just the magic, and nothing after it (zboot: its first 8 bytes). */
	size_t len = foreign[_i].magic_len < 8 ? foreign[_i].magic_len : 8;

	memset(h, 0, sizeof(h));
	memcpy(h, foreign[_i].magic, foreign[_i].magic_len);
	ck_assert_int_eq(image_parse(h, len, len, &info, &why), -EINVAL);
	check_why(why, foreign[_i].keyword);
}
END_TEST

START_TEST(test_image_empty)
{
	uint8_t h[HDR_LEN] = { 0 };
	struct kernel_info info;
	const char *why = NULL;

	ck_assert_int_eq(image_parse(h, 0, 0, &info, &why), -EINVAL);
	check_why(why, "empty");
	/* A stale buffer does not count when the file is empty. */
	make_header(h, true, 0, SZ_2M, 1 << 1);
	why = NULL;
	ck_assert_int_eq(image_parse(h, sizeof(h), 0, &info, &why), -EINVAL);
	check_why(why, "empty");
}
END_TEST

/*
 * A file that starts like an EFI-stub Image ("MZ", booting.rst code0) but
 * ends before the 64-byte header does is cut short.
 */
START_TEST(test_image_truncated)
{
	uint8_t h[HDR_LEN];
	struct kernel_info info;
	const char *why = NULL;

	make_header(h, true, 0, SZ_2M, 1 << 1);
	for (size_t len = 2; len < HDR_LEN; len += 7) {
		why = NULL;
		ck_assert_int_eq(image_parse(h, len, len, &info, &why),
				 -EINVAL);
		check_why(why, "truncated");
	}
	/* The caller's buffer may be larger than the file: the file counts. */
	why = NULL;
	ck_assert_int_eq(image_parse(h, sizeof(h), 0x3c, &info, &why), -EINVAL);
	check_why(why, "truncated");
}
END_TEST

/* A PE/COFF file ("MZ") without "ARM\x64" at 0x38 is not an arm64 Image. */
START_TEST(test_image_pe_without_magic)
{
	uint8_t h[HDR_LEN];
	struct kernel_info info;
	const char *why = NULL;

	make_header(h, true, 0, SZ_2M, 1 << 1);
	memset(h + 0x38, 0, 4);
	ck_assert_int_eq(image_parse(h, sizeof(h), 0x10000, &info, &why),
			 -EINVAL);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, "PE") || strstr(why, "EFI"),
		      "'%s' does not say it is a PE file", why);
	check_why(why, "ARM");

	/* A near miss of the magic ("ARM\x65") does not count either. */
	make_header(h, true, 0, SZ_2M, 1 << 1);
	h[0x3b] = 0x65;
	why = NULL;
	ck_assert_int_eq(image_parse(h, sizeof(h), 0x10000, &info, &why),
			 -EINVAL);
	ck_assert_ptr_nonnull(why);
}
END_TEST

/*
 * Anything else is a raw binary (a bare-metal program), loaded like kvmtool
 * does: no header, so no text_offset, and the file is all it needs.
 */
START_TEST(test_image_raw_binary)
{
	uint8_t h[HDR_LEN];
	struct kernel_info info;
	const char *why = NULL;

	memset(h, 0, sizeof(h));
	put_le(h, 0xd503201f, 4); /* nop */
	put_le(h + 4, 0x14000000, 4); /* b . */
	ck_assert_int_eq(image_parse(h, sizeof(h), 0x12345, &info, &why), 0);
	ck_assert_int_eq(info.kind, KERNEL_RAW);
	ck_assert_uint_eq(info.file_size, 0x12345);
	ck_assert_uint_eq(info.text_offset, 0);
	ck_assert_uint_eq(info.image_size, 0x12345);

	/* Shorter than an Image header: still a raw binary. */
	ck_assert_int_eq(image_parse(h, 8, 8, &info, &why), 0);
	ck_assert_int_eq(info.kind, KERNEL_RAW);
	ck_assert_uint_eq(info.image_size, 8);

	/* A single byte. */
	ck_assert_int_eq(image_parse(h, 1, 1, &info, &why), 0);
	ck_assert_int_eq(info.kind, KERNEL_RAW);
	ck_assert_uint_eq(info.image_size, 1);
}
END_TEST

/*
 * Only the file's bytes count: a buffer holding a stale Image header past
 * the end of a short file must not make it an Image.
 */
START_TEST(test_image_head_longer_than_file)
{
	uint8_t h[HDR_LEN];
	struct kernel_info info;
	const char *why = NULL;

	make_header(h, false, 0, SZ_2M, 1 << 1);
	ck_assert_int_eq(image_parse(h, sizeof(h), 16, &info, &why), 0);
	ck_assert_int_eq(info.kind, KERNEL_RAW);
	ck_assert_uint_eq(info.image_size, 16);
	ck_assert_uint_eq(info.file_size, 16);
}
END_TEST

/* The result is written in full, whatever was in info before. */
START_TEST(test_image_info_reset)
{
	uint8_t h[HDR_LEN];
	struct kernel_info info;
	const char *why = NULL;

	memset(&info, 0xa5, sizeof(info));
	make_header(h, false, 0x80000, 0, 0);
	ck_assert_int_eq(image_parse(h, sizeof(h), 0x100000, &info, &why), 0);
	ck_assert_int_eq(info.page_size, IMAGE_PAGE_UNSPECIFIED);
	ck_assert(!info.phys_placement_any);

	memset(&info, 0xa5, sizeof(info));
	ck_assert_int_eq(image_parse(h, 4, 4, &info, &why), 0);
	ck_assert_int_eq(info.kind, KERNEL_RAW);
	ck_assert_uint_eq(info.text_offset, 0);
	ck_assert_int_eq(info.page_size, IMAGE_PAGE_UNSPECIFIED);
	ck_assert(!info.phys_placement_any);
}
END_TEST

Suite *image_suite(void)
{
	Suite *s = suite_create("image");
	TCase *tc = tcase_create("header");

	tcase_add_test(tc, test_image_header_fields);
	tcase_add_test(tc, test_image_without_efi_stub);
	tcase_add_loop_test(tc, test_image_page_size, 0,
			    ARRAY_SIZE(page_sizes));
	tcase_add_test(tc, test_image_phys_placement);
	tcase_add_test(tc, test_image_reserved_flags_ignored);
	tcase_add_test(tc, test_image_pre_3_17);
	tcase_add_test(tc, test_image_big_endian_refused);
	tcase_add_loop_test(tc, test_image_text_offset, 0,
			    ARRAY_SIZE(text_offsets));
	tcase_add_test(tc, test_image_size_vs_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("other kinds");
	tcase_add_loop_test(tc, test_image_foreign_kinds, 0,
			    ARRAY_SIZE(foreign));
	tcase_add_loop_test(tc, test_image_foreign_short, 0,
			    ARRAY_SIZE(foreign));
	tcase_add_test(tc, test_image_empty);
	tcase_add_test(tc, test_image_truncated);
	tcase_add_test(tc, test_image_pe_without_magic);
	tcase_add_test(tc, test_image_raw_binary);
	tcase_add_test(tc, test_image_head_longer_than_file);
	tcase_add_test(tc, test_image_info_reset);
	suite_add_tcase(s, tc);
	return s;
}
