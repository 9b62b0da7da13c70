// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 Image header parsing, Documentation/arch/arm64/booting.rst:
 *
 *   u32 code0, code1; u64 text_offset; u64 image_size; u64 flags;
 *   u64 res2, res3, res4; u32 magic = "ARM\x64"; u32 res5;
 *
 * All fields are little-endian. Other kinds of file are recognised by their
 * magic numbers so that the user learns what to pass instead.
 */
#include <errno.h>
#include <string.h>

#include "image.h"

#define SZ_4K 0x1000ULL
#define SZ_2M 0x200000ULL

#define IMAGE_FLAG_BE (1ULL << 0)
#define IMAGE_FLAG_PAGE_SHIFT 1
#define IMAGE_FLAG_PAGE_MASK (3ULL << IMAGE_FLAG_PAGE_SHIFT)
#define IMAGE_FLAG_PHYS_ANY (1ULL << 3)

static uint64_t get_le(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static bool starts_with(const uint8_t *head, size_t len, size_t off,
			const void *magic, size_t magic_len)
{
	return len >= off + magic_len && !memcmp(head + off, magic, magic_len);
}

struct foreign_kind {
	size_t offset;
	const char *magic;
	size_t len;
	const char *why;
};

/* Files that are not bootable as they are, with what to do about them. */
static const struct foreign_kind foreign_kinds[] = {
	{ 0, "\177ELF", 4,
	  "is an ELF file (a vmlinux?): pass the arm64 Image, such as arch/arm64/boot/Image" },
	/* Linux's EFI zboot header: "MZ", 2 bytes, then "zimg" at offset 4. */
	{ 4, "zimg", 4,
	  "is an EFI zboot image (vmlinuz.efi): pass the Image it compresses (arch/arm64/boot/Image)" },
	{ 0, "\x1f\x8b", 2,
	  "is gzip-compressed (Image.gz?): decompress it first, e.g. gunzip -c FILE > Image" },
	{ 0, "\3757zXZ", 6,
	  "is xz-compressed: decompress it first, e.g. xz -dc FILE > Image" },
	{ 0, "\x28\xb5\x2f\xfd", 4,
	  "is zstd-compressed: decompress it first, e.g. zstd -dc FILE > Image" },
	{ 0, "BZh", 3,
	  "is bzip2-compressed: decompress it first, e.g. bzip2 -dc FILE > Image" },
	{ 0, "\x02\x21\x4c\x18", 4,
	  "is lz4-compressed: decompress it first, e.g. lz4 -dc FILE > Image" },
	{ 0, "\x04\x22\x4d\x18", 4,
	  "is lz4-compressed: decompress it first, e.g. lz4 -dc FILE > Image" },
	{ 0, "\x89LZO", 4,
	  "is lzo-compressed: decompress it first, e.g. lzop -dc FILE > Image" },
};

static const char *foreign_kind_why(const uint8_t *head, size_t len)
{
	for (size_t i = 0; i < sizeof(foreign_kinds) / sizeof(*foreign_kinds);
	     i++) {
		const struct foreign_kind *k = &foreign_kinds[i];

		if (starts_with(head, len, k->offset, k->magic, k->len))
			return k->why;
	}
	return NULL;
}

/* Checks the fields of a header whose magic matched. */
static int image_check_header(const uint8_t *h, uint64_t file_size,
			      struct kernel_info *info, const char **why)
{
	uint64_t flags = get_le(h + 24, 8);

	info->kind = KERNEL_IMAGE;
	info->text_offset = get_le(h + 8, 8);
	info->image_size = get_le(h + 16, 8);
	info->page_size = (flags & IMAGE_FLAG_PAGE_MASK) >>
			  IMAGE_FLAG_PAGE_SHIFT;
	info->phys_placement_any = flags & IMAGE_FLAG_PHYS_ANY;

	if (flags & IMAGE_FLAG_BE) {
		*why = "is a big-endian arm64 Image: lkvm boots little-endian kernels only";
		return -EINVAL;
	}
	/*
	 * The kernel sits text_offset bytes above a 2 MiB aligned base; the
	 * offset has always been page aligned (0x80000 before Linux 5.8, or
	 * randomised in 4 KiB steps, and 0 since).
	 */
	if (info->text_offset % SZ_4K || info->text_offset >= SZ_2M) {
		*why = "has an arm64 Image header with an invalid text_offset (not a 4 KiB multiple below 2 MiB)";
		return -EINVAL;
	}
	/*
	 * image_size is 0 only for kernels older than 3.17; their text_offset
	 * is 0x80000 and their size is taken from the file.
	 */
	if (!info->image_size) {
		info->image_size = file_size;
	} else if (info->image_size < file_size) {
		*why = "has an arm64 Image header whose image_size is smaller than the file";
		return -EINVAL;
	}
	return 0;
}

int image_parse(const void *head, size_t head_len, uint64_t file_size,
		struct kernel_info *info, const char **why)
{
	const uint8_t *h = head;

	memset(info, 0, sizeof(*info));
	info->file_size = file_size;
	if (head_len > file_size)
		head_len = file_size;

	if (!file_size) {
		*why = "is empty";
		return -EINVAL;
	}
	if (head_len >= IMAGE_HEADER_SIZE && get_le(h + 0x38, 4) == IMAGE_MAGIC)
		return image_check_header(h, file_size, info, why);

	*why = foreign_kind_why(h, head_len);
	if (*why)
		return -EINVAL;

	if (starts_with(h, head_len, 0, "MZ", 2)) {
		/*
		 * An arm64 Image with an EFI stub starts with "MZ" too: a file
		 * that does but is shorter than the header was cut short.
		 */
		if (file_size < IMAGE_HEADER_SIZE)
			*why = "is truncated: shorter than the 64-byte arm64 Image header";
		else
			*why = "is a PE/EFI executable but not an arm64 Image (no \"ARM\\x64\" magic at offset 0x38)";
		return -EINVAL;
	}

	info->kind = KERNEL_RAW;
	info->text_offset = 0;
	info->image_size = file_size;
	return 0;
}
